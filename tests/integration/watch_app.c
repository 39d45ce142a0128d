/*
 * The small project that test_serve_watch_live.sh and the browser suite
 * watch.mjs serve with `nitro serve --watch`: copied into a project
 * directory beside src/build.h ("#define BUILD "one""), built there by
 * make, rebuilt when the test changes build.h.  Public API only.  Every
 * worker follows the event log of the store NITRO_DB names, so an event
 * published by one worker reaches the streams of all of them, and a
 * stream cut by a restart is replayed what it missed.
 *
 *   GET  /            a page: <p id="build">, and <ul id="events"> that
 *                     opens the live stream /live with nitro_ds_live.
 *   GET  /live        Datastar: each event on topic w.msg patches
 *                     <p id="build"> (the build that rendered it) and
 *                     appends <li id="ev-ID" data-build=B>TEXT</li>.
 *   GET  /sse         the same events for tests/integration/sse_client.py:
 *                     "event: w.msg", data lines "payload <json>",
 *                     "pid <pid>", "replay 0|1" and "build <B>"; a fresh
 *                     stream starts with "event: hello", "data: pid P
 *                     build B".
 *   POST /pub?text=T&n=N
 *                     publish N events {"i":k,"ns":<realtime ns>,"text":T}
 *                     (T: 1 to 40 of [A-Za-z0-9_-]); answers "pid P first
 *                     F last L".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nitro.h>

#include "build.h"

static nitro_repo *db;

/* Which stream a render is for: one udata each, so that the hub renders
 * an event once for all the streams of one kind. */
static const int for_datastar = 1, for_client = 2;

static int text(nitro_req *req, int status, const char *body)
{
	return nitro_resp_send(req, status, "text/plain; charset=utf-8", body, strlen(body));
}

/* The build marker, and the event appended to the list. */
static int render_datastar(const struct nitro_live_event *ev, nitro_buf *out)
{
	struct nitro_sse_patch append = { .selector = "#events", .mode = NITRO_DS_APPEND };
	nitro_buf html = NITRO_BUF_INIT;
	json_object *j = NULL, *t;
	nitro_html h;
	int rc;

	nitro_html_init(&h, &html);
	NITRO_HTML(&h, "p") {
		nitro_html_attr(&h, "id", "build");
		nitro_html_text(&h, BUILD);
	}
	if ((rc = nitro_html_finish(&h)) == 0)
		rc = nitro_sse_patch_elements(out, html.data, html.len, NULL);
	if (rc != 0 || strcmp(ev->topic, NITRO_LIVE_GAP) == 0)
		goto out;
	if ((j = json_tokener_parse(ev->payload)) == NULL ||
	    !json_object_object_get_ex(j, "text", &t))
		goto out;	/* not one of ours: nothing to show */
	nitro_buf_reset(&html);
	nitro_html_init(&h, &html);
	NITRO_HTML(&h, "li") {
		nitro_html_attr_printf(&h, "id", "ev-%" PRId64, ev->id);
		nitro_html_attr(&h, "data-build", BUILD);
		nitro_html_text(&h, json_object_get_string(t));
	}
	if ((rc = nitro_html_finish(&h)) == 0)
		rc = nitro_sse_patch_elements(out, html.data, html.len, &append);
out:
	json_object_put(j);
	nitro_buf_free(&html);
	return rc;
}

static int render_client(const struct nitro_live_event *ev, nitro_buf *out)
{
	char pid[24], replay[4];
	const char *data[] = { "payload", ev->payload, "pid", pid, "replay", replay,
		"build", BUILD };

	if (strcmp(ev->topic, NITRO_LIVE_GAP) == 0)
		return nitro_buf_printf(out, "event: hello\ndata: pid %ld build %s\n\n",
		    (long)getpid(), BUILD);
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	snprintf(replay, sizeof replay, "%d", ev->replay);
	return nitro_sse_event(out, ev->topic, NULL, data, 4);
}

static int render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	return udata == &for_datastar ? render_datastar(ev, out) : render_client(ev, out);
}

static int live(nitro_req *req, void *udata)
{
	static const char *const topics[] = { "w.*" };
	struct nitro_live_opts o = {
		.topics = topics, .ntopics = 1, .render = render, .first = render,
		.udata = udata,
	};

	/* On failure the answer is set (503 at the limit). */
	nitro_live(req, &o);
	return 0;
}

static int home(nitro_req *req, void *udata)
{
	nitro_html h;

	(void)udata;
	nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
	nitro_html_init(&h, nitro_resp_body(req));
	nitro_page_begin(&h, &(struct nitro_page){ .title = "watch" });
	NITRO_HTML(&h, "p") {
		nitro_html_attr(&h, "id", "build");
		nitro_html_text(&h, BUILD);
	}
	NITRO_HTML(&h, "ul") {
		nitro_html_attr(&h, "id", "events");
		nitro_ds_live(&h, "/live", NULL);
	}
	nitro_page_end(&h);
	return nitro_html_finish(&h);
}

static int publish(nitro_req *req, void *udata)
{
	const char *t = nitro_req_query(req, "text"), *n_arg = nitro_req_query(req, "n");
	nitro_transport *tr = nitro_app_transport(nitro_req_app(req));
	long n = n_arg ? strtol(n_arg, NULL, 10) : 1;
	int64_t id = 0, first = 0;
	char json[160], buf[96];

	(void)udata;
	if (t == NULL || *t == '\0' || strlen(t) > 40 ||
	    strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
	    strlen(t) || n < 1 || n > 1000)
		return text(req, 400, "text (1 to 40 of A-Z a-z 0-9 _ -) and n (1 to 1000) please\n");
	for (long k = 1; k <= n; k++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(json, sizeof json, "{\"i\":%ld,\"ns\":%lld,\"text\":\"%s\"}", k,
		    (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, t);
		if (nitro_publish(tr, "w.msg", json, &id) != 0)
			return text(req, 503, nitro_errmsg());
		if (k == 1)
			first = id;
	}
	snprintf(buf, sizeof buf, "pid %ld first %" PRId64 " last %" PRId64 "\n",
	    (long)getpid(), first, id);
	return text(req, 200, buf);
}

int main(int argc, char **argv)
{
	nitro_transport *events = NULL;
	nitro_app *app = NULL;
	int rc = 1;

	if ((db = nitro_db_open(NULL, &(struct nitro_db_opts){ .create_tables = 1 })) == NULL ||
	    (events = nitro_db_transport(db)) == NULL ||
	    (app = nitro_app_new(&(struct nitro_app_opts){ .transport = events })) == NULL ||
	    nitro_route(app, "GET /", home, NULL) != 0 ||
	    nitro_route(app, "GET /live", live, (void *)&for_datastar) != 0 ||
	    nitro_route(app, "GET /sse", live, (void *)&for_client) != 0 ||
	    nitro_route(app, "POST /pub", publish, NULL) != 0)
		fprintf(stderr, "watch_app: %s\n", nitro_errmsg());
	else
		rc = nitro_app_run(app, argc, argv) == 0 ? 0 : 1;
	nitro_app_free(app);
	nitro_transport_free(events);
	nitro_repo_free(db);
	return rc;
}
