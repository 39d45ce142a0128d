/*
 * Small codecs for entity values: ISO 8601 timestamps, UUIDs, base64.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "nitro/core.h"
#include "core/error.h"
#include "core/repo.h"

/* Years 0001..9999 keep every timestamp four digits wide. */
#define MS_MIN (-62135596800000LL)	/* 0001-01-01T00:00:00Z */
#define MS_MAX (253402300799999LL)	/* 9999-12-31T23:59:59.999Z */

int64_t nitro_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nitro_time_format(int64_t ms, char out[NITRO_TIME_LEN])
{
	struct tm tm;
	time_t sec;
	int64_t frac;
	int n;

	if (ms < MS_MIN || ms > MS_MAX) {
		out[0] = '\0';
		return nitro_error(NITRO_EINVAL, "time %lld is out of range", (long long)ms);
	}
	frac = ms % 1000;
	sec = (time_t)((ms - frac) / 1000);
	if (frac < 0) {
		frac += 1000;
		sec -= 1;
	}
	gmtime_r(&sec, &tm);
	/* Not strftime("%Y"): glibc writes year 1 as "1", not "0001". */
	n = snprintf(out, NITRO_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
	if (frac)
		snprintf(out + n, NITRO_TIME_LEN - (size_t)n, ".%03dZ", (int)frac);
	else
		snprintf(out + n, NITRO_TIME_LEN - (size_t)n, "Z");
	return 0;
}

/* Exactly n digits at *p. */
static int digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		*v = *v * 10 + (*(*p)++ - '0');
	}
	return 0;
}

static int days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 29;
	return d[m - 1];
}

/*
 * YYYY-MM-DD[(T| )HH:MM[:SS[.fff...]]][Z|(+|-)HH[:]MM]; no zone is UTC.
 */
int nitro_time_parse(const char *s, int64_t *ms)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, off = 0;
	int64_t v;
	struct tm tm;

	if (s == NULL)
		return nitro_error(NITRO_EINVAL, "no time");
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		goto bad;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo))
		goto bad;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			goto bad;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				goto bad;
			if (*p == '.' || *p == ',') {
				int scale = 100, nd = 0;

				p++;
				while (isdigit((unsigned char)*p)) {
					frac += (*p++ - '0') * scale;
					scale /= 10;
					nd++;
				}
				if (nd == 0)
					goto bad;
			}
		}
		if (h > 23 || mi > 59 || sec > 59)
			goto bad;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om;

			if (digits(&p, 2, &oh))
				goto bad;
			if (*p == ':')
				p++;
			if (digits(&p, 2, &om) || oh > 23 || om > 59)
				goto bad;
			off = sign * (oh * 60 + om);
		}
	}
	if (*p != '\0')
		goto bad;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	v = ((int64_t)timegm(&tm) - (int64_t)off * 60) * 1000 + frac;
	/* An offset can carry 0001-01-01 or 9999-12-31 out of the range
	 * that nitro_time_format() writes; refuse what cannot be written. */
	if (v < MS_MIN || v > MS_MAX)
		goto bad;
	*ms = v;
	return 0;
bad:
	return nitro_error(NITRO_EPARSE, "\"%.40s\" is not an ISO 8601 time", s);
}

int nitro_uuid(char out[NITRO_UUID_LEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	size_t got = 0;
	char *o = out;

	while (got < sizeof b) {
		ssize_t r = getrandom(b + got, sizeof b - got, 0);

		if (r <= 0) {
			out[0] = '\0';
			return nitro_error(NITRO_EIO, "getrandom failed");
		}
		got += (size_t)r;
	}
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	*o = '\0';
	return 0;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int nitro__b64_encode(const unsigned char *p, size_t n, nitro_buf *out)
{
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		char q[4] = {b64[p[i] >> 2], b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
		    b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)], b64[p[i + 2] & 63]};

		nitro_buf_append(out, q, 4);
	}
	if (n - i == 1) {
		char q[4] = {b64[p[i] >> 2], b64[(p[i] & 3) << 4], '=', '='};

		nitro_buf_append(out, q, 4);
	} else if (n - i == 2) {
		char q[4] = {b64[p[i] >> 2], b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
		    b64[(p[i + 1] & 15) << 2], '='};

		nitro_buf_append(out, q, 4);
	}
	return out->err;
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

int nitro__b64_decode(const char *s, size_t n, nitro_blob *out)
{
	unsigned char *d;
	size_t o = 0;

	if (n % 4 != 0)
		return nitro_error(NITRO_EPARSE, "base64 length is not a multiple of 4");
	if ((d = malloc(n / 4 * 3 + 1)) == NULL)
		return nitro__oom(NULL);
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad || (v[k] = b64_val(s[i + k])) < 0) {
				free(d);
				return nitro_error(NITRO_EPARSE, "bad base64");
			}
		}
		d[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			d[o++] = (unsigned char)(v[1] << 4 | v[2] >> 2);
		if (pad < 1)
			d[o++] = (unsigned char)(v[2] << 6 | v[3]);
	}
	out->data = d;
	out->len = o;
	return 0;
}
