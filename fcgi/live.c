/*
 * Live streams from a handler's point of view: nitro_live() renders the
 * first state, and hands the socket to the hub (see hub.c) with the
 * response's head and that render still to be written; the accept thread
 * is then free again, whether or not the client reads.
 */
#include <stdlib.h>
#include <string.h>

#include "fcgi/hub.h"
#include "fcgi/parse.h"

nitro_app *nitro_req_app(nitro_req *req)
{
	return req->app;
}

int nitro__app_hub_start(nitro_app *app)
{
	int rc;

	app->hub = nitro__hub_new(app, &app->hub_opts, app->transport);
	rc = app->hub ? nitro__hub_start(app->hub) : nitro__errcode();
	if (rc != 0) {
		nitro__hub_free(app->hub);
		app->hub = NULL;
		return rc;
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

/* Last-Event-ID as (epoch, id) (see event_id.c): 1, or 0 when absent or
 * not an id of ours at all (a fresh stream). */
static int last_event_id(nitro_req *req, int64_t *epoch, int64_t *id)
{
	const char *v = nitro_req_header(req, "Last-Event-ID");

	return v != NULL && nitro__event_id_parse(v, strlen(v), epoch, id);
}

/*
 * The head of the response and the first render, framed as records for
 * the hub to write: a client that does not read them holds no thread, and
 * a page it leaves unread is dropped under the hub's slow-client rules.
 * The render runs here, not on the hub thread, because it may read the
 * database.  0 with *body_len the render's size, or the render's error.
 */
static int first_bytes(nitro_req *req, const struct nitro_live_opts *o, int fresh,
    nitro_buf *out, size_t *body_len)
{
	static const struct nitro_live_event gap = {0, NITRO_LIVE_GAP, "{}", 0};
	char mem[1024];
	nitro_buf head, body = NITRO_BUF_INIT;
	int rc = 0;

	if (fresh && o->first != NULL) {
		rc = o->first(&gap, &body, o->udata);
		if (rc >= 0 && body.err)
			rc = body.err;
	}
	if (rc < 0) {
		nitro_log(NITRO_LOG_WARN, "live stream refused: its first render failed",
		    "path", req->path, "error", nitro_errmsg(), NULL);
		nitro_buf_free(&body);
		return rc;
	}
	/* The after-functions run now, while they can still add headers to
	 * the stream's head, and never once the hub has the stream. */
	nitro__mw_after(req);
	nitro_buf_init_on(&head, mem, sizeof mem, 0);
	nitro__stream_head(req, &head);
	if ((rc = head.err) != 0) {
		/* reported below */
	} else if (req->conn.mode == NITRO_CONN_FCGI) {
		nitro__fcgi_frame(out, req->conn.request_id, head.data, head.len);
		nitro__fcgi_frame(out, req->conn.request_id, body.data, body.len);
	} else {
		/* The test client: the bytes, not records. */
		nitro_buf_append(out, head.data, head.len);
		nitro_buf_append(out, body.data, body.len);
	}
	*body_len = body.len;
	nitro_buf_free(&head);
	nitro_buf_free(&body);
	return rc ? rc : out->err;
}

/*
 * Under the test client a live stream is its head and first render, sent
 * and ended at once: nothing is parked, and no later event comes.
 */
static int live_once(nitro_req *req, const struct nitro_live_opts *o, nitro_buf *out)
{
	int64_t epoch, after;
	size_t body_len = 0;
	int rc;

	if ((rc = first_bytes(req, o, !last_event_id(req, &epoch, &after), out,
	    &body_len)) != 0) {
		nitro_buf_free(out);
		nitro_resp_error(req, 500, "The server could not complete the request.");
		return rc;
	}
	rc = nitro__conn_send(&req->conn, out->data, out->len, NULL, 0, 1);
	nitro_buf_free(out);
	req->sent = 1;
	req->bytes_out += body_len;
	return rc;
}

int nitro_live(nitro_req *req, const struct nitro_live_opts *o)
{
	nitro_hub *h = req->app->hub;
	nitro_buf out = NITRO_BUF_INIT;
	int64_t after = 0, epoch = 0;
	size_t body_len = 0;
	int resumed, rc;

	if (o == NULL || o->render == NULL || (o->ntopics > 0 && o->topics == NULL)) {
		rc = nitro_error(NITRO_EINVAL, "live: a render callback and topics are needed");
		goto fail;
	}
	if (req->sent || req->stream != NULL) {
		rc = nitro_error(NITRO_EINVAL, "live: the response was already sent");
		goto fail;
	}
	if (req->conn.mode == NITRO_CONN_TEST && !req->is_head) {
		rc = live_once(req, o, &out);
		goto fail;	/* which frees udata */
	}
	if (req->conn.mode == NITRO_CONN_CGI || (req->conn.mode == NITRO_CONN_FCGI && h == NULL)) {
		nitro_resp_error(req, 501, "Live streams need a FastCGI worker, not plain CGI.");
		rc = nitro_error(NITRO_EUNSUPPORTED, "live: not under FastCGI");
		goto fail;
	}
	if (req->is_head) {
		/* HEAD: a stream's headers alone; nothing to render or park. */
		rc = nitro_stream_open(req) != NULL ? 0 : nitro__errcode();
		goto fail;	/* which frees udata, failed or not */
	}
	if ((rc = nitro__hub_reserve(h)) != 0) {
		nitro_resp_error(req, 503, nitro_errmsg());
		nitro_resp_header(req, "Retry-After", "5");
		goto fail;
	}
	/* A reconnect resumes after the last event it saw; a fresh stream
	 * starts at the newest event, read before the first render so that
	 * nothing published meanwhile is lost (at worst it arrives twice,
	 * and patches are idempotent).  An id of another epoch (an older
	 * log, or a plain id from before epochs) is told of a gap by the hub;
	 * its own number means nothing here. */
	resumed = last_event_id(req, &epoch, &after);
	if (!resumed)
		epoch = nitro__hub_epoch(h);
	if ((!resumed || epoch != nitro__hub_epoch(h)) &&
	    (rc = nitro__hub_head(h, &after)) != 0) {
		nitro_resp_error(req, 503, "The event log cannot be read.");
		goto unreserve;
	}
	if ((rc = first_bytes(req, o, !resumed, &out, &body_len)) != 0 ||
	    (rc = nitro__hub_park(h, req->conn.fd, req->conn.request_id, o, epoch, after, resumed,
	    &out)) != 0) {
		/* Nothing was sent: the client gets a whole error page. */
		nitro_resp_error(req, 500, "The server could not complete the request.");
		goto unreserve;
	}
	req->sent = 1;
	req->parked = 1;
	req->bytes_out += body_len;
	return 0;
unreserve:
	nitro_buf_free(&out);
	nitro__hub_unreserve(h);
fail:
	if (o != NULL && o->udata_free != NULL)
		o->udata_free(o->udata);
	return rc;
}
