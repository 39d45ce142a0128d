/*
 * Entity operations: the one path every save and delete takes, whatever
 * the repository behind the schema.
 *
 *   save:   validate -> before_save hook -> "<e>.saving" (vetoable)
 *           -> repository -> after_save hook -> "<e>.saved"
 *   delete: load -> before_delete hook -> "<e>.deleting" (vetoable)
 *           -> repository -> after_delete hook -> "<e>.deleted"
 *
 * Events carry the entity as payload and the schema as sender, so that a
 * handler can subscribe with {.sender = &todo_schema}.  Inside a unit of
 * work, "<e>.saved" and "<e>.deleted" wait for its commit (uow.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/core.h"
#include "core/error.h"
#include "core/repo.h"
#include "core/uow.h"

#define BATCH_MAX 100000

static const char *const op_names[NITRO__OPS] = {"get", "save", "delete", "query", "count"};

/* Counters are made at bind time, so counting costs one atomic add. */
static int make_counters(const nitro_schema *s, struct nitro__schema_rt *rt,
    nitro_repo *repo)
{
	char labels[160];

	for (int op = 0; op < NITRO__OPS; op++) {
		for (int err = 0; err < 2; err++) {
			snprintf(labels, sizeof labels,
			    "repo=\"%s\",entity=\"%s\",op=\"%s\",result=\"%s\"",
			    repo->ops->name, s->name, op_names[op], err ? "error" : "ok");
			rt->opc[op][err] = nitro_counter_get("nitro_entity_ops_total",
			    "Entity operations by repository, entity, operation and result.",
			    labels);
			if (rt->opc[op][err] == NULL)
				return nitro__errcode();	/* EINVAL, ELIMIT, ENOMEM */
		}
	}
	return 0;
}

static void count_op(const struct nitro__schema_rt *rt, int op, int rc)
{
	nitro_counter_add(rt->opc[op][rc < 0], 1);
}

int nitro_entity_bind(nitro_schema *s, nitro_repo *repo, nitro_bus *bus)
{
	struct nitro__schema_rt *rt = nitro__schema(s);
	void *store;
	int rc;

	if (rt == NULL)
		return nitro__errcode();
	if (repo == NULL)
		return nitro_error(NITRO_EINVAL, "%s: bind needs a repository", s->name);
	if ((rc = make_counters(s, rt, repo)) < 0 ||
	    (rc = repo->ops->attach(repo, s, &store)) < 0)
		return rc;
	rt->repo = repo;
	rt->store = store;
	rt->bus = bus ? bus : nitro_bus_default();
	return 0;
}

int nitro_entity_hooks(nitro_schema *s, const struct nitro_hooks *h)
{
	struct nitro__schema_rt *rt = nitro__schema(s);

	if (rt == NULL)
		return nitro__errcode();
	if (h)
		rt->hooks = *h;
	else
		memset(&rt->hooks, 0, sizeof rt->hooks);
	return 0;
}

static struct nitro__schema_rt *bound(const nitro_schema *s)
{
	struct nitro__schema_rt *rt = nitro__schema(s);

	if (rt != NULL && rt->repo == NULL) {
		nitro_error(NITRO_EINVAL, "%s is not bound to a repository (nitro_entity_bind)",
		    s->name);
		return NULL;
	}
	return rt;
}

/* A missing UUID id is made here, so that "saving" handlers see it. */
static int ensure_uuid(const struct nitro__schema_rt *rt, void *obj)
{
	const nitro_field *f = &rt->f[rt->id];
	char **id = (char **)((char *)obj + f->offset), u[NITRO_UUID_LEN];
	int rc;

	if (!f->uuid || *id != NULL)
		return 0;
	if ((rc = nitro_uuid(u)) < 0)
		return rc;
	if ((*id = strdup(u)) == NULL)
		return nitro__oom(NULL);
	return 0;
}

/* "<e>.saved" or "<e>.deleted": inside a unit of work of the entity's
 * repository, held until it commits (uow.c). */
static void emit_after(struct nitro__schema_rt *rt, const char *name, const nitro_schema *s,
    void *obj)
{
	if (nitro__uow_defer(rt->repo, rt->bus, name, s, obj) <= 0)
		(void)nitro_bus_emit_entity(rt->bus, name, s, s, obj);
}

static int save_batch(const nitro_schema *s, struct nitro__schema_rt *rt,
    void *const *objs, size_t n, int key)
{
	const struct nitro_hooks *h = &rt->hooks;
	int rc;

	for (size_t i = 0; i < n; i++)
		if ((rc = nitro_entity_validate(s, objs[i], NULL)) < 0 ||
		    (rc = ensure_uuid(rt, objs[i])) < 0)
			goto out;
	for (size_t i = 0; i < n; i++) {
		if (h->before_save && (rc = h->before_save(s, objs[i], h->udata)) < 0)
			goto out;
		if ((rc = nitro_bus_emit_entity(rt->bus, rt->ev_saving, s, s, objs[i])) < 0)
			goto out;
	}
	if ((rc = rt->repo->ops->put(rt->store, objs, n, key)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (h->after_save)
			(void)h->after_save(s, objs[i], h->udata);
		emit_after(rt, rt->ev_saved, s, objs[i]);
	}
	rc = 0;
out:
	count_op(rt, NITRO__OP_SAVE, rc);
	return rc;
}

int nitro_entity_save(const nitro_schema *s, void *obj)
{
	struct nitro__schema_rt *rt = bound(s);

	if (rt == NULL)
		return nitro__errcode();
	if (obj == NULL)
		return nitro_error(NITRO_EINVAL, "%s: save needs a record", s->name);
	return save_batch(s, rt, &obj, 1, -1);
}

static int save_many(const nitro_schema *s, void *objs, size_t n, int key)
{
	struct nitro__schema_rt *rt = bound(s);
	void **ptrs;
	int rc;

	if (rt == NULL)
		return nitro__errcode();
	if (n == 0)
		return 0;
	if (objs == NULL)
		return nitro_error(NITRO_EINVAL, "%s: no records", s->name);
	if (n > BATCH_MAX)
		return nitro_error(NITRO_ELIMIT, "%s: a batch holds at most %d records",
		    s->name, BATCH_MAX);
	if ((ptrs = malloc(n * sizeof *ptrs)) == NULL)
		return nitro__oom(NULL);
	for (size_t i = 0; i < n; i++)
		ptrs[i] = (char *)objs + i * s->size;
	rc = save_batch(s, rt, ptrs, n, key);
	free(ptrs);
	return rc;
}

int nitro_entity_save_many(const nitro_schema *s, void *objs, size_t n)
{
	return save_many(s, objs, n, -1);
}

int nitro_entity_upsert_many(const nitro_schema *s, void *objs, size_t n, const char *key)
{
	int k = nitro__field_index(s, key);

	if (k < 0)
		return k;
	if (!s->rt->f[k].unique && !s->rt->f[k].id)
		return nitro_error(NITRO_EINVAL, "%s.%s: an upsert key must be unique",
		    s->name, key);
	return save_many(s, objs, n, s->rt->f[k].id ? -1 : k);
}

int nitro_entity_get(const nitro_schema *s, nitro_id id, void *out)
{
	struct nitro__schema_rt *rt = bound(s);
	int rc;

	if (rt == NULL)
		return nitro__errcode();
	if (out == NULL)
		return nitro_error(NITRO_EINVAL, "%s: get needs a record to fill", s->name);
	rc = rt->repo->ops->get(rt->store, id, out);
	count_op(rt, NITRO__OP_GET, rc);
	return rc;
}

int nitro_entity_exists(const nitro_schema *s, nitro_id id)
{
	void *tmp;
	int rc;

	if (s == NULL)
		return nitro_error(NITRO_EINVAL, "exists: no schema");
	if ((tmp = malloc(s->size)) == NULL)
		return nitro__oom(NULL);
	rc = nitro_entity_get(s, id, tmp);
	if (rc == 0)
		nitro_entity_clear(s, tmp);
	free(tmp);
	return rc == 0 ? 1 : rc == NITRO_ENOTFOUND ? 0 : rc;
}

int nitro_entity_delete(const nitro_schema *s, nitro_id id)
{
	struct nitro__schema_rt *rt = bound(s);
	const struct nitro_hooks *h;
	void *obj;
	int rc;

	if (rt == NULL)
		return nitro__errcode();
	h = &rt->hooks;
	if ((obj = malloc(s->size)) == NULL)
		return nitro__oom(NULL);
	if ((rc = rt->repo->ops->get(rt->store, id, obj)) < 0) {
		free(obj);
		goto out;
	}
	if ((h->before_delete && (rc = h->before_delete(s, obj, h->udata)) < 0) ||
	    (rc = nitro_bus_emit_entity(rt->bus, rt->ev_deleting, s, s, obj)) < 0 ||
	    (rc = rt->repo->ops->del(rt->store, id)) < 0)
		goto done;
	if (h->after_delete)
		(void)h->after_delete(s, obj, h->udata);
	emit_after(rt, rt->ev_deleted, s, obj);
	rc = 0;
done:
	nitro_entity_clear(s, obj);
	free(obj);
out:
	count_op(rt, NITRO__OP_DELETE, rc);
	return rc;
}

int nitro_entity_query(const nitro_schema *s, const nitro_query *q, nitro_rows *out)
{
	struct nitro__schema_rt *rt = bound(s);
	int rc;

	if (rt == NULL)
		return nitro__errcode();
	if (out == NULL)
		return nitro_error(NITRO_EINVAL, "%s: query needs rows to fill", s->name);
	out->items = NULL;
	out->n = 0;
	out->schema = s;
	if ((rc = nitro__query_check(s, q)) < 0)
		return rc;
	rc = rt->repo->ops->query(rt->store, q, out, NULL);
	count_op(rt, NITRO__OP_QUERY, rc);
	return rc;
}

int nitro_entity_all(const nitro_schema *s, nitro_rows *out)
{
	return nitro_entity_query(s, NULL, out);
}

int nitro_entity_count(const nitro_schema *s, const nitro_query *q, size_t *n)
{
	struct nitro__schema_rt *rt = bound(s);
	int rc;

	if (rt == NULL)
		return nitro__errcode();
	if (n == NULL)
		return nitro_error(NITRO_EINVAL, "%s: count needs somewhere to put it", s->name);
	*n = 0;
	if ((rc = nitro__query_check(s, q)) < 0)
		return rc;
	rc = rt->repo->ops->query(rt->store, q, NULL, n);
	count_op(rt, NITRO__OP_COUNT, rc);
	return rc;
}

int nitro_entity_find_by(const nitro_schema *s, const char *field, nitro_value v,
    void *out)
{
	nitro_cond c = {field, NITRO_OP_EQ, v};
	nitro_query q = {.all = &c, .nall = 1, .limit = 1};
	nitro_rows rows;
	int rc;

	if ((rc = nitro_entity_query(s, &q, &rows)) < 0)
		return rc;
	if (rows.n == 0) {
		nitro_rows_free(&rows);
		return nitro_error(NITRO_ENOTFOUND, "no %s with that %s", s->name, field);
	}
	memcpy(out, rows.items, s->size);	/* the row's members move to out */
	free(rows.items);
	return 0;
}

/*
 * Search and filter are queries the entity layer writes, so every backend
 * sorts, pages and counts them with the same code as any other query.
 * shape lends them its order, limit, offset and extra conditions (all);
 * q->all must have room for NITRO_QUERY_MAX_CONDS.
 */
static int shaped(const nitro_schema *s, const nitro_query *shape, nitro_cond *all,
    nitro_query *q)
{
	if (shape == NULL)
		return 0;
	if (shape->nany > 0)
		return nitro_error(NITRO_EINVAL, "%s: a search or filter has no room for "
		    "any conditions of its own", s->name);
	if (shape->nall > NITRO_QUERY_MAX_CONDS - q->nall)
		return nitro_error(NITRO_ELIMIT, "%s: at most %d conditions", s->name,
		    NITRO_QUERY_MAX_CONDS);
	if (shape->nall > 0 && shape->all == NULL)
		return nitro_error(NITRO_EINVAL, "%s: conditions without an array", s->name);
	for (size_t i = 0; i < shape->nall; i++)
		all[q->nall++] = shape->all[i];
	q->order = shape->order;
	q->norder = shape->norder;
	q->limit = shape->limit;
	q->offset = shape->offset;
	return 0;
}

/* Rows of q, and (total not NULL) how many there are without the slice. */
static int query_total(const nitro_schema *s, const nitro_query *q, nitro_rows *out,
    size_t *total)
{
	nitro_query whole = *q;
	int rc;

	whole.limit = whole.offset = 0;
	whole.norder = 0;
	if (total != NULL && (rc = nitro_entity_count(s, &whole, total)) < 0)
		return rc;
	return nitro_entity_query(s, q, out);
}

int nitro_entity_search_query(const nitro_schema *s, const char *text,
    const nitro_query *shape, nitro_rows *out, size_t *total)
{
	struct nitro__schema_rt *rt = bound(s);
	nitro_cond all[NITRO_QUERY_MAX_CONDS], any[NITRO_MAX_FIELDS];
	nitro_query q = {.all = all, .any = any};
	int rc;

	if (rt == NULL)
		return nitro__errcode();
	if (out == NULL)
		return nitro_error(NITRO_EINVAL, "%s: search needs rows to fill", s->name);
	if ((rc = shaped(s, shape, all, &q)) < 0)
		return rc;
	if (text == NULL || text[0] == '\0')	/* no search: every row */
		return query_total(s, &q, out, total);
	for (size_t i = 0; i < rt->n; i++)
		if (rt->f[i].type == NITRO_T_TEXT && !rt->f[i].secret)
			any[q.nany++] = (nitro_cond){rt->f[i].name, NITRO_OP_CONTAINS,
			    nitro_v_text(text)};
	if (q.nany == 0) {	/* nothing searchable matches nothing */
		out->items = NULL;
		out->n = 0;
		out->schema = s;
		if (total != NULL)
			*total = 0;
		return 0;
	}
	return query_total(s, &q, out, total);
}

int nitro_entity_search(const nitro_schema *s, const char *text, nitro_rows *out)
{
	if (text == NULL)
		return nitro_error(NITRO_EINVAL, "%s: search needs text", s->name);
	return nitro_entity_search_query(s, text, NULL, out, NULL);
}

int nitro_entity_filter_query(const nitro_schema *s, const char *const *kv, int fuzzy,
    const nitro_query *shape, nitro_rows *out, size_t *total)
{
	nitro_cond all[NITRO_QUERY_MAX_CONDS];
	nitro_query q = {.all = all};
	int i, rc;

	if (bound(s) == NULL)
		return nitro__errcode();
	for (; kv && kv[0] != NULL; kv += 2) {
		const nitro_field *f;

		if (kv[1] == NULL)
			return nitro_error(NITRO_EINVAL, "%s: filter %s has no value",
			    s->name, kv[0]);
		if (q.nall == NITRO_QUERY_MAX_CONDS)
			return nitro_error(NITRO_ELIMIT, "%s: at most %d filters", s->name,
			    NITRO_QUERY_MAX_CONDS);
		if ((i = nitro__field_index(s, kv[0])) < 0)
			return i;
		f = &s->rt->f[i];
		all[q.nall].field = f->name;
		all[q.nall].op = fuzzy && f->type == NITRO_T_TEXT ?
		    NITRO_OP_CONTAINS : NITRO_OP_EQ;
		if ((rc = nitro__value_parse(f, kv[1], &all[q.nall].v)) < 0)
			return rc;
		q.nall++;
	}
	if ((rc = shaped(s, shape, all, &q)) < 0)
		return rc;
	return query_total(s, &q, out, total);
}

int nitro_entity_filter(const nitro_schema *s, const char *const *kv, int fuzzy,
    nitro_rows *out)
{
	return nitro_entity_filter_query(s, kv, fuzzy, NULL, out, NULL);
}
