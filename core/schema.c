/*
 * Schemas: checking a declaration once, and the per-struct basics every
 * other entity file builds on (NULL bits, defaults, clear, deep copy).
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "nitro/core.h"
#include "core/error.h"
#include "core/repo.h"

static pthread_mutex_t schema_mu = PTHREAD_MUTEX_INITIALIZER;

#define MEMBER(obj, f) ((char *)(obj) + (f)->offset)
#define CMEMBER(obj, f) ((const char *)(obj) + (f)->offset)

int nitro__is_null(const struct nitro__schema_rt *rt, const void *obj, int i)
{
	const nitro_field *f = &rt->f[i];

	switch (f->type) {
	case NITRO_T_TEXT:
		return *(char *const *)CMEMBER(obj, f) == NULL;
	case NITRO_T_JSON:
		return *(struct json_object *const *)CMEMBER(obj, f) == NULL;
	case NITRO_T_BLOB:
		return ((const nitro_blob *)CMEMBER(obj, f))->data == NULL;
	case NITRO_T_COMPUTED:
		return 0;
	default:
		return (*(const uint64_t *)obj >> i) & 1;
	}
}

int nitro__name_listed(const char *const *list, const char *name)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

/* Parse the text form of a scalar (a default, a filter value). */
static int value_parse(const nitro_field *f, const char *text, nitro_value *v)
{
	char *end;

	memset(v, 0, sizeof *v);
	errno = 0;
	switch (f->type) {
	case NITRO_T_INT:
		v->type = NITRO_T_INT;
		v->i = strtoll(text, &end, 10);
		if (errno || end == text || *end != '\0')
			return nitro_error(NITRO_EPARSE, "%s: \"%s\" is not an integer",
			    f->name, text);
		return 0;
	case NITRO_T_REAL:
		v->type = NITRO_T_REAL;
		v->r = strtod(text, &end);
		if (errno || end == text || *end != '\0' || !isfinite(v->r))
			return nitro_error(NITRO_EPARSE, "%s: \"%s\" is not a number",
			    f->name, text);
		return 0;
	case NITRO_T_BOOL:
		v->type = NITRO_T_BOOL;
		if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0 ||
		    strcmp(text, "on") == 0)
			v->i = 1;
		else if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0 ||
		    strcmp(text, "off") == 0)
			v->i = 0;
		else
			return nitro_error(NITRO_EPARSE, "%s: \"%s\" is not a boolean",
			    f->name, text);
		return 0;
	case NITRO_T_TIME:
		v->type = NITRO_T_TIME;
		if (nitro_time_parse(text, &v->i) < 0)
			return nitro_error(NITRO_EPARSE, "%s: \"%s\" is not an ISO 8601 time",
			    f->name, text);
		return 0;
	case NITRO_T_TEXT:
		v->type = NITRO_T_TEXT;
		v->s = text;
		return 0;
	}
	return nitro_error(NITRO_EINVAL, "%s: no text form for this type", f->name);
}

int nitro__value_parse(const nitro_field *f, const char *text, nitro_value *v)
{
	return value_parse(f, text, v);
}

/* Store a default into obj. */
static int set_default(const struct nitro__schema_rt *rt, void *obj, int i)
{
	const nitro_field *f = &rt->f[i];
	nitro_value v;
	int rc;

	switch (f->type) {
	case NITRO_T_TEXT:
		if ((*(char **)MEMBER(obj, f) = strdup(f->def)) == NULL)
			return nitro__oom(NULL);
		return 0;
	case NITRO_T_JSON:
		if ((*(struct json_object **)MEMBER(obj, f) =
		    json_tokener_parse(f->def)) == NULL)
			return nitro_error(NITRO_EPARSE, "%s: default is not JSON", f->name);
		return 0;
	case NITRO_T_BLOB:
	case NITRO_T_COMPUTED:
		return nitro_error(NITRO_EINVAL, "%s: this type takes no default", f->name);
	}
	if ((rc = value_parse(f, f->def, &v)) < 0)
		return rc;
	switch (f->type) {
	case NITRO_T_INT:
	case NITRO_T_TIME:
		*(int64_t *)MEMBER(obj, f) = v.i;
		break;
	case NITRO_T_REAL:
		*(double *)MEMBER(obj, f) = v.r;
		break;
	case NITRO_T_BOOL:
		*(_Bool *)MEMBER(obj, f) = v.i != 0;
		break;
	}
	return 0;
}

/* Free what a record owns (text, JSON, blobs), leaving the pointers. */
static void free_members(const struct nitro__schema_rt *rt, void *obj)
{
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];

		if (f->type == NITRO_T_TEXT)
			free(*(char **)MEMBER(obj, f));
		else if (f->type == NITRO_T_JSON)
			json_object_put(*(struct json_object **)MEMBER(obj, f));
		else if (f->type == NITRO_T_BLOB)
			free(((nitro_blob *)MEMBER(obj, f))->data);
	}
}

static int check_schema(const nitro_schema *s, struct nitro__schema_rt *rt)
{
	int ids = 0;

	if (s->name == NULL || strlen(s->name) == 0 || strlen(s->name) > 60)
		return nitro_error(NITRO_EINVAL, "schema: name must be 1 to 60 bytes");
	if (rt->n == 0 || rt->n > NITRO_MAX_FIELDS)
		return nitro_error(NITRO_EINVAL, "%s: 1 to %d fields", s->name,
		    NITRO_MAX_FIELDS);
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];

		for (size_t j = 0; j < i; j++)
			if (strcmp(rt->f[j].name, f->name) == 0)
				return nitro_error(NITRO_EINVAL, "%s.%s: declared twice",
				    s->name, f->name);
		if (f->id) {
			ids++;
			rt->id = (int)i;
			if (f->uuid ? f->type != NITRO_T_TEXT : f->type != NITRO_T_INT)
				return nitro_error(NITRO_EINVAL,
				    "%s.%s: an id is INT, or TEXT with NITRO_F_UUID",
				    s->name, f->name);
		}
		if (f->type == NITRO_T_COMPUTED && f->compute == NULL)
			return nitro_error(NITRO_EINVAL, "%s.%s: COMPUTED needs NITRO_F_COMPUTED(fn)",
			    s->name, f->name);
		if ((f->pattern || f->one_of) && f->type != NITRO_T_TEXT)
			return nitro_error(NITRO_EINVAL, "%s.%s: pattern and one-of are for TEXT",
			    s->name, f->name);
		if (f->pattern) {
			int rc = regcomp(&rt->re[i], f->pattern, REG_EXTENDED | REG_NOSUB);

			if (rc != 0)
				return nitro_error(NITRO_EINVAL, "%s.%s: bad pattern \"%s\"",
				    s->name, f->name, f->pattern);
			rt->has_re[i] = 1;
		}
	}
	if (ids != 1)
		return nitro_error(NITRO_EINVAL, "%s: exactly one field must be the id",
		    s->name);
	/* Every default must parse: try them on a scratch struct. */
	{
		void *tmp = calloc(1, s->size);
		int rc = 0;

		if (tmp == NULL)
			return nitro__oom(NULL);
		for (size_t i = 0; i < rt->n && rc == 0; i++)
			if (rt->f[i].def != NULL)
				rc = set_default(rt, tmp, (int)i);
		free_members(rt, tmp);
		free(tmp);
		if (rc == NITRO_ENOMEM)
			return rc;
		if (rc < 0) {
			char why[200];	/* nitro_errmsg() is the buffer being written */

			/* A default that does not parse makes the schema, the
			 * program's argument, invalid. */
			snprintf(why, sizeof why, "%s", nitro_errmsg());
			return nitro_error(NITRO_EINVAL, "%s: bad default: %s", s->name, why);
		}
	}
	return 0;
}

static void rt_free(struct nitro__schema_rt *rt)
{
	for (size_t i = 0; i < rt->n; i++)
		if (rt->has_re[i])
			regfree(&rt->re[i]);
	free(rt->re);
	free(rt->has_re);
	free(rt);
}

struct nitro__schema_rt *nitro__schema(const nitro_schema *s)
{
	struct nitro__schema_rt *rt;
	nitro_schema *ms = (nitro_schema *)s;	/* rt is a lazy cache */

	if (s == NULL) {
		nitro_error(NITRO_EINVAL, "no schema");
		return NULL;
	}
	rt = __atomic_load_n(&ms->rt, __ATOMIC_ACQUIRE);
	if (rt != NULL)
		return rt;
	pthread_mutex_lock(&schema_mu);
	if ((rt = ms->rt) != NULL)
		goto out;
	if ((rt = calloc(1, sizeof *rt)) == NULL ||
	    (rt->re = calloc(s->nfields + 1, sizeof *rt->re)) == NULL ||
	    (rt->has_re = calloc(s->nfields + 1, 1)) == NULL) {
		if (rt) {
			free(rt->re);
			free(rt);
		}
		rt = NULL;
		nitro__oom(NULL);
		goto out;
	}
	rt->f = s->fields();
	rt->n = s->nfields;
	if (check_schema(s, rt) < 0) {
		rt_free(rt);
		rt = NULL;
		goto out;
	}
	rt->bus = nitro_bus_default();
	snprintf(rt->ev_saving, sizeof rt->ev_saving, "%s.saving", s->name);
	snprintf(rt->ev_saved, sizeof rt->ev_saved, "%s.saved", s->name);
	snprintf(rt->ev_deleting, sizeof rt->ev_deleting, "%s.deleting", s->name);
	snprintf(rt->ev_deleted, sizeof rt->ev_deleted, "%s.deleted", s->name);
	__atomic_store_n(&ms->rt, rt, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&schema_mu);
	return rt;
}

int nitro__field_index(const nitro_schema *s, const char *name)
{
	struct nitro__schema_rt *rt = nitro__schema(s);

	if (rt == NULL)
		return nitro__errcode();
	if (name != NULL)
		for (size_t i = 0; i < rt->n; i++)
			if (strcmp(rt->f[i].name, name) == 0)
				return (int)i;
	return nitro_error(NITRO_EINVAL, "%s has no field \"%s\"", s->name,
	    name ? name : "(null)");
}

const nitro_field *nitro_entity_field(const nitro_schema *s, const char *name)
{
	int i = nitro__field_index(s, name);

	return i < 0 ? NULL : &s->rt->f[i];
}

void nitro_entity_clear(const nitro_schema *s, void *obj)
{
	struct nitro__schema_rt *rt = nitro__schema(s);

	if (rt == NULL || obj == NULL)
		return;
	free_members(rt, obj);
	memset(obj, 0, s->size);
}

int nitro_entity_init(const nitro_schema *s, void *obj)
{
	struct nitro__schema_rt *rt = nitro__schema(s);
	int rc;

	if (rt == NULL)
		return nitro__errcode();
	memset(obj, 0, s->size);
	for (size_t i = 0; i < rt->n; i++) {
		if (rt->f[i].def != NULL && (rc = set_default(rt, obj, (int)i)) < 0) {
			nitro_entity_clear(s, obj);
			return rc;
		}
	}
	return 0;
}

int nitro_entity_copy(const nitro_schema *s, void *dst, const void *src)
{
	struct nitro__schema_rt *rt = nitro__schema(s);

	if (rt == NULL)
		return nitro__errcode();
	memcpy(dst, src, s->size);
	/* Clear the owned pointers first so that a failure can clear dst. */
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];

		if (f->type == NITRO_T_TEXT)
			*(char **)MEMBER(dst, f) = NULL;
		else if (f->type == NITRO_T_JSON)
			*(struct json_object **)MEMBER(dst, f) = NULL;
		else if (f->type == NITRO_T_BLOB)
			memset(MEMBER(dst, f), 0, sizeof(nitro_blob));
	}
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];

		if (f->type == NITRO_T_TEXT) {
			const char *v = *(char *const *)CMEMBER(src, f);

			if (v && (*(char **)MEMBER(dst, f) = strdup(v)) == NULL)
				goto nomem;
		} else if (f->type == NITRO_T_JSON) {
			struct json_object *v = *(struct json_object *const *)CMEMBER(src, f);

			if (v && json_object_deep_copy(v,
			    (struct json_object **)MEMBER(dst, f), NULL) != 0)
				goto nomem;
		} else if (f->type == NITRO_T_BLOB) {
			const nitro_blob *v = (const nitro_blob *)CMEMBER(src, f);
			nitro_blob *d = (nitro_blob *)MEMBER(dst, f);

			if (v->data == NULL)
				continue;
			if ((d->data = malloc(v->len ? v->len : 1)) == NULL)
				goto nomem;
			memcpy(d->data, v->data, v->len);
			d->len = v->len;
		}
	}
	return 0;
nomem:
	nitro_entity_clear(s, dst);
	return nitro__oom(s->name);
}

int nitro_entity_set_null(const nitro_schema *s, void *obj, const char *field, int null)
{
	int i = nitro__field_index(s, field);
	const nitro_field *f;

	if (i < 0)
		return i;
	f = &s->rt->f[i];
	switch (f->type) {
	case NITRO_T_TEXT:
	case NITRO_T_JSON:
	case NITRO_T_BLOB:
		if (!null)
			return nitro_error(NITRO_EINVAL,
			    "%s: set a value to make it non-NULL", f->name);
		if (f->type == NITRO_T_TEXT) {
			free(*(char **)MEMBER(obj, f));
			*(char **)MEMBER(obj, f) = NULL;
		} else if (f->type == NITRO_T_JSON) {
			json_object_put(*(struct json_object **)MEMBER(obj, f));
			*(struct json_object **)MEMBER(obj, f) = NULL;
		} else {
			free(((nitro_blob *)MEMBER(obj, f))->data);
			memset(MEMBER(obj, f), 0, sizeof(nitro_blob));
		}
		return 0;
	case NITRO_T_COMPUTED:
		return nitro_error(NITRO_EINVAL, "%s: a computed field", f->name);
	}
	if (null)
		*(uint64_t *)obj |= (uint64_t)1 << i;
	else
		*(uint64_t *)obj &= ~((uint64_t)1 << i);
	return 0;
}

int nitro_entity_is_null(const nitro_schema *s, const void *obj, const char *field)
{
	int i = nitro__field_index(s, field);

	return i < 0 ? i : nitro__is_null(s->rt, obj, i);
}

void nitro_rows_free(nitro_rows *rows)
{
	if (rows == NULL)
		return;
	if (rows->schema != NULL && rows->items != NULL)
		for (size_t i = 0; i < rows->n; i++)
			nitro_entity_clear(rows->schema,
			    (char *)rows->items + i * rows->schema->size);
	free(rows->items);
	rows->items = NULL;
	rows->n = 0;
}
