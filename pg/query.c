/*
 * Core queries in PostgreSQL: WHERE with $n placeholders (values go into
 * the parameters in the same walk).  ORDER BY is every SQL store's
 * (core/sqlgen.c), with SQLite's NULL order as PostgreSQL data (ddl.c).
 * Field names are looked up in the schema (the query was checked) and
 * written from the schema's own copy, quoted.
 */
#include <string.h>

#include "pg/internal.h"

static const char *const op_sql[] = {
	[NITRO_OP_EQ] = "=", [NITRO_OP_NE] = "<>", [NITRO_OP_LT] = "<",
	[NITRO_OP_LE] = "<=", [NITRO_OP_GT] = ">", [NITRO_OP_GE] = ">=",
};

static int leaf(const struct pgstore *ps, const nitro_cond *c, nitro_buf *sql,
    struct pgparams *p)
{
	int i = nitro__field_index(ps->s, c->field);	/* checked: >= 0 */
	const nitro_field *f = &ps->rt->f[i];
	int rc;

	if (c->op == NITRO_OP_IS_NULL || c->op == NITRO_OP_NOT_NULL) {
		nitro__ident(sql, f->name);
		nitro_buf_puts(sql, c->op == NITRO_OP_IS_NULL ? " IS NULL" : " IS NOT NULL");
		return 0;
	}
	if (c->v.type == NITRO_T_NULL) {
		nitro_buf_puts(sql, "false");	/* a comparison with NULL is never true */
		return 0;
	}
	nitro__ident(sql, f->name);
	if (c->op == NITRO_OP_CONTAINS) {
		/* ASCII case-insensitive, as SQLite's LIKE. */
		nitro_buf_printf(sql, " ILIKE $%d ESCAPE '\\'", p->n + 1);
		return nitro__pg_param_like(p, c->v.s, "%", "%");
	}
	nitro_buf_printf(sql, " %s $%d", op_sql[c->op], p->n + 1);
	/* An integer column against a real compares as real (3 < 3.5). */
	if (c->v.type == NITRO_T_REAL && f->type != NITRO_T_REAL)
		nitro_buf_puts(sql, "::float8");
	if ((rc = nitro__pg_param_value(p, f, &c->v)) < 0)
		return rc;
	return 0;
}

int nitro__pg_where(const struct pgstore *ps, const nitro_query *q, nitro_buf *sql,
    struct pgparams *p)
{
	int rc;

	if (q == NULL || (q->nall == 0 && q->nany == 0))
		return 0;
	nitro_buf_puts(sql, " WHERE ");
	for (size_t i = 0; i < q->nall; i++) {
		if (i)
			nitro_buf_puts(sql, " AND ");
		if ((rc = leaf(ps, &q->all[i], sql, p)) < 0)
			return rc;
	}
	if (q->nany) {
		nitro_buf_puts(sql, q->nall ? " AND (" : "(");
		for (size_t i = 0; i < q->nany; i++) {
			if (i)
				nitro_buf_puts(sql, " OR ");
			if ((rc = leaf(ps, &q->any[i], sql, p)) < 0)
				return rc;
		}
		nitro_buf_putc(sql, ')');
	}
	return sql->err;
}
