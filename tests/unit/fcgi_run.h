/*
 * Driving the runtime in-process for unit tests: a request built from an
 * environment array (and, when given, a body already read) is dispatched
 * on one end of a socketpair, and the FastCGI STDOUT content it wrote is
 * read back from the other end into run_out.  The including test sets
 * run_app and makes run_sv with socketpair() before the first run.
 */
#ifndef NITRO_TESTS_FCGI_RUN_H
#define NITRO_TESTS_FCGI_RUN_H

#include <string.h>
#include <unistd.h>

#include "fcgi/internal.h"

static nitro_app *run_app;
static int run_sv[2];
static char run_out[65536];

/* The STDOUT bytes of one response, until END_REQUEST. */
static void run_read_response(void)
{
	unsigned char h[8];
	size_t len = 0;

	while (read(run_sv[1], h, 8) == 8) {
		size_t n = ((size_t)h[4] << 8) | h[5], got = 0;
		char body[65536 + 256];

		while (got < n + h[6]) {
			ssize_t r = read(run_sv[1], body + got, n + h[6] - got);
			if (r <= 0)
				goto done;
			got += (size_t)r;
		}
		if (h[1] == 3)
			break;
		if (h[1] == 6 && len + n < sizeof run_out) {
			memcpy(run_out + len, body, n);
			len += n;
		}
	}
done:
	run_out[len] = '\0';
}

/* Dispatch one request; body (NULL: none) stands for the read body. */
static void run_body(char **envp, const char *body, size_t len)
{
	struct nitro_conn conn = {.mode = NITRO_CONN_FCGI, .fd = run_sv[0], .request_id = 1};
	nitro_req req;

	nitro__req_init(&req, run_app);
	req.body_eof = 1;
	nitro__req_begin(&req, &conn, envp);
	req.body_eof = 1;
	if (body != NULL) {
		req.parsed |= PARSED_BODY;
		req.body = body;
		req.body_len = len;
	}
	nitro__dispatch(&req);
	nitro__req_end(&req);
	nitro__req_destroy(&req);
	run_read_response();
}

#endif
