/*
 * Validation: every constraint of every field, one message per failing
 * field, worded to sit next to a form field ("must be at most 5").
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "nitro/core.h"
#include "core/error.h"
#include "core/repo.h"
#include "core/utf8.h"

#define CMEMBER(obj, f) ((const char *)(obj) + (f)->offset)

/* Characters in valid UTF-8, or -1 when s is not valid UTF-8. */
static long utf8_len(const unsigned char *s)
{
	long n = 0;
	size_t len;
	unsigned cp;

	/* At most 4 bytes are read, none past the NUL (not a continuation). */
	for (; *s; s += len, n++)
		if ((len = nitro__utf8_char((const char *)s, 4, &cp)) == 0)
			return -1;
	return n;
}

/* Is v one of "a|b|c"? */
static int one_of(const char *list, const char *v)
{
	size_t vl = strlen(v);

	for (const char *p = list;;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);

		if (n == vl && memcmp(p, v, n) == 0)
			return 1;
		if (bar == NULL)
			return 0;
		p = bar + 1;
	}
}

/* The errors of a validation whose caller passed none: a save's, kept
 * per thread so that the save can report every field, not a summary. */
static _Thread_local nitro_verrors last;

const nitro_verrors *nitro_verrors_last(void)
{
	return &last;
}

/* Record that f failed check; the field's own message, when it declares
 * one (NITRO_F_MSG), replaces the default made from fmt. */
int nitro__verr_add(nitro_verrors *e, const nitro_field *f, enum nitro_vcheck check,
    const char *fmt, ...)
{
	va_list ap;

	if (e->n >= NITRO_MAX_FIELDS)
		return 1;
	e->e[e->n].field = f->name;
	if (f->msg[check] != NULL) {
		snprintf(e->e[e->n].msg, sizeof e->e[e->n].msg, "%s", f->msg[check]);
	} else {
		va_start(ap, fmt);
		vsnprintf(e->e[e->n].msg, sizeof e->e[e->n].msg, fmt, ap);
		va_end(ap);
	}
	e->n++;
	return 1;
}

/* Does validation look at field f?  Not at ids, nor computed fields. */
static int validated(const nitro_field *f)
{
	return f->type != NITRO_T_COMPUTED && !f->id;
}

static void range(nitro_verrors *e, const nitro_field *f, double v)
{
	if (f->has_min && v < f->min)
		nitro__verr_add(e, f, NITRO_V_MIN, "must be at least %g", f->min);
	else if (f->has_max && v > f->max)
		nitro__verr_add(e, f, NITRO_V_MAX, "must be at most %g", f->max);
}

static void text_checks(nitro_verrors *e, const struct nitro__schema_rt *rt,
    int i, const char *v)
{
	const nitro_field *f = &rt->f[i];
	long len = utf8_len((const unsigned char *)v);

	if (f->required && *v == '\0') {
		nitro__verr_add(e, f, NITRO_V_REQUIRED, "is required");
	} else if (len < 0) {
		nitro__verr_add(e, f, NITRO_V_UTF8, "is not valid UTF-8");
	} else if (f->min_len && (size_t)len < f->min_len) {
		nitro__verr_add(e, f, NITRO_V_MINLEN, "must be at least %zu characters", f->min_len);
	} else if (f->max_len && (size_t)len > f->max_len) {
		nitro__verr_add(e, f, NITRO_V_MAXLEN, "must be at most %zu characters", f->max_len);
	} else if (rt->has_re[i] && regexec(&rt->re[i], v, 0, NULL, 0) != 0) {
		nitro__verr_add(e, f, NITRO_V_PATTERN, "has the wrong format");
	} else if (f->one_of && !one_of(f->one_of, v)) {
		char list[100];
		size_t n = 0;

		/* "a|b|c" reads better as "a, b, c". */
		for (const char *p = f->one_of; *p && n + 3 < sizeof list; p++) {
			if (*p == '|') {
				list[n++] = ',';
				list[n++] = ' ';
			} else {
				list[n++] = *p;
			}
		}
		list[n] = '\0';
		nitro__verr_add(e, f, NITRO_V_ONE_OF, "must be one of: %s", list);
	}
}

int nitro_entity_validate(const nitro_schema *s, const void *obj, nitro_verrors *errs)
{
	struct nitro__schema_rt *rt = nitro__schema(s);
	nitro_buf msg;
	char mem[512];

	if (rt == NULL)
		return nitro__errcode();
	if (errs == NULL)
		errs = &last;
	errs->n = 0;
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];
		const char *m = CMEMBER(obj, f);

		if (!validated(f))
			continue;	/* ids are the repository's business */
		if (nitro__is_null(rt, obj, (int)i)) {
			if (f->required)
				nitro__verr_add(errs, f, NITRO_V_REQUIRED, "is required");
			continue;
		}
		switch (f->type) {
		case NITRO_T_TEXT:
			text_checks(errs, rt, (int)i, *(char *const *)m);
			break;
		case NITRO_T_INT:
		case NITRO_T_TIME:
			range(errs, f, (double)*(const int64_t *)m);
			break;
		case NITRO_T_REAL:
			if (!isfinite(*(const double *)m))
				nitro__verr_add(errs, f, NITRO_V_FINITE, "must be a finite number");
			else
				range(errs, f, *(const double *)m);
			break;
		case NITRO_T_BLOB:
			if (f->max_len && ((const nitro_blob *)m)->len > f->max_len)
				nitro__verr_add(errs, f, NITRO_V_MAXLEN, "must be at most %zu bytes", f->max_len);
			break;
		}
	}
	if (errs->n == 0)
		return 0;
	nitro_buf_init_on(&msg, mem, sizeof mem, sizeof mem - 1);
	for (size_t i = 0; i < errs->n; i++)
		nitro_buf_printf(&msg, "%s%s %s", i ? "; " : "", errs->e[i].field,
		    errs->e[i].msg);
	nitro_error(NITRO_EVALIDATE, "%s: %s", s->name, msg.data);
	nitro_buf_free(&msg);
	return NITRO_EVALIDATE;
}

int nitro_verrors_patch(const nitro_schema *s, const nitro_verrors *errs,
    struct json_object **out)
{
	struct nitro__schema_rt *rt = nitro__schema(s);
	struct json_object *o;

	if (rt == NULL)
		return nitro__errcode();
	if ((o = json_object_new_object()) == NULL)
		return nitro__oom(NULL);
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];
		const char *m = "";
		struct json_object *v;

		if (!validated(f))
			continue;
		for (size_t k = 0; errs && k < errs->n; k++)
			if (strcmp(errs->e[k].field, f->name) == 0)
				m = errs->e[k].msg;
		v = json_object_new_string(m);
		if (v == NULL || json_object_object_add(o, f->name, v) != 0) {
			json_object_put(v);
			json_object_put(o);
			return nitro__oom(NULL);
		}
	}
	*out = o;
	return 0;
}

int nitro_verrors_to_json(const nitro_verrors *errs, struct json_object **out)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return nitro__oom(NULL);
	for (size_t i = 0; errs && i < errs->n; i++) {
		struct json_object *v = json_object_new_string(errs->e[i].msg);

		if (v == NULL || json_object_object_add(o, errs->e[i].field, v) != 0) {
			json_object_put(v);
			json_object_put(o);
			return nitro__oom(NULL);
		}
	}
	*out = o;
	return 0;
}
