/*
 * Datastar replies through the runtime: events encoded by the views layer
 * sent down a stream, and the two non-SSE Datastar replies.  Everything
 * that decides bytes lives in the views' encoders; these only move them.
 */
#include "fcgi/internal.h"
#include "views/internal.h"	/* nitro__signals_json: the views' encoder */

int nitro_sse_send(nitro_stream *s, nitro_buf *ev)
{
	int rc;

	if (s == NULL || ev == NULL)
		return nitro_error(NITRO_EINVAL, "sse: send without a stream or events");
	rc = ev->err ? ev->err : nitro_stream_write(s, ev->data, ev->len);
	nitro_buf_reset(ev);
	return rc;
}

int nitro_ds_reply_events(nitro_req *req, nitro_buf *ev)
{
	int rc;

	if (ev == NULL)
		return nitro_error(NITRO_EINVAL, "datastar: no events to reply with");
	if ((rc = ev->err) == 0 &&
	    (rc = nitro_resp_header(req, "Cache-Control", "no-cache")) == 0)
		rc = nitro_resp_send(req, 200, "text/event-stream", ev->data ? ev->data : "",
		    ev->len);
	nitro_buf_free(ev);	/* a reply is the request's last word */
	return rc;
}

int nitro_ds_reply_html(nitro_req *req, const char *html, size_t len,
    const struct nitro_sse_patch *o)
{
	const char *mode;
	int rc = 0;

	if (html == NULL && len > 0)
		return nitro_error(NITRO_EINVAL, "datastar: NULL elements");
	if (o != NULL) {
		if ((mode = nitro_ds_mode_name(o->mode)) == NULL)
			return nitro_error(NITRO_EINVAL, "datastar: bad patch mode");
		if (o->selector != NULL)
			rc = nitro_resp_header(req, "datastar-selector", o->selector);
		if (rc == 0 && o->mode != NITRO_DS_OUTER)
			rc = nitro_resp_header(req, "datastar-mode", mode);
		if (rc == 0 && o->view_transition)
			rc = nitro_resp_header(req, "datastar-use-view-transition", "true");
		if (rc)
			return rc;
	}
	return nitro_resp_send(req, 200, "text/html; charset=utf-8", html ? html : "", len);
}

int nitro_ds_reply_signals(nitro_req *req, json_object *signals, int only_if_missing)
{
	const char *s;
	size_t len;
	int rc;

	if ((rc = nitro__signals_json(signals, &s, &len)) != 0)
		return rc;
	if (only_if_missing &&
	    (rc = nitro_resp_header(req, "datastar-only-if-missing", "true")) != 0)
		return rc;
	return nitro_resp_send(req, 200, "application/json", s, len);
}
