/*
 * Query semantics, written once: checking a query against its schema, and
 * evaluating conditions and orderings the way SQLite does (a comparison
 * with NULL is false; NULL sorts before every value; text compares as
 * bytes).  The memory repository evaluates with these functions; the SQL
 * repository compiles the same checked query, and the conformance suite
 * holds both to the same answers.
 */
#include <string.h>

#include "nitro/core.h"
#include "core/error.h"
#include "core/repo.h"

#define CMEMBER(obj, f) ((const char *)(obj) + (f)->offset)

static int is_num(int t)
{
	return t == NITRO_T_INT || t == NITRO_T_REAL || t == NITRO_T_BOOL ||
	    t == NITRO_T_TIME;
}

static int check_cond(const nitro_schema *s, const nitro_cond *c)
{
	int i = nitro__field_index(s, c->field);
	const nitro_field *f;

	if (i < 0)
		return i;
	f = &s->rt->f[i];
	if (f->type == NITRO_T_COMPUTED)
		return nitro_error(NITRO_EINVAL, "%s.%s is computed, not stored",
		    s->name, f->name);
	if (c->op == NITRO_OP_IS_NULL || c->op == NITRO_OP_NOT_NULL)
		return 0;
	if (c->op < NITRO_OP_EQ || c->op > NITRO_OP_CONTAINS)
		return nitro_error(NITRO_EINVAL, "%s.%s: unknown operator %d",
		    s->name, f->name, c->op);
	if (c->v.type == NITRO_T_NULL)
		return 0;	/* legal, and never true, as in SQL */
	if (c->op == NITRO_OP_CONTAINS) {
		if (f->type != NITRO_T_TEXT || c->v.type != NITRO_T_TEXT || !c->v.s)
			return nitro_error(NITRO_EINVAL, "%s.%s: contains needs text",
			    s->name, f->name);
		return 0;
	}
	if (is_num(f->type) && is_num(c->v.type) && c->v.type != NITRO_T_TIME)
		return 0;
	if (f->type == NITRO_T_TEXT && c->v.type == NITRO_T_TEXT && c->v.s)
		return 0;
	return nitro_error(NITRO_EINVAL, "%s.%s: value of the wrong type", s->name,
	    f->name);
}

static int check_order(const nitro_schema *s, const nitro_order *o)
{
	int i = nitro__field_index(s, o->field);
	int t;

	if (i < 0)
		return i;
	t = s->rt->f[i].type;
	if (t == NITRO_T_JSON || t == NITRO_T_BLOB || t == NITRO_T_COMPUTED)
		return nitro_error(NITRO_EINVAL, "%s.%s cannot be ordered", s->name,
		    o->field);
	return 0;
}

int nitro__query_check(const nitro_schema *s, const nitro_query *q)
{
	int rc;

	if (nitro__schema(s) == NULL)
		return nitro__errcode();
	if (q == NULL)
		return 0;
	if ((q->nall && !q->all) || (q->nany && !q->any) || (q->norder && !q->order))
		return nitro_error(NITRO_EINVAL, "query: a count without its array");
	if (q->nall > NITRO_QUERY_MAX_CONDS || q->nany > NITRO_QUERY_MAX_CONDS ||
	    q->norder > NITRO_QUERY_MAX_ORDER)
		return nitro_error(NITRO_ELIMIT, "query: at most %d conditions and %d orderings",
		    NITRO_QUERY_MAX_CONDS, NITRO_QUERY_MAX_ORDER);
	for (size_t i = 0; i < q->nall; i++)
		if ((rc = check_cond(s, &q->all[i])) < 0)
			return rc;
	for (size_t i = 0; i < q->nany; i++)
		if ((rc = check_cond(s, &q->any[i])) < 0)
			return rc;
	for (size_t i = 0; i < q->norder; i++)
		if ((rc = check_order(s, &q->order[i])) < 0)
			return rc;
	return 0;
}

int nitro__contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t k;

		for (k = 0; k < n; k++) {
			unsigned char a = (unsigned char)hay[k], b = (unsigned char)needle[k];

			if (a == '\0')
				return 0;
			if (a >= 'A' && a <= 'Z')
				a += 32;
			if (b >= 'A' && b <= 'Z')
				b += 32;
			if (a != b)
				break;
		}
		if (k == n)
			return 1;
	}
	return n == 0;
}

/* A numeric member as an integer or a double; returns 1 when it is real. */
static int num_of(const nitro_field *f, const void *obj, int64_t *i, double *r)
{
	const char *m = CMEMBER(obj, f);

	switch (f->type) {
	case NITRO_T_REAL:
		*r = *(const double *)m;
		return 1;
	case NITRO_T_BOOL:
		*i = *(const _Bool *)m;
		return 0;
	default:
		*i = *(const int64_t *)m;
		return 0;
	}
}

static int cmp_num(int64_t ai, double ar, int areal, int64_t bi, double br, int breal)
{
	if (!areal && !breal)
		return (ai > bi) - (ai < bi);
	if (!areal)
		ar = (double)ai;
	if (!breal)
		br = (double)bi;
	return (ar > br) - (ar < br);
}

int nitro__cond_eval(const struct nitro__schema_rt *rt, const void *obj,
    int field, const nitro_cond *c)
{
	const nitro_field *f = &rt->f[field];
	int null = nitro__is_null(rt, obj, field), cmp;

	if (c->op == NITRO_OP_IS_NULL)
		return null;
	if (c->op == NITRO_OP_NOT_NULL)
		return !null;
	if (null || c->v.type == NITRO_T_NULL)
		return 0;
	if (f->type == NITRO_T_TEXT) {
		const char *v = *(char *const *)CMEMBER(obj, f);

		if (c->op == NITRO_OP_CONTAINS)
			return nitro__contains_ci(v, c->v.s);
		cmp = strcmp(v, c->v.s);
	} else {
		int64_t ai = 0;
		double ar = 0;
		int areal = num_of(f, obj, &ai, &ar);

		cmp = cmp_num(ai, ar, areal, c->v.i, c->v.r, c->v.type == NITRO_T_REAL);
	}
	switch (c->op) {
	case NITRO_OP_EQ: return cmp == 0;
	case NITRO_OP_NE: return cmp != 0;
	case NITRO_OP_LT: return cmp < 0;
	case NITRO_OP_LE: return cmp <= 0;
	case NITRO_OP_GT: return cmp > 0;
	case NITRO_OP_GE: return cmp >= 0;
	}
	return 0;
}

int nitro__compare(const struct nitro__schema_rt *rt, const void *a,
    const void *b, int field)
{
	const nitro_field *f = &rt->f[field];
	int an = nitro__is_null(rt, a, field), bn = nitro__is_null(rt, b, field);
	int64_t ai = 0, bi = 0;
	double ar = 0, br = 0;
	int areal, breal;

	if (an || bn)
		return bn - an;	/* NULL first */
	if (f->type == NITRO_T_TEXT) {
		int c = strcmp(*(char *const *)CMEMBER(a, f), *(char *const *)CMEMBER(b, f));

		return (c > 0) - (c < 0);
	}
	areal = num_of(f, a, &ai, &ar);
	breal = num_of(f, b, &bi, &br);
	return cmp_num(ai, ar, areal, bi, br, breal);
}
