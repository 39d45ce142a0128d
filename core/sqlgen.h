/* Internal: SQL text that the SQL stores (sql/ on SQLite, pg/ on
 * PostgreSQL) write alike (sqlgen.c).  Where the dialects differ, the
 * difference is a field of struct nitro__sql_dialect, which each store
 * fills once, rather than a copy of the code. */
#ifndef NITRO_CORE_SQLGEN_H
#define NITRO_CORE_SQLGEN_H

#include "nitro/core.h"
#include "core/repo.h"

/* The longest identifier: PostgreSQL's (NAMEDATALEN - 1), for every store,
 * so that a schema valid on one is valid on the other. */
#define NITRO__SQL_IDENT_MAX 63

struct nitro__sql_dialect {
	/* Names that start so (any case) are the server's own. */
	const char *reserved;
};

/* A plain identifier ([A-Za-z_][A-Za-z0-9_]*, at most NITRO__SQL_IDENT_MAX
 * bytes) that is not one of the server's own names: 1, else 0. */
int nitro__ident_ok(const struct nitro__sql_dialect *d, const char *s);
/* name, checked before, double-quoted into b. */
void nitro__ident(nitro_buf *b, const char *name);
/* Every name schema s brings (table, columns, references) checked before
 * any of it reaches SQL: 0, or NITRO_EINVAL with the name at fault. */
int nitro__ident_check(const struct nitro__sql_dialect *d, const nitro_schema *s,
    const struct nitro__schema_rt *rt);

#endif
