/*
 * Forms from an entity's schema: which fields, in what order, and the
 * labelled field around each control (the controls are form_input.c's).
 * Everything written goes through the writer, so every label, value,
 * message and hint is escaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/form.h"

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

/* Is f shown by a form with these options (listed: named in o->fields)? */
static int shown(const nitro_field *f, const struct nitro_form_opts *o, int listed)
{
	if (f->type == NITRO_T_COMPUTED || f->type == NITRO_T_NULL ||
	    nitro__name_listed(o->exclude, f->name))
		return 0;
	if (f->type == NITRO_T_JSON && !(f->widget && strcmp(f->widget, "textarea") == 0))
		return 0;
	if (o->fields != NULL)
		return listed;
	return !f->hidden;
}

/* The indices of the fields to show, in their order; how many. */
static size_t pick(const nitro_schema *s, const struct nitro_form_opts *o,
    int idx[NITRO_MAX_FIELDS])
{
	const nitro_field *fields = s->fields();
	size_t n = 0;

	if (o->fields != NULL) {	/* the list's order */
		for (const char *const *l = o->fields; *l != NULL && n < NITRO_MAX_FIELDS; l++)
			for (size_t i = 0; i < s->nfields; i++)
				if (strcmp(fields[i].name, *l) == 0 && shown(&fields[i], o, 1))
					idx[n++] = (int)i;
		return n;
	}
	for (size_t i = 0; i < s->nfields && n < NITRO_MAX_FIELDS; i++) {
		size_t k = n;

		if (!shown(&fields[i], o, 0))
			continue;
		/* Insertion by NITRO_F_ORDER; ties keep declaration order. */
		while (k > 0 && fields[idx[k - 1]].order > fields[i].order) {
			idx[k] = idx[k - 1];
			k--;
		}
		idx[k] = (int)i;
		n++;
	}
	return n;
}

/* data-signals on the form: the values under bind, "" for each message. */
static void form_signals(struct nitro__form *fm, const int *idx, size_t n)
{
	const nitro_field *fields = fm->s->fields();
	json_object *root = NULL, *errs;
	const char *names[NITRO_MAX_FIELDS + 1];
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!fields[idx[i]].secret && fields[idx[i]].type != NITRO_T_BLOB)
			names[k++] = fields[idx[i]].name;
	names[k] = NULL;
	if (nitro_ds_entity_patch(fm->s, fm->obj, NULL, names, &root) != 0) {
		nitro__html_fail(fm->h, nitro__errcode(), "form: %s", nitro_errmsg());
		return;
	}
	/* A time as its input shows it ("2026-12-03T10:30"), not as JSON
	 * writes it: data-bind puts the signal into the input. */
	for (size_t i = 0; i < n; i++) {
		const nitro_field *f = &fields[idx[i]];
		const char *v;
		char buf[64];

		if (f->type != NITRO_T_TIME)
			continue;
		v = nitro__form_value(fm->s, f, fm->obj, buf, sizeof buf);
		json_object_object_add(root, f->name, v ? json_object_new_string(v) : NULL);
	}
	if (*fm->o->bind) {	/* the values under their prefix */
		json_object *top = json_object_new_object();

		if (top == NULL || nitro__json_put_path(top, fm->o->bind, root) != 0) {
			json_object_put(top);
			nitro__html_fail(fm->h, NITRO_EINVAL, "form: bad bind path %s", fm->o->bind);
			return;
		}
		root = top;
	}
	if ((errs = json_object_new_object()) == NULL ||
	    nitro__json_put_path(root, fm->errors, errs) != 0) {
		json_object_put(root);
		nitro__html_fail(fm->h, NITRO_ENOMEM, "form: out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *m = field_error(fm->o->errs, fields[idx[i]].name);

		json_object_object_add(errs, fields[idx[i]].name, json_object_new_string(m ? m : ""));
	}
	nitro_ds_signals(fm->h, root, 0);
	json_object_put(root);
}

/* The message slot under a field: always there when bound (the patch
 * fills it), else only when there is a message. */
static void error_slot(struct nitro__form *fm, const nitro_field *f, const char *id,
    const char *err)
{
	nitro_html *h = fm->h;

	if (err == NULL && fm->o->bind == NULL)
		return;
	nitro_html_open(h, "p");
	nitro_html_attr_printf(h, "id", "%s-error", id);
	nitro_html_attr(h, "class", "nitro-field-error");
	if (fm->o->bind != NULL) {
		nitro_buf *e = nitro__html_scratch(h);

		nitro_html_attr(h, "aria-live", "polite");
		if (nitro__form_signal(e, fm->errors, f->name) == 0)
			nitro_ds_data(h, "text", NULL, NULL, e->data);
		else
			nitro__html_fail(h, NITRO_EINVAL, "form: bad errors signal");
	}
	if (err != NULL)
		nitro_html_text(h, err);
	nitro_html_close(h, "p");
}

static void one_field(struct nitro__form *fm, const nitro_field *f)
{
	nitro_html *h = fm->h;
	char id[160], label[80];
	const char *err = field_error(fm->o->errs, f->name);
	int box = f->type == NITRO_T_BOOL;

	snprintf(id, sizeof id, "%s-%s", fm->id_prefix, f->name);
	if ((f->widget && strcmp(f->widget, "hidden") == 0) || f->id) {
		nitro__form_hidden(fm, f);
		return;
	}
	if (f->label == NULL)
		label_text(label, sizeof label, f->name);
	nitro_html_open(h, "div");
	nitro_html_attr_printf(h, "class", "nitro-field%s%s", box ? " nitro-field-check" : "",
	    err ? " nitro-field-invalid" : "");
	if (f->width != NULL)
		nitro_html_attr_printf(h, "style", "width: %s", f->width);
	if (!nitro__form_is_radio(f)) {
		nitro_html_open(h, "label");
		nitro_html_attr(h, "for", id);
		nitro_html_text(h, f->label ? f->label : label);
		nitro_html_close(h, "label");
	}
	nitro__form_control(fm, f, id, f->label ? f->label : label, err);
	if (f->help != NULL) {
		nitro_html_open(h, "p");
		nitro_html_attr_printf(h, "id", "%s-help", id);
		nitro_html_attr(h, "class", "nitro-field-help");
		nitro_html_text(h, f->help);
		nitro_html_close(h, "p");
	}
	error_slot(fm, f, id, err);
	nitro_html_close(h, "div");
}

static int form(nitro_html *h, const nitro_schema *s, const struct nitro_form_opts *o)
{
	static const struct nitro_form_opts none;
	struct nitro__form fm;
	int idx[NITRO_MAX_FIELDS];
	void *defaults = NULL;
	size_t n;

	if (h->err)
		return h->err;
	if (s == NULL || s->fields == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "form: no schema");
	if (o == NULL)
		o = &none;
	memset(&fm, 0, sizeof fm);
	fm.h = h;
	fm.s = s;
	fm.o = o;
	fm.obj = o->values;
	fm.id_prefix = o->id_prefix ? o->id_prefix : s->name;
	fm.errors = o->errors ? o->errors : "errors";
	if (fm.obj == NULL) {	/* a create: the schema's defaults */
		if ((defaults = calloc(1, s->size)) == NULL)
			return nitro__html_fail(h, NITRO_ENOMEM, "form: out of memory");
		if (nitro_entity_init(s, defaults) != 0) {
			free(defaults);
			return nitro__html_fail(h, nitro__errcode(), "form: %s", nitro_errmsg());
		}
		/* A scalar without a default starts empty, not at zero. */
		for (size_t i = 0; i < s->nfields; i++) {
			const nitro_field *f = &s->fields()[i];

			if (f->def == NULL && !f->id && (f->type == NITRO_T_INT ||
			    f->type == NITRO_T_REAL || f->type == NITRO_T_TIME))
				nitro_entity_set_null(s, defaults, f->name, 1);
		}
		fm.obj = defaults;
		fm.create = 1;
	}
	n = pick(s, o, idx);
	if (!o->fields_only) {
		nitro_html_open(h, "form");
		nitro_html_attr(h, "class", "nitro-form");
		nitro_html_attr_printf(h, "id", "%s-form", fm.id_prefix);
		if (o->action != NULL) {
			nitro_html_attr_url(h, "action", o->action);
			nitro_html_attr(h, "method", o->method ? o->method : "post");
		}
		for (size_t i = 0; i < n; i++)
			if (s->fields()[idx[i]].type == NITRO_T_BLOB)
				nitro_html_attr(h, "enctype", "multipart/form-data");
		if (o->on_submit != NULL)
			nitro_ds_data(h, "on", "submit", "prevent", o->on_submit);
	}
	if (o->bind != NULL && o->fields_only) {	/* an element for the signals */
		nitro_html_open(h, "div");
		nitro_html_attr(h, "class", "nitro-form-fields");
	}
	if (o->bind != NULL)
		form_signals(&fm, idx, n);
	for (size_t i = 0; i < n; i++)
		one_field(&fm, &s->fields()[idx[i]]);
	if (o->bind != NULL && o->fields_only)
		nitro_html_close(h, "div");
	if (!o->fields_only) {
		if (o->submit == NULL || *o->submit) {
			nitro_html_open(h, "div");
			nitro_html_attr(h, "class", "nitro-form-actions");
			nitro_html_open(h, "button");
			nitro_html_attr(h, "type", "submit");
			nitro_html_attr(h, "class", "nitro-btn nitro-btn-primary");
			nitro_html_text(h, o->submit ? o->submit : "Save");
			nitro_html_close(h, "button");
			nitro_html_close(h, "div");
		}
		nitro_html_close(h, "form");
	}
	if (defaults != NULL) {
		nitro_entity_clear(s, defaults);
		free(defaults);
	}
	return nitro_html_error(h);
}

int nitro_ui_form(nitro_html *h, const nitro_schema *s, const struct nitro_form_opts *o)
{
	return form(h, s, o);
}

int nitro_ui_form_fields(nitro_html *h, const nitro_schema *s, const void *obj,
    const nitro_verrors *errs)
{
	struct nitro_form_opts o = {.values = obj, .errs = errs, .fields_only = 1};

	return form(h, s, &o);
}
