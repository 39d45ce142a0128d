/*
 * From schema to PostgreSQL: identifiers, CREATE TABLE / INDEX, and the
 * text of each store's fixed statements.  Names come only from schemas,
 * are checked to be plain identifiers, and are still quoted.
 *
 * Integer ids behave as SQLite's AUTOINCREMENT, which the conformance
 * suite holds every backend to: they start at 1, are never reused, and a
 * rolled-back insert spends none.  A sequence spends ids outside the
 * transaction, so each table's last id is a row of nitro_ids, taken in
 * the insert's own statement (and so its transaction); inserts into one
 * table queue on that row until they commit, as SQLite's writers do.
 * Text is COLLATE "C" (byte order, as SQLite compares).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg/internal.h"

/* PostgreSQL's differences from the other SQL stores. */
const struct nitro__sql_dialect nitro__pg_dialect = {
	.reserved = "pg_",		/* pg_ names are the server's own */
	.asc = " ASC NULLS FIRST", .desc = " DESC NULLS LAST",	/* as SQLite */
	.bools = (const char *const[]){"false", "true"},
};

static const char *col_type(const nitro_field *f)
{
	switch (f->type) {
	case NITRO_T_REAL: return "DOUBLE PRECISION";
	case NITRO_T_BOOL: return "BOOLEAN";
	case NITRO_T_TEXT:
	case NITRO_T_JSON: return "TEXT COLLATE \"C\"";
	case NITRO_T_BLOB: return "BYTEA";
	default: return "BIGINT";
	}
}

static int column_def(nitro_buf *b, const char *table, const nitro_field *f)
{
	nitro__ident(b, f->name);
	nitro_buf_printf(b, " %s", f->id && !f->uuid ? "BIGINT" : col_type(f));
	if (f->id) {
		nitro_buf_puts(b, " PRIMARY KEY");
		/* Plain SQL inserts (a migration's seed rows) get ids too. */
		if (!f->uuid)
			nitro_buf_printf(b, " DEFAULT nitro_next_id('%s')", table);
		return 0;
	}
	return nitro__column_rest(&nitro__pg_dialect, b, f);
}

/* Nitro's own tables, made when a repository opens. */
const char nitro__pg_internal_ddl[] =
	"CREATE TABLE IF NOT EXISTS nitro_ids ("
	" name TEXT COLLATE \"C\" PRIMARY KEY,"
	" last BIGINT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS nitro_migrations ("
	" version BIGINT PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" applied_at BIGINT NOT NULL);"
	"CREATE OR REPLACE FUNCTION nitro_next_id(t text) RETURNS bigint LANGUAGE sql AS "
	"'UPDATE nitro_ids SET last = last + 1 WHERE name = t RETURNING last';";

int nitro_pg_ddl(const nitro_schema *s, nitro_buf *b)
{
	struct nitro__schema_rt *rt = nitro__schema(s);
	int rc, first = 1;

	if (rt == NULL)
		return nitro__errcode();
	if (b == NULL)
		return nitro_error(NITRO_EINVAL, "ddl: no buffer");
	if ((rc = nitro__ident_check(&nitro__pg_dialect, s, rt)) < 0)
		return rc;
	/* Nitro's own tables first: the id's default calls nitro_next_id(). */
	nitro_buf_printf(b, "%s\nCREATE TABLE IF NOT EXISTS ", nitro__pg_internal_ddl);
	nitro__ident(b, s->name);
	nitro_buf_puts(b, " (\n");
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];

		if (f->type == NITRO_T_COMPUTED)
			continue;
		nitro_buf_puts(b, first ? "\t" : ",\n\t");
		first = 0;
		if ((rc = column_def(b, s->name, f)) < 0)
			return rc;
	}
	nitro_buf_puts(b, "\n);\n");
	nitro__index_ddl(b, s, rt);
	if (!rt->f[rt->id].uuid)
		nitro_buf_printf(b, "INSERT INTO nitro_ids(name, last) SELECT '%s', "
		    "coalesce(max(\"%s\"), 0) FROM \"%s\" ON CONFLICT (name) DO NOTHING;\n",
		    s->name, rt->f[rt->id].name, s->name);
	return b->err;
}

/* $1,$2,...,$n */
static void params(nitro_buf *b, int from, int n)
{
	for (int k = 0; k < n; k++)
		nitro_buf_printf(b, "%s$%d", k ? "," : "", from + k);
}

/* The stored columns, in field order, and each store's fixed statements. */
int nitro__pg_store_sql(struct pgstore *ps)
{
	const struct nitro__schema_rt *rt = ps->rt;
	const char *t = ps->s->name, *id = ps->idf->name;
	nitro_buf cols = NITRO_BUF_INIT, rest = NITRO_BUF_INIT, b = NITRO_BUF_INIT;
	int rc, k, nset = 0;

	if ((rc = nitro__ident_check(&nitro__pg_dialect, ps->s, rt)) < 0)
		return rc;
	ps->ncols = 0;
	for (size_t i = 0; i < rt->n; i++) {
		if (rt->f[i].type == NITRO_T_COMPUTED)
			continue;
		if (ps->ncols)
			nitro_buf_putc(&cols, ',');
		nitro__ident(&cols, rt->f[i].name);
		ps->col[ps->ncols++] = (int)i;
		if ((int)i != rt->id) {
			nitro_buf_putc(&rest, ',');
			nitro__ident(&rest, rt->f[i].name);
			nset++;
		}
	}
	if (cols.err || rest.err)
		goto nomem;

	nitro_buf_printf(&b, "SELECT %s FROM \"%s\" WHERE \"%s\"=$1", cols.data, t, id);
	if (b.err || (ps->sql[PQ_GET] = nitro_buf_steal(&b, NULL)) == NULL)
		goto nomem;

	/* A new record: its id from nitro_ids, in the same statement. */
	if (ps->idf->uuid) {
		ps->sql[PQ_INSERT] = NULL;	/* text ids come with the record */
	} else {
		/* The id's default: nitro_next_id(), in the statement. */
		nitro_buf_printf(&b, "INSERT INTO \"%s\"", t);
		if (nset) {
			nitro_buf_printf(&b, "(%s) VALUES(", rest.data + 1);
			params(&b, 1, nset);
			nitro_buf_putc(&b, ')');
		} else {
			nitro_buf_puts(&b, " DEFAULT VALUES");
		}
		nitro_buf_printf(&b, " RETURNING \"%s\"", id);
		if (b.err || (ps->sql[PQ_INSERT] = nitro_buf_steal(&b, NULL)) == NULL)
			goto nomem;
	}

	/* With an id: insert, or update that record in place. */
	nitro_buf_printf(&b, "INSERT INTO \"%s\"(%s) VALUES(", t, cols.data);
	params(&b, 1, ps->ncols);
	nitro_buf_printf(&b, ") ON CONFLICT(\"%s\") DO ", id);
	if (nset == 0)
		nitro_buf_puts(&b, "NOTHING");
	for (k = 0, nset = 0; k < ps->ncols; k++) {
		const char *c = rt->f[ps->col[k]].name;

		if (ps->col[k] != rt->id)
			nitro_buf_printf(&b, "%s\"%s\"=excluded.\"%s\"",
			    nset++ ? "," : "UPDATE SET ", c, c);
	}
	if (b.err || (ps->sql[PQ_UPSERT_ID] = nitro_buf_steal(&b, NULL)) == NULL)
		goto nomem;

	nitro_buf_printf(&b, "DELETE FROM \"%s\" WHERE \"%s\"=$1", t, id);
	if (b.err || (ps->sql[PQ_DELETE] = nitro_buf_steal(&b, NULL)) == NULL)
		goto nomem;

	/* An explicit id past the last one moves the last one on. */
	if (!ps->idf->uuid) {
		nitro_buf_printf(&b, "UPDATE nitro_ids SET last=$1 WHERE name='%s' AND last<$1",
		    t);
		if (b.err || (ps->sql[PQ_BUMP] = nitro_buf_steal(&b, NULL)) == NULL)
			goto nomem;
	}
	ps->cols = nitro_buf_steal(&cols, NULL);
	nitro_buf_free(&rest);
	if (ps->cols == NULL)
		goto nomem;
	return 0;
nomem:
	nitro_buf_free(&cols);
	nitro_buf_free(&rest);
	nitro_buf_free(&b);
	return nitro__oom(NULL);
}

/* The table's columns against the schema's stored fields. */
int nitro__pg_check_columns(struct pgconn *c, const struct pgstore *ps)
{
	static const char q[] = "SELECT column_name FROM information_schema.columns "
	    "WHERE table_name=$1 AND table_schema=current_schema()";
	const char *v[1] = {ps->s->name};
	PGresult *res = nitro__pg_run(c, q, 1, v, NULL, NULL);
	int rows, rc = 0;

	if (res == NULL)
		return nitro__errcode();
	rows = PQntuples(res);
	for (int k = 0; k < ps->ncols && rc == 0; k++) {
		const char *name = ps->rt->f[ps->col[k]].name;
		int found = 0;

		for (int i = 0; i < rows && !found; i++)
			found = strcmp(PQgetvalue(res, i, 0), name) == 0;
		if (!found)
			rc = nitro_error(NITRO_EUNSUPPORTED, "%s: the table has no column %s; "
			    "write a migration that adds it (ALTER TABLE \"%s\" ADD COLUMN ...)",
			    ps->s->name, name, ps->s->name);
	}
	for (int i = 0; i < rows && rc == 0; i++) {
		int found = 0;

		for (int k = 0; k < ps->ncols && !found; k++)
			found = strcmp(PQgetvalue(res, i, 0), ps->rt->f[ps->col[k]].name) == 0;
		if (!found)
			rc = nitro_error(NITRO_EUNSUPPORTED, "%s: the table has a column %s that "
			    "the schema does not; write a migration that drops it",
			    ps->s->name, PQgetvalue(res, i, 0));
	}
	PQclear(res);
	return rc;
}
