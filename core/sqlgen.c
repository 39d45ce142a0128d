/*
 * SQL text the SQL stores write alike.  Names come only from schemas, are
 * checked to be plain identifiers, and are still quoted; what differs
 * between SQLite and PostgreSQL is data (struct nitro__sql_dialect).
 */
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/sqlgen.h"

int nitro__ident_ok(const struct nitro__sql_dialect *d, const char *s)
{
	size_t n = 0;

	if (s == NULL || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n <= NITRO__SQL_IDENT_MAX &&
	    strncasecmp(s, d->reserved, strlen(d->reserved)) != 0;
}

void nitro__ident(nitro_buf *b, const char *name)
{
	nitro_buf_putc(b, '"');
	nitro_buf_puts(b, name);	/* checked: no quote inside */
	nitro_buf_putc(b, '"');
}

int nitro__ident_check(const struct nitro__sql_dialect *d, const nitro_schema *s,
    const struct nitro__schema_rt *rt)
{
	if (!nitro__ident_ok(d, s->name))
		return nitro_error(NITRO_EINVAL, "%s: not a valid SQL table name", s->name);
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];

		if (!nitro__ident_ok(d, f->name))
			return nitro_error(NITRO_EINVAL, "%s.%s: not a valid SQL column name",
			    s->name, f->name);
		if (f->ref && !nitro__ident_ok(d, f->ref))
			return nitro_error(NITRO_EINVAL, "%s.%s: references an invalid name",
			    s->name, f->name);
	}
	return 0;
}

/* A default as an SQL literal (the text comes from the schema). */
static int put_default(const struct nitro__sql_dialect *d, nitro_buf *b, const nitro_field *f)
{
	nitro_value v;
	int rc;

	if (f->type == NITRO_T_TEXT || f->type == NITRO_T_JSON) {
		nitro_buf_puts(b, " DEFAULT '");
		for (const char *p = f->def; *p; p++) {
			if (*p == '\'')
				nitro_buf_putc(b, '\'');
			nitro_buf_putc(b, *p);
		}
		nitro_buf_putc(b, '\'');
		return 0;
	}
	if ((rc = nitro__value_parse(f, f->def, &v)) < 0)
		return rc;
	if (f->type == NITRO_T_BOOL && d->bools != NULL)
		nitro_buf_printf(b, " DEFAULT %s", d->bools[v.i != 0]);
	else if (v.type == NITRO_T_REAL)
		nitro_buf_printf(b, " DEFAULT %.17g", v.r);
	else
		nitro_buf_printf(b, " DEFAULT %" PRId64, v.i);
	return 0;
}

int nitro__column_rest(const struct nitro__sql_dialect *d, nitro_buf *b, const nitro_field *f)
{
	int rc;

	if (f->required)
		nitro_buf_puts(b, " NOT NULL");
	if (f->unique)
		nitro_buf_puts(b, " UNIQUE");
	if (f->def && (rc = put_default(d, b, f)) < 0)
		return rc;
	if (f->ref) {
		nitro_buf_puts(b, " REFERENCES ");
		nitro__ident(b, f->ref);
	}
	return 0;
}

void nitro__index_ddl(nitro_buf *b, const nitro_schema *s, const struct nitro__schema_rt *rt)
{
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];

		if ((f->index || f->ref) && !f->unique && !f->id)
			nitro_buf_printf(b, "CREATE INDEX IF NOT EXISTS \"%s_%s_idx\" ON "
			    "\"%s\"(\"%s\");\n", s->name, f->name, s->name, f->name);
	}
}

int nitro__like_escape(const char *text, const char *pre, const char *post, nitro_buf *out)
{
	if (strlen(text) > NITRO__LIKE_MAX)
		return nitro_error(NITRO_ELIMIT, "a text match is at most %d bytes",
		    NITRO__LIKE_MAX);
	nitro_buf_puts(out, pre);
	for (; *text; text++) {
		if (*text == '%' || *text == '_' || *text == '\\')
			nitro_buf_putc(out, '\\');
		nitro_buf_putc(out, *text);
	}
	nitro_buf_puts(out, post);
	return out->err;
}

void nitro__order_by(const struct nitro__sql_dialect *d, const nitro_schema *s,
    const struct nitro__schema_rt *rt, const nitro_field *idf, const nitro_order *o,
    size_t n, nitro_buf *sql)
{
	nitro_buf_puts(sql, " ORDER BY ");
	for (size_t i = 0; i < n; i++) {
		nitro__ident(sql, rt->f[nitro__field_index(s, o[i].field)].name);
		nitro_buf_puts(sql, o[i].desc ? d->desc : d->asc);
		nitro_buf_puts(sql, ", ");
	}
	/* Ties go by id the way the last key goes, as in every repository:
	 * "newest first" needs no second key. */
	nitro__ident(sql, idf->name);
	if (n && o[n - 1].desc)
		nitro_buf_puts(sql, " DESC");
}
