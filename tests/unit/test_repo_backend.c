/*
 * A repository backend written as a user would, against <nitro.h> only
 * (struct nitro_repo_ops, nitro_repo_new): it counts every call and hands
 * it to the repository beneath (here the memory one), as a metrics, cache
 * or fault-injection layer would.  It must pass the same conformance
 * suite as the stores in the tree, the suite that is installed for users
 * (share/nitro/conformance, nitro_repo_conformance(7)).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <nitro.h>

#include "t.h"
#include "tests/conformance/repo_conformance.h"

static atomic_long calls;	/* every call through the layer */

/* The store handed to every call: the layer and the store beneath. */
struct cstore {
	struct counting *c;
	void *below;
};

struct counting {
	nitro_repo *below;
	struct cstore *stores[8];	/* one per bound schema, freed with it */
	int nstores;
};

static const struct nitro_repo_ops *below_ops(const struct cstore *s)
{
	return nitro_repo_ops(s->c->below);
}

static int c_attach(nitro_repo *r, const nitro_schema *schema, void **out)
{
	struct counting *c = nitro_repo_udata(r);
	struct cstore *s;
	int rc;

	if (c->nstores == 8)
		return nitro_error(NITRO_ELIMIT, "counting: at most 8 schemas");
	if ((s = calloc(1, sizeof *s)) == NULL)
		return nitro_error(NITRO_ENOMEM, "counting: out of memory");
	s->c = c;
	if ((rc = nitro_repo_ops(c->below)->attach(c->below, schema, &s->below)) < 0) {
		free(s);
		return rc;
	}
	c->stores[c->nstores++] = s;
	*out = s;
	return 0;
}

static int c_get(void *store, nitro_id id, void *out)
{
	struct cstore *s = store;

	calls++;
	return below_ops(s)->get(s->below, id, out);
}

static int c_put(void *store, void *const *objs, size_t n, int key)
{
	struct cstore *s = store;

	calls++;
	return below_ops(s)->put(s->below, objs, n, key);
}

static int c_del(void *store, nitro_id id)
{
	struct cstore *s = store;

	calls++;
	return below_ops(s)->del(s->below, id);
}

static int c_query(void *store, const nitro_query *q, nitro_rows *out, size_t *count)
{
	struct cstore *s = store;

	calls++;
	return below_ops(s)->query(s->below, q, out, count);
}

static void c_free(nitro_repo *r)
{
	struct counting *c = nitro_repo_udata(r);

	nitro_repo_free(c->below);
	for (int i = 0; i < c->nstores; i++)
		free(c->stores[i]);
	free(c);
}

static const struct nitro_repo_ops counting_ops = {
	.name = "counting",
	.attach = c_attach, .get = c_get, .put = c_put, .del = c_del, .query = c_query,
	.free = c_free,
};

static nitro_repo *make(void *arg)
{
	struct counting *c = calloc(1, sizeof *c);
	nitro_repo *r;

	(void)arg;
	if (c == NULL || (c->below = nitro_memrepo_new(NULL)) == NULL)
		return NULL;
	if ((r = nitro_repo_new(&counting_ops, c)) == NULL) {
		nitro_repo_free(c->below);
		free(c);
	}
	return r;
}

int main(void)
{
	struct repo_conformance rc = {"counting backend", make, NULL, t_check};
	const struct nitro_repo_ops bad = {.name = "bad"};

	nitro_log_set_level(NITRO_LOG_OFF);
	T_OK(nitro_repo_new(&bad, NULL) == NULL && nitro_errcode() == NITRO_EINVAL,
	    "a backend without its operations is refused");
	T_OK(nitro_repo_new(NULL, NULL) == NULL, "and none at all");
	{
		nitro_repo *m = nitro_memrepo_new(NULL);

		T_OK(nitro_repo_udata(m) == NULL, "a built-in repository has no udata");
		T_EQ_STR(nitro_repo_ops(m)->name, "memory", "its operations are reachable");
		nitro_repo_free(m);
	}
	repo_conformance_run(&rc);
	T_OK(calls > 100, "every call went through the backend's operations");
	return t_done();
}
