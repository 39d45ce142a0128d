/*
 * The FastCGI accept threads.
 *
 * Nitro accepts connections itself and hands each one to libfcgi only to
 * read the request.  libfcgi's own accept gives up on EMFILE, waits up to
 * two seconds on every unix-socket connection, and cannot be woken for a
 * graceful stop; ours uses epoll with EPOLLEXCLUSIVE (one thread woken per
 * connection, not all of them in every worker process), retries EINTR,
 * EMFILE and ENFILE with back-off, and watches an eventfd that SIGTERM
 * makes readable.
 *
 * The listening socket is non-blocking.  Under spawn-fcgi it is shared by
 * every worker process, which are all Nitro workers doing the same.
 *
 * On stop the threads first take what the kernel already queued on the
 * socket (drain_one): connections nginx has sent a request on and would
 * not retry elsewhere, which closing the socket would reset (a 502).  Our
 * own unix socket's path is unlinked before (nitro_app_stop), so nothing
 * new queues; an inherited one may still get connections from the web
 * server, so the drain is bounded in time.
 *
 * The kernel gives a connection to whichever process waits first, not to
 * the one with the fewest streams, so one worker may hold its limit of
 * live streams while a sibling holds none.  A worker at its limit would
 * only answer a new stream with 503; it steps aside instead (see
 * step_aside) and lets a sibling with room take the connection.
 *
 * Every wait on a connection has a deadline (deadline.c): a peer that
 * sends half a request, idles on a kept connection or stops reading is
 * cut, and the thread goes back to accepting.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fcgi/hub.h"
#include "fcgi/internal.h"

/* How a worker at its stream limit steps aside: it looks every
 * FULL_STEP_MS, and serves a connection left waiting FULL_WAIT_MS. */
#define FULL_STEP_MS 5
#define FULL_WAIT_MS 20

/* The drain on stop takes at most this share of the grace period, so
 * that what it accepts has the rest to finish. */
#define DRAIN_GRACE_DIV 2

#define EV_ASIDE 1	/* epoll data of app->aside_fd (the others: 0) */

#define FCGI_RESPONDER 1	/* the one FastCGI role served */

struct worker {
	nitro_app *app;
	pthread_t tid;
	int epfd;
	struct nitro_deadline *dl;	/* of the connection this thread serves */
};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int hub_full(nitro_app *app)
{
	nitro_hub *h = app->hub;

	return h != NULL && nitro__hub_full(h);
}

/*
 * While this process holds its limit of live streams, stay out of
 * epoll_wait: an EPOLLEXCLUSIVE entry whose epoll set has no waiter does
 * not count as woken, so the kernel wakes a sibling worker sharing the
 * socket instead.  (Threads already waiting when the limit is reached are
 * woken by app->aside_fd, which the hub writes then.)  Return when a
 * place comes free, or when a connection has waited FULL_WAIT_MS
 * unclaimed (no sibling has room, or there is none): an ordinary request
 * must still be served, and a stream is then refused with 503 as before.
 */
static void step_aside(nitro_app *app)
{
	struct pollfd p = {app->listen_fd, POLLIN, 0};
	long waited = 0;

	while (!atomic_load(&app->stopping) && hub_full(app)) {
		sleep_ms(FULL_STEP_MS);
		if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
			waited = 0;	/* nothing waits, or a sibling took it */
		else if ((waited += FULL_STEP_MS) >= FULL_WAIT_MS)
			return;
	}
}

/*
 * Once stopping: a connection still queued on the listening socket, or -1
 * when there is none left (or the drain's share of the grace is spent).
 */
static int drain_one(nitro_app *app)
{
	long long until = atomic_load(&app->stop_ms) +
	    (long long)app->grace * 1000 / DRAIN_GRACE_DIV;

	while (nitro__now_ms() < until) {
		int fd = accept4(app->listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd >= 0)
			return fd;
		if (errno != EINTR && errno != ECONNABORTED && errno != EPROTO)
			break;	/* EAGAIN: drained; anything else: give up */
	}
	return -1;
}

/*
 * Wait for a connection.  Returns its fd, or -1 when the app is stopping
 * and nothing is left queued.
 */
static int accept_one(struct worker *w)
{
	nitro_app *app = w->app;
	long backoff = 0;
	struct epoll_event ev;

	for (;;) {
		int fd, full;

		if (atomic_load(&app->stopping))
			return drain_one(app);
		full = hub_full(app);

		if (full)
			step_aside(app);
		if ((fd = accept4(app->listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
			return fd;
		switch (errno) {
		case EAGAIN:
#if EAGAIN != EWOULDBLOCK
		case EWOULDBLOCK:
#endif
			backoff = 0;
			if (full)
				break;	/* a sibling took it: step aside again */
			/* aside_fd stays readable while the hub is full, so a
			 * kick that came before this wait ends it at once;
			 * the thread that finds it readable once there is
			 * room again quiets it. */
			if (epoll_wait(w->epfd, &ev, 1, -1) < 0) {
				if (errno != EINTR) {
					nitro_log(NITRO_LOG_ERROR, "epoll_wait failed",
					    "error", strerror(errno), NULL);
					sleep_ms(100);
				}
			} else if (ev.data.u64 == EV_ASIDE && !hub_full(app)) {
				nitro__efd_drain(app->aside_fd);
			}
			break;
		case EINTR:
		case ECONNABORTED:
		case EPROTO:
			break;
		case EMFILE:
		case ENFILE:
		case ENOBUFS:
		case ENOMEM:
			/* Out of descriptors or memory: wait for requests in
			 * flight to give some back, then try again. */
			backoff = backoff ? (backoff * 2 > 1000 ? 1000 : backoff * 2) : 10;
			nitro_log(NITRO_LOG_WARN, "accept: out of resources, backing off",
			    "error", strerror(errno), NULL);
			sleep_ms(backoff);
			break;
		default:
			nitro_log(NITRO_LOG_ERROR, "accept failed", "error",
			    strerror(errno), NULL);
			sleep_ms(backoff = 1000);
			break;
		}
	}
}

/* Wait until a kept-alive connection has the next request (1) or the app
 * stops, the peer closes or the deadline passes (0). */
static int wait_readable(nitro_app *app, int fd, struct nitro_deadline *dl)
{
	struct pollfd p[2] = {{fd, POLLIN, 0}, {app->wake_fd, POLLIN, 0}};
	int ready = 0;

	nitro__deadline_arm(dl, NITRO_IO_IDLE);
	while (!atomic_load(&app->stopping)) {
		int n = poll(p, 2, -1);

		if (n < 0 && errno == EINTR)
			continue;
		ready = n > 0 && !p[1].revents && (p[0].revents & (POLLIN | POLLHUP));
		break;
	}
	return !nitro__deadline_disarm(dl) && ready;
}

/* Let the connection go: the watchdog's descriptor, then ours. */
static void hang_up(FCGX_Request *fr, struct nitro_deadline *dl)
{
	nitro__deadline_detach(dl);
	if (fr->ipcFd >= 0)
		close(fr->ipcFd);
	fr->ipcFd = -1;
}

/*
 * Read the next request's head on the connection within the deadline.
 * 0, or -1 when there is none: the connection is then closed.
 */
static int read_request(FCGX_Request *fr, struct nitro_deadline *dl)
{
	int rc, cut;

	/* keepConnection 1 stops FCGX_Accept_r from closing the fd we just
	 * gave it; BEGIN_REQUEST then sets the real value.  Detached, it
	 * closes a broken connection at once instead of reading what the
	 * peer still sends for up to two seconds after each read. */
	fr->keepConnection = 1;
	FCGX_Detach(fr);
	nitro__deadline_arm(dl, NITRO_IO_REQUEST);
	rc = FCGX_Accept_r(fr);
	cut = nitro__deadline_disarm(dl);
	if (rc < 0) {
		/* A broken request: libfcgi closed the connection. */
		fr->ipcFd = -1;
		hang_up(fr, dl);
		return -1;
	}
	if (cut) {
		FCGX_Free(fr, 0);
		hang_up(fr, dl);
		return -1;
	}
	return 0;
}

/* A role other than RESPONDER (AUTHORIZER, FILTER) is refused, never
 * served as a request; the connection is closed, since the web server
 * may still send that request's input. */
static void refuse_role(FCGX_Request *fr, struct nitro_deadline *dl)
{
	struct nitro_conn conn = {.mode = NITRO_CONN_FCGI, .fr = fr, .fd = fr->ipcFd,
		.request_id = fr->requestId, .dl = dl};
	char role[16];

	snprintf(role, sizeof role, "%d", fr->role);
	nitro_log(NITRO_LOG_WARN, "FastCGI role refused: only RESPONDER is served",
	    "role", role, NULL);
	nitro__conn_unknown_role(&conn);
	FCGX_Free(fr, 0);
	hang_up(fr, dl);
}

static void serve_connection_request(nitro_app *app, nitro_req *req, FCGX_Request *fr,
    struct nitro_deadline *dl)
{
	struct nitro_conn conn = {.mode = NITRO_CONN_FCGI, .fr = fr, .fd = fr->ipcFd,
		.request_id = fr->requestId, .keep = fr->keepConnection, .dl = dl};

	atomic_fetch_add(&app->in_flight, 1);
	nitro__req_begin(req, &conn, fr->envp);
	nitro__dispatch(req);
	/* keep-alive needs the whole body consumed to stay in step */
	int keep = fr->keepConnection && req->body_eof;
	if (fr->keepConnection && !req->body_eof)
		keep = !nitro__req_has_body(req);
	int parked = req->parked;
	nitro__req_end(req);
	/* The response is written: free libfcgi's buffers without letting
	 * it write anything more. */
	FCGX_Free(fr, 0);
	if (nitro__deadline_disarm(dl))
		keep = 0;	/* cut at the deadline */
	if (parked) {
		fr->ipcFd = -1;	/* the hub owns the socket now */
		keep = 0;
	}
	if (!keep)
		hang_up(fr, dl);
	fr->keepConnection = keep;
	atomic_fetch_sub(&app->in_flight, 1);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	nitro_app *app = w->app;
	FCGX_Request fr;
	nitro_req req;

	nitro__req_init(&req, app);
	/* listen_sock -1: libfcgi must never accept by itself (see above). */
	FCGX_InitRequest(&fr, -1, 0);
	for (;;) {	/* until accept_one has nothing more, stopping */
		if (fr.ipcFd < 0) {
			int fd = accept_one(w);
			if (fd < 0)
				break;
			fr.ipcFd = fd;
			if (nitro__deadline_attach(w->dl, fd) != 0) {
				/* Out of descriptors: without a deadline the
				 * connection could hold this thread for ever. */
				nitro_log(NITRO_LOG_WARN, "connection refused", "error",
				    nitro_errmsg(), NULL);
				hang_up(&fr, w->dl);
				continue;
			}
		} else if (!wait_readable(app, fr.ipcFd, w->dl)) {
			hang_up(&fr, w->dl);
			continue;
		}
		if (read_request(&fr, w->dl) != 0)
			continue;
		if (fr.role != FCGI_RESPONDER)
			refuse_role(&fr, w->dl);
		else
			serve_connection_request(app, &req, &fr, w->dl);
	}
	hang_up(&fr, w->dl);
	FCGX_Free(&fr, 0);
	nitro__req_destroy(&req);
	atomic_fetch_sub(&app->alive, 1);
	return NULL;
}

/* Wait for SIGTERM, then up to the grace period for requests in flight.
 * Returns 1 when every thread has finished. */
static int wait_for_stop(nitro_app *app)
{
	struct pollfd p = {app->wake_fd, POLLIN, 0};
	struct timespec t0, t;

	while (!atomic_load(&app->stopping) && atomic_load(&app->alive) > 0)
		if (poll(&p, 1, 1000) < 0 && errno != EINTR)
			sleep_ms(100);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (atomic_load(&app->alive) == 0)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= (time_t)app->grace)
			break;
		sleep_ms(20);
	}
	nitro_log(NITRO_LOG_WARN, "requests still running after the grace period; exiting",
	    NULL);
	return 0;
}

int nitro__serve_fcgi(nitro_app *app, int listen_fd)
{
	struct nitro_watchdog *wd;
	struct worker *ws;
	unsigned i, started = 0;
	int flags, rc = 0;

	flags = fcntl(listen_fd, F_GETFL);
	if (flags < 0 || fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return nitro_error(NITRO_EIO, "listening socket: %s", strerror(errno));
	app->listen_fd = listen_fd;
	/* Closed with the app: a request still in flight may write it. */
	if (app->aside_fd < 0 && (app->aside_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
		return nitro_error(NITRO_EIO, "eventfd: %s", strerror(errno));
	if ((wd = nitro__watchdog_start(app->threads, app->io_timeout_ms)) == NULL)
		return nitro__errcode();
	ws = calloc(app->threads, sizeof *ws);
	if (ws == NULL) {
		nitro__watchdog_stop(wd);
		return nitro__oom(NULL);
	}
	for (i = 0; i < app->threads; i++) {
		struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE};

		ws[i].app = app;
		ws[i].dl = nitro__watchdog_slot(wd, i);
		ws[i].epfd = epoll_create1(EPOLL_CLOEXEC);
		if (ws[i].epfd < 0 ||
		    epoll_ctl(ws[i].epfd, EPOLL_CTL_ADD, listen_fd, &ev) < 0) {
			rc = nitro_error(NITRO_EIO, "epoll: %s", strerror(errno));
			break;
		}
		ev.events = EPOLLIN;
		if (epoll_ctl(ws[i].epfd, EPOLL_CTL_ADD, app->wake_fd, &ev) < 0 ||
		    epoll_ctl(ws[i].epfd, EPOLL_CTL_ADD, app->aside_fd,
		    &(struct epoll_event){.events = EPOLLIN, .data.u64 = EV_ASIDE}) < 0) {
			rc = nitro_error(NITRO_EIO, "epoll: %s", strerror(errno));
			break;
		}
		atomic_fetch_add(&app->alive, 1);
		if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) != 0) {
			atomic_fetch_sub(&app->alive, 1);
			rc = nitro_error(NITRO_EIO, "cannot start thread %u", i);
			break;
		}
		started++;
	}
	if (rc != 0)
		nitro_app_stop(app);
	if (wait_for_stop(app)) {
		for (i = 0; i < started; i++)
			pthread_join(ws[i].tid, NULL);
		for (i = 0; i < app->threads; i++)
			if (ws[i].epfd > 0)
				close(ws[i].epfd);
		free(ws);
		nitro__watchdog_stop(wd);
	} else {
		/* Threads still hold ws and their deadlines, which the
		 * watchdog keeps enforcing: leave them to the process exit. */
		for (i = 0; i < started; i++)
			pthread_detach(ws[i].tid);
	}
	return rc;
}
