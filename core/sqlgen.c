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
