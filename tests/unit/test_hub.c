/*
 * The stream hub without a web server: streams are socketpairs handed to
 * the hub as nginx connections would be, events are published through the
 * app, and the FastCGI records the hub writes are read back and checked.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fcgi/hub.h"
#include "hub_read.h"
#include "t.h"

static nitro_app *app;
static nitro_transport *t;	/* the app's in-memory one */

static int render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	if (strcmp(ev->topic, "chat.secret") == 0)
		return 0;	/* nothing for this one */
	return nitro_buf_printf(out, "event: datastar-patch-elements\n"
	    "data: elements <p>%s%s %s</p>\n\n", ev->replay ? "replay " : "",
	    ev->topic, ev->payload);
}

static int render_with_id(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	return nitro_buf_printf(out, "event: x\nid: own-%lld\ndata: y\n\n", (long long)ev->id);
}

static int frees;
static void count_free(void *p) { frees++; }

/* after < 0: start at the newest event, as nitro_live does.  first:
 * bytes to write before any event (NULL: none), framed as records. */
static int park_first(nitro_hub *h, int *client, const char *topic, int64_t after, int gap,
    nitro_live_render fn, const char *first)
{
	static const char *topics[1];
	struct nitro_live_opts o = {topics, 1, fn, NULL, count_free, NULL};
	nitro_buf pending = NITRO_BUF_INIT;
	int sv[2], rc;

	topics[0] = topic;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	*client = sv[1];
	if (nitro__hub_reserve(h) != 0) {
		close(sv[0]);
		close(sv[1]);
		return NITRO_EBUSY;
	}
	if (after < 0)
		nitro__hub_head(h, &after);
	if (first != NULL)
		nitro__fcgi_frame(&pending, 7, first, strlen(first));
	rc = nitro__hub_park(h, sv[0], 7, &o, nitro__hub_epoch(h), after, gap, &pending);
	T_EQ_INT((int)pending.len, 0, "the hub takes the pending bytes");
	nitro_buf_free(&pending);
	return rc;
}

static int park(nitro_hub *h, int *client, const char *topic, int64_t after, int gap,
    nitro_live_render fn)
{
	return park_first(h, client, topic, after, gap, fn, NULL);
}

static void wait_streams(size_t n)
{
	struct nitro_hub_stats st;

	for (int i = 0; i < 200; i++) {
		nitro_app_hub_stats(app, &st);
		if (st.streams == n)
			return;
		usleep(10000);
	}
}

/* A transport that cannot be followed: the hub must say so with its code. */
static int no_publish(void *self, const char *topic, const char *json, int64_t *id)
{
	return NITRO_EIO;
}
static int no_head(void *self, int64_t *id)
{
	*id = 0;
	return 0;
}
static void *busy_follow(void *self)
{
	nitro_error(NITRO_EBUSY, "the relay is at its follower limit");
	return NULL;
}
static int no_changed(void *reader) { return 0; }
static int no_read(void *reader, int64_t after, size_t limit, nitro_tevent **out, size_t *n)
{
	*n = 0;
	return 0;
}
static void no_unfollow(void *reader) { }

static void test_follow_failure_code(void)
{
	static const struct nitro_transport_ops ops = {no_publish, no_head, busy_follow,
	    no_changed, no_read, no_unfollow, NULL, NULL, NULL, NULL};
	struct nitro_app_opts o = {.transport = nitro_transport_new(&ops, NULL)};
	nitro_app *a2 = nitro_app_new(&o);
	T_EQ_INT(nitro__app_hub_start(a2), NITRO_EBUSY,
	    "a hub that cannot follow passes on the transport's code");
	T_EQ_INT(nitro_errcode(), NITRO_EBUSY, "and nitro_errcode() says the same");
	T_EQ_STR(nitro_errmsg(), "the relay is at its follower limit",
	    "the message is the transport's reason");
	nitro_app_free(a2);
	nitro_transport_free(o.transport);
}

int main(void)
{
	struct nitro_app_opts o = {.hub = {.max_streams = 2, .heartbeat_ms = 300,
		.poll_ms = 5, .queue_bytes = 4096, .write_timeout_ms = 500}};
	char out[200000];
	struct nitro_hub_stats st;
	int a, b, c, d;
	int64_t id;

	nitro_log_set_level(NITRO_LOG_OFF);
	app = nitro_app_new(&o);
	t = nitro_app_transport(app);
	/* What nitro_app_run sets up before the hub. */
	struct nitro_app *ap = app;
	ap->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	T_EQ_INT(nitro__app_hub_start(app), 0, "hub starts (in-memory transport)");
	nitro_hub *h = ap->hub;

	T_EQ_INT(park(h, &a, "chat.*", 0, 0, render), 0, "stream a parked");
	T_EQ_INT(park(h, &b, "todo.saved", 0, 0, render), 0, "stream b parked");
	wait_streams(2);
	T_EQ_INT(nitro_publish(t, "chat.msg", "{\"t\":\"hi\"}", &id), 0, "publish");
	T_EQ_INT(id, 1, "first id is 1");
	read_stream(a, out, sizeof out, 1, 2000);
	T_EQ_STR(out, "event: datastar-patch-elements\n"
	    "data: elements <p>chat.msg {\"t\":\"hi\"}</p>\n\nid: 1\n\n",
	    "delivered, then the event id in a block of its own");
	T_EQ_INT(read_stream(b, out, sizeof out, 1, 200), 0, "other topics are not delivered");

	nitro_publish(t, "chat.secret", "{}", NULL);
	nitro_publish(t, "todo.saved", "{\"id\":3}", NULL);
	read_stream(b, out, sizeof out, 1, 2000);
	T_OK(strstr(out, "id: 3\n") != NULL && strstr(out, "todo.saved") != NULL,
	    "exact topic delivered");
	T_EQ_INT(read_stream(a, out, sizeof out, 1, 200), 0,
	    "an event the callback renders as nothing sends nothing");

	/* A reconnect after id 1 on chat.*: replayed 2 (rendered empty)
	 * and nothing else; then live. */
	nitro_publish(t, "chat.two", "{}", NULL);		/* id 4 */
	read_stream(a, out, sizeof out, 1, 2000);
	T_OK(strstr(out, "id: 4\n") != NULL, "live event 4");
	T_EQ_INT(park(h, &c, "chat.*", 1, 1, render), NITRO_EBUSY,
	    "over max_streams: refused");
	close(b);
	wait_streams(1);
	nitro_app_hub_stats(app, &st);
	T_EQ_INT(st.streams, 1, "a gone client is noticed and freed");
	T_EQ_INT(frees, 1, "its udata is freed");

	T_EQ_INT(park(h, &c, "chat.*", 1, 1, render), 0, "a reconnect after id 1");
	read_stream(c, out, sizeof out, 1, 2000);
	T_EQ_STR(out, "event: datastar-patch-elements\n"
	    "data: elements <p>replay chat.two {}</p>\n\nid: 4\n\n",
	    "exactly the missed event is replayed, marked as replay");
	nitro_publish(t, "chat.three", "{}", NULL);	/* id 5 */
	read_stream(c, out, sizeof out, 1, 2000);
	T_OK(strstr(out, "id: 5\n") != NULL && strstr(out, "replay") == NULL,
	    "then it is live, once");
	read_stream(a, out, sizeof out, 1, 2000);
	T_OK(strstr(out, "id: 5\n") != NULL, "the other stream sees it too");
	close(c);
	wait_streams(1);

	T_EQ_INT(park(h, &c, "chat.*", 999, 1, render), 0, "a reconnect from a foreign id");
	read_stream(c, out, sizeof out, 1, 2000);
	T_OK(strstr(out, "data: elements <p>replay nitro.gap {}</p>") != NULL &&
	    strstr(out, "id: 5\n") != NULL, "is told of a gap, with the current id");
	close(c);
	wait_streams(1);

	T_EQ_INT(park(h, &c, "*", -1, 0, render_with_id), 0, "a stream whose callback sets ids");
	wait_streams(2);
	nitro_publish(t, "x.y", "{}", NULL);
	read_stream(c, out, sizeof out, 1, 2000);
	T_EQ_STR(out, "event: x\nid: own-6\ndata: y\n\nid: 6\n\n",
	    "the event's id comes last, whatever the callback wrote");
	close(c);
	wait_streams(1);

	/* Heartbeats keep a quiet stream alive. */
	usleep(400000);
	read_stream(a, out, sizeof out, 1, 1000);
	T_EQ_STR(out, ":\n\n", "a heartbeat comment after heartbeat_ms");

	/* A client that stops reading is dropped, the others are not. */
	T_EQ_INT(park(h, &d, "chat.*", -1, 0, render), 0, "a slow stream parked");
	wait_streams(2);
	int small = 4096;
	setsockopt(d, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	char big[3000];
	memset(big, 'x', sizeof big - 3);
	big[0] = '"';
	big[sizeof big - 2] = '"';
	big[sizeof big - 1] = '\0';
	for (int i = 0; i < 200; i++) {
		nitro_publish(t, "chat.flood", big, NULL);
		read_stream(a, out, sizeof out, 1, 50);	/* a keeps up */
	}
	wait_streams(1);
	nitro_app_hub_stats(app, &st);
	T_EQ_INT(st.streams, 1, "the slow client was closed");
	T_OK(st.dropped_slow >= 1, "and counted as dropped");
	nitro_publish(t, "chat.after", "{}", NULL);
	size_t n = read_stream(a, out, sizeof out, 100000, 500);
	T_OK(n > 0 && strstr(out, "chat.after") != NULL, "the reader that kept up still gets events");
	close(d);
	wait_streams(1);

	/* Bytes handed over with the stream (the response head and first
	 * render) are written first, then events. */
	static const char head[] = "Status: 200 OK\r\n\r\nevent: hello\n\n";
	nitro_app_hub_stats(app, &st);
	uint64_t bytes = st.bytes;
	T_EQ_INT(park_first(h, &c, "chat.*", -1, 0, render, head), 0,
	    "a stream parked with its first bytes");
	wait_streams(2);
	nitro_publish(t, "chat.next", "{}", NULL);
	n = read_stream(c, out, sizeof out, 100000, 500);
	T_OK(n > sizeof head && memcmp(out, head, sizeof head - 1) == 0 &&
	    strstr(out + sizeof head - 1, "chat.next") != NULL, "first bytes first, then events");
	for (int i = 0; i < 100 && st.bytes - bytes < 8 + sizeof head - 1; i++) {
		usleep(10000);
		nitro_app_hub_stats(app, &st);
	}
	T_OK(st.bytes - bytes >= 8 + sizeof head - 1, "and count in the bytes written");
	close(c);
	wait_streams(1);

	/* A first page the client never reads is queued like any other
	 * write: nobody waits for it, and it is dropped as too slow. */
	size_t big_len = 2u << 20;
	char *page = malloc(big_len + 1);
	memset(page, 'x', big_len);
	page[big_len] = '\0';
	nitro_app_hub_stats(app, &st);
	uint64_t dropped = st.dropped_slow;
	T_EQ_INT(park_first(h, &d, "chat.*", -1, 0, render, page), 0,
	    "a stream with a 2 MiB first page nobody reads");
	free(page);
	wait_streams(2);
	nitro_publish(t, "chat.during", "{}", NULL);
	n = read_stream(a, out, sizeof out, 100000, 500);
	T_OK(strstr(out, "chat.during") != NULL, "the other stream is not held up");
	wait_streams(1);
	nitro_app_hub_stats(app, &st);
	T_EQ_INT(st.streams, 1, "the unread page's stream is closed");
	T_EQ_INT((int)(st.dropped_slow - dropped), 1, "as too slow");
	close(d);

	/* Stopping cuts the remaining stream with a byte nginx rejects. */
	nitro_app_stop(app);
	nitro__app_hub_stop(app);
	n = read_stream(a, out, sizeof out, 100000, 1000);
	if (n > 0 && out[n - 1] != '!')
		printf("# last bytes: %s\n", n > 20 ? out + n - 20 : out);
	T_OK(n > 0 && out[n - 1] == '!', "shutdown ends streams with a non-record byte");
	T_EQ_INT(frees, 8, "every stream's udata was freed (eight were parked)");
	close(a);
	nitro_app_free(app);
	test_follow_failure_code();
	return t_done();
}
