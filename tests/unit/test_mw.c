/*
 * Middleware: the order of before- and after-functions, guards that
 * answer and stop the chain, which paths a prefix covers (every spelling
 * a guard could be bypassed with), failures, and per-request values.
 * Requests are dispatched as CGI into a pipe and the output read back.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fcgi/internal.h"
#include "t.h"

#define ENV(...) ((char *[]){__VA_ARGS__, NULL})

static nitro_app *app;
static char trace[512];
static int admin_calls;

static void note(const char *s)
{
	strncat(trace, s, sizeof trace - strlen(trace) - 1);
}

/* Dispatch one request; the CGI output goes into out. */
static void run(char **envp, char *out, size_t cap)
{
	struct nitro_conn conn = {.mode = NITRO_CONN_CGI};
	int p[2];
	nitro_req req;
	ssize_t n;
	size_t len = 0;

	trace[0] = '\0';
	if (pipe(p) != 0)
		abort();
	conn.fd = p[1];
	nitro__req_init(&req, app);
	nitro__req_begin(&req, &conn, envp);
	req.body_eof = 1;
	nitro__dispatch(&req);
	nitro__req_end(&req);
	nitro__req_destroy(&req);
	close(p[1]);
	while (len + 1 < cap && (n = read(p[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(p[0]);
}

static int status_of(const char *out)
{
	return strncmp(out, "Status: ", 8) == 0 ? atoi(out + 8) : -1;
}

/* ---- layers that write what they do into trace ----------------------- */

static int before(nitro_req *req, void *u)
{
	(void)req;
	note("<");
	note(u);
	return NITRO_NEXT;
}

static void after(nitro_req *req, void *u)
{
	(void)req;
	note(">");
	note(u);
}

static int h_ok(nitro_req *req, void *u)
{
	const char *who = nitro_req_get(req, "user");

	note(u ? u : "H");
	nitro_buf_printf(nitro_resp_body(req), "ok %s", who ? who : "-");
	return 0;
}

static int h_admin(nitro_req *req, void *u)
{
	admin_calls++;
	return h_ok(req, u);
}

static int h_fail(nitro_req *req, void *u)
{
	(void)req;
	(void)u;
	note("F");
	return nitro_error(NITRO_EIO, "the disk is gone");
}

/* A guard: /admin only with the cookie "key=yes". */
static int guard(nitro_req *req, void *u)
{
	const char *k = nitro_req_cookie(req, "key");

	(void)u;
	note("<G");
	if (k == NULL || strcmp(k, "yes") != 0) {
		nitro_resp_error(req, 401, "Sign in first.");
		return NITRO_DONE;
	}
	nitro_req_set(req, "user", "root");
	return NITRO_NEXT;
}

static void guard_after(nitro_req *req, void *u)
{
	(void)u;
	note(">G");
	nitro_resp_header(req, "X-Guarded", "1");
}

/* Every response gets a header, errors and 404s included. */
static void add_header(nitro_req *req, void *u)
{
	(void)u;
	nitro_resp_header(req, "X-Frame-Options", "DENY");
}

/* Reads the form, whose body is over the limit: a 413 mid-chain. */
static int reads_form(nitro_req *req, void *u)
{
	(void)u;
	note("<R");
	nitro_req_form(req, "x");
	return NITRO_NEXT;
}

static int fails(nitro_req *req, void *u)
{
	(void)req;
	(void)u;
	note("<X");
	return NITRO_EIO;
}

static void test_use_refusals(void)
{
	nitro_app *a = nitro_app_new(NULL);
	static const char *const bad[] = {
		"admin", "/admin/", "//admin", "/a//b", "/{x}", "/a/{rest...}",
		"/a b", "/%61", "/a?b", "",
	};
	int i, rc = 0;

	for (i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
		char name[80];

		snprintf(name, sizeof name, "prefix \"%s\" refused", bad[i]);
		T_EQ_INT(nitro_use(a, bad[i], before, NULL, "x"), NITRO_EINVAL, name);
	}
	T_OK(strstr(nitro_errmsg(), "middleware prefix") != NULL, "the message says what");
	T_EQ_INT(nitro_use(a, "/a", NULL, NULL, NULL), NITRO_EINVAL,
	    "neither function: refused");
	for (i = 0; i < NITRO_MW_MAX && rc == 0; i++)
		rc = nitro_use(a, i % 2 ? "/a/b" : NULL, before, after, "x");
	T_EQ_INT(rc, 0, "NITRO_MW_MAX layers accepted");
	T_EQ_INT(nitro_use(a, NULL, before, NULL, "x"), NITRO_EINVAL, "one more refused");
	nitro_app_free(a);
}

static void test_order(void)
{
	char out[8192];

	app = nitro_app_new(&(struct nitro_app_opts){.no_access_log = 1,
	    .limits.body_bytes = 16});
	nitro_route(app, "GET /g/x/y", h_ok, "H");
	nitro_route(app, "GET /g", h_ok, "H");
	nitro_route(app, "GET /other", h_ok, "H");
	nitro_route(app, "GET /g/fail", h_fail, NULL);
	nitro_route(app, "POST /r/form", h_ok, "H");
	nitro_route(app, "GET /e/x", h_ok, "H");
	/* Added interleaved: application-wide ones still come first. */
	T_EQ_INT(nitro_use(app, "/g/x", before, after, "C"), 0, "group /g/x");
	T_EQ_INT(nitro_use(app, NULL, before, after, "A"), 0, "application-wide A");
	T_EQ_INT(nitro_use(app, "/g", before, after, "B"), 0, "group /g");
	T_EQ_INT(nitro_use(app, "/", before, after, "Z"), 0, "\"/\" is application-wide");
	T_EQ_INT(nitro_use(app, "/g", NULL, after, "a"), 0, "an after-function alone");
	T_EQ_INT(nitro_use(app, "/r", reads_form, after, "R"), 0, "group /r");
	T_EQ_INT(nitro_use(app, "/e", fails, after, "E"), 0, "group /e");

	static const struct {
		char *env[5];
		int status;
		const char *trace, *name;
	} cases[] = {
		{{"REQUEST_METHOD=GET", "REQUEST_URI=/g/x/y"}, 200, "<A<Z<C<BH>a>B>C>Z>A",
		    "application-wide first, then groups in the order added; afters reversed"},
		{{"REQUEST_METHOD=GET", "REQUEST_URI=/g"}, 200, "<A<Z<BH>a>B>Z>A",
		    "the prefix itself is covered"},
		{{"REQUEST_METHOD=GET", "REQUEST_URI=/other"}, 200, "<A<ZH>Z>A",
		    "other paths: application-wide only"},
		{{"REQUEST_METHOD=GET", "REQUEST_URI=/nothing"}, 404, "<A<Z>Z>A",
		    "middleware runs around a 404"},
		{{"REQUEST_METHOD=GET", "REQUEST_URI=/g/fail"}, 500, "<A<Z<BF>a>B>Z>A",
		    "after-functions run when the handler failed (500)"},
		{{"REQUEST_METHOD=POST", "REQUEST_URI=/r/form", "CONTENT_LENGTH=100",
		    "CONTENT_TYPE=application/x-www-form-urlencoded"}, 413, "<A<Z<R>R>Z>A",
		    "a before-function's parser failure: 413, no route, afters run"},
		{{"REQUEST_METHOD=GET", "REQUEST_URI=/e/x"}, 500, "<A<Z<X>E>Z>A",
		    "a failing before-function: 500, and the chain stops there"},
		{{"REQUEST_METHOD=POST", "REQUEST_URI=/g/x/y", "HTTP_ORIGIN=https://evil.example",
		    "HTTP_HOST=site.example"}, 403, "",
		    "a cross-site POST is refused before middleware: nothing runs"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[160];

		run((char **)cases[i].env, out, sizeof out);
		snprintf(name, sizeof name, "%s: status", cases[i].name);
		T_EQ_INT(status_of(out), cases[i].status, name);
		T_EQ_STR(trace, cases[i].trace, cases[i].name);
	}
	nitro_app_free(app);
}

/* Every spelling of a path: does the guard answer, and can any reach an
 * /admin route without it? */
static void test_guard(void)
{
	static const struct {
		const char *method, *uri;
		int status;	/* what it gets without the cookie */
		int guarded;
	} cases[] = {
		{"GET", "/admin", 401, 1},
		{"GET", "/admin/", 401, 1},		/* would be a 308 */
		{"GET", "/admin/users", 401, 1},
		{"GET", "/admin/users/", 401, 1},
		{"GET", "/admin/nothing-here", 401, 1},	/* would be a 404 */
		{"GET", "/admin//users", 401, 1},
		{"GET", "/admin/users?x=1", 401, 1},
		{"GET", "/admin?next=/", 401, 1},
		{"GET", "/%61dmin/users", 401, 1},	/* the router decodes it */
		{"GET", "/%61%64%6d%69%6e", 401, 1},
		{"POST", "/admin/users", 401, 1},	/* would be a 405 */
		{"OPTIONS", "/admin/users", 401, 1},
		{"HEAD", "/admin/users", 401, 1},
		{"DELETE", "/admin", 401, 1},
		{"GET", "/admin/%2e%2e/public", 401, 1},
		{"GET", "/Admin/users", 404, 0},	/* case matters to both */
		{"GET", "//admin/users", 404, 0},
		{"GET", "/./admin/users", 404, 0},
		{"GET", "/x/../admin/users", 404, 0},
		{"GET", "/public/../admin/users", 404, 0},
		{"GET", "/admin%2Fusers", 404, 0},
		{"GET", "/admin%2F..", 404, 0},
		{"GET", "/admin;x/users", 404, 0},
		{"GET", "/admin%00/users", 400, 0},	/* no NUL in a segment */
		{"GET", "/%2561dmin/users", 404, 0},	/* decoded once only */
		{"GET", "/admin%", 400, 0},
		{"GET", "admin/users", 400, 0},
		{"GET", "/administrator", 200, 0},	/* not under /admin */
		{"GET", "/public", 200, 0},
	};
	char out[8192], name[160], uri[300];

	app = nitro_app_new(&(struct nitro_app_opts){.no_access_log = 1});
	nitro_route(app, "GET /admin", h_admin, "H");
	nitro_route(app, "GET /admin/users", h_admin, "H");
	nitro_route(app, "* /admin/{rest...}", h_admin, "H");
	nitro_route(app, "GET /administrator", h_ok, "H");
	nitro_route(app, "GET /public", h_ok, "H");
	nitro_use(app, NULL, NULL, add_header, NULL);
	T_EQ_INT(nitro_use(app, "/admin", guard, guard_after, NULL), 0, "guard on /admin");

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char method[32];

		snprintf(method, sizeof method, "REQUEST_METHOD=%s", cases[i].method);
		snprintf(uri, sizeof uri, "REQUEST_URI=%s", cases[i].uri);
		admin_calls = 0;
		run(ENV(method, uri), out, sizeof out);
		snprintf(name, sizeof name, "%s %s: %d", cases[i].method, cases[i].uri,
		    cases[i].status);
		T_EQ_INT(status_of(out), cases[i].status, name);
		snprintf(name, sizeof name, "%s %s: guard %s", cases[i].method, cases[i].uri,
		    cases[i].guarded ? "ran" : "did not run");
		T_EQ_INT(strstr(trace, "<G") != NULL, cases[i].guarded, name);
		snprintf(name, sizeof name, "%s %s: no /admin handler", cases[i].method,
		    cases[i].uri);
		T_EQ_INT(admin_calls, 0, name);
		snprintf(name, sizeof name, "%s %s: the app-wide after-function's header",
		    cases[i].method, cases[i].uri);
		T_OK(strstr(out, "\r\nX-Frame-Options: DENY\r\n") != NULL, name);
	}
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/admin"), out, sizeof out);
	T_OK(strstr(out, "\r\nX-Guarded: 1\r\n") != NULL,
	    "the guard's own after-function runs when it answered");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/admin/users", "HTTP_COOKIE=key=yes"),
	    out, sizeof out);
	T_EQ_INT(status_of(out), 200, "with the cookie: 200");
	T_OK(strstr(out, "ok root") != NULL, "the handler reads what the guard set");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/public"), out, sizeof out);
	T_OK(strstr(out, "ok -") != NULL, "values do not leak into the next request");
	nitro_app_free(app);
}

static void test_locals(void)
{
	nitro_req req;
	struct nitro_conn conn = {.mode = NITRO_CONN_CGI, .fd = -1};
	int one = 1, two = 2;

	app = nitro_app_new(NULL);
	nitro__req_init(&req, app);
	nitro__req_begin(&req, &conn, ENV("REQUEST_METHOD=GET", "REQUEST_URI=/"));
	T_OK(nitro_req_get(&req, "n") == NULL, "unset: NULL");
	T_EQ_INT(nitro_req_set(&req, "n", &one), 0, "set");
	T_OK(nitro_req_get(&req, "n") == &one, "get");
	T_EQ_INT(nitro_req_set(&req, "n", &two), 0, "set again");
	T_OK(nitro_req_get(&req, "n") == &two, "replaced");
	T_EQ_INT(nitro_req_set(&req, NULL, &two), NITRO_EINVAL, "a NULL key is refused");
	T_OK(nitro_req_get(&req, NULL) == NULL, "get NULL: NULL");
	nitro__req_end(&req);
	nitro__req_destroy(&req);
	nitro_app_free(app);
}

int main(void)
{
	test_use_refusals();
	test_order();
	test_guard();
	test_locals();
	return t_done();
}
