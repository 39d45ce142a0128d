/*
 * Does a table still match its schema?  A field added to an entity
 * without a migration would otherwise show up at request time as a 500,
 * or worse as wrong data.  The check runs once, when a schema is bound,
 * and a mismatch refuses to start with the statements of the migration
 * that would make the two agree.
 */
#include <stdio.h>
#include <string.h>

#include "sql/internal.h"

/* Column names of table t, as SQLite reports them (at most NITRO_MAX_FIELDS
 * + a margin are kept: a table wider than that is a mismatch anyway). */
#define TABLE_COLS_MAX (2 * NITRO_MAX_FIELDS)

struct table_cols {
	char name[TABLE_COLS_MAX][64];
	int n;
	int more;		/* columns past TABLE_COLS_MAX */
};

static int read_cols(struct sqlconn *c, const char *t, struct table_cols *tc)
{
	static const char q[] = "SELECT name FROM pragma_table_info(?1)";
	sqlite3_stmt *st = nitro__sql_prepare(c, q, sizeof q - 1);
	int rc;

	if (st == NULL)
		return nitro__errcode();
	tc->n = tc->more = 0;
	sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (tc->n == TABLE_COLS_MAX) {
			tc->more++;
			continue;
		}
		snprintf(tc->name[tc->n++], sizeof tc->name[0], "%s", name ? name : "");
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : nitro__sql_error(c->db, rc, t);
}

static int has_col(const struct table_cols *tc, const char *name)
{
	for (int i = 0; i < tc->n; i++)
		if (strcmp(tc->name[i], name) == 0)
			return 1;
	return 0;
}

static int in_schema(const struct nitro__schema_rt *rt, const char *name)
{
	for (size_t i = 0; i < rt->n; i++)
		if (rt->f[i].type != NITRO_T_COMPUTED && strcmp(rt->f[i].name, name) == 0)
			return 1;
	return 0;
}

int nitro__sql_check_columns(struct sqlconn *c, const nitro_schema *s,
    const struct nitro__schema_rt *rt)
{
	struct table_cols tc;
	nitro_buf why = NITRO_BUF_INIT, fix = NITRO_BUF_INIT;
	int rc, nmissing = 0, nextra = 0;

	if ((rc = read_cols(c, s->name, &tc)) < 0)
		return rc;
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];

		if (f->type == NITRO_T_COMPUTED || has_col(&tc, f->name))
			continue;
		nitro_buf_printf(&why, "%s%s", nmissing++ ? ", " : "; missing column ", f->name);
		nitro_buf_puts(&fix, "\tALTER TABLE ");
		nitro__ident(&fix, s->name);
		nitro_buf_puts(&fix, " ADD COLUMN ");
		if ((rc = nitro__sql_column_def(&fix, f)) < 0)
			goto out;
		nitro_buf_puts(&fix, ";\n");
	}
	for (int i = 0; i < tc.n; i++) {
		if (in_schema(rt, tc.name[i]))
			continue;
		nitro_buf_printf(&why, "%s%s", nextra++ ? ", " : "; extra column ", tc.name[i]);
		nitro_buf_puts(&fix, "\tALTER TABLE ");
		nitro__ident(&fix, s->name);
		nitro_buf_puts(&fix, " DROP COLUMN ");
		nitro__ident(&fix, tc.name[i]);
		nitro_buf_puts(&fix, ";\n");
	}
	if (tc.more)
		nitro_buf_printf(&why, "; and %d more columns", tc.more);
	if (why.err || fix.err) {
		rc = why.err ? why.err : fix.err;	/* the buffer said why */
		goto out;
	}
	rc = 0;
	if (nmissing || nextra || tc.more)
		rc = nitro_error(NITRO_EUNSUPPORTED, "%s: the table does not match the schema%s. "
		    "Write a migration (nitro db new NAME, then nitro db migrate) with:\n%s",
		    s->name, why.data, fix.len ? fix.data : "");
out:
	nitro_buf_free(&why);
	nitro_buf_free(&fix);
	return rc;
}
