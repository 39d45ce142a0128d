/*
 * The control of one form field: the input type, widget and attributes
 * a field's type, format, widget and constraints call for, its value and
 * its Datastar binding.
 */
#include <stdio.h>
#include <string.h>

#include "views/form.h"

/* Text longer than this is a textarea without being asked. */
#define TEXTAREA_OVER 255

/* format -> input type, for TEXT fields. */
static const char *const text_types[][2] = {
	{"email", "email"}, {"url", "url"}, {"password", "password"},
	{"tel", "tel"}, {"color", "color"}, {"search", "search"},
};

int nitro__form_signal(nitro_buf *e, const char *prefix, const char *name)
{
	char path[256];
	int n = prefix && *prefix ? snprintf(path, sizeof path, "%s.%s", prefix, name) :
	    snprintf(path, sizeof path, "%s", name);

	if (n < 0 || (size_t)n >= sizeof path)
		return nitro_error(NITRO_EINVAL, "form: signal path too long");
	return nitro_js_signal(e, path);
}

const char *nitro__form_value(const nitro_schema *s, const nitro_field *f,
    const void *obj, char *buf, size_t n)
{
	const char *p = (const char *)obj + f->offset;
	char iso[NITRO_TIME_LEN];

	if (obj == NULL || nitro_entity_is_null(s, obj, f->name) > 0)
		return NULL;
	switch (f->type) {
	case NITRO_T_INT:
		snprintf(buf, n, "%lld", (long long)*(const int64_t *)(const void *)p);
		return buf;
	case NITRO_T_REAL:
		snprintf(buf, n, "%.17g", *(const double *)(const void *)p);
		return buf;
	case NITRO_T_BOOL:
		return *(const _Bool *)(const void *)p ? "true" : "false";
	case NITRO_T_TIME:
		if (nitro_time_format(*(const int64_t *)(const void *)p, iso) != 0)
			return NULL;
		/* date takes YYYY-MM-DD, datetime-local YYYY-MM-DDTHH:MM. */
		snprintf(buf, n, "%.*s", f->format && strcmp(f->format, "date") == 0 ? 10 : 16, iso);
		return buf;
	case NITRO_T_TEXT:
		return *(char *const *)(const void *)p;
	case NITRO_T_JSON: {
		json_object *j = *(json_object *const *)(const void *)p;

		return j ? json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
	}
	}
	return NULL;
}

static int widget_is(const nitro_field *f, const char *w)
{
	return f->widget != NULL && strcmp(f->widget, w) == 0;
}

int nitro__form_is_radio(const nitro_field *f)
{
	return f->type == NITRO_T_TEXT && f->one_of != NULL && widget_is(f, "radio");
}

/* data-bind to "<bind>.<name>" when the form binds. */
void nitro__form_bind(struct nitro__form *fm, const nitro_field *f)
{
	nitro_buf *e;
	char path[256];

	if (fm->o->bind == NULL)
		return;
	e = nitro__html_scratch(fm->h);
	snprintf(path, sizeof path, "%s%s%s", fm->o->bind, *fm->o->bind ? "." : "", f->name);
	if (nitro_js_signal(e, path) != 0) {	/* checks the path */
		nitro__html_fail(fm->h, NITRO_EINVAL, "form: bad bind path %s", path);
		return;
	}
	nitro_ds_data(fm->h, "bind", NULL, NULL, path);
}

/* aria-describedby, aria-invalid (and its Datastar twin), required. */
void nitro__form_common(struct nitro__form *fm, const nitro_field *f, const char *id,
    const char *err)
{
	nitro_html *h = fm->h;
	char desc[400];
	int n = 0;

	if (f->help != NULL)
		n += snprintf(desc + n, sizeof desc - (size_t)n, "%s-help", id);
	if (err != NULL || fm->o->bind != NULL)
		snprintf(desc + n, sizeof desc - (size_t)n, "%s%s-error", n ? " " : "", id);
	if (f->help != NULL || err != NULL || fm->o->bind != NULL)
		nitro_html_attr(h, "aria-describedby", desc);
	if (err != NULL)
		nitro_html_attr(h, "aria-invalid", "true");
	if (fm->o->bind != NULL) {
		nitro_buf *e = nitro__html_scratch(h);

		if (nitro__form_signal(e, fm->errors, f->name) == 0) {
			nitro_buf_puts(e, " ? 'true' : null");
			nitro_ds_data(h, "attr", "aria-invalid", NULL, e->data);
		}
	}
	if (f->required && f->type != NITRO_T_BOOL)
		nitro_html_attr_bool(h, "required", 1);
	if (f->placeholder != NULL)
		nitro_html_attr(h, "placeholder", f->placeholder);
}

void nitro__form_hidden(struct nitro__form *fm, const nitro_field *f)
{
	char num[64];
	const char *v = nitro__form_value(fm->s, f, fm->obj, num, sizeof num);

	if (f->id && fm->create)
		return;	/* a new entity has no id yet */
	nitro_html_open(fm->h, "input");
	nitro_html_attr(fm->h, "type", "hidden");
	nitro_html_attr(fm->h, "name", f->name);
	if (v != NULL && !f->secret)
		nitro_html_attr(fm->h, "value", v);
	nitro__form_bind(fm, f);
}

/* The choices of "low|medium|high": options, or radio buttons. */
static void choices(struct nitro__form *fm, const nitro_field *f, const char *id,
    const char *value, int radio, const char *err)
{
	nitro_html *h = fm->h;
	const char *o = f->one_of, *bar;
	size_t k = 0;

	for (;; o = bar + 1, k++) {
		size_t len;
		int on;

		bar = strchr(o, '|');
		len = bar ? (size_t)(bar - o) : strlen(o);
		on = value != NULL && strlen(value) == len && strncmp(value, o, len) == 0;
		if (radio) {
			nitro_html_open(h, "label");
			nitro_html_attr(h, "class", "nitro-choice");
			nitro_html_open(h, "input");
			nitro_html_attr_printf(h, "id", "%s-%zu", id, k);
			nitro_html_attr(h, "type", "radio");
			nitro_html_attr(h, "name", f->name);
			nitro_html_attrn(h, "value", o, len);
			nitro_html_attr_bool(h, "checked", on);
			if (k == 0)
				nitro__form_common(fm, f, id, err);
			nitro__form_bind(fm, f);
			nitro_html_textn(h, o, len);
			nitro_html_close(h, "label");
		} else {
			nitro_html_open(h, "option");
			nitro_html_attrn(h, "value", o, len);
			nitro_html_attr_bool(h, "selected", on);
			nitro_html_textn(h, o, len);
			nitro_html_close(h, "option");
		}
		if (bar == NULL)
			break;
	}
}

static void one_of(struct nitro__form *fm, const nitro_field *f, const char *id,
    const char *label, const char *value, const char *err)
{
	nitro_html *h = fm->h;

	if (widget_is(f, "radio")) {
		nitro_html_open(h, "fieldset");
		nitro_html_attr(h, "id", id);
		nitro_html_attr(h, "class", "nitro-choices");
		nitro_html_elem(h, "legend", label);
		choices(fm, f, id, value, 1, err);
		nitro_html_close(h, "fieldset");
		return;
	}
	nitro_html_open(h, "select");
	nitro_html_attr(h, "id", id);
	nitro_html_attr(h, "name", f->name);
	nitro__form_common(fm, f, id, err);
	nitro__form_bind(fm, f);
	if (!f->required) {	/* a way back to NULL */
		nitro_html_open(h, "option");
		nitro_html_attr(h, "value", "");
		nitro_html_close(h, "option");
	}
	choices(fm, f, id, value, 0, err);
	nitro_html_close(h, "select");
}

static void textarea(struct nitro__form *fm, const nitro_field *f, const char *id,
    const char *value, const char *err)
{
	nitro_html *h = fm->h;

	nitro_html_open(h, "textarea");
	nitro_html_attr(h, "id", id);
	nitro_html_attr(h, "name", f->name);
	nitro_html_attr(h, "rows", "4");
	nitro__form_common(fm, f, id, err);
	if (f->min_len)
		nitro_html_attr_int(h, "minlength", (long long)f->min_len);
	if (f->max_len)
		nitro_html_attr_int(h, "maxlength", (long long)f->max_len);
	nitro__form_bind(fm, f);
	if (value != NULL)
		nitro_html_text(h, value);
	nitro_html_close(h, "textarea");
}

static void number_limits(nitro_html *h, const nitro_field *f)
{
	if (f->has_min)
		nitro_html_attr_printf(h, "min", "%.17g", f->min);
	if (f->has_max)
		nitro_html_attr_printf(h, "max", "%.17g", f->max);
}

static const char *text_type(const nitro_field *f)
{
	if (f->secret)
		return "password";
	for (size_t i = 0; f->format && i < sizeof text_types / sizeof *text_types; i++)
		if (strcmp(f->format, text_types[i][0]) == 0)
			return text_types[i][1];
	return "text";
}

static void input(struct nitro__form *fm, const nitro_field *f, const char *id,
    const char *value, const char *err)
{
	nitro_html *h = fm->h;

	nitro_html_open(h, "input");
	nitro_html_attr(h, "id", id);
	nitro_html_attr(h, "name", f->name);
	switch (f->type) {
	case NITRO_T_INT:
		nitro_html_attr(h, "type", "number");
		nitro_html_attr(h, "step", "1");
		number_limits(h, f);
		break;
	case NITRO_T_REAL:
		nitro_html_attr(h, "type", "number");
		nitro_html_attr(h, "step", "any");
		number_limits(h, f);
		break;
	case NITRO_T_BOOL:
		nitro_html_attr(h, "type", "checkbox");
		nitro_html_attr(h, "value", "true");
		nitro_html_attr_bool(h, "checked", value != NULL && strcmp(value, "true") == 0);
		value = NULL;
		break;
	case NITRO_T_TIME:
		nitro_html_attr(h, "type", f->format && strcmp(f->format, "date") == 0 ?
		    "date" : "datetime-local");
		break;
	case NITRO_T_BLOB:
		nitro_html_attr(h, "type", "file");
		value = NULL;
		break;
	default: {
		nitro_buf *pat;

		nitro_html_attr(h, "type", text_type(f));
		if (f->min_len)
			nitro_html_attr_int(h, "minlength", (long long)f->min_len);
		if (f->max_len)
			nitro_html_attr_int(h, "maxlength", (long long)f->max_len);
		pat = nitro__html_scratch(h);
		if (f->pattern != NULL && nitro__html_pattern(pat, f->pattern) == 0 && !pat->err)
			nitro_html_attr(h, "pattern", pat->data);
		if (f->secret)
			value = NULL;	/* never sent back to the browser */
		break;
	}
	}
	nitro__form_common(fm, f, id, err);
	if (value != NULL)
		nitro_html_attr(h, "value", value);
	if (f->type != NITRO_T_BLOB)
		nitro__form_bind(fm, f);
}

void nitro__form_control(struct nitro__form *fm, const nitro_field *f, const char *id,
    const char *label, const char *err)
{
	char num[64];
	const char *value = nitro__form_value(fm->s, f, fm->obj, num, sizeof num);
	const struct nitro_form_ref *ref = nitro__form_ref(fm->o, f->name);

	if (ref != NULL)
		nitro__form_ref_control(fm, f, ref, id, value, err);
	else if (f->type == NITRO_T_TEXT && f->one_of != NULL)
		one_of(fm, f, id, label, value, err);
	else if ((f->type == NITRO_T_TEXT || f->type == NITRO_T_JSON) && !f->secret &&
	    (widget_is(f, "textarea") || f->max_len > TEXTAREA_OVER))
		textarea(fm, f, id, value, err);
	else
		input(fm, f, id, value, err);
}
