/*
 * Writing a response on the connection.  Nitro writes FastCGI STDOUT and
 * END_REQUEST records itself, with writev(2), instead of going through
 * libfcgi's 8 KiB stream buffer: a whole buffered response leaves in one
 * system call without being copied, and a stream can be written (and later
 * handed to another thread) knowing only its socket and request id.
 * libfcgi still reads the request (BEGIN_REQUEST, PARAMS, STDIN).
 *
 * Every write, and every read of the body, is armed with the connection
 * deadline (deadline.c) when the connection has one.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fcgi/internal.h"

#define FCGI_VERSION_1 1
#define FCGI_END_REQUEST 3
#define FCGI_STDOUT 6
#define FCGI_REQUEST_COMPLETE 0
#define FCGI_UNKNOWN_ROLE 3
#define REC_MAX NITRO_FCGI_REC_MAX
#define IOV_BATCH 64

static void rec_header(unsigned char h[8], int type, int id, size_t len)
{
	h[0] = FCGI_VERSION_1;
	h[1] = (unsigned char)type;
	h[2] = (unsigned char)((id >> 8) & 0xff);
	h[3] = (unsigned char)(id & 0xff);
	h[4] = (unsigned char)((len >> 8) & 0xff);
	h[5] = (unsigned char)(len & 0xff);
	h[6] = 0;	/* padding */
	h[7] = 0;
}

int nitro__fcgi_frame(nitro_buf *out, int request_id, const void *data, size_t len)
{
	const char *p = data;

	if (nitro_buf_grow(out, len + (len / REC_MAX + 1) * 8) != 0)
		return out->err;
	while (len > 0) {
		size_t n = len < REC_MAX ? len : REC_MAX;
		unsigned char h[8];

		rec_header(h, FCGI_STDOUT, request_id, n);
		nitro_buf_append(out, h, sizeof h);
		nitro_buf_append(out, p, n);
		p += n;
		len -= n;
	}
	return out->err;
}

/*
 * Write every iovec; EPIPE or ECONNRESET means the peer has gone.  On a
 * socket, MSG_NOSIGNAL keeps a gone client from raising SIGPIPE whatever
 * the application did with that signal; CGI output may be a pipe.
 */
static int write_all(int fd, struct iovec *iov, int n, int is_socket)
{
	while (n > 0) {
		struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)n};
		ssize_t w = is_socket ? sendmsg(fd, &mh, MSG_NOSIGNAL) : writev(fd, iov, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE || errno == ECONNRESET)
				return nitro_error(NITRO_ECLOSED, "client closed the connection");
			return nitro_error(NITRO_EIO, "write: %s", strerror(errno));
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* An END_REQUEST record: appStatus 0 and protocol_status. */
static void end_request(unsigned char rec[16], int id, int protocol_status)
{
	rec_header(rec, FCGI_END_REQUEST, id, 8);
	memset(rec + 8, 0, 8);	/* appStatus 0 */
	rec[12] = (unsigned char)protocol_status;
}

/* The empty STDOUT record and END_REQUEST that end a response. */
static void end_records(unsigned char end[24], int id)
{
	rec_header(end, FCGI_STDOUT, id, 0);
	end_request(end + 8, id, FCGI_REQUEST_COMPLETE);
}

/* After an armed wait: rc, or a failure that says the deadline cut it. */
static int disarm(struct nitro_conn *c, int rc, const char *what)
{
	if (nitro__deadline_disarm(c->dl) && rc < 0)
		return nitro_error(NITRO_ECLOSED, "the connection deadline passed %s", what);
	return rc;
}

/* write_all on the connection within its deadline. */
static int write_armed(struct nitro_conn *c, struct iovec *iov, int n)
{
	nitro__deadline_arm(c->dl, NITRO_IO_WRITE);
	return disarm(c, write_all(c->fd, iov, n, 1), "writing the response");
}

int nitro__conn_write(struct nitro_conn *c, const void *a, size_t alen,
    const void *b, size_t blen)
{
	return nitro__conn_send(c, a, alen, b, blen, 0);
}

/* The test client's connection: the bytes CGI would write, into a buffer
 * of bounded size. */
static int test_send(struct nitro_conn *c, const void *a, size_t alen,
    const void *b, size_t blen)
{
	if (c->out->len + alen + blen > NITRO_TESTC_RESPONSE_MAX || alen + blen < alen)
		return nitro_error(NITRO_ECLOSED, "the test client takes at most %u bytes",
		    NITRO_TESTC_RESPONSE_MAX);
	nitro_buf_append(c->out, a, alen);
	nitro_buf_append(c->out, b, blen);
	return c->out->err;
}

int nitro__conn_send(struct nitro_conn *c, const void *a, size_t alen,
    const void *b, size_t blen, int end)
{
	unsigned char endrec[24];
	unsigned char hdrs[IOV_BATCH / 2][8];
	struct iovec iov[IOV_BATCH];
	const char *seg[2] = {a, b};
	size_t seglen[2] = {alen, blen};
	int s = 0, n = 0, h = 0, rc;

	if (c->mode == NITRO_CONN_TEST)
		return test_send(c, a, alen, b, blen);
	if (c->mode == NITRO_CONN_CGI) {
		struct iovec v[2] = {{(void *)a, alen}, {(void *)b, blen}};
		return write_all(c->fd, v, 2, 0);
	}
	/* An empty STDOUT record would end the response: write nothing. */
	while (s < 2) {
		size_t room = REC_MAX;

		if (seglen[s] == 0) {
			s++;
			continue;
		}
		/* One record: a header, then up to REC_MAX bytes of content
		 * taken from one or both segments. */
		if (n + 4 > IOV_BATCH) {	/* a record, and room for the end */
			if ((rc = write_armed(c, iov, n)) != 0)
				return rc;
			n = h = 0;
		}
		int hi = n++;
		size_t len = 0;
		while (s < 2 && room > 0) {
			size_t take = seglen[s] < room ? seglen[s] : room;

			if (take > 0) {
				iov[n].iov_base = (void *)seg[s];
				iov[n].iov_len = take;
				n++;
				seg[s] += take;
				seglen[s] -= take;
				room -= take;
				len += take;
			}
			if (seglen[s] == 0)
				s++;
		}
		rec_header(hdrs[h], FCGI_STDOUT, c->request_id, len);
		iov[hi].iov_base = hdrs[h++];
		iov[hi].iov_len = 8;
	}
	if (end) {
		/* The end of the response rides in the same system call. */
		end_records(endrec, c->request_id);
		iov[n].iov_base = endrec;
		iov[n].iov_len = sizeof endrec;
		n++;
	}
	return n ? write_armed(c, iov, n) : 0;
}

int nitro__conn_end(struct nitro_conn *c)
{
	unsigned char end[24];
	struct iovec iov = {end, sizeof end};

	if (c->mode != NITRO_CONN_FCGI)
		return 0;
	end_records(end, c->request_id);
	return write_armed(c, &iov, 1);
}

int nitro__conn_unknown_role(struct nitro_conn *c)
{
	unsigned char end[16];
	struct iovec iov = {end, sizeof end};

	end_request(end, c->request_id, FCGI_UNKNOWN_ROLE);
	return write_armed(c, &iov, 1);
}

/*
 * Cut a response so that the browser retries.  A plain close reads to
 * nginx as the end of the response (an unbuffered FastCGI response has no
 * length), after which Datastar does not reconnect; a byte that cannot
 * start a FastCGI record makes nginx abort the client's connection, which
 * the browser sees as the network error it retries after (nginx logs
 * "upstream sent unsupported FastCGI protocol version: 0").
 */
void nitro__conn_abort(struct nitro_conn *c)
{
	if (c->mode == NITRO_CONN_FCGI &&
	    send(c->fd, "", 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* already gone: nothing to cut */
	}
}

long nitro__conn_read(struct nitro_conn *c, void *buf, size_t n)
{
	if (n > INT_MAX)
		n = INT_MAX;
	if (c->mode == NITRO_CONN_TEST) {
		size_t left = c->in_len - c->in_off;

		if (n > left)
			n = left;
		if (n > 0)
			memcpy(buf, c->in + c->in_off, n);
		c->in_off += n;
		return (long)n;
	}
	if (c->mode == NITRO_CONN_CGI) {
		for (;;) {
			ssize_t r = read(STDIN_FILENO, buf, n);

			if (r >= 0)
				return (long)r;
			if (errno != EINTR)
				return nitro_error(NITRO_EIO, "read: %s", strerror(errno));
		}
	}
	nitro__deadline_arm(c->dl, NITRO_IO_BODY);
	int r = FCGX_GetStr(buf, (int)n, c->fr->in);
	if (r == 0 && FCGX_GetError(c->fr->in) != 0)
		r = nitro_error(NITRO_EIO, "reading the request body failed");
	return disarm(c, r, "reading the request body");
}
