/*
 * The secrets of the auth layer: Argon2id password hashes and BLAKE2b
 * digests from libsodium (no home-made crypto), random ids from
 * getrandom(2), and the one form of an email address that accounts are
 * stored and looked up by.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/random.h>

#include "auth/internal.h"
#include "core/utf8.h"

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_rc = -1;

static void sodium_start(void)
{
	sodium_rc = sodium_init();	/* 0 first time, 1 if already done */
}

int nitro__sodium_init(void)
{
	pthread_once(&sodium_once, sodium_start);
	if (sodium_rc < 0)
		return nitro_error(NITRO_EINTERNAL, "libsodium cannot start (sodium_init failed)");
	return 0;
}

int nitro__pw_hash(const nitro_auth *a, const char *password, char out[crypto_pwhash_STRBYTES])
{
	if (crypto_pwhash_str_alg(out, password, strlen(password), a->o.pw_opslimit,
	    a->o.pw_memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return nitro_error(NITRO_ENOMEM, "password hash: out of memory "
		    "(Argon2id needs %zu bytes)", a->o.pw_memlimit);
	return 0;
}

int nitro__pw_verify(const char *hash, const char *password)
{
	/* libsodium compares in constant time. */
	if (hash == NULL || crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return nitro_error(NITRO_EVALIDATE, "wrong email or password");
	return 0;
}

int nitro__pw_needs_rehash(const nitro_auth *a, const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, a->o.pw_opslimit, a->o.pw_memlimit) != 0;
}

int nitro__pw_check(const char *password)
{
	size_t n = strlen(password), chars = 0;

	if (n > NITRO_AUTH_PASSWORD_MAX)
		return nitro_error(NITRO_EVALIDATE, "password: at most %d bytes",
		    NITRO_AUTH_PASSWORD_MAX);
	for (size_t i = 0; i < n; chars++) {
		unsigned cp;
		size_t len = nitro__utf8_char(password + i, n - i, &cp);

		if (len == 0)
			return nitro_error(NITRO_EVALIDATE, "password: not valid UTF-8");
		i += len;
	}
	if (chars < NITRO_AUTH_PASSWORD_MIN)
		return nitro_error(NITRO_EVALIDATE, "password: at least %d characters",
		    NITRO_AUTH_PASSWORD_MIN);
	return 0;
}

/*
 * One form per address: surrounding blanks dropped and ASCII lower-cased
 * (also the local part: mail systems that tell Ann@ from ann@ are rare,
 * and two accounts for them a trap).  Then one '@' between non-empty
 * parts, a dot in the domain, nothing at or below a space, no DEL.
 */
int nitro__email_normalise(const char *in, char out[NITRO_AUTH_EMAIL_MAX + 1])
{
	size_t n, at = 0, ats = 0;

	if (in == NULL)
		return nitro_error(NITRO_EVALIDATE, "email: is required");
	while (*in == ' ' || *in == '\t')
		in++;
	n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	if (n == 0)
		return nitro_error(NITRO_EVALIDATE, "email: is required");
	if (n > NITRO_AUTH_EMAIL_MAX)
		return nitro_error(NITRO_EVALIDATE, "email: at most %d characters",
		    NITRO_AUTH_EMAIL_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c <= ' ' || c == 0x7f)
			return nitro_error(NITRO_EVALIDATE, "email: has the wrong format");
		if (c == '@') {
			at = i;
			ats++;
		}
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	out[n] = '\0';
	if (ats != 1 || at == 0 || at == n - 1 || strchr(out + at + 1, '.') == NULL ||
	    out[n - 1] == '.' || out[at + 1] == '.')
		return nitro_error(NITRO_EVALIDATE, "email: has the wrong format");
	return 0;
}

void nitro__hash_hex(const void *s, size_t n, char out[NITRO__HASH_HEX])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, s, n, NULL, 0);
	sodium_bin2hex(out, NITRO__HASH_HEX, h, sizeof h);
}

int nitro__random(void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom((char *)buf + got, n - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return nitro_error(NITRO_EIO, "getrandom: %s", strerror(errno));
		got += (size_t)r;
	}
	return 0;
}
