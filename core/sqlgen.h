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

/* The longest text a LIKE match takes (before escaping). */
#define NITRO__LIKE_MAX 4096

struct nitro__sql_dialect {
	/* Names that start so (any case) are the server's own. */
	const char *reserved;
	/* After each ORDER BY key: NULLs must sort as SQLite sorts them
	 * (first ascending, last descending), whichever the server. */
	const char *asc, *desc;
	/* A BOOL default's literals (false, true); NULL: 0 and 1. */
	const char *const *bools;
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
/* What follows a column's name and type in CREATE TABLE, as its field
 * says: NOT NULL, UNIQUE, DEFAULT (the schema's text as a literal) and
 * REFERENCES. */
int nitro__column_rest(const struct nitro__sql_dialect *d, nitro_buf *b, const nitro_field *f);
/* CREATE INDEX for each field marked index and each reference (has-many
 * lookups and parent deletes), unless unique or the id. */
void nitro__index_ddl(nitro_buf *b, const nitro_schema *s, const struct nitro__schema_rt *rt);
/* pre, text with % _ and \ escaped (for ESCAPE '\'), post into out: 0,
 * NITRO_ELIMIT past NITRO__LIKE_MAX, or out's error. */
int nitro__like_escape(const char *text, const char *pre, const char *post, nitro_buf *out);
/* " ORDER BY" the keys o[0..n-1] (checked against s), then ties by the id
 * field idf, the way the last key goes. */
void nitro__order_by(const struct nitro__sql_dialect *d, const nitro_schema *s,
    const struct nitro__schema_rt *rt, const nitro_field *idf, const nitro_order *o,
    size_t n, nitro_buf *sql);

#endif
