/*
 * The hub and a transport with a watch descriptor (as PostgreSQL's LISTEN
 * socket and SQLite's inotify watch are): the descriptor wakes the hub, so
 * an idle hub does not poll every poll_ms; a wake that comes before the
 * commit shows is looked at again soon, not a backstop later; and an event
 * whose wake never came still arrives, by the backstop.
 *
 * The transport here is the test's own, through the public ops: events
 * are appended by the test and become visible (committed) when it says,
 * and the eventfd it hands the hub is written only when the test says.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fcgi/hub.h"
#include "hub_read.h"
#include "t.h"

#define EVENTS_MAX 8

static struct {
	pthread_mutex_t mu;
	int64_t visible;		/* ids 1..visible are committed */
	int efd;			/* the watch descriptor */
	atomic_int changed_calls;
} log_ = {.mu = PTHREAD_MUTEX_INITIALIZER, .efd = -1};

struct reader {
	int64_t seen;			/* visible at the last changed() */
};

static int w_publish(void *self, const char *topic, const char *json, int64_t *id)
{
	return NITRO_EIO;	/* the test appends itself */
}

static int w_head(void *self, int64_t *id)
{
	pthread_mutex_lock(&log_.mu);
	*id = log_.visible;
	pthread_mutex_unlock(&log_.mu);
	return 0;
}

static void *w_follow(void *self)
{
	struct reader *r = calloc(1, sizeof *r);

	if (r != NULL)
		w_head(NULL, &r->seen);
	return r;
}

static int w_changed(void *reader)
{
	struct reader *r = reader;
	int64_t v;

	atomic_fetch_add(&log_.changed_calls, 1);
	w_head(NULL, &v);
	if (v == r->seen)
		return 0;
	r->seen = v;
	return 1;
}

static int w_read(void *reader, int64_t after, size_t limit, nitro_tevent **out, size_t *n)
{
	int64_t v;
	size_t k = 0;

	w_head(NULL, &v);
	*out = NULL;
	*n = 0;
	if (after >= v)
		return 0;
	if ((*out = calloc((size_t)(v - after), sizeof **out)) == NULL)
		return NITRO_ENOMEM;
	for (int64_t id = after + 1; id <= v && k < limit; id++, k++) {
		(*out)[k].id = id;
		(*out)[k].topic = strdup("w.t");
		(*out)[k].payload = strdup("{}");
	}
	*n = k;
	return 0;
}

static void w_unfollow(void *reader) { free(reader); }
static void w_free(void *self) { }
static int w_watch_fd(void *reader) { return log_.efd; }

static void commit(void)
{
	pthread_mutex_lock(&log_.mu);
	log_.visible++;
	pthread_mutex_unlock(&log_.mu);
}

static void wake(void)
{
	uint64_t one = 1;

	if (write(log_.efd, &one, sizeof one) != sizeof one)
		abort();
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	return nitro_buf_printf(out, "data: %s\n\n", ev->topic);
}

/* Read the stream until "id: ID" came or timeout_ms passed; the time it
 * came (ms), or -1. */
static int64_t arrival(int fd, int64_t id, int timeout_ms)
{
	char out[4096], want[32];
	int64_t end = now_ms() + timeout_ms;

	snprintf(want, sizeof want, "id: %lld\n", (long long)id);
	while (now_ms() < end) {
		if (read_stream(fd, out, sizeof out, 1, (int)(end - now_ms())) > 0 &&
		    strstr(out, want) != NULL)
			return now_ms();
	}
	return -1;
}

int main(void)
{
	static const struct nitro_transport_ops ops = {w_publish, w_head, w_follow,
	    w_changed, w_read, w_unfollow, w_free, w_watch_fd, NULL, NULL};
	/* poll_ms 10: what a hub without a watch descriptor would poll at. */
	struct nitro_app_opts o = {.hub = {.poll_ms = 10, .heartbeat_ms = 60000}};
	static const char *topics[1] = {"w.*"};
	struct nitro_live_opts lo = {topics, 1, render, NULL, NULL, NULL};
	nitro_buf pending = NITRO_BUF_INIT;
	struct nitro_hub_stats st;
	nitro_app *app;
	int sv[2], calls;
	int64_t t0, t;

	nitro_log_set_level(NITRO_LOG_OFF);
	log_.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	o.transport = nitro_transport_new(&ops, NULL);
	app = nitro_app_new(&o);
	struct nitro_app *ap = app;
	ap->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	T_EQ_INT(nitro__app_hub_start(app), 0, "the hub follows a transport with a watch fd");
	nitro_hub *h = ap->hub;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	T_EQ_INT(nitro__hub_reserve(h), 0, "a stream is reserved");
	T_EQ_INT(nitro__hub_park(h, sv[0], 7, &lo, nitro__hub_epoch(h), 0, 0, &pending), 0,
	    "and parked");
	for (int i = 0; i < 200; i++) {
		nitro_app_hub_stats(app, &st);
		if (st.streams == 1)
			break;
		usleep(10000);
	}

	/* Idle: nothing published, nothing woke it. */
	usleep(200000);
	atomic_store(&log_.changed_calls, 0);
	usleep(1000000);
	calls = atomic_load(&log_.changed_calls);
	if (calls >= 25)
		printf("# changed() was called %d times in 1 s\n", calls);
	T_OK(calls < 25, "an idle hub with a watch fd does not poll every poll_ms"
	    " (at 10 ms: 100 calls a second)");
	T_OK(calls >= 2, "but it still looks now and then, as a backstop");

	/* A wake that comes 100 ms before the commit shows (SQLite writes its
	 * WAL before its index, and may fsync between): the hub looks again
	 * after 1, 2, 4 ... 64 ms, eight looks by 127 ms; with one look after
	 * the wake and then the backstop it would make three or four. */
	atomic_store(&log_.changed_calls, 0);
	wake();
	usleep(100000);
	commit();
	t = arrival(sv[1], 1, 3000);
	calls = atomic_load(&log_.changed_calls);
	T_OK(t >= 0, "an event committed after its wake arrives");
	if (calls < 6)
		printf("# changed() was called %d times\n", calls);
	T_OK(calls >= 6, "the hub looked again and again after the wake, not only at the backstop");

	/* No wake at all (a lost notification): the backstop finds it. */
	usleep(100000);
	commit();
	T_OK(arrival(sv[1], 2, 3000) >= 0, "an event whose wake never came arrives by the backstop");

	/* And the ordinary case: commit, then wake. */
	commit();
	wake();
	t0 = now_ms();
	t = arrival(sv[1], 3, 3000);
	T_OK(t >= 0 && t - t0 < 200, "an event with its wake arrives at once");

	nitro_app_stop(app);
	nitro__app_hub_stop(app);
	close(sv[1]);
	nitro_app_free(app);
	nitro_transport_free(o.transport);
	close(log_.efd);
	return t_done();
}
