/*
 * Unit tests for the runtime without a web server: requests are built
 * from an environment array, dispatched, and the FastCGI records written
 * to one end of a socketpair are read back and checked byte for byte.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/utf8.h"
#include "fcgi/internal.h"
#include "t.h"

static nitro_app *app;
static int sv[2];

/* Read the records the runtime wrote: the STDOUT content into out,
 * and whether END_REQUEST closed it. */
static size_t read_records(char *out, size_t cap, int *ended, int *nrec)
{
	unsigned char h[8];
	size_t len = 0;

	*ended = 0;
	*nrec = 0;
	while (read(sv[1], h, 8) == 8) {
		size_t n = ((size_t)h[4] << 8) | h[5];
		char body[65536];
		size_t got = 0;

		while (got < n + h[6]) {
			ssize_t r = read(sv[1], body + got, n + h[6] - got);
			if (r <= 0)
				return len;
			got += (size_t)r;
		}
		(*nrec)++;
		if (h[1] == 3) {	/* END_REQUEST */
			*ended = 1;
			break;
		}
		if (h[1] == 6 && len + n < cap) {
			memcpy(out + len, body, n);
			len += n;
		}
	}
	out[len] = '\0';
	return len;
}

struct result {
	char out[300000];
	size_t len;
	int ended, nrec;
};

static void run(char **envp, struct result *r)
{
	struct nitro_conn conn = {.mode = NITRO_CONN_FCGI, .fd = sv[0], .request_id = 1};
	nitro_req req;

	nitro__req_init(&req, app);
	req.body_eof = 1;	/* no stdin in these tests */
	nitro__req_begin(&req, &conn, envp);
	req.body_eof = 1;
	nitro__dispatch(&req);
	nitro__req_end(&req);
	nitro__req_destroy(&req);
	r->len = read_records(r->out, sizeof r->out, &r->ended, &r->nrec);
	if (r->len > 0 && !t_drop_request_id(r->out, &r->len))
		T_OK(0, "the response has a made X-Request-Id after its status");
}

/* 1 when s[0..n) is valid UTF-8 without control bytes but \n. */
static int clean_utf8(const char *s, size_t n)
{
	unsigned cp;

	for (size_t i = 0, len; i < n; i += len)
		if ((len = nitro__utf8_char(s + i, n - i, &cp)) == 0 ||
		    (cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp < 0xa0))
			return 0;
	return 1;
}

static int h_hello(nitro_req *req, void *u)
{
	return nitro_resp_send(req, 200, "text/plain", "Hello, world!\n", 14);
}

static int h_big(nitro_req *req, void *u)
{
	nitro_buf *b = nitro_resp_body(req);
	for (int i = 0; i < 200000; i++)
		nitro_buf_putc(b, (char)('a' + i % 26));
	return 0;
}

static int h_headers(nitro_req *req, void *u)
{
	struct nitro_cookie_opts o = {.max_age = 3600, .secure = 1, .http_only = 1,
		.same_site = NITRO_SAMESITE_STRICT};
	struct nitro_cookie_opts del = {.max_age = -1, .path = "/app"};
	struct nitro_cookie_opts none = {.same_site = NITRO_SAMESITE_NONE};

	T_EQ_INT(nitro_resp_header(req, "X-Bad", "a\r\nSet-Cookie: x=1"), NITRO_EINVAL,
	    "a header value with CR LF is refused");
	T_EQ_INT(nitro_resp_header(req, "X-Bad\n", "v"), NITRO_EINVAL,
	    "a header name with LF is refused");
	T_EQ_INT(nitro_resp_header(req, "Bad Name", "v"), NITRO_EINVAL,
	    "a header name with a space is refused");
	T_EQ_INT(nitro_resp_header(req, "Content-Length", "5"), NITRO_EINVAL,
	    "Content-Length is the runtime's");
	T_EQ_INT(nitro_resp_cookie(req, "s", "a;b", NULL), NITRO_EINVAL,
	    "a cookie value with ';' is refused");
	T_EQ_INT(nitro_resp_cookie(req, "s", "v", &none), NITRO_EINVAL,
	    "SameSite=None without Secure is refused");
	T_EQ_INT(nitro_resp_header(req, "X-Good", "yes"), 0, "a good header is taken");
	T_EQ_INT(nitro_resp_cookie(req, "sid", "abc123", &o), 0, "a cookie is taken");
	T_EQ_INT(nitro_resp_cookie(req, "old", "", &del), 0, "a deleting cookie is taken");
	nitro_resp_status(req, 201);
	nitro_buf_puts(nitro_resp_body(req), "<p>made</p>");
	return 0;
}

static int h_signals(nitro_req *req, void *u)
{
	json_object *s = nitro_req_signals(req), *v;
	const char *name = "none";

	if (s != NULL && json_object_object_get_ex(s, "name", &v))
		name = json_object_get_string(v);
	nitro_buf_printf(nitro_resp_body(req), "name=%s ds=%d", name,
	    nitro_req_is_datastar(req));
	return 0;
}

static int h_fail(nitro_req *req, void *u)
{
	return nitro_error(NITRO_EIO, "the database is on fire");
}

/* A handler that fails without saying why; it notes the error state it
 * started with. */
static int start_code;
static int h_fail_silently(nitro_req *req, void *u)
{
	start_code = nitro_errcode();
	return NITRO_EIO;
}

/* Run a request with stderr (the log) captured into log. */
static void run_logged(char **envp, struct result *r, char *log, size_t cap)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	dup2(fileno(tmp), 2);
	run(envp, r);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(log, 1, cap - 1, tmp);
	log[n] = '\0';
	fclose(tmp);
}

static int h_ignores_bad_query(nitro_req *req, void *u)
{
	const char *v = nitro_req_query(req, "x");
	nitro_buf_printf(nitro_resp_body(req), "x=%s", v ? v : "absent");
	return 0;
}

static int h_login(nitro_req *req, void *u)
{
	nitro_resp_header(req, "X-Dropped", "1");
	nitro_resp_cookie(req, "sid", "s3cret", NULL);
	return nitro_resp_redirect(req, 303, "/home");
}

static int h_twice(nitro_req *req, void *u)
{
	nitro_resp_send(req, 200, "text/plain", "one", 3);
	return nitro_resp_send(req, 200, "application/json", "{}", 2);
}

static int h_stream(nitro_req *req, void *u)
{
	nitro_resp_header(req, "Content-Type", "text/html");
	nitro_stream *s = nitro_stream_open(req);

	T_OK(s != NULL, "stream opens");
	T_EQ_INT(nitro_stream_write(s, "data: 1\n\n", 9), 0, "stream write");
	T_EQ_INT(nitro_stream_comment(s, "ping\nevent: evil"), 0, "comment write");
	T_OK(nitro_stream_open(req) == NULL, "a second open is refused");
	return 0;
}

/* GET /n/{id}: the parameter as an integer, or the reason it is not. */
static int h_number(nitro_req *req, void *u)
{
	int64_t id, none;

	(void)u;
	if (nitro_req_param_int(req, "id", &id) < 0)
		return nitro_resp_error(req, 404, nitro_errmsg());
	T_EQ_INT(nitro_req_param_int(req, "nope", &none), NITRO_ENOTFOUND,
	    "param_int: a name the route lacks is ENOTFOUND");
	nitro_buf_printf(nitro_resp_body(req), "id=%lld", (long long)id);
	return 0;
}

static void test_param_int(struct result *r)
{
	static const struct { const char *path, *want; } cases[] = {
		{"/n/42", "id=42"},
		{"/n/-7", "id=-7"},
		{"/n/0", "id=0"},
		{"/n/9223372036854775807", "id=9223372036854775807"},
		{"/n/-9223372036854775808", "id=-9223372036854775808"},
		{"/n/9223372036854775808", NULL},
		{"/n/-9223372036854775809", NULL},
		{"/n/12abc", NULL},
		{"/n/+5", NULL},
		{"/n/%205", NULL},
		{"/n/0x10", NULL},
		{"/n/-", NULL},
		{"/n/1e3", NULL},
	};
	char uri[100], name[160];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(uri, sizeof uri, "REQUEST_URI=%s", cases[i].path);
		run((char *[]){"REQUEST_METHOD=GET", uri, NULL}, r);
		snprintf(name, sizeof name, "param_int %s: %s", cases[i].path,
		    cases[i].want ? cases[i].want : "404");
		if (cases[i].want)
			T_OK(strstr(r->out, "Status: 200") && strstr(r->out, cases[i].want), name);
		else
			T_OK(strncmp(r->out, "Status: 404", 11) == 0 &&
			    strstr(r->out, "id: not a whole number") != NULL, name);
	}
}

#define ENV(...) ((char *[]){__VA_ARGS__, NULL})

/* nitro_app_new's options: a set field is used, a zero one is the default. */
static void test_opts(struct result *r)
{
	int64_t id = 0;

	app = nitro_app_new(&(struct nitro_app_opts){.limits = {.path_bytes = 8}});
	nitro_route(app, "GET /{name}", h_hello, NULL);
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/a", "HTTP_USER_AGENT=t"), r);
	T_OK(strncmp(r->out, "Status: 200", 11) == 0,
	    "a path within limits.path_bytes passes, headers within the default");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/abcdefghij"), r);
	T_OK(strncmp(r->out, "Status: 400", 11) == 0, "a path over limits.path_bytes is 400");
	T_OK(nitro_app_transport(app) != NULL, "an app without a transport has its own");
	T_EQ_INT(nitro_publish(nitro_app_transport(app), "t.a", "{}", &id), 0,
	    "which takes events before the app runs");
	T_EQ_INT(id, 1, "numbered from 1");
	nitro_app_free(app);

	app = nitro_app_new(&(struct nitro_app_opts){.json_prefix = "/api/"});
	nitro_route(app, "GET /api/fail", h_fail, NULL);
	nitro_route(app, "GET /page", h_hello, NULL);
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/api/nothing"), r);
	T_OK(strncmp(r->out, "Status: 404", 11) == 0 &&
	    strstr(r->out, "Content-Type: application/json\r\n") &&
	    strstr(r->out, "{\"error\":{\"status\":404,"),
	    "json_prefix: the router's 404 is JSON without an Accept header");
	run(ENV("REQUEST_METHOD=POST", "REQUEST_URI=/api/fail"), r);
	T_OK(strncmp(r->out, "Status: 405", 11) == 0 &&
	    strstr(r->out, "{\"error\":{\"status\":405,"), "and so is its 405");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/api/fail"), r);
	T_OK(strncmp(r->out, "Status: 500", 11) == 0 &&
	    strstr(r->out, "{\"error\":{\"status\":500,"), "and a failing handler's 500");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/nothing"), r);
	T_OK(strstr(r->out, "Content-Type: text/html") != NULL,
	    "outside the prefix errors stay HTML for a browser");
	nitro_app_free(app);
}

int main(void)
{
	struct result *r = malloc(sizeof *r);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	app = nitro_app_new(NULL);
	nitro_route(app, "GET /", h_hello, NULL);
	nitro_route(app, "GET /big", h_big, NULL);
	nitro_route(app, "GET /headers", h_headers, NULL);
	nitro_route(app, "* /signals", h_signals, NULL);
	nitro_route(app, "GET /fail", h_fail, NULL);
	nitro_route(app, "GET /q", h_ignores_bad_query, NULL);
	nitro_route(app, "GET /silent", h_fail_silently, NULL);
	nitro_route(app, "GET /sse", h_stream, NULL);
	nitro_route(app, "POST /login", h_login, NULL);
	nitro_route(app, "GET /twice", h_twice, NULL);
	nitro_route(app, "GET /n/{id}", h_number, NULL);
	T_EQ_INT(nitro_app_serve_metrics(app, NULL), 0, "metrics route added");
	/* sockets buffer the 200 KB response while we are the only thread */
	int sz = 1 << 20;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/"), r);
	T_EQ_STR(r->out, "Status: 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 14\r\n\r\nHello, world!\n", "a buffered response, exactly");
	T_OK(r->ended, "END_REQUEST follows");
	T_EQ_INT(r->nrec, 3, "one STDOUT record, the empty one, END_REQUEST");

	run(ENV("REQUEST_METHOD=HEAD", "REQUEST_URI=/"), r);
	T_EQ_STR(r->out, "Status: 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 14\r\n\r\n", "HEAD: the GET route's headers, no body");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/big"), r);
	T_OK(strstr(r->out, "Content-Length: 200000\r\n") != NULL, "large body length");
	T_OK(r->len > 200000 && r->out[r->len - 1] == (char)('a' + 199999 % 26),
	    "large body arrives whole");
	T_EQ_INT(r->nrec, 6, "200 KB is split into 4 records (65528 bytes max)");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/headers"), r);
	T_EQ_STR(r->out, "Status: 201 Created\r\nX-Good: yes\r\n"
	    "Set-Cookie: sid=abc123; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Strict\r\n"
	    "Set-Cookie: old=; Path=/app; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT\r\n"
	    "Content-Type: text/html; charset=utf-8\r\nContent-Length: 11\r\n\r\n<p>made</p>",
	    "status, headers and cookies");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/nowhere?a=1"), r);
	T_OK(strncmp(r->out, "Status: 404 Not Found\r\n", 23) == 0, "404");
	T_OK(strstr(r->out, "no route for GET /nowhere") != NULL, "404 says what");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/<script>"), r);
	T_OK(strstr(r->out, "<script>") == NULL && strstr(r->out, "&lt;script&gt;") != NULL,
	    "the 404 page escapes the path");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/nowhere", "HTTP_ACCEPT=application/json"), r);
	T_OK(strstr(r->out, "Content-Type: application/json\r\n") != NULL &&
	    strstr(r->out, "{\"error\":{\"status\":404,") != NULL, "JSON error when asked");

	run(ENV("REQUEST_METHOD=POST", "REQUEST_URI=/"), r);
	T_OK(strncmp(r->out, "Status: 405 Method Not Allowed\r\n", 32) == 0, "405");
	T_OK(strstr(r->out, "Allow: GET, HEAD, OPTIONS\r\n") != NULL, "405 has Allow");

	run(ENV("REQUEST_METHOD=OPTIONS", "REQUEST_URI=/"), r);
	T_EQ_STR(r->out, "Status: 204 No Content\r\nAllow: GET, HEAD, OPTIONS\r\n\r\n",
	    "OPTIONS answers 204 with Allow");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/big/?x=1", "QUERY_STRING=x=1"), r);
	T_OK(strstr(r->out, "Status: 308 Permanent Redirect\r\nLocation: /big?x=1\r\n") != NULL,
	    "trailing slash redirects, query kept");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=//evil.example/"), r);
	T_OK(strstr(r->out, "Location:") == NULL, "no protocol-relative redirect");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/fail"), r);
	T_OK(strncmp(r->out, "Status: 500 Internal Server Error\r\n", 35) == 0,
	    "a failing handler gives 500");
	T_OK(strstr(r->out, "on fire") == NULL, "500 does not leak the internal message");

	/* The next request starts with no error: the first one's message is
	 * not the detail of the second one's 500. */
	{
		char log[4096];

		run_logged(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/silent"), r, log, sizeof log);
		T_EQ_INT(start_code, 0, "a request starts with no error code");
		T_OK(strncmp(r->out, "Status: 500 Internal Server Error\r\n", 35) == 0,
		    "a handler failing without a message gives 500");
		T_OK(strstr(log, "handler failed") != NULL, "the failure is logged");
		T_OK(strstr(log, "on fire") == NULL,
		    "the log does not blame the previous request's error");
	}

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/q?x=%zz", "QUERY_STRING=x=%zz"), r);
	T_OK(strncmp(r->out, "Status: 400 Bad Request\r\n", 25) == 0,
	    "a bad query is 400 even when the handler ignores the failure");
	T_OK(strstr(r->out, "x=absent") == NULL, "the handler's output is replaced");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/signals?datastar=%7B%22name%22%3A%22O%27Neil%22%7D",
	    "QUERY_STRING=datastar=%7B%22name%22%3A%22O%27Neil%22%7D",
	    "HTTP_DATASTAR_REQUEST=true"), r);
	T_OK(strstr(r->out, "name=O'Neil ds=1") != NULL, "GET signals from the query");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/signals", "QUERY_STRING="), r);
	T_OK(strstr(r->out, "name=none ds=0") != NULL, "no datastar parameter: no signals");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/signals?datastar=%7Bx",
	    "QUERY_STRING=datastar=%7Bx"), r);
	T_OK(strncmp(r->out, "Status: 400 Bad Request\r\n", 25) == 0,
	    "invalid signal JSON is 400");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/sse"), r);
	T_EQ_STR(r->out, "Status: 200 OK\r\nContent-Type: text/event-stream\r\n"
	    "Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\n\r\n"
	    "data: 1\n\n: ping\n: event: evil\n\n", "an SSE stream, exactly");
	T_OK(r->ended, "the stream is ended when the handler returns");

	char longhdr[40000];
	memcpy(longhdr, "HTTP_X_BIG=", 11);
	memset(longhdr + 11, 'x', sizeof longhdr - 12);
	longhdr[sizeof longhdr - 1] = '\0';
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/", longhdr), r);
	T_OK(strncmp(r->out, "Status: 400 Bad Request\r\n", 25) == 0,
	    "headers over the limit are refused");

	run(ENV("REQUEST_METHOD=POST", "REQUEST_URI=/login", "HTTP_HOST=shop.example",
	    "HTTP_ORIGIN=https://evil.example"), r);
	T_OK(strncmp(r->out, "Status: 403 Forbidden\r\n", 23) == 0,
	    "a POST from another origin is refused");
	run(ENV("REQUEST_METHOD=POST", "REQUEST_URI=/login", "HTTP_SEC_FETCH_SITE=cross-site"), r);
	T_OK(strncmp(r->out, "Status: 403 Forbidden\r\n", 23) == 0,
	    "a POST a browser marks cross-site is refused");
	run(ENV("REQUEST_METHOD=POST", "REQUEST_URI=/login", "HTTP_HOST=shop.example:8080",
	    "HTTP_ORIGIN=http://shop.example:8080", "HTTP_SEC_FETCH_SITE=same-origin"), r);
	T_OK(strncmp(r->out, "Status: 303", 11) == 0, "a same-origin POST passes");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_SEC_FETCH_SITE=cross-site"), r);
	T_OK(strncmp(r->out, "Status: 200", 11) == 0, "a cross-site GET (a link) passes");
	{
		nitro_app *checked = app;

		app = nitro_app_new(&(struct nitro_app_opts){.no_csrf_check = 1});
		nitro_route(app, "POST /login", h_login, NULL);
		run(ENV("REQUEST_METHOD=POST", "REQUEST_URI=/login",
		    "HTTP_SEC_FETCH_SITE=cross-site"), r);
		T_OK(strncmp(r->out, "Status: 303", 11) == 0, "the check can be turned off");
		nitro_app_free(app);
		app = checked;
	}

	run(ENV("REQUEST_METHOD=POST", "REQUEST_URI=/login"), r);
	T_OK(strncmp(r->out, "Status: 303 See Other\r\nLocation: /home\r\n"
	    "Set-Cookie: sid=s3cret; Path=/\r\n", 70) == 0,
	    "a cookie set before a redirect is kept");
	T_OK(strstr(r->out, "X-Dropped") == NULL, "other headers are replaced by the redirect");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/twice"), r);
	T_EQ_STR(r->out, "Status: 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: 2\r\n\r\n{}", "a second send replaces type and body");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/metrics"), r);
	T_OK(strstr(r->out, "Content-Type: text/plain; version=0.0.4") != NULL,
	    "metrics in Prometheus text format");
	T_OK(strstr(r->out, "nitro_http_requests_total{method=\"GET\",status=\"404\"} 4") != NULL,
	    "requests counted by method and status (4 GETs gave 404)");
	T_OK(strstr(r->out, "nitro_http_requests_total{method=\"OPTIONS\",status=\"204\"} 1") != NULL,
	    "OPTIONS counted");
	T_OK(strstr(r->out, "nitro_http_request_duration_seconds_count{method=\"GET\"}") != NULL,
	    "latency histogram present");
	test_param_int(r);	/* after the counts above: its 404s would change them */

	/* issue 14: error text is valid UTF-8, escaped for its content type */
	{
		char uri[200] = "REQUEST_URI=/", *body;

		for (int i = 0; i < 60; i++)
			strcat(uri, "\xc3\xa9");
		run(ENV("REQUEST_METHOD=GET", uri), r);
		body = strstr(r->out, "\r\n\r\n");
		T_OK(body && clean_utf8(body + 4, strlen(body + 4)), "a 404 quoting 121 bytes of é is valid UTF-8");
		T_OK(body && strstr(body, "\xc3\xa9....</p>") != NULL, "the path is cut at a character, marked");
		run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/a\xff\x01\x7f\xc2\x85" "b<",
		    "HTTP_ACCEPT=application/json"), r);
		body = strstr(r->out, "\r\n\r\n");
		T_OK(body && clean_utf8(body + 4, strlen(body + 4)), "a JSON 404 with raw bytes is valid UTF-8");
		T_OK(body && strstr(body, "/a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		    "b<") != NULL, "bad bytes and controls show as U+FFFD");
		{
			json_object *o = NULL;
			struct json_tokener *tok = json_tokener_new();

			json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
			if (body)
				o = json_tokener_parse_ex(tok, body + 4, (int)strlen(body + 4));
			T_OK(o != NULL, "and it parses as strict JSON");
			json_object_put(o);
			json_tokener_free(tok);
		}
		run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/a\xff\x01" "b<"), r);
		body = strstr(r->out, "\r\n\r\n");
		T_OK(body && clean_utf8(body + 4, strlen(body + 4)) &&
		    strstr(body, "/a\xef\xbf\xbd\xef\xbf\xbd" "b&lt;.") != NULL,
		    "an HTML 404 with raw bytes is valid UTF-8 and escaped");
	}

	/* issue 14: access log fields are bounded and the cut is marked */
	{
		char *big = malloc(1000020), *path = malloc(7200), *log = malloc(8192);

		memcpy(big, "REQUEST_METHOD=", 15);
		memset(big + 15, 'M', 1000000);
		big[1000015] = '\0';
		run_logged(ENV(big, "REQUEST_URI=/"), r, log, 8192);
		T_OK(strstr(log, "method=\"MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM...\" method_bytes=1000000 ")
		    != NULL, "a 1 MB method is logged as 32 bytes and its length");
		T_OK(strlen(log) < 1024, "the line stays short");
		memcpy(path, "REQUEST_URI=/", 13);
		for (int i = 0; i < 3568; i++)
			memcpy(path + 13 + 2 * i, "\xc3\xa9", 2);
		path[13 + 7136] = '\0';
		run_logged(ENV("REQUEST_METHOD=GET", path), r, log, 8192);
		T_OK(strncmp(r->out, "Status: 400", 11) == 0, "a 7 KiB path is refused");
		T_OK(strstr(log, "\xc3\xa9...\" path_bytes=7137 ") != NULL,
		    "and logged cut at a character, marked, with its length");
		T_OK(strlen(log) < 1024, "the line stays short");
		run_logged(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/nowhere"), r, log, 8192);
		T_OK(strstr(log, " method=GET path=/nowhere status=404 ") != NULL,
		    "short fields are logged whole");
		free(big);
		free(path);
		free(log);
	}

	/* A stream whose client has gone. */
	{
		int p[2];
		nitro_req req;
		struct nitro_conn conn;

		socketpair(AF_UNIX, SOCK_STREAM, 0, p);
		close(p[1]);
		conn = (struct nitro_conn){.mode = NITRO_CONN_FCGI, .fd = p[0], .request_id = 1};
		nitro__req_init(&req, app);
		nitro__req_begin(&req, &conn, ENV("REQUEST_METHOD=GET", "REQUEST_URI=/x"));
		req.body_eof = 1;
		nitro_stream *s = nitro_stream_open(&req);
		T_OK(s == NULL, "opening a stream to a gone client fails");
		T_EQ_INT(nitro_errcode(), NITRO_ECLOSED, "and leaves NITRO_ECLOSED");
		nitro__stream_release(&req);
		nitro__req_end(&req);
		nitro__req_destroy(&req);
		close(p[0]);
	}

	nitro_app_free(app);
	test_opts(r);
	free(r);
	return t_done();
}
