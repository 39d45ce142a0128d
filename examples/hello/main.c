/*
 * hello: the smallest Nitro application worth serving.  A welcome page that
 * counts its visits in SQLite ($NITRO_DATA_DIR/hello.db, default ./var) and
 * shows a clock that the server pushes every second over a Datastar SSE
 * stream.
 *
 *   nitro serve --app ./hello            (or ./quickstart demo)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include <nitro.h>

static sqlite3 *db;

/* Open the database once per process; SQLite serialises the threads and
 * the busy timeout lets the workers share the file. */
static int db_open(void)
{
	const char *dir = getenv("NITRO_DATA_DIR");
	char path[4096];

	snprintf(path, sizeof(path), "%s/hello.db", dir && *dir ? dir : "var");
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		nitro_log(NITRO_LOG_ERROR, "cannot open the database", "path", path,
		    "error", db ? sqlite3_errmsg(db) : "out of memory", NULL);
		return -1;
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
	    "CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY CHECK (id = 1),"
	    " n INTEGER NOT NULL)", NULL, NULL, NULL) != SQLITE_OK) {
		nitro_log(NITRO_LOG_ERROR, "cannot create the table", "error",
		    sqlite3_errmsg(db), NULL);
		return -1;
	}
	return 0;
}

/* Count one more visit; the new count, or -1. */
static long long visit(void)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_prepare_v2(db, "INSERT INTO visits (id, n) VALUES (1, 1)"
	    " ON CONFLICT (id) DO UPDATE SET n = n + 1 RETURNING n", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void now_hms(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, n, "%H:%M:%S", &tm);
}

static int home(nitro_req *req, void *u)
{
	nitro_buf *b = nitro_resp_body(req);
	char hms[16];

	now_hms(hms, sizeof(hms));
	nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
	nitro_buf_printf(b,
	    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<title>Nitro</title>\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<script type=\"module\" src=\"https://cdn.jsdelivr.net/gh/starfederation/"
	    "datastar@1.0.0/bundles/datastar.js\"></script>\n"
	    "<style>body{font:18px/1.5 system-ui,sans-serif;max-width:40em;"
	    "margin:4em auto;padding:0 1em}#clock{font:2.5em ui-monospace,monospace}"
	    "</style></head>\n<body>\n<h1>Welcome to Nitro</h1>\n"
	    "<p>This page is served by a C program running as FastCGI workers "
	    "behind nginx.</p>\n"
	    "<p>Visits so far: <strong>%lld</strong> (kept in SQLite).</p>\n"
	    "<p>The server pushes the time every second:</p>\n"
	    "<div data-init=\"@get('/sse/clock')\"><span id=\"clock\">%s</span></div>\n"
	    "</body></html>\n", visit(), hms);
	return b->err;
}

/* The clock: one datastar-patch-elements event a second until the browser
 * leaves (a hidden tab leaves too, and comes back with a new request). */
static int clock_sse(nitro_req *req, void *u)
{
	nitro_stream *s = nitro_stream_open(req);

	if (s == NULL)
		return NITRO_EIO;
	for (;;) {
		struct timespec sec = { 1, 0 };
		char hms[16], ev[160];
		int n;

		now_hms(hms, sizeof(hms));
		n = snprintf(ev, sizeof(ev), "event: datastar-patch-elements\n"
		    "data: elements <span id=\"clock\">%s</span>\n\n", hms);
		if (nitro_stream_write(s, ev, (size_t)n) != 0)
			break;
		while (nanosleep(&sec, &sec) == -1 && errno == EINTR)
			;
	}
	nitro_stream_close(s);
	return 0;
}

int main(int argc, char **argv)
{
	nitro_app *app;
	int rc;

	if (db_open() != 0)
		return 1;
	if ((app = nitro_app_new(NULL)) == NULL ||
	    nitro_route(app, "GET /", home, NULL) != 0 ||
	    nitro_route(app, "GET /sse/clock", clock_sse, NULL) != 0) {
		fprintf(stderr, "hello: %s\n", nitro_errmsg());
		return 1;
	}
	rc = nitro_app_run(app, argc, argv);
	nitro_app_free(app);
	sqlite3_close(db);
	return rc == 0 ? 0 : 1;
}
