/*
 * Internal: the runtime's types.  One nitro_req per accept thread is
 * reused for every request that thread serves; its arena and response
 * buffers keep their memory between requests.
 */
#ifndef NITRO_FCGI_INTERNAL_H
#define NITRO_FCGI_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <fcgiapp.h>

#include "nitro/fcgi.h"
#include "core/clock.h"
#include "fcgi/parse.h"
#include "fcgi/router.h"

/* How a request reaches us and how its response leaves: FastCGI records
 * on a socket, CGI (stdin, and plain bytes on fd), or the in-process test
 * client (testc.c: the body from memory, the CGI bytes into a buffer). */
enum nitro_conn_mode { NITRO_CONN_FCGI, NITRO_CONN_CGI, NITRO_CONN_TEST };

/* Most bytes of one response the test client takes: past it a write
 * fails as if the client had gone (a stream that never ends). */
#define NITRO_TESTC_RESPONSE_MAX (16u << 20)

struct nitro_conn {
	enum nitro_conn_mode mode;
	nitro_buf *out;		/* test: the response */
	const char *in;		/* test: the body, in_len bytes, in_off read */
	size_t in_len, in_off;
	FCGX_Request *fr;	/* FastCGI: libfcgi's request (params, stdin) */
	int fd;			/* where records (or CGI output) are written */
	int request_id;		/* FastCGI request id */
	int keep;		/* FastCGI: the web server keeps the connection */
	struct nitro_deadline *dl;	/* the accept thread's deadline; NULL: none */
};

/* How long one read or write on a worker connection may take, unless
 * the io_timeout_ms option says otherwise (see deadline.c). */
#define NITRO_IO_TIMEOUT_MS 10000

/* One nitro_use(): prefix NULL is application-wide. */
struct nitro_mw {
	char *prefix;
	struct nitro_seg *segs;	/* the prefix's segments (in prefix's memory) */
	size_t nsegs;
	nitro_before_fn before;
	nitro_after_fn after;
	void *udata;
};

/* The path of a unix socket this process bound itself (--listen unix:),
 * and the inode it made there: on stop the path is unlinked only while it
 * is still that socket, not one a newer worker bound since, and never
 * when the socket was inherited (fd 0).  path NULL: none. */
struct nitro__own_path {
	const char *volatile path;	/* read by the SIGTERM handler */
	dev_t dev;
	ino_t ino;
};

struct nitro_app {
	struct nitro_router *router;
	struct nitro_mw mw[NITRO_MW_MAX];	/* in the order added */
	size_t nmw;
	size_t nmw_groups;	/* of which have a prefix */
	struct nitro_limits limits;
	unsigned threads;
	unsigned grace;
	unsigned io_timeout_ms;	/* the connection deadline */
	int access_log;
	int csrf_check;		/* refuse cross-site unsafe requests (on) */
	char *json_prefix;	/* errors under it are JSON (NULL: none) */
	atomic_int stopping;
	int wake_fd;		/* eventfd: readable once stopping */
	int aside_fd;		/* eventfd: the hub reached max_streams (worker.c) */
	int listen_fd;
	struct nitro__own_path own;	/* the unix socket this process bound */
	atomic_llong stop_ms;	/* CLOCK_MONOTONIC ms of the first stop (0: none) */
	atomic_uint in_flight;
	atomic_uint alive;	/* accept threads still running */
	nitro_transport *transport;	/* never NULL (nitro_app_transport) */
	int own_transport;		/* the in-memory one, freed with the app */
	struct nitro_hub_opts hub_opts;
	struct nitro_hub *hub;		/* live streams (FastCGI only) */
	struct nitro__owned *owned;	/* freed with the app (nitro__app_own) */
};

/* Memory a route's udata holds, freed by nitro_app_free() (app.c). */
struct nitro__owned {
	void (*free)(void *p);
	void *p;
	struct nitro__owned *next;
};
int nitro__app_own(nitro_app *app, void (*free_fn)(void *), void *p);

enum {
	PARSED_QUERY = 1 << 0,
	PARSED_COOKIES = 1 << 1,
	PARSED_BODY = 1 << 2,
	PARSED_FORM = 1 << 3,
	PARSED_JSON = 1 << 4,
	PARSED_SIGNALS = 1 << 5
};

struct nitro_req {
	nitro_app *app;
	struct nitro_conn conn;
	char **envp;
	nitro_arena *arena;
	struct timespec t0;

	const char *method;
	const char *path;	/* raw path, NUL-terminated (arena) */
	size_t path_len;
	const char *query;	/* raw query string, "" when none */
	int is_head;
	struct nitro_match match;

	unsigned parsed;
	struct nitro_kvlist query_kv;
	struct nitro_kvlist cookies;
	struct nitro_kvlist form;
	struct nitro_upload *files;
	size_t nfiles;
	const char *body;
	size_t body_len;
	int body_eof;		/* stdin was read to its end */
	json_object *json;
	json_object *signals;
	struct nitro_perr fail;	/* fail.status != 0: answer with it */

	int status;
	nitro_buf head;		/* extra header lines "Name: value\r\n" */
	nitro_buf cookies_out;	/* Set-Cookie lines: kept by errors and redirects */
	nitro_buf body_out;
	const char *content_type;	/* NULL: text/html; charset=utf-8 */
	int sent;		/* the response (or a stream's head) was written */
	int error_page;		/* nitro_resp_error() made the response */
	size_t bytes_out;	/* body bytes sent, for the access log */
	nitro_stream *stream;
	int parked;		/* the stream's socket now belongs to the hub */

	/* Middleware: the layers entered, in order (indexes into app->mw),
	 * and whether their after-functions have run. */
	unsigned char mw_chain[NITRO_MW_MAX];
	unsigned mw_n;
	int mw_after_done;
	struct nitro_local *locals;	/* nitro_req_set() (arena) */

	char rid[NITRO_REQ_ID_MAX + 1];	/* nitro_req_id() */
	unsigned char rnd[256];	/* random bytes for ids, used from the end */
	size_t rnd_left;
};

struct nitro_stream {
	nitro_req *req;		/* NULL once the stream outlives its request */
	struct nitro_conn conn;
	int closed;		/* the client has gone or the stream ended */
	int ended;		/* end records written */
	int parked;		/* handed to the hub: nothing more to write */
	size_t bytes;
};

/* deadline.c: the connection deadline (NITRO_IO_TIMEOUT_MS).  An accept
 * thread attaches its connection to its slot, arms the slot around each
 * wait on it, and detaches it before it lets the connection go; the
 * watchdog shuts down a connection whose wait has passed the deadline.
 * A NULL slot arms nothing (the hub's writes, CGI). */
enum nitro_io_op { NITRO_IO_IDLE, NITRO_IO_REQUEST, NITRO_IO_BODY, NITRO_IO_WRITE,
	NITRO_IO_NOPS };
struct nitro_watchdog;
struct nitro_deadline;
struct nitro_watchdog *nitro__watchdog_start(unsigned nslots, unsigned ms);
struct nitro_deadline *nitro__watchdog_slot(struct nitro_watchdog *wd, unsigned i);
/* Once no thread uses a slot any more. */
void nitro__watchdog_stop(struct nitro_watchdog *wd);
int nitro__deadline_attach(struct nitro_deadline *d, int fd);
void nitro__deadline_detach(struct nitro_deadline *d);
void nitro__deadline_arm(struct nitro_deadline *d, enum nitro_io_op op);
/* Disarm; 1 when the connection has been cut (by this wait or before). */
int nitro__deadline_disarm(struct nitro_deadline *d);

/* record.c: FastCGI records on a connection (or plain bytes in CGI). */
/* Largest record content written; a multiple of 8 so no padding is needed. */
#define NITRO_FCGI_REC_MAX 65528
/* Append data[0..len) framed as STDOUT records (none for len 0): 0, or
 * the buffer's error. */
int nitro__fcgi_frame(nitro_buf *out, int request_id, const void *data, size_t len);
int nitro__conn_write(struct nitro_conn *c, const void *a, size_t alen,
    const void *b, size_t blen);
/* The same, and with end set, the records that end the response, all in
 * one system call. */
int nitro__conn_send(struct nitro_conn *c, const void *a, size_t alen,
    const void *b, size_t blen, int end);
int nitro__conn_end(struct nitro_conn *c);
/* Refuse a request whose role is not RESPONDER (FCGI_UNKNOWN_ROLE). */
int nitro__conn_unknown_role(struct nitro_conn *c);
/* Cut the response so that the browser reconnects (shutdown). */
void nitro__conn_abort(struct nitro_conn *c);
/* Read up to n bytes of the request body; 0 at its end, <0 on error. */
long nitro__conn_read(struct nitro_conn *c, void *buf, size_t n);

/* req.c */
void nitro__req_init(nitro_req *req, nitro_app *app);
void nitro__req_begin(nitro_req *req, struct nitro_conn *conn, char **envp);
void nitro__req_end(nitro_req *req);
void nitro__req_destroy(nitro_req *req);
int nitro__req_read_body(nitro_req *req);
/* Record a parser failure; the first one wins. */
void nitro__req_failed(nitro_req *req, const struct nitro_perr *e);
void nitro__req_drain(nitro_req *req);
/* CONTENT_LENGTH says there is a body (present, non-empty, not "0"). */
int nitro__req_has_body(const nitro_req *req);

/* reqid.c: take the request's id from its X-Request-Id or make one. */
void nitro__req_id_begin(nitro_req *req);

/* resp.c */
int nitro__resp_finish(nitro_req *req);
/* 1 when an error for req is JSON: under json_prefix, or asked by Accept. */
int nitro__error_as_json(nitro_req *req);
const char *nitro__status_text(int status);
int nitro__resp_head(nitro_req *req, nitro_buf *out, int with_length);

/* dispatch.c: route, call the handler, answer, log. */
void nitro__dispatch(nitro_req *req);
/* After a handler or before-function returned rc: answer a parser
 * failure or a failed call (500) unless a response was already made;
 * 1 when the request is now answered that way. */
int nitro__dispatch_result(nitro_req *req, int rc, const char *who);

/* mw.c: middleware.  Run the before-functions whose prefix covers the
 * request; 1 when one answered it (the route is then not called). */
int nitro__mw_before(nitro_req *req);
/* The after-functions of the layers entered, innermost first; once. */
void nitro__mw_after(nitro_req *req);
void nitro__mw_free(nitro_app *app);

/* stream.c */
void nitro__stream_release(nitro_req *req);
/* Append the head of a stream's response (status 200, text/event-stream,
 * the handler's headers and cookies) to out; 0 or the buffer's error. */
int nitro__stream_head(nitro_req *req, nitro_buf *out);

/* app.c: an eventfd used as a flag.  Post makes it readable (posting to a
 * readable one changes nothing that matters); drain makes it quiet again.
 * Both are async-signal-safe and ignore EAGAIN. */
void nitro__efd_post(int fd);
void nitro__efd_drain(int fd);

/* live.c: the hub's life within nitro_app_run(). */
int nitro__app_hub_start(nitro_app *app);
void nitro__app_hub_stop(nitro_app *app);

/* cgi.c */
int nitro__serve_cgi(nitro_app *app);

/* listen.c */
int nitro__listen(const char *spec, int public_ok, struct nitro__own_path *own);
void nitro__listen_unlink(const struct nitro__own_path *own);

/* worker.c */
int nitro__serve_fcgi(nitro_app *app, int listen_fd);

#endif
