/*
 * bench/sse's floor: the least a FastCGI application behind nginx can do
 * to hold streams and broadcast to them, so that the benchmark can tell
 * how much of a delivery's latency is nginx, the kernel and the load
 * client, whatever the application.
 *
 *   GET /stream     answered with the headers of an event stream, then
 *   (/sse/stream)   parked: the socket is kept in an array (the second
 *                   name is under deploy/nginx/serve.conf.in's unbuffered
 *                   /sse/ location, as bench/hosts needs)
 *   POST /publish   answered at once; then the JSON body is sent to every
 *                   parked stream as one datastar-patch-signals event
 *
 * One process, one thread, one epoll set; FastCGI records are parsed by
 * hand (no libfcgi), each event is framed once, and a send that the
 * socket does not take whole closes that stream instead of queueing it.
 * No event log, no other process, no replay, no heartbeat: nothing that
 * a real application needs and Nitro does.  Run under spawn-fcgi, which
 * passes the listening socket as descriptor 0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* accept4 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define IN_MAX 16384		/* one request's records; more closes it */
#define BODY_MAX 4096
#define EVENT_MAX (BODY_MAX + 128)
#define STREAM_TAG (UINT64_C(1) << 63)	/* epoll data of a parked stream: tag | fd */

enum { BEGIN_REQUEST = 1, END_REQUEST = 3, PARAMS = 4, STDIN = 5, STDOUT = 6 };

struct conn {
	int fd;
	int request_id;
	size_t len;		/* bytes in buf */
	int params_done, stdin_done;
	char uri[64], method[8];
	size_t body_len;
	char body[BODY_MAX];
	unsigned char buf[IN_MAX];
};

struct stream {
	int fd;
	int request_id;
};

static struct stream *streams;
static size_t nstreams, cap;
static long long next_id = 1;

static void header(unsigned char *h, int type, int request_id, size_t len)
{
	h[0] = 1;
	h[1] = (unsigned char)type;
	h[2] = (unsigned char)(request_id >> 8);
	h[3] = (unsigned char)request_id;
	h[4] = (unsigned char)(len >> 8);
	h[5] = (unsigned char)len;
	h[6] = 0;
	h[7] = 0;
}

/* Write all of p (small answers on a fresh socket always fit). */
static int write_all(int fd, const void *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_stdout(int fd, int request_id, const char *s, size_t n)
{
	unsigned char h[8];

	header(h, STDOUT, request_id, n);
	return write_all(fd, h, 8) != 0 || write_all(fd, s, n) != 0 ? -1 : 0;
}

static void end_request(int fd, int request_id)
{
	unsigned char r[24] = {0};

	header(r, STDOUT, request_id, 0);
	header(r + 8, END_REQUEST, request_id, 8);
	(void)write_all(fd, r, sizeof r);
}

/* One name-value pair length (FastCGI 1.0, section 3.4). */
static int nv_len(const unsigned char **p, const unsigned char *end, size_t *len)
{
	if (*p >= end)
		return -1;
	if (**p >> 7 == 0) {
		*len = *(*p)++;
		return 0;
	}
	if (end - *p < 4)
		return -1;
	*len = ((size_t)((*p)[0] & 0x7f) << 24) | ((size_t)(*p)[1] << 16) |
	    ((size_t)(*p)[2] << 8) | (*p)[3];
	*p += 4;
	return 0;
}

static int params(struct conn *c, const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n;

	while (p < end) {
		size_t kl, vl;

		if (nv_len(&p, end, &kl) || nv_len(&p, end, &vl) ||
		    kl > (size_t)(end - p) || vl > (size_t)(end - p) - kl)
			return -1;
		if (kl == 12 && memcmp(p, "DOCUMENT_URI", 12) == 0 && vl < sizeof c->uri)
			memcpy(c->uri, p + kl, vl), c->uri[vl] = '\0';
		else if (kl == 14 && memcmp(p, "REQUEST_METHOD", 14) == 0 && vl < sizeof c->method)
			memcpy(c->method, p + kl, vl), c->method[vl] = '\0';
		p += kl + vl;
	}
	return 0;
}

static void close_conn(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

static void drop_stream(int ep, size_t i)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, streams[i].fd, NULL);
	close(streams[i].fd);
	streams[i] = streams[--nstreams];
}

/* Send one event to every parked stream: framed once, the request id
 * patched in per stream (nginx uses 1 on every connection). */
static void broadcast(int ep, const char *json, size_t n)
{
	static unsigned char frame[8 + EVENT_MAX];
	int len = snprintf((char *)frame + 8, EVENT_MAX,
	    "event: datastar-patch-signals\nid: %lld\ndata: signals %.*s\n\n",
	    next_id++, (int)n, json);

	if (len < 0 || len >= EVENT_MAX)
		return;
	for (size_t i = 0; i < nstreams; ) {
		header(frame, STDOUT, streams[i].request_id, (size_t)len);
		if (send(streams[i].fd, frame, 8 + (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT) !=
		    8 + len) {
			drop_stream(ep, i);	/* gone, or would have to queue */
			continue;
		}
		i++;
	}
}

/* A whole request has arrived: answer it.  Returns 1 when the connection
 * became a stream (the conn is freed, the socket kept). */
static int serve(int ep, struct conn *c)
{
	static const char sse[] = "Status: 200 OK\r\nContent-Type: text/event-stream\r\n"
	    "Cache-Control: no-cache\r\n\r\n";
	static const char ok[] = "Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nok\n";
	static const char nf[] = "Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\n";

	if (strcmp(c->method, "GET") == 0 &&
	    (strcmp(c->uri, "/stream") == 0 || strcmp(c->uri, "/sse/stream") == 0)) {
		struct epoll_event ev = {.events = EPOLLRDHUP, .data.u64 = STREAM_TAG | (uint64_t)c->fd};

		if (nstreams == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct stream *s = realloc(streams, ncap * sizeof *s);

			if (s == NULL)
				return 0;
			streams = s;
			cap = ncap;
		}
		if (send_stdout(c->fd, c->request_id, sse, sizeof sse - 1) != 0 ||
		    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
			return 0;
		streams[nstreams++] = (struct stream){c->fd, c->request_id};
		free(c);
		return 1;
	}
	if (strcmp(c->method, "POST") == 0 && strcmp(c->uri, "/publish") == 0 &&
	    c->body_len > 0) {
		char json[BODY_MAX];
		size_t n = c->body_len;

		memcpy(json, c->body, n);
		send_stdout(c->fd, c->request_id, ok, sizeof ok - 1);
		end_request(c->fd, c->request_id);
		close_conn(ep, c);
		broadcast(ep, json, n);
		return 1;
	}
	send_stdout(c->fd, c->request_id, nf, sizeof nf - 1);
	end_request(c->fd, c->request_id);
	return 0;
}

/* Read what came and take whole records.  Returns -1 to close, 1 when the
 * connection was handed on (parked or closed), 0 to wait for more. */
static int on_readable(int ep, struct conn *c)
{
	ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
	size_t at = 0;

	if (r <= 0)
		return r < 0 && errno == EAGAIN ? 0 : -1;
	c->len += (size_t)r;
	while (c->len - at >= 8) {
		const unsigned char *h = c->buf + at;
		size_t clen = (size_t)h[4] << 8 | h[5], rec = 8 + clen + h[6];

		if (c->len - at < rec)
			break;
		switch (h[1]) {
		case BEGIN_REQUEST:
			c->request_id = h[2] << 8 | h[3];
			break;
		case PARAMS:
			if (clen == 0)
				c->params_done = 1;
			else if (params(c, h + 8, clen) != 0)
				return -1;
			break;
		case STDIN:
			if (clen == 0) {
				c->stdin_done = 1;
			} else {
				if (clen > sizeof c->body - c->body_len)
					return -1;
				memcpy(c->body + c->body_len, h + 8, clen);
				c->body_len += clen;
			}
			break;
		default:
			break;
		}
		at += rec;
	}
	memmove(c->buf, c->buf + at, c->len - at);
	c->len -= at;
	if (c->params_done && c->stdin_done)
		return serve(ep, c) ? 1 : -1;
	return c->len == sizeof c->buf ? -1 : 0;
}

int main(void)
{
	struct epoll_event evs[256], lev = {.events = EPOLLIN, .data.ptr = NULL};
	struct rlimit rl;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (ep < 0 || fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK) != 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, 0, &lev) != 0) {
		perror("floor: descriptor 0 must be the listening socket");
		return 1;
	}
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);

		for (int i = 0; i < n; i++) {
			struct conn *c;

			if (evs[i].data.u64 & STREAM_TAG) {
				/* A parked stream's client went. */
				int fd = (int)(evs[i].data.u64 & ~STREAM_TAG);

				for (size_t k = 0; k < nstreams; k++)
					if (streams[k].fd == fd) {
						drop_stream(ep, k);
						break;
					}
				continue;
			}
			if ((c = evs[i].data.ptr) == NULL) {
				int fd;

				while ((fd = accept4(0, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					struct epoll_event ev = {.events = EPOLLIN};

					if ((c = calloc(1, sizeof *c)) == NULL) {
						close(fd);
						continue;
					}
					c->fd = fd;
					ev.data.ptr = c;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
						close(fd);
						free(c);
					}
				}
				continue;
			}
			if (on_readable(ep, c) < 0)
				close_conn(ep, c);
		}
	}
}
