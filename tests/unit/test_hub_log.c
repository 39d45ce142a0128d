/*
 * The hub against a scripted event log: ids with holes (publishes that
 * rolled back) are delivered and replayed without a gap, only a reconnect
 * below the retention floor is told of one; SSE ids carry the log's epoch,
 * an id of another epoch (or a plain id from before epochs) gets nitro.gap,
 * and a log whose epoch changes under parked streams re-renders them all.
 * Also the SSE id format and its parser.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fcgi/hub.h"
#include "hub_read.h"
#include "t.h"

/* ---- a log whose ids, floor and epoch the test chooses ---------------------- */

#define LOG_MAX 64

static struct {
	pthread_mutex_t mu;
	nitro_tevent ev[LOG_MAX];
	size_t n;
	int64_t next;		/* the id the next publish gets */
	int64_t floor;
	atomic_llong epoch;
	atomic_int version;
	atomic_int unreadable;	/* reads fail, as with the database away */
} lg = {.mu = PTHREAD_MUTEX_INITIALIZER, .next = 1};

static int s_publish(void *self, const char *topic, const char *json, int64_t *id)
{
	pthread_mutex_lock(&lg.mu);
	lg.ev[lg.n] = (nitro_tevent){lg.next, 0, strdup(topic), strdup(json)};
	if (id)
		*id = lg.next;
	lg.next++;
	lg.n++;
	pthread_mutex_unlock(&lg.mu);
	atomic_fetch_add(&lg.version, 1);
	return 0;
}

static int s_head(void *self, int64_t *id)
{
	pthread_mutex_lock(&lg.mu);
	*id = lg.n ? lg.ev[lg.n - 1].id : 0;
	pthread_mutex_unlock(&lg.mu);
	return 0;
}

static int seen_version;
static void *s_follow(void *self) { return &seen_version; }
static int s_changed(void *reader)
{
	int v = atomic_load(&lg.version), c = v != seen_version;

	seen_version = v;
	return c;
}

static int s_read(void *reader, int64_t after, size_t limit, nitro_tevent **out, size_t *n)
{
	nitro_tevent *ev;
	size_t k = 0;

	if (atomic_load(&lg.unreadable))
		return nitro_error(NITRO_EUNAVAILABLE, "the scripted log is away");
	ev = calloc(LOG_MAX, sizeof *ev);
	pthread_mutex_lock(&lg.mu);
	for (size_t i = 0; i < lg.n && k < limit; i++) {
		if (lg.ev[i].id <= after || lg.ev[i].id <= lg.floor)
			continue;
		ev[k] = lg.ev[i];
		ev[k].topic = strdup(ev[k].topic);
		ev[k].payload = strdup(ev[k].payload);
		k++;
	}
	pthread_mutex_unlock(&lg.mu);
	*out = ev;
	*n = k;
	return 0;
}

static void s_unfollow(void *reader) { }
static int64_t s_epoch(void *reader) { return atomic_load(&lg.epoch); }
static int s_floor(void *reader, int64_t *floor)
{
	pthread_mutex_lock(&lg.mu);
	*floor = lg.floor;
	pthread_mutex_unlock(&lg.mu);
	return 0;
}

static const struct nitro_transport_ops script_ops = {
	.publish = s_publish, .head = s_head, .follow = s_follow, .changed = s_changed,
	.read = s_read, .unfollow = s_unfollow, .epoch = s_epoch, .floor = s_floor,
};

/* Ids the log hands out from now on start at next (holes before it). */
static void skip_to(int64_t next)
{
	pthread_mutex_lock(&lg.mu);
	lg.next = next;
	pthread_mutex_unlock(&lg.mu);
}

/* A restored database: the log forgets everything after keep. */
static void restore(int64_t keep, int64_t epoch)
{
	pthread_mutex_lock(&lg.mu);
	while (lg.n > 0 && lg.ev[lg.n - 1].id > keep) {
		lg.n--;
		free(lg.ev[lg.n].topic);
		free(lg.ev[lg.n].payload);
	}
	lg.next = keep + 1;
	pthread_mutex_unlock(&lg.mu);
	atomic_store(&lg.epoch, epoch);
	atomic_fetch_add(&lg.version, 1);
}

/* ---- streams ----------------------------------------------------------------- */

static int render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	return nitro_buf_printf(out, "data: %s%s\n\n", ev->replay ? "replay " : "", ev->topic);
}

/* Park a stream of everything; Last-Event-ID is (epoch, after) when resume. */
static int park(nitro_hub *h, int64_t epoch, int64_t after, int resume)
{
	static const char *topics[] = {"*"};
	struct nitro_live_opts o = {topics, 1, render, NULL, NULL, NULL};
	nitro_buf pending = NITRO_BUF_INIT;
	int sv[2];

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if (nitro__hub_reserve(h) != 0 ||
	    nitro__hub_park(h, sv[0], 7, &o, epoch, after, resume, &pending) != 0)
		return -1;
	return sv[1];
}

/* Everything a stream is sent within ms, as one string. */
static const char *got(int fd, int ms)
{
	static char out[65536];

	read_stream(fd, out, sizeof out, sizeof out - 1, ms);
	return out;
}

/* 1 when the hub ends the stream (EOF on the client's end) within ms,
 * having sent nothing. */
static int ended(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	char c;

	return poll(&p, 1, ms) == 1 && read(fd, &c, 1) == 0;
}

/* A reconnect with Last-Event-ID (epoch, after): is it sent want? */
static void resume(nitro_hub *h, int64_t epoch, int64_t after, const char *want,
    const char *name)
{
	int fd = park(h, epoch, after, 1);

	T_EQ_STR(got(fd, 300), want, name);
	close(fd);
}

static void test_ids(void)
{
	char b[NITRO__EVENT_ID_MAX];
	int64_t e = -1, id = -1;

	T_EQ_INT(nitro__event_id_format(b, 77, 5), 4, "epoch 77, id 5");
	T_EQ_STR(b, "77-5", "is written E-N");
	nitro__event_id_format(b, 0, 12);
	T_EQ_STR(b, "12", "without an epoch, the plain id");
	T_OK(nitro__event_id_parse("77-5", 4, &e, &id) && e == 77 && id == 5, "E-N is read back");
	T_OK(nitro__event_id_parse("12", 2, &e, &id) && e == 0 && id == 12,
	    "a plain id is epoch 0");
	T_OK(nitro__event_id_parse("999999999999999999-999999999999999999", 37, &e, &id),
	    "18 digits each are taken");
	static const char *bad[] = {"", "-", "5-", "-5", "0-5", "1-2-3", "1--2", " 5", "5 ",
	    "1234567890123456789", "1-1234567890123456789", "x", "1-x",
	    "1234567890123456789012345678901234567890"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char name[80];

		snprintf(name, sizeof name, "\"%s\" is no id of ours", bad[i]);
		T_EQ_INT(nitro__event_id_parse(bad[i], strlen(bad[i]), &e, &id), 0, name);
	}
}

int main(void)
{
	nitro_transport *t = nitro_transport_new(&script_ops, NULL);
	struct nitro_app_opts o = {.transport = t, .hub = {.max_streams = 50,
		.heartbeat_ms = 60000, .poll_ms = 5, .queue_bytes = 65536,
		.write_timeout_ms = 5000}};
	struct nitro_hub_stats st;
	nitro_app *app;
	nitro_hub *h;
	int a, c;

	nitro_log_set_level(NITRO_LOG_OFF);
	test_ids();
	atomic_store(&lg.epoch, 41);
	app = nitro_app_new(&o);
	app->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	T_EQ_INT(nitro__app_hub_start(app), 0, "the hub follows the scripted log");
	h = app->hub;
	T_EQ_INT(nitro__hub_epoch(h), 41, "and holds its epoch");

	/* ---- holes ---- */
	a = park(h, 41, 0, 0);
	nitro_publish(t, "t.1", "{}", NULL);
	nitro_publish(t, "t.2", "{}", NULL);
	skip_to(5);		/* 3 and 4 rolled back */
	nitro_publish(t, "t.5", "{}", NULL);
	T_EQ_STR(got(a, 300), "data: t.1\n\nid: 41-1\n\ndata: t.2\n\nid: 41-2\n\n"
	    "data: t.5\n\nid: 41-5\n\n", "a live stream gets 1, 2 and 5 (3, 4 are holes), ids E-N");
	resume(h, 41, 2, "data: replay t.5\n\nid: 41-5\n\n",
	    "a reconnect after 2 is replayed 5: a hole is no gap");
	resume(h, 41, 3, "data: replay t.5\n\nid: 41-5\n\n",
	    "after 3 (a hole itself): 5, no gap");

	/* ---- the retention floor ---- */
	pthread_mutex_lock(&lg.mu);
	lg.floor = 2;		/* 1 and 2 pruned */
	pthread_mutex_unlock(&lg.mu);
	resume(h, 41, 2, "data: replay t.5\n\nid: 41-5\n\n",
	    "after 2, the floor: replayed 5, no gap");
	resume(h, 41, 1, "data: replay nitro.gap\n\nid: 41-5\n\n",
	    "after 1, below the floor: nitro.gap with the head's id");
	resume(h, 41, 9, "data: replay nitro.gap\n\nid: 41-5\n\n",
	    "after 9, beyond the head: nitro.gap");

	/* ---- the log cannot be read (the database is away) ---- */
	atomic_store(&lg.unreadable, 1);
	c = park(h, 41, 2, 1);
	T_OK(ended(c, 1000), "a reconnect whose missed events cannot be read is ended, "
	    "not moved past them");
	close(c);
	atomic_store(&lg.unreadable, 0);
	resume(h, 41, 2, "data: replay t.5\n\nid: 41-5\n\n",
	    "and when it comes back, it is replayed what it missed");

	/* ---- other epochs ---- */
	resume(h, 40, 2, "data: replay nitro.gap\n\nid: 41-5\n\n",
	    "an id of another epoch: nitro.gap, not events");
	resume(h, 0, 2, "data: replay nitro.gap\n\nid: 41-5\n\n",
	    "a plain id from before epochs: nitro.gap");

	/* ---- the epoch changes under a parked stream ---- */
	c = park(h, 41, 5, 1);
	T_EQ_STR(got(c, 200), "", "a stream at the head waits");
	restore(2, 42);		/* ids 3.. will be handed out again */
	T_EQ_STR(got(a, 300), "data: replay nitro.gap\n\nid: 42-2\n\n",
	    "a restored log with a new epoch: every stream is told of a gap");
	T_EQ_STR(got(c, 300), "data: replay nitro.gap\n\nid: 42-2\n\n",
	    "(the other one too)");
	T_EQ_INT(nitro__hub_epoch(h), 42, "the hub holds the new epoch");
	nitro_publish(t, "t.3again", "{}", NULL);
	T_EQ_STR(got(a, 300), "data: t.3again\n\nid: 42-3\n\n",
	    "then goes on with the new log's events");
	resume(h, 41, 5, "data: replay nitro.gap\n\nid: 42-3\n\n",
	    "a reconnect with the old epoch's id 5: nitro.gap, not the new 3");
	resume(h, 42, 2, "data: replay t.3again\n\nid: 42-3\n\n",
	    "one with the new epoch's id 2 is replayed the new 3");

	nitro_app_hub_stats(app, &st);
	T_EQ_INT(st.gaps, 7, "gaps counted: below the floor, beyond the head, two epochs, "
	    "two streams at the change, one old reconnect");
	nitro_app_stop(app);
	nitro__app_hub_stop(app);
	close(a);
	close(c);
	nitro_app_free(app);
	nitro_transport_free(t);
	restore(0, 1);
	return t_done();
}
