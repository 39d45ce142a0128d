/*
 * The SSE id of a live stream's event, which a browser sends back as
 * Last-Event-ID: "E-N", the log's epoch E and the event's id N, both
 * decimal; plain "N" when the transport has no epoch (epoch 0).  The
 * epoch changes when a database is restored or fails over and may hand
 * out an id twice: an id from another epoch names no event of this log,
 * and the hub answers it with nitro.gap, never with events it did not
 * follow.  A browser sends back whatever it was given, so anything else
 * (too long, not digits, an overflow) is simply not an id of ours.
 */
#include <inttypes.h>
#include <stdio.h>

#include "fcgi/parse.h"

/* Digits of one part: 18 never overflow an int64_t. */
#define PART_DIGITS 18

size_t nitro__event_id_format(char buf[NITRO__EVENT_ID_MAX], int64_t epoch, int64_t id)
{
	int n = epoch != 0 ?
	    snprintf(buf, NITRO__EVENT_ID_MAX, "%" PRId64 "-%" PRId64, epoch, id) :
	    snprintf(buf, NITRO__EVENT_ID_MAX, "%" PRId64, id);

	return n > 0 && n < NITRO__EVENT_ID_MAX ? (size_t)n : 0;
}

/* Up to PART_DIGITS decimal digits at s[*i], stopping before any other
 * byte: 1 with *v, or 0 when there are none or too many. */
static int part(const char *s, size_t n, size_t *i, int64_t *v)
{
	size_t start = *i;
	int64_t x = 0;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
		if (*i - start == PART_DIGITS)
			return 0;
		x = x * 10 + (s[*i] - '0');
		(*i)++;
	}
	*v = x;
	return *i > start;
}

int nitro__event_id_parse(const char *s, size_t n, int64_t *epoch, int64_t *id)
{
	size_t i = 0;
	int64_t a, b;

	if (s == NULL || n == 0 || n >= NITRO__EVENT_ID_MAX || !part(s, n, &i, &a))
		return 0;
	if (i == n) {		/* plain N: a log without an epoch */
		*epoch = 0;
		*id = a;
		return 1;
	}
	if (s[i++] != '-' || !part(s, n, &i, &b) || i != n || a == 0)
		return 0;
	*epoch = a;
	*id = b;
	return 1;
}
