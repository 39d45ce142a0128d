/*
 * Shared scaffolding for the parser harnesses (fuzz_query, fuzz_cookies,
 * ...): a CHECK that aborts so libFuzzer reports a violated invariant, the
 * default limits and a tight set that puts every limit within reach of
 * small inputs, and a per-process arena reset for each input.
 */
#ifndef NITRO_TESTS_PARSE_FUZZ_H
#define NITRO_TESTS_PARSE_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/parse.h"

/* Inputs beyond this are ignored: they only slow the fuzzer down. */
#define FUZZ_MAX_INPUT (64 << 10)

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
	abort(); } } while (0)

static inline nitro_arena *fuzz_arena(void)
{
	static nitro_arena *a;

	if (a == NULL && (a = nitro_arena_new(16384)) == NULL)
		abort();
	nitro_arena_reset(a);
	return a;
}

static inline struct nitro_limits fuzz_default_limits(void)
{
	struct nitro_limits l;

	nitro_limits_default(&l);
	return l;
}

static inline struct nitro_limits fuzz_tight_limits(void)
{
	struct nitro_limits l = fuzz_default_limits();

	l.params = 3;
	l.name_bytes = 4;
	l.value_bytes = 8;
	l.cookies = 3;
	l.parts = 3;
	l.part_bytes = 16;
	l.part_header_bytes = 80;
	l.header_bytes = 40;
	l.body_bytes = 100;
	l.json_depth = 3;
	return l;
}

/* A failed parse leaves a status the runtime can answer and a message. */
static inline void check_failure(int rc, const struct nitro_perr *e)
{
	CHECK(rc < 0);
	CHECK(e->status == 400 || e->status == 413);
	CHECK(e->msg[0] != '\0');
	CHECK(memchr(e->msg, '\0', sizeof e->msg) != NULL);
}

/* Every pair: a non-empty NUL-terminated name and a value whose length
 * is value_len with no NUL inside, within the limits. */
static inline void check_pairs(const struct nitro_kvlist *l, size_t max_pairs,
    const struct nitro_limits *lim)
{
	CHECK(l->n <= max_pairs);
	CHECK((l->n == 0) == (l->v == NULL));
	for (size_t i = 0; i < l->n; i++) {
		const struct nitro_kv *kv = &l->v[i];

		CHECK(kv->name != NULL && kv->value != NULL);
		CHECK(kv->name[0] != '\0');
		CHECK(strlen(kv->name) <= lim->name_bytes);
		CHECK(strlen(kv->value) == kv->value_len);
		CHECK(kv->value_len <= lim->value_bytes);
		CHECK(nitro__kv_get(l, kv->name) != NULL);
	}
}

static inline int fuzz_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * A deliberately naive reference decoder: 1 and the decoded bytes in out
 * (room for n + 1), or 0 when the parser must refuse the input.
 */
static inline int fuzz_ref_decode(const char *s, size_t n, char *out, size_t *len)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			if (n - i < 3)
				return 0;
			if (fuzz_hex((unsigned char)s[i + 1]) < 0 ||
			    fuzz_hex((unsigned char)s[i + 2]) < 0)
				return 0;
			c = fuzz_hex((unsigned char)s[i + 1]) * 16 +
			    fuzz_hex((unsigned char)s[i + 2]);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c == 0)
			return 0;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	*len = o;
	return 1;
}

/*
 * Parse s as a query string or form body under lim and compare the result
 * with the reference: the same pairs in the same order, or a refusal
 * exactly when the reference refuses (bad encoding or a limit).
 */
static inline void fuzz_form(const char *s, size_t n, int in_body,
    const struct nitro_limits *lim)
{
	struct nitro_kvlist kv;
	struct nitro_perr e;
	char *ref = malloc(n + 1);
	size_t i = 0, k = 0;
	int rc, ok = 1;

	memset(&e, 0, sizeof e);
	rc = nitro__parse_urlencoded(fuzz_arena(), s, n, lim, in_body, &kv, &e);
	CHECK(ref != NULL);
	while (i <= n && ok) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t plen = amp ? (size_t)(amp - (s + i)) : n - i;
		const char *eq = memchr(s + i, '=', plen);
		size_t nlen = eq ? (size_t)(eq - (s + i)) : plen, dl;

		if (plen > 0 && nlen > 0) {
			ok = ++k <= lim->params;
			ok = ok && fuzz_ref_decode(s + i, nlen, ref, &dl) && dl <= lim->name_bytes;
			if (ok && rc == 0)
				CHECK(strcmp(kv.v[k - 1].name, ref) == 0);
			if (ok && eq) {
				ok = fuzz_ref_decode(eq + 1, plen - nlen - 1, ref, &dl) &&
				    dl <= lim->value_bytes;
				if (ok && rc == 0)
					CHECK(kv.v[k - 1].value_len == dl &&
					    memcmp(kv.v[k - 1].value, ref, dl + 1) == 0);
			} else if (ok && rc == 0) {
				CHECK(kv.v[k - 1].value_len == 0);
			}
		}
		i += plen + 1;
	}
	free(ref);
	if (!ok) {
		check_failure(rc, &e);
		CHECK(kv.n == 0 && kv.v == NULL);
		/* Limits of a query string are the client's fault (400);
		 * of a body, too large (413). */
		CHECK(e.status == 400 || in_body);
		return;
	}
	CHECK(rc == 0);
	CHECK(kv.n == k);
	check_pairs(&kv, lim->params, lim);
}

#endif
