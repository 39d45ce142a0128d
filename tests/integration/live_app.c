/*
 * The application the live-stream tests (test_live_*.sh) drive through
 * nginx.  Public API only, linked against the installed-style libnitro.
 * Every worker process follows the SQLite event log at $LIVE_DB, so an
 * event published by one worker reaches the streams of all of them.
 *
 *   GET  /sse/live?t=PATTERN[&first=B]
 *                             a live stream (default pattern "t.*").  A
 *                             fresh one starts with "event: hello" naming
 *                             the worker (with first: and a data line
 *                             "pad" of B bytes of x); each event arrives as
 *                             "event: <topic>", "id: <id>", then the data
 *                             lines "payload <json>", "pid <pid>" and
 *                             "replay 0|1".
 *   POST /pub?topic=T&n=N[&pad=B]
 *                             publish N events {"i":k,"ns":<realtime ns>}
 *                             (with "pad": B bytes of x); answers
 *                             "pid P first F last L".
 *   POST /prune?keep=K        keep the newest K events: "removed R".
 *   GET  /info                "pid P streams S parked N closed N ...".
 *
 * Environment: LIVE_DB (required), LIVE_MAX (streams per process),
 * LIVE_BEAT_MS (heartbeat), LIVE_QUEUE (queued bytes per stream),
 * LIVE_WRITE_MS (how long a stream may stay stuck), LIVE_POLL_MS (how
 * often the hub polls the log).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nitro.h>

static nitro_repo *db;

static int text(nitro_req *req, int status, const char *body)
{
	return nitro_resp_send(req, status, "text/plain; charset=utf-8", body, strlen(body));
}

static long query_num(nitro_req *req, const char *name, long def, long max)
{
	const char *v = nitro_req_query(req, name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	n = strtol(v, &end, 10);
	return *end != '\0' || n < 0 || n > max ? -1 : n;
}

static int render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	char pid[24], replay[4];
	const char *data[] = { "payload", ev->payload, "pid", pid, "replay", replay };

	(void)udata;
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	snprintf(replay, sizeof replay, "%d", ev->replay);
	return nitro_sse_event(out, ev->topic, NULL, data, 3);
}

static int first(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	size_t pad = (size_t)(uintptr_t)udata;

	(void)ev;
	nitro_buf_printf(out, "event: hello\ndata: pid %ld\n", (long)getpid());
	if (pad > 0) {
		nitro_buf_puts(out, "data: pad ");
		for (size_t i = 0; i < pad; i++)
			nitro_buf_putc(out, 'x');
		nitro_buf_putc(out, '\n');
	}
	return nitro_buf_putc(out, '\n');
}

static int h_live(nitro_req *req, void *udata)
{
	const char *t = nitro_req_query(req, "t");
	const char *topics[1] = { t && *t ? t : "t.*" };
	long pad = query_num(req, "first", 0, 16L << 20);
	struct nitro_live_opts o = {
		.topics = topics, .ntopics = 1, .render = render, .first = first,
		.udata = (void *)(uintptr_t)(pad > 0 ? pad : 0),
	};

	(void)udata;
	/* On failure nitro_live() has set the answer (503 at the limit);
	 * returning its error code would turn that into a 500. */
	(void)nitro_live(req, &o);
	return 0;
}

static int h_pub(nitro_req *req, void *udata)
{
	const char *topic = nitro_req_query(req, "topic");
	long n = query_num(req, "n", 1, 100000), pad = query_num(req, "pad", 0, 65536);
	nitro_buf *json = nitro_resp_body(req);	/* scratch until the answer */
	int64_t id, first_id = 0;
	char buf[128];

	(void)udata;
	if (topic == NULL || n < 1 || pad < 0)
		return text(req, 400, "topic, n (1 to 100000) and pad (0 to 65536) please\n");
	for (long k = 1; k <= n; k++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		nitro_buf_reset(json);
		nitro_buf_printf(json, "{\"i\":%ld,\"ns\":%lld", k,
		    (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
		if (pad > 0) {
			nitro_buf_puts(json, ",\"pad\":\"");
			for (long i = 0; i < pad; i++)
				nitro_buf_putc(json, 'x');
			nitro_buf_putc(json, '"');
		}
		nitro_buf_putc(json, '}');
		if (json->err || nitro_publish(nitro_app_transport(nitro_req_app(req)), topic,
		    json->data, &id) != 0)
			return text(req, 500, nitro_errmsg());
		if (k == 1)
			first_id = id;
	}
	nitro_buf_reset(json);
	snprintf(buf, sizeof buf, "pid %ld first %" PRId64 " last %" PRId64 "\n",
	    (long)getpid(), first_id, id);
	return text(req, 200, buf);
}

static int h_prune(nitro_req *req, void *udata)
{
	long keep = query_num(req, "keep", -1, 1000000);
	size_t removed;
	char buf[64];

	(void)udata;
	if (keep < 1)
		return text(req, 400, "keep (1 to 1000000) please\n");
	if (nitro_sql_events_prune(db, (size_t)keep, 0, &removed) != 0)
		return text(req, 500, nitro_errmsg());
	snprintf(buf, sizeof buf, "removed %zu\n", removed);
	return text(req, 200, buf);
}

static int h_info(nitro_req *req, void *udata)
{
	struct nitro_hub_stats st;
	char buf[320];

	(void)udata;
	nitro_app_hub_stats(nitro_req_app(req), &st);
	snprintf(buf, sizeof buf, "pid %ld streams %zu parked %" PRIu64 " closed %" PRIu64
	    " events %" PRIu64 " replayed %" PRIu64 " gaps %" PRIu64 " dropped_slow %" PRIu64
	    "\n", (long)getpid(), st.streams, st.parked, st.closed, st.events, st.replayed,
	    st.gaps, st.dropped_slow);
	return text(req, 200, buf);
}

static size_t env_num(const char *name)
{
	const char *v = getenv(name);

	return v ? (size_t)strtoul(v, NULL, 10) : 0;
}

int main(int argc, char **argv)
{
	struct nitro_app_opts o = {
		.no_access_log = 1,
		.hub = {
			.max_streams = env_num("LIVE_MAX"),
			.heartbeat_ms = (unsigned)env_num("LIVE_BEAT_MS"),
			.queue_bytes = env_num("LIVE_QUEUE"),
			.write_timeout_ms = (unsigned)env_num("LIVE_WRITE_MS"),
			.poll_ms = (unsigned)env_num("LIVE_POLL_MS"),
		},
	};
	const char *path = getenv("LIVE_DB");
	nitro_transport *t = NULL;
	nitro_app *app = NULL;
	int rc = 1;

	if (path == NULL || (db = nitro_sqlrepo_new(path, NULL)) == NULL ||
	    (o.transport = t = nitro_sql_transport(db)) == NULL ||
	    (app = nitro_app_new(&o)) == NULL ||
	    nitro_route(app, "GET /sse/live", h_live, NULL) != 0 ||
	    nitro_route(app, "POST /pub", h_pub, NULL) != 0 ||
	    nitro_route(app, "POST /prune", h_prune, NULL) != 0 ||
	    nitro_route(app, "GET /info", h_info, NULL) != 0) {
		fprintf(stderr, "live_app: %s\n", path ? nitro_errmsg() : "LIVE_DB is not set");
	} else {
		rc = nitro_app_run(app, argc, argv) == 0 ? 0 : 1;
	}
	nitro_app_free(app);
	nitro_transport_free(t);
	nitro_repo_free(db);
	return rc;
}
