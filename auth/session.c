/*
 * Server-side sessions.  A session is a row of the nitro_session entity:
 * the account, when it logged in (created) and when it was last used
 * (seen).  The browser holds its id, 256 random bits as hex; the row
 * holds only the id's BLAKE2b digest, found through the unique index.
 *
 * A session ends idle_ms after it was last seen or absolute_ms after it
 * was made, whichever comes first; an ended row is deleted when it is
 * next presented, or by the sweep.  "seen" is written back at most every
 * quarter of idle_ms (and at least every minute), not on every request,
 * so that reading pages does not write the store each time.
 */
#include <string.h>

#include "auth/internal.h"

/* Exactly 64 lower-case hex digits; anything else is no session. */
static int token_ok(const char *t)
{
	size_t n = 0;

	if (t == NULL)
		return 0;
	for (; t[n] != '\0'; n++)
		if (n >= NITRO__TOKEN_HEX - 1 ||
		    !((t[n] >= '0' && t[n] <= '9') || (t[n] >= 'a' && t[n] <= 'f')))
			return 0;
	return n == NITRO__TOKEN_HEX - 1;
}

int nitro__session_create(nitro_auth *a, int64_t account, char token[NITRO__TOKEN_HEX])
{
	unsigned char raw[NITRO__TOKEN_BYTES];
	char digest[NITRO__HASH_HEX];
	struct nitro_session s;
	int rc;

	if ((rc = nitro__random(raw, sizeof raw)) != 0)
		return rc;
	sodium_bin2hex(token, NITRO__TOKEN_HEX, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	nitro__hash_hex(token, NITRO__TOKEN_HEX - 1, digest);
	if ((rc = nitro_session_init(&s)) != 0)
		return rc;
	s.account = account;
	s.created = s.seen = nitro__auth_now(a);
	if ((s.digest = strdup(digest)) == NULL)
		rc = nitro_error(NITRO_ENOMEM, "session: out of memory");
	else
		rc = nitro_session_save(&s);
	nitro_session_clear(&s);
	return rc;
}

static int ended(const nitro_auth *a, const struct nitro_session *s, int64_t now)
{
	return now - s->seen >= a->o.idle_ms || now - s->created >= a->o.absolute_ms;
}

/* The row of token, whatever its age. */
static int lookup(const char *token, struct nitro_session *out)
{
	char digest[NITRO__HASH_HEX];
	int rc;

	if (!token_ok(token))
		return nitro_error(NITRO_ENOTFOUND, "no session");
	nitro__hash_hex(token, NITRO__TOKEN_HEX - 1, digest);
	if ((rc = nitro_session_find_by("digest", nitro_v_text(digest), out)) != 0)
		return rc == NITRO_ENOTFOUND ? nitro_error(rc, "no session") : rc;
	/* The store found it by the digest; compare once more without
	 * leaking where the bytes differ, whatever the store did. */
	if (out->digest == NULL || strlen(out->digest) != NITRO__HASH_HEX - 1 ||
	    sodium_memcmp(out->digest, digest, NITRO__HASH_HEX - 1) != 0) {
		nitro_session_clear(out);
		return nitro_error(NITRO_ENOTFOUND, "no session");
	}
	return 0;
}

int nitro__session_find(nitro_auth *a, const char *token, struct nitro_session *out)
{
	int64_t now = nitro__auth_now(a), touch;
	int rc;

	if ((rc = lookup(token, out)) != 0)
		return rc;
	if (ended(a, out, now)) {
		nitro_session_delete(nitro_id_int(out->id));
		nitro_session_clear(out);
		return nitro_error(NITRO_ENOTFOUND, "the session has ended");
	}
	touch = a->o.idle_ms / 4;
	if (touch > 60000)
		touch = 60000;
	if (now - out->seen >= touch) {
		out->seen = now;
		/* A failed touch costs idle time, not the request. */
		if (nitro_session_save(out) != 0)
			nitro_log(NITRO_LOG_WARN, "session: cannot record its use",
			    "error", nitro_errmsg(), NULL);
	}
	return 0;
}

int nitro__session_end(nitro_auth *a, const char *token)
{
	char digest[NITRO__HASH_HEX];

	(void)a;
	if (!token_ok(token))
		return 0;
	nitro__hash_hex(token, NITRO__TOKEN_HEX - 1, digest);
	return nitro__auth_forget(&nitro_session_schema, "digest", digest);
}

int nitro__session_cookie(nitro_auth *a, nitro_req *req, const char *token)
{
	struct nitro_cookie_opts co = {
		.path = "/", .http_only = 1, .same_site = NITRO_SAMESITE_LAX,
		.secure = a->o.secure_cookie,
		/* The browser may forget it when the session must end anyway. */
		.max_age = token != NULL ? (long)(a->o.absolute_ms / 1000) : -1,
	};

	if (co.max_age == 0)
		co.max_age = 1;
	return nitro_resp_cookie(req, a->cookie, token != NULL ? token : "", &co);
}

size_t nitro__session_sweep(nitro_auth *a)
{
	int64_t now = nitro__auth_now(a);
	nitro_cond any[2] = {
		{ "seen", NITRO_OP_LE, nitro_v_int(now - a->o.idle_ms) },
		{ "created", NITRO_OP_LE, nitro_v_int(now - a->o.absolute_ms) },
	};
	nitro_query q = { .any = any, .nany = 2, .limit = NITRO__SWEEP_ROWS };

	size_t gone = 0;

	nitro__auth_delete(&nitro_session_schema, &q, &gone);
	return gone;
}
