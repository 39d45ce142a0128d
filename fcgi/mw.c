/*
 * Middleware: before- and after-functions around the route, for the whole
 * application or for a path prefix (a route group), and the per-request
 * values they hand to handlers.
 *
 * A prefix is matched on the request path's percent-decoded segments, the
 * very split the router walks (nitro__path_split), never on the raw
 * bytes: "/%61dmin" is "/admin" to the router and so to a guard, while
 * "/Admin", "//admin", "/./admin", "/admin;x" and "/admin%2F.." are other
 * paths to both (the router answers them 404, never with an /admin route).
 * Group before-functions run before routing, so a guard answers every
 * path under its prefix the same way, routed or not: a 404 for an unknown
 * /admin path would tell a stranger which ones exist.
 */
#include <stdlib.h>
#include <string.h>

#include "fcgi/internal.h"

struct nitro_local {
	const char *key;
	void *value;
	struct nitro_local *next;
};

/* The segments of a checked prefix, pointing into it ("/" has none). */
static int prefix_segments(struct nitro_mw *m)
{
	size_t n = 0;
	char *p;

	for (p = m->prefix; *p; p++)
		n += *p == '/';
	if (strcmp(m->prefix, "/") == 0)
		return 0;
	if ((m->segs = calloc(n, sizeof *m->segs)) == NULL)
		return nitro__oom("middleware");
	for (p = m->prefix + 1; m->nsegs < n; p++) {
		char *e = strchrnul(p, '/');

		m->segs[m->nsegs].s = p;
		m->segs[m->nsegs++].len = (size_t)(e - p);
		p = e;
	}
	return 0;
}

int nitro_use(nitro_app *app, const char *prefix, nitro_before_fn before,
    nitro_after_fn after, void *udata)
{
	struct nitro_mw *m;
	int rc;

	if (before == NULL && after == NULL)
		return nitro_error(NITRO_EINVAL, "middleware: neither a before- nor an after-function");
	if (app->nmw == NITRO_MW_MAX)
		return nitro_error(NITRO_EINVAL, "middleware: more than %d", NITRO_MW_MAX);
	if (prefix != NULL && strcmp(prefix, "/") == 0)
		prefix = NULL;	/* everything: application-wide */
	if (prefix != NULL && nitro__router_check_prefix(prefix) != 0)
		return nitro_error(NITRO_EINVAL, "middleware prefix: %s", nitro_errmsg());
	m = &app->mw[app->nmw];
	memset(m, 0, sizeof *m);
	if (prefix != NULL) {
		if ((m->prefix = strdup(prefix)) == NULL)
			return nitro__oom("middleware");
		if ((rc = prefix_segments(m)) != 0) {
			free(m->prefix);
			return rc;
		}
		app->nmw_groups++;
	}
	m->before = before;
	m->after = after;
	m->udata = udata;
	app->nmw++;
	return 0;
}

void nitro__mw_free(nitro_app *app)
{
	for (size_t i = 0; i < app->nmw; i++) {
		free(app->mw[i].prefix);
		free(app->mw[i].segs);
	}
	app->nmw = app->nmw_groups = 0;
}

static int covers(const struct nitro_mw *m, const struct nitro_seg *segs, size_t nsegs)
{
	if (m->nsegs > nsegs)
		return 0;
	for (size_t i = 0; i < m->nsegs; i++)
		if (segs[i].len != m->segs[i].len ||
		    memcmp(segs[i].s, m->segs[i].s, segs[i].len) != 0)
			return 0;
	return 1;
}

/* The layers the request enters: application-wide ones, then the groups
 * whose prefix covers its path, each in the order added.  A path the
 * router would refuse (bad percent-encoding, not starting with '/', over
 * its length) is under no prefix: it reaches no route either. */
static void plan_chain(nitro_req *req)
{
	nitro_app *app = req->app;
	struct nitro_seg *segs = NULL;
	size_t nsegs = 0, empty, i;
	int split = 0;

	req->mw_n = 0;
	for (i = 0; i < app->nmw; i++)
		if (app->mw[i].prefix == NULL)
			req->mw_chain[req->mw_n++] = (unsigned char)i;
	if (app->nmw_groups == 0)
		return;
	if (req->path_len > 0 && req->path[0] == '/' &&
	    req->path_len <= NITRO_ROUTE_MAX_PATH)
		split = nitro__path_split(req->arena, req->path, req->path_len,
		    &segs, &nsegs, &empty) == 0;
	if (!split)
		return;
	for (i = 0; i < app->nmw; i++)
		if (app->mw[i].prefix != NULL && covers(&app->mw[i], segs, nsegs))
			req->mw_chain[req->mw_n++] = (unsigned char)i;
}

int nitro__mw_before(nitro_req *req)
{
	nitro_app *app = req->app;
	unsigned planned;

	req->mw_after_done = 0;
	plan_chain(req);
	/* mw_n counts the layers entered so far: only their after-functions
	 * run when a before-function stops the chain. */
	planned = req->mw_n;
	req->mw_n = 0;
	for (unsigned k = 0; k < planned; k++) {
		const struct nitro_mw *m = &app->mw[req->mw_chain[k]];
		int rc;

		req->mw_n++;
		if (m->before == NULL)
			continue;
		rc = m->before(req, m->udata);
		if (nitro__dispatch_result(req, rc, "before-function"))
			return 1;
		if (rc != NITRO_NEXT || req->sent)
			return 1;
	}
	return 0;
}

void nitro__mw_after(nitro_req *req)
{
	nitro_app *app = req->app;

	if (req->mw_after_done)
		return;
	req->mw_after_done = 1;
	for (unsigned k = req->mw_n; k-- > 0;) {
		const struct nitro_mw *m = &app->mw[req->mw_chain[k]];

		if (m->after != NULL)
			m->after(req, m->udata);
	}
}

/* ---- per-request values --------------------------------------------------- */

int nitro_req_set(nitro_req *req, const char *key, void *value)
{
	struct nitro_local *l;

	if (key == NULL)
		return nitro_error(NITRO_EINVAL, "nitro_req_set: no key");
	for (l = req->locals; l != NULL; l = l->next)
		if (strcmp(l->key, key) == 0) {
			l->value = value;
			return 0;
		}
	if ((l = nitro_arena_alloc(req->arena, sizeof *l)) == NULL ||
	    (l->key = nitro_arena_strdup(req->arena, key)) == NULL)
		return nitro__errcode();
	l->value = value;
	l->next = req->locals;
	req->locals = l;
	return 0;
}

void *nitro_req_get(nitro_req *req, const char *key)
{
	if (key == NULL)
		return NULL;
	for (struct nitro_local *l = req->locals; l != NULL; l = l->next)
		if (strcmp(l->key, key) == 0)
			return l->value;
	return NULL;
}
