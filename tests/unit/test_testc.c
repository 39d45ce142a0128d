/*
 * The in-process test client (only the public API, as an application's
 * tests use it): status, headers and body; the cookie jar through a
 * sign-in flow; middleware; the runtime's own answers (404, 405, 413,
 * the cross-site 403, JSON errors); request ids; streams and live streams.
 */
#include <stdlib.h>
#include <string.h>

#include <nitro.h>
#include "t.h"

static int h_hello(nitro_req *req, void *u)
{
	(void)u;
	nitro_resp_header(req, "X-Hello", "yes");
	nitro_buf_printf(nitro_resp_body(req), "hello %s q=%s",
	    nitro_req_param(req, "name"), nitro_req_query(req, "q") ? nitro_req_query(req, "q") : "-");
	return 0;
}

/* POST /login: email and password from the form; the session cookie. */
static int h_login(nitro_req *req, void *u)
{
	const char *email = nitro_req_form(req, "email"), *pw = nitro_req_form(req, "password");

	(void)u;
	if (email == NULL || pw == NULL || strcmp(pw, "secret") != 0)
		return nitro_resp_error(req, 401, "Wrong email or password.");
	nitro_resp_cookie(req, "sid", "s1", &(struct nitro_cookie_opts){.http_only = 1,
	    .secure = 1, .same_site = NITRO_SAMESITE_LAX});
	nitro_resp_cookie(req, "pref", "dark", &(struct nitro_cookie_opts){.path = "/account"});
	return nitro_resp_redirect(req, 303, "/account");
}

static int h_logout(nitro_req *req, void *u)
{
	(void)u;
	nitro_resp_cookie(req, "sid", "", &(struct nitro_cookie_opts){.max_age = -1});
	return nitro_resp_redirect(req, 303, "/");
}

static int h_account(nitro_req *req, void *u)
{
	const char *pref = nitro_req_cookie(req, "pref");

	(void)u;
	nitro_buf_printf(nitro_resp_body(req), "account of %s, %s",
	    (const char *)nitro_req_get(req, "user"), pref ? pref : "no pref");
	return 0;
}

/* A guard on /account: the session cookie, else 401. */
static int need_session(nitro_req *req, void *u)
{
	const char *sid = nitro_req_cookie(req, "sid");

	(void)u;
	if (sid == NULL || strcmp(sid, "s1") != 0) {
		nitro_resp_error(req, 401, "Sign in first.");
		return NITRO_DONE;
	}
	nitro_req_set(req, "user", "ada");
	return NITRO_NEXT;
}

static void stamp(nitro_req *req, void *u)
{
	(void)u;
	nitro_resp_header(req, "X-Stamp", "after");
}

static int h_echo(nitro_req *req, void *u)
{
	const char *b;
	size_t n;

	(void)u;
	if (nitro_req_body(req, &b, &n) != 0)
		return 0;	/* the runtime answers the failure */
	nitro_resp_header(req, "Content-Type", "application/octet-stream");
	return nitro_buf_append(nitro_resp_body(req), b, n);
}

static int h_env(nitro_req *req, void *u)
{
	(void)u;
	nitro_buf_printf(nitro_resp_body(req), "%s %s %s", nitro_req_env(req, "REMOTE_ADDR"),
	    nitro_req_header(req, "Host"), nitro_req_header(req, "X-Custom"));
	return 0;
}

static int h_fail(nitro_req *req, void *u)
{
	(void)req;
	(void)u;
	return nitro_error(NITRO_EIO, "broken on purpose");
}

/* A store that is away, or too busy: 503, which a client may retry. */
static int h_away(nitro_req *req, void *u)
{
	(void)req;
	(void)u;
	nitro_error(NITRO_EUNAVAILABLE, "the database at db1:5432 does not answer");
	return -1;	/* the handler's own code: the recorded error decides */
}

static int h_busy(nitro_req *req, void *u)
{
	(void)req;
	(void)u;
	return nitro_error(NITRO_EBUSY, "insert todo: the database stayed locked (todo)");
}

static int h_stale_busy(nitro_req *req, void *u)
{
	(void)req;
	(void)u;
	nitro_error(NITRO_EBUSY, "too many failed logins");	/* dealt with, say */
	return NITRO_EIO;
}

static int h_stream(nitro_req *req, void *u)
{
	nitro_stream *s = nitro_stream_open(req);

	(void)u;
	if (s == NULL)
		return nitro_errcode();
	nitro_stream_write(s, "data: one\n\n", 11);
	nitro_stream_write(s, "data: two\n\n", 11);
	return 0;
}

/* Writes until the client goes: under the test client, until the cap. */
static int h_forever(nitro_req *req, void *u)
{
	nitro_stream *s = nitro_stream_open(req);
	static char chunk[65536];

	(void)u;
	memset(chunk, 'x', sizeof chunk);
	while (s != NULL && nitro_stream_write(s, chunk, sizeof chunk) == 0)
		;
	return 0;
}

static int first(const struct nitro_live_event *ev, nitro_buf *out, void *u)
{
	(void)u;
	nitro_buf_printf(out, "event: first\ndata: %s\n\n", ev->topic);
	return out->err;
}

static int frees;

static void count_free(void *u)
{
	(void)u;
	frees++;
}

static int h_live(nitro_req *req, void *u)
{
	static const char *const topics[] = {"t.*"};
	struct nitro_live_opts o = {.topics = topics, .ntopics = 1, .render = first,
		.first = first, .udata = NULL, .udata_free = count_free};

	(void)u;
	return nitro_live(req, &o);
}

#define REQ(...) (&(struct nitro_test_req){__VA_ARGS__})

static const char *const form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};

static void test_basics(nitro_testc *c)
{
	struct nitro_test_resp r;

	T_EQ_INT(nitro_testc_request(c, REQ(.path = "/hello/J%C3%B6rg?q=a+b"), &r), 0, "a request");
	T_EQ_INT(r.status, 200, "200");
	T_EQ_STR(r.body, "hello Jörg q=a b", "the body: parameter and query decoded");
	T_EQ_INT(r.body_len, strlen("hello Jörg q=a b"), "body_len");
	T_EQ_STR(nitro_testc_header(&r, "x-hello"), "yes", "a header by name, any case");
	T_EQ_STR(nitro_testc_header(&r, "Content-Type"), "text/html; charset=utf-8",
	    "the default Content-Type");
	T_EQ_STR(nitro_testc_header(&r, "Content-Length"), "17", "Content-Length");
	T_OK(nitro_testc_header(&r, "X-Request-Id") != NULL &&
	    strlen(nitro_testc_header(&r, "X-Request-Id")) == 32, "a made request id");
	T_EQ_STR(nitro_testc_header(&r, "X-Stamp"), "after", "the after-function's header");
	T_OK(nitro_testc_header(&r, "X-Nothing") == NULL, "an absent header: NULL");

	T_EQ_INT(nitro_testc_request(c, REQ(.method = "HEAD", .path = "/hello/x"), &r), 0, "HEAD");
	T_EQ_INT(r.status, 200, "HEAD: 200");
	T_EQ_INT(r.body_len, 0, "HEAD: no body");
	T_EQ_STR(nitro_testc_header(&r, "Content-Length"), "11", "HEAD: the GET length");

	T_EQ_INT(nitro_testc_request(c, REQ(.path = "/env", .remote_addr = "10.0.0.7",
	    .headers = (const char *const[]){"Host: example.org", "X-Custom:  v 1", NULL}), &r),
	    0, "headers and address");
	T_EQ_STR(r.body, "10.0.0.7 example.org v 1", "REMOTE_ADDR, Host, a header");
	T_EQ_INT(nitro_testc_request(c, REQ(.path = "/env",
	    .headers = (const char *const[]){"X-Request-Id: from-nginx-42", NULL}), &r), 0,
	    "an incoming request id");
	T_EQ_STR(nitro_testc_header(&r, "X-Request-Id"), "from-nginx-42", "is kept");
	T_EQ_INT(nitro_testc_request(c, REQ(.path = "/env",
	    .headers = (const char *const[]){"X-Request-Id: bad id<script>", NULL}), &r), 0,
	    "an invalid request id");
	T_OK(strlen(nitro_testc_header(&r, "X-Request-Id")) == 32, "is replaced by a made one");

	T_EQ_INT(nitro_testc_request(c, REQ(.method = "PUT", .path = "/echo",
	    .body = "a\0b", .body_len = 3), &r), 0, "a body");
	T_EQ_MEM(r.body, r.body_len, "a\0b", 3, "the body comes back byte for byte");

	T_EQ_INT(nitro_testc_request(c, REQ(.path = "/x",
	    .headers = (const char *const[]){"No colon", NULL}), &r), NITRO_EINVAL,
	    "a malformed header: EINVAL");
	T_EQ_INT(nitro_testc_request(c, REQ(.path = "/x",
	    .headers = (const char *const[]){"X-A: b\r\nX-Evil: 1", NULL}), &r), NITRO_EINVAL,
	    "CR LF in a header: EINVAL");
	T_EQ_INT(nitro_testc_request(c, REQ(.path = "/x",
	    .headers = (const char *const[]){"Content-Length: 5", NULL}), &r), NITRO_EINVAL,
	    "a Content-Length header: EINVAL");
}

static void test_errors(nitro_testc *c)
{
	static char big[2 << 20];
	struct nitro_test_resp r;

	nitro_testc_request(c, REQ(.path = "/nope"), &r);
	T_EQ_INT(r.status, 404, "404");
	T_OK(strstr(r.body, "no route for GET /nope") != NULL, "the 404 page");
	T_OK(nitro_testc_header(&r, "X-Request-Id") != NULL, "a 404 has a request id");
	nitro_testc_request(c, REQ(.method = "DELETE", .path = "/hello/x"), &r);
	T_EQ_INT(r.status, 405, "405");
	T_EQ_STR(nitro_testc_header(&r, "Allow"), "GET, HEAD, OPTIONS", "with Allow");
	nitro_testc_request(c, REQ(.path = "/hello/x/"), &r);
	T_EQ_INT(r.status, 308, "a trailing slash: 308");
	T_EQ_STR(nitro_testc_header(&r, "Location"), "/hello/x", "to the path without it");

	memset(big, 'a', sizeof big);
	nitro_testc_request(c, REQ(.method = "PUT", .path = "/echo", .body = big,
	    .body_len = sizeof big), &r);
	T_EQ_INT(r.status, 413, "a body over the limit: 413");
	T_OK(strstr(r.body, "limit") != NULL, "the 413 names the limit");
	T_OK(nitro_testc_header(&r, "X-Request-Id") != NULL, "a 413 has a request id");

	nitro_testc_request(c, REQ(.method = "POST", .path = "/login", .headers =
	    (const char *const[]){"Origin: https://evil.example",
	    "Content-Type: application/x-www-form-urlencoded", NULL},
	    .body = "email=a&password=secret", .body_len = 23), &r);
	T_EQ_INT(r.status, 403, "a cross-site POST: 403");
	T_OK(nitro_testc_header(&r, "X-Request-Id") != NULL, "the 403 has a request id");
	T_OK(nitro_testc_cookie(c, "sid") == NULL, "and no session was made");
	nitro_testc_request(c, REQ(.method = "POST", .path = "/login", .headers =
	    (const char *const[]){"Sec-Fetch-Site: same-origin",
	    "Content-Type: application/x-www-form-urlencoded", NULL},
	    .body = "email=a&password=wrong", .body_len = 22), &r);
	T_EQ_INT(r.status, 401, "same-origin passes the check; a wrong password: 401");

	nitro_testc_request(c, REQ(.path = "/api/fail"), &r);
	T_EQ_INT(r.status, 500, "a failed handler: 500");
	T_EQ_STR(nitro_testc_header(&r, "Content-Type"), "application/json",
	    "JSON under the json_prefix");
	T_OK(strstr(r.body, "\"status\":500") != NULL, "the JSON error");
	nitro_testc_request(c, REQ(.path = "/away"), &r);
	T_EQ_INT(r.status, 503, "a store that is away: 503");
	T_OK(strstr(r.body, "does not answer") != NULL, "with the store's message");
	nitro_testc_request(c, REQ(.path = "/busy"), &r);
	T_EQ_INT(r.status, 503, "a store that stays busy: 503");
	T_EQ_STR(nitro_testc_header(&r, "Retry-After"), "1", "with Retry-After");
	T_OK(strstr(r.body, "busy") != NULL && strstr(r.body, "locked") == NULL,
	    "a plain message; the store's stays in the log");
	nitro_testc_request(c, REQ(.path = "/stale"), &r);
	T_EQ_INT(r.status, 500, "a busy error the handler dealt with does not make a 503");
	nitro_testc_request(c, REQ(.path = "/nope", .headers =
	    (const char *const[]){"Accept: application/json", NULL}), &r);
	T_EQ_STR(nitro_testc_header(&r, "Content-Type"), "application/json",
	    "JSON for Accept: application/json");
	nitro_testc_request(c, REQ(.path = "/q?x=%zz", .headers = NULL), &r);
	T_EQ_INT(r.status, 200, "a query nobody reads is not parsed");
}

static void test_flow(nitro_testc *c)
{
	struct nitro_test_resp r;
	size_t cookies = 0;

	nitro_testc_request(c, REQ(.path = "/account"), &r);
	T_EQ_INT(r.status, 401, "the guard: 401 before signing in");
	T_EQ_STR(nitro_testc_header(&r, "X-Stamp"), "after", "after-functions on the guard's answer");
	nitro_testc_request(c, REQ(.path = "/account/settings"), &r);
	T_EQ_INT(r.status, 401, "and for a path under it with no route");

	nitro_testc_request(c, REQ(.method = "POST", .path = "/login", .headers = form,
	    .body = "email=ada%40example.org&password=secret", .body_len = 39), &r);
	T_EQ_INT(r.status, 303, "sign in: 303");
	T_EQ_STR(nitro_testc_header(&r, "Location"), "/account", "to /account");
	for (size_t i = 0; i < r.nheaders; i++)
		cookies += strcmp(r.headers[i].name, "Set-Cookie") == 0;
	T_EQ_INT(cookies, 2, "both Set-Cookie headers are in the list");
	T_EQ_STR(nitro_testc_cookie(c, "sid"), "s1", "the jar has the session");
	T_EQ_STR(nitro_testc_cookie(c, "pref"), "dark", "and the other cookie");

	nitro_testc_request(c, REQ(.path = "/account"), &r);
	T_EQ_INT(r.status, 200, "signed in: 200");
	T_EQ_STR(r.body, "account of ada, dark", "the guard's value; the Path=/account cookie sent");
	nitro_testc_request(c, REQ(.path = "/env", .headers =
	    (const char *const[]){"Cookie: own=1", NULL}), &r);
	T_EQ_INT(r.status, 200, "a Cookie header of the test's own");

	nitro_testc_request(c, REQ(.method = "POST", .path = "/logout"), &r);
	T_EQ_INT(r.status, 303, "sign out");
	T_OK(nitro_testc_cookie(c, "sid") == NULL, "the deleted cookie left the jar");
	nitro_testc_request(c, REQ(.path = "/account"), &r);
	T_EQ_INT(r.status, 401, "signed out: 401 again");
}

static void test_streams(nitro_testc *c)
{
	struct nitro_test_resp r;

	nitro_testc_request(c, REQ(.path = "/sse"), &r);
	T_EQ_INT(r.status, 200, "a stream: 200");
	T_EQ_STR(nitro_testc_header(&r, "Content-Type"), "text/event-stream", "its type");
	T_EQ_STR(r.body, "data: one\n\ndata: two\n\n", "what it wrote before returning");
	T_OK(nitro_testc_header(&r, "X-Request-Id") != NULL, "a stream head has a request id");

	nitro_testc_request(c, REQ(.path = "/sse/forever"), &r);
	T_EQ_INT(r.status, 200, "a stream that never ends returns");
	T_OK(r.body_len > (15u << 20) && r.body_len <= (16u << 20), "at the 16 MiB cap");

	frees = 0;
	nitro_testc_request(c, REQ(.path = "/live"), &r);
	T_EQ_INT(r.status, 200, "a live stream: 200");
	T_EQ_STR(r.body, "event: first\ndata: nitro.gap\n\n", "its first render, then the end");
	T_EQ_STR(nitro_testc_header(&r, "X-Stamp"), "after",
	    "the after-function's header is in the stream's head");
	T_EQ_INT(frees, 1, "its udata is freed");
	nitro_testc_request(c, REQ(.method = "HEAD", .path = "/live"), &r);
	T_EQ_INT(r.status, 200, "HEAD on a live route: 200");
	T_EQ_INT(r.body_len, 0, "no body");
	T_EQ_INT(frees, 2, "udata freed");
}

int main(void)
{
	nitro_app *app = nitro_app_new(&(struct nitro_app_opts){.no_access_log = 1,
	    .json_prefix = "/api/"});
	nitro_testc *c, *other;
	struct nitro_test_resp r;

	T_OK(nitro_testc_new(NULL) == NULL, "no app: NULL");
	nitro_route(app, "GET /hello/{name}", h_hello, NULL);
	nitro_route(app, "POST /login", h_login, NULL);
	nitro_route(app, "POST /logout", h_logout, NULL);
	nitro_route(app, "GET /account", h_account, NULL);
	nitro_route(app, "PUT /echo", h_echo, NULL);
	nitro_route(app, "GET /env", h_env, NULL);
	nitro_route(app, "GET /q", h_env, NULL);
	nitro_route(app, "GET /api/fail", h_fail, NULL);
	nitro_route(app, "GET /away", h_away, NULL);
	nitro_route(app, "GET /busy", h_busy, NULL);
	nitro_route(app, "GET /stale", h_stale_busy, NULL);
	nitro_route(app, "GET /sse", h_stream, NULL);
	nitro_route(app, "GET /sse/forever", h_forever, NULL);
	nitro_route(app, "GET /live", h_live, NULL);
	nitro_use(app, NULL, NULL, stamp, NULL);
	nitro_use(app, "/account", need_session, NULL, NULL);
	c = nitro_testc_new(app);
	other = nitro_testc_new(app);
	T_OK(c != NULL && other != NULL, "two clients");

	test_basics(c);
	test_errors(c);
	test_flow(c);
	test_streams(c);

	nitro_testc_request(c, REQ(.method = "POST", .path = "/login", .headers = form,
	    .body = "email=a&password=secret", .body_len = 23), &r);
	nitro_testc_request(other, REQ(.path = "/account"), &r);
	T_EQ_INT(r.status, 401, "each client has its own jar");

	nitro_testc_free(c);
	nitro_testc_free(other);
	nitro_testc_free(NULL);
	nitro_app_free(app);
	return t_done();
}
