/*
 * One field from its text form, as forms, query strings and Datastar
 * signals send it.  Stricter than a default's parser: this is network
 * input, so every kind is checked whole (no trailing bytes, no hex, no
 * "inf"), integers are overflow-checked digit by digit, and text of the
 * wrong kind becomes a message next to the field, never a silent zero.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "nitro/core.h"
#include "core/error.h"
#include "core/repo.h"

#define MEMBER(obj, f) ((char *)(obj) + (f)->offset)

/* Longest text a number, boolean or time may be: a browser sends far
 * less; anything longer is not one. */
#define SCALAR_TEXT_MAX 64
/* JSON nesting a JSON field's text may have. */
#define JSON_TEXT_DEPTH 32

/* The default NITRO_V_TYPE message for each type. */
static const char *const type_msg[] = {
	[NITRO_T_INT] = "must be a whole number",
	[NITRO_T_REAL] = "must be a number",
	[NITRO_T_BOOL] = "must be yes or no",
	[NITRO_T_TEXT] = "must be text",
	[NITRO_T_TIME] = "must be a date and time",
	[NITRO_T_JSON] = "must be JSON",
	[NITRO_T_BLOB] = "must be a file",
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* [+-]digits, within int64. */
static int parse_int(const char *p, const char *end, int64_t *out)
{
	int neg = 0;
	int64_t n = 0;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	if (p == end)
		return -1;
	for (; p < end; p++) {
		int d = *p - '0';

		if (d < 0 || d > 9)
			return -1;
		if (neg ? n < (INT64_MIN + d) / 10 : n > (INT64_MAX - d) / 10)
			return -1;
		n = n * 10 + (neg ? -d : d);
	}
	*out = n;
	return 0;
}

/* [+-](digits[.digits]|.digits)[(e|E)[+-]digits], finite. */
static int parse_real(const char *p, const char *end, double *out)
{
	char buf[SCALAR_TEXT_MAX + 1];
	const char *q = p;
	size_t mant = 0;
	char *stop;

	if (q < end && (*q == '-' || *q == '+'))
		q++;
	for (; q < end && *q >= '0' && *q <= '9'; q++)
		mant++;
	if (q < end && *q == '.')
		for (q++; q < end && *q >= '0' && *q <= '9'; q++)
			mant++;
	if (mant == 0)
		return -1;
	if (q < end && (*q == 'e' || *q == 'E')) {
		size_t exp = 0;

		if (++q < end && (*q == '-' || *q == '+'))
			q++;
		for (; q < end && *q >= '0' && *q <= '9'; q++)
			exp++;
		if (exp == 0)
			return -1;
	}
	if (q != end)
		return -1;
	memcpy(buf, p, (size_t)(end - p));
	buf[end - p] = '\0';
	errno = 0;
	*out = strtod(buf, &stop);
	return *stop == '\0' && isfinite(*out) ? 0 : -1;
}

static int word_is(const char *p, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n && w[i]; i++) {
		char c = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] | 0x20) : p[i];

		if (c != w[i])	/* ASCII letters in any case, nothing else folded */
			return 0;
	}
	return i == n && w[i] == '\0';
}

static int parse_bool(const char *p, size_t n, _Bool *out)
{
	static const char *const yes[] = {"true", "on", "1", "yes"};
	static const char *const no[] = {"false", "off", "0", "no"};

	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (word_is(p, n, yes[i])) {
			*out = 1;
			return 0;
		}
		if (word_is(p, n, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* A scalar's member from trimmed text p[0..n); -1 when it is not one. */
static int scalar(const nitro_field *f, void *obj, const char *p, size_t n)
{
	char buf[SCALAR_TEXT_MAX + 1];
	int64_t i;
	double r;
	_Bool b;

	if (n > SCALAR_TEXT_MAX)
		return -1;
	switch (f->type) {
	case NITRO_T_INT:
		if (parse_int(p, p + n, &i) < 0)
			return -1;
		*(int64_t *)(void *)MEMBER(obj, f) = i;
		return 0;
	case NITRO_T_REAL:
		if (parse_real(p, p + n, &r) < 0)
			return -1;
		*(double *)(void *)MEMBER(obj, f) = r;
		return 0;
	case NITRO_T_BOOL:
		if (parse_bool(p, n, &b) < 0)
			return -1;
		*(_Bool *)(void *)MEMBER(obj, f) = b;
		return 0;
	case NITRO_T_TIME:
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (memchr(p, '\0', n) != NULL || nitro_time_parse(buf, &i) < 0)
			return -1;
		*(int64_t *)(void *)MEMBER(obj, f) = i;
		return 0;
	}
	return -1;
}

static int set_null_bit(const nitro_schema *s, void *obj, const nitro_field *f, int null)
{
	return nitro_entity_set_null(s, obj, f->name, null);
}

static int type_error(const nitro_field *f, nitro_verrors *errs)
{
	const char *m = type_msg[f->type];

	if (f->type == NITRO_T_TIME && f->format != NULL && strcmp(f->format, "date") == 0)
		m = "must be a date";
	if (errs != NULL)
		nitro__verr_add(errs, f, NITRO_V_TYPE, "%s", m);
	return nitro_error(NITRO_EVALIDATE, "%s %s", f->name, m);
}

int nitro_entity_set_text(const nitro_schema *s, void *obj, const char *field,
    const char *text, size_t len, nitro_verrors *errs)
{
	int i = nitro__field_index(s, field);
	const nitro_field *f;
	const char *p = text;
	size_t n = text ? len : 0;

	if (i < 0)
		return i;
	f = &s->rt->f[i];
	if (f->type == NITRO_T_COMPUTED)
		return nitro_error(NITRO_EINVAL, "%s.%s is computed", s->name, f->name);
	if (f->type == NITRO_T_TEXT || f->type == NITRO_T_BLOB) {
		if (n == 0)
			return set_null_bit(s, obj, f, 1);
		if (f->type == NITRO_T_TEXT && memchr(p, '\0', n) != NULL)
			return type_error(f, errs);
		char *copy = malloc(n + 1);

		if (copy == NULL)
			return nitro__oom(f->name);
		memcpy(copy, p, n);
		copy[n] = '\0';
		set_null_bit(s, obj, f, 1);	/* frees the old value */
		if (f->type == NITRO_T_TEXT) {
			*(char **)(void *)MEMBER(obj, f) = copy;
		} else {
			((nitro_blob *)(void *)MEMBER(obj, f))->data = (unsigned char *)copy;
			((nitro_blob *)(void *)MEMBER(obj, f))->len = n;
		}
		return 0;
	}
	/* Scalars and JSON: surrounding blanks are not part of the value. */
	while (n > 0 && is_space(*p)) {
		p++;
		n--;
	}
	while (n > 0 && is_space(p[n - 1]))
		n--;
	if (f->type == NITRO_T_BOOL && n == 0) {	/* an unchecked box */
		*(_Bool *)(void *)MEMBER(obj, f) = 0;
		return set_null_bit(s, obj, f, 0);
	}
	if (n == 0)
		return set_null_bit(s, obj, f, 1);
	if (f->type == NITRO_T_JSON) {
		json_tokener *tok = json_tokener_new_ex(JSON_TEXT_DEPTH);
		char *copy = n < INT32_MAX ? malloc(n + 1) : NULL;
		json_object *j = NULL;
		size_t end;
		int ok = 0;

		if (tok == NULL || copy == NULL) {
			json_tokener_free(tok);
			free(copy);
			return n < INT32_MAX ? nitro__oom(f->name) : type_error(f, errs);
		}
		/* With its NUL, so that a number or literal at the end is
		 * complete; it must end there. */
		memcpy(copy, p, n);
		copy[n] = '\0';
		j = json_tokener_parse_ex(tok, copy, (int)n + 1);
		end = json_tokener_get_parse_end(tok);
		ok = json_tokener_get_error(tok) == json_tokener_success &&
		    (end == n || end == n + 1);
		json_tokener_free(tok);
		free(copy);
		if (!ok) {
			json_object_put(j);
			return type_error(f, errs);
		}
		set_null_bit(s, obj, f, 1);	/* JSON null stays NULL */
		*(json_object **)(void *)MEMBER(obj, f) = j;
		return 0;
	}
	if (scalar(f, obj, p, n) < 0)
		return type_error(f, errs);
	return set_null_bit(s, obj, f, 0);
}
