/*
 * libFuzzer harness for what the auth layer reads from clients: email
 * addresses (nitro__email_normalise), new passwords (nitro__pw_check) and
 * session ids from cookies (nitro__session_find).
 *
 * Invariants: an accepted address comes out trimmed, lower-case, with one
 * '@', no byte at or below a space, at most NITRO_AUTH_EMAIL_MAX bytes,
 * and normalises to itself; a password passes exactly when it is valid
 * UTF-8 of 8 characters or more and at most NITRO_AUTH_PASSWORD_MAX bytes
 * (counted here character by character); and no input but
 * the one live id finds a session (the store holds one, made at start).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/internal.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
	abort(); } } while (0)

static nitro_auth *auth;
static char live[NITRO__TOKEN_HEX];

static void start(void)
{
	struct nitro_auth_opts o = {
		.pw_opslimit = crypto_pwhash_OPSLIMIT_MIN,
		.pw_memlimit = crypto_pwhash_MEMLIMIT_MIN,
		.sweep_ms = INT64_MAX / 2,
	};
	nitro_repo *mem = nitro_memrepo_new(NULL);

	if (mem == NULL || (auth = nitro_auth_new(mem, &o)) == NULL ||
	    nitro__session_create(auth, 1, live) != 0)
		abort();
}

static void check_email(const char *s)
{
	char out[NITRO_AUTH_EMAIL_MAX + 1], again[NITRO_AUTH_EMAIL_MAX + 1];
	size_t n, ats = 0;

	if (nitro__email_normalise(s, out) != 0) {
		CHECK(nitro_errcode() == NITRO_EVALIDATE);
		return;
	}
	n = strlen(out);
	CHECK(n > 0 && n <= NITRO_AUTH_EMAIL_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		CHECK(c > ' ' && c != 0x7f && !(c >= 'A' && c <= 'Z'));
		ats += c == '@';
	}
	CHECK(ats == 1 && out[0] != '@' && out[n - 1] != '@');
	CHECK(nitro__email_normalise(out, again) == 0 && strcmp(out, again) == 0);
}

static void check_password(const char *s)
{
	size_t n = strlen(s), chars = 0, i = 0;
	int valid = 1;

	while (i < n && valid) {
		unsigned cp;
		size_t len = nitro__utf8_char(s + i, n - i, &cp);

		if (len == 0)
			valid = 0;
		i += len;
		chars++;
	}
	valid = valid && chars >= NITRO_AUTH_PASSWORD_MIN && n <= NITRO_AUTH_PASSWORD_MAX;
	CHECK((nitro__pw_check(s) == 0) == valid);
}

static void check_token(const char *s)
{
	struct nitro_session sess;
	int rc = nitro__session_find(auth, s, &sess);

	if (strcmp(s, live) == 0) {
		CHECK(rc == 0 && sess.account == 1);
		nitro_session_clear(&sess);
	} else {
		CHECK(rc == NITRO_ENOTFOUND);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (auth == NULL)
		start();
	if (size > 4096 || (s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_email(s);
	check_password(s);
	check_token(s);
	free(s);
	return 0;
}
