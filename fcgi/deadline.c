/*
 * Deadlines on the connections from the web server.
 *
 * An accept thread blocks on its connection while it waits for a kept
 * connection's next request, reads a request's head (inside libfcgi),
 * reads its body and writes its response.  A peer that sends part of a
 * record, idles, or stops reading would hold the thread for ever, and a
 * few such connections hold every thread of the process.  So each of
 * those waits is armed with the connection deadline
 * (io_timeout_ms in struct nitro_app_opts), and one watchdog thread per process shuts
 * down the socket of a wait that passes it: the blocked read then sees
 * the end of the stream and the blocked write EPIPE, and the thread
 * closes the connection and goes back to accepting.  A timer per wait is
 * not needed: the watchdog looks a few times per deadline (TICK_*).
 *
 * The watchdog holds a descriptor of its own for the socket (a dup made
 * when the thread takes the connection): libfcgi closes a connection it
 * finds broken without telling us, and the number it frees may already
 * be another connection's when the watchdog looks.  shutdown() acts on
 * the socket, so the dup reaches it whatever happened to the original.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fcgi/internal.h"

/* The watchdog looks every tenth of the deadline, within these bounds. */
#define TICK_MIN_MS 10
#define TICK_MAX_MS 500

struct nitro_deadline {
	pthread_mutex_t mu;
	struct nitro_watchdog *wd;
	int fd;			/* the watchdog's descriptor of the socket; -1: none */
	int64_t until;		/* CLOCK_MONOTONIC ms; 0: nothing armed */
	enum nitro_io_op op;
	int cut;		/* the watchdog shut the connection down */
};

struct nitro_watchdog {
	struct nitro_deadline *slots;
	unsigned nslots;
	unsigned ms;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
	nitro_counter *cuts[NITRO_IO_NOPS];
};

/* What each wait is called in /metrics and the log, and how loud a cut
 * is: a kept connection that idles past the deadline is nginx's pool
 * doing its job, the rest is a peer that is slow or stuck. */
static const struct {
	const char *name;
	int level;
} ops[NITRO_IO_NOPS] = {
	[NITRO_IO_IDLE] = {"idle", NITRO_LOG_INFO},
	[NITRO_IO_REQUEST] = {"request", NITRO_LOG_WARN},
	[NITRO_IO_BODY] = {"body", NITRO_LOG_WARN},
	[NITRO_IO_WRITE] = {"write", NITRO_LOG_WARN},
};

/* Shut down every connection whose wait is over; count and log each. */
static void sweep(struct nitro_watchdog *wd)
{
	int64_t now = nitro__now_ms();
	char ms[24];

	for (unsigned i = 0; i < wd->nslots; i++) {
		struct nitro_deadline *d = &wd->slots[i];
		int fired = 0;
		enum nitro_io_op op;

		pthread_mutex_lock(&d->mu);
		if (d->until != 0 && now >= d->until && d->fd >= 0 && !d->cut) {
			shutdown(d->fd, SHUT_RDWR);
			d->cut = fired = 1;
		}
		op = d->op;
		pthread_mutex_unlock(&d->mu);
		if (!fired)
			continue;
		if (wd->cuts[op] != NULL)
			nitro_counter_add(wd->cuts[op], 1);
		snprintf(ms, sizeof ms, "%u", wd->ms);
		nitro_log(ops[op].level, "connection deadline passed; closed",
		    "op", ops[op].name, "ms", ms, NULL);
	}
}

static void *watch(void *arg)
{
	struct nitro_watchdog *wd = arg;
	unsigned tick = wd->ms / 10;
	struct timespec at;

	tick = tick < TICK_MIN_MS ? TICK_MIN_MS : tick > TICK_MAX_MS ? TICK_MAX_MS : tick;
	pthread_mutex_lock(&wd->mu);
	while (!wd->done) {
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_nsec += (long)tick * 1000000L;
		at.tv_sec += at.tv_nsec / 1000000000L;
		at.tv_nsec %= 1000000000L;
		if (pthread_cond_timedwait(&wd->cv, &wd->mu, &at) != ETIMEDOUT || wd->done)
			continue;
		pthread_mutex_unlock(&wd->mu);
		sweep(wd);
		pthread_mutex_lock(&wd->mu);
	}
	pthread_mutex_unlock(&wd->mu);
	return NULL;
}

static void watchdog_free(struct nitro_watchdog *wd, unsigned inited)
{
	for (unsigned i = 0; i < inited; i++)
		pthread_mutex_destroy(&wd->slots[i].mu);
	free(wd->slots);
	free(wd);
}

struct nitro_watchdog *nitro__watchdog_start(unsigned nslots, unsigned ms)
{
	struct nitro_watchdog *wd = calloc(1, sizeof *wd);
	pthread_condattr_t ca;
	char labels[32];
	unsigned i;

	if (wd == NULL || (wd->slots = calloc(nslots, sizeof *wd->slots)) == NULL) {
		free(wd);
		nitro__oom(NULL);
		return NULL;
	}
	wd->nslots = nslots;
	wd->ms = ms;
	for (i = 0; i < nslots; i++) {
		struct nitro_deadline *d = &wd->slots[i];

		if (pthread_mutex_init(&d->mu, NULL) != 0)
			goto fail;
		d->wd = wd;
		d->fd = -1;
	}
	for (int op = 0; op < NITRO_IO_NOPS; op++) {
		snprintf(labels, sizeof labels, "op=\"%s\"", ops[op].name);
		wd->cuts[op] = nitro_counter_get("nitro_conn_timeouts_total",
		    "Connections from the web server closed at the connection "
		    "deadline, by what they were late with.", labels);
	}
	if (pthread_condattr_init(&ca) != 0)
		goto fail;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&wd->cv, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		goto fail;
	}
	pthread_condattr_destroy(&ca);
	if (pthread_mutex_init(&wd->mu, NULL) != 0) {
		pthread_cond_destroy(&wd->cv);
		goto fail;
	}
	if (pthread_create(&wd->tid, NULL, watch, wd) != 0) {
		pthread_mutex_destroy(&wd->mu);
		pthread_cond_destroy(&wd->cv);
		goto fail;
	}
	return wd;
fail:
	watchdog_free(wd, i);
	nitro_error(NITRO_EIO, "cannot start the connection watchdog");
	return NULL;
}

struct nitro_deadline *nitro__watchdog_slot(struct nitro_watchdog *wd, unsigned i)
{
	return &wd->slots[i];
}

void nitro__watchdog_stop(struct nitro_watchdog *wd)
{
	if (wd == NULL)
		return;
	pthread_mutex_lock(&wd->mu);
	wd->done = 1;
	pthread_cond_signal(&wd->cv);
	pthread_mutex_unlock(&wd->mu);
	pthread_join(wd->tid, NULL);
	for (unsigned i = 0; i < wd->nslots; i++)
		if (wd->slots[i].fd >= 0)
			close(wd->slots[i].fd);
	pthread_mutex_destroy(&wd->mu);
	pthread_cond_destroy(&wd->cv);
	watchdog_free(wd, wd->nslots);
}

int nitro__deadline_attach(struct nitro_deadline *d, int fd)
{
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	if (own < 0)
		return nitro_error(NITRO_EIO, "dup: %s", strerror(errno));
	pthread_mutex_lock(&d->mu);
	d->fd = own;
	d->until = 0;
	d->cut = 0;
	pthread_mutex_unlock(&d->mu);
	return 0;
}

void nitro__deadline_detach(struct nitro_deadline *d)
{
	int own;

	pthread_mutex_lock(&d->mu);
	own = d->fd;
	d->fd = -1;
	d->until = 0;
	pthread_mutex_unlock(&d->mu);
	if (own >= 0)
		close(own);
}

void nitro__deadline_arm(struct nitro_deadline *d, enum nitro_io_op op)
{
	int64_t until;

	if (d == NULL)
		return;
	until = nitro__now_ms() + d->wd->ms;
	pthread_mutex_lock(&d->mu);
	d->until = until;
	d->op = op;
	pthread_mutex_unlock(&d->mu);
}

int nitro__deadline_disarm(struct nitro_deadline *d)
{
	int cut;

	if (d == NULL)
		return 0;
	pthread_mutex_lock(&d->mu);
	d->until = 0;
	cut = d->cut;
	pthread_mutex_unlock(&d->mu);
	return cut;
}
