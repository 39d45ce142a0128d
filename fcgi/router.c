/*
 * The router's table: patterns are checked and compiled into the segment
 * trie of router_trie.h when they are added.  Matching, which only reads
 * the trie, is in router_match.c.
 *
 * A pattern is "METHOD /path".  Every defect is refused with a message that
 * names it, because a route that silently never matches is much harder to
 * find than a failed start-up.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/router_trie.h"

static const char *const method_names[RM_COUNT] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"
};

struct pname {
	const char *s;
	size_t len;
};

/* Static edges are ordered by length, then bytes. */
static int segcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

int nitro__route_find(const struct nitro_route_node *n, const char *s,
    size_t len, size_t *at)
{
	size_t lo = 0, hi = n->nstatics;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = segcmp(s, len, n->statics[mid].seg, n->statics[mid].len);

		if (c == 0) {
			*at = mid;
			return 1;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*at = lo;
	return 0;
}

static int bad(const char *pattern, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int bad(const char *pattern, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return nitro_error(NITRO_EINVAL, "route \"%.200s\": %s", pattern, what);
}

static int parse_method(const char *pattern, int *method, const char **path)
{
	const char *sp = strchr(pattern, ' ');
	size_t mlen;

	if (sp == NULL)
		return bad(pattern, "expected \"METHOD /path\"");
	mlen = (size_t)(sp - pattern);
	*method = -1;
	for (int i = 0; i < RM_COUNT; i++)
		if (strlen(method_names[i]) == mlen &&
		    memcmp(method_names[i], pattern, mlen) == 0)
			*method = i;
	if (*method < 0) {
		if (mlen == 4 && memcmp(pattern, "HEAD", 4) == 0)
			return bad(pattern, "HEAD is answered by GET routes; "
			    "declare GET instead");
		return bad(pattern, "unknown method \"%.*s\" (GET, POST, PUT, "
		    "PATCH, DELETE, OPTIONS or *)", (int)(mlen > 32 ? 32 : mlen),
		    pattern);
	}
	if (sp[1] == ' ')
		return bad(pattern, "more than one space after the method");
	if (sp[1] != '/')
		return bad(pattern, "the path must start with '/'");
	*path = sp + 1;
	if (strlen(*path) > NITRO_ROUTE_MAX_PATH)
		return bad(pattern, "path longer than %d bytes",
		    NITRO_ROUTE_MAX_PATH);
	return 0;
}

static int valid_name(const char *s, size_t n)
{
	if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') ||
	    (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* A "{name}" or last "{name...}" segment: check it and record the name. */
static int check_param(const char *pattern, const char *s, size_t len,
    int last, struct pname *names, size_t *nnames)
{
	const char *name = s + 1;
	size_t nlen = len - 2;
	int rest = 0;

	if (len < 2 || s[len - 1] != '}' || memchr(name, '{', nlen) ||
	    memchr(name, '}', nlen))
		return bad(pattern, "a parameter must be a whole segment: "
		    "\"%.*s\"", (int)(len > 64 ? 64 : len), s);
	if (nlen >= 3 && memcmp(name + nlen - 3, "...", 3) == 0) {
		rest = 1;
		nlen -= 3;
	}
	if (!valid_name(name, nlen))
		return bad(pattern, "bad parameter name \"%.*s\" "
		    "([A-Za-z_][A-Za-z0-9_]*)", (int)(nlen > 64 ? 64 : nlen), name);
	if (rest && !last)
		return bad(pattern, "rest parameter {%.*s...} must be the last "
		    "segment", (int)(nlen > 64 ? 64 : nlen), name);
	for (size_t i = 0; i < *nnames; i++)
		if (names[i].len == nlen && memcmp(names[i].s, name, nlen) == 0)
			return bad(pattern, "parameter name \"%.*s\" used twice",
			    (int)(nlen > 64 ? 64 : nlen), name);
	if (*nnames == NITRO_ROUTE_MAX_PARAMS)
		return bad(pattern, "more than %d parameters",
		    NITRO_ROUTE_MAX_PARAMS);
	names[*nnames].s = name;
	names[*nnames].len = nlen;
	++*nnames;
	return 0;
}

static int check_static(const char *pattern, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '{' || c == '}')
			return bad(pattern, "a parameter must be a whole "
			    "segment: \"%.*s\"", (int)(len > 64 ? 64 : len), s);
		/* '%' would be ambiguous: patterns hold decoded text. */
		if (c <= ' ' || c == 0x7f || c == '%' || c == '?' || c == '#')
			return bad(pattern, "character 0x%02x not allowed in a "
			    "path segment", c);
	}
	return 0;
}

/* Check every segment of path and collect the parameter names. */
static int check_path(const char *pattern, const char *path,
    struct pname *names, size_t *nnames)
{
	const char *p, *e;
	int rc;

	*nnames = 0;
	if (strcmp(path, "/") == 0)
		return 0;
	for (p = path + 1;; p = e + 1) {
		e = strchrnul(p, '/');
		if (e == p)
			return bad(pattern, *e == '\0' ? "trailing slash (only "
			    "\"/\" may end with one)" : "empty segment");
		if (*p == '{')
			rc = check_param(pattern, p, (size_t)(e - p), *e == '\0',
			    names, nnames);
		else
			rc = check_static(pattern, p, (size_t)(e - p));
		if (rc)
			return rc;
		if (*e == '\0')
			return 0;
	}
}

static struct nitro_route_node *static_child(struct nitro_route_node *n,
    const char *s, size_t len)
{
	struct nitro_route_edge *ed;
	size_t lo;

	if (nitro__route_find(n, s, len, &lo))
		return n->statics[lo].child;
	if (n->nstatics == n->capstatics) {
		size_t cap = n->capstatics ? n->capstatics * 2 : 4;

		ed = reallocarray(n->statics, cap, sizeof *ed);
		if (ed == NULL)
			return NULL;
		n->statics = ed;
		n->capstatics = cap;
	}
	ed = &n->statics[lo];
	memmove(ed + 1, ed, (n->nstatics - lo) * sizeof *ed);
	ed->seg = strndup(s, len);
	ed->child = calloc(1, sizeof *ed->child);
	if (ed->seg == NULL || ed->child == NULL) {
		free(ed->seg);
		free(ed->child);
		memmove(ed, ed + 1, (n->nstatics - lo) * sizeof *ed);
		return NULL;
	}
	ed->len = len;
	n->nstatics++;
	return ed->child;
}

static struct nitro_route_node *slot_child(struct nitro_route_node **slot)
{
	if (*slot == NULL)
		*slot = calloc(1, sizeof **slot);
	return *slot;
}

/* Walk (and grow) the trie along an already checked path. */
static struct nitro_route_node *insert_path(struct nitro_router *r,
    const char *path)
{
	struct nitro_route_node *n = &r->root;
	const char *p, *e;

	if (strcmp(path, "/") == 0)
		return n;
	for (p = path + 1; n != NULL; p = e + 1) {
		size_t len;

		e = strchrnul(p, '/');
		len = (size_t)(e - p);
		if (*p != '{')
			n = static_child(n, p, len);
		else if (len > 5 && memcmp(e - 4, "...}", 4) == 0)
			n = slot_child(&n->rest);
		else
			n = slot_child(&n->param);
		if (*e == '\0')
			break;
	}
	return n;
}

static struct nitro_route_ent *ent_new(const char *pattern,
    const struct pname *names, size_t nnames)
{
	struct nitro_route_ent *ent = calloc(1, sizeof *ent);
	char *q;

	if (ent == NULL)
		return NULL;
	/* The names together are shorter than the pattern holding them. */
	ent->pattern = strdup(pattern);
	ent->names = malloc(strlen(pattern) + 1);
	if (ent->pattern == NULL || ent->names == NULL) {
		free(ent->pattern);
		free(ent->names);
		free(ent);
		return NULL;
	}
	q = ent->names;
	for (size_t i = 0; i < nnames; i++) {
		memcpy(q, names[i].s, names[i].len);
		q[names[i].len] = '\0';
		ent->name[i] = q;
		q += names[i].len + 1;
	}
	ent->nparams = nnames;
	return ent;
}

static void ent_free(struct nitro_route_ent *ent)
{
	if (ent == NULL)
		return;
	free(ent->pattern);
	free(ent->names);
	free(ent);
}

struct nitro_router *nitro__router_new(void)
{
	struct nitro_router *r = calloc(1, sizeof *r);

	if (r == NULL)
		nitro__oom("router");
	return r;
}

/* Free what a node owns (not the node itself: the root is embedded). */
static void node_clear(struct nitro_route_node *n)
{
	for (size_t i = 0; i < n->nstatics; i++) {
		node_clear(n->statics[i].child);
		free(n->statics[i].child);
		free(n->statics[i].seg);
	}
	free(n->statics);
	if (n->param != NULL) {
		node_clear(n->param);
		free(n->param);
	}
	if (n->rest != NULL) {
		node_clear(n->rest);
		free(n->rest);
	}
	for (int i = 0; i < RM_COUNT; i++)
		ent_free(n->routes[i]);
}

void nitro__router_free(struct nitro_router *r)
{
	if (r == NULL)
		return;
	node_clear(&r->root);
	free(r);
}

int nitro__router_add(struct nitro_router *r, const char *pattern,
    nitro_handler h, void *udata)
{
	struct pname names[NITRO_ROUTE_MAX_PARAMS];
	struct nitro_route_node *n;
	struct nitro_route_ent *ent;
	const char *path = NULL;
	size_t nnames = 0;
	int method = RM_ANY, rc;

	if (r == NULL || pattern == NULL)
		return nitro_error(NITRO_EINVAL, "route: no router or pattern");
	if (h == NULL)
		return bad(pattern, "no handler");
	if ((rc = parse_method(pattern, &method, &path)) != 0 ||
	    (rc = check_path(pattern, path, names, &nnames)) != 0)
		return rc;
	/* Nodes made before running out of memory stay, empty: harmless. */
	if ((n = insert_path(r, path)) == NULL)
		return nitro__oom(pattern);
	if (n->routes[method] != NULL)
		return nitro_error(NITRO_EEXIST, "route \"%.200s\": same "
		    "method and path as \"%.200s\"", pattern,
		    n->routes[method]->pattern);
	if ((ent = ent_new(pattern, names, nnames)) == NULL)
		return nitro__oom(pattern);
	ent->handler = h;
	ent->udata = udata;
	n->routes[method] = ent;
	return 0;
}

int nitro__router_check_prefix(const char *prefix)
{
	struct pname names[NITRO_ROUTE_MAX_PARAMS];
	size_t nnames = 0;
	int rc;

	if (prefix[0] != '/')
		return bad(prefix, "a prefix starts with /");
	if (strlen(prefix) > NITRO_ROUTE_MAX_PATH)
		return bad(prefix, "longer than %d bytes", NITRO_ROUTE_MAX_PATH);
	if ((rc = check_path(prefix, prefix, names, &nnames)) != 0)
		return rc;
	if (nnames > 0)
		return bad(prefix, "a prefix is literal: no {parameters}");
	return 0;
}
