/*
 * <nitro/auth.h>: accounts and server-side sessions.
 *
 * An application gives nitro_auth_new() its repository (memory, SQLite,
 * PostgreSQL: any store behind the repository interface); accounts,
 * sessions and the counters of failed logins are entities stored there,
 * so a session made by one worker process is seen by every other, and
 * survives restarts when the store does.
 *
 *   nitro_auth *auth = nitro_auth_new(db, NULL);
 *   nitro_auth_signup(auth, req, email, password);   (signed in)
 *   nitro_auth_login(auth, req, email, password);
 *   nitro_auth_user(auth, req, &user);               (who is it?)
 *   nitro_auth_logout(auth, req);
 *   nitro_use(app, "/account", nitro_auth_guard, NULL, auth);
 *
 * Passwords are hashed with libsodium's Argon2id (crypto_pwhash_str).
 * The session cookie holds only a random id of 256 bits from getrandom;
 * the store holds only its BLAKE2b hash, so a leaked database gives no
 * live session.  The cookie is HttpOnly, SameSite=Lax, Secure when asked
 * for; a login and a logout end the previous id (no session fixation).
 */
#ifndef NITRO_AUTH_H
#define NITRO_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include <nitro/core.h>
#include <nitro/views.h>
#include <nitro/fcgi.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nitro_auth nitro_auth;

/* Limits of what a client may send; longer is refused, never cut. */
#define NITRO_AUTH_EMAIL_MAX	254	/* bytes of an address (RFC 5321) */
#define NITRO_AUTH_PASSWORD_MIN	8	/* characters */
#define NITRO_AUTH_PASSWORD_MAX	1024	/* bytes */

/*
 * Settings, given once to nitro_auth_new(); a zero field takes the
 * default in parentheses.
 */
struct nitro_auth_opts {
	const char *cookie_name;	/* ("nitro_session") */
	int secure_cookie;		/* 1: the cookie carries Secure (HTTPS) */
	int64_t idle_ms;		/* a session unused this long ends (2 h) */
	int64_t absolute_ms;		/* any session ends this long after login (7 days) */
	/*
	 * Expired sessions and stale failure counters are deleted by a
	 * sweep that runs, at most once per sweep_ms in each process,
	 * inside the first nitro_auth_* call after that time; each sweep
	 * deletes at most 256 rows of each kind (60000).
	 */
	int64_t sweep_ms;
	const char *login_path;		/* where the guard sends browsers ("/login") */
	/*
	 * Failed logins are counted per account (its normalised address,
	 * whether or not an account has it) and per client address
	 * (REMOTE_ADDR) in fixed windows of window_ms: after
	 * account_failures failures for one account, or address_failures
	 * from one client address, logins are refused with 429 until the
	 * window ends (5, 20, 15 min).  A successful login clears its
	 * account's count.  At most throttle_rows counters are stored
	 * (10000); past that, failures for new keys are not counted (and
	 * logged) until the sweep frees rows.
	 */
	unsigned account_failures;
	unsigned address_failures;
	int64_t window_ms;
	size_t throttle_rows;
	/* Argon2id cost (libsodium's INTERACTIVE limits: 2 passes, 64 MiB).
	 * Hashes made with other limits are rehashed at the next login. */
	unsigned long long pw_opslimit;
	size_t pw_memlimit;
	/* The clock, for tests (milliseconds since the epoch); NULL: real. */
	int64_t (*now_ms)(void *arg);
	void *now_arg;
};

/* The signed-in account. */
struct nitro_auth_user {
	int64_t id;
	char email[NITRO_AUTH_EMAIL_MAX + 1];
	int64_t created_ms;	/* when the account was made */
	int64_t session_ms;	/* when this session logged in */
};

NITRO_API nitro_auth *nitro_auth_new(nitro_repo *repo, const struct nitro_auth_opts *o);
NITRO_API void nitro_auth_free(nitro_auth *a);

/* The entities nitro_auth_new() binds (accounts, sessions, failure
 * counters), NULL-terminated: for nitro_sql_ddl() and migrations. */
NITRO_API const nitro_schema *const *nitro_auth_schemas(void);

NITRO_API int nitro_auth_signup(nitro_auth *a, nitro_req *req, const char *email,
    const char *password);
NITRO_API int nitro_auth_login(nitro_auth *a, nitro_req *req, const char *email,
    const char *password);
NITRO_API int nitro_auth_logout(nitro_auth *a, nitro_req *req);
NITRO_API int nitro_auth_user(nitro_auth *a, nitro_req *req, struct nitro_auth_user *out);
/* A before-function (nitro_use(), udata the nitro_auth): NITRO_NEXT with a
 * live session; otherwise it answers (303 to login_path, 401 for an API
 * request, a Datastar redirect for a Datastar action) and is NITRO_DONE.
 * A store that fails is the store's code, which the runtime answers (503
 * when it is away, NITRO_EUNAVAILABLE; 500 otherwise). */
NITRO_API int nitro_auth_guard(nitro_req *req, void *auth);
NITRO_API size_t nitro_auth_sweep(nitro_auth *a);

#ifdef __cplusplus
}
#endif
#endif /* NITRO_AUTH_H */
