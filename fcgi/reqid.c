/*
 * Request ids: every request carries one, in the access log (rid=) and in
 * the X-Request-Id response header, so that a line in nginx's log, the
 * worker's log and a user's report can be matched.  A valid id from the
 * web server or a proxy in front (X-Request-Id, e.g. nginx's $request_id
 * passed as HTTP_X_REQUEST_ID) is kept; otherwise the worker makes one of
 * 128 random bits from getrandom(2), in hex.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "fcgi/internal.h"

/* Bytes a valid id is made of: letters, digits and - _ . : + / =, which
 * need no quoting in a header or a log line. */
static int valid_id(const char *v)
{
	size_t n = 0;

	for (; v[n] != '\0'; n++) {
		unsigned char c = (unsigned char)v[n];

		if (n == NITRO_REQ_ID_MAX || !((c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-_.:+/=", c) != NULL))
			return 0;
	}
	return n > 0;
}

/* 16 random bytes from the request's pool, refilled a batch at a time
 * (one system call serves many requests of the thread).  Without
 * getrandom (an old kernel) the time and a counter still make ids
 * distinct, which is all an id is for. */
static void random16(nitro_req *req, unsigned char out[16])
{
	static _Atomic unsigned long long seq;

	if (req->rnd_left < 16) {
		ssize_t n;

		do
			n = getrandom(req->rnd, sizeof req->rnd, 0);
		while (n < 0 && errno == EINTR);
		if (n < (ssize_t)sizeof req->rnd) {
			struct timespec ts;
			unsigned long long s = atomic_fetch_add(&seq, 1);

			clock_gettime(CLOCK_REALTIME, &ts);
			memset(out, 0, 16);
			memcpy(out, &ts, sizeof ts < 16 ? sizeof ts : 16);
			for (int i = 0; i < 8; i++)
				out[8 + i] ^= (unsigned char)(s >> (8 * i));
			return;
		}
		req->rnd_left = sizeof req->rnd;
	}
	req->rnd_left -= 16;
	memcpy(out, req->rnd + req->rnd_left, 16);
}

void nitro__req_id_begin(nitro_req *req)
{
	static const char hex[] = "0123456789abcdef";
	const char *v = nitro_req_env(req, "HTTP_X_REQUEST_ID");
	unsigned char r[16];

	if (v != NULL && valid_id(v)) {
		memcpy(req->rid, v, strlen(v) + 1);
		return;
	}
	random16(req, r);
	for (int i = 0; i < 16; i++) {
		req->rid[2 * i] = hex[r[i] >> 4];
		req->rid[2 * i + 1] = hex[r[i] & 15];
	}
	req->rid[32] = '\0';
}

const char *nitro_req_id(const nitro_req *req)
{
	return req->rid;
}
