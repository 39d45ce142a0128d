/*
 * Internal: the auth layer's pieces, shared by its files and reachable by
 * the unit tests (which link the convenience library).
 *
 *   entities.c  the three entities and nitro_auth_schemas()
 *   password.c  Argon2id hashes, email addresses, random ids, BLAKE2b
 *   session.c   sessions: make, find (timeouts), end, and the cookie
 *   throttle.c  counters of failed logins
 *   auth.c      nitro_auth_new/free, the clock, the sweep
 *   account.c   signup, login, logout, user
 *   guard.c     nitro_auth_guard
 */
#ifndef NITRO_AUTH_INTERNAL_H
#define NITRO_AUTH_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>

#include "nitro/auth.h"

/* Hashes stored in place of secrets: BLAKE2b-256, as 64 hex digits. */
#define NITRO__HASH_HEX	(2 * 32 + 1)
/* A session id: 32 random bytes (256 bits), as 64 hex digits. */
#define NITRO__TOKEN_BYTES	32
#define NITRO__TOKEN_HEX	(2 * NITRO__TOKEN_BYTES + 1)
/* Rows one sweep deletes at most, per entity. */
#define NITRO__SWEEP_ROWS	256
/* A throttle key: "a:" or "r:" and a hash, or a client address. */
#define NITRO__THROTTLE_KEY_MAX	80

#define NITRO__SESSION_FIELDS(X) \
	X(id,      INT,  NITRO_F_ID) \
	X(digest,  TEXT, NITRO_F_REQUIRED, NITRO_F_UNIQUE, NITRO_F_SECRET, NITRO_F_MAXLEN(64)) \
	X(account, INT,  NITRO_F_REQUIRED, NITRO_F_INDEX) \
	X(created, TIME, NITRO_F_REQUIRED, NITRO_F_INDEX) \
	X(seen,    TIME, NITRO_F_REQUIRED, NITRO_F_INDEX)
NITRO_ENTITY(nitro_session, NITRO__SESSION_FIELDS)

#define NITRO__ACCOUNT_FIELDS(X) \
	X(id,       INT,  NITRO_F_ID) \
	X(email,    TEXT, NITRO_F_REQUIRED, NITRO_F_UNIQUE, NITRO_F_MAXLEN(NITRO_AUTH_EMAIL_MAX)) \
	X(password, TEXT, NITRO_F_REQUIRED, NITRO_F_SECRET, NITRO_F_MAXLEN(255)) \
	X(created,  TIME, NITRO_F_REQUIRED)
NITRO_ENTITY(nitro_account, NITRO__ACCOUNT_FIELDS)

#define NITRO__THROTTLE_FIELDS(X) \
	X(id,       INT,  NITRO_F_ID) \
	X(subject,  TEXT, NITRO_F_REQUIRED, NITRO_F_UNIQUE, NITRO_F_MAXLEN(NITRO__THROTTLE_KEY_MAX)) \
	X(failures, INT,  NITRO_F_REQUIRED) \
	X(since,    TIME, NITRO_F_REQUIRED, NITRO_F_INDEX)
NITRO_ENTITY(nitro_throttle, NITRO__THROTTLE_FIELDS)

struct nitro_auth {
	struct nitro_auth_opts o;	/* defaults filled in */
	char cookie[64];
	char login_path[256];
	/* A hash of a random password, verified when an address has no
	 * account, so that a login takes as long either way. */
	char dummy[crypto_pwhash_STRBYTES];
	_Atomic int64_t last_sweep;
};

int64_t nitro__auth_now(const nitro_auth *a);
/* Run the sweep when sweep_ms has passed since the last one here. */
void nitro__auth_maybe_sweep(nitro_auth *a);
/* Delete the rows of s that q selects (INT id); *gone (may be NULL) gets
 * how many went.  Another worker may delete the same rows at the same
 * time: gone is gone, not an error. */
int nitro__auth_delete(const nitro_schema *s, const nitro_query *q, size_t *gone);
/* Delete the row of s whose unique TEXT field is value, if there is one. */
int nitro__auth_forget(const nitro_schema *s, const char *field, const char *value);

/* ---- password.c ---- */
int nitro__sodium_init(void);
int nitro__pw_hash(const nitro_auth *a, const char *password, char out[crypto_pwhash_STRBYTES]);
/* 0 when password matches hash, NITRO_EVALIDATE when it does not. */
int nitro__pw_verify(const char *hash, const char *password);
int nitro__pw_needs_rehash(const nitro_auth *a, const char *hash);
/* Check a new password: length in characters and bytes, UTF-8. */
int nitro__pw_check(const char *password);
/* Trim, lower-case and check an address into out; NITRO_EVALIDATE. */
int nitro__email_normalise(const char *in, char out[NITRO_AUTH_EMAIL_MAX + 1]);
/* BLAKE2b-256 of s[0..n) as hex. */
void nitro__hash_hex(const void *s, size_t n, char out[NITRO__HASH_HEX]);
/* n random bytes from getrandom(2). */
int nitro__random(void *buf, size_t n);

/* ---- session.c ---- */
/* A new session for account: its id (the cookie's value) in token. */
int nitro__session_create(nitro_auth *a, int64_t account, char token[NITRO__TOKEN_HEX]);
/* The live session of token into out (touching it when due):
 * NITRO_ENOTFOUND when there is none, it ended, or token is malformed. */
int nitro__session_find(nitro_auth *a, const char *token, struct nitro_session *out);
/* End the session of token (none: 0). */
int nitro__session_end(nitro_auth *a, const char *token);
/* Set the cookie to token, or delete it (token NULL). */
int nitro__session_cookie(nitro_auth *a, nitro_req *req, const char *token);
size_t nitro__session_sweep(nitro_auth *a);

/* ---- throttle.c ---- */
/* 0, or NITRO_EBUSY with *retry_s (seconds, >= 1) when key is over limit. */
int nitro__throttle_check(nitro_auth *a, const char *key, unsigned limit, int64_t *retry_s);
/* Count one failure for key. */
int nitro__throttle_fail(nitro_auth *a, const char *key);
/* Forget key's failures. */
int nitro__throttle_clear(nitro_auth *a, const char *key);
size_t nitro__throttle_sweep(nitro_auth *a);

#endif
