/*
 * bench/sse's load client: holds many Server-Sent Events streams through
 * nginx on 127.0.0.1, publishes timestamped events with POSTs, and
 * measures how long each event took to reach each stream.
 *
 *   client -p PORT [-n STREAMS] [-e EVENTS] [-r RATE] [-b BURST] [-j THREADS]
 *          [-c OPENING] [-m PID,PID...] [-g PID,PID...] [-s PATH] [-u PATH]
 *          [-t SECONDS] [-w NAP_US] [-a ADDR[,ADDR...]] [-P]
 *
 * The server is nginx on 127.0.0.1, or on the IPv4 addresses given with
 * -a (several hosts, each at PORT): streams are spread over them in turn,
 * and events are published through the first, or with -P through every
 * one at once (the same body, sent to all before any answer is read: for
 * servers that share no store, each fanning out to its own streams).
 *
 * Streams are opened with GET PATH (-s, default /stream), at most OPENING
 * handshakes at a time so that no listen queue on the way overflows, and
 * spread over THREADS receiving threads, each with its own epoll set of
 * non-blocking sockets.  Once every stream is open, a thread that has read
 * everything ready naps NAP_US microseconds (-w, default 1000; 0: never)
 * before it waits again.  The client shares the machine with what it
 * measures, and ten thousand browsers would not: a thread asleep in
 * epoll_wait makes the sender of every delivery wake it (a scheduler
 * wake-up, a cross-CPU interrupt in a VM), which cost nginx and the client
 * together about 6 us of CPU per delivery, a third of the total.  Napping,
 * deliveries pile up and are read in batches; each delivery's latency
 * still counts the nap, so the figures can only be worse for it.  Once every stream answered (or -t seconds
 * passed) and a second more, the resident memory of the server processes
 * given with -m is read again: the difference over the streams held is
 * the memory per stream (and once more after the last phase, with what
 * the burst left queued).  The CPU time that those processes, the proxy's
 * processes given with -g and the client itself spend while events flow
 * is reported too, per delivery: on a shared machine it drifts less than
 * the wall clock.
 *
 * Then two phases, both published with POST PATH (-u, default /publish)
 * and the body {"t":<CLOCK_REALTIME in us at sending>,"n":<sequence>}:
 *   - latency: EVENTS events at RATE per second, so that each one's
 *     fan-out is measured on its own; every delivery's latency is the
 *     receive time minus t;
 *   - throughput: BURST more events, each published as soon as the last
 *     POST was answered; deliveries per second are counted from the first
 *     of those POSTs to the last delivery.
 * The server is expected to send each event's JSON in a data line (the
 * Datastar patch-signals event does: "data: signals {...}"); the client
 * decodes chunked transfer coding, splits SSE lines, and checks that each
 * stream sees every sequence number once, in order.
 *
 * Results go to standard output as "key value" lines; progress and
 * problems to standard error.  The exit status is 0 when the run
 * completed, even with missing deliveries (they are reported), 1 when it
 * could not run, 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem, strncasecmp */
#endif
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define STREAMS_MAX 200000
#define EVENTS_MAX 100000
#define THREADS_MAX 16
#define PIDS_MAX 16
#define ADDRS_MAX 16
#define HDR_MAX 4096
#define LINE_MAX_ 120		/* a data line longer than this is cut; t and n come first */
#define READ_BUF 65536

enum cstate { C_IDLE, C_CONNECTING, C_HEADERS, C_BODY, C_DONE };
enum chstate { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_END };

struct conn {
	int fd;
	uint8_t state;
	uint8_t chunked;
	uint8_t ch;		/* chunk decoder state */
	uint8_t has_t;		/* the current event carried t and n */
	uint32_t chunk_left;
	uint16_t hdrlen;
	uint16_t linelen;
	char *hdr;		/* while reading the response head only */
	int64_t t, n;		/* of the current event */
	int64_t next_n;		/* the sequence number expected next */
	char line[LINE_MAX_];
};

/* What one receiving thread counts; only that thread writes. */
struct thr {
	pthread_t tid;
	int ep;
	struct conn *conns;
	size_t nconns;
	size_t started;		/* connections tried so far */
	size_t opening;		/* handshakes under way */
	size_t opening_max;
	char *rbuf;
	uint32_t *lat1, *lat2;	/* us, per phase */
	size_t nlat1, nlat2, cap1, cap2;
	_Atomic uint64_t open, failed, dropped, d1, d2, disorder, bad;
	_Atomic int64_t last2_us;	/* newest receive time of a burst event */
};

static struct {
	struct sockaddr_in addrs[ADDRS_MAX];	/* [0]: where events are published */
	size_t naddrs;
	int publish_all;	/* -P */
	const char *stream_path, *publish_path;
	size_t streams, threads, opening;
	int64_t events, burst;
	double rate;
	int open_timeout;
	int64_t nap_us;
	pid_t pids[PIDS_MAX], gpids[PIDS_MAX];
	size_t npids, ngpids;
	_Atomic int stop;
	struct thr thr[THREADS_MAX];
} g = {
	.stream_path = "/stream",
	.publish_path = "/publish",
	.streams = 10000,
	.threads = 2,
	.opening = 256,
	.events = 50,
	.burst = 100,
	.rate = 10,
	.open_timeout = 60,
	.nap_us = 1000,
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_us(int64_t us)
{
	struct timespec ts;

	if (us <= 0)
		return;
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (long)(us % 1000000) * 1000;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static uint64_t sum(size_t off)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < g.threads; i++)
		s += atomic_load_explicit((_Atomic uint64_t *)((char *)&g.thr[i] + off),
		    memory_order_relaxed);
	return s;
}
#define SUM(field) sum(offsetof(struct thr, field))

/* ---- one stream ---------------------------------------------------------- */

static void conn_close(struct thr *t, struct conn *c, int failed)
{
	if (c->fd >= 0) {
		close(c->fd);	/* also leaves the epoll set */
		c->fd = -1;
	}
	free(c->hdr);
	c->hdr = NULL;
	if (c->state == C_BODY) {
		atomic_fetch_sub(&t->open, 1);
		if (!atomic_load(&g.stop))
			atomic_fetch_add(&t->dropped, 1);
	} else if (c->state == C_CONNECTING || c->state == C_HEADERS) {
		t->opening--;
		if (failed)
			atomic_fetch_add(&t->failed, 1);
	}
	c->state = C_DONE;
}

static void record(struct thr *t, struct conn *c, int64_t now)
{
	int64_t lat = now - c->t;
	uint32_t us = lat < 0 ? 0 : lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat;

	if (c->n != c->next_n)
		atomic_fetch_add(&t->disorder, 1);
	c->next_n = c->n + 1;
	if (c->n >= 0 && c->n < g.events) {
		if (t->nlat1 < t->cap1)
			t->lat1[t->nlat1++] = us;
		atomic_fetch_add_explicit(&t->d1, 1, memory_order_relaxed);
	} else if (c->n >= g.events && c->n < g.events + g.burst) {
		if (t->nlat2 < t->cap2)
			t->lat2[t->nlat2++] = us;
		atomic_fetch_add_explicit(&t->d2, 1, memory_order_relaxed);
		atomic_store_explicit(&t->last2_us, now, memory_order_relaxed);
	}
}

/* The number after "key": in line, or -1. */
static int64_t field(const char *line, size_t len, const char *key)
{
	const char *p = memmem(line, len, key, strlen(key)), *end = line + len;
	int64_t v = 0;
	int digits = 0;

	if (p == NULL)
		return -1;
	for (p += strlen(key); p < end && *p >= '0' && *p <= '9' && digits < 18; p++, digits++)
		v = v * 10 + (*p - '0');
	return digits ? v : -1;
}

static void line_end(struct thr *t, struct conn *c, int64_t now)
{
	size_t n = c->linelen;

	c->linelen = 0;
	if (n > 0 && c->line[n - 1] == '\r')
		n--;
	if (n == 0) {
		if (c->has_t)
			record(t, c, now);
		c->has_t = 0;
		return;
	}
	if (n > 5 && memcmp(c->line, "data:", 5) == 0) {
		int64_t ts = field(c->line, n, "\"t\":"), seq = field(c->line, n, "\"n\":");

		if (ts >= 0 && seq >= 0) {
			c->t = ts;
			c->n = seq;
			c->has_t = 1;
		}
	}
}

static void sse_bytes(struct thr *t, struct conn *c, const char *p, size_t n, int64_t now)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t seg = nl ? (size_t)(nl - p) : n, room = sizeof c->line - c->linelen;

		memcpy(c->line + c->linelen, p, seg < room ? seg : room);
		c->linelen += seg < room ? seg : room;
		if (nl == NULL)
			return;
		line_end(t, c, now);
		p = nl + 1;
		n -= seg + 1;
	}
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decode the chunked body; -1 on a framing error, 1 at its end. */
static int body_bytes(struct thr *t, struct conn *c, const char *p, size_t n, int64_t now)
{
	size_t k;
	int v;

	if (!c->chunked) {
		sse_bytes(t, c, p, n, now);
		return 0;
	}
	while (n > 0) {
		switch (c->ch) {
		case CH_SIZE:
			if ((v = hexval(*p)) >= 0) {
				if (c->chunk_left > (UINT32_MAX >> 4))
					return -1;
				c->chunk_left = c->chunk_left * 16 + (uint32_t)v;
			} else if (*p == '\r') {
				c->ch = CH_SIZE_LF;
			} else if (*p == ';') {
				c->ch = CH_EXT;
			} else {
				return -1;
			}
			p++, n--;
			break;
		case CH_EXT:
			if (*p == '\r')
				c->ch = CH_SIZE_LF;
			p++, n--;
			break;
		case CH_SIZE_LF:
			if (*p != '\n')
				return -1;
			c->ch = c->chunk_left ? CH_DATA : CH_END;
			p++, n--;
			break;
		case CH_DATA:
			k = n < c->chunk_left ? n : c->chunk_left;
			sse_bytes(t, c, p, k, now);
			p += k, n -= k;
			if ((c->chunk_left -= (uint32_t)k) == 0)
				c->ch = CH_DATA_CR;
			break;
		case CH_DATA_CR:
			if (*p != '\r')
				return -1;
			c->ch = CH_DATA_LF;
			p++, n--;
			break;
		case CH_DATA_LF:
			if (*p != '\n')
				return -1;
			c->ch = CH_SIZE;
			p++, n--;
			break;
		case CH_END:
			return 1;
		}
	}
	return c->ch == CH_END;
}

/* The response head is complete in c->hdr[0..len): 0 for a 200 stream. */
static int head_done(struct conn *c, size_t len)
{
	size_t i;

	if (len < 12 || memcmp(c->hdr, "HTTP/1.", 7) != 0 || memcmp(c->hdr + 8, " 200", 4) != 0) {
		fprintf(stderr, "client: stream refused: %.*s\n",
		    (int)(strcspn(c->hdr, "\r\n") < 200 ? strcspn(c->hdr, "\r\n") : 200), c->hdr);
		return -1;
	}
	c->chunked = 0;
	for (i = 0; i + 26 < len; i++)
		if (c->hdr[i] == '\n' && strncasecmp(c->hdr + i + 1,
		    "transfer-encoding: chunked", 26) == 0)
			c->chunked = 1;
	return 0;
}

static void on_readable(struct thr *t, struct conn *c)
{
	ssize_t r;
	int64_t now;
	int rc;

	if (c->state == C_HEADERS) {
		char *end;
		size_t head, rest;

		r = read(c->fd, c->hdr + c->hdrlen, HDR_MAX - 1 - c->hdrlen);
		if (r <= 0) {
			if (r < 0 && errno == EAGAIN)
				return;
			conn_close(t, c, 1);
			return;
		}
		c->hdrlen += (uint16_t)r;
		c->hdr[c->hdrlen] = '\0';
		if ((end = strstr(c->hdr, "\r\n\r\n")) == NULL) {
			if (c->hdrlen >= HDR_MAX - 1)
				conn_close(t, c, 1);
			return;
		}
		head = (size_t)(end - c->hdr) + 4;
		if (head_done(c, head) != 0) {
			conn_close(t, c, 1);
			return;
		}
		rest = c->hdrlen - head;
		c->state = C_BODY;
		t->opening--;
		atomic_fetch_add(&t->open, 1);
		if (rest > 0 && body_bytes(t, c, c->hdr + head, rest, now_us()) != 0) {
			atomic_fetch_add(&t->bad, 1);
			conn_close(t, c, 0);
			return;
		}
		free(c->hdr);
		c->hdr = NULL;
		return;
	}
	r = read(c->fd, t->rbuf, READ_BUF);
	if (r < 0 && errno == EAGAIN)
		return;
	if (r <= 0) {
		conn_close(t, c, 0);
		return;
	}
	now = now_us();
	if ((rc = body_bytes(t, c, t->rbuf, (size_t)r, now)) != 0) {
		if (rc < 0)
			atomic_fetch_add(&t->bad, 1);
		conn_close(t, c, 0);
	}
}

static void on_writable(struct thr *t, struct conn *c)
{
	char req[512];
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
	int err = 0, n;
	socklen_t len = sizeof err;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
		if (err)
			fprintf(stderr, "client: connect: %s\n", strerror(err));
		conn_close(t, c, 1);
		return;
	}
	n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Accept: text/event-stream\r\nDatastar-Request: true\r\n\r\n", g.stream_path);
	/* A few hundred bytes always fit a fresh socket's buffer. */
	if (write(c->fd, req, (size_t)n) != n ||
	    epoll_ctl(t->ep, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
		conn_close(t, c, 1);
		return;
	}
	if ((c->hdr = malloc(HDR_MAX)) == NULL) {
		conn_close(t, c, 1);
		return;
	}
	c->hdrlen = 0;
	c->state = C_HEADERS;
}

static void conn_start(struct thr *t, struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };

	t->started++;
	t->opening++;
	c->state = C_CONNECTING;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		fprintf(stderr, "client: socket: %s\n", strerror(errno));
		conn_close(t, c, 1);
		return;
	}
	if ((connect(c->fd, (struct sockaddr *)&g.addrs[(size_t)(c - t->conns) % g.naddrs],
	    sizeof g.addrs[0]) != 0 &&
	    errno != EINPROGRESS) || epoll_ctl(t->ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
		fprintf(stderr, "client: connect: %s\n", strerror(errno));
		conn_close(t, c, 1);
	}
}

static void *thr_main(void *arg)
{
	struct thr *t = arg;
	struct epoll_event evs[256];
	size_t i;
	int n, k;

	while (!atomic_load(&g.stop)) {
		while (t->started < t->nconns && t->opening < t->opening_max)
			conn_start(t, &t->conns[t->started]);
		n = epoll_wait(t->ep, evs, 256, 50);
		for (k = 0; k < n; k++) {
			struct conn *c = evs[k].data.ptr;

			if (c->state == C_CONNECTING)
				on_writable(t, c);
			else if (c->state == C_HEADERS || c->state == C_BODY)
				on_readable(t, c);
		}
		/* Drained and every stream open: nap, so that deliveries pile
		 * up in the ready list instead of each waking this thread. */
		if (n > 0 && n < 256 && t->opening == 0 && t->started == t->nconns)
			sleep_us(g.nap_us);
	}
	for (i = 0; i < t->started; i++)
		if (t->conns[i].state != C_DONE)
			conn_close(t, &t->conns[i], 0);
	return NULL;
}

/* ---- the publisher (main thread, blocking) ------------------------------- */

static int publish(int64_t seq)
{
	char req[512], body[64], resp[1024];
	struct timeval tv = { .tv_sec = 5 };
	size_t i, got, targets = g.publish_all ? g.naddrs : 1;
	int fd[ADDRS_MAX], n, blen, rc = 0;
	ssize_t r;

	blen = snprintf(body, sizeof body, "{\"t\":%" PRId64 ",\"n\":%" PRId64 "}",
	    now_us(), seq);
	n = snprintf(req, sizeof req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: application/json\r\nContent-Length: %d\r\n"
	    "Connection: close\r\n\r\n%s", g.publish_path, blen, body);
	/* Every request out first, then the answers: no host's event waits
	 * for another host's round trip. */
	for (i = 0; i < targets; i++) {
		if ((fd[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
			rc = -1;
			continue;
		}
		setsockopt(fd[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd[i], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (connect(fd[i], (struct sockaddr *)&g.addrs[i], sizeof g.addrs[i]) != 0) {
			fprintf(stderr, "client: publish connect: %s\n", strerror(errno));
			rc = -1;
			close(fd[i]);
			fd[i] = -1;
		} else if (write(fd[i], req, (size_t)n) != n) {
			rc = -1;	/* and its answer says why */
		}
	}
	for (i = 0; i < targets; i++) {
		if (fd[i] < 0)
			continue;
		got = 0;
		while (got < sizeof resp - 1 &&
		    (r = read(fd[i], resp + got, sizeof resp - 1 - got)) > 0)
			got += (size_t)r;
		resp[got] = '\0';
		if (!(got >= 12 && memcmp(resp, "HTTP/1.", 7) == 0 && resp[9] == '2')) {
			fprintf(stderr, "client: publish %" PRId64 " answered: %.*s\n", seq,
			    (int)strcspn(resp, "\r\n"), resp);
			rc = -1;
		}
		close(fd[i]);
	}
	return rc;
}

/* ---- results --------------------------------------------------------------- */

/* utime + stime of the processes, in seconds; -1 when one is gone. */
static double cpu_s(const pid_t *pids, size_t n)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st, ticks = 0;
	size_t i, len;
	FILE *f;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "/proc/%d/stat", (int)pids[i]);
		if ((f = fopen(path, "r")) == NULL)
			return -1;
		len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[len] = '\0';
		/* After the command name in parentheses: state, then fields 4 to 13. */
		if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 1,
		    " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
			return -1;
		ticks += ut + st;
	}
	return (double)ticks / (double)sysconf(_SC_CLK_TCK);
}

/* Context switches, voluntary and not, of every thread of the processes;
 * -1 when one is gone.  One a delivery or more means each delivery wakes
 * its reader: the cost of a wake-up, not of the work, sets the pace. */
static double switches(const pid_t *pids, size_t n)
{
	char path[64], line[256];
	double total = 0;
	struct dirent *d;
	long v;

	for (size_t i = 0; i < n; i++) {
		DIR *dir;

		snprintf(path, sizeof path, "/proc/%d/task", (int)pids[i]);
		if ((dir = opendir(path)) == NULL)
			return -1;
		while ((d = readdir(dir)) != NULL) {
			FILE *f;

			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "/proc/%d/task/%.16s/status", (int)pids[i],
			    d->d_name);
			if ((f = fopen(path, "r")) == NULL)
				continue;	/* a thread that just ended */
			while (fgets(line, sizeof line, f))
				if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1 ||
				    sscanf(line, "nonvoluntary_ctxt_switches: %ld", &v) == 1)
					total += (double)v;
			fclose(f);
		}
		closedir(dir);
	}
	return total;
}

static double self_switches(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_nvcsw + (double)ru.ru_nivcsw;
}

static double self_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static long rss_kib(void)
{
	char path[64], line[256];
	long total = 0, v;
	size_t i;
	FILE *f;

	for (i = 0; i < g.npids; i++) {
		snprintf(path, sizeof path, "/proc/%d/status", (int)g.pids[i]);
		if ((f = fopen(path, "r")) == NULL)
			return -1;
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "VmRSS: %ld", &v) == 1)
				total += v;
		fclose(f);
	}
	return total;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Merge one phase's latencies of every thread, sort, print percentiles. */
static void report_latency(const char *name, int phase)
{
	size_t i, n = 0;
	uint32_t *all;

	for (i = 0; i < g.threads; i++)
		n += phase == 1 ? g.thr[i].nlat1 : g.thr[i].nlat2;
	if (n == 0) {
		printf("%s_min_ms nan\n%s_p10_ms nan\n%s_p50_ms nan\n%s_p99_ms nan\n"
		    "%s_max_ms nan\n", name, name, name, name, name);
		return;
	}
	if ((all = malloc(n * sizeof *all)) == NULL) {
		fprintf(stderr, "client: out of memory\n");
		return;
	}
	for (n = 0, i = 0; i < g.threads; i++) {
		struct thr *t = &g.thr[i];
		size_t k = phase == 1 ? t->nlat1 : t->nlat2;

		memcpy(all + n, phase == 1 ? t->lat1 : t->lat2, k * sizeof *all);
		n += k;
	}
	qsort(all, n, sizeof *all, cmp_u32);
	/* The first delivery is the pipeline's latency before fan-out. */
	printf("%s_min_ms %.2f\n", name, all[0] / 1000.0);
	printf("%s_p10_ms %.2f\n", name, all[(n - 1) * 10 / 100] / 1000.0);
	printf("%s_p50_ms %.2f\n", name, all[(n - 1) * 50 / 100] / 1000.0);
	printf("%s_p99_ms %.2f\n", name, all[(n - 1) * 99 / 100] / 1000.0);
	printf("%s_max_ms %.2f\n", name, all[n - 1] / 1000.0);
	free(all);
}

/* CPU seconds and microseconds per delivery while the events flowed, and
 * context switches per delivery. */
static void report_cpu(double cpu[3][2], double sw[3][2], uint64_t deliveries)
{
	static const char *const who[3] = { "server", "proxy", "client" };
	int i;

	for (i = 0; i < 3; i++) {
		double used = cpu[i][1] - cpu[i][0];

		if ((i == 0 && g.npids == 0) || (i == 1 && g.ngpids == 0) ||
		    cpu[i][0] < 0 || cpu[i][1] < 0)
			continue;
		printf("%s_cpu_s %.2f\n", who[i], used);
		if (deliveries == 0)
			continue;
		printf("%s_cpu_us_per_delivery %.2f\n", who[i], used * 1e6 / (double)deliveries);
		if (sw[i][0] >= 0 && sw[i][1] >= 0)
			printf("%s_switches_per_delivery %.3f\n", who[i],
			    (sw[i][1] - sw[i][0]) / (double)deliveries);
	}
}

/* Wait until field reaches want or deadline (us) passes. */
static uint64_t wait_for(size_t off, uint64_t want, int64_t deadline)
{
	uint64_t v;

	while ((v = sum(off)) < want && now_us() < deadline)
		sleep_us(10000);
	return v;
}

/* ---- set-up -------------------------------------------------------------- */

static int parse_num(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: client -p PORT [-n STREAMS] [-e EVENTS] [-r RATE] [-b BURST]\n"
	    "       [-j THREADS] [-c OPENING] [-m PID,PID...] [-g PID,PID...] [-s PATH]\n"
	    "       [-u PATH] [-t SECONDS] [-w NAP_US] [-a ADDR[,ADDR...]] [-P]\n");
	exit(2);
}

static void parse_pids(char *s, pid_t *pids, size_t *n)
{
	char *tok, *save = NULL;
	long long v;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == PIDS_MAX || parse_num(tok, 1, INT32_MAX, &v) != 0)
			usage();
		pids[(*n)++] = (pid_t)v;
	}
}

/* -a: IPv4 addresses, comma-separated. */
static void parse_addrs(char *s)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (g.naddrs == ADDRS_MAX ||
		    inet_pton(AF_INET, tok, &g.addrs[g.naddrs].sin_addr) != 1)
			usage();
		g.naddrs++;
	}
}

static void parse_args(int argc, char **argv)
{
	long long v = 0;
	int opt, port = 0;
	size_t i;

	while ((opt = getopt(argc, argv, "p:n:e:r:b:j:c:m:g:s:u:t:w:a:P")) != -1) {
		if (strchr("pnebjctw", opt) && parse_num(optarg, 0, STREAMS_MAX, &v) != 0)
			usage();
		switch (opt) {
		case 'p': if (v < 1 || v > 65535) usage(); port = (int)v; break;
		case 'n': if (v < 1) usage(); g.streams = (size_t)v; break;
		case 'e': if (v < 1 || v > EVENTS_MAX) usage(); g.events = v; break;
		case 'b': if (v > EVENTS_MAX) usage(); g.burst = v; break;
		case 'j': if (v < 1 || v > THREADS_MAX) usage(); g.threads = (size_t)v; break;
		case 'c': if (v < 1) usage(); g.opening = (size_t)v; break;
		case 't': if (v < 1) usage(); g.open_timeout = (int)v; break;
		case 'w': if (v > 100000) usage(); g.nap_us = v; break;
		case 'r':
			g.rate = strtod(optarg, NULL);
			if (!(g.rate >= 0.1 && g.rate <= 10000))
				usage();
			break;
		case 'm': parse_pids(optarg, g.pids, &g.npids); break;
		case 'g': parse_pids(optarg, g.gpids, &g.ngpids); break;
		case 's': g.stream_path = optarg; break;
		case 'u': g.publish_path = optarg; break;
		case 'a': parse_addrs(optarg); break;
		case 'P': g.publish_all = 1; break;
		default: usage();
		}
	}
	if (port == 0 || optind != argc)
		usage();
	if (g.threads > g.streams)
		g.threads = g.streams;
	if (g.naddrs == 0)
		g.addrs[g.naddrs++].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < g.naddrs; i++) {
		g.addrs[i].sin_family = AF_INET;
		g.addrs[i].sin_port = htons((uint16_t)port);
	}
}

static int setup_threads(void)
{
	size_t i, j, lo, hi;

	for (i = 0; i < g.threads; i++) {
		struct thr *t = &g.thr[i];

		lo = g.streams * i / g.threads;
		hi = g.streams * (i + 1) / g.threads;
		t->nconns = hi - lo;
		t->opening_max = g.opening / g.threads ? g.opening / g.threads : 1;
		t->cap1 = t->nconns * (size_t)g.events;
		t->cap2 = t->nconns * (size_t)g.burst;
		t->conns = calloc(t->nconns, sizeof *t->conns);
		t->rbuf = malloc(READ_BUF);
		t->lat1 = malloc((t->cap1 ? t->cap1 : 1) * sizeof *t->lat1);
		t->lat2 = malloc((t->cap2 ? t->cap2 : 1) * sizeof *t->lat2);
		if (!t->conns || !t->rbuf || !t->lat1 || !t->lat2)
			return -1;
		for (j = 0; j < t->nconns; j++)
			t->conns[j].fd = -1;
		if ((t->ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
			return -1;
	}
	return 0;
}

static void stop_threads(void)
{
	size_t i;

	atomic_store(&g.stop, 1);
	for (i = 0; i < g.threads; i++)
		pthread_join(g.thr[i].tid, NULL);
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	int64_t t0, deadline, burst_start, last2 = 0;
	long rss0, rss1;
	double cpu[3][2];	/* servers, proxy, client; at the start and end of the events */
	double sw[3][2];	/* their context switches, likewise */
	uint64_t held, d1, d2;
	size_t i;
	int64_t e;
	int perr = 0;

	parse_args(argc, argv);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < g.streams + 64)
		fprintf(stderr, "client: only %llu file descriptors for %zu streams\n",
		    (unsigned long long)rl.rlim_cur, g.streams);
	if (setup_threads() != 0) {
		fprintf(stderr, "client: cannot set up: %s\n", strerror(errno));
		return 1;
	}
	rss0 = rss_kib();

	/* Open every stream. */
	t0 = now_us();
	for (i = 0; i < g.threads; i++)
		if (pthread_create(&g.thr[i].tid, NULL, thr_main, &g.thr[i]) != 0) {
			fprintf(stderr, "client: cannot start a thread\n");
			return 1;
		}
	deadline = t0 + (int64_t)g.open_timeout * 1000000;
	while (SUM(open) + SUM(failed) < g.streams && now_us() < deadline)
		sleep_us(10000);
	printf("open_seconds %.2f\n", (now_us() - t0) / 1e6);
	sleep_us(1000000);	/* let the servers settle before reading memory */
	rss1 = rss_kib();
	held = SUM(open);
	printf("streams_wanted %zu\nstreams_open %" PRIu64 "\nstreams_failed %" PRIu64 "\n",
	    g.streams, held, SUM(failed));
	if (g.npids) {
		printf("rss_before_kib %ld\nrss_after_kib %ld\n", rss0, rss1);
		if (held && rss0 >= 0 && rss1 >= 0)
			printf("kib_per_stream %.2f\n", (double)(rss1 - rss0) / (double)held);
	}
	fflush(stdout);
	if (held == 0) {
		fprintf(stderr, "client: no stream opened\n");
		stop_threads();
		return 1;
	}

	/* Latency: events at a fixed rate. */
	cpu[0][0] = cpu_s(g.pids, g.npids);
	cpu[1][0] = cpu_s(g.gpids, g.ngpids);
	cpu[2][0] = self_cpu_s();
	sw[0][0] = switches(g.pids, g.npids);
	sw[1][0] = switches(g.gpids, g.ngpids);
	sw[2][0] = self_switches();
	t0 = now_us();
	for (e = 0; e < g.events; e++) {
		sleep_us(t0 + (int64_t)(e * 1e6 / g.rate) - now_us());
		if (publish(e) != 0)
			perr++;
	}
	d1 = wait_for(offsetof(struct thr, d1), held * (uint64_t)g.events, now_us() + 5000000);
	printf("latency_events %" PRId64 "\nlatency_rate %.1f\n", g.events, g.rate);
	printf("latency_deliveries %" PRIu64 "\nlatency_missing %" PRIu64 "\n", d1,
	    held * (uint64_t)g.events > d1 ? held * (uint64_t)g.events - d1 : 0);

	/* Throughput: a burst, published back to back. */
	burst_start = now_us();
	for (e = g.events; e < g.events + g.burst; e++)
		if (publish(e) != 0)
			perr++;
	printf("burst_publish_seconds %.3f\n", (now_us() - burst_start) / 1e6);
	d2 = wait_for(offsetof(struct thr, d2), held * (uint64_t)g.burst, now_us() + 30000000);
	cpu[0][1] = cpu_s(g.pids, g.npids);
	cpu[1][1] = cpu_s(g.gpids, g.ngpids);
	cpu[2][1] = self_cpu_s();
	sw[0][1] = switches(g.pids, g.npids);
	sw[1][1] = switches(g.gpids, g.ngpids);
	sw[2][1] = self_switches();
	rss1 = rss_kib();	/* with whatever the burst left queued */
	stop_threads();
	d2 = SUM(d2);
	for (i = 0; i < g.threads; i++)
		if (g.thr[i].last2_us > last2)
			last2 = g.thr[i].last2_us;
	printf("burst_events %" PRId64 "\nburst_deliveries %" PRIu64 "\nburst_missing %" PRIu64 "\n",
	    g.burst, d2, held * (uint64_t)g.burst > d2 ? held * (uint64_t)g.burst - d2 : 0);
	if (d2 && last2 > burst_start) {
		printf("burst_seconds %.3f\n", (last2 - burst_start) / 1e6);
		printf("events_per_s %.0f\n", (double)d2 / ((last2 - burst_start) / 1e6));
	}
	if (g.npids)
		printf("rss_end_kib %ld\n", rss1);
	report_cpu(cpu, sw, d1 + d2);
	report_latency("latency", 1);
	report_latency("burst", 2);
	printf("streams_dropped %" PRIu64 "\nout_of_order %" PRIu64 "\nframing_errors %" PRIu64
	    "\npublish_errors %d\n", SUM(dropped), SUM(disorder), SUM(bad), perr);
	printf("streams_held %" PRIu64 "\n", held - (SUM(dropped) < held ? SUM(dropped) : held));
	return 0;
}
