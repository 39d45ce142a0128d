/*
 * nitro_auth: the settings, the clock and the sweep.  Its entities are
 * bound to the repository the application gives, so there is one
 * nitro_auth per process (the schemas are process-wide, as every
 * entity's are).
 */
#include <stdlib.h>
#include <string.h>

#include "auth/internal.h"

#define DEFAULT_IDLE_MS		(2 * 3600 * 1000LL)
#define DEFAULT_ABSOLUTE_MS	(7 * 24 * 3600 * 1000LL)
#define DEFAULT_SWEEP_MS	60000
#define DEFAULT_WINDOW_MS	(15 * 60 * 1000LL)
#define DEFAULT_ACCOUNT_FAILURES 5
#define DEFAULT_ADDRESS_FAILURES 20
#define DEFAULT_THROTTLE_ROWS	10000

int64_t nitro__auth_now(const nitro_auth *a)
{
	return a->o.now_ms != NULL ? a->o.now_ms(a->o.now_arg) : nitro_time_now();
}

/* A cookie name is an HTTP token. */
static int is_token(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n == strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~");
}

static int fill(nitro_auth *a, const struct nitro_auth_opts *in)
{
	struct nitro_auth_opts *o = &a->o;
	const char *cookie, *login;

	if (in != NULL)
		*o = *in;
	cookie = o->cookie_name != NULL ? o->cookie_name : "nitro_session";
	login = o->login_path != NULL ? o->login_path : "/login";
	if (!is_token(cookie) || strlen(cookie) >= sizeof a->cookie)
		return nitro_error(NITRO_EINVAL, "auth: cookie name \"%s\" is not a "
		    "token of at most %zu characters", cookie, sizeof a->cookie - 1);
	if (login[0] != '/' || login[1] == '/' || strlen(login) >= sizeof a->login_path ||
	    strpbrk(login, "\r\n\\") != NULL)
		return nitro_error(NITRO_EINVAL, "auth: login_path must be a local path (\"/login\")");
	strcpy(a->cookie, cookie);
	strcpy(a->login_path, login);
	o->cookie_name = a->cookie;
	o->login_path = a->login_path;
	if (o->idle_ms < 0 || o->absolute_ms < 0 || o->sweep_ms < 0 || o->window_ms < 0)
		return nitro_error(NITRO_EINVAL, "auth: a negative time");
	o->idle_ms = o->idle_ms ? o->idle_ms : DEFAULT_IDLE_MS;
	o->absolute_ms = o->absolute_ms ? o->absolute_ms : DEFAULT_ABSOLUTE_MS;
	o->sweep_ms = o->sweep_ms ? o->sweep_ms : DEFAULT_SWEEP_MS;
	o->window_ms = o->window_ms ? o->window_ms : DEFAULT_WINDOW_MS;
	o->account_failures = o->account_failures ? o->account_failures : DEFAULT_ACCOUNT_FAILURES;
	o->address_failures = o->address_failures ? o->address_failures : DEFAULT_ADDRESS_FAILURES;
	o->throttle_rows = o->throttle_rows ? o->throttle_rows : DEFAULT_THROTTLE_ROWS;
	o->pw_opslimit = o->pw_opslimit ? o->pw_opslimit : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	o->pw_memlimit = o->pw_memlimit ? o->pw_memlimit : crypto_pwhash_MEMLIMIT_INTERACTIVE;
	if (o->pw_opslimit < crypto_pwhash_OPSLIMIT_MIN || o->pw_opslimit > crypto_pwhash_OPSLIMIT_MAX ||
	    o->pw_memlimit < crypto_pwhash_MEMLIMIT_MIN || o->pw_memlimit > crypto_pwhash_MEMLIMIT_MAX)
		return nitro_error(NITRO_EINVAL, "auth: Argon2id limits out of libsodium's range");
	return 0;
}

nitro_auth *nitro_auth_new(nitro_repo *repo, const struct nitro_auth_opts *o)
{
	const nitro_schema *const *s = nitro_auth_schemas();
	unsigned char raw[16];
	char pw[2 * sizeof raw + 1];
	nitro_auth *a;

	if (repo == NULL) {
		nitro_error(NITRO_EINVAL, "auth: no repository");
		return NULL;
	}
	if (nitro__sodium_init() != 0)
		return NULL;
	if ((a = calloc(1, sizeof *a)) == NULL) {
		nitro_error(NITRO_ENOMEM, "auth: out of memory");
		return NULL;
	}
	if (fill(a, o) != 0)
		goto fail;
	for (; *s != NULL; s++)
		if (nitro_entity_bind((nitro_schema *)*s, repo, NULL) != 0)
			goto fail;
	/* The dummy hash has the cost of a real one: of a password that
	 * nobody knows, never used again. */
	if (nitro__random(raw, sizeof raw) != 0)
		goto fail;
	sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
	if (nitro__pw_hash(a, pw, a->dummy) != 0)
		goto fail;
	sodium_memzero(pw, sizeof pw);
	return a;
fail:
	free(a);
	return NULL;
}

void nitro_auth_free(nitro_auth *a)
{
	free(a);
}

int nitro__auth_delete(const nitro_schema *s, const nitro_query *q, size_t *gone)
{
	size_t off = nitro_entity_field(s, "id")->offset, n = 0;
	nitro_rows rows = { NULL, 0, NULL };
	int rc = nitro_entity_query(s, q, &rows);

	for (size_t i = 0; rc == 0 && i < rows.n; i++) {
		const char *row = (const char *)rows.items + i * s->size;
		int64_t id;

		memcpy(&id, row + off, sizeof id);
		if ((rc = nitro_entity_delete(s, nitro_id_int(id))) == 0)
			n++;
		else if (rc == NITRO_ENOTFOUND)	/* another worker was first */
			rc = 0;
	}
	nitro_rows_free(&rows);
	if (gone != NULL)
		*gone = n;
	return rc;
}

int nitro__auth_forget(const nitro_schema *s, const char *field, const char *value)
{
	nitro_cond c = { field, NITRO_OP_EQ, nitro_v_text(value) };
	nitro_query q = { .all = &c, .nall = 1, .limit = 1 };

	return nitro__auth_delete(s, &q, NULL);
}

size_t nitro_auth_sweep(nitro_auth *a)
{
	atomic_store(&a->last_sweep, nitro__auth_now(a));
	return nitro__session_sweep(a) + nitro__throttle_sweep(a);
}

void nitro__auth_maybe_sweep(nitro_auth *a)
{
	int64_t now = nitro__auth_now(a), last = atomic_load(&a->last_sweep);

	/* One thread of the process sweeps; the others go on. */
	if (now - last < a->o.sweep_ms ||
	    !atomic_compare_exchange_strong(&a->last_sweep, &last, now))
		return;
	nitro__session_sweep(a);
	nitro__throttle_sweep(a);
	nitro_error_clear();	/* a failed sweep is tried again later */
}
