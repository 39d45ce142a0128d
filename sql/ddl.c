/*
 * From schema to SQL: identifiers, CREATE TABLE / INDEX / FTS5 statements,
 * and the text of each store's fixed statements.  Names come only from
 * schemas, are checked to be plain identifiers, and are still quoted.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/internal.h"

/* SQLite's differences from the other SQL stores. */
const struct nitro__sql_dialect nitro__sql_dialect = {
	.reserved = "sqlite_",		/* sqlite_ names are SQLite's own */
	.asc = "", .desc = " DESC",	/* SQLite's own NULL order */
};

static const char *col_type(const nitro_field *f)
{
	switch (f->type) {
	case NITRO_T_REAL: return "REAL";
	case NITRO_T_TEXT:
	case NITRO_T_JSON: return "TEXT";
	case NITRO_T_BLOB: return "BLOB";
	default: return "INTEGER";
	}
}

/* Check every name a schema brings before any of it reaches SQL. */
static int check_names(const nitro_schema *s, const struct nitro__schema_rt *rt)
{
	int rc;

	if ((rc = nitro__ident_check(&nitro__sql_dialect, s, rt)) < 0)
		return rc;
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];

		if (f->search && f->type != NITRO_T_TEXT)
			return nitro_error(NITRO_EINVAL, "%s.%s: only TEXT fields are searchable",
			    s->name, f->name);
	}
	return 0;
}

static int has_search(const struct nitro__schema_rt *rt)
{
	for (size_t i = 0; i < rt->n; i++)
		if (rt->f[i].search)
			return 1;
	return 0;
}

/* "a","b" or new."a",new."b" for the searchable fields. */
static void search_cols(nitro_buf *b, const struct nitro__schema_rt *rt, const char *pre)
{
	int first = 1;

	for (size_t i = 0; i < rt->n; i++) {
		if (!rt->f[i].search)
			continue;
		if (!first)
			nitro_buf_putc(b, ',');
		first = 0;
		nitro_buf_puts(b, pre);
		nitro__ident(b, rt->f[i].name);
	}
}

static void fts_ddl(nitro_buf *b, const nitro_schema *s, const struct nitro__schema_rt *rt)
{
	const char *t = s->name;

	nitro_buf_printf(b, "CREATE VIRTUAL TABLE IF NOT EXISTS \"%s_fts\" USING fts5(", t);
	search_cols(b, rt, "");
	nitro_buf_printf(b, ", content='%s', content_rowid='rowid');\n", t);
	/* External content: triggers keep the index in step with the table. */
	nitro_buf_printf(b, "CREATE TRIGGER IF NOT EXISTS \"%s_fts_i\" AFTER INSERT ON \"%s\" "
	    "BEGIN INSERT INTO \"%s_fts\"(rowid,", t, t, t);
	search_cols(b, rt, "");
	nitro_buf_puts(b, ") VALUES(new.rowid,");
	search_cols(b, rt, "new.");
	nitro_buf_puts(b, "); END;\n");
	nitro_buf_printf(b, "CREATE TRIGGER IF NOT EXISTS \"%s_fts_d\" AFTER DELETE ON \"%s\" "
	    "BEGIN INSERT INTO \"%s_fts\"(\"%s_fts\",rowid,", t, t, t, t);
	search_cols(b, rt, "");
	nitro_buf_puts(b, ") VALUES('delete',old.rowid,");
	search_cols(b, rt, "old.");
	nitro_buf_puts(b, "); END;\n");
	nitro_buf_printf(b, "CREATE TRIGGER IF NOT EXISTS \"%s_fts_u\" AFTER UPDATE ON \"%s\" "
	    "BEGIN INSERT INTO \"%s_fts\"(\"%s_fts\",rowid,", t, t, t, t);
	search_cols(b, rt, "");
	nitro_buf_puts(b, ") VALUES('delete',old.rowid,");
	search_cols(b, rt, "old.");
	nitro_buf_printf(b, "); INSERT INTO \"%s_fts\"(rowid,", t);
	search_cols(b, rt, "");
	nitro_buf_puts(b, ") VALUES(new.rowid,");
	search_cols(b, rt, "new.");
	nitro_buf_puts(b, "); END;\n");
}

int nitro__sql_column_def(nitro_buf *b, const nitro_field *f)
{
	nitro__ident(b, f->name);
	nitro_buf_printf(b, " %s", col_type(f));
	if (f->id) {
		/* AUTOINCREMENT: ids of deleted records never come back. */
		nitro_buf_puts(b, f->uuid ? " PRIMARY KEY NOT NULL" :
		    " PRIMARY KEY AUTOINCREMENT");
		return 0;
	}
	return nitro__column_rest(&nitro__sql_dialect, b, f);
}

int nitro_sql_ddl(const nitro_schema *s, nitro_buf *b)
{
	struct nitro__schema_rt *rt = nitro__schema(s);
	int rc, first = 1;

	if (rt == NULL)
		return nitro__errcode();
	if (b == NULL)
		return nitro_error(NITRO_EINVAL, "ddl: no buffer");
	if ((rc = check_names(s, rt)) < 0)
		return rc;
	nitro_buf_puts(b, "CREATE TABLE IF NOT EXISTS ");
	nitro__ident(b, s->name);
	nitro_buf_puts(b, " (\n");
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];

		if (f->type == NITRO_T_COMPUTED)
			continue;
		nitro_buf_puts(b, first ? "\t" : ",\n\t");
		first = 0;
		if ((rc = nitro__sql_column_def(b, f)) < 0)
			return rc;
	}
	nitro_buf_puts(b, "\n) STRICT;\n");
	nitro__index_ddl(b, s, rt);
	if (has_search(rt))
		fts_ddl(b, s, rt);
	return b->err;
}

/* The stored columns, in field order, and each store's fixed statements. */
int nitro__sql_store_sql(struct sqlstore *ss)
{
	const struct nitro__schema_rt *rt = ss->rt;
	const char *t = ss->s->name, *id = ss->idf->name;
	nitro_buf cols = NITRO_BUF_INIT, b = NITRO_BUF_INIT;
	int rc, k, nset = 0;

	if ((rc = check_names(ss->s, rt)) < 0)
		return rc;
	ss->ncols = 0;
	for (size_t i = 0; i < rt->n; i++) {
		if (rt->f[i].type == NITRO_T_COMPUTED)
			continue;
		if (ss->ncols)
			nitro_buf_putc(&cols, ',');
		nitro__ident(&cols, rt->f[i].name);
		ss->col[ss->ncols++] = (int)i;
	}
	if (cols.err)
		goto nomem;

	nitro_buf_printf(&b, "SELECT %s FROM \"%s\" WHERE \"%s\"=?", cols.data, t, id);
	if (b.err || (ss->sql[SQ_GET] = nitro_buf_steal(&b, NULL)) == NULL)
		goto nomem;

	/* INSERT without the id: SQLite assigns it. */
	nitro_buf_printf(&b, "INSERT INTO \"%s\"(", t);
	for (k = 0; k < ss->ncols; k++)
		if (ss->col[k] != rt->id)
			nitro_buf_printf(&b, "%s\"%s\"", nset++ ? "," : "", rt->f[ss->col[k]].name);
	nitro_buf_puts(&b, nset ? ") VALUES(" : ") DEFAULT VALUES");
	for (k = 0; k < nset; k++)
		nitro_buf_puts(&b, k ? ",?" : "?");
	if (nset)
		nitro_buf_putc(&b, ')');
	if (b.err || (ss->sql[SQ_INSERT] = nitro_buf_steal(&b, NULL)) == NULL)
		goto nomem;

	/* With an id: insert, or update that record in place. */
	nitro_buf_printf(&b, "INSERT INTO \"%s\"(%s) VALUES(", t, cols.data);
	for (k = 0; k < ss->ncols; k++)
		nitro_buf_puts(&b, k ? ",?" : "?");
	nitro_buf_printf(&b, ") ON CONFLICT(\"%s\") DO ", id);
	if (nset == 0)
		nitro_buf_puts(&b, "NOTHING");
	for (k = 0, nset = 0; k < ss->ncols; k++) {
		const char *c = rt->f[ss->col[k]].name;

		if (ss->col[k] != rt->id)
			nitro_buf_printf(&b, "%s\"%s\"=excluded.\"%s\"",
			    nset++ ? "," : "UPDATE SET ", c, c);
	}
	if (b.err || (ss->sql[SQ_UPSERT_ID] = nitro_buf_steal(&b, NULL)) == NULL)
		goto nomem;

	nitro_buf_printf(&b, "DELETE FROM \"%s\" WHERE \"%s\"=?", t, id);
	if (b.err || (ss->sql[SQ_DELETE] = nitro_buf_steal(&b, NULL)) == NULL)
		goto nomem;
	ss->cols = nitro_buf_steal(&cols, NULL);
	if (ss->cols == NULL)
		goto nomem;
	return 0;
nomem:
	nitro_buf_free(&cols);
	nitro_buf_free(&b);
	return nitro__oom(NULL);
}
