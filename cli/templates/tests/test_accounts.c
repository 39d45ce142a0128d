/*
 * The accounts of accounts.c through Nitro's in-process test client: real
 * requests through the application's middleware and routes, without
 * nginx or sockets.  Accounts and sessions live in the memory repository,
 * on a clock the test moves, so that a session can be made to end; the
 * limits are lower than the defaults so that throttling shows at once.
 * Prints TAP.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"

static int n, failed;
static int64_t clock_ms = 1700000000000;

static void check(int ok, const char *what)
{
	n++;
	failed += !ok;
	printf("%sok %d - %s\n", ok ? "" : "not ", n, what);
}

static int64_t test_clock(void *arg)
{
	(void)arg;
	return clock_ms;
}

static const char *const form_type[] = {
	"Content-Type: application/x-www-form-urlencoded", NULL
};

/* One request; the response in *r (valid until the client's next one). */
static int call(nitro_testc *c, const char *method, const char *path,
    const char *const *headers, const char *body, struct nitro_test_resp *r)
{
	struct nitro_test_req q = {
		.method = method, .path = path, .headers = headers,
		.body = body, .body_len = body != NULL ? strlen(body) : 0,
	};

	if (nitro_testc_request(c, &q, r) != 0)
		r->status = -1;
	return r->status;
}

static int post_form(nitro_testc *c, const char *path, const char *body,
    struct nitro_test_resp *r)
{
	return call(c, "POST", path, form_type, body, r);
}

static int has(const struct nitro_test_resp *r, const char *text)
{
	return r->body != NULL && strstr(r->body, text) != NULL;
}

static int redirects_to_login(const struct nitro_test_resp *r)
{
	const char *loc = nitro_testc_header(r, "Location");

	return r->status == 303 && loc != NULL && strcmp(loc, "/login") == 0;
}

/* A request with only the given session id: a second client, no jar. */
static int with_id(nitro_app *app, const char *id, const char *path)
{
	char cookie[200];
	const char *const headers[] = { cookie, NULL };
	struct nitro_test_resp r;
	nitro_testc *c = nitro_testc_new(app);
	int status;

	snprintf(cookie, sizeof cookie, "Cookie: nitro_session=%s", id);
	status = c != NULL ? call(c, "GET", path, headers, NULL, &r) : -1;
	nitro_testc_free(c);
	return status;
}

int main(void)
{
	struct nitro_auth_opts o = {
		.idle_ms = 60000, .account_failures = 3,
		.pw_opslimit = 1, .pw_memlimit = 8192,	/* fast, for tests only */
		.now_ms = test_clock,
	};
	static const char *const datastar[] = { "Datastar-Request: true", NULL };
	nitro_repo *mem = nitro_memrepo_new(NULL);
	nitro_auth *auth = mem != NULL ? nitro_auth_new(mem, &o) : NULL;
	nitro_app *app = nitro_app_new(NULL);
	nitro_testc *c = NULL;
	struct nitro_test_resp r;
	char first[80] = "", second[80] = "";
	const char *id;

	check(auth != NULL && app != NULL && app_account_routes(app, auth) == 0 &&
	    (c = nitro_testc_new(app)) != NULL, "the account routes, on the memory repository");
	if (c == NULL) {
		printf("# %s\n1..%d\n", nitro_errmsg(), n);
		return 1;
	}

	/* Signing up. */
	check(call(c, "GET", "/signup", NULL, NULL, &r) == 200 &&
	    has(&r, "name=\"email\"") && has(&r, "name=\"password\""),
	    "GET /signup is a form with email and password");
	check(post_form(c, "/signup", "email=ann%40example.com&password=correct+horse", &r) == 303 &&
	    strcmp(nitro_testc_header(&r, "Location"), "/account") == 0,
	    "signing up leads to /account");
	id = nitro_testc_cookie(c, "nitro_session");
	check(id != NULL && strlen(id) == 64, "with a session cookie");
	snprintf(first, sizeof first, "%s", id ? id : "");
	check(call(c, "GET", "/account", NULL, NULL, &r) == 200 && has(&r, "ann@example.com"),
	    "/account shows the signed-in address");
	check(post_form(c, "/signup", "email=Ann%40Example.com&password=another+one", &r) == 409 &&
	    has(&r, "an account with this address exists"),
	    "signing up again with the address (in another case) is refused: 409");
	check(post_form(c, "/signup", "email=bob%40example.com&password=short", &r) == 422 &&
	    has(&r, "at least 8 characters"), "a short password is refused: 422");

	/* Logging out changes the id. */
	check(post_form(c, "/logout", "", &r) == 303, "POST /logout");
	check(call(c, "GET", "/account", NULL, NULL, &r) == 303 && redirects_to_login(&r),
	    "after it /account sends to /login");
	check(with_id(app, first, "/account") == 303, "and the old id opens nothing");

	/* Logging in. */
	check(post_form(c, "/login", "email=ann%40example.com&password=wrong+horse", &r) == 401 &&
	    has(&r, "wrong email or password") && has(&r, "value=\"ann@example.com\""),
	    "a wrong password: 401, the form again with the reason");
	check(post_form(c, "/login", "email=nobody%40example.com&password=wrong+horse", &r) == 401 &&
	    has(&r, "wrong email or password"), "an unknown address: the same answer");
	check(post_form(c, "/login", "email=ann%40example.com&password=correct+horse", &r) == 303,
	    "the right password logs in");
	id = nitro_testc_cookie(c, "nitro_session");
	snprintf(second, sizeof second, "%s", id ? id : "");
	check(strlen(second) == 64 && strcmp(first, second) != 0, "with a new session id");
	check(call(c, "GET", "/account", NULL, NULL, &r) == 200, "which opens /account");

	/* Guard bypass attempts. */
	check(with_id(app, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	    "/account") == 303, "a made-up id opens nothing");
	check(with_id(app, "", "/account") == 303, "an empty one neither");
	check(with_id(app, "x", "/account/") == 303, "/account/ is guarded as /account");
	check(with_id(app, "x", "/%61ccount") == 303, "/%61ccount is guarded as /account");
	{
		nitro_testc *anon = nitro_testc_new(app);

		check(anon != NULL && call(anon, "GET", "/account", datastar, NULL, &r) == 200 &&
		    has(&r, "window.location.href = \"/login\""),
		    "a Datastar request without a session is sent to /login");
		nitro_testc_free(anon);
	}

	/* A session unused past the idle time has ended. */
	clock_ms += 60000;
	check(call(c, "GET", "/account", NULL, NULL, &r) == 303, "a minute unused: the session has ended");

	/* Throttling: three failures for an account, then 429. */
	for (int i = 0; i < 3; i++)
		post_form(c, "/login", "email=ann%40example.com&password=guess+guess", &r);
	check(post_form(c, "/login", "email=ann%40example.com&password=correct+horse", &r) == 429 &&
	    nitro_testc_header(&r, "Retry-After") != NULL,
	    "after three failures even the right password gets 429 with Retry-After");
	clock_ms += 16 * 60000;
	check(post_form(c, "/login", "email=ann%40example.com&password=correct+horse", &r) == 303,
	    "16 minutes later the login works");

	nitro_testc_free(c);
	nitro_app_free(app);
	nitro_auth_free(auth);
	nitro_repo_free(mem);
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
