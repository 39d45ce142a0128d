/*
 * Internal: the router.  Patterns are compiled when added; matching
 * walks the path once, segment by segment, allocating only the decoded
 * parameter values (from the request arena).
 *
 * The trailing-slash rule: routes are declared without a trailing slash
 * (except "/" itself, and patterns with one are refused).  A request path
 * with a trailing slash that matches nothing, but would match without the
 * slash, is redirected there with 308 (method and body preserved).
 */
#ifndef NITRO_FCGI_ROUTER_H
#define NITRO_FCGI_ROUTER_H

#include <stddef.h>

#include "nitro/fcgi.h"
#include "fcgi/parse.h"

#define NITRO_ROUTE_MAX_PARAMS 16
/* Longest pattern path and request path the router accepts. */
#define NITRO_ROUTE_MAX_PATH 4096

struct nitro_router;

enum nitro_match_result {
	NITRO_MATCH_OK = 0,		/* handler, udata and params are set */
	NITRO_MATCH_NOT_FOUND,		/* 404 */
	NITRO_MATCH_NO_METHOD,		/* 405; allow is set */
	NITRO_MATCH_OPTIONS,		/* OPTIONS with no OPTIONS route; allow is set */
	NITRO_MATCH_REDIRECT,		/* 308 to redirect (trailing slash) */
	NITRO_MATCH_BAD_PATH		/* 400; bad percent-encoding or too long */
};

struct nitro_match {
	nitro_handler handler;
	void *udata;
	struct nitro_kv params[NITRO_ROUTE_MAX_PARAMS];
	size_t nparams;
	char allow[96];		/* "GET, HEAD, POST, OPTIONS" for 405/OPTIONS */
	const char *redirect;	/* arena string: the path without the slash */
	const char *pattern;	/* the matched route's pattern, for logs */
};

/* One segment of a request path, percent-decoded. */
struct nitro_seg {
	const char *s;		/* decoded, NUL-terminated */
	size_t len;
};

/*
 * Split a path that starts with '/' (at most NITRO_ROUTE_MAX_PATH bytes)
 * into decoded segments, as the router sees it: "/" has none, "/a/" has
 * "a" and "".  *empty is the index of the first empty segment, or
 * *nsegs.  Returns 0, NITRO_EPARSE for bad percent-encoding, or
 * NITRO_ENOMEM.  Middleware prefixes are matched on the same segments
 * (mw.c), so that what a guard covers is exactly what the router routes.
 */
int nitro__path_split(nitro_arena *a, const char *path, size_t len,
    struct nitro_seg **segs, size_t *nsegs, size_t *empty);

/* A middleware prefix: a pattern path with literal segments only, no
 * trailing slash ("/" aside).  0 or NITRO_EINVAL with a message. */
int nitro__router_check_prefix(const char *prefix);

struct nitro_router *nitro__router_new(void);
void nitro__router_free(struct nitro_router *r);

/* See nitro_route(): 0, NITRO_EINVAL (bad pattern, message set) or
 * NITRO_EEXIST (same method and pattern). */
int nitro__router_add(struct nitro_router *r, const char *pattern,
    nitro_handler h, void *udata);

/*
 * Match method and path (the raw path, before percent-decoding: segments
 * are split on '/' first and then decoded, so "%2F" stays inside a
 * parameter).  HEAD matches GET routes.  Returns a nitro_match_result.
 */
int nitro__router_match(const struct nitro_router *r, nitro_arena *a,
    const char *method, const char *path, size_t path_len,
    struct nitro_match *m);

#endif
