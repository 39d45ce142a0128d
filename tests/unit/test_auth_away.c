/*
 * Accounts and sessions when the store is away: a repository backend
 * written as a user would (struct nitro_repo_ops over the memory
 * repository) that can be switched to answer every call with
 * NITRO_EUNAVAILABLE, as PostgreSQL's does when its server is down, or
 * NITRO_EBUSY, as SQLite's does when the file stays locked.  Through the
 * in-process test client, the guard, signup, login, logout and the
 * session of a signed-in user answer 503 with the store's message, never
 * 500, a way through or a signed-out user; once the store is back the
 * session works again.  Public API only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nitro.h>
#include <sodium.h>

#include "t.h"

static int away;	/* 0: the store answers; else the code each call gets */

#define AWAY_MSG "test store: the server is away"

/* One bound schema: the store beneath. */
struct astore {
	nitro_repo *below;
	void *store;
};

struct switched {
	nitro_repo *below;
	struct astore *stores[8];
	int nstores;
};

static int fail(void)
{
	return nitro_error(away, away == NITRO_EUNAVAILABLE ? AWAY_MSG : "test store: busy");
}

static const struct nitro_repo_ops *ops(const struct astore *s)
{
	return nitro_repo_ops(s->below);
}

static int s_attach(nitro_repo *r, const nitro_schema *schema, void **out)
{
	struct switched *w = nitro_repo_udata(r);
	struct astore *s;
	int rc;

	if (w->nstores == 8)
		return nitro_error(NITRO_ELIMIT, "switched: at most 8 schemas");
	if ((s = calloc(1, sizeof *s)) == NULL)
		return nitro_error(NITRO_ENOMEM, "switched: out of memory");
	s->below = w->below;
	if ((rc = nitro_repo_ops(w->below)->attach(w->below, schema, &s->store)) < 0) {
		free(s);
		return rc;
	}
	w->stores[w->nstores++] = s;
	*out = s;
	return 0;
}

static int s_get(void *store, nitro_id id, void *out)
{
	struct astore *s = store;

	return away ? fail() : ops(s)->get(s->store, id, out);
}

static int s_put(void *store, void *const *objs, size_t n, int key)
{
	struct astore *s = store;

	return away ? fail() : ops(s)->put(s->store, objs, n, key);
}

static int s_del(void *store, nitro_id id)
{
	struct astore *s = store;

	return away ? fail() : ops(s)->del(s->store, id);
}

static int s_query(void *store, const nitro_query *q, nitro_rows *out, size_t *count)
{
	struct astore *s = store;

	return away ? fail() : ops(s)->query(s->store, q, out, count);
}

static void s_free(nitro_repo *r)
{
	struct switched *w = nitro_repo_udata(r);

	for (int i = 0; i < w->nstores; i++)
		free(w->stores[i]);
	w->nstores = 0;
}

static const struct nitro_repo_ops switched_ops = {
	.name = "switched", .attach = s_attach, .get = s_get, .put = s_put,
	.del = s_del, .query = s_query, .free = s_free,
};

/* ---- an application with accounts, as `nitro new` writes one ------------- */

static int h_signup(nitro_req *req, void *auth)
{
	int rc = nitro_auth_signup(auth, req, nitro_req_form(req, "email"),
	    nitro_req_form(req, "password"));

	if (rc == NITRO_EVALIDATE || rc == NITRO_EEXIST)
		return nitro_resp_error(req, 422, nitro_errmsg());
	return rc != 0 ? rc : nitro_resp_redirect(req, 303, "/account");
}

static int h_login(nitro_req *req, void *auth)
{
	int rc = nitro_auth_login(auth, req, nitro_req_form(req, "email"),
	    nitro_req_form(req, "password"));

	if (rc == NITRO_EBUSY)
		return 0;	/* answered: 429 with Retry-After */
	if (rc == NITRO_EVALIDATE)
		return nitro_resp_error(req, 401, nitro_errmsg());
	return rc != 0 ? rc : nitro_resp_redirect(req, 303, "/account");
}

static int h_logout(nitro_req *req, void *auth)
{
	int rc = nitro_auth_logout(auth, req);

	return rc != 0 ? rc : nitro_resp_redirect(req, 303, "/login");
}

static int h_account(nitro_req *req, void *auth)
{
	struct nitro_auth_user u;
	int rc = nitro_auth_user(auth, req, &u);

	if (rc != 0)
		return rc;
	return nitro_buf_printf(nitro_resp_body(req), "account of %s", u.email) < 0 ? -1 : 0;
}

/* An account page, outside the guard: the session read by the handler. */
static int h_whoami(nitro_req *req, void *auth)
{
	struct nitro_auth_user u;
	int rc = nitro_auth_user(auth, req, &u);

	if (rc == NITRO_ENOTFOUND)
		return nitro_buf_puts(nitro_resp_body(req), "nobody") < 0 ? -1 : 0;
	return rc != 0 ? rc : nitro_buf_printf(nitro_resp_body(req), "%s", u.email) < 0 ? -1 : 0;
}

static const char *const form[] = { "Sec-Fetch-Site: same-origin",
	"Content-Type: application/x-www-form-urlencoded", NULL };

static struct nitro_test_resp r;

static int post(nitro_testc *c, const char *path, const char *body)
{
	nitro_testc_request(c, &(struct nitro_test_req){ .method = "POST", .path = path,
	    .headers = form, .body = body, .body_len = strlen(body) }, &r);
	return r.status;
}

static int get(nitro_testc *c, const char *path, const char *header)
{
	const char *const headers[] = { header, NULL };

	nitro_testc_request(c, &(struct nitro_test_req){ .path = path,
	    .headers = header ? headers : NULL }, &r);
	return r.status;
}

#define LOGIN "email=ada%40example.org&password=correct+horse"

/* What must answer 503 while the store is away. */
static const struct away_req {
	const char *path, *header, *body;	/* a body: a POST */
	const char *what;
} away_reqs[] = {
	{ "/account", NULL, NULL, "the guard" },
	{ "/account", "Datastar-Request: true", NULL,
	  "the guard, a Datastar action (not sent to the login page)" },
	{ "/account", "Accept: application/json", NULL, "the guard, an API request (not 401)" },
	{ "/whoami", NULL, NULL, "the session read by a handler" },
	{ "/login", NULL, LOGIN, "login" },
	{ "/login", NULL, "email=ada%40example.org&password=wrong+horse",
	  "login with a wrong password (nothing could be checked)" },
	{ "/signup", NULL, "email=bob%40example.org&password=correct+horse", "signup" },
	{ "/logout", NULL, "", "logout" },
};

static void test_away(nitro_testc *c)
{
	char *cookie;

	away = NITRO_EUNAVAILABLE;
	cookie = strdup(nitro_testc_cookie(c, "nitro_session"));
	for (size_t i = 0; i < sizeof away_reqs / sizeof away_reqs[0]; i++) {
		const struct away_req *q = &away_reqs[i];
		int status = q->body ? post(c, q->path, q->body) : get(c, q->path, q->header);
		char what[160];

		snprintf(what, sizeof what, "the store away, %s: 503", q->what);
		T_EQ_INT(status, 503, what);
		T_OK(strstr(r.body, AWAY_MSG) != NULL, "with the store's message");
	}
	T_EQ_STR(nitro_testc_cookie(c, "nitro_session"), cookie,
	    "the session cookie is kept, not deleted as if the session had ended");

	/* NITRO_EBUSY from the store is not the throttle's 429. */
	away = NITRO_EBUSY;
	T_EQ_INT(post(c, "/login", LOGIN), 503, "login, the store busy: 503, not an empty answer");
	T_OK(nitro_testc_header(&r, "Retry-After") == NULL, "and no throttle's Retry-After");

	away = 0;
	T_EQ_INT(get(c, "/account", NULL), 200, "the store back: the session works again");
	T_EQ_STR(r.body, "account of ada@example.org", "for the same user");
	T_EQ_INT(post(c, "/logout", ""), 303, "logout");
	T_EQ_INT(get(c, "/account", NULL), 303, "signed out: the guard sends to the login page");
	T_EQ_INT(post(c, "/login", LOGIN), 303, "and login works again");
	free(cookie);
}

int main(void)
{
	struct nitro_auth_opts ao = {
		.pw_opslimit = crypto_pwhash_OPSLIMIT_MIN,
		.pw_memlimit = crypto_pwhash_MEMLIMIT_MIN,
	};
	struct switched w = { .below = nitro_memrepo_new(NULL) };
	nitro_repo *repo = nitro_repo_new(&switched_ops, &w);
	nitro_auth *auth = repo ? nitro_auth_new(repo, &ao) : NULL;
	nitro_app *app = nitro_app_new(&(struct nitro_app_opts){ .no_access_log = 1 });
	nitro_testc *c = NULL;

	T_OK(auth != NULL && app != NULL, "an application with accounts on a switched store");
	if (auth == NULL || app == NULL ||
	    nitro_use(app, "/account", nitro_auth_guard, NULL, auth) != 0 ||
	    nitro_route(app, "POST /signup", h_signup, auth) != 0 ||
	    nitro_route(app, "POST /login", h_login, auth) != 0 ||
	    nitro_route(app, "POST /logout", h_logout, auth) != 0 ||
	    nitro_route(app, "GET /account", h_account, auth) != 0 ||
	    nitro_route(app, "GET /whoami", h_whoami, auth) != 0 ||
	    (c = nitro_testc_new(app)) == NULL) {
		printf("# %s\n", nitro_errmsg());
		return t_done();
	}
	T_EQ_INT(post(c, "/signup", LOGIN), 303, "signup while the store answers");
	T_OK(nitro_testc_cookie(c, "nitro_session") != NULL, "a session cookie");
	T_EQ_INT(get(c, "/account", NULL), 200, "the guard lets the session through");
	test_away(c);
	nitro_testc_free(c);
	nitro_app_free(app);
	nitro_auth_free(auth);
	nitro_repo_free(repo);
	nitro_repo_free(w.below);
	return t_done();
}
