/*
 * libFuzzer harness for ISO 8601 timestamps (nitro_time_parse and
 * nitro_time_format).  The input is parsed and compared with a naive
 * reference that reads the documented grammar position by position and
 * counts days with a civil-calendar formula instead of timegm():
 *
 *   YYYY-MM-DD[(T|t| )HH:MM[:SS[(.|,)digits]][Z|z|(+|-)HH[:]MM]]
 *
 * Both must accept the same strings with the same value, and every
 * accepted value must format, and the formatted text must parse back to the
 * same value.  The first eight bytes, read as an integer, also go through
 * format then parse.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/core.h"
#include "parse_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MS_MIN (-62135596800000LL)	/* 0001-01-01T00:00:00Z */
#define MS_MAX (253402300799999LL)	/* 9999-12-31T23:59:59.999Z */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The number in s[at..at+n) when all n bytes are digits, else -1. */
static int num(const char *s, size_t len, size_t at, size_t n)
{
	int v = 0;

	if (at + n > len)
		return -1;
	for (size_t i = at; i < at + n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* 1 and *ms when s is a valid timestamp, else 0. */
static int ref_parse(const char *s, int64_t *ms)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t len = strlen(s), i;
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, off = 0, dim;

	y = num(s, len, 0, 4);
	mo = num(s, len, 5, 2);
	d = num(s, len, 8, 2);
	if (len < 10 || s[4] != '-' || s[7] != '-' || y < 1 || mo < 1 || mo > 12)
		return 0;
	dim = mdays[mo - 1] + (mo == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
	if (d < 1 || d > dim)
		return 0;
	i = 10;
	if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		h = num(s, len, i + 1, 2);
		mi = num(s, len, i + 4, 2);
		if (h < 0 || i + 3 >= len || s[i + 3] != ':' || mi < 0)
			return 0;
		i += 6;
		if (i < len && s[i] == ':') {
			if ((sec = num(s, len, i + 1, 2)) < 0)
				return 0;
			i += 3;
			if (i < len && (s[i] == '.' || s[i] == ',')) {
				size_t nd = 0;

				/* Milliseconds: the first three digits, padded. */
				for (i++; i < len && is_digit(s[i]); i++, nd++)
					if (nd < 3)
						frac += (s[i] - '0') * (nd == 0 ? 100 : nd == 1 ? 10 : 1);
				if (nd == 0)
					return 0;
			}
		}
		if (h > 23 || mi > 59 || sec > 59)
			return 0;
		if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
			i++;
		} else if (i < len && (s[i] == '+' || s[i] == '-')) {
			int sign = s[i] == '-' ? -1 : 1, oh, om;

			if ((oh = num(s, len, i + 1, 2)) < 0)
				return 0;
			i += 3;
			if (i < len && s[i] == ':')
				i++;
			if ((om = num(s, len, i, 2)) < 0 || oh > 23 || om > 59)
				return 0;
			i += 2;
			off = sign * (oh * 60 + om);
		}
	}
	if (i != len)
		return 0;
	*ms = days_from_civil(y, mo, d) * 86400000 + (int64_t)h * 3600000 +
	    (int64_t)mi * 60000 + (int64_t)sec * 1000 + frac - (int64_t)off * 60000;
	return *ms >= MS_MIN && *ms <= MS_MAX;
}

/* ms formats as YYYY-MM-DDTHH:MM:SS[.fff]Z and parses back to itself. */
static void check_format(int64_t ms)
{
	char out[NITRO_TIME_LEN], again[NITRO_TIME_LEN];
	int64_t back = 0, ref = 0;
	size_t n;

	CHECK(nitro_time_format(ms, out) == 0);
	n = strlen(out);
	CHECK(n == 20 || n == 24);
	CHECK(out[n - 1] == 'Z' && out[10] == 'T');
	CHECK((n == 24) == (ms % 1000 != 0));
	CHECK(nitro_time_parse(out, &back) == 0);
	CHECK(back == ms);
	CHECK(ref_parse(out, &ref) && ref == ms);
	CHECK(nitro_time_format(back, again) == 0 && strcmp(out, again) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128];
	int64_t ms = 0, ref = 0, x;
	char out[NITRO_TIME_LEN];
	int rc, ok;

	if (size >= sizeof s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	rc = nitro_time_parse(s, &ms);
	ok = ref_parse(s, &ref);
	if (!ok) {
		CHECK(rc == NITRO_EPARSE);
		CHECK(nitro_errmsg()[0] != '\0');
	} else {
		CHECK(rc == 0);
		CHECK(ms == ref);
		check_format(ms);
	}

	if (size >= 8) {
		memcpy(&x, data, sizeof x);
		if (x >= MS_MIN && x <= MS_MAX) {
			check_format(x);
		} else {
			CHECK(nitro_time_format(x, out) == NITRO_EINVAL);
			CHECK(out[0] == '\0');
			/* Fold into the range to reach every value. */
			check_format(MS_MIN + (int64_t)((uint64_t)x %
			    (uint64_t)(MS_MAX - MS_MIN + 1)));
		}
	}
	return 0;
}
