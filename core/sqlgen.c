/*
 * SQL text the SQL stores write alike.  Names come only from schemas, are
 * checked to be plain identifiers, and are still quoted; what differs
 * between SQLite and PostgreSQL is data (struct nitro__sql_dialect).
 */
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
