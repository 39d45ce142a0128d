/*
 * Unit tests for the views' bridge to the runtime (nitro_sse_send and the
 * nitro_ds_reply_* replies) and for the sdk-test example's /test endpoint,
 * driven through the runtime without a web server: the FastCGI records
 * written to a socketpair are read back and compared byte for byte.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fcgi/internal.h"
#include "nitro/views.h"
#include "t.h"

#define NITRO_SDKTEST_NO_MAIN
#include "examples/sdk-test/main.c"

static nitro_app *app;
static int sv[2];
static char out[65536];

/* The STDOUT bytes of one response, until END_REQUEST. */
static void read_response(void)
{
	unsigned char h[8];
	size_t len = 0;

	while (read(sv[1], h, 8) == 8) {
		size_t n = ((size_t)h[4] << 8) | h[5], got = 0;
		char body[65536 + 256];

		while (got < n + h[6]) {
			ssize_t r = read(sv[1], body + got, n + h[6] - got);
			if (r <= 0)
				goto done;
			got += (size_t)r;
		}
		if (h[1] == 3)
			break;
		if (h[1] == 6 && len + n < sizeof out) {
			memcpy(out + len, body, n);
			len += n;
		}
	}
done:
	out[len] = '\0';
	if (len > 0 && !t_drop_request_id(out, &len))
		T_OK(0, "the response has a made X-Request-Id after its status");
}

static void run(char **envp)
{
	struct nitro_conn conn = {.mode = NITRO_CONN_FCGI, .fd = sv[0], .request_id = 1};
	nitro_req req;

	nitro__req_init(&req, app);
	req.body_eof = 1;
	nitro__req_begin(&req, &conn, envp);
	req.body_eof = 1;
	nitro__dispatch(&req);
	nitro__req_end(&req);
	nitro__req_destroy(&req);
	read_response();
}

#define ENV(...) ((char *[]){__VA_ARGS__, NULL})
#define SSE_HEAD "Status: 200 OK\r\nContent-Type: text/event-stream\r\n" \
	"Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\n\r\n"
#define PE "event: datastar-patch-elements\n"
#define PS "event: datastar-patch-signals\n"

static int h_html(nitro_req *req, void *u)
{
	struct nitro_sse_patch p = { 0 };

	p.selector = "#list";
	p.mode = NITRO_DS_APPEND;
	p.view_transition = 1;
	return nitro_ds_reply_html(req, "<li>x</li>", 10, &p);
}

static int h_html_plain(nitro_req *req, void *u)
{
	return nitro_ds_reply_html(req, "<p id=\"a\">x</p>", 15, NULL);
}

static int h_signals(nitro_req *req, void *u)
{
	json_object *o = json_tokener_parse("{\"a\":{\"url\":\"/x\"},\"n\":1}");
	int rc = nitro_ds_reply_signals(req, o, atoi(u ? (const char *)u : "0"));

	json_object_put(o);
	return rc;
}

/* Signals read by path, answered with strings. */
static int h_paths(nitro_req *req, void *u)
{
	json_object *n = nitro_req_signal(req, "items[1]");

	(void)u;
	return nitro_ds_reply_strings(req,
	    "city", nitro_req_signal_str(req, "user.address.city"),
	    "second", n ? json_object_get_string(n) : "none",
	    "dot", nitro_req_signal_str(req, "items.0"),
	    "missing", nitro_req_signal_str(req, "user.nope.city") ? "found" : "absent",
	    "notstr", nitro_req_signal_str(req, "items") ? "string" : "not a string",
	    "bad", nitro_req_signal(req, "items[x]") ? "found" : "refused",
	    "errors.title", "is required", "errors.body", NULL, NULL);
}

static int h_bad_name(nitro_req *req, void *u)
{
	(void)u;
	T_EQ_INT(nitro_ds_reply_strings(req, "a..b", "x", NULL), NITRO_EINVAL,
	    "reply_strings: an empty segment is refused");
	T_EQ_INT(nitro_ds_reply_strings(req, "a[1]", "x", NULL), NITRO_EINVAL,
	    "reply_strings: an index is refused");
	return nitro_ds_reply_strings(req, "ok", "1", NULL);
}

/* Several events in one answer (nitro_ds_reply_events). */
static int h_events(nitro_req *req, void *u)
{
	struct nitro_sse_patch toast = { .selector = "#toasts", .mode = NITRO_DS_APPEND };
	nitro_buf ev = NITRO_BUF_INIT;

	(void)u;
	nitro_sse_patch_elements(&ev, "<p id=\"a\">1</p>", 15, NULL);
	nitro_sse_patch_elements(&ev, "<p>ok</p>", 9, &toast);
	return nitro_ds_reply_events(req, &ev);
}

/* A buffer whose append failed is not sent, and is freed all the same. */
static int h_events_failed(nitro_req *req, void *u)
{
	nitro_buf ev;
	int err;

	(void)u;
	nitro_buf_init(&ev, 16);
	nitro_sse_patch_elements(&ev, "<p id=\"a\">too long for sixteen bytes</p>", 40, NULL);
	err = ev.err;
	T_OK(err < 0, "reply_events: the over-long buffer has an error");
	T_EQ_INT(nitro_ds_reply_events(req, &ev), err, "reply_events returns the buffer's error");
	T_OK(ev.data == NULL && ev.len == 0, "and frees the buffer");
	T_EQ_INT(nitro_ds_reply_events(req, NULL), NITRO_EINVAL, "reply_events of NULL refused");
	return nitro_ds_reply_strings(req, "ok", "1", NULL);
}

static int h_stream(nitro_req *req, void *u)
{
	nitro_stream *s = nitro_stream_open(req);
	nitro_buf ev = NITRO_BUF_INIT;

	nitro_sse_patch_elements(&ev, "<p id=\"a\">1</p>", 15, NULL);
	T_EQ_INT(nitro_sse_send(s, &ev), 0, "send the first event");
	T_EQ_INT(ev.len, 0, "send empties the buffer");
	nitro_sse_console_log(&ev, "two", NULL);
	T_EQ_INT(nitro_sse_send(s, &ev), 0, "send the second event");
	T_EQ_INT(nitro_sse_send(NULL, &ev), NITRO_EINVAL, "send without a stream refused");
	nitro_buf_free(&ev);
	return 0;
}

int main(void)
{
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int sz = 1 << 20;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	app = nitro_app_new(&(struct nitro_app_opts){.no_access_log = 1});
	T_EQ_INT(sdk_test_routes(app), 0, "sdk-test routes");
	nitro_route(app, "GET /html", h_html, NULL);
	nitro_route(app, "GET /html2", h_html_plain, NULL);
	nitro_route(app, "GET /signals", h_signals, NULL);
	nitro_route(app, "GET /signals-missing", h_signals, "1");
	nitro_route(app, "GET /stream", h_stream, NULL);
	nitro_route(app, "GET /events", h_events, NULL);
	nitro_route(app, "GET /events-failed", h_events_failed, NULL);
	nitro_route(app, "GET /paths", h_paths, NULL);
	nitro_route(app, "GET /badname", h_bad_name, NULL);

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/html"));
	T_EQ_STR(out, "Status: 200 OK\r\ndatastar-selector: #list\r\ndatastar-mode: append\r\n"
	    "datastar-use-view-transition: true\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: 10\r\n\r\n<li>x</li>", "HTML fragment reply with options");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/html2"));
	T_EQ_STR(out, "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: 15\r\n\r\n<p id=\"a\">x</p>", "HTML fragment reply, defaults omitted");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/signals"));
	T_EQ_STR(out, "Status: 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: 24\r\n\r\n{\"a\":{\"url\":\"/x\"},\"n\":1}", "JSON signals reply");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/signals-missing"));
	T_EQ_STR(out, "Status: 200 OK\r\ndatastar-only-if-missing: true\r\n"
	    "Content-Type: application/json\r\nContent-Length: 24\r\n\r\n"
	    "{\"a\":{\"url\":\"/x\"},\"n\":1}", "JSON signals reply, only if missing");
	/* {"user":{"address":{"city":"Paris"}},"items":["a",{"b":2}]} */
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/paths",
	    "QUERY_STRING=datastar=%7B%22user%22%3A%7B%22address%22%3A%7B%22city%22%3A%22Paris%22"
	    "%7D%7D%2C%22items%22%3A%5B%22a%22%2C%7B%22b%22%3A2%7D%5D%7D"));
	T_OK(strstr(out, "\r\n\r\n{\"city\":\"Paris\",") != NULL,
	    "signal_str reads a nested path");
	T_OK(strstr(out, "\"second\":\"{ \\\"b\\\": 2 }\"") != NULL ||
	    strstr(out, "\"second\":\"{\\\"b\\\":2}\"") != NULL, "signal reads items[1]");
	T_OK(strstr(out, "\"dot\":\"a\"") != NULL, "items.0 indexes too");
	T_OK(strstr(out, "\"missing\":\"absent\"") != NULL, "a missing step is NULL");
	T_OK(strstr(out, "\"notstr\":\"not a string\"") != NULL, "signal_str of an array is NULL");
	T_OK(strstr(out, "\"bad\":\"refused\"") != NULL, "a bad index is NULL");
	T_OK(strstr(out, "\"errors\":{\"title\":\"is required\",\"body\":\"\"}") != NULL,
	    "dotted names nest, a NULL value is \"\"");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/badname"));
	T_OK(strstr(out, "\r\n\r\n{\"ok\":\"1\"}") != NULL, "a good reply after refused ones");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/events"));
	T_EQ_STR(out, "Status: 200 OK\r\nCache-Control: no-cache\r\n"
	    "Content-Type: text/event-stream\r\nContent-Length: 161\r\n\r\n"
	    PE "data: elements <p id=\"a\">1</p>\n\n"
	    PE "data: selector #toasts\ndata: mode append\ndata: elements <p>ok</p>\n\n",
	    "several events in one uncached SSE answer");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/events-failed"));
	T_OK(strstr(out, "\r\n\r\n{\"ok\":\"1\"}") != NULL,
	    "nothing was sent of the failed events: the handler could still answer");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/stream"));
	T_EQ_STR(out, SSE_HEAD PE "data: elements <p id=\"a\">1</p>\n\n"
	    PE "data: selector body\ndata: mode append\ndata: elements <script "
	    "data-effect=\"el.remove()\">console.log(\"two\")</script>\n\n", "events sent in order");

	/* /test: {"events":[patchElements, patchSignals, executeScript]} */
	run(ENV("REQUEST_METHOD=GET", "HTTP_DATASTAR_REQUEST=true",
	    "REQUEST_URI=/test?datastar=%7B%22events%22%3A%5B%7B%22type%22%3A%22patchElements%22%2C"
	    "%22elements%22%3A%22%3Cdiv%20id%3D%5C%22a%5C%22%3E1%3C%2Fdiv%3E%22%2C%22eventId%22%3A%22x%22%7D%2C"
	    "%7B%22type%22%3A%22patchSignals%22%2C%22signals%22%3A%7B%22b%22%3A2%2C%22a%22%3A1%7D%2C"
	    "%22retryDuration%22%3A5%7D%2C%7B%22type%22%3A%22executeScript%22%2C%22script%22%3A%22go()%22%7D%5D%7D",
	    "QUERY_STRING=datastar=%7B%22events%22%3A%5B%7B%22type%22%3A%22patchElements%22%2C"
	    "%22elements%22%3A%22%3Cdiv%20id%3D%5C%22a%5C%22%3E1%3C%2Fdiv%3E%22%2C%22eventId%22%3A%22x%22%7D%2C"
	    "%7B%22type%22%3A%22patchSignals%22%2C%22signals%22%3A%7B%22b%22%3A2%2C%22a%22%3A1%7D%2C"
	    "%22retryDuration%22%3A5%7D%2C%7B%22type%22%3A%22executeScript%22%2C%22script%22%3A%22go()%22%7D%5D%7D"));
	T_EQ_STR(out, SSE_HEAD PE "id: x\ndata: elements <div id=\"a\">1</div>\n\n"
	    PS "retry: 5\ndata: signals {\"b\":2,\"a\":1}\n\n"
	    PE "data: selector body\ndata: mode append\n"
	    "data: elements <script data-effect=\"el.remove()\">go()</script>\n\n",
	    "GET /test streams every event in order");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/test?datastar=%7B%22events%22%3A1%7D",
	    "QUERY_STRING=datastar=%7B%22events%22%3A1%7D"));
	T_OK(strncmp(out, "Status: 400 Bad Request\r\n", 25) == 0, "/test with a bad list is 400");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/test", "QUERY_STRING="));
	T_OK(strncmp(out, "Status: 400 Bad Request\r\n", 25) == 0, "/test without signals is 400");
	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/test?datastar=%7B", "QUERY_STRING=datastar=%7B"));
	T_OK(strncmp(out, "Status: 400 Bad Request\r\n", 25) == 0, "/test with invalid JSON is 400");

	nitro_app_free(app);
	return t_done();
}
