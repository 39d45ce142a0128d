/*
 * The request: CGI parameters from the web server, parsed lazily.  Every
 * accessor that parses records a failure in req->fail instead of
 * returning it, and the dispatcher answers with that failure when the
 * handler returns (see <nitro/fcgi.h>).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fcgi/internal.h"

#define ARENA_BLOCK 16384

void nitro__req_init(nitro_req *req, nitro_app *app)
{
	memset(req, 0, sizeof *req);
	req->app = app;
	req->arena = nitro_arena_new(ARENA_BLOCK);
	nitro_buf_init(&req->head, 0);
	nitro_buf_init(&req->cookies_out, 0);
	nitro_buf_init(&req->body_out, 0);
}

void nitro__req_destroy(nitro_req *req)
{
	nitro_arena_free(req->arena);
	nitro_buf_free(&req->head);
	nitro_buf_free(&req->cookies_out);
	nitro_buf_free(&req->body_out);
	req->arena = NULL;
}

static const char *env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	if (envp == NULL)
		return NULL;
	for (; *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

void nitro__req_failed(nitro_req *req, const struct nitro_perr *e)
{
	if (req->fail.status == 0)
		req->fail = *e;
}

static void fail(nitro_req *req, int status, const char *msg)
{
	struct nitro_perr e;

	nitro__fail(&e, status, NITRO_EPARSE, "%s", msg);
	nitro__req_failed(req, &e);
}

void nitro__req_begin(nitro_req *req, struct nitro_conn *conn, char **envp)
{
	const char *uri, *q;
	struct nitro_perr e;

	/* Each request starts with no error, so that a failure's message is
	 * never one a previous request left on this thread. */
	nitro_error_clear();
	req->conn = *conn;
	req->envp = envp;
	clock_gettime(CLOCK_MONOTONIC, &req->t0);
	req->parsed = 0;
	req->fail.status = 0;
	req->fail.msg[0] = '\0';
	req->status = 200;
	req->content_type = NULL;
	req->sent = 0;
	req->error_page = 0;
	req->bytes_out = 0;
	req->stream = NULL;
	req->parked = 0;
	req->locals = NULL;
	req->mw_n = 0;
	req->mw_after_done = 0;
	req->json = req->signals = NULL;
	req->body = NULL;
	req->body_len = 0;
	req->body_eof = 0;
	req->files = NULL;
	req->nfiles = 0;
	memset(&req->query_kv, 0, sizeof req->query_kv);
	memset(&req->cookies, 0, sizeof req->cookies);
	memset(&req->form, 0, sizeof req->form);
	req->match.nparams = 0;
	req->match.pattern = NULL;
	nitro_buf_reset(&req->head);
	nitro_buf_reset(&req->cookies_out);
	nitro_buf_reset(&req->body_out);

	req->method = env_get(envp, "REQUEST_METHOD");
	if (req->method == NULL || *req->method == '\0')
		req->method = "GET";
	req->is_head = strcmp(req->method, "HEAD") == 0;

	/* The raw path comes from REQUEST_URI (nginx: $request_uri), so that
	 * the router splits before decoding; plain CGI servers may only give
	 * PATH_INFO. */
	uri = env_get(envp, "REQUEST_URI");
	if (uri == NULL || *uri == '\0') {
		uri = env_get(envp, "PATH_INFO");
		if (uri == NULL || *uri == '\0')
			uri = "/";
	}
	q = strchr(uri, '?');
	req->path_len = q ? (size_t)(q - uri) : strlen(uri);
	req->path = nitro_arena_strndup(req->arena, uri, req->path_len);
	if (req->path == NULL) {
		req->path = "/";
		req->path_len = 1;
		nitro__fail_oom(&e);
		nitro__req_failed(req, &e);
	}
	req->query = env_get(envp, "QUERY_STRING");
	if (req->query == NULL)
		req->query = q ? q + 1 : "";

	nitro__req_id_begin(req);
	if (nitro__check_headers(envp, &req->app->limits, &e) != 0)
		nitro__req_failed(req, &e);
	else if (req->path_len > req->app->limits.path_bytes)
		fail(req, 400, "request path longer than the limit");
}

void nitro__req_end(nitro_req *req)
{
	if (req->json != NULL)
		json_object_put(req->json);
	if (req->signals != NULL)
		json_object_put(req->signals);
	req->json = req->signals = NULL;
	nitro_arena_reset(req->arena);
	/* A response that grew huge gives its memory back. */
	if (req->body_out.cap > (4u << 20))
		nitro_buf_free(&req->body_out);
	req->envp = NULL;
}

/* ---- simple accessors ------------------------------------------------ */

const char *nitro_req_method(const nitro_req *req) { return req->method; }
const char *nitro_req_path(const nitro_req *req) { return req->path; }
const char *nitro_req_query_string(const nitro_req *req) { return req->query; }
nitro_arena *nitro_req_arena(nitro_req *req) { return req->arena; }
int nitro_req_failed(const nitro_req *req) { return req->fail.status; }

const char *nitro_req_failure(const nitro_req *req)
{
	return req->fail.status ? req->fail.msg : "";
}

const char *nitro_req_env(const nitro_req *req, const char *name)
{
	return env_get(req->envp, name);
}

const char *nitro_req_param(nitro_req *req, const char *name)
{
	for (size_t i = 0; i < req->match.nparams; i++)
		if (strcmp(req->match.params[i].name, name) == 0)
			return req->match.params[i].value;
	return NULL;
}

int nitro_req_param_int(nitro_req *req, const char *name, int64_t *out)
{
	const char *v = nitro_req_param(req, name), *p;
	int64_t n = 0;
	int neg;

	*out = 0;
	if (v == NULL)
		return nitro_error(NITRO_ENOTFOUND, "the route has no parameter {%s}", name);
	/* Decimal digits only, as ids are written: no sign but '-', no
	 * blanks, no hex, nothing after; the range is checked digit by digit. */
	neg = *v == '-';
	p = v + neg;
	if (*p == '\0')
		goto bad;
	for (; *p; p++) {
		int d = *p - '0';

		if (d < 0 || d > 9)
			goto bad;
		if (neg ? n < (INT64_MIN + d) / 10 : n > (INT64_MAX - d) / 10)
			goto bad;
		n = n * 10 + (neg ? -d : d);
	}
	*out = n;
	return 0;
bad:
	return nitro_error(NITRO_EPARSE, "%s: not a whole number in range", name);
}

const char *nitro_req_header(nitro_req *req, const char *name)
{
	char env[300];

	if (nitro__header_env_name(env, sizeof env, name) != 0)
		return NULL;
	return env_get(req->envp, env);
}

int nitro_req_is_datastar(nitro_req *req)
{
	const char *v = env_get(req->envp, "HTTP_DATASTAR_REQUEST");

	return v != NULL && strcasecmp(v, "true") == 0;
}

/* ---- parsed accessors --------------------------------------------------- */

const char *nitro_req_query(nitro_req *req, const char *name)
{
	if (!(req->parsed & PARSED_QUERY)) {
		struct nitro_perr e;

		req->parsed |= PARSED_QUERY;
		if (nitro__parse_urlencoded(req->arena, req->query,
		    strlen(req->query), &req->app->limits, 0,
		    &req->query_kv, &e) != 0)
			nitro__req_failed(req, &e);
	}
	return nitro__kv_get(&req->query_kv, name);
}

const char *nitro_req_cookie(nitro_req *req, const char *name)
{
	if (!(req->parsed & PARSED_COOKIES)) {
		const char *h = env_get(req->envp, "HTTP_COOKIE");
		struct nitro_perr e;

		req->parsed |= PARSED_COOKIES;
		if (h != NULL && nitro__parse_cookies(req->arena, h, strlen(h),
		    &req->app->limits, &req->cookies, &e) != 0)
			nitro__req_failed(req, &e);
	}
	return nitro__kv_get(&req->cookies, name);
}

/*
 * The body is read once, whole, into the arena.  CONTENT_LENGTH is
 * checked against the limit before anything is allocated; without it
 * (a streamed body) the limit is checked as bytes arrive.
 */
int nitro__req_read_body(nitro_req *req)
{
	const struct nitro_limits *lim = &req->app->limits;
	struct nitro_perr e;
	size_t want, got = 0;
	char *buf;
	long r;
	int rc;

	if (req->parsed & PARSED_BODY)
		return req->fail.status ? NITRO_EPARSE : 0;
	req->parsed |= PARSED_BODY;
	if ((rc = nitro__content_length(env_get(req->envp, "CONTENT_LENGTH"), lim,
	    &want, &e)) != 0) {
		nitro__req_failed(req, &e);
		return rc;	/* EPARSE or ELIMIT */
	}
	if (want == 0 && env_get(req->envp, "CONTENT_LENGTH") != NULL) {
		req->body = "";
		req->body_eof = 1;
		return 0;
	}
	if (want == 0) {
		/* No length given: read until the end, bounded by the limit. */
		want = lim->body_bytes;
		buf = nitro_arena_alloc(req->arena, want + 1);
		if (buf == NULL)
			goto oom;
		while (got <= want) {
			char extra;
			r = got < want ? nitro__conn_read(&req->conn, buf + got, want - got)
			    : nitro__conn_read(&req->conn, &extra, 1);
			if (r < 0)
				goto ioerr;
			if (r == 0)
				break;
			if (got == want) {
				nitro__fail(&e, 413, NITRO_ELIMIT,
				    "request body exceeds the limit of %zu bytes", want);
				nitro__req_failed(req, &e);
				return NITRO_ELIMIT;
			}
			got += (size_t)r;
		}
		req->body_eof = 1;
	} else {
		buf = nitro_arena_alloc(req->arena, want + 1);
		if (buf == NULL)
			goto oom;
		while (got < want) {
			r = nitro__conn_read(&req->conn, buf + got, want - got);
			if (r < 0)
				goto ioerr;
			if (r == 0)
				break;
			got += (size_t)r;
		}
		if (got < want) {
			nitro__fail(&e, 400, NITRO_EPARSE,
			    "request body ended after %zu of %zu bytes", got, want);
			nitro__req_failed(req, &e);
			return NITRO_EPARSE;
		}
		/* Anything past CONTENT_LENGTH is left for the drain. */
	}
	buf[got] = '\0';
	req->body = buf;
	req->body_len = got;
	return 0;
oom:
	nitro__fail_oom(&e);
	nitro__req_failed(req, &e);
	return NITRO_ENOMEM;
ioerr:
	nitro__fail(&e, 400, NITRO_EIO, "reading the request body failed");
	nitro__req_failed(req, &e);
	return NITRO_EIO;
}

/*
 * Read and drop what is left of the body, so that the web server can
 * finish sending it and read our answer (nginx answers 502 when the
 * upstream closes while the body is still being sent).  Bounded: past
 * 64 MiB the connection is simply closed.
 */
void nitro__req_drain(nitro_req *req)
{
	char scratch[16384];
	size_t total = 0;
	long r;

	if (req->body_eof || req->conn.mode != NITRO_CONN_FCGI)
		return;
	while (total < (64u << 20)) {
		r = nitro__conn_read(&req->conn, scratch, sizeof scratch);
		if (r <= 0)
			break;
		total += (size_t)r;
	}
	req->body_eof = 1;
}

int nitro__req_has_body(const nitro_req *req)
{
	const char *cl = env_get(req->envp, "CONTENT_LENGTH");

	return cl != NULL && *cl != '\0' && strcmp(cl, "0") != 0;
}

int nitro_req_body(nitro_req *req, const char **data, size_t *len)
{
	int rc = nitro__req_read_body(req);

	if (rc != 0) {
		*data = NULL;
		*len = 0;
		return rc;
	}
	*data = req->body;
	*len = req->body_len;
	return 0;
}

static void parse_form(nitro_req *req)
{
	const char *ct = env_get(req->envp, "CONTENT_TYPE");
	struct nitro_perr e;
	int rc;

	req->parsed |= PARSED_FORM;
	if (ct == NULL || *ct == '\0')
		return;	/* no body type: no form */
	if (nitro__media_type_is(ct, "application/x-www-form-urlencoded")) {
		if (nitro__req_read_body(req) != 0)
			return;
		rc = nitro__parse_urlencoded(req->arena, req->body, req->body_len,
		    &req->app->limits, 1, &req->form, &e);
	} else if (nitro__media_type_is(ct, "multipart/form-data")) {
		if (nitro__req_read_body(req) != 0)
			return;
		rc = nitro__parse_multipart(req->arena, ct, req->body,
		    req->body_len, &req->app->limits, &req->form, &req->files,
		    &req->nfiles, &e);
	} else {
		nitro__fail(&e, 415, NITRO_EUNSUPPORTED,
		    "a form must be application/x-www-form-urlencoded or "
		    "multipart/form-data, not %.80s", ct);
		rc = NITRO_EUNSUPPORTED;
	}
	if (rc != 0)
		nitro__req_failed(req, &e);
}

const char *nitro_req_form(nitro_req *req, const char *name)
{
	if (!(req->parsed & PARSED_FORM))
		parse_form(req);
	return nitro__kv_get(&req->form, name);
}

const struct nitro_upload *nitro_req_file(nitro_req *req, const char *name)
{
	if (!(req->parsed & PARSED_FORM))
		parse_form(req);
	for (size_t i = 0; i < req->nfiles; i++)
		if (strcmp(req->files[i].name, name) == 0)
			return &req->files[i];
	return NULL;
}

json_object *nitro_req_json(nitro_req *req)
{
	const char *ct;
	struct nitro_perr e;

	if (req->parsed & PARSED_JSON)
		return req->json;
	req->parsed |= PARSED_JSON;
	ct = env_get(req->envp, "CONTENT_TYPE");
	if (ct != NULL && *ct != '\0' && !nitro__media_type_is(ct, "application/json")) {
		nitro__fail(&e, 415, NITRO_EUNSUPPORTED,
		    "expected a JSON body (application/json), not %.80s", ct);
		nitro__req_failed(req, &e);
		return NULL;
	}
	if (nitro__req_read_body(req) != 0 || req->body_len == 0)
		return NULL;
	if (nitro__parse_json(req->body, req->body_len,
	    req->app->limits.json_depth, &req->json, &e) != 0) {
		req->json = NULL;
		nitro__req_failed(req, &e);
	}
	return req->json;
}

/*
 * Datastar sends signals in the "datastar" query parameter for GET (and
 * DELETE without a body) and as the JSON body otherwise.  A missing
 * parameter means no signals, not an error.
 */
json_object *nitro_req_signals(nitro_req *req)
{
	const char *m = req->method, *q;
	struct nitro_perr e;
	int from_query;

	if (req->parsed & PARSED_SIGNALS)
		return req->signals;
	req->parsed |= PARSED_SIGNALS;
	from_query = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
	if (strcmp(m, "DELETE") == 0)
		from_query = !nitro__req_has_body(req);
	if (from_query) {
		q = nitro_req_query(req, "datastar");
		if (q == NULL)
			return NULL;
		if (nitro__parse_json(q, strlen(q), req->app->limits.json_depth,
		    &req->signals, &e) != 0) {
			req->signals = NULL;
			nitro__req_failed(req, &e);
		}
		return req->signals;
	}
	/* The body: shared with nitro_req_json(), take a reference. */
	json_object *j = nitro_req_json(req);
	if (j != NULL)
		req->signals = json_object_get(j);
	return req->signals;
}
