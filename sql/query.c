/*
 * What only SQL answers well: condition trees (AND/OR groups, IN,
 * BETWEEN, LIKE), full-text search with FTS5, has-many lookups and
 * many-to-many links through a join table.
 */
#include <stdio.h>
#include <string.h>

#include "sql/internal.h"

#define SEARCH_MAX 1000
#define FTS_TEXT_MAX 1024

static int run_select(struct sqlstore *ss, struct sqlconn *c, nitro_buf *b,
    const nitro_sql_cond *where, size_t limit, size_t offset, nitro_rows *out,
    size_t *count)
{
	sqlite3_stmt *st;
	int rc, next = 1;

	if (b->err)
		return nitro__oom(NULL);
	if ((st = nitro__sql_prepare(c, b->data, b->len)) == NULL)
		return nitro__errcode();
	if (where && (rc = nitro__sql_bind_tree(st, where, &next)) < 0) {
		sqlite3_reset(st);
		return rc;
	}
	if (out) {
		sqlite3_bind_int64(st, next++, limit && limit < INT64_MAX ? (int64_t)limit : -1);
		sqlite3_bind_int64(st, next, offset < INT64_MAX ? (int64_t)offset : 0);
		return nitro__sql_collect(st, ss, limit, out);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*count = (size_t)sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = nitro__sql_error(c->db, rc, ss->s->name);
	}
	sqlite3_reset(st);
	return rc;
}

static int tree_query(const nitro_schema *s, const nitro_sql_select *q, nitro_rows *out,
    size_t *count)
{
	struct sqlstore *ss = nitro__sql_store(s);
	struct sqlconn *c;
	char mem[2048];
	nitro_buf b;
	size_t nodes = 0;
	int rc;

	if (out) {
		out->items = NULL;
		out->n = 0;
		out->schema = s;
	}
	if (ss == NULL)
		return nitro__errcode();
	if (q->norder) {
		nitro_query oq = {.order = q->order, .norder = q->norder};

		if ((rc = nitro__query_check(s, &oq)) < 0)
			return rc;
	}
	if ((c = nitro__sql_conn(ss->repo)) == NULL)
		return nitro__errcode();
	nitro_buf_init_on(&b, mem, sizeof mem, 0);
	if (out)
		nitro_buf_printf(&b, "SELECT %s FROM \"%s\"", ss->cols, s->name);
	else
		nitro_buf_printf(&b, "SELECT count(*) FROM \"%s\"", s->name);
	if (q->where) {
		nitro_buf_puts(&b, " WHERE ");
		if ((rc = nitro__sql_where_tree(ss, q->where, &b, 0, &nodes)) < 0)
			goto out;
	}
	if (out) {
		nitro__order_by(&nitro__sql_dialect, ss->s, ss->rt, ss->idf, q->order, q->norder,
		    &b);
		nitro_buf_puts(&b, " LIMIT ? OFFSET ?");
	}
	rc = run_select(ss, c, &b, q->where, q->limit, q->offset, out, count);
out:
	nitro_buf_free(&b);
	return rc;
}

int nitro_sql_query(const nitro_schema *s, const nitro_sql_select *q, nitro_rows *out)
{
	nitro_sql_select all = {0};

	if (out == NULL)
		return nitro_error(NITRO_EINVAL, "query: no rows to fill");
	return tree_query(s, q ? q : &all, out, NULL);
}

int nitro_sql_count(const nitro_schema *s, const nitro_sql_cond *where, size_t *n)
{
	nitro_sql_select q = {.where = where};

	if (n == NULL)
		return nitro_error(NITRO_EINVAL, "count: nowhere to put it");
	*n = 0;
	return tree_query(s, &q, NULL, n);
}

/*
 * Words become FTS5 strings: each run of non-space bytes is written as
 * "word" (a quote doubled), and the strings are ANDed, so that nothing a
 * user types is FTS syntax (no NEAR, no column filters, no '*').
 */
int nitro__sql_fts_query(const char *text, nitro_buf *out)
{
	size_t terms = 0;

	if (strlen(text) > FTS_TEXT_MAX)
		return nitro_error(NITRO_ELIMIT, "search: at most %d bytes of text", FTS_TEXT_MAX);
	while (*text) {
		while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
			text++;
		if (*text == '\0')
			break;
		if (terms++)
			nitro_buf_putc(out, ' ');
		nitro_buf_putc(out, '"');
		for (; *text && *text != ' ' && *text != '\t' && *text != '\n' &&
		    *text != '\r'; text++) {
			if (*text == '"')
				nitro_buf_putc(out, '"');
			nitro_buf_putc(out, *text);
		}
		nitro_buf_putc(out, '"');
	}
	if (out->err)
		return out->err;
	return terms ? 0 : nitro_error(NITRO_EINVAL, "search: no words");
}

int nitro_sql_search(const nitro_schema *s, const char *text, size_t limit, nitro_rows *out)
{
	struct sqlstore *ss = nitro__sql_store(s);
	struct sqlconn *c;
	char mem[1024], qmem[256];
	nitro_buf b, q;
	sqlite3_stmt *st;
	int rc, searchable = 0;

	if (out == NULL)
		return nitro_error(NITRO_EINVAL, "search: no rows to fill");
	out->items = NULL;
	out->n = 0;
	out->schema = s;
	if (ss == NULL)
		return nitro__errcode();
	if (text == NULL)
		return nitro_error(NITRO_EINVAL, "%s: search needs text", s->name);
	for (size_t i = 0; i < ss->rt->n; i++)
		searchable |= ss->rt->f[i].search;
	if (!searchable)
		return nitro_error(NITRO_EINVAL, "%s: no field is marked NITRO_F_SEARCH", s->name);
	if (limit == 0)
		limit = 100;
	if (limit > SEARCH_MAX)
		return nitro_error(NITRO_ELIMIT, "search: at most %d results", SEARCH_MAX);
	if ((c = nitro__sql_conn(ss->repo)) == NULL)
		return nitro__errcode();
	nitro_buf_init_on(&q, qmem, sizeof qmem, 0);
	if ((rc = nitro__sql_fts_query(text, &q)) < 0) {
		nitro_buf_free(&q);
		return rc;
	}
	nitro_buf_init_on(&b, mem, sizeof mem, 0);
	/* Columns qualified by the table: the FTS table has some of the names. */
	nitro_buf_puts(&b, "SELECT ");
	for (int k = 0; k < ss->ncols; k++)
		nitro_buf_printf(&b, "%s\"%s\".\"%s\"", k ? "," : "", s->name,
		    ss->rt->f[ss->col[k]].name);
	nitro_buf_printf(&b, " FROM \"%s_fts\" JOIN \"%s\" ON \"%s\".rowid = \"%s_fts\".rowid"
	    " WHERE \"%s_fts\" MATCH ? ORDER BY rank, \"%s\".rowid LIMIT ?", s->name, s->name,
	    s->name, s->name, s->name, s->name);
	if (b.err) {
		rc = nitro__oom(NULL);
	} else if ((st = nitro__sql_prepare(c, b.data, b.len)) == NULL) {
		rc = nitro__errcode();
	} else {
		sqlite3_bind_text(st, 1, q.data, (int)q.len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (int64_t)limit);
		rc = nitro__sql_collect(st, ss, limit, out);
	}
	nitro_buf_free(&b);
	nitro_buf_free(&q);
	return rc;
}

/* ---- relationships -------------------------------------------------------- */

int nitro_sql_has_many(const nitro_schema *child, const char *fk, nitro_id parent,
    nitro_rows *out)
{
	struct sqlstore *ss = nitro__sql_store(child);
	nitro_sql_cond c;
	nitro_sql_select q = {.where = &c};
	int i;

	if (out == NULL)
		return nitro_error(NITRO_EINVAL, "has_many: no rows to fill");
	out->items = NULL;
	out->n = 0;
	out->schema = child;
	if (ss == NULL)
		return nitro__errcode();
	if ((i = nitro__field_index(child, fk)) < 0)
		return i;
	if (ss->rt->f[i].ref == NULL)
		return nitro_error(NITRO_EINVAL, "%s.%s is not a reference (NITRO_F_REF)",
		    child->name, fk);
	memset(&c, 0, sizeof c);
	c.op = NITRO_OP_EQ;
	c.field = fk;
	if (ss->rt->f[i].type == NITRO_T_TEXT) {
		if (parent.text == NULL)
			return nitro_error(NITRO_EINVAL, "has_many: a text id is needed");
		c.v = nitro_v_text(parent.text);
	} else {
		c.v = nitro_v_int(parent.num);
	}
	return nitro_sql_query(child, &q, out);
}

/* The join table of a and b: "<first>_<second>" in byte order of names. */
struct join {
	struct sqlstore *a, *b;		/* as the caller gave them */
	const char *first, *second;
	char table[140];
	int a_first;
};

static int join_of(const nitro_schema *sa, const nitro_schema *sb, struct join *j)
{
	if ((j->a = nitro__sql_store(sa)) == NULL || (j->b = nitro__sql_store(sb)) == NULL)
		return nitro__errcode();
	if (j->a->repo != j->b->repo)
		return nitro_error(NITRO_EINVAL, "link: %s and %s are in different repositories",
		    sa->name, sb->name);
	if (strcmp(sa->name, sb->name) == 0)
		return nitro_error(NITRO_EINVAL, "link: %s to itself is not supported", sa->name);
	j->a_first = strcmp(sa->name, sb->name) < 0;
	j->first = j->a_first ? sa->name : sb->name;
	j->second = j->a_first ? sb->name : sa->name;
	snprintf(j->table, sizeof j->table, "%s_%s", j->first, j->second);
	return 0;
}

/* Make the join table once per connection (cheap: IF NOT EXISTS). */
static int join_create(struct sqlconn *c, const struct join *j)
{
	char sql[700];
	const struct sqlstore *f = j->a_first ? j->a : j->b, *s = j->a_first ? j->b : j->a;

	snprintf(sql, sizeof sql,
	    "CREATE TABLE IF NOT EXISTS \"%s\" ("
	    "\"%s_id\" %s NOT NULL REFERENCES \"%s\" ON DELETE CASCADE, "
	    "\"%s_id\" %s NOT NULL REFERENCES \"%s\" ON DELETE CASCADE, "
	    "PRIMARY KEY (\"%s_id\", \"%s_id\")) WITHOUT ROWID, STRICT;"
	    "CREATE INDEX IF NOT EXISTS \"%s_rev\" ON \"%s\"(\"%s_id\", \"%s_id\");",
	    j->table, j->first, f->idf->uuid ? "TEXT" : "INTEGER", j->first,
	    j->second, s->idf->uuid ? "TEXT" : "INTEGER", j->second,
	    j->first, j->second, j->table, j->table, j->second, j->first);
	return nitro__sql_exec(c, sql);
}

static int link_op(const nitro_schema *sa, nitro_id ida, const nitro_schema *sb,
    nitro_id idb, int add)
{
	struct join j;
	struct sqlconn *c;
	sqlite3_stmt *st;
	char sql[400];
	int rc;

	if ((rc = join_of(sa, sb, &j)) < 0)
		return rc;
	if ((c = nitro__sql_conn(j.a->repo)) == NULL)
		return nitro__errcode();
	if ((rc = join_create(c, &j)) < 0)
		return rc;
	if (add)
		snprintf(sql, sizeof sql, "INSERT INTO \"%s\"(\"%s_id\", \"%s_id\") VALUES(?,?) "
		    "ON CONFLICT DO NOTHING", j.table, j.first, j.second);
	else
		snprintf(sql, sizeof sql, "DELETE FROM \"%s\" WHERE \"%s_id\"=? AND \"%s_id\"=?",
		    j.table, j.first, j.second);
	if ((st = nitro__sql_prepare(c, sql, strlen(sql))) == NULL)
		return nitro__errcode();
	if ((rc = nitro__sql_bind_id(st, j.a_first ? 1 : 2, j.a, ida)) < 0 ||
	    (rc = nitro__sql_bind_id(st, j.a_first ? 2 : 1, j.b, idb)) < 0) {
		sqlite3_reset(st);
		return rc;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		rc = add || sqlite3_changes(c->db) ? 0 :
		    nitro_error(NITRO_ENOTFOUND, "%s and %s were not linked", sa->name, sb->name);
	else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		rc = nitro_error(NITRO_ECONSTRAINT, "link: no such %s or %s", sa->name, sb->name);
	else
		rc = nitro__sql_error(c->db, rc, "link");
	sqlite3_reset(st);
	return rc;
}

int nitro_sql_link(const nitro_schema *a, nitro_id ida, const nitro_schema *b, nitro_id idb)
{
	return link_op(a, ida, b, idb, 1);
}

int nitro_sql_unlink(const nitro_schema *a, nitro_id ida, const nitro_schema *b,
    nitro_id idb)
{
	return link_op(a, ida, b, idb, 0);
}

int nitro_sql_linked(const nitro_schema *a, nitro_id ida, const nitro_schema *b,
    nitro_rows *out)
{
	struct join j;
	struct sqlconn *c;
	sqlite3_stmt *st;
	char mem[1024];
	nitro_buf q;
	int rc;

	if (out == NULL)
		return nitro_error(NITRO_EINVAL, "linked: no rows to fill");
	out->items = NULL;
	out->n = 0;
	out->schema = b;
	if ((rc = join_of(a, b, &j)) < 0)
		return rc;
	if ((c = nitro__sql_conn(j.a->repo)) == NULL)
		return nitro__errcode();
	if ((rc = join_create(c, &j)) < 0)
		return rc;
	nitro_buf_init_on(&q, mem, sizeof mem, 0);
	nitro_buf_puts(&q, "SELECT ");
	for (int k = 0; k < j.b->ncols; k++)
		nitro_buf_printf(&q, "%s\"%s\".\"%s\"", k ? "," : "", b->name,
		    j.b->rt->f[j.b->col[k]].name);
	nitro_buf_printf(&q, " FROM \"%s\" JOIN \"%s\" ON \"%s\".\"%s\" = \"%s\".\"%s_id\""
	    " WHERE \"%s\".\"%s_id\" = ? ORDER BY \"%s\".\"%s\"", b->name, j.table, b->name,
	    j.b->idf->name, j.table, b->name, j.table, a->name, b->name, j.b->idf->name);
	if (q.err) {
		rc = nitro__oom(NULL);
	} else if ((st = nitro__sql_prepare(c, q.data, q.len)) == NULL) {
		rc = nitro__errcode();
	} else if ((rc = nitro__sql_bind_id(st, 1, j.a, ida)) < 0) {
		sqlite3_reset(st);
	} else {
		rc = nitro__sql_collect(st, j.b, 0, out);
	}
	nitro_buf_free(&q);
	return rc;
}
