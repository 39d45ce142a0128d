/*
 * Live streams from a handler's point of view: nitro_live() opens the SSE
 * response, writes the first state, and hands the socket to the hub (see
 * hub.c); the accept thread is then free again.
 */
#include <stdlib.h>
#include <string.h>

#include "fcgi/hub.h"

nitro_app *nitro_req_app(nitro_req *req)
{
	return req->app;
}

int nitro__app_hub_start(nitro_app *app)
{
	app->hub = nitro__hub_new(app, &app->hub_opts, app->transport);
	if (app->hub == NULL || nitro__hub_start(app->hub) != 0) {
		nitro__hub_free(app->hub);
		app->hub = NULL;
		return NITRO_EIO;
	}
	return 0;
}

void nitro__app_hub_stop(nitro_app *app)
{
	nitro__hub_join(app->hub);
	nitro__hub_free(app->hub);
	app->hub = NULL;
}

void nitro_app_hub_stats(nitro_app *app, struct nitro_hub_stats *st)
{
	memset(st, 0, sizeof *st);
	if (app->hub != NULL)
		nitro__hub_stats(app->hub, st);
}

/* Last-Event-ID: decimal digits, no overflow.  0 when absent or foreign. */
static int last_event_id(nitro_req *req, int64_t *id)
{
	const char *v = nitro_req_header(req, "Last-Event-ID");
	int64_t n = 0;

	if (v == NULL || *v == '\0' || strlen(v) > 18)
		return 0;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return 0;
		n = n * 10 + (*v - '0');
	}
	*id = n;
	return 1;
}

int nitro_live(nitro_req *req, const struct nitro_live_opts *o)
{
	nitro_hub *h = req->app->hub;
	nitro_stream *s;
	int64_t after = 0;
	int resumed, rc;

	if (o == NULL || o->render == NULL || (o->ntopics > 0 && o->topics == NULL)) {
		rc = nitro_error(NITRO_EINVAL, "live: a render callback and topics are needed");
		goto fail;
	}
	if (req->conn.mode != NITRO_CONN_FCGI || h == NULL) {
		nitro_resp_error(req, 501, "Live streams need a FastCGI worker, not plain CGI.");
		rc = nitro_error(NITRO_EUNSUPPORTED, "live: not under FastCGI");
		goto fail;
	}
	if (req->is_head) {
		/* HEAD: a stream's headers alone; nothing to render or park. */
		rc = nitro_stream_open(req) != NULL ? 0 : NITRO_ECLOSED;
		goto fail;	/* which frees udata, failed or not */
	}
	if ((rc = nitro__hub_reserve(h)) != 0) {
		nitro_resp_error(req, 503, nitro_errmsg());
		nitro_resp_header(req, "Retry-After", "5");
		goto fail;
	}
	/* A reconnect resumes after the last event it saw; a fresh stream
	 * starts at the newest event, read before first() renders the state
	 * so that nothing published meanwhile is lost (at worst it arrives
	 * twice, and patches are idempotent). */
	resumed = last_event_id(req, &after);
	if (!resumed && (rc = nitro__hub_head(h, &after)) != 0) {
		nitro_resp_error(req, 503, "The event log cannot be read.");
		goto unreserve;
	}
	if ((s = nitro_stream_open(req)) == NULL) {
		rc = NITRO_ECLOSED;
		goto unreserve;
	}
	if (!resumed && o->first != NULL) {
		rc = o->first(s, o->udata);
		if (rc == 0 && s->closed)
			rc = NITRO_ECLOSED;
		if (rc != 0)
			goto unreserve;
	}
	if ((rc = nitro__hub_park(h, s->conn.fd, s->conn.request_id, o, after, resumed)) != 0)
		goto unreserve;
	s->parked = 1;
	req->parked = 1;
	return 0;
unreserve:
	nitro__hub_unreserve(h);
fail:
	if (o != NULL && o->udata_free != NULL)
		o->udata_free(o->udata);
	return rc;
}
