/*
 * The application the multi-host tests (test_hosts_*.sh, see hosts_lib.sh)
 * run on every host: two workers of it behind each host's nginx, all
 * hosts sharing the store named by NITRO_DB.  Public API only.
 *
 *   GET  /sse/live?t=PATTERN  a live stream (default "t.*"); each event
 *                             arrives as "event: <topic>", its data lines
 *                             "payload <json>", "host <name>" (the host
 *                             that delivered it) and "replay 0|1", then its
 *                             id.  A fresh stream starts with "event: hello".
 *   POST /pub?topic=T[&delay_ms=D][&note=0]
 *                             one write: in one transaction, a note row
 *                             (host, topic; not with note=0) is saved and an event
 *                             {"note":<id>,"host":"<name>","ns":<realtime>}
 *                             published on T, then the transaction sleeps D
 *                             ms (0 to 5000) before it commits, so that
 *                             concurrent publishers commit out of id order.
 *                             Answers 200 "host H note N id I" after the
 *                             commit (N 0: no note), nothing 2xx when it
 *                             failed.  The note's id comes from a row
 *                             lock of the repository, which serializes
 *                             its writers by itself: only writes without
 *                             one show what the transport's own ordering
 *                             guard does.
 *   GET  /info                "host H pid P streams S gaps G".
 *
 * Environment: NITRO_DB (the store, required: a SQLite path or a
 * postgresql:// URL), HOSTS_NAME (this host's name), LIVE_BEAT_MS
 * (heartbeat interval), HOSTS_UNORDERED (set: PostgreSQL's ordering guard
 * is off, which only this test build can do).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nitro.h>

#include "pg/events.h"	/* nitro__pg_events_unordered(): test builds only */

#define NOTE_FIELDS(X) \
	X(id,    INT,  NITRO_F_ID) \
	X(host,  TEXT, NITRO_F_REQUIRED) \
	X(topic, TEXT, NITRO_F_REQUIRED)
NITRO_ENTITY(note, NOTE_FIELDS)
NITRO_ENTITY_DEFINE(note, NOTE_FIELDS);

#define DELAY_MAX_MS 5000

static nitro_repo *db;
static const char *host = "?";

static int text(nitro_req *req, int status, const char *body)
{
	return nitro_resp_send(req, status, "text/plain; charset=utf-8", body, strlen(body));
}

/* ---- the store: NITRO_DB names it (nitro_db_open), nothing else does --- */

static nitro_repo *store_open(const char *where)
{
	struct nitro_db_opts o = { .create_tables = 1, .events_keep = -1,
	    .events_max_age_ms = -1 };

	return nitro_db_open(where, &o);
}

static nitro_transport *store_transport(nitro_repo *r) { return nitro_db_transport(r); }
static int tx_begin(void) { return nitro_db_begin(db); }
static int tx_commit(void) { return nitro_db_commit(db); }
static void tx_rollback(void) { nitro_db_rollback(db); }

/* ---- handlers ------------------------------------------------------------ */

static int render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	char replay[4];
	const char *data[] = { "payload", ev->payload, "host", host, "replay", replay };

	(void)udata;
	snprintf(replay, sizeof replay, "%d", ev->replay);
	return nitro_sse_event(out, ev->topic, NULL, data, 3);
}

static int hello(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	(void)ev;
	(void)udata;
	nitro_buf_printf(out, "event: hello\ndata: host %s pid %ld\n\n", host, (long)getpid());
	return out->err ? NITRO_ENOMEM : 0;
}

static int h_live(nitro_req *req, void *udata)
{
	const char *t = nitro_req_query(req, "t");
	const char *topics[1] = { t && *t ? t : "t.*" };
	struct nitro_live_opts o = {
		.topics = topics, .ntopics = 1, .render = render, .first = hello,
	};

	(void)udata;
	(void)nitro_live(req, &o);	/* the answer is set either way */
	return 0;
}

/* One note and its event in one transaction, held open delay_ms. */
static int publish_note(nitro_transport *t, const char *topic, long delay_ms, int with_note,
    struct note *n, int64_t *id)
{
	nitro_buf json = NITRO_BUF_INIT;
	struct timespec ts;
	int rc;

	if ((rc = tx_begin()) < 0)
		return rc;
	n->host = strdup(host);
	n->topic = strdup(topic);
	rc = n->host && n->topic ? (with_note ? note_save(n) : 0) : NITRO_ENOMEM;
	clock_gettime(CLOCK_REALTIME, &ts);
	nitro_buf_printf(&json, "{\"note\":%lld,\"host\":\"%s\",\"ns\":%lld}",
	    (long long)n->id, host, (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	if (rc == 0)
		rc = json.err ? NITRO_ENOMEM : nitro_publish(t, topic, json.data, id);
	nitro_buf_free(&json);
	if (rc == 0 && delay_ms > 0)
		usleep((useconds_t)delay_ms * 1000);
	if (rc == 0)
		rc = tx_commit();
	else
		tx_rollback();
	return rc;
}

static int h_pub(nitro_req *req, void *udata)
{
	const char *topic = nitro_req_query(req, "topic");
	const char *d = nitro_req_query(req, "delay_ms"), *wn = nitro_req_query(req, "note");
	long delay = d && *d ? strtol(d, NULL, 10) : 0;
	struct note n;
	int64_t id = 0;
	char buf[128];
	int rc;

	(void)udata;
	if (topic == NULL || *topic == '\0' || delay < 0 || delay > DELAY_MAX_MS)
		return text(req, 400, "topic and delay_ms (0 to 5000) please\n");
	note_init(&n);
	rc = publish_note(nitro_app_transport(nitro_req_app(req)), topic, delay,
	    wn == NULL || strcmp(wn, "0") != 0, &n, &id);
	if (rc == 0)
		snprintf(buf, sizeof buf, "host %s note %lld id %" PRId64 "\n", host,
		    (long long)n.id, id);
	note_clear(&n);
	/* A failed write is answered 5xx (503 when the store is away). */
	return rc < 0 ? rc : text(req, 200, buf);
}

/* Which host and process answered, and the hub's gaps (there must be
 * none: holes in ids are not gaps). */
static int h_info(nitro_req *req, void *udata)
{
	struct nitro_hub_stats st;
	char buf[200];

	(void)udata;
	nitro_app_hub_stats(nitro_req_app(req), &st);
	snprintf(buf, sizeof buf, "host %s pid %ld streams %zu gaps %" PRIu64 "\n", host,
	    (long)getpid(), st.streams, st.gaps);
	return text(req, 200, buf);
}

static const struct {
	const char *pattern;
	nitro_handler fn;
} routes[] = {
	{ "GET /sse/live", h_live },
	{ "POST /pub", h_pub },
	{ "GET /info", h_info },
};

/* The app on the store NITRO_DB names, or NULL with the reason told. */
static nitro_app *start(struct nitro_app_opts *o, nitro_transport **t)
{
	const char *where = getenv("NITRO_DB");
	nitro_app *app;

	if (where == NULL) {
		fprintf(stderr, "hosts_app: NITRO_DB is not set\n");
		return NULL;
	}
	if ((db = store_open(where)) == NULL ||
	    nitro_entity_bind(&note_schema, db, NULL) != 0 ||
	    (o->transport = *t = store_transport(db)) == NULL ||
	    (app = nitro_app_new(o)) == NULL) {
		fprintf(stderr, "hosts_app: %s: %s\n", where, nitro_errmsg());
		return NULL;
	}
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (nitro_route(app, routes[i].pattern, routes[i].fn, NULL) != 0) {
			fprintf(stderr, "hosts_app: %s\n", nitro_errmsg());
			nitro_app_free(app);
			return NULL;
		}
	}
	return app;
}

int main(int argc, char **argv)
{
	const char *beat = getenv("LIVE_BEAT_MS");
	struct nitro_app_opts o = { .no_access_log = 1 };
	nitro_transport *t = NULL;
	nitro_app *app;
	int rc = 1;

	if (getenv("HOSTS_NAME"))
		host = getenv("HOSTS_NAME");
	if (beat != NULL)
		o.hub.heartbeat_ms = (unsigned)strtoul(beat, NULL, 10);
	/* test_hosts_unordered.sh: prove the test catches what the guard
	 * prevents. */
	if (getenv("HOSTS_UNORDERED") != NULL)
		nitro__pg_events_unordered(1);
	if ((app = start(&o, &t)) != NULL)
		rc = nitro_app_run(app, argc, argv) == 0 ? 0 : 1;
	nitro_app_free(app);
	nitro_transport_free(t);
	nitro_repo_free(db);
	return rc;
}
