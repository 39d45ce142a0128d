/*
 * libFuzzer harness for the router.  The input is lines: the first is a
 * pattern, later lines starting with '+' are more patterns, and the others
 * are request paths, each with a method chosen by its first byte when that
 * byte is not '/'.  The routes are added to a fixed table and every path is
 * matched both by the router and by a slow reference matcher written from
 * the rules (try every route, keep the most specific); the two must agree
 * on the result, the route, the parameters and the Allow list.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/router_trie.h"

#define MAX_ROUTES 64
#define MAX_LINES 256
#define MAX_SEGS (NITRO_ROUTE_MAX_PATH / 2)

static const char *const fixed[] = {
	"GET /", "GET /a", "POST /a", "GET /a/{x}", "GET /a/{x}/c",
	"GET /a/b/d", "* /a/{x}/{y}", "DELETE /a/{rest...}", "GET /f/{p...}",
	"PUT /f/x", "OPTIONS /o", "PATCH /o/{id}", "GET /{top}/z",
	"GET /caf\xc3\xa9", "* /any/{tail...}",
};

static const char *const methods[] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "",
};

static const char *const slot_names[] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*",
};

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); \
	abort(); } } while (0)

static int handler(nitro_req *req, void *udata)
{
	(void)req;
	(void)udata;
	return 0;
}

/* ---- the reference: every route tried, the most specific kept ---------- */

struct ref_route {
	const char *pattern;
	int slot;		/* index in slot_names */
	/* A pattern path of at most 4096 bytes has at most 2048 segments. */
	const char *segs[MAX_SEGS];
	size_t lens[MAX_SEGS];
	int kind[MAX_SEGS];	/* 0 static, 1 param, 2 rest */
	size_t n;
};

static struct ref_route *routes[MAX_ROUTES + 16];
static size_t nroutes;

static void ref_add(const char *pattern)
{
	struct ref_route *r = malloc(sizeof *r);
	const char *sp = strchr(pattern, ' '), *p, *e;

	CHECK(r != NULL && sp != NULL);
	r->pattern = pattern;
	r->slot = -1;
	r->n = 0;
	for (int i = 0; i < 7; i++)
		if (strlen(slot_names[i]) == (size_t)(sp - pattern) &&
		    memcmp(slot_names[i], pattern, (size_t)(sp - pattern)) == 0)
			r->slot = i;
	CHECK(r->slot >= 0);
	if (strcmp(sp + 1, "/") != 0) {
		for (p = sp + 2;; p = e + 1) {
			size_t len;

			e = strchrnul(p, '/');
			len = (size_t)(e - p);
			CHECK(len > 0 && r->n < MAX_SEGS);
			r->segs[r->n] = p;
			r->lens[r->n] = len;
			r->kind[r->n] = p[0] != '{' ? 0 : len > 5 &&
			    memcmp(e - 4, "...}", 4) == 0 ? 2 : 1;
			r->n++;
			if (*e == '\0')
				break;
		}
	}
	routes[nroutes++] = r;
}

struct dseg {
	char *s;
	size_t len;
};

static int ref_fits(const struct ref_route *r, const struct dseg *d, size_t n)
{
	if (r->n > 0 && r->kind[r->n - 1] == 2 ? n < r->n : n != r->n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (d[i].len == 0)
			return 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->kind[i] == 0 && (r->lens[i] != d[i].len ||
		    memcmp(r->segs[i], d[i].s, d[i].len) != 0))
			return 0;
	return 1;
}

/* Negative when a is more specific than b. */
static int ref_cmp(const struct ref_route *a, const struct ref_route *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++)
		if (a->kind[i] != b->kind[i])
			return a->kind[i] - b->kind[i];
	/* Same shape on the same path: the same node; "*" comes last. */
	return (a->slot == 6) - (b->slot == 6);
}

static int slot_of(const char *m)
{
	if (strcmp(m, "HEAD") == 0)
		return 0;
	for (int i = 0; i < 6; i++)
		if (strcmp(m, slot_names[i]) == 0)
			return i;
	return -1;
}

/* The route for method among those fitting; *seen and *allow as the
 * router defines them. */
static const struct ref_route *ref_best(const char *method,
    const struct dseg *d, size_t n, int *seen, unsigned *allow)
{
	const struct ref_route *best = NULL;
	int slot = slot_of(method);

	*seen = 0;
	*allow = 0;
	for (size_t i = 0; i < nroutes; i++) {
		const struct ref_route *r = routes[i];

		if (!ref_fits(r, d, n))
			continue;
		*seen = 1;
		*allow |= 1u << r->slot;
		if ((r->slot == slot || r->slot == 6) &&
		    (best == NULL || ref_cmp(r, best) < 0))
			best = r;
	}
	return best;
}

static void ref_allow(char *dst, size_t cap, unsigned mask)
{
	static const char *const order[] = {
		"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
	};
	static const int bit[] = { 0, 0, 1, 2, 3, 4 };

	dst[0] = '\0';
	for (int i = 0; i < 6; i++)
		if (mask & (1u << bit[i])) {
			strncat(dst, order[i], cap - strlen(dst) - 1);
			strncat(dst, ", ", cap - strlen(dst) - 1);
		}
	strncat(dst, "OPTIONS", cap - strlen(dst) - 1);
}

/* Split and decode path as the rules say; -1 for a bad path. */
static long ref_split(const char *path, size_t len, struct dseg *d, char *buf)
{
	size_t n = 0, s, e;

	if (len == 0 || path[0] != '/' || len > NITRO_ROUTE_MAX_PATH ||
	    memchr(path, '\0', len))
		return -1;
	if (len == 1)
		return 0;
	for (s = 1;; s = e + 1) {
		const char *sl = memchr(path + s, '/', len - s);

		e = sl ? (size_t)(sl - path) : len;
		if (nitro__urldecode(buf + s, path + s, e - s, 0, &d[n].len))
			return -1;
		d[n++].s = buf + s;
		if (e == len)
			return (long)n;
	}
}

static void check_path(struct nitro_router *rt, nitro_arena *a,
    const char *method, const char *path, size_t len)
{
	static struct dseg d[NITRO_ROUTE_MAX_PATH + 1];
	static char buf[NITRO_ROUTE_MAX_PATH + 2];
	static char allow[96];
	struct nitro_match m, m2;
	const struct ref_route *best;
	unsigned mask;
	long n;
	int rc, seen;

	nitro_arena_reset(a);
	rc = nitro__router_match(rt, a, method, path, len, &m);
	CHECK(rc >= NITRO_MATCH_OK && rc <= NITRO_MATCH_BAD_PATH);
	CHECK(m.nparams <= NITRO_ROUTE_MAX_PARAMS);

	n = ref_split(path, len, d, buf);
	if (n < 0) {
		CHECK(rc == NITRO_MATCH_BAD_PATH);
		return;
	}
	CHECK(rc != NITRO_MATCH_BAD_PATH);
	best = ref_best(method, d, (size_t)n, &seen, &mask);
	if (best != NULL) {
		size_t k = 0;

		CHECK(rc == NITRO_MATCH_OK);
		CHECK(m.handler == handler && strcmp(m.pattern, best->pattern) == 0);
		CHECK(m.udata == best->pattern);
		for (size_t i = 0; i < best->n; i++) {
			struct nitro_kv *kv = &m.params[k];
			const char *name = best->segs[i] + 1;
			size_t nlen = best->lens[i] - (best->kind[i] == 2 ? 5 : 2);

			if (best->kind[i] == 0)
				continue;
			CHECK(k < m.nparams);
			CHECK(strlen(kv->name) == nlen &&
			    memcmp(kv->name, name, nlen) == 0);
			CHECK(kv->value[kv->value_len] == '\0');
			CHECK(strlen(kv->value) == kv->value_len);
			if (best->kind[i] == 1) {
				CHECK(kv->value_len == d[i].len &&
				    memcmp(kv->value, d[i].s, d[i].len) == 0);
			} else {
				/* The rest: decoded segments joined by '/'. */
				const char *v = kv->value;

				for (size_t j = i; j < (size_t)n; j++) {
					CHECK(memcmp(v, d[j].s, d[j].len) == 0);
					v += d[j].len;
					CHECK(*v == (j + 1 < (size_t)n ? '/' : '\0'));
					v++;
				}
			}
			k++;
		}
		CHECK(k == m.nparams);
		return;
	}
	if (seen) {
		CHECK(rc == (strcmp(method, "OPTIONS") == 0 ?
		    NITRO_MATCH_OPTIONS : NITRO_MATCH_NO_METHOD));
		ref_allow(allow, sizeof allow, mask);
		CHECK(m.allow[0] != '\0' && strcmp(m.allow, allow) == 0);
		return;
	}
	if (rc == NITRO_MATCH_REDIRECT) {
		/* Only a final slash, dropped, and the result must match. */
		CHECK(len > 2 && path[len - 1] == '/' && path[1] != '/' &&
		    path[1] != '\\');
		CHECK(strlen(m.redirect) == len - 1 &&
		    memcmp(m.redirect, path, len - 1) == 0);
		ref_best("GET", d, (size_t)n - 1, &seen, &mask);
		CHECK(seen);
		nitro_arena_reset(a);
		rc = nitro__router_match(rt, a, "GET", path, len - 1, &m2);
		CHECK(rc == NITRO_MATCH_OK || rc == NITRO_MATCH_NO_METHOD);
		return;
	}
	CHECK(rc == NITRO_MATCH_NOT_FOUND);
	if (n > 1 && len > 1 && path[len - 1] == '/' && path[1] != '/' &&
	    d[n - 1].len == 0) {
		/* 404 with a final slash: nothing without it either, or an
		 * unsafe redirect target. */
		int ok = 1;

		for (size_t i = 0; i + 1 < len; i++)
			if ((unsigned char)path[i] <= ' ' ||
			    (unsigned char)path[i] >= 0x7f || path[i] == '\\')
				ok = 0;
		for (long i = 0; i + 1 < n; i++)
			if (d[i].len == 0)
				ok = 0;
		if (ok) {
			ref_best("GET", d, (size_t)n - 1, &seen, &mask);
			CHECK(!seen);
		}
	}
}

static char *dupline(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	CHECK(s != NULL);
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static nitro_arena *a;
	struct nitro_router *rt = nitro__router_new();
	char *lines[MAX_LINES];
	size_t lens[MAX_LINES], nl = 0, pos = 0;

	if (a == NULL)
		a = nitro_arena_new(4096);
	CHECK(rt != NULL && a != NULL);
	nroutes = 0;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		CHECK(nitro__router_add(rt, fixed[i], handler,
		    (void *)fixed[i]) == 0);
		ref_add(fixed[i]);
	}
	while (pos < size && nl < MAX_LINES) {
		const uint8_t *nlp = memchr(data + pos, '\n', size - pos);
		size_t end = nlp ? (size_t)(nlp - data) : size;

		lens[nl] = end - pos;
		lines[nl++] = dupline(data + pos, end - pos);
		pos = end + 1;
	}
	for (size_t i = 0; i < nl; i++) {
		const char *pat = lines[i] + (i > 0);
		int rc;

		if (i > 0 && lines[i][0] != '+')
			continue;
		if (nroutes == MAX_ROUTES)
			break;
		rc = nitro__router_add(rt, pat, handler, (void *)pat);
		CHECK(rc == 0 || rc == NITRO_EINVAL || rc == NITRO_EEXIST);
		if (rc == 0)
			ref_add(pat);
	}
	for (size_t i = 1; i < nl; i++) {
		const char *method = "GET", *path = lines[i];
		size_t len = lens[i];

		if (path[0] == '+')
			continue;
		if (len > 0 && path[0] != '/') {
			method = methods[(unsigned char)path[0] %
			    (sizeof methods / sizeof methods[0])];
			path++;
			len--;
		}
		check_path(rt, a, method, path, len);
	}
	for (size_t i = 0; i < nroutes; i++)
		free(routes[i]);
	for (size_t i = 0; i < nl; i++)
		free(lines[i]);
	nitro__router_free(rt);
	return 0;
}
