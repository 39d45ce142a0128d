/*
 * A reference to another entity in a form: a <select> of the referenced
 * rows, labelled by a field the caller names, or a combobox that asks a
 * route for matching rows as the user types (the route answers with
 * nitro_reply_ref_search(), which writes its options here too, so the
 * list the page starts with and the lists the search sends agree).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/form.h"

const struct nitro_form_ref *nitro__form_ref(const struct nitro_form_opts *o,
    const char *field)
{
	for (size_t i = 0; o->refs != NULL && i < o->nrefs; i++)
		if (o->refs[i].field != NULL && strcmp(o->refs[i].field, field) == 0)
			return &o->refs[i];
	return NULL;
}

static const nitro_field *id_field(const nitro_schema *s)
{
	const nitro_field *f = s->fields();

	for (size_t i = 0; i < s->nfields; i++)
		if (f[i].id)
			return &f[i];
	return NULL;
}

/* A row's id and label as text; 0, or -1 when the schema lacks them. */
static int row_text(const struct nitro_form_ref *ref, const void *row, char *idb,
    size_t idn, const char **id, char *lb, size_t ln, const char **label)
{
	const nitro_field *idf = id_field(ref->schema);
	const nitro_field *lf = nitro_entity_field(ref->schema, ref->label);

	if (idf == NULL || lf == NULL)
		return -1;
	*id = nitro__form_value(ref->schema, idf, row, idb, idn);
	*label = nitro__form_value(ref->schema, lf, row, lb, ln);
	if (*label == NULL)
		*label = "";
	return *id == NULL ? -1 : 0;
}

static int bad_ref(nitro_html *h, const struct nitro_form_ref *ref)
{
	return nitro__html_fail(h, NITRO_EINVAL, "form: reference %s needs a schema with "
	    "an id and a label field (%s)", ref->field, ref->label ? ref->label : "none");
}

/* Rows of the referenced entity, ordered by label: those containing q
 * (NULL: all), at most limit. */
static int ref_rows(const struct nitro_form_ref *ref, const char *q, size_t limit,
    nitro_rows *rows)
{
	nitro_cond c = {ref->label, NITRO_OP_CONTAINS, nitro_v_text(q)};
	nitro_order ord = {ref->label, 0};
	nitro_query qy = {.order = &ord, .norder = 1, .limit = limit};

	if (q != NULL && *q) {
		qy.all = &c;
		qy.nall = 1;
	}
	return nitro_entity_query(ref->schema, &qy, rows);
}

static void select_rows(struct nitro__form *fm, const nitro_field *f,
    const struct nitro_form_ref *ref, const char *id, const char *value, const char *err)
{
	nitro_html *h = fm->h;
	nitro_rows rows = {0};

	if (ref_rows(ref, NULL, ref->limit ? ref->limit : NITRO__FORM_REF_ROWS, &rows) != 0) {
		nitro__html_fail(h, nitro__errcode(), "form: %s rows: %s", ref->field, nitro_errmsg());
		return;
	}
	nitro_html_open(h, "select");
	nitro_html_attr(h, "id", id);
	nitro_html_attr(h, "name", f->name);
	nitro__form_common(fm, f, id, err);
	nitro__form_bind(fm, f);
	if (!f->required || value == NULL) {
		nitro_html_open(h, "option");
		nitro_html_attr(h, "value", "");
		nitro_html_close(h, "option");
	}
	for (size_t i = 0; i < rows.n; i++) {
		const char *rid, *label;
		char ib[64], lb[64];

		if (row_text(ref, (const char *)rows.items + i * ref->schema->size,
		    ib, sizeof ib, &rid, lb, sizeof lb, &label) != 0) {
			bad_ref(h, ref);
			break;
		}
		nitro_html_open(h, "option");
		nitro_html_attr(h, "value", rid);
		nitro_html_attr_bool(h, "selected", value != NULL && strcmp(value, rid) == 0);
		nitro_html_text(h, label);
		nitro_html_close(h, "option");
	}
	nitro_html_close(h, "select");
	nitro_rows_free(&rows);
}

/* The label of the row the field refers to now ("" when none). */
static void current_label(const struct nitro_form_ref *ref, const char *value,
    char *out, size_t n)
{
	const nitro_field *idf = id_field(ref->schema), *lf;
	_Alignas(16) unsigned char row[4096];
	char lb[64], *end;
	const char *l;
	nitro_id rid;

	out[0] = '\0';
	if (value == NULL || idf == NULL || ref->schema->size > sizeof row ||
	    (lf = nitro_entity_field(ref->schema, ref->label)) == NULL)
		return;
	rid = idf->type == NITRO_T_INT ? nitro_id_int(strtoll(value, &end, 10)) :
	    nitro_id_text(value);
	if (nitro_entity_get(ref->schema, rid, row) != 0)
		return;
	if ((l = nitro__form_value(ref->schema, lf, row, lb, sizeof lb)) != NULL)
		snprintf(out, n, "%s", l);
	nitro_entity_clear(ref->schema, row);
}

static void combobox(struct nitro__form *fm, const nitro_field *f,
    const struct nitro_form_ref *ref, const char *id, const char *value, const char *err)
{
	nitro_html *h = fm->h;
	char label[256];
	nitro_buf *e;

	current_label(ref, value, label, sizeof label);
	nitro_html_open(h, "div");
	nitro_html_attr(h, "class", "nitro-combobox");
	nitro_html_open(h, "input");
	nitro_html_attr(h, "type", "hidden");
	nitro_html_attr(h, "name", f->name);
	if (value != NULL)
		nitro_html_attr(h, "value", value);
	nitro__form_bind(fm, f);
	nitro_html_open(h, "input");
	nitro_html_attr(h, "id", id);
	nitro_html_attr(h, "type", "text");
	nitro_html_attr(h, "role", "combobox");
	nitro_html_attr(h, "autocomplete", "off");
	nitro_html_attr(h, "aria-autocomplete", "list");
	nitro_html_attr_printf(h, "aria-controls", "%s-list", id);
	nitro__form_common(fm, f, id, err);
	nitro_html_attr(h, "value", label);
	/* @get('url?q=' + encodeURIComponent(el.value)), at most every 250 ms. */
	e = nitro__html_scratch(h);
	nitro_buf_puts(e, "@get(");
	nitro_buf_printf(e, "'");
	nitro__js_escape(e, ref->search_url, strlen(ref->search_url));
	nitro_buf_puts(e, strchr(ref->search_url, '?') ? "&q='" : "?q='");
	nitro_buf_puts(e, " + encodeURIComponent(el.value))");
	nitro_ds_data(h, "on", "input", "debounce.250ms", e->data);
	nitro__form_ref_options(h, fm->s, fm->o, ref, NULL);
	nitro_html_close(h, "div");
}

void nitro__form_ref_control(struct nitro__form *fm, const nitro_field *f,
    const struct nitro_form_ref *ref, const char *id, const char *value, const char *err)
{
	if (ref->schema == NULL || ref->label == NULL || id_field(ref->schema) == NULL ||
	    nitro_entity_field(ref->schema, ref->label) == NULL) {
		bad_ref(fm->h, ref);
		return;
	}
	if (ref->search_url != NULL)
		combobox(fm, f, ref, id, value, err);
	else
		select_rows(fm, f, ref, id, value, err);
}

/* What choosing a row does: the hidden input and its signal take the id,
 * the text box the label, and the list empties. */
static void choose_expr(nitro_buf *e, const struct nitro_form_opts *o, const char *field,
    const char *id, const char *label, int int_id)
{
	nitro_buf_puts(e, "el.closest('.nitro-combobox').querySelector('input[type=hidden]')"
	    ".value = ");
	nitro_js_string(e, id);
	nitro_buf_puts(e, "; el.closest('.nitro-combobox').querySelector('[role=combobox]')"
	    ".value = ");
	nitro_js_string(e, label);
	nitro_buf_puts(e, "; ");
	if (o->bind != NULL) {
		nitro__form_signal(e, o->bind, field);
		nitro_buf_puts(e, " = ");
		if (int_id)
			nitro_buf_puts(e, id);	/* digits: checked by the caller */
		else
			nitro_js_string(e, id);
		nitro_buf_puts(e, "; ");
	}
	nitro_buf_puts(e, "el.parentElement.replaceChildren()");
}

int nitro__form_ref_options(nitro_html *h, const nitro_schema *s,
    const struct nitro_form_opts *o, const struct nitro_form_ref *ref,
    const nitro_rows *rows)
{
	const nitro_field *idf = id_field(ref->schema);

	nitro_html_open(h, "ul");
	nitro_html_attr_printf(h, "id", "%s-%s-list", o->id_prefix ? o->id_prefix : s->name,
	    ref->field);
	nitro_html_attr(h, "role", "listbox");
	nitro_html_attr(h, "class", "nitro-combobox-list");
	for (size_t i = 0; rows != NULL && i < rows->n; i++) {
		const char *rid, *label;
		char ib[64], lb[256];
		nitro_buf *e;

		if (row_text(ref, (const char *)rows->items + i * ref->schema->size,
		    ib, sizeof ib, &rid, lb, sizeof lb, &label) != 0)
			return bad_ref(h, ref);
		nitro_html_open(h, "li");
		nitro_html_attr(h, "role", "option");
		nitro_html_attr(h, "class", "nitro-combobox-option");
		nitro_html_attr(h, "data-value", rid);
		e = nitro__html_scratch(h);
		choose_expr(e, o, ref->field, rid, label, idf->type == NITRO_T_INT);
		nitro_ds_data(h, "on", "click", NULL, e->data);
		nitro_html_text(h, label);
		nitro_html_close(h, "li");
	}
	nitro_html_close(h, "ul");
	return nitro_html_error(h);
}

int nitro__form_ref_search(nitro_html *h, const nitro_schema *s,
    const struct nitro_form_opts *o, const char *field, const char *q)
{
	const struct nitro_form_ref *ref = nitro__form_ref(o, field);
	nitro_rows rows = {0};
	int rc;

	if (ref == NULL || ref->schema == NULL || ref->label == NULL ||
	    id_field(ref->schema) == NULL || nitro_entity_field(ref->schema, ref->label) == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "form: no reference %s", field);
	if ((rc = ref_rows(ref, q, ref->limit ? ref->limit : NITRO__FORM_SEARCH_ROWS, &rows)) != 0)
		return nitro__html_fail(h, rc, "form: %s rows: %s", field, nitro_errmsg());
	rc = nitro__form_ref_options(h, s, o, ref, &rows);
	nitro_rows_free(&rows);
	return rc;
}
