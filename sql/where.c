/*
 * Query compilation: a checked query becomes SQL text with a '?' for every
 * value, and a second walk of the same query binds them in order.  Field
 * names are looked up in the schema (an unknown name is refused before
 * any SQL exists) and written from the schema's own copy.  The text of a
 * query shape does not depend on its values, so the per-connection
 * statement cache serves repeated shapes without parsing.
 */
#include <string.h>

#include "sql/internal.h"

#define TREE_DEPTH 8
#define TREE_NODES 256
#define IN_MAX 1000

static const char *const op_sql[] = {
	[NITRO_OP_EQ] = "=", [NITRO_OP_NE] = "!=", [NITRO_OP_LT] = "<",
	[NITRO_OP_LE] = "<=", [NITRO_OP_GT] = ">", [NITRO_OP_GE] = ">=",
};

/* A leaf: field op ?, the field's name from the schema. */
static void leaf(const struct sqlstore *ss, const char *field, int op,
    const nitro_value *v, nitro_buf *sql)
{
	int i = nitro__field_index(ss->s, field);	/* checked: >= 0 */

	if (op == NITRO_OP_IS_NULL || op == NITRO_OP_NOT_NULL) {
		nitro__ident(sql, ss->rt->f[i].name);
		nitro_buf_puts(sql, op == NITRO_OP_IS_NULL ? " IS NULL" : " IS NOT NULL");
		return;
	}
	if (v->type == NITRO_T_NULL) {
		nitro_buf_puts(sql, "0");	/* a comparison with NULL is never true */
		return;
	}
	nitro__ident(sql, ss->rt->f[i].name);
	if (op == NITRO_OP_CONTAINS || op == NITRO_SQL_LIKE || op == NITRO_SQL_PREFIX)
		nitro_buf_puts(sql, " LIKE ? ESCAPE '\\'");
	else {
		nitro_buf_putc(sql, ' ');
		nitro_buf_puts(sql, op_sql[op]);
		nitro_buf_puts(sql, " ?");
	}
}

static int bind_leaf(sqlite3_stmt *st, int op, const nitro_value *v, int *next)
{
	nitro_buf b;
	char mem[256];
	int rc;

	if (op == NITRO_OP_IS_NULL || op == NITRO_OP_NOT_NULL || v->type == NITRO_T_NULL)
		return 0;
	if (op == NITRO_OP_CONTAINS || op == NITRO_SQL_PREFIX) {
		nitro_buf_init_on(&b, mem, sizeof mem, 0);
		rc = nitro__like_escape(v->s, op == NITRO_OP_CONTAINS ? "%" : "",
		    "%", &b);
		if (rc == 0)
			rc = sqlite3_bind_text(st, (*next)++, b.data, (int)b.len,
			    SQLITE_TRANSIENT) == SQLITE_OK ? 0 :
			    nitro__oom(NULL);
		nitro_buf_free(&b);
		return rc;
	}
	return nitro__sql_bind_value(st, (*next)++, v) == SQLITE_OK ? 0 :
	    nitro__oom(NULL);
}

int nitro__sql_where_core(const struct sqlstore *ss, const nitro_query *q, nitro_buf *sql)
{
	if (q == NULL || (q->nall == 0 && q->nany == 0))
		return 0;
	nitro_buf_puts(sql, " WHERE ");
	for (size_t i = 0; i < q->nall; i++) {
		if (i)
			nitro_buf_puts(sql, " AND ");
		leaf(ss, q->all[i].field, q->all[i].op, &q->all[i].v, sql);
	}
	if (q->nany) {
		nitro_buf_puts(sql, q->nall ? " AND (" : "(");
		for (size_t i = 0; i < q->nany; i++) {
			if (i)
				nitro_buf_puts(sql, " OR ");
			leaf(ss, q->any[i].field, q->any[i].op, &q->any[i].v, sql);
		}
		nitro_buf_putc(sql, ')');
	}
	return sql->err;
}

int nitro__sql_bind_core(sqlite3_stmt *st, const nitro_query *q, int *next)
{
	int rc;

	for (size_t i = 0; q && i < q->nall; i++)
		if ((rc = bind_leaf(st, q->all[i].op, &q->all[i].v, next)) < 0)
			return rc;
	for (size_t i = 0; q && i < q->nany; i++)
		if ((rc = bind_leaf(st, q->any[i].op, &q->any[i].v, next)) < 0)
			return rc;
	return 0;
}

/* Check one comparison of a tree with the core rules (fields, types). */
static int check_leaf(const struct sqlstore *ss, const char *field, int op,
    const nitro_value *v)
{
	nitro_cond c = {field, op, *v};
	nitro_query q = {.all = &c, .nall = 1};

	if (op == NITRO_SQL_LIKE || op == NITRO_SQL_PREFIX)
		c.op = NITRO_OP_CONTAINS;	/* the same rule: text on text */
	return nitro__query_check(ss->s, &q);
}

int nitro__sql_where_tree(const struct sqlstore *ss, const nitro_sql_cond *c,
    nitro_buf *sql, int depth, size_t *nodes)
{
	int rc;

	if (++*nodes > TREE_NODES)
		return nitro_error(NITRO_ELIMIT, "query: at most %d conditions", TREE_NODES);
	if (depth > TREE_DEPTH)
		return nitro_error(NITRO_ELIMIT, "query: groups nest at most %d deep",
		    TREE_DEPTH);
	switch (c->op) {
	case NITRO_SQL_AND:
	case NITRO_SQL_OR:
		if (c->nsub && c->sub == NULL)
			return nitro_error(NITRO_EINVAL, "query: a group without its array");
		if (c->nsub == 0) {	/* empty AND is true, empty OR false */
			nitro_buf_puts(sql, c->op == NITRO_SQL_AND ? "1" : "0");
			return sql->err;
		}
		nitro_buf_putc(sql, '(');
		for (size_t i = 0; i < c->nsub; i++) {
			if (i)
				nitro_buf_puts(sql, c->op == NITRO_SQL_AND ? " AND " : " OR ");
			if ((rc = nitro__sql_where_tree(ss, &c->sub[i], sql, depth + 1,
			    nodes)) < 0)
				return rc;
		}
		nitro_buf_putc(sql, ')');
		return sql->err;
	case NITRO_SQL_IN:
		if (c->nlist > IN_MAX || (c->nlist && c->list == NULL))
			return nitro_error(NITRO_ELIMIT, "query: IN takes 0 to %d values", IN_MAX);
		for (size_t i = 0; i < c->nlist; i++)
			if ((rc = check_leaf(ss, c->field, NITRO_OP_EQ, &c->list[i])) < 0)
				return rc;
		if ((rc = check_leaf(ss, c->field, NITRO_OP_IS_NULL, &c->v)) < 0)
			return rc;
		if (c->nlist == 0) {
			nitro_buf_puts(sql, "0");
			return sql->err;
		}
		nitro__ident(sql, ss->rt->f[nitro__field_index(ss->s, c->field)].name);
		nitro_buf_puts(sql, " IN (");
		for (size_t i = 0; i < c->nlist; i++)
			nitro_buf_puts(sql, i ? ",?" : "?");
		nitro_buf_putc(sql, ')');
		return sql->err;
	case NITRO_SQL_BETWEEN:
		if ((rc = check_leaf(ss, c->field, NITRO_OP_GE, &c->v)) < 0 ||
		    (rc = check_leaf(ss, c->field, NITRO_OP_LE, &c->v2)) < 0)
			return rc;
		if (c->v.type == NITRO_T_NULL || c->v2.type == NITRO_T_NULL) {
			nitro_buf_puts(sql, "0");
			return sql->err;
		}
		nitro__ident(sql, ss->rt->f[nitro__field_index(ss->s, c->field)].name);
		nitro_buf_puts(sql, " BETWEEN ? AND ?");
		return sql->err;
	case NITRO_SQL_LIKE:
	case NITRO_SQL_PREFIX:
		if (c->v.type == NITRO_T_TEXT && c->v.s && strlen(c->v.s) > NITRO__LIKE_MAX)
			return nitro_error(NITRO_ELIMIT, "a text match is at most %d bytes",
			    NITRO__LIKE_MAX);
		/* FALLTHROUGH */
	default:
		if ((c->op < NITRO_OP_EQ || c->op > NITRO_OP_CONTAINS) &&
		    c->op != NITRO_SQL_LIKE && c->op != NITRO_SQL_PREFIX)
			return nitro_error(NITRO_EINVAL, "query: unknown operator %d", c->op);
		if ((rc = check_leaf(ss, c->field, c->op, &c->v)) < 0)
			return rc;
		leaf(ss, c->field, c->op, &c->v, sql);
		return sql->err;
	}
}

int nitro__sql_bind_tree(sqlite3_stmt *st, const nitro_sql_cond *c, int *next)
{
	int rc;

	switch (c->op) {
	case NITRO_SQL_AND:
	case NITRO_SQL_OR:
		for (size_t i = 0; i < c->nsub; i++)
			if ((rc = nitro__sql_bind_tree(st, &c->sub[i], next)) < 0)
				return rc;
		return 0;
	case NITRO_SQL_IN:
		for (size_t i = 0; i < c->nlist; i++)
			if (nitro__sql_bind_value(st, (*next)++, &c->list[i]) != SQLITE_OK)
				return nitro__oom(NULL);
		return 0;
	case NITRO_SQL_BETWEEN:
		if (c->v.type == NITRO_T_NULL || c->v2.type == NITRO_T_NULL)
			return 0;
		if (nitro__sql_bind_value(st, (*next)++, &c->v) != SQLITE_OK ||
		    nitro__sql_bind_value(st, (*next)++, &c->v2) != SQLITE_OK)
			return nitro__oom(NULL);
		return 0;
	}
	return bind_leaf(st, c->op, &c->v, next);
}
