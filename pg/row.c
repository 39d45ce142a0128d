/*
 * Records in and out of statements: a record's fields and query values
 * as parameters (text, numbers printed in place; blobs binary), result
 * rows (text format) read into structs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "pg/internal.h"

#define MEMBER(obj, f) ((char *)(obj) + (f)->offset)
#define CMEMBER(obj, f) ((const char *)(obj) + (f)->offset)

void nitro__pg_params_reset(struct pgparams *p)
{
	for (int i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	p->nowned = 0;
	p->n = 0;
}

static int slot(struct pgparams *p)
{
	if (p->n >= PG_PARAMS_MAX)
		return nitro_error(NITRO_ELIMIT, "more than %d values in one statement",
		    PG_PARAMS_MAX);
	p->len[p->n] = 0;
	p->fmt[p->n] = 0;
	return p->n++;
}

int nitro__pg_param_text(struct pgparams *p, const char *s)
{
	int i = slot(p);

	if (i < 0)
		return i;
	p->v[i] = s;
	return 0;
}

/* Take ownership of s (freed by nitro__pg_params_reset). */
static int param_owned(struct pgparams *p, char *s)
{
	int rc;

	if (s == NULL)
		return nitro__oom(NULL);
	if ((rc = nitro__pg_param_text(p, s)) < 0) {
		free(s);
		return rc;
	}
	p->owned[p->nowned++] = s;
	return 0;
}

int nitro__pg_param_int(struct pgparams *p, int64_t v)
{
	int i = slot(p);

	if (i < 0)
		return i;
	snprintf(p->num[i], sizeof p->num[i], "%" PRId64, v);
	p->v[i] = p->num[i];
	return 0;
}

static int param_real(struct pgparams *p, double r)
{
	int i = slot(p);

	if (i < 0)
		return i;
	snprintf(p->num[i], sizeof p->num[i], "%.17g", r);
	p->v[i] = p->num[i];
	return 0;
}

static int param_bool(struct pgparams *p, int b)
{
	return nitro__pg_param_text(p, b ? "t" : "f");
}

/* A condition's value for field f: typed as the column is. */
int nitro__pg_param_value(struct pgparams *p, const nitro_field *f, const nitro_value *v)
{
	switch (v->type) {
	case NITRO_T_INT:
	case NITRO_T_BOOL:
	case NITRO_T_TIME:
		if (f && f->type == NITRO_T_BOOL)
			return param_bool(p, v->i != 0);
		if (f && f->type == NITRO_T_REAL)
			return param_real(p, (double)v->i);
		return nitro__pg_param_int(p, v->i);
	case NITRO_T_REAL:
		return param_real(p, v->r);
	case NITRO_T_TEXT:
		return nitro__pg_param_text(p, v->s);
	}
	return nitro__pg_param_text(p, NULL);
}

int nitro__pg_param_id(struct pgparams *p, const struct pgstore *ps, nitro_id id)
{
	if (!ps->idf->uuid)
		return nitro__pg_param_int(p, id.num);
	if (id.text == NULL)
		return nitro_error(NITRO_EINVAL, "%s: a text id is required", ps->s->name);
	return nitro__pg_param_text(p, id.text);
}

int nitro__pg_param_field(struct pgparams *p, const struct pgstore *ps, const void *obj,
    int field)
{
	const nitro_field *f = &ps->rt->f[field];
	const char *m = CMEMBER(obj, f);
	int i;

	if (nitro__is_null(ps->rt, obj, field))
		return nitro__pg_param_text(p, NULL);
	switch (f->type) {
	case NITRO_T_INT:
	case NITRO_T_TIME:
		return nitro__pg_param_int(p, *(const int64_t *)m);
	case NITRO_T_BOOL:
		return param_bool(p, *(const _Bool *)m);
	case NITRO_T_REAL:
		return param_real(p, *(const double *)m);
	case NITRO_T_TEXT:
		return nitro__pg_param_text(p, *(char *const *)m);
	case NITRO_T_JSON:
		if (*(struct json_object *const *)m == NULL)
			return nitro__pg_param_text(p, NULL);
		/* The text lives in the object until it is printed again. */
		return nitro__pg_param_text(p, json_object_to_json_string_ext(
		    *(struct json_object *const *)m, JSON_C_TO_STRING_PLAIN));
	case NITRO_T_BLOB: {
		const nitro_blob *b = (const nitro_blob *)m;

		if (b->data == NULL)
			return nitro__pg_param_text(p, NULL);
		if (b->len > INT32_MAX)
			return nitro_error(NITRO_ELIMIT, "%s.%s: a blob of at most 2 GiB",
			    ps->s->name, f->name);
		if ((i = slot(p)) < 0)
			return i;
		p->v[i] = (const char *)b->data;
		p->len[i] = (int)b->len;
		p->fmt[i] = 1;
		return 0;
	}
	}
	return nitro__pg_param_text(p, NULL);
}

/* An escaped LIKE pattern for text: pre + text (% _ \ escaped) + post. */
int nitro__pg_param_like(struct pgparams *p, const char *text, const char *pre,
    const char *post)
{
	nitro_buf b = NITRO_BUF_INIT;
	int rc;

	if ((rc = nitro__like_escape(text, pre, post, &b)) < 0) {
		nitro_buf_free(&b);
		return b.err ? nitro__oom(NULL) : rc;
	}
	return param_owned(p, nitro_buf_steal(&b, NULL));
}

static int parse_int(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno || *end ? NITRO_EPARSE : 0;
}

static int read_col(const PGresult *res, int row, int k, const struct pgstore *ps,
    void *obj, int i)
{
	const nitro_field *f = &ps->rt->f[i];
	char *m = MEMBER(obj, f);
	const char *p;
	int n;

	if (PQgetisnull(res, row, k)) {
		if (f->type != NITRO_T_TEXT && f->type != NITRO_T_JSON &&
		    f->type != NITRO_T_BLOB)
			*(uint64_t *)obj |= (uint64_t)1 << i;
		return 0;
	}
	p = PQgetvalue(res, row, k);
	n = PQgetlength(res, row, k);
	switch (f->type) {
	case NITRO_T_INT:
	case NITRO_T_TIME:
		if (parse_int(p, (int64_t *)(void *)m) < 0)
			goto bad;
		return 0;
	case NITRO_T_BOOL:
		*(_Bool *)m = p[0] == 't';
		return 0;
	case NITRO_T_REAL:
		*(double *)m = strtod(p, NULL);
		return 0;
	case NITRO_T_TEXT:
		if ((*(char **)m = malloc((size_t)n + 1)) == NULL)
			return nitro__oom(NULL);
		memcpy(*(char **)m, p, (size_t)n + 1);
		return 0;
	case NITRO_T_JSON: {
		struct json_tokener *tok = json_tokener_new();
		struct json_object *j;

		if (tok == NULL)
			return nitro__oom(NULL);
		j = json_tokener_parse_ex(tok, p, n);
		if (j == NULL || tok->char_offset != n) {
			json_object_put(j);
			json_tokener_free(tok);
			goto bad;
		}
		json_tokener_free(tok);
		*(struct json_object **)m = j;
		return 0;
	}
	case NITRO_T_BLOB: {
		nitro_blob *b = (nitro_blob *)m;
		size_t len;
		unsigned char *raw = PQunescapeBytea((const unsigned char *)p, &len);

		if (raw == NULL)
			return nitro__oom(NULL);
		if ((b->data = malloc(len ? len : 1)) == NULL) {
			PQfreemem(raw);
			return nitro__oom(NULL);
		}
		memcpy(b->data, raw, len);
		b->len = len;
		PQfreemem(raw);
		return 0;
	}
	}
	return 0;
bad:
	return nitro_error(NITRO_EPARSE, "%s.%s: the stored value is not valid", ps->s->name,
	    f->name);
}

int nitro__pg_read_row(const PGresult *res, int row, const struct pgstore *ps, void *obj)
{
	int rc;

	for (int k = 0; k < ps->ncols; k++) {
		if ((rc = read_col(res, row, k, ps, obj, ps->col[k])) < 0) {
			nitro_entity_clear(ps->s, obj);
			return rc;
		}
	}
	return 0;
}

int nitro__pg_collect(const PGresult *res, const struct pgstore *ps, nitro_rows *out)
{
	size_t n = (size_t)PQntuples(res), size = ps->s->size;
	int rc;

	out->items = NULL;
	out->n = 0;
	out->schema = ps->s;
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / size || (out->items = calloc(n, size)) == NULL)
		return nitro__oom(NULL);
	for (size_t i = 0; i < n; i++) {
		if ((rc = nitro__pg_read_row(res, (int)i, ps, (char *)out->items + i * size)) < 0) {
			nitro_rows_free(out);
			return rc;
		}
		out->n++;
	}
	return 0;
}
