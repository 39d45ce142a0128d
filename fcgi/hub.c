/*
 * The stream hub: one thread per worker process that holds every parked
 * live stream.
 *
 * A stream arrives from a request thread (nitro_live) through the inbox
 * with its socket, FastCGI request id, the id after which it wants events
 * and the bytes still to be written (the response head and the first
 * render), which the hub sends like any other write.  The hub follows the
 * app's transport: when the transport says something changed (a cheap
 * check, made at once when this process published or the transport's
 * watch descriptor woke the hub, and polled while streams are parked),
 * it reads the new events in id order and offers each to every stream
 * whose topic patterns match.  A stream's render callback turns the event
 * into SSE bytes, the hub ends that batch with the event's id (the views'
 * encoder writes an "id:" block: the hub never reads SSE text), frames
 * the bytes as FastCGI STDOUT records and writes them without blocking.
 * What the socket does not take waits in the stream's queue; a stream
 * whose queue is full falls behind and catches up later, and one whose
 * client takes nothing for write_timeout is closed: one slow client never
 * delays the others.
 *
 * A gone client shows as EPOLLRDHUP/EPOLLHUP (nginx closes its upstream
 * connection when the browser goes) or as a failed write; either frees
 * everything the stream held.  On SIGTERM every stream is cut without an
 * end record, which Datastar treats as a network error and so reconnects,
 * with Last-Event-ID, to a worker that stays.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/transport.h"
#include "fcgi/hub.h"
#include "fcgi/parse.h"

/* Events read from the transport at a time. */
#define READ_BATCH 1000
/* Socket events taken from epoll per wait. */
#define EPOLL_BATCH 256
/* How long the hub sleeps with no stream parked (ms): it still notices
 * stopping and new streams at once, through its eventfds. */
#define IDLE_WAIT_MS 1000
/* Heartbeats and write deadlines are checked this often (ms). */
#define HOUSEKEEPING_MS 250
/*
 * With a watch descriptor the transport wakes the hub itself, so
 * changed() is polled only this often (ms), a backstop for a wake that
 * never came, instead of every poll_ms: a worker holding streams on
 * PostgreSQL turned 100 times a second for nothing, half of its CPU time
 * in bench/hosts.  A wake that found nothing is looked at again after 1,
 * 2, 4 ... RECHECK_MAX_MS ms (see hub_main).
 */
#define WATCHED_POLL_MS 250
#define RECHECK_MAX_MS 64

/*
 * Most of a hub's memory is its idle streams, so a stream is one
 * allocation (the struct, then its topic patterns) and keeps no queue
 * memory while its socket takes everything.
 */
struct hub_stream {
	struct hub_stream *next, *prev;
	int fd;
	int request_id;
	nitro_live_render render;
	void *udata;
	void (*udata_free)(void *);
	int64_t last_id;	/* events up to this id are not for it */
	int64_t epoch;		/* the log's epoch last_id belongs to */
	nitro_buf queue;	/* framed bytes the socket did not take */
	int64_t stuck_since;	/* ms: queued bytes, none taken since; 0: empty */
	int64_t last_write;	/* ms */
	unsigned check_gap : 1;	/* last_id came from Last-Event-ID */
	unsigned lagging : 1;	/* queue was full: catch up from the log later */
	unsigned watching_out : 1;	/* EPOLLOUT is armed */
	size_t ntopics;
	const char *topics[];	/* then the patterns' bytes */
};

struct nitro_hub {
	nitro_app *app;
	struct nitro_hub_opts o;
	nitro_transport *t;
	struct nitro_treader reader;
	pthread_t tid;
	int started;
	int epfd;
	int wake_fd;

	pthread_mutex_t mu;	/* guards inbox and stats */
	struct hub_stream *inbox;
	atomic_size_t count;	/* parked or in the inbox */
	atomic_llong epoch;	/* the log's epoch (0: none), for ids */
	struct nitro_hub_stats st;
	/* Progress for health checks (nitro__hub_progress), any thread. */
	_Atomic int64_t beat_ms;	/* the loop's last turn */
	_Atomic int64_t read_id;	/* seen, as other threads may read it */

	/* hub thread only */
	struct hub_stream *streams;
	int64_t seen;		/* newest event id offered to streams */
	nitro_buf out;		/* one render */
	nitro_buf frame;	/* one render framed as records */
	int64_t next_beat;
	int64_t now;		/* ms, read once per round of the loop */
	uint64_t pend_bytes;	/* bytes sent, not yet added to st */
	int watch_fd;		/* the transport's "may have changed" fd, or -1 */
};

static void stat_add(nitro_hub *h, uint64_t *field, uint64_t n)
{
	pthread_mutex_lock(&h->mu);
	*field += n;
	pthread_mutex_unlock(&h->mu);
}

/* Add what the hub thread counted on its own (per delivery, unlocked). */
static void stats_flush(nitro_hub *h)
{
	if (h->pend_bytes != 0) {
		stat_add(h, &h->st.bytes, h->pend_bytes);
		h->pend_bytes = 0;
	}
}

static void wake(void *arg)
{
	nitro_hub *h = arg;

	nitro__efd_post(h->wake_fd);
}

/* ---- creating and ending -------------------------------------------------- */

nitro_hub *nitro__hub_new(nitro_app *app, const struct nitro_hub_opts *o,
    nitro_transport *t)
{
	nitro_hub *h = calloc(1, sizeof *h);

	if (h == NULL) {
		nitro__oom("hub");
		return NULL;
	}
	h->app = app;
	h->o = *o;
	h->epfd = h->wake_fd = h->watch_fd = -1;
	pthread_mutex_init(&h->mu, NULL);
	nitro_buf_init(&h->out, 0);
	nitro_buf_init(&h->frame, 0);
	h->t = t;
	h->epfd = epoll_create1(EPOLL_CLOEXEC);
	h->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->epfd < 0 || h->wake_fd < 0) {
		nitro_error(NITRO_EIO, "hub: %s", strerror(errno));
		goto fail;
	}
	nitro__transport_on_publish(t, wake, h);
	return h;
fail:
	nitro__hub_free(h);
	return NULL;
}

static void stream_free(struct hub_stream *s)
{
	nitro_buf_free(&s->queue);
	if (s->udata_free != NULL)
		s->udata_free(s->udata);
	free(s);
}

/* Drop a stream: abrupt (no end record) unless it ends cleanly. */
static void stream_close(nitro_hub *h, struct hub_stream *s, int clean)
{
	if (clean && s->queue.len == 0) {
		struct nitro_conn c = {.mode = NITRO_CONN_FCGI, .fd = s->fd, .request_id = s->request_id};
		nitro__conn_end(&c);	/* best effort: the socket is non-blocking */
	}
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	if (s->prev)
		s->prev->next = s->next;
	else
		h->streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	stream_free(s);
	atomic_fetch_sub(&h->count, 1);
	stat_add(h, &h->st.closed, 1);
}

void nitro__hub_free(nitro_hub *h)
{
	struct hub_stream *s, *next;

	if (h == NULL)
		return;
	while (h->streams != NULL)
		stream_close(h, h->streams, 0);
	for (s = h->inbox; s != NULL; s = next) {
		next = s->next;
		close(s->fd);
		stream_free(s);
	}
	nitro__treader_close(&h->reader);
	if (h->t != NULL)
		nitro__transport_on_publish(h->t, NULL, NULL);
	if (h->epfd >= 0)
		close(h->epfd);
	if (h->wake_fd >= 0)
		close(h->wake_fd);
	nitro_buf_free(&h->out);
	nitro_buf_free(&h->frame);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

/* ---- writing -------------------------------------------------------------- */

/* Frame data as STDOUT records into h->frame. */
static void frame(nitro_hub *h, int request_id, const char *data, size_t len)
{
	nitro_buf_reset(&h->frame);
	nitro__fcgi_frame(&h->frame, request_id, data, len);
}

static void watch_out(nitro_hub *h, struct hub_stream *s, int on)
{
	struct epoll_event ev = {.events = EPOLLRDHUP | (on ? EPOLLOUT : 0u), .data.ptr = s};

	if (s->watching_out != on) {
		epoll_ctl(h->epfd, EPOLL_CTL_MOD, s->fd, &ev);
		s->watching_out = on;
	}
}

/* Write what the socket takes now; 0, or -1 when the stream must close. */
static int flush_queue(nitro_hub *h, struct hub_stream *s)
{
	while (s->queue.len > 0) {
		ssize_t w = send(s->fd, s->queue.data, s->queue.len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				watch_out(h, s, 1);
				return 0;
			}
			return -1;
		}
		memmove(s->queue.data, s->queue.data + w, s->queue.len - (size_t)w);
		s->queue.len -= (size_t)w;
		s->last_write = h->now;
		s->stuck_since = h->now;	/* it takes bytes: not stuck */
	}
	s->stuck_since = 0;
	/* Drained: an idle stream keeps no queue memory (the first one is the
	 * response head, which every stream has). */
	nitro_buf_free(&s->queue);
	watch_out(h, s, 0);
	return 0;
}

static int catch_up(nitro_hub *h, struct hub_stream *s, int replay, int check_gap);

/* The socket took everything: a stream that fell behind catches up. */
static void on_drained(nitro_hub *h, struct hub_stream *s)
{
	if (s->lagging)
		catch_up(h, s, 0, 1);
}

/*
 * Send one message (already framed), queueing what the socket does not
 * take.  0 when sent or queued; 1 when the queue is too full to take it
 * (nothing of it was sent: the stream falls behind and catches up from
 * the log later); -1 when the client has gone.  Once part of a message is
 * on the wire the rest is always queued, or the records would break.
 */
static int stream_send(nitro_hub *h, struct hub_stream *s, const char *p, size_t n)
{
	if (s->queue.len == 0) {
		while (n > 0) {
			ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					break;
				return -1;	/* the client has gone */
			}
			p += w;
			n -= (size_t)w;
			s->last_write = h->now;
		}
		if (n == 0)
			return 0;
	} else if (s->queue.len + n > h->o.queue_bytes) {
		return 1;
	}
	if (nitro_buf_append(&s->queue, p, n) != 0)
		return -1;
	if (s->stuck_since == 0)
		s->stuck_since = h->now;
	watch_out(h, s, 1);
	return 0;
}

static int wants(const struct hub_stream *s, const char *topic)
{
	for (size_t i = 0; i < s->ntopics; i++)
		if (nitro_event_match(s->topics[i], topic))
			return 1;
	return 0;
}

/*
 * Offer one event to one stream.  Renders of the same event by the same
 * callback and udata are the same bytes, so the last render is kept (the
 * cache lives for one event) and reused: a broadcast to ten thousand
 * streams renders once, and ends with the event's id once.
 */
struct render_cache {		/* one per event offered */
	nitro_live_render render;
	void *udata;
	int request_id;
	int valid;
	char sse_id[NITRO__EVENT_ID_MAX];	/* the event's SSE id, "" until needed */
};

/* End a render with the event's id, so that Last-Event-ID names it. */
static int end_with_id(nitro_buf *b, const char *sse_id)
{
	const struct nitro_sse_opts id = {.id = sse_id};

	return nitro_sse_event(b, NULL, &id, NULL, 0);
}

static int deliver(nitro_hub *h, struct hub_stream *s, const struct nitro_live_event *ev,
    struct render_cache *rc)
{
	if (!rc->valid || rc->render != s->render || rc->udata != s->udata) {
		nitro_buf_reset(&h->out);
		nitro_error_clear();	/* a failure logs its own message */
		if (s->render(ev, &h->out, s->udata) < 0 || h->out.err) {
			nitro_log(NITRO_LOG_WARN, "live stream closed: its render callback failed",
			    "topic", ev->topic, "error", nitro_errmsg(), NULL);
			return -1;
		}
		if (h->out.len > 0 && end_with_id(&h->out, rc->sse_id) != 0)
			return -1;
		rc->render = s->render;
		rc->udata = s->udata;
		rc->valid = 1;
		rc->request_id = -1;
	}
	if (h->out.len == 0)
		return 0;
	if (rc->request_id != s->request_id) {
		frame(h, s->request_id, h->out.data, h->out.len);
		rc->request_id = s->request_id;
	}
	if (h->frame.err)
		return -1;
	h->pend_bytes += h->frame.len;
	return stream_send(h, s, h->frame.data, h->frame.len);
}

/*
 * Offer event e to stream s: 0, or -1 when s was closed (and freed).  A
 * stream whose queue cannot take the event falls behind: it takes no more
 * events until its queue drains, then catches up from the log (only the
 * write deadline closes a stream that does not drain).  A burst to a
 * reading client therefore costs it nothing but a little delay.
 */
static int offer(nitro_hub *h, struct hub_stream *s, const nitro_tevent *e, int replay,
    struct render_cache *rc)
{
	struct nitro_live_event ev;
	int sent;

	if (e->id <= s->last_id || s->lagging)
		return 0;
	if (!wants(s, e->topic)) {
		s->last_id = e->id;
		return 0;
	}
	if (rc->sse_id[0] == '\0')
		nitro__event_id_format(rc->sse_id, atomic_load(&h->epoch), e->id);
	ev = (struct nitro_live_event){e->id, e->topic, e->payload, replay};
	sent = deliver(h, s, &ev, rc);
	if (sent < 0) {
		stream_close(h, s, 0);
		return -1;
	}
	if (sent > 0) {
		s->lagging = 1;	/* e is not sent: last_id stays before it */
		return 0;
	}
	s->last_id = e->id;
	return 0;
}

/* ---- catching up a new stream ---------------------------------------------- */

static int send_gap(nitro_hub *h, struct hub_stream *s)
{
	static const struct nitro_live_event ev = {0, NITRO_LIVE_GAP, "{}", 1};
	struct render_cache rc = {0};

	nitro__event_id_format(rc.sse_id, atomic_load(&h->epoch), h->seen);
	s->last_id = h->seen;
	s->epoch = atomic_load(&h->epoch);
	s->lagging = 0;
	stat_add(h, &h->st.gaps, 1);
	if (deliver(h, s, &ev, &rc) != 0) {
		stream_close(h, s, 0);
		return -1;
	}
	return 0;
}

/*
 * Are the events after s->last_id still all in the log?  Ids may have
 * holes (a publish that rolled back), so the next id being absent proves
 * nothing: the transport's retention floor says what was dropped.  Only
 * a transport without a floor (and without holes) is judged by the
 * next id.  1 when the stream must be told of a gap, else 0.
 */
static int gap_before(nitro_hub *h, struct hub_stream *s)
{
	int64_t head = 0, floor = 0;
	nitro_tevent *ev = NULL;
	size_t n = 0;
	int rc, gap;

	if (s->epoch != atomic_load(&h->epoch))
		return 1;	/* an id of another log, or of this one before a restore */
	if (nitro__transport_head(h->t, &head) == 0 && s->last_id > head)
		return 1;	/* ids from another log (a reset?) */
	if (s->last_id >= head)
		return 0;
	if ((rc = nitro__treader_floor(&h->reader, &floor)) <= 0)
		return rc == 0 && s->last_id < floor;	/* unreadable: replay what is there */
	if (nitro__treader_read(&h->reader, s->last_id, 1, &ev, &n) != 0)
		return 0;
	gap = n == 0 || ev[0].id > s->last_id + 1;
	nitro_tevents_free(ev, n);
	return gap;
}

/*
 * Send a stream what happened after its last_id, up to what the hub has
 * offered everyone (h->seen); from there it is live.  For a reconnect
 * (check_gap) the log must still hold every event after last_id, or the
 * stream is told of a gap.  Also used when a stream that fell behind has
 * drained its queue.  Returns 0, or -1 when the stream was closed.
 */
static int catch_up(nitro_hub *h, struct hub_stream *s, int replay, int check_gap)
{
	nitro_tevent *ev = NULL;
	size_t n = 0;

	if (check_gap && gap_before(h, s))
		return send_gap(h, s);
	s->lagging = 0;
	while (s->last_id < h->seen && !s->lagging) {
		int64_t from = s->last_id;

		if (nitro__treader_read(&h->reader, from, READ_BATCH, &ev, &n) != 0) {
			/*
			 * The log cannot be read now (the database is away).
			 * Moving the stream on to h->seen would skip what it
			 * has not been sent; end it instead: the browser comes
			 * back with its Last-Event-ID and is replayed then.
			 */
			nitro_log(NITRO_LOG_WARN, "hub: cannot replay a stream's missed events;"
			    " it ends and will come back", "error", nitro_errmsg(), NULL);
			stream_close(h, s, 0);
			return -1;
		}
		if (n == 0)
			break;
		for (size_t i = 0; i < n && ev[i].id <= h->seen && !s->lagging; i++) {
			struct render_cache rc = {0};

			if (replay)
				stat_add(h, &h->st.replayed, 1);
			if (offer(h, s, &ev[i], replay, &rc) != 0) {
				nitro_tevents_free(ev, n);
				return -1;
			}
		}
		nitro_tevents_free(ev, n);
		if (s->last_id == from)
			break;
	}
	/* Nothing it wants lies between: it is live from h->seen. */
	if (!s->lagging && s->last_id < h->seen)
		s->last_id = h->seen;
	return 0;
}

/* ---- the hub thread ------------------------------------------------------------ */

static void broadcast(nitro_hub *h);

/*
 * The log's epoch changed (the database was restored or failed over, and
 * may hand out ids it handed out before): no id any stream holds means
 * anything in the new log.  Every stream is told of a gap and goes on
 * from the new log's head.
 */
static void new_epoch(nitro_hub *h, int64_t epoch)
{
	struct hub_stream *s, *next;
	int64_t head = 0;

	nitro_log(NITRO_LOG_WARN, "hub: the event log's epoch changed; every stream re-renders",
	    NULL);
	atomic_store(&h->epoch, epoch);
	if (nitro__transport_head(h->t, &head) == 0)
		h->seen = head;
	for (s = h->streams; s != NULL; s = next) {
		next = s->next;
		send_gap(h, s);
	}
}

/* Look at the transport: new events are offered to every stream, a new
 * epoch re-renders them.  Returns what changed() said. */
static int follow(nitro_hub *h)
{
	int changed = nitro__treader_changed(&h->reader);
	int64_t epoch = nitro__treader_epoch(&h->reader);

	if (epoch != atomic_load(&h->epoch)) {
		new_epoch(h, epoch);
		changed = 1;
	}
	if (changed > 0)
		broadcast(h);
	return changed;
}

/* Move new streams from the inbox into the hub and catch them up. */
static void take_inbox(nitro_hub *h)
{
	struct hub_stream *s, *next;

	pthread_mutex_lock(&h->mu);
	s = h->inbox;
	h->inbox = NULL;
	pthread_mutex_unlock(&h->mu);
	if (s == NULL)
		return;
	/* Read everything published so far first (for the streams already
	 * here), so that a newcomer is caught up to the log's present, not
	 * to wherever a quiet hub last looked. */
	if (follow(h) <= 0)
		broadcast(h);
	for (; s != NULL; s = next) {
		struct epoll_event ev = {.events = EPOLLRDHUP, .data.ptr = s};

		next = s->next;
		s->prev = NULL;
		s->next = h->streams;
		if (h->streams)
			h->streams->prev = s;
		h->streams = s;
		s->last_write = h->now;
		if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, s->fd, &ev) != 0) {
			stream_close(h, s, 0);
			continue;
		}
		/* The head and first render come first, under the rules of
		 * every other write. */
		if (s->queue.len > 0) {
			h->pend_bytes += s->queue.len;
			s->stuck_since = h->now;
			if (flush_queue(h, s) != 0) {
				stream_close(h, s, 0);
				continue;
			}
		}
		/* A stream that arrived across a change of epoch holds an id
		 * of the old log: it is told of a gap like a reconnect. */
		catch_up(h, s, s->check_gap,
		    s->check_gap || s->epoch != atomic_load(&h->epoch));
	}
}

/* Read what was published after h->seen and offer it to every stream. */
static void broadcast(nitro_hub *h)
{
	nitro_tevent *ev;
	size_t n;

	for (;;) {
		if (nitro__treader_read(&h->reader, h->seen, READ_BATCH, &ev, &n) != 0) {
			nitro_log(NITRO_LOG_ERROR, "hub: reading events failed",
			    "error", nitro_errmsg(), NULL);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			struct render_cache rc = {0};
			struct hub_stream *s, *next;

			for (s = h->streams; s != NULL; s = next) {
				next = s->next;
				offer(h, s, &ev[i], 0, &rc);
			}
			h->seen = ev[i].id;
			atomic_store(&h->read_id, h->seen);
		}
		stat_add(h, &h->st.events, n);
		nitro_tevents_free(ev, n);
		if (n < READ_BATCH)
			return;
	}
}

/* Heartbeats for quiet streams; close streams stuck behind a full socket. */
static void housekeeping(nitro_hub *h, int64_t now)
{
	static const char beat[] = ":\n\n";
	struct hub_stream *s, *next;

	for (s = h->streams; s != NULL; s = next) {
		next = s->next;
		if (s->stuck_since != 0 &&
		    now - s->stuck_since > (int64_t)h->o.write_timeout_ms) {
			stat_add(h, &h->st.dropped_slow, 1);
			stream_close(h, s, 0);
			continue;
		}
		if (s->queue.len == 0 && now - s->last_write >= (int64_t)h->o.heartbeat_ms) {
			frame(h, s->request_id, beat, sizeof beat - 1);
			if (h->frame.err || stream_send(h, s, h->frame.data, h->frame.len) != 0)
				stream_close(h, s, 0);
			else
				s->last_write = now;
		}
	}
}

static void on_socket(nitro_hub *h, struct hub_stream *s, uint32_t events)
{
	if (events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)) {
		stream_close(h, s, 0);	/* the client has gone */
		return;
	}
	if (!(events & EPOLLOUT))
		return;
	if (flush_queue(h, s) != 0)
		stream_close(h, s, 0);
	else if (s->queue.len == 0)
		on_drained(h, s);
}

/* Read the watch descriptor dry; what it says is only "look now". */
static void drain_watch(nitro_hub *h)
{
	char buf[512];		/* any size: the bytes mean nothing */

	while (read(h->watch_fd, buf, sizeof buf) > 0)
		;
}

static void *hub_main(void *arg)
{
	nitro_hub *h = arg;
	struct epoll_event evs[EPOLL_BATCH];
	int recheck = 0;	/* ms to the next look after a wake that found nothing */
	int poll_every = h->watch_fd >= 0 ? WATCHED_POLL_MS : (int)h->o.poll_ms;

	while (!atomic_load(&h->app->stopping)) {
		/* Poll the transport only while someone listens. */
		int timeout = atomic_load(&h->count) == 0 ? IDLE_WAIT_MS :
		    recheck ? recheck : poll_every;
		int n, watched = 0, changed;

		/* Heartbeats and write deadlines are not put off by a long wait. */
		if (h->next_beat > h->now && h->next_beat - h->now < timeout)
			timeout = (int)(h->next_beat - h->now);
		n = epoll_wait(h->epfd, evs, EPOLL_BATCH, timeout);

		h->now = nitro__now_ms();
		atomic_store(&h->beat_ms, h->now);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == h) {
				nitro__efd_drain(h->wake_fd);
			} else if (evs[i].data.ptr == &h->watch_fd) {
				drain_watch(h);
				watched = 1;
			} else if (evs[i].data.ptr != NULL) {
				on_socket(h, evs[i].data.ptr, evs[i].events);
			}
		}
		if (atomic_load(&h->app->stopping))
			break;
		take_inbox(h);
		changed = follow(h);
		/*
		 * A writer touches the watched file before its commit shows
		 * (SQLite updates the WAL index after its last write, and
		 * after an fsync with synchronous=FULL), so a wake that found
		 * nothing new looks again 1 ms later, then 2, 4 ... up to
		 * RECHECK_MAX_MS, instead of a backstop interval later.
		 */
		if (watched && changed == 0)
			recheck = 1;
		else if (recheck && changed == 0 && n == 0)
			recheck = recheck * 2 > RECHECK_MAX_MS ? 0 : recheck * 2;
		else if (changed != 0)
			recheck = 0;
		h->now = nitro__now_ms();
		if (h->now >= h->next_beat) {
			housekeeping(h, h->now);
			h->next_beat = h->now + HOUSEKEEPING_MS;
		}
		stats_flush(h);
	}
	stats_flush(h);
	/*
	 * Cut every stream so that the browsers reconnect to a worker that
	 * stays (see nitro__conn_abort).
	 */
	while (h->streams != NULL) {
		struct hub_stream *s = h->streams;

		struct nitro_conn c = {.mode = NITRO_CONN_FCGI, .fd = s->fd, .request_id = s->request_id};

		nitro__conn_abort(&c);
		stream_close(h, s, 0);
	}
	return NULL;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int nitro__hub_start(nitro_hub *h)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = h};
	struct epoll_event stop = {.events = EPOLLIN, .data.ptr = NULL};
	int rc;

	if (h->started)
		return 0;
	if ((rc = nitro__treader_open(&h->reader, h->t)) != 0)
		return rc;	/* logged by the caller with the message */
	/* Live from now on: history is only replayed on request. */
	if (nitro__transport_head(h->t, &h->seen) != 0)
		h->seen = 0;
	atomic_store(&h->read_id, h->seen);
	nitro__treader_changed(&h->reader);
	atomic_store(&h->epoch, nitro__treader_epoch(&h->reader));
	/* Optional: the transport's own "may have changed" descriptor, so
	 * that other processes' events arrive without waiting for a poll. */
	h->watch_fd = nitro__treader_watch_fd(&h->reader);
	if (h->watch_fd >= 0) {
		struct epoll_event wev = {.events = EPOLLIN, .data.ptr = &h->watch_fd};

		if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->watch_fd, &wev) != 0)
			h->watch_fd = -1;	/* polling still works */
	}
	h->now = nitro__now_ms();
	atomic_store(&h->beat_ms, h->now);
	if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->wake_fd, &ev) != 0 ||
	    (h->app->wake_fd >= 0 &&
	     epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->app->wake_fd, &stop) != 0))
		return nitro_error(NITRO_EIO, "hub: epoll: %s", strerror(errno));
	raise_fd_limit();
	if (pthread_create(&h->tid, NULL, hub_main, h) != 0)
		return nitro_error(NITRO_EIO, "hub: cannot start its thread");
	h->started = 1;
	return 0;
}

void nitro__hub_join(nitro_hub *h)
{
	if (h != NULL && h->started) {
		wake(h);
		pthread_join(h->tid, NULL);
		h->started = 0;
	}
}

/* ---- parking (request threads) ---------------------------------------------- */

int nitro__hub_reserve(nitro_hub *h)
{
	size_t n = atomic_fetch_add(&h->count, 1);

	if (n >= h->o.max_streams) {
		atomic_fetch_sub(&h->count, 1);
		return nitro_error(NITRO_EBUSY, "this worker holds its limit of %zu live streams",
		    h->o.max_streams);
	}
	/* Full: wake the accept threads so that they step aside for a
	 * sibling worker (worker.c). */
	if (n + 1 == h->o.max_streams && h->app->aside_fd >= 0)
		nitro__efd_post(h->app->aside_fd);
	return 0;
}

int nitro__hub_full(nitro_hub *h)
{
	return atomic_load(&h->count) >= h->o.max_streams;
}

void nitro__hub_unreserve(nitro_hub *h)
{
	atomic_fetch_sub(&h->count, 1);
}

int nitro__hub_progress(nitro_hub *h, int64_t *beat_ms, int64_t *read_id)
{
	if (!h->started)
		return -1;
	*beat_ms = atomic_load(&h->beat_ms);
	*read_id = atomic_load(&h->read_id);
	return 0;
}

int nitro__hub_head(nitro_hub *h, int64_t *id)
{
	return nitro__transport_head(h->t, id);
}

int64_t nitro__hub_epoch(nitro_hub *h)
{
	return atomic_load(&h->epoch);
}

int nitro__hub_park(nitro_hub *h, int fd, int request_id, const struct nitro_live_opts *o,
    int64_t epoch, int64_t after, int check_gap, nitro_buf *pending)
{
	struct hub_stream *s;
	size_t size = sizeof *s, len;
	char *p;

	if (o->ntopics > (SIZE_MAX - size) / sizeof s->topics[0])
		return nitro_error(NITRO_ELIMIT, "hub: too many topics");
	size += o->ntopics * sizeof s->topics[0];
	for (size_t i = 0; i < o->ntopics; i++) {
		len = strlen(o->topics[i]) + 1;
		if (len > SIZE_MAX - size)
			return nitro_error(NITRO_ELIMIT, "hub: topics too long");
		size += len;
	}
	if ((s = calloc(1, size)) == NULL)
		return nitro__oom("hub");
	p = (char *)&s->topics[o->ntopics];
	for (size_t i = 0; i < o->ntopics; i++) {
		s->topics[i] = p;
		p = stpcpy(p, o->topics[i]) + 1;
	}
	s->ntopics = o->ntopics;
	s->fd = fd;
	s->request_id = request_id;
	s->render = o->render;
	s->udata = o->udata;
	s->udata_free = o->udata_free;
	s->last_id = after;
	s->epoch = epoch;
	s->check_gap = check_gap != 0;
	s->queue = *pending;	/* taken over, not copied */
	nitro_buf_init(pending, 0);
	pthread_mutex_lock(&h->mu);
	s->next = h->inbox;
	h->inbox = s;
	h->st.parked++;
	pthread_mutex_unlock(&h->mu);
	wake(h);
	return 0;
}

void nitro__hub_stats(nitro_hub *h, struct nitro_hub_stats *st)
{
	pthread_mutex_lock(&h->mu);
	*st = h->st;
	pthread_mutex_unlock(&h->mu);
	st->streams = atomic_load(&h->count);
}
