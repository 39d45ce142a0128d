/*
 * Accounts: signup, login, logout, and who is signed in.
 *
 * A login takes the time of one Argon2id verification whether or not an
 * account has the address (an unknown address is verified against a
 * dummy hash), and its failures are answered with the same message, so
 * neither the answer nor its timing tells which addresses have accounts.
 * Failures are counted per account and per client address (throttle.c);
 * over either limit, logins are refused with 429 and Retry-After before
 * any password is checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/internal.h"

#define WRONG "wrong email or password"
/* The request value that keeps the signed-in user for the rest of the
 * request: the guard looks it up, the handler reuses it. */
#define USER_KEY "nitro.auth.user"

/* The session cookie's value as sent, or NULL. */
static const char *cookie_token(nitro_auth *a, nitro_req *req)
{
	return nitro_req_cookie(req, a->cookie);
}

/* Start a session for account, ending the one the request came with:
 * a login always hands out a new id (no session fixation). */
static int sign_in(nitro_auth *a, nitro_req *req, int64_t account)
{
	char token[NITRO__TOKEN_HEX];
	int rc;

	nitro_req_set(req, USER_KEY, NULL);
	if ((rc = nitro__session_end(a, cookie_token(a, req))) != 0 ||
	    (rc = nitro__session_create(a, account, token)) != 0)
		return rc;
	rc = nitro__session_cookie(a, req, token);
	sodium_memzero(token, sizeof token);
	return rc;
}

int nitro_auth_signup(nitro_auth *a, nitro_req *req, const char *email,
    const char *password)
{
	char norm[NITRO_AUTH_EMAIL_MAX + 1], hash[crypto_pwhash_STRBYTES];
	struct nitro_account acc;
	int rc;

	nitro__auth_maybe_sweep(a);
	if ((rc = nitro__email_normalise(email, norm)) != 0)
		return rc;
	if (password == NULL)
		return nitro_error(NITRO_EVALIDATE, "password: is required");
	if ((rc = nitro__pw_check(password)) != 0 ||
	    (rc = nitro__pw_hash(a, password, hash)) != 0)
		return rc;
	if ((rc = nitro_account_init(&acc)) != 0)
		return rc;
	acc.created = nitro__auth_now(a);
	if ((acc.email = strdup(norm)) == NULL || (acc.password = strdup(hash)) == NULL)
		rc = nitro_error(NITRO_ENOMEM, "signup: out of memory");
	else
		rc = nitro_account_save(&acc);
	if (rc == NITRO_EEXIST)
		rc = nitro_error(NITRO_EEXIST, "email: an account with this address exists");
	else if (rc == 0)
		rc = sign_in(a, req, acc.id);
	nitro_account_clear(&acc);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

/* The counters a login is throttled by: its account, its client. */
static void throttle_keys(const char *norm, nitro_req *req, char akey[NITRO__THROTTLE_KEY_MAX],
    char rkey[NITRO__THROTTLE_KEY_MAX])
{
	const char *addr = nitro_req_env(req, "REMOTE_ADDR");
	char h[NITRO__HASH_HEX];

	nitro__hash_hex(norm, strlen(norm), h);
	snprintf(akey, NITRO__THROTTLE_KEY_MAX, "a:%s", h);
	if (addr == NULL || *addr == '\0')
		addr = "-";
	if (strlen(addr) > 64) {	/* not an address nginx sends: bounded */
		nitro__hash_hex(addr, strlen(addr), h);
		addr = h;
	}
	snprintf(rkey, NITRO__THROTTLE_KEY_MAX, "r:%s", addr);
}

/* 429 with Retry-After and the message, as an error page or JSON. */
static int refuse(nitro_req *req, int64_t retry_s)
{
	char msg[160], after[24];

	snprintf(msg, sizeof msg, "%s", nitro_errmsg());
	snprintf(after, sizeof after, "%lld", (long long)retry_s);
	nitro_resp_error(req, 429, msg);
	nitro_resp_header(req, "Retry-After", after);
	return nitro_error(NITRO_EBUSY, "%s", msg);
}

/* A store's failure in a login.  NITRO_EBUSY from the store (SQLite's
 * lock held past the busy timeout) would read as "throttled, answered
 * 429": it is reported as what it means to the client, a store that
 * cannot answer now (503). */
static int store_failed(int rc)
{
	char msg[160];

	if (rc != NITRO_EBUSY)
		return rc;
	snprintf(msg, sizeof msg, "%s", nitro_errmsg());
	return nitro_error(NITRO_EUNAVAILABLE, "the store is busy: %s", msg);
}

int nitro_auth_login(nitro_auth *a, nitro_req *req, const char *email,
    const char *password)
{
	char norm[NITRO_AUTH_EMAIL_MAX + 1], akey[NITRO__THROTTLE_KEY_MAX],
	    rkey[NITRO__THROTTLE_KEY_MAX];
	struct nitro_account acc;
	int64_t retry = 0;
	int rc, found;

	nitro__auth_maybe_sweep(a);
	if (password == NULL || nitro__email_normalise(email, norm) != 0)
		return nitro_error(NITRO_EVALIDATE, WRONG);
	throttle_keys(norm, req, akey, rkey);
	if ((rc = nitro__throttle_check(a, rkey, a->o.address_failures, &retry)) == 0)
		rc = nitro__throttle_check(a, akey, a->o.account_failures, &retry);
	if (rc == NITRO_EBUSY && retry > 0)
		return refuse(req, retry);
	if (rc != 0)
		return store_failed(rc);
	rc = nitro_account_find_by("email", nitro_v_text(norm), &acc);
	if (rc != 0 && rc != NITRO_ENOTFOUND)
		return store_failed(rc);
	found = rc == 0;
	if (strlen(password) > NITRO_AUTH_PASSWORD_MAX)
		rc = nitro_error(NITRO_EVALIDATE, WRONG);
	else	/* the same work whether or not the account exists */
		rc = nitro__pw_verify(found ? acc.password : a->dummy, password);
	if (rc != 0 || !found) {
		if (found)
			nitro_account_clear(&acc);
		if ((rc = nitro__throttle_fail(a, akey)) != 0 ||
		    (rc = nitro__throttle_fail(a, rkey)) != 0)
			return store_failed(rc);
		return nitro_error(NITRO_EVALIDATE, WRONG);
	}
	if (nitro__pw_needs_rehash(a, acc.password)) {
		char hash[crypto_pwhash_STRBYTES];
		char *old = acc.password;

		if (nitro__pw_hash(a, password, hash) == 0 && (acc.password = strdup(hash)) != NULL) {
			if (nitro_account_save(&acc) != 0)
				nitro_log(NITRO_LOG_WARN, "login: cannot store the rehashed password",
				    "error", nitro_errmsg(), NULL);
			free(old);
		} else {
			acc.password = old;
		}
		sodium_memzero(hash, sizeof hash);
	}
	if ((rc = nitro__throttle_clear(a, akey)) == 0)
		rc = sign_in(a, req, acc.id);
	nitro_account_clear(&acc);
	return rc != 0 ? store_failed(rc) : 0;
}

int nitro_auth_logout(nitro_auth *a, nitro_req *req)
{
	const char *token = cookie_token(a, req);
	int rc;

	nitro__auth_maybe_sweep(a);
	nitro_req_set(req, USER_KEY, NULL);
	if ((rc = nitro__session_end(a, token)) != 0)
		return rc;
	return token != NULL ? nitro__session_cookie(a, req, NULL) : 0;
}

int nitro_auth_user(nitro_auth *a, nitro_req *req, struct nitro_auth_user *out)
{
	const char *token = cookie_token(a, req);
	const struct nitro_auth_user *known = nitro_req_get(req, USER_KEY);
	struct nitro_auth_user *keep;
	struct nitro_session s;
	struct nitro_account acc;
	int rc;

	if (known != NULL) {
		*out = *known;
		return 0;
	}
	memset(out, 0, sizeof *out);
	nitro__auth_maybe_sweep(a);
	if (token == NULL)
		return nitro_error(NITRO_ENOTFOUND, "not signed in");
	if ((rc = nitro__session_find(a, token, &s)) == NITRO_ENOTFOUND) {
		nitro__session_cookie(a, req, NULL);	/* the browser may forget it */
		return nitro_error(NITRO_ENOTFOUND, "not signed in");
	}
	if (rc != 0)
		return rc;
	rc = nitro_account_get(nitro_id_int(s.account), &acc);
	if (rc == NITRO_ENOTFOUND) {	/* the account was deleted */
		nitro_session_delete(nitro_id_int(s.id));
		nitro__session_cookie(a, req, NULL);
		rc = nitro_error(NITRO_ENOTFOUND, "not signed in");
	} else if (rc == 0) {
		out->id = acc.id;
		snprintf(out->email, sizeof out->email, "%s", acc.email);
		out->created_ms = acc.created;
		out->session_ms = s.created;
		nitro_account_clear(&acc);
		if ((keep = nitro_arena_alloc(nitro_req_arena(req), sizeof *keep)) != NULL) {
			*keep = *out;
			nitro_req_set(req, USER_KEY, keep);
		}
	}
	nitro_session_clear(&s);
	return rc;
}
