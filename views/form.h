/* Internal: the pieces of schema-driven forms (form.c, form_input.c,
 * form_ref.c, form_pattern.c), and what the runtime's combobox search
 * reply shares with them. */
#ifndef NITRO_VIEWS_FORM_H
#define NITRO_VIEWS_FORM_H

#include "views/internal.h"
#include "core/repo.h"		/* nitro__name_listed */

/* One form being written. */
struct nitro__form {
	nitro_html *h;
	const nitro_schema *s;
	const struct nitro_form_opts *o;
	const void *obj;		/* the values: o->values or the defaults */
	int create;			/* obj holds the defaults */
	const char *id_prefix;
	const char *errors;		/* the messages' signal object */
};

/* Rows a select of references shows, and a search answers, by default. */
#define NITRO__FORM_REF_ROWS 500
#define NITRO__FORM_SEARCH_ROWS 20

/* "$a.b" for the signal path prefix.name (prefix "" or NULL: "$name"). */
int nitro__form_signal(nitro_buf *e, const char *prefix, const char *name);
/* The text of field f of obj as an input shows it, in buf (n bytes);
 * NULL when it is NULL.  TIME: "YYYY-MM-DD" for format "date", else
 * "YYYY-MM-DDTHH:MM" (UTC). */
const char *nitro__form_value(const nitro_schema *s, const nitro_field *f,
    const void *obj, char *buf, size_t n);
/* Is f a group of radio buttons (labelled by a fieldset's legend)? */
int nitro__form_is_radio(const nitro_field *f);
/* data-bind to "<bind>.<name>" when the form binds. */
void nitro__form_bind(struct nitro__form *fm, const nitro_field *f);
/* The attributes every control takes: aria-describedby, aria-invalid
 * (and its Datastar twin), required, placeholder. */
void nitro__form_common(struct nitro__form *fm, const nitro_field *f, const char *id,
    const char *err);
/* <input type="hidden"> for f (the id only on an edit). */
void nitro__form_hidden(struct nitro__form *fm, const nitro_field *f);
/* The control of f with element id id. */
void nitro__form_control(struct nitro__form *fm, const nitro_field *f, const char *id,
    const char *label, const char *err);
/* The reference options of fm->o for field, or NULL. */
const struct nitro_form_ref *nitro__form_ref(const struct nitro_form_opts *o,
    const char *field);
/* A reference control: a select of the rows, or a combobox. */
void nitro__form_ref_control(struct nitro__form *fm, const nitro_field *f,
    const struct nitro_form_ref *ref, const char *id, const char *value, const char *err);
/* The combobox's option list <ul id="<prefix>-<field>-list"> for rows. */
int nitro__form_ref_options(nitro_html *h, const nitro_schema *s,
    const struct nitro_form_opts *o, const struct nitro_form_ref *ref,
    const nitro_rows *rows);
/* The option list for the rows of field's reference whose label contains
 * q (what nitro_reply_ref_search() answers). */
int nitro__form_ref_search(nitro_html *h, const nitro_schema *s,
    const struct nitro_form_opts *o, const char *field, const char *q);
/* posix as an HTML pattern attribute's value appended to o; -1 (o as
 * before) when it has no faithful translation. */
int nitro__html_pattern(nitro_buf *o, const char *posix);

#endif
