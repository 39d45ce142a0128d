/*
 * <nitro/fcgi.h>: the worker runtime.  An application makes a nitro_app,
 * adds routes, and calls nitro_app_run(); every request is a nitro_req
 * handed to a handler on one of the process's accept threads.
 *
 * Request parsing is lazy and bounded by nitro_limits.  When a parser meets
 * input over a limit or malformed input, the accessor returns NULL and the
 * request records the failure; when the handler returns, the runtime
 * answers with that status (413, 400 or 415) and message in place of
 * whatever the handler wrote, so a bad request can never be served as if
 * its input were merely absent.
 */
#ifndef NITRO_FCGI_H
#define NITRO_FCGI_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include <nitro/core.h>
#include <nitro/views.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nitro_app nitro_app;
typedef struct nitro_req nitro_req;
typedef struct nitro_stream nitro_stream;

/* Return 0 when the response is written (or about to be, by the runtime),
 * or a negative NITRO_E*: the runtime answers 500 unless a response was
 * already sent. */
typedef int (*nitro_handler)(nitro_req *req, void *udata);

/* ---- limits ---------------------------------------------------------- */

struct nitro_limits {
	size_t body_bytes;		/* request body (1 MiB) */
	size_t params;			/* query or form parameters (256) */
	size_t name_bytes;		/* parameter / cookie / header name (256) */
	size_t value_bytes;		/* parameter / cookie value (64 KiB) */
	size_t header_bytes;		/* all request headers together (32 KiB) */
	size_t cookies;			/* cookies in the Cookie header (64) */
	size_t parts;			/* multipart parts (64) */
	size_t part_bytes;		/* one multipart part (1 MiB) */
	size_t part_header_bytes;	/* one part's headers (4 KiB) */
	size_t json_depth;		/* JSON nesting (32) */
	size_t path_bytes;		/* request path (4 KiB) */
};

/* The defaults above (what a zero field of nitro_app_opts.limits means). */
NITRO_API void nitro_limits_default(struct nitro_limits *lim);

/* ---- application ------------------------------------------------------- */

/*
 * Settings of the stream hub (see live streams below); a zero field takes
 * the default in parentheses.
 */
struct nitro_hub_opts {
	size_t max_streams;		/* per process (10000) */
	unsigned heartbeat_ms;		/* comment every (15000) */
	unsigned poll_ms;		/* transport poll interval without a
					 * watch descriptor (10) */
	size_t queue_bytes;		/* pending bytes per stream (256 KiB) */
	unsigned write_timeout_ms;	/* a stream whose client takes nothing
					 * this long is closed (10000) */
};

/*
 * Everything an application is configured with, given once to
 * nitro_app_new(); a zero field takes the default.
 */
struct nitro_app_opts {
	unsigned threads;		/* accept threads per process (online CPUs, 2 to 64) */
	unsigned grace_seconds;		/* SIGTERM waits for requests in flight (10) */
	int no_access_log;		/* 1: no access log line per request */
	/*
	 * Cross-site request forgery protection is on unless this is 1: a
	 * POST, PUT, PATCH or DELETE that a browser sent from another site
	 * (Sec-Fetch-Site cross-site or same-site, or an Origin whose host is
	 * not Host) is answered 403 before any handler runs.  Requests
	 * without those headers are not a browser's and pass.  Turn it off
	 * only for endpoints meant to be posted to from other sites, behind
	 * their own checks.
	 */
	int no_csrf_check;
	/*
	 * The connection deadline in milliseconds (0: NITRO_IO_TIMEOUT_MS,
	 * 10 s).  Every read and write on a connection from the web server
	 * must finish within it: reading a request's head (from the moment
	 * the connection is accepted, or a kept connection has been idle),
	 * each read of its body, each write of the response.  A connection
	 * over it is closed, counted in nitro_conn_timeouts_total and logged.
	 * Work in the handler does not count, nor do parked live streams (the
	 * hub has its own write_timeout_ms).
	 */
	unsigned io_timeout_ms;
	/*
	 * Paths that speak JSON: every error answered under this prefix
	 * ("/api/"), the router's 404 and 405 and the parsers' 4xx included,
	 * is a JSON body whatever the client's Accept says.  Elsewhere an
	 * error is JSON only when Accept asks for it.  NULL: nowhere.
	 */
	const char *json_prefix;
	struct nitro_limits limits;	/* per request (nitro_limits_default()) */
	struct nitro_hub_opts hub;	/* live streams */
	/* The transport live streams follow and events are published to
	 * (nitro_app_transport()); the caller keeps it and frees it after
	 * nitro_app_free().  NULL: an in-memory transport that carries only
	 * this process's events (the 4096 newest are kept for replay). */
	nitro_transport *transport;
};

/* opts may be NULL (every default).  NULL with nitro_errmsg() when memory
 * runs out. */
NITRO_API nitro_app *nitro_app_new(const struct nitro_app_opts *opts);
NITRO_API void nitro_app_free(nitro_app *app);

/*
 * Add a route.  pattern is "METHOD /path" where a segment may be a
 * parameter "{name}" or, last, a rest parameter "{name...}" (matches one or
 * more segments).  METHOD is GET, POST, PUT, PATCH, DELETE, OPTIONS or *
 * (any).  Static segments win over parameters.  GET routes answer HEAD.
 * Returns 0, NITRO_EINVAL for a bad pattern, NITRO_EEXIST for a duplicate.
 */
NITRO_API int nitro_route(nitro_app *app, const char *pattern,
    nitro_handler h, void *udata);

/* ---- middleware -------------------------------------------------------- */

/* What a before-function returns: go on to the next one and the route,
 * or stop because it answered the request itself (a guard).  A negative
 * NITRO_E* stops the chain too: the runtime answers 500 unless a response
 * was already made. */
#define NITRO_NEXT 0
#define NITRO_DONE 1

typedef int (*nitro_before_fn)(nitro_req *req, void *udata);
typedef void (*nitro_after_fn)(nitro_req *req, void *udata);

/* At most this many nitro_use() calls per application. */
#define NITRO_MW_MAX 64

/*
 * Run before and/or after (either may be NULL) around every request whose
 * path is under prefix ("/admin": /admin and /admin/..., never
 * /administrator), compared segment by segment after percent-decoding,
 * exactly as the router compares; NULL or "/": every request.  Order:
 * the application-wide ones first, then the groups, each in the order
 * added; after-functions of every entered layer in reverse.  See
 * nitro_use(3) for which requests they see.
 */
NITRO_API int nitro_use(nitro_app *app, const char *prefix, nitro_before_fn before,
    nitro_after_fn after, void *udata);

/* Per-request values that middleware hands to handlers: key is copied,
 * value is not (keep it in nitro_req_arena() or longer).  Setting a key
 * again replaces its value.  Gone when the request ends. */
NITRO_API int nitro_req_set(nitro_req *req, const char *key, void *value);
/* The value set for key, or NULL. */
NITRO_API void *nitro_req_get(nitro_req *req, const char *key);

/* The transport of opts.transport, or the app's in-memory one: publish
 * with nitro_publish(nitro_app_transport(app), ...) so that live streams
 * of every worker see the event.  Never NULL. */
NITRO_API nitro_transport *nitro_app_transport(nitro_app *app);

/*
 * Run until SIGTERM or SIGINT.  argv may carry:
 *   --listen unix:/path   listen on a unix socket (created with mode 0660)
 *   --listen HOST:PORT    listen on TCP (loopback only unless --public)
 *   --threads N           accept threads
 * Without --listen: under spawn-fcgi (a socket on fd 0) serve FastCGI on
 * it; otherwise answer one request as CGI.  Returns 0 after a clean stop,
 * or a negative NITRO_E* (with a log line) when the runtime cannot start.
 */
NITRO_API int nitro_app_run(nitro_app *app, int argc, char **argv);

/*
 * Serve the metrics registry (<nitro/core.h>) in Prometheus text format at
 * path (NULL: "/metrics"), with the default event bus's counters.  Request
 * counts and latencies are always recorded; this only exposes them.  Keep
 * the path private in nginx (allow/deny) when the site is public.
 */
NITRO_API int nitro_app_serve_metrics(nitro_app *app, const char *path);

/* ---- static files ---------------------------------------------------------- */

/*
 * A file name carrying a content hash (app.3f9a1c2e.css: 8 to 64
 * lowercase hex digits before the extension) never changes, so it is
 * cached for a year; any other file is cached briefly and revalidated
 * (ETag, Last-Modified).  One rule for nitro_app_static() and for nginx's
 * location (deploy/nginx, `nitro serve --static`), as a POSIX extended
 * regular expression that PCRE reads the same way.
 */
#define NITRO_STATIC_HASHED_RE "\\.[0-9a-f]{8,64}\\.[A-Za-z0-9]+$"
#define NITRO_STATIC_CACHE_HASHED "public, max-age=31536000, immutable"
#define NITRO_STATIC_CACHE_OTHER "public, max-age=60, must-revalidate"

struct nitro_static_opts {
	size_t max_bytes;	/* largest file served (8 MiB); larger: 404 */
};

/*
 * Serve the files of directory path under prefix ("/static/"), or the one
 * regular file path at exactly prefix ("/datastar.js"), with GET and
 * HEAD: ETag and Last-Modified (If-None-Match, If-Modified-Since: 304),
 * Cache-Control by NITRO_STATIC_HASHED_RE, Content-Type by extension.
 * A request is answered 404 unless it names a regular file below the
 * directory through no symbolic link and no segment starting with a dot.
 * o may be NULL.  0, NITRO_EINVAL (bad prefix, not a directory or file),
 * NITRO_EIO (cannot open path), NITRO_EEXIST (the route exists).
 */
NITRO_API int nitro_app_static(nitro_app *app, const char *prefix, const char *path,
    const struct nitro_static_opts *o);

/* ---- health ----------------------------------------------------------------- */

struct nitro_health_opts {
	nitro_repo *repo;		/* pinged; NULL: no database check */
	unsigned hub_stall_ms;		/* hub loop quiet this long: failing (5000) */
	int64_t max_lag;		/* events the follower may be behind (1000) */
};

/*
 * GET path (NULL: "/healthz") answers 200 with JSON only while this
 * process can serve: its repository answers (nitro_repo_ping), its hub
 * thread turns, and the hub has read the transport to within max_lag
 * events of its head; otherwise 503, naming the failed check.  o may be
 * NULL.  0, NITRO_EINVAL, NITRO_EEXIST.
 */
NITRO_API int nitro_app_health(nitro_app *app, const char *path,
    const struct nitro_health_opts *o);

/* Ask a running app to stop as on SIGTERM (safe from any thread). */
NITRO_API void nitro_app_stop(nitro_app *app);

/* ---- request ----------------------------------------------------------- */

NITRO_API const char *nitro_req_method(const nitro_req *req);
/* The path without the query, percent-decoding not applied. */
NITRO_API const char *nitro_req_path(const nitro_req *req);
/* The query string as sent, not decoded ("" when none). */
NITRO_API const char *nitro_req_query_string(const nitro_req *req);
/* A path parameter of the matched route, decoded; NULL when absent. */
NITRO_API const char *nitro_req_param(nitro_req *req, const char *name);
/* The same parameter as a 64-bit integer: NITRO_EPARSE unless it is all
 * decimal digits (an optional '-' first) within range. */
NITRO_API int nitro_req_param_int(nitro_req *req, const char *name, int64_t *out);
/* First query parameter with that name, decoded; NULL when absent. */
NITRO_API const char *nitro_req_query(nitro_req *req, const char *name);
/* A request header by its HTTP name ("User-Agent"), any case. */
NITRO_API const char *nitro_req_header(nitro_req *req, const char *name);
/* A cookie value; NULL when absent. */
NITRO_API const char *nitro_req_cookie(nitro_req *req, const char *name);
/* A CGI/FastCGI parameter as nginx sent it ("REMOTE_ADDR"). */
NITRO_API const char *nitro_req_env(const nitro_req *req, const char *name);

/* A form field from an urlencoded or multipart body; NULL when absent. */
NITRO_API const char *nitro_req_form(nitro_req *req, const char *name);

struct nitro_upload {
	const char *name;		/* form field name */
	const char *filename;		/* as the client sent it; never trust it as a path */
	const char *content_type;	/* "application/octet-stream" when absent */
	const unsigned char *data;
	size_t len;
};
/* A file part of a multipart form; NULL when absent. */
NITRO_API const struct nitro_upload *nitro_req_file(nitro_req *req, const char *name);

/* The body as sent, read once and bounded by limits.body_bytes.  0, or a
 * negative NITRO_E* with the request marked failed. */
NITRO_API int nitro_req_body(nitro_req *req, const char **data, size_t *len);

/* The body parsed as JSON (application/json); owned by the request: do
 * not put it.  NULL when the body is empty or the request failed. */
NITRO_API json_object *nitro_req_json(nitro_req *req);

/* Datastar signals: the "datastar" query parameter for GET (and DELETE
 * without a body), the JSON body otherwise.  NULL means no signals (or a
 * failed request: see nitro_req_failed()).  Owned by the request. */
NITRO_API json_object *nitro_req_signals(nitro_req *req);
/* One signal by its path ("title", "user.address.city", "items[2]" or
 * "items.2"); NULL when there are no signals or nothing at that path.
 * Owned by the request. */
NITRO_API json_object *nitro_req_signal(nitro_req *req, const char *path);
/* The same when it is a string; NULL when absent or of another type. */
NITRO_API const char *nitro_req_signal_str(nitro_req *req, const char *path);

/* True when the request comes from a Datastar action (Datastar-Request). */
NITRO_API int nitro_req_is_datastar(nitro_req *req);

/* The status (400, 413, 415) a parser failed with, or 0. */
NITRO_API int nitro_req_failed(const nitro_req *req);
/* The message for that failure, or "". */
NITRO_API const char *nitro_req_failure(const nitro_req *req);

/* The request's id: the X-Request-Id request header when it is a token of
 * at most NITRO_REQ_ID_MAX letters, digits and "-_.:+/=" (nginx's
 * $request_id), else 128 random bits in hex.  Sent back in X-Request-Id
 * on every response and logged as rid=. */
#define NITRO_REQ_ID_MAX 64
NITRO_API const char *nitro_req_id(const nitro_req *req);

/* The application serving the request. */
NITRO_API nitro_app *nitro_req_app(nitro_req *req);

/* Memory that lives until the request ends. */
NITRO_API nitro_arena *nitro_req_arena(nitro_req *req);

/* ---- response ---------------------------------------------------------- */

NITRO_API void nitro_resp_status(nitro_req *req, int status);
/* Add a header.  A name or value holding CR or LF, or a name that is not
 * a token, is refused with NITRO_EINVAL. */
NITRO_API int nitro_resp_header(nitro_req *req, const char *name, const char *value);

enum nitro_samesite { NITRO_SAMESITE_DEFAULT = 0, NITRO_SAMESITE_LAX,
	NITRO_SAMESITE_STRICT, NITRO_SAMESITE_NONE };

struct nitro_cookie_opts {
	const char *path;	/* default "/" */
	const char *domain;	/* default: none */
	long max_age;		/* seconds; 0: session cookie; <0: delete */
	int secure;
	int http_only;
	enum nitro_samesite same_site;
};
/* Set a cookie; name must be a token and value cookie-octets. */
NITRO_API int nitro_resp_cookie(nitro_req *req, const char *name,
    const char *value, const struct nitro_cookie_opts *opts);

/* The response body: append to it with nitro_buf_* or a views writer. */
NITRO_API nitro_buf *nitro_resp_body(nitro_req *req);
/* Status, Content-Type and a whole body in one call. */
NITRO_API int nitro_resp_send(nitro_req *req, int status,
    const char *content_type, const void *body, size_t len);
/* An error page: HTML, or JSON when the client accepts JSON first. */
NITRO_API int nitro_resp_error(nitro_req *req, int status, const char *message);
/* A redirect (301, 302, 303, 307, 308) to location. */
NITRO_API int nitro_resp_redirect(nitro_req *req, int status, const char *location);

/* ---- streams ------------------------------------------------------------ */

/*
 * Open a Server-Sent Events stream: status 200 with Content-Type
 * text/event-stream, Cache-Control: no-cache, X-Accel-Buffering: no, and
 * any headers and cookies set so far, flushed at once.  After this the
 * request's buffered body is no longer used.  NULL (with nitro_errmsg)
 * when the response was already sent or the client has gone.
 */
NITRO_API nitro_stream *nitro_stream_open(nitro_req *req);
/* Write bytes and flush them to the client.  NITRO_ECLOSED once the client
 * has gone: the handler should stop and close the stream. */
NITRO_API int nitro_stream_write(nitro_stream *s, const void *data, size_t len);
/* An SSE comment line (": text\n\n"), for keep-alive. */
NITRO_API int nitro_stream_comment(nitro_stream *s, const char *text);
/* True once a write has failed because the client went away. */
NITRO_API int nitro_stream_closed(const nitro_stream *s);
/* End the response.  The stream is freed by the runtime when the handler
 * returns; a handler need not call this. */
NITRO_API void nitro_stream_close(nitro_stream *s);

/* ---- Datastar replies (events encoded by <nitro/views.h>) ----------------- */

/* Write the events in ev to the stream and empty ev. */
NITRO_API int nitro_sse_send(nitro_stream *s, nitro_buf *ev);
/* The events in ev (views' nitro_sse_*) as one text/event-stream reply,
 * not cached: the answer of an action that patches several things at
 * once.  ev is freed, sent or not; its error, if any, is returned. */
NITRO_API int nitro_ds_reply_events(nitro_req *req, nitro_buf *ev);
/* A text/html reply that patches elements (datastar-selector,
 * datastar-mode, datastar-use-view-transition headers when not default). */
NITRO_API int nitro_ds_reply_html(nitro_req *req, const char *html, size_t len,
    const struct nitro_sse_patch *o);
/* An application/json reply that patches signals. */
NITRO_API int nitro_ds_reply_signals(nitro_req *req, json_object *signals,
    int only_if_missing);
/* A signals reply of string values: name, value pairs ending with a NULL
 * name; a dotted name nests ("errors.title"), a NULL value is "".
 *   nitro_ds_reply_strings(req, "error", "", "title", "", NULL); */
NITRO_API int nitro_ds_reply_strings(nitro_req *req, const char *name, ...) NITRO_SENTINEL;
/* A signals reply of an entity: nitro_ds_entity_patch() sent as
 * nitro_ds_reply_signals() does. */
NITRO_API int nitro_ds_reply_entity(nitro_req *req, const nitro_schema *s, const void *obj,
    const char *prefix, const char *const *fields);

/* ---- the in-process test client ------------------------------------------- */

/*
 * Requests to an application without nginx or sockets, through the same
 * dispatcher as real ones (limits, CSRF check, middleware, router, error
 * pages), with a cookie jar.  See nitro_testc_request(3).
 */
typedef struct nitro_testc nitro_testc;

struct nitro_test_req {
	const char *method;		/* NULL: "GET" */
	const char *path;		/* with the query: "/todos?page=2"; NULL: "/" */
	const char *const *headers;	/* "Name: value", NULL-terminated; may be NULL */
	const void *body;		/* NULL: no body */
	size_t body_len;
	const char *remote_addr;	/* NULL: "127.0.0.1" */
};

struct nitro_test_header {
	const char *name;
	const char *value;
};

/* Valid until the client's next request or nitro_testc_free(). */
struct nitro_test_resp {
	int status;
	const struct nitro_test_header *headers;	/* all, in order */
	size_t nheaders;
	const char *body;		/* NUL-terminated after body_len bytes */
	size_t body_len;
};

NITRO_API nitro_testc *nitro_testc_new(nitro_app *app);
NITRO_API void nitro_testc_free(nitro_testc *c);
/* 0 when the application answered (whatever the status), or NITRO_EINVAL
 * for a malformed request, NITRO_ENOMEM. */
NITRO_API int nitro_testc_request(nitro_testc *c, const struct nitro_test_req *req,
    struct nitro_test_resp *resp);
/* The first header of that name (any case), or NULL. */
NITRO_API const char *nitro_testc_header(const struct nitro_test_resp *resp,
    const char *name);
/* A cookie the jar holds (set by responses), or NULL. */
NITRO_API const char *nitro_testc_cookie(nitro_testc *c, const char *name);

/* ---- from a request to an entity, and back ------------------------------ */

/*
 * Which fields nitro_req_bind() takes, and where signals sit; a zeroed
 * struct (or NULL) means every field a form shows (not the id, hidden or
 * computed ones) from the top level of the signals.
 */
struct nitro_bind_opts {
	const char *prefix;		/* a Datastar action's signals: the entity
					 * under this dotted path ("todo": $todo.title,
					 * as nitro_ui_form() binds it); a form and an
					 * API client's JSON body are never prefixed */
	const char *const *fields;	/* only these (NULL-terminated); a listed
					 * hidden or secret field is taken */
	const char *const *exclude;	/* never these */
	int allow_id;			/* take the id too (default: never) */
	int allow_secret;		/* take secret fields from signals too
					 * (forms always send them) */
};

/*
 * Fill obj (an initialised entity: nitro_entity_init() for a new one, a
 * loaded one for an edit) from the request, whichever way it came: an
 * urlencoded or multipart form (a checkbox left out is false, a BLOB is
 * the uploaded file), the query string of a GET, or Datastar signals and
 * JSON bodies (a field left out keeps its value).  Each value is converted
 * by nitro_entity_set_text() (empty is NULL), then the entity validated;
 * errs gets one message per failing field (its NITRO_F_MSG when declared).
 * 0; NITRO_EVALIDATE with errs filled; NITRO_EPARSE when the body is
 * malformed or over a limit (the runtime answers 400/413/415).
 */
NITRO_API int nitro_req_bind(nitro_req *req, const nitro_schema *s, void *obj,
    nitro_verrors *errs, const struct nitro_bind_opts *opts);

/* Write the form for obj with its errors into nitro_resp_body(req). */
typedef int (*nitro_form_render)(nitro_req *req, const nitro_schema *s, const void *obj,
    const nitro_verrors *errs, void *udata);

/*
 * Answer a request whose entity failed nitro_req_bind() the way its
 * client needs: a Datastar action gets 200 and a signals patch
 * {"errors":{"field":"message",...}} naming every field (an empty message
 * clears an old one); an API client (JSON body, Accept: application/json
 * or under json_prefix) gets 422 and {"error":{"status":422,"message":...,
 * "fields":{...}}}; a plain form post gets 422 and the form render writes
 * (render NULL: an error page listing the messages).
 */
NITRO_API int nitro_reply_invalid(nitro_req *req, const nitro_schema *s, const void *obj,
    const nitro_verrors *errs, nitro_form_render render, void *udata);

/*
 * Answer the search of a combobox that nitro_ui_form() wrote for field
 * (a reference with search_url): the rows of the referenced entity whose
 * label contains the query parameter q (ASCII case-insensitive; empty:
 * the first rows), ordered by label, at most the reference's limit (20),
 * as a Datastar elements patch of the form's option list.  s and form
 * must be what the form was written with (ids and signals agree).
 */
NITRO_API int nitro_reply_ref_search(nitro_req *req, const nitro_schema *s,
    const struct nitro_form_opts *form, const char *field);

/* ---- live streams --------------------------------------------------------- */

/*
 * A live stream is parked in the process's hub: the accept thread goes
 * back to serving requests while the hub pushes every event whose topic
 * matches one of the stream's patterns ("todo.*", "*.saved", exact names)
 * through the stream's render callback.  Events come from the app's
 * transport (nitro_app_opts.transport), so an event published by any
 * worker process reaches the streams of every worker.
 *
 * The hub ends every batch written for an event with the event's id (an
 * "id:" block after the callback's events; callbacks write no ids), so a
 * browser that reconnects with Last-Event-ID is first replayed exactly the
 * events it missed, then goes live.  When those events are no longer
 * retained, the callback gets one event with topic NITRO_LIVE_GAP
 * instead, and should render the whole view.
 */
#define NITRO_LIVE_GAP "nitro.gap"

struct nitro_live_event {
	int64_t id;		/* the transport's id; 0 for NITRO_LIVE_GAP */
	const char *topic;
	const char *payload;	/* JSON text ("{}" for NITRO_LIVE_GAP) */
	int replay;		/* 1 while catching up after a reconnect */
};

/* Append the SSE events for ev to out (views encoders), or nothing to let
 * it pass.  A negative return closes the stream. */
typedef int (*nitro_live_render)(const struct nitro_live_event *ev, nitro_buf *out,
    void *udata);

struct nitro_live_opts {
	const char *const *topics;	/* patterns */
	size_t ntopics;
	/* Every event, on the hub thread: it must not block. */
	nitro_live_render render;
	void *udata;
	void (*udata_free)(void *udata);	/* when the stream ends (may be NULL) */
	/*
	 * Optional: the first render of a fresh connection (no
	 * Last-Event-ID), given a NITRO_LIVE_GAP event: the client may show
	 * an older page.  Usually the same function as render.  It runs on
	 * the request's thread before the stream is parked, so it may read
	 * the database; what it writes is sent by the hub like any other
	 * event, and events published meanwhile are delivered after it.
	 * A negative return answers the request with 500 instead.
	 */
	nitro_live_render first;
};

/*
 * Open a live stream for this request and park it.  Returns 0 (the
 * handler then returns at once and never touches the stream), or a
 * negative NITRO_E* with an error response already set: 503 when the
 * process holds max_streams, 501 under plain CGI.
 */
NITRO_API int nitro_live(nitro_req *req, const struct nitro_live_opts *o);

/* ---- tables (the markup is <nitro/views.h>'s nitro_table_render()) ---------- */

/*
 * The table state this request asks for: the signals $<id>.page, .size,
 * .sort, .dir and .q when it sends an object <id>, else the query
 * parameters of those names, checked by nitro_table_parse().  A refused
 * state (a sort by anything but a sortable column, a page size over the
 * maximum, ...) fails the request: the runtime answers 400 with the
 * reason, so a handler just returns 0.
 */
NITRO_API int nitro_table_state_read(nitro_req *req, const struct nitro_table *t,
    struct nitro_table_state *st);
/* The selected ids: the signal $<id>.ids (a list), or repeated form
 * fields "ids".  At most the table's largest page (413 past it), each
 * checked for the id's type (400); *ids is in the request's arena. */
NITRO_API int nitro_table_ids(nitro_req *req, const struct nitro_table *t,
    nitro_id **ids, size_t *n);
/* Handlers taking the table as udata:
 *   nitro_route(app, "GET /customers/table", nitro_table_handler, &customers);
 * the table for the state sent (text/html, morphed in by its id); */
NITRO_API int nitro_table_handler(nitro_req *req, void *table);
/* POST bulk_url: delete the selected rows (each through
 * nitro_entity_delete(), so hooks, vetoes and events apply) and answer
 * the table again with a toast; */
NITRO_API int nitro_table_bulk_delete(nitro_req *req, void *table);
/* GET live_url: a live stream that tells the page to fetch the table
 * again whenever an <entity>.saved or <entity>.deleted event arrives on
 * the app's transport (the SQLite repository's log_changes publishes
 * them). */
NITRO_API int nitro_table_live(nitro_req *req, void *table);

struct nitro_hub_stats {
	size_t streams;		/* parked now */
	uint64_t parked, closed, events, bytes, dropped_slow, replayed, gaps;
};
NITRO_API void nitro_app_hub_stats(nitro_app *app, struct nitro_hub_stats *st);

#ifdef __cplusplus
}
#endif
#endif /* NITRO_FCGI_H */
