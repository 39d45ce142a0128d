/*
 * Private to fcgi/router*.c: the segment trie behind the router.
 *
 * Each node stands for one position in a path.  Its children are the
 * static segments (sorted, found by binary search), at most one "{param}"
 * child and at most one "{rest...}" child, which is always a leaf.  A node
 * holds the routes that end there, one slot per method plus one for "*".
 * Parameter names live in the routes, not in the nodes, so that
 * "GET /u/{id}" and "DELETE /u/{uid}" share a node.
 */
#ifndef NITRO_FCGI_ROUTER_TRIE_H
#define NITRO_FCGI_ROUTER_TRIE_H

#include <stddef.h>

#include "fcgi/router.h"

/* Method slots.  HEAD is not a slot: it is answered by GET routes. */
enum {
	RM_GET, RM_POST, RM_PUT, RM_PATCH, RM_DELETE, RM_OPTIONS,
	RM_ANY,			/* "*" */
	RM_COUNT
};

struct nitro_route_ent {
	char *pattern;		/* "GET /a/{x}", as added */
	char *names;		/* the parameter names, NUL-separated */
	const char *name[NITRO_ROUTE_MAX_PARAMS];	/* in path order */
	size_t nparams;
	nitro_handler handler;
	void *udata;
};

struct nitro_route_edge {
	char *seg;		/* static segment text */
	size_t len;
	struct nitro_route_node *child;
};

struct nitro_route_node {
	struct nitro_route_edge *statics;	/* sorted: see nitro__route_find */
	size_t nstatics, capstatics;
	struct nitro_route_node *param;
	struct nitro_route_node *rest;
	struct nitro_route_ent *routes[RM_COUNT];
};

struct nitro_router {
	struct nitro_route_node root;
};

/* Find the static edge s[0..len) of n: 1 with *at its index, or 0 with
 * *at where it would be inserted. */
int nitro__route_find(const struct nitro_route_node *n, const char *s,
    size_t len, size_t *at);

#endif
