/*
 * libFuzzer harness for the text form of field values
 * (nitro_entity_set_text), what nitro_req_bind() runs every form value,
 * query parameter and signal through.  The first byte picks the field,
 * the rest is its text.  Checked against naive references:
 *   - INT: accepted exactly when the trimmed text is an optional sign and
 *     1 to 19+ digits whose value fits int64 (by arbitrary-precision
 *     comparison on the digit string), with that value;
 *   - REAL: accepted only when finite and equal to strtod of the text;
 *   - BOOL: one of the eight words (any case) or blank;
 *   - every type: a refusal leaves the field as it was and adds exactly
 *     one message; an accepted value formats back (INT, TIME) to text
 *     that parses to the same value.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nitro/core.h"
#include "parse_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define F(X) \
	X(id,   INT, NITRO_F_ID) \
	X(i,    INT) \
	X(r,    REAL) \
	X(b,    BOOL) \
	X(t,    TIME) \
	X(s,    TEXT) \
	X(j,    JSON) \
	X(blob, BLOB)
NITRO_ENTITY(fz, F)
NITRO_ENTITY_DEFINE(fz, F);

static const char *const names[] = {"i", "r", "b", "t", "s", "j", "blob"};

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The reference for INT: 1 and *v when s[0..n) (trimmed) is one. */
static int ref_int(const char *s, size_t n, int64_t *v)
{
	static const char max[] = "9223372036854775807", min[] = "9223372036854775808";
	int neg = 0;
	size_t k;
	const char *lim;

	while (n && blank(*s))
		s++, n--;
	while (n && blank(s[n - 1]))
		n--;
	if (n > 64)	/* the documented bound: longer is never a number */
		return 0;
	if (n && (*s == '+' || *s == '-'))
		neg = *s == '-', s++, n--;
	if (n == 0)
		return 0;
	for (k = 0; k < n; k++)
		if (s[k] < '0' || s[k] > '9')
			return 0;
	while (n > 1 && *s == '0')	/* leading zeros do not count */
		s++, n--;
	lim = neg ? min : max;
	if (n > 19 || (n == 19 && memcmp(s, lim, 19) > 0))
		return 0;
	char buf[24];

	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = neg ? (int64_t)(0 - strtoull(buf, NULL, 10)) : (int64_t)strtoull(buf, NULL, 10);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz a, before;
	nitro_verrors e = {0};
	const char *name, *text;
	size_t n;
	int rc;

	if (size == 0 || size > FUZZ_MAX_INPUT)
		return 0;
	name = names[data[0] % (sizeof names / sizeof *names)];
	text = (const char *)data + 1;
	n = size - 1;
	CHECK(fz_init(&a) == 0);
	a.i = 42;
	a.r = 4.5;
	a.b = 1;
	a.t = 1000;
	before = a;
	rc = nitro_entity_set_text(&fz_schema, &a, name, text, n, &e);
	CHECK(rc == 0 || rc == NITRO_EVALIDATE);
	if (rc == NITRO_EVALIDATE) {
		CHECK(e.n == 1 && strcmp(e.e[0].field, name) == 0 && e.e[0].msg[0]);
		CHECK(a.nitro_nulls == before.nitro_nulls && a.i == before.i &&
		    a.b == before.b && a.t == before.t &&
		    memcmp(&a.r, &before.r, sizeof a.r) == 0);
		CHECK(a.s == NULL && a.j == NULL && a.blob.data == NULL);
	} else {
		CHECK(e.n == 0);
	}

	if (strcmp(name, "i") == 0) {
		int64_t want = 0;
		int ok = ref_int(text, n, &want), empty = 1;

		for (size_t k = 0; k < n; k++)
			empty &= blank(text[k]);
		if (empty) {
			CHECK(rc == 0 && nitro_entity_is_null(&fz_schema, &a, "i") == 1);
		} else {
			CHECK((rc == 0) == (ok && memchr(text, '\0', n) == NULL));
			if (rc == 0) {
				char back[32];

				CHECK(a.i == want);
				snprintf(back, sizeof back, "%lld", (long long)a.i);
				CHECK(nitro_entity_set_text(&fz_schema, &a, "i", back,
				    strlen(back), NULL) == 0 && a.i == want);
			}
		}
	} else if (strcmp(name, "r") == 0 && rc == 0 &&
	    nitro_entity_is_null(&fz_schema, &a, "r") == 0) {
		char buf[80];
		size_t lo = 0, hi = n;

		while (lo < hi && blank(text[lo]))
			lo++;
		while (hi > lo && blank(text[hi - 1]))
			hi--;
		CHECK(isfinite(a.r) && hi - lo < sizeof buf);
		memcpy(buf, text + lo, hi - lo);
		buf[hi - lo] = '\0';
		CHECK(strtod(buf, NULL) == a.r);
		CHECK(strpbrk(buf, "xXnNiI") == NULL);
	} else if (strcmp(name, "b") == 0) {
		static const char *const words[] = {"true", "on", "1", "yes",
			"false", "off", "0", "no"};
		char buf[16];
		size_t lo = 0, hi = n;
		int known = 0;

		while (lo < hi && blank(text[lo]))
			lo++;
		while (hi > lo && blank(text[hi - 1]))
			hi--;
		if (hi - lo < sizeof buf) {
			memcpy(buf, text + lo, hi - lo);
			buf[hi - lo] = '\0';
			known = hi == lo;
			for (size_t k = 0; k < 8; k++)
				if (strlen(buf) == hi - lo && strcasecmp(buf, words[k]) == 0) {
					known = 1;
					CHECK(rc != 0 || a.b == (k < 4));
				}
		}
		CHECK((rc == 0) == known);
	} else if (strcmp(name, "t") == 0 && rc == 0 &&
	    nitro_entity_is_null(&fz_schema, &a, "t") == 0) {
		char iso[NITRO_TIME_LEN];
		int64_t back = 0;

		CHECK(nitro_time_format(a.t, iso) == 0);
		CHECK(nitro_time_parse(iso, &back) == 0 && back == a.t);
	} else if (strcmp(name, "s") == 0 && rc == 0 && n > 0) {
		CHECK(a.s != NULL && strlen(a.s) == n && memcmp(a.s, text, n) == 0);
	} else if (strcmp(name, "blob") == 0 && rc == 0 && n > 0) {
		CHECK(a.blob.len == n && memcmp(a.blob.data, text, n) == 0);
	}
	fz_clear(&a);
	return 0;
}
