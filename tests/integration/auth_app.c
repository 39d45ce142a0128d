/*
 * tests/integration/auth_app: accounts and sessions through nginx and
 * several worker processes (test_auth.sh).  The store is $AUTH_DB: a
 * SQLite file, or PostgreSQL when it is a postgresql:// URL, so that every
 * worker shares accounts, sessions and failure counters, with no code of
 * auth's own for either; the limits come from the environment so that a
 * test can make sessions end in seconds:
 *   AUTH_IDLE_MS, AUTH_ABSOLUTE_MS, AUTH_WINDOW_MS, AUTH_ACCOUNT_FAILURES,
 *   AUTH_ADDRESS_FAILURES, AUTH_SECURE (1: Secure cookies).
 * Argon2id runs at libsodium's minimum cost (a sanitizer build is slow).
 *
 * Routes: POST /signup, POST /login, POST /logout (form fields email and
 * password; 303 to /account or /login, or 401 / 409 / 422 / 429),
 * GET /whoami (no guard: the worker's pid and who is signed in), and
 * behind the guard GET /account (HTML) and GET /api/me (JSON paths).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nitro.h>

static nitro_auth *auth;

static int signup(nitro_req *req, void *udata)
{
	int rc = nitro_auth_signup(auth, req, nitro_req_form(req, "email"),
	    nitro_req_form(req, "password"));

	(void)udata;
	if (rc == NITRO_EEXIST || rc == NITRO_EVALIDATE)
		return nitro_resp_error(req, rc == NITRO_EEXIST ? 409 : 422, nitro_errmsg());
	if (rc != 0)
		return rc;	/* the store's: 503 when it is away, else 500 */
	return nitro_resp_redirect(req, 303, "/account");
}

static int login(nitro_req *req, void *udata)
{
	int rc = nitro_auth_login(auth, req, nitro_req_form(req, "email"),
	    nitro_req_form(req, "password"));

	(void)udata;
	if (rc == NITRO_EBUSY)
		return 0;		/* 429 with Retry-After, answered */
	if (rc == NITRO_EVALIDATE)
		return nitro_resp_error(req, 401, nitro_errmsg());
	if (rc != 0)
		return rc;
	return nitro_resp_redirect(req, 303, "/account");
}

static int logout(nitro_req *req, void *udata)
{
	int rc = nitro_auth_logout(auth, req);

	(void)udata;
	return rc != 0 ? rc : nitro_resp_redirect(req, 303, "/login");
}

static int whoami(nitro_req *req, void *udata)
{
	struct nitro_auth_user u;
	int rc = nitro_auth_user(auth, req, &u);
	nitro_buf *b = nitro_resp_body(req);

	(void)udata;
	if (rc != 0 && rc != NITRO_ENOTFOUND)
		return rc;
	nitro_resp_header(req, "Content-Type", "text/plain");
	nitro_buf_printf(b, "pid=%ld user=%s\n", (long)getpid(), rc == 0 ? u.email : "-");
	return b->err;
}

static int account(nitro_req *req, void *udata)
{
	struct nitro_auth_user u;
	nitro_html h;
	int rc = nitro_auth_user(auth, req, &u);

	(void)udata;
	if (rc != 0)	/* the guard let it through: a bug */
		return nitro_resp_error(req, 500, "guard bypassed");
	nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
	nitro_html_init(&h, nitro_resp_body(req));
	nitro_html_elem(&h, "p", u.email);
	return nitro_html_finish(&h);
}

static int me(nitro_req *req, void *udata)
{
	struct nitro_auth_user u;
	nitro_buf *b = nitro_resp_body(req);

	(void)udata;
	if (nitro_auth_user(auth, req, &u) != 0)
		return nitro_resp_error(req, 500, "guard bypassed");
	nitro_resp_header(req, "Content-Type", "application/json");
	nitro_buf_printf(b, "{\"id\":%lld}", (long long)u.id);
	return b->err;
}

static int page(nitro_req *req, void *udata)
{
	(void)udata;
	return nitro_resp_send(req, 200, "text/plain", "login page\n", 11);
}

static nitro_repo *open_store(const char *where)
{
	struct nitro_sql_opts so = { .create_tables = 1 };
	struct nitro_pg_opts po = { .create_tables = 1 };

	if (strncmp(where, "postgresql://", 13) == 0)
		return nitro_pgrepo_new(where, &po);
	return nitro_sqlrepo_new(where, &so);
}

int main(int argc, char **argv)
{
	struct nitro_auth_opts ao = { .pw_opslimit = 1, .pw_memlimit = 8192 };
	nitro_repo *db;
	nitro_app *app = NULL;
	int rc = 1;

	ao.idle_ms = nitro_config_int("AUTH_IDLE_MS", 0, 0, INT64_MAX);
	ao.absolute_ms = nitro_config_int("AUTH_ABSOLUTE_MS", 0, 0, INT64_MAX);
	ao.window_ms = nitro_config_int("AUTH_WINDOW_MS", 0, 0, INT64_MAX);
	ao.account_failures = (unsigned)nitro_config_int("AUTH_ACCOUNT_FAILURES", 0, 0, 1000);
	ao.address_failures = (unsigned)nitro_config_int("AUTH_ADDRESS_FAILURES", 0, 0, 1000);
	ao.secure_cookie = nitro_config_bool("AUTH_SECURE", 0);
	if ((db = open_store(nitro_config_str("AUTH_DB", "auth.db"))) == NULL ||
	    (auth = nitro_auth_new(db, &ao)) == NULL ||
	    (app = nitro_app_new(&(struct nitro_app_opts){.json_prefix = "/api/"})) == NULL ||
	    nitro_use(app, "/account", nitro_auth_guard, NULL, auth) != 0 ||
	    nitro_use(app, "/api", nitro_auth_guard, NULL, auth) != 0 ||
	    nitro_route(app, "POST /signup", signup, NULL) != 0 ||
	    nitro_route(app, "POST /login", login, NULL) != 0 ||
	    nitro_route(app, "GET /login", page, NULL) != 0 ||
	    nitro_route(app, "POST /logout", logout, NULL) != 0 ||
	    nitro_route(app, "GET /whoami", whoami, NULL) != 0 ||
	    nitro_route(app, "GET /account", account, NULL) != 0 ||
	    nitro_route(app, "POST /account", account, NULL) != 0 ||
	    nitro_route(app, "GET /api/me", me, NULL) != 0)
		fprintf(stderr, "auth_app: %s\n", nitro_errmsg());
	else
		rc = nitro_app_run(app, argc, argv) == 0 ? 0 : 1;
	nitro_app_free(app);
	nitro_auth_free(auth);
	nitro_repo_free(db);
	return rc;
}
