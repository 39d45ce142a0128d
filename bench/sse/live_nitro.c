/*
 * bench/sse's Nitro side, written only with the public API:
 *
 *   GET /stream     a live stream on topic bench.tick, parked in the hub
 *                   (also GET /sse/stream, where a deployed site's
 *                   nginx passes streams unbuffered: bench/hosts);
 *                   every event is sent as datastar-patch-signals with the
 *                   event's JSON as the signals (the hub adds its log id
 *                   as SSE id)
 *   POST /publish   publishes the JSON body on bench.tick
 *
 * Events go through the SQLite event log (nitro_sql_transport) of the
 * database named by NITRO_BENCH_DB, so that an event published by one
 * worker process reaches the streams parked in every worker: the path
 * bench/sse measures.  NITRO_BENCH_MAX_STREAMS raises the per-process
 * stream limit (one process may get most of the connections).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nitro.h>

#define BODY_MAX 4096

static const char *const topics[] = { "bench.tick" };

static int render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	(void)udata;
	if (ev->id == 0)
		return 0;	/* nitro.gap: nothing to re-render here */
	return nitro_sse_patch_signals_json(out, ev->payload, strlen(ev->payload), 0, NULL);
}

static int stream(nitro_req *req, void *udata)
{
	struct nitro_live_opts o = {
		.topics = topics,
		.ntopics = 1,
		.render = render,
	};

	(void)udata;
	return nitro_live(req, &o);
}

static int publish(nitro_req *req, void *udata)
{
	char json[BODY_MAX + 1];
	const char *body;
	size_t len;
	int rc;

	(void)udata;
	if ((rc = nitro_req_body(req, &body, &len)) < 0)
		return rc;
	if (len == 0 || len > BODY_MAX)
		return nitro_resp_error(req, 400, "a JSON body of 1 to 4096 bytes is needed");
	memcpy(json, body, len);
	json[len] = '\0';
	if (nitro_publish(nitro_app_transport(nitro_req_app(req)), topics[0], json, NULL) < 0)
		return nitro_resp_error(req, 400, nitro_errmsg());
	return nitro_resp_send(req, 200, "text/plain", "ok\n", 3);
}

static int fail(const char *what)
{
	fprintf(stderr, "live_nitro: %s: %s\n", what, nitro_errmsg());
	return 1;
}

int main(int argc, char **argv)
{
	struct nitro_app_opts o = {.hub = {
		.max_streams = 10000,
		.heartbeat_ms = 15000,
		.poll_ms = 10,
		.queue_bytes = 256 * 1024,
		.write_timeout_ms = 10000,
	}};
	const char *db = getenv("NITRO_BENCH_DB"), *max = getenv("NITRO_BENCH_MAX_STREAMS");
	nitro_transport *t;
	nitro_repo *repo;
	nitro_app *app;
	int rc;

	if (db == NULL || *db == '\0') {
		fprintf(stderr, "live_nitro: set NITRO_BENCH_DB to the event database\n");
		return 1;
	}
	if (max != NULL && atol(max) > 0)
		o.hub.max_streams = (size_t)atol(max);
	/* A SQLite file, or a postgresql:// URL (bench/hosts). */
	if ((repo = nitro_db_open(db, NULL)) == NULL)
		return fail(db);
	if ((t = nitro_db_transport(repo)) == NULL)
		return fail("transport");
	o.transport = t;
	if ((app = nitro_app_new(&o)) == NULL)
		return fail("app");
	if (nitro_route(app, "GET /stream", stream, NULL) < 0 ||
	    nitro_route(app, "GET /sse/stream", stream, NULL) < 0 ||
	    nitro_route(app, "POST /publish", publish, NULL) < 0)
		return fail("route");
	rc = nitro_app_run(app, argc, argv);
	nitro_app_free(app);
	nitro_transport_free(t);
	nitro_repo_free(repo);
	return rc < 0 ? 1 : 0;
}
