/* Internal interfaces shared by the views/ files. */
#ifndef NITRO_VIEWS_INTERNAL_H
#define NITRO_VIEWS_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "nitro/views.h"
#include "core/fmt.h"
#include "core/error.h"

/*
 * The Datastar attributes whose values are JavaScript (views/ds_attr.c):
 * what each requires of its key and value, as Datastar checks them.
 */
enum { NITRO__DS_ALLOWED, NITRO__DS_MUST, NITRO__DS_DENIED,
	NITRO__DS_EXCLUSIVE /* a key or a value, not both */ };
struct nitro__ds_plugin {
	const char *name;		/* data-<name> */
	unsigned char len;
	unsigned char key, value;	/* NITRO__DS_* */
};
/* The table, ended by a NULL name (for the tests). */
const struct nitro__ds_plugin *nitro__ds_plugins(void);
/* The entry of the attribute name[0..len) ("data-on:click__once"), any
 * case; NULL when it is not a Datastar expression attribute. */
const struct nitro__ds_plugin *nitro__ds_plugin(const char *name, size_t len);

/* Record a sticky writer error (first one wins) and return it. */
int nitro__html_fail(nitro_html *h, int err, const char *fmt, ...) NITRO_PRINTF(3, 4);

/*
 * Write ` name="value"` (value escaped; NULL: a bare name) after checking
 * the name; script lets names whose values are JavaScript through: event
 * handlers (on*) and Datastar expressions (data-on:click="...").
 */
int nitro__html_attr(nitro_html *h, const char *name, size_t nlen,
    const char *value, size_t vlen, int script);

/* 1 when name[0..len) is a valid attribute name. */
int nitro__attr_name_ok(const char *name, size_t len);

/* Append s[0..n) as a JavaScript string literal quoted with q (' or "). */
int nitro__js_quote(nitro_buf *b, const char *s, size_t n, char q);
/* The same without the quotes: the inside of a string literal. */
int nitro__js_escape(nitro_buf *b, const char *s, size_t n);

/* Content follows: end an open start tag; 0 or the error. */
int nitro__html_content(nitro_html *h);
/* 1 when name[0..len) is a void element (img, br, ...). */
int nitro__is_void(const char *name, size_t len);

/* The field's label: its NITRO_F_LABEL, or its name made readable in
 * buf ("due_date": "Due date"). */
const char *nitro__field_label(const nitro_field *f, char *buf, size_t n);
/* The fields a view shows (not hidden, secret, JSON or BLOB) by their
 * NITRO_F_ORDER, ties in declaration order: up to max into out. */
size_t nitro__fields_shown(const nitro_schema *s, const nitro_field **out, size_t max);

/* The theme a visitor chose, kept in localStorage under this key and
 * set as <html data-theme> before the first paint (views/page.c); the
 * toggle (views/ui.c) reads the theme in effect into `dark`. */
#define NITRO__THEME_KEY "nitro-theme"
#define NITRO__THEME_NOW \
	"const dark = (document.documentElement.getAttribute('data-theme') || " \
	"(matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')) === 'dark'"

/* The pager of page of pages: <nav class="nitro-pagination"> with
 * Previous, the first and last pages, two either side of page and Next,
 * each written by item (cur is the current page, or 0 for Previous and
 * Next, which are never current); gaps as an ellipsis. */
int nitro__pager(nitro_html *h, long page, long pages,
    void (*item)(nitro_html *h, void *ctx, long n, long cur, const char *label), void *ctx);

/* The writer's scratch buffer, emptied, for building an expression. */
nitro_buf *nitro__html_scratch(nitro_html *h);

/*
 * Signals as Datastar reads them, for every place that sends them (the
 * data-signals attribute, the patch-signals event, the JSON reply): a
 * JSON object, compact, in insertion order, '/' not escaped.  *json
 * points into signals (valid until it changes or is freed).  0, or
 * NITRO_EINVAL (not an object) or NITRO_ENOMEM.
 */
int nitro__signals_json(json_object *signals, const char **json, size_t *len);

/*
 * Put v (NULL: JSON null) at the dotted path ("a.b.c") in obj, making
 * the objects on the way; obj takes v's reference, also on failure.
 * NITRO_EINVAL for an empty or over-long segment.
 */
int nitro__json_put_path(json_object *obj, const char *path, json_object *v);

/* Append an event's header lines (event unless type is NULL, id, retry);
 * 0 or NITRO_EINVAL for CR/LF in type or id (nothing appended then). */
int nitro__sse_begin(nitro_buf *b, const char *type, const char *id, long retry_ms);
/* Append "data: key <line>\n" for every line of s[0..n). */
void nitro__sse_lines(nitro_buf *b, const char *key, const char *s, size_t n);
/* End the event started at mark: the blank line, or roll back on error. */
int nitro__sse_end(nitro_buf *b, size_t mark);

#endif
