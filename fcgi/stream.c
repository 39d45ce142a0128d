/*
 * Server-Sent Events streams.  Opening a stream writes the response head
 * at once; from then on every write is one FastCGI record flushed to the
 * socket.  A stream knows only its connection (socket and request id), so
 * the hub can take it over from the handler's thread.
 */
#include <stdlib.h>
#include <string.h>

#include "fcgi/internal.h"

int nitro__stream_head(nitro_req *req, nitro_buf *out)
{
	/* A stream never reads the body: drain it now so the web server is
	 * not left writing to us. */
	nitro__req_drain(req);
	req->status = 200;
	nitro_buf_printf(out, "Status: 200 OK\r\nX-Request-Id: %s\r\n", req->rid);
	nitro_buf_puts(out, "Content-Type: text/event-stream\r\n"
	    "Cache-Control: no-cache\r\n"
	    "X-Accel-Buffering: no\r\n");
	/* The handler's headers and cookies; a Content-Type it set is not
	 * in head (it has its own slot) and a stream's is fixed above. */
	nitro_buf_append(out, req->head.data ? req->head.data : "", req->head.len);
	nitro_buf_append(out, req->cookies_out.data ? req->cookies_out.data : "",
	    req->cookies_out.len);
	return nitro_buf_append(out, "\r\n", 2);
}

nitro_stream *nitro_stream_open(nitro_req *req)
{
	char mem[1024];
	nitro_buf head;
	nitro_stream *s;
	int rc;

	if (req->sent || req->stream != NULL) {
		nitro_error(NITRO_EINVAL, "stream: the response was already sent");
		return NULL;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		nitro__oom("stream");
		return NULL;
	}
	nitro_buf_init_on(&head, mem, sizeof mem, 0);
	nitro__stream_head(req, &head);
	s->req = req;
	s->conn = req->conn;
	/* HEAD: the headers are the whole response, ended at once; the
	 * stream is then closed, as if the client had gone, so that a
	 * handler stops writing (and nitro_live parks nothing). */
	rc = head.err ? head.err : nitro__conn_send(&s->conn, head.data, head.len,
	    NULL, 0, req->is_head);
	nitro_buf_free(&head);
	req->sent = 1;
	req->stream = s;
	if (rc == 0 && req->is_head)
		s->closed = s->ended = 1;
	if (rc != 0) {
		s->closed = 1;
		nitro_error(rc, "stream: the client has gone");
		return NULL;	/* released with the request */
	}
	return s;
}

int nitro_stream_write(nitro_stream *s, const void *data, size_t len)
{
	int rc;

	if (s->closed || s->parked)
		return nitro_error(NITRO_ECLOSED, "stream is closed");
	if (s->req != NULL && atomic_load(&s->req->app->stopping)) {
		/* Shutting down: cut the stream so the browser reconnects to a
		 * worker that stays. */
		nitro__conn_abort(&s->conn);
		s->closed = s->ended = 1;
		return nitro_error(NITRO_ECLOSED, "the worker is shutting down");
	}
	if (len == 0)
		return 0;
	rc = nitro__conn_write(&s->conn, data, len, NULL, 0);
	if (rc != 0) {
		s->closed = 1;
		return rc == NITRO_ECLOSED ? rc : nitro__error_wrap(NITRO_ECLOSED, "stream");
	}
	s->bytes += len;
	if (s->req != NULL)
		s->req->bytes_out += len;
	return 0;
}

int nitro_stream_comment(nitro_stream *s, const char *text)
{
	char mem[256];
	nitro_buf b;
	int rc;

	nitro_buf_init_on(&b, mem, sizeof mem, 0);
	/* One comment line per line of text, so the text cannot end the
	 * comment and inject an event. */
	nitro_buf_puts(&b, ": ");
	for (const char *p = text; *p; p++) {
		if (*p == '\r' || *p == '\n') {
			nitro_buf_puts(&b, "\n: ");
			if (p[0] == '\r' && p[1] == '\n')
				p++;
		} else {
			nitro_buf_putc(&b, *p);
		}
	}
	nitro_buf_puts(&b, "\n\n");
	rc = b.err ? b.err : nitro_stream_write(s, b.data, b.len);
	nitro_buf_free(&b);
	return rc;
}

int nitro_stream_closed(const nitro_stream *s)
{
	return s->closed;
}

void nitro_stream_close(nitro_stream *s)
{
	if (s->ended || s->parked)
		return;
	s->ended = 1;
	if (!s->closed && nitro__conn_end(&s->conn) != 0)
		s->closed = 1;
	s->closed = 1;
}

/* Called when the request ends: end and free a stream still owned by it. */
void nitro__stream_release(nitro_req *req)
{
	nitro_stream *s = req->stream;

	if (s == NULL)
		return;
	if (!s->parked && !s->ended && !s->closed)
		nitro_stream_close(s);
	s->ended = 1;
	req->stream = NULL;
	free(s);
}
