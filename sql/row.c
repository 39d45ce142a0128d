/*
 * Records in and out of statements: binding a record's fields and query
 * values, reading a result row into a struct.  Each row costs the copies
 * the API promises (text, JSON, blobs owned by the struct) and nothing
 * else; rows arrays grow by doubling.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "sql/internal.h"

#define MEMBER(obj, f) ((char *)(obj) + (f)->offset)
#define CMEMBER(obj, f) ((const char *)(obj) + (f)->offset)

int nitro__sql_bind_value(sqlite3_stmt *st, int i, const nitro_value *v)
{
	switch (v->type) {
	case NITRO_T_INT:
	case NITRO_T_BOOL:
	case NITRO_T_TIME:
		return sqlite3_bind_int64(st, i, v->i);
	case NITRO_T_REAL:
		return sqlite3_bind_double(st, i, v->r);
	case NITRO_T_TEXT:
		if (v->s)
			return sqlite3_bind_text(st, i, v->s, -1, SQLITE_STATIC);
	}
	return sqlite3_bind_null(st, i);
}

int nitro__sql_bind_id(sqlite3_stmt *st, int i, const struct sqlstore *ss, nitro_id id)
{
	if (!ss->idf->uuid)
		return sqlite3_bind_int64(st, i, id.num) == SQLITE_OK ? 0 :
		    nitro__oom(NULL);
	if (id.text == NULL)
		return nitro_error(NITRO_EINVAL, "%s: a text id is required", ss->s->name);
	return sqlite3_bind_text(st, i, id.text, -1, SQLITE_STATIC) == SQLITE_OK ? 0 :
	    nitro__oom(NULL);
}

int nitro__sql_bind_field(sqlite3_stmt *st, int i, const struct sqlstore *ss,
    const void *obj, int field)
{
	const nitro_field *f = &ss->rt->f[field];
	const char *m = CMEMBER(obj, f);

	if (nitro__is_null(ss->rt, obj, field))
		return sqlite3_bind_null(st, i);
	switch (f->type) {
	case NITRO_T_INT:
	case NITRO_T_TIME:
		return sqlite3_bind_int64(st, i, *(const int64_t *)m);
	case NITRO_T_BOOL:
		return sqlite3_bind_int(st, i, *(const _Bool *)m);
	case NITRO_T_REAL:
		return sqlite3_bind_double(st, i, *(const double *)m);
	case NITRO_T_TEXT:
		return sqlite3_bind_text(st, i, *(char *const *)m, -1, SQLITE_STATIC);
	case NITRO_T_JSON:
		/* The text lives in the object until it is printed again. */
		return sqlite3_bind_text(st, i, json_object_to_json_string_ext(
		    *(struct json_object *const *)m, JSON_C_TO_STRING_PLAIN), -1,
		    SQLITE_STATIC);
	case NITRO_T_BLOB: {
		const nitro_blob *b = (const nitro_blob *)m;

		return sqlite3_bind_blob64(st, i, b->data, b->len, SQLITE_STATIC);
	}
	}
	return sqlite3_bind_null(st, i);
}

static int read_col(sqlite3_stmt *st, int k, const struct sqlstore *ss, void *obj, int i)
{
	const nitro_field *f = &ss->rt->f[i];
	char *m = MEMBER(obj, f);
	const unsigned char *p;
	int n;

	if (sqlite3_column_type(st, k) == SQLITE_NULL) {
		if (f->type != NITRO_T_TEXT && f->type != NITRO_T_JSON &&
		    f->type != NITRO_T_BLOB)
			*(uint64_t *)obj |= (uint64_t)1 << i;
		return 0;
	}
	switch (f->type) {
	case NITRO_T_INT:
	case NITRO_T_TIME:
		*(int64_t *)m = sqlite3_column_int64(st, k);
		return 0;
	case NITRO_T_BOOL:
		*(_Bool *)m = sqlite3_column_int64(st, k) != 0;
		return 0;
	case NITRO_T_REAL:
		*(double *)m = sqlite3_column_double(st, k);
		return 0;
	case NITRO_T_TEXT:
		p = sqlite3_column_text(st, k);
		n = sqlite3_column_bytes(st, k);
		if (p == NULL || (*(char **)m = malloc((size_t)n + 1)) == NULL)
			return nitro__oom(NULL);
		memcpy(*(char **)m, p, (size_t)n + 1);
		return 0;
	case NITRO_T_JSON:
		p = sqlite3_column_text(st, k);
		n = sqlite3_column_bytes(st, k);
		if (p == NULL)
			return nitro__oom(NULL);
		{
			struct json_tokener *tok = json_tokener_new();
			struct json_object *j = NULL;

			if (tok == NULL)
				return nitro__oom(NULL);
			j = json_tokener_parse_ex(tok, (const char *)p, n);
			if (j == NULL || tok->char_offset != n) {
				json_object_put(j);
				json_tokener_free(tok);
				return nitro_error(NITRO_EPARSE, "%s.%s: the stored JSON is not valid",
				    ss->s->name, f->name);
			}
			json_tokener_free(tok);
			*(struct json_object **)m = j;
		}
		return 0;
	case NITRO_T_BLOB: {
		nitro_blob *b = (nitro_blob *)m;

		n = sqlite3_column_bytes(st, k);
		p = sqlite3_column_blob(st, k);
		if ((b->data = malloc(n ? (size_t)n : 1)) == NULL)
			return nitro__oom(NULL);
		if (n)
			memcpy(b->data, p, (size_t)n);
		b->len = (size_t)n;
		return 0;
	}
	}
	return 0;
}

int nitro__sql_read_row(sqlite3_stmt *st, const struct sqlstore *ss, void *obj)
{
	int rc;

	for (int k = 0; k < ss->ncols; k++) {
		if ((rc = read_col(st, k, ss, obj, ss->col[k])) < 0) {
			nitro_entity_clear(ss->s, obj);
			return rc;
		}
	}
	return 0;
}

int nitro__sql_collect(sqlite3_stmt *st, struct sqlstore *ss, size_t hint, nitro_rows *out)
{
	size_t cap = 0, size = ss->s->size;
	int rc;

	out->items = NULL;
	out->n = 0;
	out->schema = ss->s;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			/* A small LIMIT is the size: one allocation for the rows. */
			size_t ncap = cap ? cap * 2 : hint && hint <= 256 ? hint : 16;
			void *grown;

			if (ncap > SIZE_MAX / size ||
			    (grown = realloc(out->items, ncap * size)) == NULL) {
				rc = nitro__oom(NULL);
				goto fail;
			}
			out->items = grown;
			cap = ncap;
		}
		{
			void *obj = (char *)out->items + out->n * size;

			memset(obj, 0, size);
			if ((rc = nitro__sql_read_row(st, ss, obj)) < 0)
				goto fail;
		}
		out->n++;
	}
	if (rc != SQLITE_DONE) {
		rc = nitro__sql_error(sqlite3_db_handle(st), rc, ss->s->name);
		goto fail;
	}
	sqlite3_reset(st);
	return 0;
fail:
	sqlite3_reset(st);
	nitro_rows_free(out);
	return rc;
}
