/*
 * Views of entities: data-signals from an entity and form fields generated
 * from its schema, with the validation messages of a failed save.
 */
#include <stdio.h>
#include <string.h>

#include "views/internal.h"

static const char *field_error(const nitro_verrors *errs, const char *name)
{
	for (size_t i = 0; errs != NULL && i < errs->n && i < NITRO_MAX_FIELDS; i++)
		if (errs->e[i].field != NULL && strcmp(errs->e[i].field, name) == 0)
			return errs->e[i].msg;
	return NULL;
}

/* "due_date" -> "Due date" */
static void label_text(char *out, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < n && name[i]; i++)
		out[i] = name[i] == '_' ? ' ' : name[i];
	out[i] = '\0';
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 32);
}

/* The field's value as text in buf; NULL when it has none. */
static const char *value_text(const nitro_schema *s, const nitro_field *f,
    const void *obj, char *buf, size_t n)
{
	const char *p;

	if (obj == NULL)
		return f->def;
	p = (const char *)obj + f->offset;
	if (nitro_entity_is_null(s, obj, f->name) > 0)
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
	case NITRO_T_TIME: {
		char iso[NITRO_TIME_LEN];

		if (nitro_time_format(*(const int64_t *)(const void *)p, iso) != 0)
			return NULL;
		/* datetime-local takes YYYY-MM-DDTHH:MM (UTC here). */
		snprintf(buf, n, "%.16s", iso);
		return buf;
	}
	case NITRO_T_TEXT:
		return *(char *const *)(const void *)p;
	}
	return NULL;
}

static void number_limits(nitro_html *h, const nitro_field *f)
{
	if (f->has_min)
		nitro_html_attr_printf(h, "min", "%.17g", f->min);
	if (f->has_max)
		nitro_html_attr_printf(h, "max", "%.17g", f->max);
}

/* <select> for a one_of field: "low|medium|high". */
static void select_field(nitro_html *h, const nitro_field *f, const char *id,
    const char *value)
{
	const char *o = f->one_of, *bar;

	nitro_html_open(h, "select");
	nitro_html_attr(h, "id", id);
	nitro_html_attr(h, "name", f->name);
	nitro_html_attr_bool(h, "required", f->required);
	for (;; o = bar + 1) {
		size_t len;

		bar = strchr(o, '|');
		len = bar ? (size_t)(bar - o) : strlen(o);
		nitro_html_open(h, "option");
		nitro_html_attrn(h, "value", o, len);
		nitro_html_attr_bool(h, "selected", value != NULL &&
		    strlen(value) == len && strncmp(value, o, len) == 0);
		nitro_html_textn(h, o, len);
		nitro_html_close(h, "option");
		if (bar == NULL)
			break;
	}
	nitro_html_close(h, "select");
}

static void input_field(nitro_html *h, const nitro_field *f, const char *id,
    const char *value)
{
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
		nitro_html_attr(h, "type", "datetime-local");
		break;
	default:
		nitro_html_attr(h, "type", f->secret ? "password" : "text");
		if (f->min_len)
			nitro_html_attr_int(h, "minlength", (long long)f->min_len);
		if (f->max_len)
			nitro_html_attr_int(h, "maxlength", (long long)f->max_len);
		if (f->secret)
			value = NULL;	/* never sent back to the browser */
		break;
	}
	if (f->type != NITRO_T_BOOL)
		nitro_html_attr_bool(h, "required", f->required);
	if (value != NULL)
		nitro_html_attr(h, "value", value);
}

int nitro_ui_form_fields(nitro_html *h, const nitro_schema *s, const void *obj,
    const nitro_verrors *errs)
{
	const nitro_field *fields;

	if (h->err)
		return h->err;
	if (s == NULL || s->fields == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "form: no schema");
	fields = s->fields();
	for (size_t i = 0; i < s->nfields; i++) {
		const nitro_field *f = &fields[i];
		char id[80], label[80], num[64];
		const char *value, *err;

		if (f->type == NITRO_T_JSON || f->type == NITRO_T_BLOB ||
		    f->type == NITRO_T_COMPUTED || f->type == NITRO_T_NULL)
			continue;
		value = value_text(s, f, obj, num, sizeof num);
		if (f->id) {
			if (obj != NULL && value != NULL) {
				nitro_html_open(h, "input");
				nitro_html_attr(h, "type", "hidden");
				nitro_html_attr(h, "name", f->name);
				nitro_html_attr(h, "value", value);
			}
			continue;
		}
		snprintf(id, sizeof id, "%s-%s", s->name, f->name);
		label_text(label, sizeof label, f->name);
		err = field_error(errs, f->name);
		nitro_html_open(h, "div");
		nitro_html_attr(h, "class", err ? "nitro-field nitro-field-invalid" : "nitro-field");
		nitro_html_open(h, "label");
		nitro_html_attr(h, "for", id);
		nitro_html_text(h, label);
		nitro_html_close(h, "label");
		if (f->type == NITRO_T_TEXT && f->one_of != NULL)
			select_field(h, f, id, value);
		else
			input_field(h, f, id, value);
		if (err != NULL) {
			nitro_html_open(h, "p");
			nitro_html_attr(h, "class", "nitro-field-error");
			nitro_html_text(h, err);
			nitro_html_close(h, "p");
		}
		nitro_html_close(h, "div");
	}
	return nitro_html_error(h);
}
