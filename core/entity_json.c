/*
 * Entities to and from JSON (json-c).  Secret fields are never written;
 * computed fields are written from their callback and never read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "nitro/core.h"
#include "core/error.h"
#include "core/repo.h"

#define MEMBER(obj, f) ((char *)(obj) + (f)->offset)
#define CMEMBER(obj, f) ((const char *)(obj) + (f)->offset)

static struct json_object *field_json(const struct nitro__schema_rt *rt,
    const void *obj, int i, int *err)
{
	const nitro_field *f = &rt->f[i];
	const char *m = CMEMBER(obj, f);
	char ts[NITRO_TIME_LEN];
	struct json_object *j = NULL;

	*err = 0;
	if (f->type == NITRO_T_COMPUTED)
		return f->compute(obj);
	if (nitro__is_null(rt, obj, i))
		return NULL;
	switch (f->type) {
	case NITRO_T_INT:
		j = json_object_new_int64(*(const int64_t *)m);
		break;
	case NITRO_T_REAL:
		j = json_object_new_double(*(const double *)m);
		break;
	case NITRO_T_BOOL:
		j = json_object_new_boolean(*(const _Bool *)m);
		break;
	case NITRO_T_TEXT:
		j = json_object_new_string(*(char *const *)m);
		break;
	case NITRO_T_TIME:
		if (nitro_time_format(*(const int64_t *)m, ts) < 0) {
			*err = NITRO_EINVAL;
			return NULL;
		}
		j = json_object_new_string(ts);
		break;
	case NITRO_T_JSON:
		return json_object_get(*(struct json_object *const *)m);
	case NITRO_T_BLOB: {
		const nitro_blob *b = (const nitro_blob *)m;
		nitro_buf buf = NITRO_BUF_INIT;

		if (nitro__b64_encode(b->data, b->len, &buf) == 0)
			j = json_object_new_string_len(buf.data ? buf.data : "",
			    (int)buf.len);
		nitro_buf_free(&buf);
		break;
	}
	}
	if (j == NULL)
		*err = NITRO_ENOMEM;
	return j;
}

int nitro_entity_to_json(const nitro_schema *s, const void *obj, struct json_object **out)
{
	struct nitro__schema_rt *rt = nitro__schema(s);
	struct json_object *o;
	int err;

	if (rt == NULL)
		return nitro__errcode();
	if ((o = json_object_new_object()) == NULL)
		return nitro__oom(NULL);
	for (size_t i = 0; i < rt->n; i++) {
		struct json_object *v;

		if (rt->f[i].secret)
			continue;
		v = field_json(rt, obj, (int)i, &err);
		if (err || json_object_object_add(o, rt->f[i].name, v) != 0) {
			json_object_put(v);
			json_object_put(o);
			return err == NITRO_EINVAL ? nitro_error(err, "%s.%s: time out of range",
			    s->name, rt->f[i].name) : nitro__oom(NULL);
		}
	}
	*out = o;
	return 0;
}

static int bad(nitro_verrors *e, const nitro_field *f, const char *what)
{
	if (e->n < NITRO_MAX_FIELDS) {
		e->e[e->n].field = f->name;
		snprintf(e->e[e->n].msg, sizeof e->e[e->n].msg, "must be %s", what);
		e->n++;
	}
	return 0;
}

/* Set field i of obj from JSON value v (not null). */
static int field_set(const struct nitro__schema_rt *rt, void *obj, int i,
    struct json_object *v, nitro_verrors *e)
{
	const nitro_field *f = &rt->f[i];
	char *m = MEMBER(obj, f);
	enum json_type t = json_object_get_type(v);

	switch (f->type) {
	case NITRO_T_INT:
		if (t != json_type_int)
			return bad(e, f, "an integer");
		/* json-c clamps values past int64 silently: a clamped value
		 * reads as INT64_MAX with a larger unsigned form, or as
		 * INT64_MIN, which is refused too. */
		*(int64_t *)m = json_object_get_int64(v);
		if ((*(int64_t *)m == INT64_MAX &&
		    json_object_get_uint64(v) > (uint64_t)INT64_MAX) ||
		    *(int64_t *)m == INT64_MIN)
			return bad(e, f, "an integer in range");
		return 0;
	case NITRO_T_REAL:
		if (t != json_type_double && t != json_type_int)
			return bad(e, f, "a number");
		*(double *)m = json_object_get_double(v);
		return 0;
	case NITRO_T_BOOL:
		if (t != json_type_boolean)
			return bad(e, f, "true or false");
		*(_Bool *)m = json_object_get_boolean(v);
		return 0;
	case NITRO_T_TEXT: {
		const char *str;
		int len;

		if (t != json_type_string)
			return bad(e, f, "a string");
		str = json_object_get_string(v);
		len = json_object_get_string_len(v);
		if (memchr(str, '\0', (size_t)len) != NULL)
			return bad(e, f, "a string without NUL bytes");
		if ((*(char **)m = strdup(str)) == NULL)
			return nitro__oom(NULL);
		return 0;
	}
	case NITRO_T_TIME:
		if (t != json_type_string ||
		    nitro_time_parse(json_object_get_string(v), (int64_t *)m) < 0)
			return bad(e, f, "an ISO 8601 time");
		return 0;
	case NITRO_T_JSON:
		*(struct json_object **)m = json_object_get(v);
		return 0;
	case NITRO_T_BLOB:
		if (t != json_type_string ||
		    nitro__b64_decode(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), (nitro_blob *)m) < 0)
			return bad(e, f, "base64 text");
		return 0;
	}
	return 0;
}

int nitro_entity_from_json(const nitro_schema *s, struct json_object *in, void *out,
    nitro_verrors *errs)
{
	struct nitro__schema_rt *rt = nitro__schema(s);
	nitro_verrors local;
	int rc;

	if (rt == NULL)
		return nitro__errcode();
	if (errs == NULL)
		errs = &local;
	errs->n = 0;
	if (!json_object_is_type(in, json_type_object))
		return nitro_error(NITRO_EPARSE, "%s: JSON must be an object", s->name);
	if ((rc = nitro_entity_init(s, out)) < 0)
		return rc;
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];
		struct json_object *v;
		int ptr;

		if (f->type == NITRO_T_COMPUTED)
			continue;
		if (!json_object_object_get_ex(in, f->name, &v)) {
			/* A required scalar the input left out is missing, not
			 * zero: mark it NULL so that validation says so. */
			if (f->required && f->def == NULL && !f->id)
				nitro_entity_set_null(s, out, f->name, 1);
			continue;
		}
		/* A key replaces the default; JSON null is SQL NULL. */
		ptr = f->type == NITRO_T_TEXT || f->type == NITRO_T_JSON ||
		    f->type == NITRO_T_BLOB;
		if (ptr || v == NULL)
			nitro_entity_set_null(s, out, f->name, 1);
		if (v == NULL)
			continue;
		if (!ptr)
			nitro_entity_set_null(s, out, f->name, 0);
		if ((rc = field_set(rt, out, (int)i, v, errs)) < 0) {
			nitro_entity_clear(s, out);
			return rc;
		}
	}
	if (errs->n > 0) {
		nitro_error(NITRO_EPARSE, "%s.%s %s", s->name, errs->e[0].field,
		    errs->e[0].msg);
		nitro_entity_clear(s, out);
		return NITRO_EPARSE;
	}
	return 0;
}
