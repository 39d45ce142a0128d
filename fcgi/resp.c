/*
 * The buffered response: status, header lines and a body, written in one
 * go by nitro__resp_finish() when the handler returns.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "nitro/views.h"
#include "core/utf8.h"
#include "fcgi/internal.h"

/* An error message may quote the request (a path, a name): it is shown
 * up to this many bytes, cut at a character. */
#define ERROR_TEXT_MAX 1024

const char *nitro__status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	}
	return status < 300 ? "OK" : status < 400 ? "Redirect" :
	    status < 500 ? "Client Error" : "Server Error";
}

void nitro_resp_status(nitro_req *req, int status)
{
	if (status >= 100 && status <= 999)
		req->status = status;
}

/* Header values: any byte but CR, LF and NUL (and other controls but
 * tab), so that a value can never start a new header or a body. */
static int valid_value(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

int nitro_resp_header(nitro_req *req, const char *name, const char *value)
{
	if (req->sent)
		return nitro_error(NITRO_EINVAL, "header %s: the response was already sent", name);
	if (!nitro__is_token(name))
		return nitro_error(NITRO_EINVAL, "header name is not a token");
	if (!valid_value(value))
		return nitro_error(NITRO_EINVAL,
		    "header %s: value holds CR, LF or another control byte", name);
	if (strcasecmp(name, "Content-Length") == 0 || strcasecmp(name, "Status") == 0 ||
	    strcasecmp(name, "X-Request-Id") == 0)
		return nitro_error(NITRO_EINVAL, "header %s is set by the runtime", name);
	if (strcasecmp(name, "Content-Type") == 0) {
		/* One Content-Type: a second call replaces the first. */
		const char *ct = nitro_arena_strdup(req->arena, value);
		if (ct == NULL)
			return nitro__errcode();
		req->content_type = ct;
		return 0;
	}
	nitro_buf_puts(&req->head, name);
	nitro_buf_append(&req->head, ": ", 2);
	nitro_buf_puts(&req->head, value);
	nitro_buf_append(&req->head, "\r\n", 2);
	return req->head.err;
}

/* cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E (RFC 6265) */
static int valid_cookie_value(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '"' || *p == ',' ||
		    *p == ';' || *p == '\\')
			return 0;
	return 1;
}

/* Path and Domain attribute values: no controls and no ';'. */
static int valid_attr(const char *v)
{
	return valid_value(v) && strchr(v, ';') == NULL;
}

int nitro_resp_cookie(nitro_req *req, const char *name, const char *value,
    const struct nitro_cookie_opts *o)
{
	static const struct nitro_cookie_opts defaults;
	char line[64];

	if (o == NULL)
		o = &defaults;
	if (req->sent)
		return nitro_error(NITRO_EINVAL, "cookie %s: the response was already sent", name);
	if (!nitro__is_token(name))
		return nitro_error(NITRO_EINVAL, "cookie name is not a token");
	if (!valid_cookie_value(value))
		return nitro_error(NITRO_EINVAL,
		    "cookie %s: value holds a byte cookies cannot carry", name);
	if ((o->path && !valid_attr(o->path)) || (o->domain && !valid_attr(o->domain)))
		return nitro_error(NITRO_EINVAL, "cookie %s: bad Path or Domain", name);
	if (o->same_site == NITRO_SAMESITE_NONE && !o->secure)
		return nitro_error(NITRO_EINVAL,
		    "cookie %s: SameSite=None requires Secure", name);

	nitro_buf *h = &req->cookies_out;
	nitro_buf_printf(h, "Set-Cookie: %s=%s; Path=%s", name, value,
	    o->path ? o->path : "/");
	if (o->domain)
		nitro_buf_printf(h, "; Domain=%s", o->domain);
	if (o->max_age > 0) {
		snprintf(line, sizeof line, "; Max-Age=%ld", o->max_age);
		nitro_buf_puts(h, line);
	} else if (o->max_age < 0) {
		nitro_buf_puts(h, "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
	}
	if (o->secure)
		nitro_buf_puts(h, "; Secure");
	if (o->http_only)
		nitro_buf_puts(h, "; HttpOnly");
	switch (o->same_site) {
	case NITRO_SAMESITE_LAX: nitro_buf_puts(h, "; SameSite=Lax"); break;
	case NITRO_SAMESITE_STRICT: nitro_buf_puts(h, "; SameSite=Strict"); break;
	case NITRO_SAMESITE_NONE: nitro_buf_puts(h, "; SameSite=None"); break;
	default: break;
	}
	nitro_buf_append(h, "\r\n", 2);
	return h->err;
}

nitro_buf *nitro_resp_body(nitro_req *req)
{
	return &req->body_out;
}

int nitro_resp_send(nitro_req *req, int status, const char *content_type,
    const void *body, size_t len)
{
	int rc;

	nitro_resp_status(req, status);
	if (content_type != NULL &&
	    (rc = nitro_resp_header(req, "Content-Type", content_type)) != 0)
		return rc;
	nitro_buf_reset(&req->body_out);
	return nitro_buf_append(&req->body_out, body, len);
}

/* {"error":{"status":N,"message":"..."}} through json-c's escaping. */
static void json_error(nitro_buf *b, int status, const char *message)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();

	if (o == NULL || e == NULL) {
		json_object_put(o);
		json_object_put(e);
		b->err = nitro__oom(NULL);
		return;
	}
	json_object_object_add(e, "status", json_object_new_int(status));
	json_object_object_add(e, "message", json_object_new_string(message));
	json_object_object_add(o, "error", e);
	nitro_buf_puts(b, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	nitro_buf_putc(b, '\n');
	json_object_put(o);
}

/*
 * Throw away the headers and body the handler made: an error page or a
 * redirect replaces the response.  Cookies stay (set a session cookie,
 * then redirect, is the usual login).
 */
static void resp_clear(nitro_req *req)
{
	nitro_buf_reset(&req->head);
	nitro_buf_reset(&req->body_out);
	req->content_type = NULL;
}

/* A JSON error for a client that asks for one, and on the application's
 * JSON paths whatever the client asks (plain curl on an API). */
int nitro__error_as_json(nitro_req *req)
{
	const char *pre = req->app->json_prefix;

	return (pre != NULL && strncmp(nitro_req_path(req), pre, strlen(pre)) == 0) ||
	    nitro__accepts_json(nitro_req_header(req, "Accept"));
}

int nitro_resp_error(nitro_req *req, int status, const char *message)
{
	nitro_buf *b = &req->body_out;
	const char *text = nitro__status_text(status);
	char mem[256];
	nitro_buf clean;

	if (req->sent)
		return nitro_error(NITRO_EINVAL, "error %d: the response was already sent", status);
	resp_clear(req);
	nitro_resp_status(req, status);
	req->error_page = 1;
	if (message == NULL || *message == '\0')
		message = text;
	/* Valid UTF-8 first (a raw byte of the path would make the page
	 * or the JSON invalid), then escaped for the content type. */
	nitro_buf_init_on(&clean, mem, sizeof mem, 0);
	if (nitro__utf8_text(&clean, message, strlen(message), ERROR_TEXT_MAX) == 0)
		message = clean.data;
	else
		message = text;
	if (nitro__error_as_json(req)) {
		nitro_resp_header(req, "Content-Type", "application/json");
		json_error(b, status, message);
	} else {
		nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
		nitro_buf_printf(b, "<!doctype html>\n<html lang=\"en\"><head>"
		    "<meta charset=\"utf-8\"><title>%d %s</title></head>\n"
		    "<body><h1>%d %s</h1>\n<p>", status, text, status, text);
		nitro_html_escape(b, message, strlen(message));
		nitro_buf_puts(b, "</p></body></html>\n");
	}
	nitro_buf_free(&clean);
	return b->err;
}

int nitro_resp_redirect(nitro_req *req, int status, const char *location)
{
	int rc;

	if (status != 301 && status != 302 && status != 303 &&
	    status != 307 && status != 308)
		return nitro_error(NITRO_EINVAL, "redirect status %d is not 301, 302, 303, 307 or 308", status);
	resp_clear(req);
	if ((rc = nitro_resp_header(req, "Location", location)) != 0)
		return rc;
	nitro_resp_status(req, status);
	nitro_resp_header(req, "Content-Type", "text/plain; charset=utf-8");
	nitro_buf_printf(&req->body_out, "Redirecting to %s\n", location);
	return req->body_out.err;
}

/* The CGI response head: Status, the handler's headers, Content-Type and
 * (for buffered responses) Content-Length, then the blank line. */
int nitro__resp_head(nitro_req *req, nitro_buf *out, int with_length)
{
	nitro_buf_printf(out, "Status: %d %s\r\nX-Request-Id: %s\r\n", req->status,
	    nitro__status_text(req->status), req->rid);
	nitro_buf_append(out, req->head.data ? req->head.data : "", req->head.len);
	nitro_buf_append(out, req->cookies_out.data ? req->cookies_out.data : "",
	    req->cookies_out.len);
	if (with_length && req->status != 204 && req->status != 304) {
		nitro_buf_puts(out, "Content-Type: ");
		nitro_buf_puts(out, req->content_type ? req->content_type :
		    "text/html; charset=utf-8");
		nitro_buf_printf(out, "\r\nContent-Length: %zu\r\n", req->body_out.len);
	}
	nitro_buf_append(out, "\r\n", 2);
	return out->err;
}

/* Write the buffered response and end the request. */
int nitro__resp_finish(nitro_req *req)
{
	char mem[1024];
	nitro_buf head;
	size_t blen;
	int rc;

	nitro_buf_init_on(&head, mem, sizeof mem, 0);
	if (req->head.err || req->body_out.err || req->cookies_out.err) {
		nitro_log(NITRO_LOG_ERROR, "response could not be built",
		    "path", req->path, "error", nitro_strerror(NITRO_ENOMEM), NULL);
		resp_clear(req);
		nitro_buf_reset(&req->cookies_out);
		req->status = 500;
	}
	nitro__resp_head(req, &head, 1);
	blen = req->is_head || req->status == 204 || req->status == 304 ? 0 : req->body_out.len;
	rc = head.err ? head.err : nitro__conn_send(&req->conn, head.data, head.len,
	    req->body_out.data, blen, 1);
	req->sent = 1;
	req->bytes_out = blen;
	nitro_buf_free(&head);
	return rc;
}
