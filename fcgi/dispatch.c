/*
 * One request from routing to the access log, the same for FastCGI and
 * CGI.  The handler's response is replaced by an error page when a parser
 * failed (the input was bad, so whatever the handler made of it is not an
 * answer) or when the handler failed before sending anything.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/utf8.h"
#include "fcgi/internal.h"

/* Bytes of each access log field: whatever a client sends, a line stays
 * short (the cut is marked, see nitro__log_kv_max). */
#define LOG_METHOD_MAX 32
#define LOG_PATH_MAX 512
#define LOG_ERROR_MAX 256

static void access_log(nitro_req *req, long long us)
{
	char mem[512];
	nitro_buf line;

	if (!req->app->access_log || nitro_log_level() > NITRO_LOG_INFO)
		return;
	nitro_buf_init_on(&line, mem, sizeof mem, 0);
	nitro_log_begin(&line, NITRO_LOG_INFO, "request");
	nitro__log_kv_max(&line, "method", req->method, strlen(req->method), LOG_METHOD_MAX);
	nitro__log_kv_max(&line, "path", req->path, req->path_len, LOG_PATH_MAX);
	nitro_buf_printf(&line, " status=%d bytes=%zu us=%lld rid=%s", req->status,
	    req->bytes_out, us, req->rid);
	if (req->fail.status)
		nitro__log_kv_max(&line, "error", req->fail.msg, strlen(req->fail.msg),
		    LOG_ERROR_MAX);
	nitro_log_end(&line);
	nitro_buf_free(&line);
}

/*
 * A handler's failure that is no defect of the program but a store that is
 * away or too busy right now: the client gets 503 and may retry (Retry-After
 * where a retry soon is likely to pass).  The store's own message names
 * what is away and goes to the client; a busy store's names tables and
 * locks and goes to the log only.  A store that is away is recognised in
 * the error left behind too, as a handler may return its own code after
 * the store's call failed; busy only when returned, since a busy answer
 * the handler dealt with (a throttle's 429) may still be the last error.
 */
static const struct {
	int code;
	int recorded;			/* also when it is only nitro_errcode() */
	const char *retry_after;	/* NULL: none */
	const char *say;		/* NULL: the error's own message */
} unavailable[] = {
	{NITRO_EUNAVAILABLE, 1, NULL, NULL},
	{NITRO_EBUSY, 0, "1", "The server is busy; try again in a moment."},
};

int nitro__dispatch_result(nitro_req *req, int rc, const char *who)
{
	if (req->fail.status != 0) {
		if (req->stream == NULL && !req->sent)
			nitro_resp_error(req, req->fail.status, req->fail.msg);
		return 1;
	}
	if (rc >= 0)
		return 0;
	if (req->sent || req->error_page)
		return 1;	/* a handler that made its own error page keeps it */
	for (size_t i = 0; i < sizeof unavailable / sizeof unavailable[0]; i++) {
		if (rc != unavailable[i].code &&
		    !(unavailable[i].recorded && nitro_errcode() == unavailable[i].code))
			continue;
		nitro_log(NITRO_LOG_WARN, "service unavailable", "path", req->path,
		    "route", who, "detail", nitro_errmsg(), NULL);
		nitro_resp_error(req, 503, unavailable[i].say ? unavailable[i].say :
		    nitro_errmsg());
		if (unavailable[i].retry_after != NULL)
			nitro_resp_header(req, "Retry-After", unavailable[i].retry_after);
		return 1;
	}
	nitro_log(NITRO_LOG_ERROR, "handler failed", "path", req->path,
	    "route", who, "error", nitro_strerror(rc),
	    "detail", nitro_errcode() ? nitro_errmsg() : "none given", NULL);
	nitro_resp_error(req, 500, "The server could not complete the request.");
	return 1;
}

static void route(nitro_req *req)
{
	struct nitro_match *m = &req->match;
	char msg[160];
	size_t plen;
	int rc;

	rc = nitro__router_match(req->app->router, req->arena, req->method,
	    req->path, req->path_len, m);
	switch (rc) {
	case NITRO_MATCH_OK:
		rc = m->handler(req, m->udata);
		nitro__dispatch_result(req, rc, m->pattern);
		break;
	case NITRO_MATCH_NO_METHOD:
		nitro_resp_error(req, 405, "This method is not allowed here.");
		nitro_resp_header(req, "Allow", m->allow);
		break;
	case NITRO_MATCH_OPTIONS:
		nitro_resp_status(req, 204);
		nitro_resp_header(req, "Allow", m->allow);
		break;
	case NITRO_MATCH_REDIRECT: {
		const char *loc = m->redirect;
		if (*req->query) {
			size_t n = strlen(m->redirect) + strlen(req->query) + 2;
			char *p = nitro_arena_alloc(req->arena, n);
			if (p != NULL) {
				snprintf(p, n, "%s?%s", m->redirect, req->query);
				loc = p;
			}
		}
		/* Protocol-relative "//host" must not leave the site. */
		if (loc[0] == '/' && loc[1] == '/')
			nitro_resp_error(req, 404, "Not Found");
		else if (nitro_resp_redirect(req, 308, loc) != 0)
			nitro_resp_error(req, 400, "Malformed request path.");
		break;
	}
	case NITRO_MATCH_BAD_PATH:
		nitro_resp_error(req, 400, "Malformed request path.");
		break;
	case NITRO_MATCH_NOT_FOUND:
		/* The quoted path is cut at a character, and marked. */
		plen = nitro__utf8_cut(req->path, req->path_len, 100);
		snprintf(msg, sizeof msg, "Nothing here: no route for %.16s %.*s%s.",
		    req->method, (int)plen, req->path, plen < req->path_len ? "..." : "");
		nitro_resp_error(req, 404, msg);
		break;
	default:	/* NITRO_ENOMEM from the arena */
		nitro_log(NITRO_LOG_ERROR, "routing failed", "path", req->path,
		    "error", nitro_errmsg(), NULL);
		nitro_resp_error(req, 500, "The server could not complete the request.");
		break;
	}
}

/* GET, HEAD and OPTIONS change nothing and are never refused here. */
static int is_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
	    strcmp(m, "OPTIONS") == 0;
}

/*
 * Cross-site request forgery: a browser says where a request comes from,
 * in Sec-Fetch-Site (all current browsers) or at least in Origin.  A
 * state-changing request that a browser sent from another site is
 * refused; requests without those headers (curl, other servers) are not
 * browsers' and pass, as do same-origin ones.
 */
static int cross_site(nitro_req *req)
{
	const char *site = nitro_req_env(req, "HTTP_SEC_FETCH_SITE");
	const char *origin, *host, *p;

	if (!req->app->csrf_check || is_safe_method(req->method))
		return 0;
	if (site != NULL)
		return strcmp(site, "cross-site") == 0 || strcmp(site, "same-site") == 0;
	origin = nitro_req_env(req, "HTTP_ORIGIN");
	if (origin == NULL || strcmp(origin, "null") == 0)
		return origin != NULL;	/* "null": a sandboxed or file page */
	host = nitro_req_env(req, "HTTP_HOST");
	if (host == NULL || (p = strstr(origin, "://")) == NULL)
		return 1;
	return strcasecmp(p + 3, host) != 0;
}

void nitro__dispatch(nitro_req *req)
{
	if (req->fail.status != 0)
		nitro_resp_error(req, req->fail.status, req->fail.msg);
	else if (cross_site(req))
		nitro_resp_error(req, 403, "Cross-site requests that change state are refused.");
	else {
		/* Middleware wraps whatever the router answers: a route, 404,
		 * 405, OPTIONS, a redirect. */
		if (!nitro__mw_before(req))
			route(req);
		nitro__mw_after(req);
	}

	if (req->stream != NULL) {
		nitro__stream_release(req);
	} else if (!req->sent) {
		if (nitro__req_has_body(req))
			nitro__req_drain(req);
		if (nitro__resp_finish(req) != 0 && nitro_log_level() <= NITRO_LOG_DEBUG)
			nitro_log(NITRO_LOG_DEBUG, "client gone before the response",
			    "path", req->path, NULL);
	}

	struct timespec t1;
	long long us;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (long long)(t1.tv_sec - req->t0.tv_sec) * 1000000 +
	    (t1.tv_nsec - req->t0.tv_nsec) / 1000;
	nitro_metrics_request(req->method, req->status, (double)us / 1e6);
	access_log(req, us);
}
