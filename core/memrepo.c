/*
 * The memory repository.
 *
 * One store per schema: a chained hash table from id to a private deep
 * copy of the record, plus one index per unique field, all guarded by a
 * read-write lock.  Records go in and out
 * as copies, so a caller never holds a pointer into the store.  Queries
 * scan, filter, sort and slice with the shared SQL semantics of
 * core/query.c.  A record may carry an expiry: expired records are
 * invisible at once (lazy expiry) and removed by the next sweep.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nitro/core.h"
#include "core/error.h"
#include "core/repo.h"

struct rec {
	struct rec *next;
	uint64_t hash;
	int64_t expires;		/* ms; 0: never */
	unsigned char *obj;		/* the copy, later in this allocation */
	struct rec *unext[];		/* one link per unique index */
};

struct memrepo;

struct store {
	struct memrepo *repo;
	const nitro_schema *s;
	struct nitro__schema_rt *rt;
	const nitro_field *idf;
	pthread_rwlock_t lock;
	struct rec **b;
	size_t nb, n;
	int64_t last_id;
	int has_ttl;
	/* Unique fields are indexed (value -> records), with nb buckets
	 * like the id table, so unique checks and upserts are O(1). */
	int nuniq;
	int ufield[NITRO_MAX_FIELDS];	/* index k covers field ufield[k] */
	int uslot[NITRO_MAX_FIELDS];	/* field i's index, or -1 */
	struct rec **ub[NITRO_MAX_FIELDS];
	size_t rec_off;			/* where obj starts in a record */
};

struct memrepo {
	struct nitro_repo base;
	struct nitro_memrepo_opts o;
	pthread_mutex_t mu;		/* stores list, sweeper state */
	pthread_cond_t cv;
	struct store **stores;
	size_t nstores;
	pthread_t sweeper;
	int sweeping, stop;
};

static int64_t now_ms(const struct memrepo *m)
{
	return m->o.now_ms ? m->o.now_ms(m->o.now_arg) : nitro_time_now();
}

static uint64_t hash_int(int64_t v)
{
	uint64_t z = (uint64_t)v + 0x9e3779b97f4a7c15ULL;	/* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t hash_text(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static uint64_t hash_id(const struct store *st, nitro_id id)
{
	return st->idf->uuid ? hash_text(id.text) : hash_int(id.num);
}

static uint64_t hash_obj(const struct store *st, void *obj)
{
	return st->idf->uuid ? hash_text(NITRO__ID_TEXT(st->idf, obj)) :
	    hash_int(NITRO__ID_INT(st->idf, obj));
}

static int same_id(const struct store *st, const void *obj, nitro_id id)
{
	if (st->idf->uuid)
		return strcmp(NITRO__ID_TEXT(st->idf, obj), id.text) == 0;
	return NITRO__ID_INT(st->idf, obj) == id.num;
}

static int live(const struct store *st, const struct rec *r, int64_t now)
{
	return r->expires == 0 || r->expires > now;
}

static int64_t store_now(const struct store *st)
{
	return st->has_ttl ? now_ms(st->repo) : 0;
}

/* The record for id (live or not) and the link that points at it. */
static struct rec **find(struct store *st, nitro_id id)
{
	uint64_t h = hash_id(st, id);
	struct rec **p = &st->b[h & (st->nb - 1)];

	for (; *p != NULL; p = &(*p)->next)
		if ((*p)->hash == h && same_id(st, (*p)->obj, id))
			return p;
	return p;
}

static nitro_id id_of(const struct store *st, const void *obj)
{
	return st->idf->uuid ? nitro_id_text(NITRO__ID_TEXT(st->idf, obj)) :
	    nitro_id_int(NITRO__ID_INT(st->idf, obj));
}

static struct rec *rec_new(const struct store *st)
{
	struct rec *r = calloc(1, st->rec_off + st->s->size);

	if (r != NULL)
		r->obj = (unsigned char *)r + st->rec_off;
	return r;
}

static void rec_free(struct store *st, struct rec *r)
{
	nitro_entity_clear(st->s, r->obj);
	free(r);
}

/* A hash of field i's value that agrees with same_value(). */
static uint64_t value_hash(const struct store *st, const void *obj, int i)
{
	const nitro_field *f = &st->rt->f[i];
	const char *m = (const char *)obj + f->offset;
	double d;
	int64_t bits;

	switch (f->type) {
	case NITRO_T_TEXT:
		return hash_text(*(char *const *)m);
	case NITRO_T_REAL:
		d = *(const double *)m;
		if (d == 0)
			d = 0;	/* -0.0 equals 0.0 */
		memcpy(&bits, &d, sizeof bits);
		return hash_int(bits);
	case NITRO_T_BOOL:
		return hash_int(*(const _Bool *)m);
	default:
		return hash_int(*(const int64_t *)m);
	}
}

static void index_add(struct store *st, struct rec *r)
{
	for (int k = 0; k < st->nuniq; k++) {
		int f = st->ufield[k];
		struct rec **head;

		if (nitro__is_null(st->rt, r->obj, f))
			continue;	/* NULL is never equal: not indexed */
		head = &st->ub[k][value_hash(st, r->obj, f) & (st->nb - 1)];
		r->unext[k] = *head;
		*head = r;
	}
}

static void index_del(struct store *st, struct rec *r)
{
	for (int k = 0; k < st->nuniq; k++) {
		int f = st->ufield[k];
		struct rec **p;

		if (nitro__is_null(st->rt, r->obj, f))
			continue;
		p = &st->ub[k][value_hash(st, r->obj, f) & (st->nb - 1)];
		while (*p != r)
			p = &(*p)->unext[k];
		*p = r->unext[k];
	}
}

/* Double the id table and the unique indexes together; on failure keep
 * them all as they are (longer chains, still right). */
static void grow(struct store *st)
{
	size_t nb = st->nb * 2;
	struct rec **b, **ub[NITRO_MAX_FIELDS];
	int k;

	if (nb > ((size_t)1 << 40) || (b = calloc(nb, sizeof *b)) == NULL)
		return;
	for (k = 0; k < st->nuniq; k++) {
		if ((ub[k] = calloc(nb, sizeof **ub)) == NULL) {
			while (k-- > 0)
				free(ub[k]);
			free(b);
			return;
		}
	}
	for (size_t i = 0; i < st->nb; i++) {
		struct rec *r = st->b[i], *next;

		for (; r != NULL; r = next) {
			next = r->next;
			r->next = b[r->hash & (nb - 1)];
			b[r->hash & (nb - 1)] = r;
		}
	}
	free(st->b);
	st->b = b;
	st->nb = nb;
	for (k = 0; k < st->nuniq; k++) {
		free(st->ub[k]);
		st->ub[k] = ub[k];
	}
	for (size_t i = 0; i < st->nb; i++)
		for (struct rec *r = st->b[i]; r != NULL; r = r->next)
			index_add(st, r);
}

static int valid_id(const struct store *st, nitro_id id)
{
	if (st->idf->uuid && id.text == NULL)
		return nitro_error(NITRO_EINVAL, "%s: a text id is required", st->s->name);
	return 0;
}

static int m_get(void *store, nitro_id id, void *out)
{
	struct store *st = store;
	struct rec *r;
	int rc;

	if ((rc = valid_id(st, id)) < 0)
		return rc;
	pthread_rwlock_rdlock(&st->lock);
	r = *find(st, id);
	if (r == NULL || !live(st, r, store_now(st)))
		rc = nitro_error(NITRO_ENOTFOUND, "%s not found", st->s->name);
	else
		rc = nitro_entity_copy(st->s, out, r->obj);
	pthread_rwlock_unlock(&st->lock);
	return rc;
}

static int m_del(void *store, nitro_id id)
{
	struct store *st = store;
	struct rec **p, *r;
	int rc = 0;

	if ((rc = valid_id(st, id)) < 0)
		return rc;
	pthread_rwlock_wrlock(&st->lock);
	p = find(st, id);
	if ((r = *p) == NULL || !live(st, r, store_now(st))) {
		rc = nitro_error(NITRO_ENOTFOUND, "%s not found", st->s->name);
	} else {
		*p = r->next;
		st->n--;
		index_del(st, r);
		rec_free(st, r);
	}
	pthread_rwlock_unlock(&st->lock);
	return rc;
}

static int has_id(const struct store *st, const void *obj)
{
	return st->idf->uuid ? NITRO__ID_TEXT(st->idf, obj) != NULL :
	    NITRO__ID_INT(st->idf, obj) != 0;
}

/* Do two records hold the same value in field i?  (NULL never equals.) */
static int same_value(const struct store *st, const void *a, const void *b, int i)
{
	if (nitro__is_null(st->rt, a, i) || nitro__is_null(st->rt, b, i))
		return 0;
	return nitro__compare(st->rt, a, b, i) == 0;
}

/* A live record other than self whose field i equals obj's. */
static struct rec *find_value(struct store *st, const void *obj, int i,
    const void *self, int64_t now)
{
	int u = st->uslot[i];

	if (u >= 0) {
		if (nitro__is_null(st->rt, obj, i))
			return NULL;
		for (struct rec *r = st->ub[u][value_hash(st, obj, i) & (st->nb - 1)];
		    r != NULL; r = r->unext[u])
			if (r->obj != self && live(st, r, now) &&
			    same_value(st, r->obj, obj, i))
				return r;
		return NULL;
	}
	for (size_t k = 0; k < st->nb; k++)
		for (struct rec *r = st->b[k]; r != NULL; r = r->next)
			if (r->obj != self && live(st, r, now) &&
			    same_value(st, r->obj, obj, i))
				return r;
	return NULL;
}

/* Give the copy and the caller's record the text id u. */
static int set_text_id(struct store *st, void *copy, void *caller, const char *u)
{
	char *a = strdup(u), *b = strdup(u);

	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		return nitro__oom(NULL);
	}
	free(NITRO__ID_TEXT(st->idf, copy));
	NITRO__ID_TEXT(st->idf, copy) = a;
	free(NITRO__ID_TEXT(st->idf, caller));
	NITRO__ID_TEXT(st->idf, caller) = b;
	return 0;
}

/*
 * put: copies are made before the lock; under it, each copy finds the
 * record it replaces, unique fields are checked against the store and the
 * batch, and only then are ids assigned and records linked, so that a
 * failure changes nothing.
 */
static int m_put(void *store, void *const *objs, size_t n, int key)
{
	struct store *st = store;
	struct rec **cp, **old;
	int64_t now, ttl = st->repo->o.ttl_ms;
	size_t i, j;
	int rc = 0;

	if ((cp = calloc(n ? n : 1, sizeof *cp)) == NULL ||
	    (old = calloc(n ? n : 1, sizeof *old)) == NULL) {
		free(cp);
		return nitro__oom(NULL);
	}
	for (i = 0; i < n; i++) {
		if ((cp[i] = rec_new(st)) == NULL ||
		    nitro_entity_copy(st->s, cp[i]->obj, objs[i]) < 0) {
			free(cp[i]);
			cp[i] = NULL;
			rc = nitro__oom(NULL);
			goto out;
		}
		/* A new text id goes into the caller's record too. */
		if (st->idf->uuid && !has_id(st, cp[i]->obj)) {
			char u[NITRO_UUID_LEN];

			if ((rc = nitro_uuid(u)) < 0)
				goto out;
			if ((rc = set_text_id(st, cp[i]->obj, objs[i], u)) < 0)
				goto out;
		}
	}

	pthread_rwlock_wrlock(&st->lock);
	now = (ttl > 0 || st->has_ttl) ? now_ms(st->repo) : 0;
	for (i = 0; i < n; i++) {
		void *o = cp[i]->obj;
		struct rec *r = NULL;

		if (key >= 0 && !nitro__is_null(st->rt, o, key)) {
			r = find_value(st, o, key, NULL, now);
			if (r != NULL && st->idf->uuid) {
				if ((rc = set_text_id(st, o, objs[i],
				    NITRO__ID_TEXT(st->idf, r->obj))) < 0)
					goto unlock;
			} else if (r != NULL) {
				NITRO__ID_INT(st->idf, o) = NITRO__ID_INT(st->idf, r->obj);
			}
		}
		if (r == NULL && has_id(st, o))
			r = *find(st, id_of(st, o));
		old[i] = r;
		for (j = 0; j < i; j++)
			if (has_id(st, o) && has_id(st, cp[j]->obj) &&
			    same_id(st, cp[j]->obj, id_of(st, o))) {
				rc = nitro_error(NITRO_EEXIST, "%s: the batch holds one id twice",
				    st->s->name);
				goto unlock;
			}
	}
	for (size_t u = 0; u < st->rt->n; u++) {
		if (!st->rt->f[u].unique)
			continue;
		for (i = 0; i < n; i++) {
			void *o = cp[i]->obj;

			if (find_value(st, o, (int)u, old[i] ? old[i]->obj : NULL, now))
				goto taken;
			for (j = 0; j < i; j++)
				if (same_value(st, cp[j]->obj, o, (int)u))
					goto taken;
			continue;
taken:
			rc = nitro_error(NITRO_EEXIST, "%s: is already taken",
			    st->rt->f[u].name);
			goto unlock;
		}
	}
	/* Nothing can fail from here on. */
	for (i = 0; i < n; i++) {
		struct rec *r = cp[i], **p;
		void *o = r->obj;

		if (!st->idf->uuid) {
			int64_t *id = (int64_t *)((char *)o + st->idf->offset);

			if (*id == 0)
				*id = ++st->last_id;
			else if (*id > st->last_id)
				st->last_id = *id;
			*(int64_t *)((char *)objs[i] + st->idf->offset) = *id;
		}
		r->hash = hash_obj(st, o);
		if (ttl > 0) {
			r->expires = now + ttl;
			st->has_ttl = 1;
		}
		if (old[i] != NULL) {
			for (p = &st->b[old[i]->hash & (st->nb - 1)]; *p != old[i];
			    p = &(*p)->next)
				;
			*p = old[i]->next;
			index_del(st, old[i]);
			rec_free(st, old[i]);
			st->n--;
		}
		r->next = st->b[r->hash & (st->nb - 1)];
		st->b[r->hash & (st->nb - 1)] = r;
		index_add(st, r);
		st->n++;
		cp[i] = NULL;
		if (st->n > st->nb)
			grow(st);
	}
unlock:
	pthread_rwlock_unlock(&st->lock);
out:
	for (i = 0; i < n; i++)
		if (cp[i] != NULL)
			rec_free(st, cp[i]);
	free(cp);
	free(old);
	return rc;
}

struct sortctx {
	const struct store *st;
	const nitro_query *q;
	const int *ord;
};

static int cmp_rec(const void *pa, const void *pb, void *arg)
{
	const struct sortctx *c = arg;
	const struct rec *a = *(struct rec *const *)pa, *b = *(struct rec *const *)pb;
	int r;

	size_t n = c->q ? c->q->norder : 0;

	for (size_t i = 0; i < n; i++) {
		r = nitro__compare(c->st->rt, a->obj, b->obj, c->ord[i]);
		if (r)
			return c->q->order[i].desc ? -r : r;
	}
	/* Ties by id, the way the last key goes: "newest first" is one key. */
	r = nitro__compare(c->st->rt, a->obj, b->obj, c->st->rt->id);
	return n && c->q->order[n - 1].desc ? -r : r;
}

static int match(const struct store *st, const nitro_query *q, const int *fa,
    const int *fy, const struct rec *r)
{
	size_t i;

	if (q == NULL)
		return 1;
	for (i = 0; i < q->nall; i++)
		if (!nitro__cond_eval(st->rt, r->obj, fa[i], &q->all[i]))
			return 0;
	for (i = 0; i < q->nany; i++)
		if (nitro__cond_eval(st->rt, r->obj, fy[i], &q->any[i]))
			return 1;
	return q->nany == 0;
}

static int m_query(void *store, const nitro_query *q, nitro_rows *out, size_t *count)
{
	struct store *st = store;
	int fa[NITRO_QUERY_MAX_CONDS], fy[NITRO_QUERY_MAX_CONDS], ord[NITRO_QUERY_MAX_ORDER];
	struct rec **hits = NULL;
	size_t nh = 0, from, upto;
	struct sortctx ctx = {st, q, ord};
	int64_t now;
	int rc = 0;

	/* nitro__query_check() has bounded and checked q. */
	for (size_t i = 0; q && i < q->nall; i++)
		fa[i] = nitro__field_index(st->s, q->all[i].field);
	for (size_t i = 0; q && i < q->nany; i++)
		fy[i] = nitro__field_index(st->s, q->any[i].field);
	for (size_t i = 0; q && i < q->norder; i++)
		ord[i] = nitro__field_index(st->s, q->order[i].field);

	pthread_rwlock_rdlock(&st->lock);
	now = store_now(st);
	if (out == NULL) {
		for (size_t k = 0; k < st->nb; k++)
			for (struct rec *r = st->b[k]; r != NULL; r = r->next)
				nh += live(st, r, now) && match(st, q, fa, fy, r);
		*count = nh;
		goto unlock;
	}
	if ((hits = malloc((st->n ? st->n : 1) * sizeof *hits)) == NULL) {
		rc = nitro__oom(NULL);
		goto unlock;
	}
	for (size_t k = 0; k < st->nb; k++)
		for (struct rec *r = st->b[k]; r != NULL; r = r->next)
			if (live(st, r, now) && match(st, q, fa, fy, r))
				hits[nh++] = r;
	qsort_r(hits, nh, sizeof *hits, cmp_rec, &ctx);
	from = q && q->offset < nh ? q->offset : (q ? nh : 0);
	upto = q && q->limit && q->limit < nh - from ? from + q->limit : nh;
	out->schema = st->s;
	out->n = 0;
	out->items = NULL;
	if (upto > from && (out->items = calloc(upto - from, st->s->size)) == NULL) {
		rc = nitro__oom(NULL);
		goto unlock;
	}
	for (size_t i = from; i < upto; i++) {
		if ((rc = nitro_entity_copy(st->s, (char *)out->items + out->n * st->s->size,
		    hits[i]->obj)) < 0) {
			nitro_rows_free(out);
			break;
		}
		out->n++;
	}
	if (count)
		*count = out->n;
unlock:
	pthread_rwlock_unlock(&st->lock);
	free(hits);
	return rc;
}

/* ---- expiry -------------------------------------------------------------- */

static size_t sweep_store(struct store *st)
{
	size_t gone = 0;
	int64_t now;

	pthread_rwlock_wrlock(&st->lock);
	if (!st->has_ttl)
		goto out;
	now = now_ms(st->repo);
	for (size_t k = 0; k < st->nb; k++) {
		struct rec **p = &st->b[k];

		while (*p != NULL) {
			struct rec *r = *p;

			if (live(st, r, now)) {
				p = &r->next;
				continue;
			}
			*p = r->next;
			index_del(st, r);
			rec_free(st, r);
			st->n--;
			gone++;
		}
	}
out:
	pthread_rwlock_unlock(&st->lock);
	return gone;
}

size_t nitro_memrepo_sweep(nitro_repo *r)
{
	struct memrepo *m = (struct memrepo *)r;
	size_t gone = 0;

	if (r == NULL || strcmp(r->ops->name, "memory") != 0)
		return 0;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->nstores; i++)
		gone += sweep_store(m->stores[i]);
	pthread_mutex_unlock(&m->mu);
	return gone;
}

int nitro_memrepo_expire(nitro_repo *r, const nitro_schema *s, nitro_id id,
    int64_t ttl_ms)
{
	struct nitro__schema_rt *rt = nitro__schema(s);
	struct store *st;
	struct rec *rec;
	int rc = 0;

	if (rt == NULL || r == NULL || rt->repo != r || strcmp(r->ops->name, "memory"))
		return nitro_error(NITRO_EINVAL, "expire: the schema is not bound to this memory repository");
	if (ttl_ms < 0)
		return nitro_error(NITRO_EINVAL, "expire: negative time to live");
	st = rt->store;
	if ((rc = valid_id(st, id)) < 0)
		return rc;
	pthread_rwlock_wrlock(&st->lock);
	rec = *find(st, id);
	if (rec == NULL || !live(st, rec, store_now(st))) {
		rc = nitro_error(NITRO_ENOTFOUND, "%s not found", s->name);
	} else if (ttl_ms == 0) {
		rec->expires = 0;
	} else {
		rec->expires = now_ms(st->repo) + ttl_ms;
		st->has_ttl = 1;
	}
	pthread_rwlock_unlock(&st->lock);
	return rc;
}

static void *sweeper(void *arg)
{
	struct memrepo *m = arg;
	struct timespec ts;

	pthread_mutex_lock(&m->mu);
	while (!m->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += m->o.sweep_ms / 1000;
		ts.tv_nsec += (m->o.sweep_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&m->cv, &m->mu, &ts);
		if (m->stop)
			break;
		for (size_t i = 0; i < m->nstores; i++)
			sweep_store(m->stores[i]);
	}
	pthread_mutex_unlock(&m->mu);
	return NULL;
}

/* ---- life cycle ---------------------------------------------------------- */

static void store_free(struct store *st)
{
	for (size_t k = 0; st->b != NULL && k < st->nb; k++) {
		struct rec *rec = st->b[k], *next;

		for (; rec != NULL; rec = next) {
			next = rec->next;
			rec_free(st, rec);
		}
	}
	for (int k = 0; k < st->nuniq; k++)
		free(st->ub[k]);
	pthread_rwlock_destroy(&st->lock);
	free(st->b);
	free(st);
}

static int m_attach(nitro_repo *r, const nitro_schema *s, void **out)
{
	struct memrepo *m = (struct memrepo *)r;
	const struct nitro__schema_rt *rt = s->rt;
	struct store *st, **grown;

	if ((st = calloc(1, sizeof *st)) == NULL)
		return nitro__oom(NULL);
	pthread_rwlock_init(&st->lock, NULL);
	st->nb = 16;
	st->repo = m;
	st->s = s;
	st->rt = s->rt;
	st->idf = &rt->f[rt->id];
	for (size_t i = 0; i < rt->n; i++) {
		st->uslot[i] = -1;
		if (rt->f[i].unique && (int)i != rt->id) {
			st->uslot[i] = st->nuniq;
			st->ufield[st->nuniq++] = (int)i;
		}
	}
	/* The copy starts after the links, 16-byte aligned for any member. */
	st->rec_off = (sizeof(struct rec) + (size_t)st->nuniq * sizeof(struct rec *) + 15) &
	    ~(size_t)15;
	if ((st->b = calloc(st->nb, sizeof *st->b)) == NULL)
		goto nomem;
	for (int k = 0; k < st->nuniq; k++)
		if ((st->ub[k] = calloc(st->nb, sizeof *st->ub[k])) == NULL)
			goto nomem;
	pthread_mutex_lock(&m->mu);
	grown = realloc(m->stores, (m->nstores + 1) * sizeof *grown);
	if (grown == NULL) {
		pthread_mutex_unlock(&m->mu);
		goto nomem;
	}
	m->stores = grown;
	m->stores[m->nstores++] = st;
	pthread_mutex_unlock(&m->mu);
	*out = st;
	return 0;
nomem:
	store_free(st);
	return nitro__oom(NULL);
}

static void m_free(nitro_repo *r)
{
	struct memrepo *m = (struct memrepo *)r;

	if (m->sweeping) {
		pthread_mutex_lock(&m->mu);
		m->stop = 1;
		pthread_cond_signal(&m->cv);
		pthread_mutex_unlock(&m->mu);
		pthread_join(m->sweeper, NULL);
	}
	for (size_t i = 0; i < m->nstores; i++)
		store_free(m->stores[i]);
	free(m->stores);
	pthread_cond_destroy(&m->cv);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

static const struct nitro_repo_ops mem_ops = {
	.name = "memory",
	.attach = m_attach,
	.get = m_get,
	.put = m_put,
	.del = m_del,
	.query = m_query,
	.free = m_free,
};

nitro_repo *nitro_memrepo_new(const struct nitro_memrepo_opts *o)
{
	struct memrepo *m = calloc(1, sizeof *m);

	if (m == NULL) {
		nitro__oom(NULL);
		return NULL;
	}
	if (o != NULL)
		m->o = *o;
	if (m->o.ttl_ms < 0 || m->o.sweep_ms < 0) {
		free(m);
		nitro_error(NITRO_EINVAL, "memrepo: negative ttl or sweep interval");
		return NULL;
	}
	m->base.ops = &mem_ops;
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	if (m->o.sweep_ms > 0) {
		if (pthread_create(&m->sweeper, NULL, sweeper, m) != 0) {
			m_free(&m->base);
			nitro_error(NITRO_EIO, "memrepo: cannot start the sweeper");
			return NULL;
		}
		m->sweeping = 1;
	}
	return &m->base;
}

void nitro_repo_free(nitro_repo *r)
{
	int boxed;

	if (r == NULL)
		return;
	boxed = r->boxed;	/* a built-in backend's free() frees r itself */
	if (r->ops->free)
		r->ops->free(r);
	if (boxed)
		free(r);
}

nitro_repo *nitro_repo_new(const struct nitro_repo_ops *ops, void *udata)
{
	nitro_repo *r;

	if (ops == NULL || ops->name == NULL || !ops->attach || !ops->get || !ops->put ||
	    !ops->del || !ops->query) {
		nitro_error(NITRO_EINVAL, "repo: a backend needs a name and attach, get, put, "
		    "del and query");
		return NULL;
	}
	if ((r = calloc(1, sizeof *r)) == NULL) {
		nitro__oom(NULL);
		return NULL;
	}
	r->ops = ops;
	r->udata = udata;
	r->boxed = 1;
	return r;
}

void *nitro_repo_udata(const nitro_repo *r)
{
	return r && r->boxed ? r->udata : NULL;
}

const struct nitro_repo_ops *nitro_repo_ops(const nitro_repo *r)
{
	return r ? r->ops : NULL;
}

const char *nitro_repo_name(const nitro_repo *r)
{
	return r ? r->ops->name : "none";
}

int nitro_repo_ping(nitro_repo *r)
{
	if (r == NULL)
		return nitro_error(NITRO_EINVAL, "ping: no repository");
	/* A backend without ping holds its data in this process. */
	return r->ops->ping != NULL ? r->ops->ping(r) : 0;
}
