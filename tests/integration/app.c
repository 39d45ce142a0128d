/*
 * The application the integration tests drive through nginx.  It uses only
 * the public API (<nitro.h>) and links the installed-style libnitro, so the
 * tests also prove that everything an application needs is exported.
 *
 * Every answer is plain and exact so that the shell tests can compare
 * bytes.  APP_STATS=path makes the SSE handlers append one line per
 * noticed disconnect to that file (shared by all worker processes).
 * APP_IO_MS=N sets the connection deadline (io_timeout_ms).
 * APP_STATIC=dir serves dir at /static/ (nitro_app_static), with files
 * up to APP_STATIC_MAX bytes; APP_STATIC_FILE=path serves one file at
 * /one.js.
 * /healthz is nitro_app_health() with the SQLite repository at APP_DB
 * (none without it), hub_stall_ms APP_HEALTH_STALL_MS and max_lag
 * APP_HEALTH_LAG.  POST /publish/{topic} publishes an empty event;
 * GET /live/block is a live stream on "block.*" whose render sleeps
 * APP_BLOCK_MS, holding the hub (to test the health checks).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nitro.h>

static atomic_long disconnects;

static int text(nitro_req *req, int status, const char *body)
{
	return nitro_resp_send(req, status, "text/plain; charset=utf-8",
	    body, strlen(body));
}

/* Sleep the whole interval even when a signal interrupts it. */
static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int h_index(nitro_req *req, void *u)
{
	static const char page[] =
	    "<!doctype html>\n<html><head><title>Nitro test</title></head>\n"
	    "<body><h1>Nitro integration app</h1></body></html>\n";

	return nitro_resp_send(req, 200, "text/html; charset=utf-8", page,
	    sizeof(page) - 1);
}

static int h_hello(nitro_req *req, void *u)
{
	const char *name = nitro_req_param(req, "name");
	nitro_buf *b = nitro_resp_body(req);

	nitro_resp_status(req, 200);
	nitro_resp_header(req, "Content-Type", "text/plain; charset=utf-8");
	nitro_buf_printf(b, "Hello, %s!\n", name ? name : "(none)");
	return b->err;
}

/* Echo the query parameter q (tests percent-decoding). */
static int h_query(nitro_req *req, void *u)
{
	const char *q = nitro_req_query(req, "q");
	nitro_buf *b = nitro_resp_body(req);

	if (nitro_req_failed(req))
		return 0;
	nitro_resp_header(req, "Content-Type", "text/plain; charset=utf-8");
	nitro_buf_printf(b, "q=%s\n", q ? q : "(absent)");
	return b->err;
}

static int h_form(nitro_req *req, void *u)
{
	static const char *const fields[] = { "name", "msg" };
	nitro_buf *b = nitro_resp_body(req);

	nitro_resp_header(req, "Content-Type", "text/plain; charset=utf-8");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = nitro_req_form(req, fields[i]);

		if (nitro_req_failed(req))
			return 0;	/* the runtime answers with the failure */
		nitro_buf_printf(b, "%s=%s\n", fields[i], v ? v : "(absent)");
	}
	return b->err;
}

/* The POSIX cksum CRC, so that the shell can check an upload with cksum(1):
 * CRC-32 (polynomial 0x04C11DB7, MSB first) over the bytes and then the
 * length's bytes, least significant first, complemented. */
static unsigned long crc_byte(unsigned long crc, unsigned char c)
{
	crc ^= (unsigned long)c << 24;
	for (int k = 0; k < 8; k++)
		crc = (crc & 0x80000000UL) ? ((crc << 1) ^ 0x04C11DB7UL) & 0xffffffffUL :
		    (crc << 1) & 0xffffffffUL;
	return crc;
}

static unsigned long posix_cksum(const unsigned char *p, size_t n)
{
	unsigned long crc = 0;

	for (size_t i = 0; i < n; i++)
		crc = crc_byte(crc, p[i]);
	for (size_t len = n; len; len >>= 8)
		crc = crc_byte(crc, (unsigned char)(len & 0xff));
	return ~crc & 0xffffffffUL;
}

static int h_upload(nitro_req *req, void *u)
{
	const struct nitro_upload *f = nitro_req_file(req, "file");
	const char *title = nitro_req_form(req, "title");
	nitro_buf *b = nitro_resp_body(req);

	if (nitro_req_failed(req))
		return 0;
	if (f == NULL)
		return nitro_resp_error(req, 400, "no file part named \"file\"");
	nitro_resp_header(req, "Content-Type", "text/plain; charset=utf-8");
	nitro_buf_printf(b, "title=%s\nfilename=%s\ntype=%s\nsize=%zu\ncksum=%lu\n",
	    title ? title : "(absent)", f->filename ? f->filename : "(none)",
	    f->content_type, f->len, posix_cksum(f->data, f->len));
	return b->err;
}

static int h_json(nitro_req *req, void *u)
{
	json_object *doc = nitro_req_json(req), *v = NULL;
	nitro_buf *b = nitro_resp_body(req);

	if (nitro_req_failed(req))
		return 0;
	if (doc == NULL || !json_object_object_get_ex(doc, "name", &v))
		return nitro_resp_error(req, 422, "a JSON object with \"name\" is required");
	nitro_resp_header(req, "Content-Type", "application/json");
	nitro_buf_printf(b, "{\"echo\":%s}",
	    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	return b->err;
}

static int h_signals(nitro_req *req, void *u)
{
	json_object *sig = nitro_req_signals(req);
	nitro_buf *b = nitro_resp_body(req);

	if (nitro_req_failed(req))
		return 0;
	nitro_resp_header(req, "Content-Type", "application/json");
	nitro_buf_printf(b, "{\"datastar\":%d,\"signals\":%s}",
	    nitro_req_is_datastar(req), sig ?
	    json_object_to_json_string_ext(sig, JSON_C_TO_STRING_PLAIN) : "null");
	return b->err;
}

static int h_cookie(nitro_req *req, void *u)
{
	struct nitro_cookie_opts o = { .path = "/", .max_age = 60, .secure = 1,
	    .http_only = 1, .same_site = NITRO_SAMESITE_LAX };
	const char *seen = nitro_req_cookie(req, "sid");
	char body[128];

	if (nitro_resp_cookie(req, "sid", "abc123", &o) != 0)
		return NITRO_EINTERNAL;
	snprintf(body, sizeof(body), "sid=%s\n", seen ? seen : "(absent)");
	return text(req, 200, body);
}

/* A header value with CR LF must be refused, never sent. */
static int h_inject(nitro_req *req, void *u)
{
	int rc = nitro_resp_header(req, "X-Test", "a\r\nX-Injected: yes");

	return text(req, 200, rc == NITRO_EINVAL ? "refused\n" : "accepted\n");
}

static int h_slow(nitro_req *req, void *u)
{
	sleep_ms(2000);
	return text(req, 200, "slept\n");
}

/* A POST that takes a few ms, as real work does (test_drain.sh). */
static int h_work(nitro_req *req, void *u)
{
	sleep_ms(20);
	return text(req, 200, "worked\n");
}

static void count_disconnect(void)
{
	const char *path = getenv("APP_STATS");
	int fd;

	atomic_fetch_add(&disconnects, 1);
	if (path == NULL)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, "disconnect\n", 11) != 11)
		nitro_log(NITRO_LOG_WARN, "cannot record a disconnect", NULL);
	close(fd);
}

static int send_event(nitro_stream *s, long i)
{
	char ev[128];
	int n = snprintf(ev, sizeof(ev), "event: datastar-patch-signals\n"
	    "id: %ld\ndata: signals {\"count\":%ld}\n\n", i, i);

	return nitro_stream_write(s, ev, (size_t)n);
}

/* GET /sse?n=N: N events (default 3, at most 1000), then the end. */
static int h_sse(nitro_req *req, void *u)
{
	const char *q = nitro_req_query(req, "n");
	long n = q ? strtol(q, NULL, 10) : 3;
	nitro_stream *s;

	if (n < 0 || n > 1000)
		return nitro_resp_error(req, 400, "n must be 0..1000");
	if ((s = nitro_stream_open(req)) == NULL)
		return NITRO_EIO;
	for (long i = 1; i <= n; i++) {
		if (send_event(s, i) != 0) {
			count_disconnect();
			break;
		}
	}
	nitro_stream_close(s);
	return 0;
}

/* GET /sse/forever: an event every 100 ms until the client goes away. */
static int h_sse_forever(nitro_req *req, void *u)
{
	nitro_stream *s = nitro_stream_open(req);

	if (s == NULL)
		return NITRO_EIO;
	for (long i = 1; ; i++) {
		if (send_event(s, i) != 0)
			break;
		sleep_ms(100);
	}
	count_disconnect();
	nitro_stream_close(s);
	return 0;
}

static int h_stats(nitro_req *req, void *u)
{
	char body[96];

	snprintf(body, sizeof(body), "pid=%ld\ndisconnects=%ld\n",
	    (long)getpid(), atomic_load(&disconnects));
	return text(req, 200, body);
}

/* GET /big?kb=N: a buffered body of N KiB of "x" (at most 64 MiB). */
static int h_big(nitro_req *req, void *u)
{
	const char *q = nitro_req_query(req, "kb");
	long kb = q ? strtol(q, NULL, 10) : 1024;
	nitro_buf *b = nitro_resp_body(req);
	char line[1024];

	if (kb < 0 || kb > 65536)
		return nitro_resp_error(req, 400, "kb must be 0..65536");
	memset(line, 'x', sizeof(line));
	for (long i = 0; i < kb && !b->err; i++)
		nitro_buf_append(b, line, sizeof(line));
	nitro_resp_header(req, "Content-Type", "text/plain");
	return b->err;
}

/* GET /live: a live stream on topics "t.*" whose first render is 50 KB
 * (a page's worth), as TodoMVC's /todos/live. */
static int live_first(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	size_t n = 50 * 1024;

	(void)ev;
	(void)udata;
	nitro_buf_puts(out, ": ");
	for (size_t i = 4; i < n; i++)
		nitro_buf_putc(out, 'p');
	return nitro_buf_puts(out, "\n\n");
}

static int live_render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	(void)udata;
	nitro_buf_printf(out, "event: %s\ndata: %s\n\n", ev->topic, ev->payload);
	return out->err;
}

static int h_live(nitro_req *req, void *u)
{
	static const char *const topics[] = { "t.*" };
	struct nitro_live_opts o = { .topics = topics, .ntopics = 1,
	    .render = live_render, .first = live_first };

	return nitro_live(req, &o);
}

static int block_render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	const char *ms = getenv("APP_BLOCK_MS");

	(void)udata;
	sleep_ms(ms ? strtol(ms, NULL, 10) : 1000);
	return live_render(ev, out, NULL);
}

static int h_live_block(nitro_req *req, void *u)
{
	static const char *const topics[] = { "block.*" };
	struct nitro_live_opts o = { .topics = topics, .ntopics = 1,
	    .render = block_render, .first = live_first };

	return nitro_live(req, &o);
}

static int h_publish(nitro_req *req, void *u)
{
	int64_t id;

	if (nitro_publish(nitro_app_transport(nitro_req_app(req)),
	    nitro_req_param(req, "topic"), "{}", &id) != 0)
		return text(req, 500, nitro_errmsg());
	return text(req, 200, "published\n");
}

/* GET /hub: the hub's counters, "streams=S parked=P". */
static int h_hub(nitro_req *req, void *u)
{
	struct nitro_hub_stats st;
	char body[96];

	nitro_app_hub_stats(nitro_req_app(req), &st);
	snprintf(body, sizeof(body), "streams=%zu parked=%llu\n", st.streams,
	    (unsigned long long)st.parked);
	return text(req, 200, body);
}

static int h_error(nitro_req *req, void *u)
{
	return nitro_resp_error(req, 409, "conflict for the test");
}

static int h_fail(nitro_req *req, void *u)
{
	return nitro_error(NITRO_EINTERNAL, "the handler failed on purpose");
}

static int h_redirect(nitro_req *req, void *u)
{
	return nitro_resp_redirect(req, 303, "/hello/redirected");
}

/* ---- middleware: a guard on /admin, headers, a count of after-calls ---- */

static atomic_long live_afters;

/* /admin only with the cookie "admin=yes"; it tells the handler so. */
static int admin_guard(nitro_req *req, void *u)
{
	const char *k = nitro_req_cookie(req, "admin");

	if (k == NULL || strcmp(k, "yes") != 0) {
		nitro_resp_error(req, 401, "Sign in first.");
		return NITRO_DONE;
	}
	return nitro_req_set(req, "who", "admin") == 0 ? NITRO_NEXT : NITRO_ENOMEM;
}

static void mw_header(nitro_req *req, void *u)
{
	nitro_resp_header(req, "X-Mw", "after");
}

/* On /live: the after-functions run once, before the hub has the stream,
 * so the header reaches the stream's head. */
static void live_after(nitro_req *req, void *u)
{
	char n[32];

	snprintf(n, sizeof n, "%ld", atomic_fetch_add(&live_afters, 1) + 1);
	nitro_resp_header(req, "X-Live-After", n);
}

static int h_admin(nitro_req *req, void *u)
{
	char body[128];

	snprintf(body, sizeof body, "admin page %s for %s\n", nitro_req_path(req),
	    (const char *)nitro_req_get(req, "who"));
	return text(req, 200, body);
}

/* GET /mw/count: how often /live's after-function ran in this process. */
static int h_mw_count(nitro_req *req, void *u)
{
	char body[32];

	snprintf(body, sizeof body, "%ld\n", atomic_load(&live_afters));
	return text(req, 200, body);
}

static int use_middleware(nitro_app *app)
{
	return nitro_use(app, NULL, NULL, mw_header, NULL) ||
	    nitro_use(app, "/admin", admin_guard, NULL, NULL) ||
	    nitro_use(app, "/live", NULL, live_after, NULL);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *pattern;
		nitro_handler h;
	} routes[] = {
		{ "GET /", h_index },
		{ "GET /hello/{name}", h_hello },
		{ "GET /query", h_query },
		{ "POST /form", h_form },
		{ "POST /upload", h_upload },
		{ "POST /json", h_json },
		{ "GET /signals", h_signals },
		{ "POST /signals", h_signals },
		{ "GET /cookie", h_cookie },
		{ "GET /inject", h_inject },
		{ "GET /slow", h_slow },
		{ "POST /work", h_work },
		{ "GET /sse", h_sse },
		{ "GET /sse/forever", h_sse_forever },
		{ "GET /stats", h_stats },
		{ "GET /error", h_error },
		{ "GET /fail", h_fail },
		{ "GET /redirect", h_redirect },
		{ "DELETE /hello/{name}", h_hello },
		{ "GET /big", h_big },
		{ "GET /live", h_live },
		{ "GET /hub", h_hub },
		{ "GET /admin", h_admin },
		{ "GET /admin/users", h_admin },
		{ "* /admin/{rest...}", h_admin },
		{ "GET /administrator", h_index },
		{ "GET /mw/count", h_mw_count },
		{ "GET /live/block", h_live_block },
		{ "POST /publish/{topic}", h_publish },
	};
	const char *io_ms = getenv("APP_IO_MS");
	/* Short grace so that the SIGTERM test does not wait long. */
	nitro_app *app = nitro_app_new(&(struct nitro_app_opts){.grace_seconds = 5,
	    .io_timeout_ms = io_ms ? (unsigned)strtoul(io_ms, NULL, 10) : 0});
	int rc;

	if (app == NULL) {
		fprintf(stderr, "app: %s\n", nitro_errmsg());
		return 1;
	}
	if (use_middleware(app) != 0) {
		fprintf(stderr, "app: middleware: %s\n", nitro_errmsg());
		nitro_app_free(app);
		return 1;
	}
	if (nitro_app_serve_metrics(app, NULL) != 0) {
		fprintf(stderr, "app: metrics: %s\n", nitro_errmsg());
		nitro_app_free(app);
		return 1;
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (nitro_route(app, routes[i].pattern, routes[i].h, NULL) != 0) {
			fprintf(stderr, "app: route %s: %s\n", routes[i].pattern,
			    nitro_errmsg());
			nitro_app_free(app);
			return 1;
		}
	}
	const char *sdir = getenv("APP_STATIC"), *sfile = getenv("APP_STATIC_FILE"),
	    *smax = getenv("APP_STATIC_MAX");
	struct nitro_static_opts so = {smax ? strtoul(smax, NULL, 10) : 0};
	if ((sdir != NULL && nitro_app_static(app, "/static/", sdir, &so) != 0) ||
	    (sfile != NULL && nitro_app_static(app, "/one.js", sfile, NULL) != 0)) {
		fprintf(stderr, "app: static: %s\n", nitro_errmsg());
		nitro_app_free(app);
		return 1;
	}
	const char *db = getenv("APP_DB"), *stall = getenv("APP_HEALTH_STALL_MS"),
	    *lag = getenv("APP_HEALTH_LAG");
	nitro_repo *repo = db ? nitro_sqlrepo_new(db, NULL) : NULL;
	struct nitro_health_opts ho = {.repo = repo,
	    .hub_stall_ms = stall ? (unsigned)strtoul(stall, NULL, 10) : 0,
	    .max_lag = lag ? strtoll(lag, NULL, 10) : 0};
	if ((db != NULL && repo == NULL) || nitro_app_health(app, NULL, &ho) != 0) {
		fprintf(stderr, "app: health: %s\n", nitro_errmsg());
		nitro_app_free(app);
		return 1;
	}
	rc = nitro_app_run(app, argc, argv);
	nitro_app_free(app);
	nitro_repo_free(repo);
	return rc == 0 ? 0 : 1;
}
