/*
 * What a hub wrote to a stream, for the hub's tests: the content of the
 * FastCGI STDOUT records read from the client's end of the socketpair.
 */
#ifndef NITRO_TESTS_HUB_READ_H
#define NITRO_TESTS_HUB_READ_H

#include <poll.h>
#include <string.h>
#include <unistd.h>

/* Read STDOUT record content from fd until want bytes or timeout (ms). */
static inline size_t read_stream(int fd, char *out, size_t cap, size_t want, int timeout)
{
	size_t len = 0;

	while (len < want) {
		struct pollfd p = {fd, POLLIN, 0};
		unsigned char h[8];
		char body[70000];
		size_t n, got = 0;

		if (poll(&p, 1, timeout) <= 0)
			break;
		ssize_t first = read(fd, h, 1);
		if (first == 1 && h[0] != 1) {	/* not a record: the shutdown byte */
			out[len++] = '!';
			break;
		}
		if (first != 1 || read(fd, h + 1, 7) != 7)
			break;
		n = ((size_t)h[4] << 8 | h[5]) + h[6];
		while (got < n) {
			ssize_t r = read(fd, body + got, n - got);
			if (r <= 0)
				return len;
			got += (size_t)r;
		}
		if (h[1] == 6 && len + n < cap) {
			memcpy(out + len, body, n - h[6]);
			len += n - h[6];
		}
	}
	out[len] = '\0';
	return len;
}

#endif
