/*
 * Matching a request against the router's trie.  The router is only read,
 * so any number of threads may match at once once all routes are added.
 *
 * The path is split on '/' first and each segment percent-decoded after
 * (so "%2F" stays inside a segment), all into one arena buffer; parameter
 * values then point straight into it.  The walk tries, at every node, the
 * static child, then the parameter child, then the rest child, and backs
 * up when a branch fails further down.  A trie node sits at one depth, so
 * each node is visited at most once: the worst case is the size of the
 * trie, the usual case one node per segment.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fcgi/router_trie.h"

struct walk {
	const struct nitro_seg *segs;
	size_t nsegs;
	int slot;		/* the method's slot, or -1: only "*" routes */
	size_t val[NITRO_ROUTE_MAX_PARAMS];	/* segment of each parameter */
	size_t nval;
	size_t rest;		/* first segment of the rest value, or SIZE_MAX */
	unsigned allow;		/* slots of nodes matching the path alone */
	int seen;		/* a node with routes matched the path */
	const struct nitro_route_ent *ent;
};

static int method_slot(const char *m)
{
	static const char *const names[] = {
		"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"
	};

	if (m == NULL)
		return -1;
	if (strcmp(m, "HEAD") == 0)
		return RM_GET;
	for (int i = 0; i < RM_ANY; i++)
		if (strcmp(m, names[i]) == 0)
			return i;
	return -1;
}

/* The path ends at node n: take its route for the method, or note its
 * methods for the Allow header. */
static int visit_end(struct walk *w, const struct nitro_route_node *n)
{
	const struct nitro_route_ent *e = NULL;
	unsigned mask = 0;

	for (int i = 0; i < RM_COUNT; i++)
		if (n->routes[i] != NULL)
			mask |= 1u << i;
	if (mask == 0)
		return 0;
	w->seen = 1;
	if (w->slot >= 0)
		e = n->routes[w->slot];
	if (e == NULL)
		e = n->routes[RM_ANY];
	if (e == NULL) {
		w->allow |= mask;
		return 0;
	}
	w->ent = e;
	return 1;
}

/* Depth-first in priority order: static, parameter, rest.  Recursion is
 * bounded by the number of segments (at most NITRO_ROUTE_MAX_PATH / 2). */
static int walk(struct walk *w, const struct nitro_route_node *n, size_t i)
{
	size_t at;

	if (i == w->nsegs)
		return visit_end(w, n);
	if (nitro__route_find(n, w->segs[i].s, w->segs[i].len, &at) &&
	    walk(w, n->statics[at].child, i + 1))
		return 1;
	/* Every trie path comes from a checked pattern, so nval stays within
	 * bounds; the test only keeps a corrupt table from overflowing. */
	if (w->nval == NITRO_ROUTE_MAX_PARAMS)
		return 0;
	if (n->param != NULL) {
		w->val[w->nval++] = i;
		if (walk(w, n->param, i + 1))
			return 1;
		w->nval--;
	}
	if (n->rest != NULL) {
		w->val[w->nval++] = i;
		if (visit_end(w, n->rest)) {
			w->rest = i;
			return 1;
		}
		w->nval--;
	}
	return 0;
}

int nitro__path_split(nitro_arena *a, const char *path, size_t len,
    struct nitro_seg **segs, size_t *nsegs, size_t *empty)
{
	size_t n = 1, j = 0, s, e;
	char *buf;

	*segs = NULL;
	*nsegs = 0;
	*empty = 0;
	if (len == 1)
		return 0;
	for (size_t i = 1; i < len; i++)
		n += path[i] == '/';
	/* len is at most NITRO_ROUTE_MAX_PATH: no overflow below. */
	buf = nitro_arena_alloc(a, len + 1);
	*segs = nitro_arena_calloc(a, n, sizeof **segs);
	if (buf == NULL || *segs == NULL)
		return nitro__errcode();
	*empty = n;
	for (s = 1; j < n; s = e + 1, j++) {
		size_t dlen;
		const char *slash = memchr(path + s, '/', len - s);

		e = slash != NULL ? (size_t)(slash - path) : len;
		/* Decoding never grows, and byte e (a '/' or the end) takes
		 * the NUL. */
		if (nitro__urldecode(buf + s, path + s, e - s, 0, &dlen) != 0)
			return NITRO_EPARSE;
		(*segs)[j].s = buf + s;
		(*segs)[j].len = dlen;
		if (e == s && *empty == n)
			*empty = j;
	}
	*nsegs = n;
	return 0;
}

static int run(struct walk *w, const struct nitro_router *r,
    const struct nitro_seg *segs, size_t nsegs)
{
	w->segs = segs;
	w->nsegs = nsegs;
	w->nval = 0;
	w->rest = SIZE_MAX;
	return walk(w, &r->root, 0);
}

static void set_allow(char *dst, size_t cap, unsigned mask)
{
	static const struct { unsigned bit; const char *name; } order[] = {
		{ 1u << RM_GET, "GET" }, { 1u << RM_GET, "HEAD" },
		{ 1u << RM_POST, "POST" }, { 1u << RM_PUT, "PUT" },
		{ 1u << RM_PATCH, "PATCH" }, { 1u << RM_DELETE, "DELETE" },
		{ ~0u, "OPTIONS" },
	};
	size_t n = 0;

	dst[0] = '\0';
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (mask & order[i].bit)
			n += (size_t)snprintf(dst + n, cap - n, "%s%s",
			    n ? ", " : "", order[i].name);
}

/* The rest value: its decoded segments joined with '/'. */
static const char *join_rest(nitro_arena *a, const struct nitro_seg *segs,
    size_t from, size_t to, size_t *vlen)
{
	size_t len = 0;
	char *v, *p;

	/* Bounded by the path length (at most NITRO_ROUTE_MAX_PATH). */
	for (size_t i = from; i < to; i++)
		len += segs[i].len + (i > from);
	if ((v = nitro_arena_alloc(a, len + 1)) == NULL)
		return NULL;
	p = v;
	for (size_t i = from; i < to; i++) {
		if (i > from)
			*p++ = '/';
		memcpy(p, segs[i].s, segs[i].len);
		p += segs[i].len;
	}
	*p = '\0';
	*vlen = len;
	return v;
}

static int fill(nitro_arena *a, const struct walk *w, struct nitro_match *m)
{
	const struct nitro_route_ent *e = w->ent;
	size_t n = w->nval < e->nparams ? w->nval : e->nparams;

	m->handler = e->handler;
	m->udata = e->udata;
	m->pattern = e->pattern;
	for (size_t k = 0; k < n; k++) {
		const struct nitro_seg *sg = &w->segs[w->val[k]];

		m->params[k].name = e->name[k];
		m->params[k].value = sg->s;
		m->params[k].value_len = sg->len;
	}
	if (w->rest != SIZE_MAX && n > 0 && w->nsegs - w->rest > 1) {
		struct nitro_kv *kv = &m->params[n - 1];

		kv->value = join_rest(a, w->segs, w->rest, w->nsegs,
		    &kv->value_len);
		if (kv->value == NULL)
			return nitro__errcode();
	}
	m->nparams = n;
	return NITRO_MATCH_OK;
}

/* A redirect target must not read as another host ("/\host" is "//host"
 * to browsers) nor carry bytes a Location header should not. */
static int safe_location(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c <= ' ' || c >= 0x7f || c == '\\')
			return 0;
	}
	return 1;
}

int nitro__router_match(const struct nitro_router *r, nitro_arena *a,
    const char *method, const char *path, size_t path_len,
    struct nitro_match *m)
{
	struct walk w;
	struct nitro_seg *segs;
	size_t nsegs, empty;
	int rc;

	m->handler = NULL;
	m->udata = NULL;
	m->nparams = 0;
	m->allow[0] = '\0';
	m->redirect = NULL;
	m->pattern = NULL;
	if (path == NULL || path_len == 0 || path[0] != '/' ||
	    path_len > NITRO_ROUTE_MAX_PATH || memchr(path, '\0', path_len))
		return NITRO_MATCH_BAD_PATH;
	if ((rc = nitro__path_split(a, path, path_len, &segs, &nsegs, &empty)) != 0)
		return rc == NITRO_EPARSE ? NITRO_MATCH_BAD_PATH : rc;

	memset(&w, 0, sizeof w);
	w.slot = method_slot(method);
	/* An empty segment matches nothing, so the walk is skipped. */
	if (empty == nsegs && run(&w, r, segs, nsegs))
		return fill(a, &w, m);
	if (w.seen) {
		set_allow(m->allow, sizeof m->allow, w.allow);
		return method != NULL && strcmp(method, "OPTIONS") == 0 ?
		    NITRO_MATCH_OPTIONS : NITRO_MATCH_NO_METHOD;
	}
	/* "/a/b/" -> "/a/b" when that matches, whatever the method. */
	if (nsegs > 1 && empty == nsegs - 1 &&
	    safe_location(path, path_len - 1)) {
		if (run(&w, r, segs, nsegs - 1) || w.seen) {
			m->redirect = nitro_arena_strndup(a, path, path_len - 1);
			return m->redirect ? NITRO_MATCH_REDIRECT : nitro__errcode();
		}
	}
	return NITRO_MATCH_NOT_FOUND;
}
