/*
 * <nitro/views.h>: HTML made reactive with Datastar.
 *
 * - The HTML writer (nitro_html_*) appends to any nitro_buf, usually the
 *   response body.  Text and attribute values are escaped; "raw" means
 *   unescaped, and markup goes unescaped only through nitro_html_raw().  Mistakes by the program (a bad element
 *   or attribute name, an end tag that does not match) set a sticky error:
 *   later calls do nothing and nitro_html_finish() reports it.
 * - Datastar attributes (nitro_ds_*) and JavaScript expressions
 *   (nitro_js_*) in the v1.0 syntax.
 * - Datastar Server-Sent Events (nitro_sse_*) encoded into a nitro_buf
 *   (<nitro/fcgi.h> sends them: nitro_sse_send(), nitro_ds_reply_*()).
 * - The page shell (nitro_page_*) and components (nitro_ui_*).
 *
 * Views know nothing of FastCGI: every function here writes into a
 * buffer or a writer (tests/check_layers.sh keeps it so).
 */
#ifndef NITRO_VIEWS_H
#define NITRO_VIEWS_H

#include <stddef.h>
#include <json-c/json.h>

#include <nitro/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the HTML writer ------------------------------------------------- */

#define NITRO_HTML_MAX_DEPTH 64		/* open elements at once */
#define NITRO_HTML_NAMES 1024		/* bytes for their names */

/*
 * The writer lives on the caller's stack; its fields are private.  It
 * allocates nothing per element: open element names are copied into the
 * fixed names[] so that a closing tag can be checked against them.
 */
typedef struct nitro_html {
	nitro_buf *out;
	int err;			/* sticky: first NITRO_E* */
	unsigned depth;
	int in_tag;			/* a start tag is open for attributes */
	unsigned short top;		/* bytes used in names[] */
	unsigned short off[NITRO_HTML_MAX_DEPTH];
	const char *ptr[NITRO_HTML_MAX_DEPTH];	/* names as given to open */
	const char *void_name;		/* the last void element opened */
	char names[NITRO_HTML_NAMES];
	const char *page_foot;		/* nitro_page_end() writes it */
	nitro_buf scratch;		/* expression builder for nitro_ds_* */
	char scratch_mem[256];
} nitro_html;

/* Start writing into out (which keeps its bytes so far). */
NITRO_API void nitro_html_init(nitro_html *h, nitro_buf *out);
/* Check that every element was closed and release the writer's scratch
 * memory; 0 or the first error (the writer's or the buffer's). */
NITRO_API int nitro_html_finish(nitro_html *h);
/* The sticky error so far (0 when none). */
NITRO_API int nitro_html_error(const nitro_html *h);

/* "<!DOCTYPE html>" */
NITRO_API int nitro_html_doctype(nitro_html *h);
/* Start an element; attributes may follow until the first content.  Void
 * elements (img, br, input, ...) are not pushed and need no close. */
NITRO_API int nitro_html_open(nitro_html *h, const char *name);
/* End the innermost element, which must be name (NULL: whatever it is). */
NITRO_API int nitro_html_close(nitro_html *h, const char *name);
/* An element holding escaped text: <name>text</name>. */
NITRO_API int nitro_html_elem(nitro_html *h, const char *name, const char *text);

/*
 * Scopes that read like the markup they make:
 *
 *	NITRO_HTML(h, "ul") {
 *		nitro_html_attr(h, "class", "list");
 *		NITRO_HTML(h, "li") nitro_html_text(h, name);
 *	}
 *
 * The close runs when the block ends normally; do not leave it with
 * break, goto or return (the writer then reports an unclosed element).
 */
#define NITRO__CAT2(a, b) a##b
#define NITRO__CAT(a, b) NITRO__CAT2(a, b)
#define NITRO_HTML(h, name) \
	for (int NITRO__CAT(nitro__once_, __LINE__) = \
	    (nitro_html_open((h), (name)), 1); \
	    NITRO__CAT(nitro__once_, __LINE__); \
	    NITRO__CAT(nitro__once_, __LINE__) = 0, nitro_html_close((h), (name)))

/* Attributes of the open start tag.  Names must match
 * [A-Za-z_:][-A-Za-z0-9_:.]* and may not start with "on" (event handlers)
 * nor, with a value, be a Datastar expression (data-on:click; see
 * nitro_ds_data); values are escaped. */
NITRO_API int nitro_html_attr(nitro_html *h, const char *name, const char *value);
NITRO_API int nitro_html_attrn(nitro_html *h, const char *name, const char *value, size_t len);
NITRO_API int nitro_html_attr_int(nitro_html *h, const char *name, long long v);
NITRO_API int nitro_html_attr_printf(nitro_html *h, const char *name,
    const char *fmt, ...) NITRO_PRINTF(3, 4);
/* A boolean attribute (" disabled") when on is non-zero; nothing otherwise. */
NITRO_API int nitro_html_attr_bool(nitro_html *h, const char *name, int on);
/*
 * A URL attribute (href, src, action, ...).  Relative URLs and the
 * schemes http, https, mailto and tel pass, and data:image/ (png, jpeg,
 * gif, webp, avif) for images; anything else (javascript:, vbscript:,
 * data:text/html, ...), spelled in any case and with any whitespace or
 * control bytes, is replaced by "about:invalid" and NITRO_EINVAL returned
 * (not sticky: the page stays usable).
 */
NITRO_API int nitro_html_attr_url(nitro_html *h, const char *name, const char *url);
/* Append s percent-encoded for one URL component (a path segment or a
 * query value): every byte but A-Z a-z 0-9 - . _ ~ becomes %XX. */
NITRO_API int nitro_url_encode(nitro_buf *b, const char *s);
/* An event handler or Datastar expression attribute: the escape hatch
 * that allows on* and data-on:click-like names; the value is still
 * entity-escaped, which is always correct inside quotes, but it runs as
 * JavaScript: never put a visitor's text there. */
NITRO_API int nitro_html_attr_handler(nitro_html *h, const char *name, const char *value);

/* Escaped text content. */
NITRO_API int nitro_html_text(nitro_html *h, const char *text);
NITRO_API int nitro_html_textn(nitro_html *h, const char *text, size_t len);
NITRO_API int nitro_html_int(nitro_html *h, long long v);
/* v with decimals digits after the point (0..17). */
NITRO_API int nitro_html_double(nitro_html *h, double v, int decimals);
/* printf, then escape the result. */
NITRO_API int nitro_html_printf(nitro_html *h, const char *fmt, ...) NITRO_PRINTF(2, 3);
/* Markup written as is: the one way to bypass escaping. */
NITRO_API int nitro_html_raw(nitro_html *h, const char *html);
NITRO_API int nitro_html_rawn(nitro_html *h, const char *html, size_t len);

/* Escape s[0..len) for text or a quoted attribute value: & < > " '. */
NITRO_API int nitro_html_escape(nitro_buf *b, const char *s, size_t len);
/* 1 when s (NUL-terminated) is a URL nitro_html_attr_url() accepts. */
NITRO_API int nitro_url_is_safe(const char *url);

/* ---- prepared templates ------------------------------------------------ */

/*
 * A template is a balanced HTML fragment with holes "{{name}}", checked
 * once by nitro_tpl_new() and rendered fast and safely any number of
 * times: each hole's value is escaped for where it sits (text, attribute
 * value, URL attribute, a '...' string inside a Datastar expression).
 * Holes anywhere else, on* attributes, unsafe static URLs, bad names and
 * unbalanced tags are refused when the template is made.  "{{" always
 * starts a hole.  Immutable after creation: safe to share between threads.
 */
typedef struct nitro_tpl nitro_tpl;

/* NULL (with nitro_errmsg saying where) when src is refused. */
NITRO_API nitro_tpl *nitro_tpl_new(const char *src);
NITRO_API void nitro_tpl_free(nitro_tpl *t);
/* The number of values a render takes: distinct hole names (at most 64). */
NITRO_API size_t nitro_tpl_holes(const nitro_tpl *t);
/* Write t with args[0..n) in its holes, one value per distinct name in
 * the order the names first appear (n must equal nitro_tpl_holes();
 * NULL values are empty). */
NITRO_API int nitro_tpl_render(nitro_html *h, const nitro_tpl *t,
    const char *const *args, size_t n);

/* ---- JavaScript expressions ------------------------------------------ */

/* A single-quoted JavaScript string literal: \ ' " < > & U+2028 U+2029
 * and control bytes escaped, so it is safe in an attribute (after HTML
 * escaping) and inside <script>. */
NITRO_API int nitro_js_string(nitro_buf *b, const char *s);
/* A signal reference "$a.b"; the path must be identifiers joined by dots. */
NITRO_API int nitro_js_signal(nitro_buf *b, const char *path);
/* "$open = !$open" */
NITRO_API int nitro_js_toggle(nitro_buf *b, const char *path);
/* "$n++", "$n--" or "$n += by" */
NITRO_API int nitro_js_increment(nitro_buf *b, const char *path, long long by);
/* "$name = 'O\'Neil'" */
NITRO_API int nitro_js_set_string(nitro_buf *b, const char *path, const char *value);
NITRO_API int nitro_js_set_int(nitro_buf *b, const char *path, long long value);
NITRO_API int nitro_js_set_bool(nitro_buf *b, const char *path, int value);

/* Options of a backend action; zero for none. */
struct nitro_ds_action_opts {
	int form;			/* contentType: 'form' */
	const char *selector;		/* the form to send (with form) */
	const char *include;		/* filterSignals include (a RegExp source) */
	const char *exclude;		/* filterSignals exclude */
	const char *const *headers;	/* name, value, ..., NULL */
	int open_when_hidden;		/* openWhenHidden: true */
	const char *retry;		/* retry: 'auto', 'error', 'always', 'never' */
	unsigned retry_interval_ms;	/* retryInterval (0: Datastar's 1000) */
	unsigned retry_max_wait_ms;	/* retryMaxWait (0: Datastar's 30000) */
	unsigned retry_max_count;	/* retryMaxCount (0: Datastar's 10) */
};

/* "@get('/url')", "@post('/url', {...})": method is get, post, put,
 * patch or delete. */
NITRO_API int nitro_js_action(nitro_buf *b, const char *method, const char *url,
    const struct nitro_ds_action_opts *opts);
/* "@setAll(value, {include: new RegExp('re')})" (include may be NULL);
 * value is a JavaScript expression. */
NITRO_API int nitro_js_set_all(nitro_buf *b, const char *value, const char *include);
/* "@toggleAll({include: ...})" */
NITRO_API int nitro_js_toggle_all(nitro_buf *b, const char *include);
/* "@peek(() => expr)" */
NITRO_API int nitro_js_peek(nitro_buf *b, const char *expr);

/* ---- Datastar attributes --------------------------------------------- */

/*
 * data-<plugin>[:key][__mod...]="expr" on the open start tag, for the
 * Datastar attributes whose values are JavaScript: attr, bind, class,
 * computed, effect, indicator, init, json-signals, on, on-intersect,
 * on-interval, on-signal-patch, on-signal-patch-filter, ref, show,
 * signals, style, text, and ignore, ignore-morph, preserve-attr.  Each
 * takes or refuses a key and an expression as Datastar does (data-on
 * needs both, data-text no key, data-bind one of the two...).  key is
 * the part after the colon (NULL: none); mods are modifiers separated by
 * spaces, "debounce.300ms prevent" becoming "__debounce.300ms__prevent";
 * expr (NULL: no value) is the program's JavaScript, HTML-escaped.
 * nitro_html_attr() refuses these names with a value: build expressions
 * with nitro_js_* and write them here.
 */
NITRO_API int nitro_ds_data(nitro_html *h, const char *plugin, const char *key,
    const char *mods, const char *expr);
/* data-signals[__ifmissing]="{compact json}" from a json-c object. */
NITRO_API int nitro_ds_signals(nitro_html *h, json_object *obj, int only_if_missing);
/* data-signals from an entity, as nitro_entity_to_json() writes it
 * (secret fields left out). */
NITRO_API int nitro_ds_signals_entity(nitro_html *h, const nitro_schema *s,
    const void *obj, int only_if_missing);
/*
 * The signals patch of an entity: {"prefix":{"field":value,...}} with
 * prefix a dotted path (NULL: the fields at the top level), for the
 * fields listed (NULL-terminated, in that order; NULL: every field but
 * the secret ones), valued as nitro_entity_to_json() writes them.  The
 * caller puts *out.
 */
NITRO_API int nitro_ds_entity_patch(const nitro_schema *s, const void *obj,
    const char *prefix, const char *const *fields, json_object **out);
/* data-on:event[__mods]="@method('url', {...})" */
NITRO_API int nitro_ds_on_action(nitro_html *h, const char *event, const char *mods,
    const char *method, const char *url, const struct nitro_ds_action_opts *opts);
/* data-init="@get('url', {retry: 'always', ...})": opens a live stream
 * that the browser reopens however it ends (opts->retry overrides). */
NITRO_API int nitro_ds_live(nitro_html *h, const char *url,
    const struct nitro_ds_action_opts *opts);

/* ---- Datastar Server-Sent Events -------------------------------------- */

enum nitro_ds_mode {
	NITRO_DS_OUTER = 0,	/* morph (default) */
	NITRO_DS_INNER,
	NITRO_DS_REPLACE,
	NITRO_DS_PREPEND,
	NITRO_DS_APPEND,
	NITRO_DS_BEFORE,
	NITRO_DS_AFTER,
	NITRO_DS_REMOVE
};

/* The mode's protocol name ("outer"); NULL for a value out of range. */
NITRO_API const char *nitro_ds_mode_name(enum nitro_ds_mode mode);
/* The mode named s; NITRO_EINVAL when unknown. */
NITRO_API int nitro_ds_mode_parse(const char *s, enum nitro_ds_mode *mode);

/*
 * Options every event takes.  id: the SSE id (NULL: none; CR or LF
 * refused).  retry_ms: the reconnection delay; 0 (unset) and 1000 (the
 * client's default) are not written; NITRO_SSE_RETRY_NOW writes
 * "retry: 0" (reconnect at once), since a zeroed struct must mean unset.
 */
#define NITRO_SSE_RETRY_NOW (-1L)

struct nitro_sse_opts {
	const char *id;
	long retry_ms;
};

struct nitro_sse_patch {
	const char *selector;		/* NULL: match elements by id */
	enum nitro_ds_mode mode;
	int view_transition;
	const char *id;
	long retry_ms;
};

struct nitro_sse_script {
	int keep;			/* do not auto-remove the script tag */
	/* Extra attributes: a json-c object (order kept; string values,
	 * true for a bare name, false left out). */
	json_object *attributes;
	const char *id;
	long retry_ms;
};

/*
 * Each encoder appends one whole event to b, or nothing (b as before and a
 * negative NITRO_E* returned).  Options may be NULL.  Multi-line values
 * are split into one data line per line after CR LF and CR become LF.
 * nitro_sse_event() with a NULL type writes no event line: without data,
 * a block that only sets the client's last event id (or retry).
 */
NITRO_API int nitro_sse_event(nitro_buf *b, const char *type,
    const struct nitro_sse_opts *o, const char *const *data, size_t n);
NITRO_API int nitro_sse_patch_elements(nitro_buf *b, const char *html, size_t len,
    const struct nitro_sse_patch *o);
NITRO_API int nitro_sse_remove_elements(nitro_buf *b, const char *selector,
    const struct nitro_sse_opts *o);
NITRO_API int nitro_sse_patch_signals(nitro_buf *b, json_object *signals,
    int only_if_missing, const struct nitro_sse_opts *o);
/* A patch-signals event of an entity (see nitro_ds_entity_patch()). */
NITRO_API int nitro_sse_patch_entity(nitro_buf *b, const nitro_schema *s, const void *obj,
    const char *prefix, const char *const *fields, const struct nitro_sse_opts *o);
/* Signals as JSON text, sent as is. */
NITRO_API int nitro_sse_patch_signals_json(nitro_buf *b, const char *json, size_t len,
    int only_if_missing, const struct nitro_sse_opts *o);
/* Patch the dotted paths to null: {"a":{"b":null}}. */
NITRO_API int nitro_sse_remove_signals(nitro_buf *b, const char *const *paths,
    size_t n, const struct nitro_sse_opts *o);
NITRO_API int nitro_sse_execute_script(nitro_buf *b, const char *script,
    const struct nitro_sse_script *o);
/* setTimeout(() => window.location.href = "url") */
NITRO_API int nitro_sse_redirect(nitro_buf *b, const char *url,
    const struct nitro_sse_opts *o);
/* console.log("message") */
NITRO_API int nitro_sse_console_log(nitro_buf *b, const char *message,
    const struct nitro_sse_opts *o);
/* window.history.replaceState({}, "", "url") */
NITRO_API int nitro_sse_replace_url(nitro_buf *b, const char *url,
    const struct nitro_sse_opts *o);
/* Dispatch a CustomEvent named name with detail (json-c, NULL: null) on
 * document, bubbling, cancelable and composed. */
NITRO_API int nitro_sse_dispatch_event(nitro_buf *b, const char *name,
    json_object *detail, const struct nitro_sse_opts *o);

/* ---- page shell -------------------------------------------------------- */

#define NITRO_DATASTAR_CDN \
	"https://cdn.jsdelivr.net/gh/starfederation/datastar@1.0.0/bundles/datastar.js"

/* Where the runtime serves the bundle named by NITRO_DATASTAR_JS (a
 * local copy: offline use, tests); the page shell's default when it is
 * set. */
#define NITRO_DATASTAR_LOCAL "/datastar.js"

struct nitro_page {
	const char *title;
	const char *lang;		/* default "en" */
	const char *const *stylesheets;	/* NULL-terminated hrefs */
	/* default NITRO_DATASTAR_LOCAL when NITRO_DATASTAR_JS is set,
	 * NITRO_DATASTAR_CDN otherwise */
	const char *datastar_src;
	const char *tailwind_href;	/* a Tailwind CSS stylesheet, or NULL */
	const char *body_class;
	/* More attributes of <html>: name, value, ..., NULL (values escaped;
	 * lang is the field above). */
	const char *const *html_attrs;
	const char *favicon;		/* href of the icon, or NULL */
	/* Markup of the program's own (never a visitor's text), written as
	 * is: at the end of <head>, and before </body> by nitro_page_end(). */
	const char *head;
	const char *foot;
	/* Light and dark: the theme the visitor chose with
	 * nitro_ui_theme_toggle() is set on <html data-theme> by a script at
	 * the top of <head>, before anything is painted (no flash of the
	 * other theme); without a choice, prefers-color-scheme decides. */
	int theme;
};

/* Doctype, <html>, <head> (charset, viewport, the theme's script, title,
 * icon, stylesheets, Datastar script, head), then an open <body>. */
NITRO_API int nitro_page_begin(nitro_html *h, const struct nitro_page *p);
/* The page's foot markup, then </body></html>. */
NITRO_API int nitro_page_end(nitro_html *h);

/* ---- components ---------------------------------------------------------- */

struct nitro_ui_button {
	const char *label;
	const char *variant;		/* class suffix: "primary" (default), ... */
	const char *type;		/* "button" (default), "submit" */
	const char *on_click;		/* data-on:click expression or NULL */
	int disabled;
};
NITRO_API int nitro_ui_button(nitro_html *h, const struct nitro_ui_button *b);

/* <div class="nitro-card">, <h3 class="nitro-card-title">title</h3> when title
 * is not NULL, then an open <div class="nitro-card-body">. */
NITRO_API int nitro_ui_card_begin(nitro_html *h, const char *title);
NITRO_API int nitro_ui_card_end(nitro_html *h);

/* A modal <dialog id=id> (showModal, aria-modal, labelled by its title
 * "<id>-title", closed by Escape or its close button, focus back to the
 * opener), open while the signal open_signal is true, or (NULL) from the
 * moment it appears until it is closed, when it removes itself: the
 * shape for a dialog the server patches in.  End with
 * nitro_ui_dialog_end(). */
NITRO_API int nitro_ui_dialog_begin(nitro_html *h, const char *id,
    const char *open_signal, const char *title);
NITRO_API int nitro_ui_dialog_end(nitro_html *h);

/* A dialog whose confirm button runs action (a Datastar expression such
 * as "@delete('/customers/12')") and closes it; Cancel (focused first)
 * only closes it.  A modal like nitro_ui_dialog_begin()'s. */
struct nitro_ui_confirm {
	const char *id;			/* the dialog's id */
	const char *title;		/* "Delete customer?" */
	const char *message;		/* names the record: "Ada Lovelace will be deleted." */
	const char *action;		/* run on confirm */
	const char *confirm;		/* its label (NULL: "Delete") */
	const char *cancel;		/* NULL: "Cancel" */
	const char *variant;		/* the confirm button's class suffix (NULL: "danger") */
	const char *open_signal;	/* NULL: open as soon as it appears */
};
NITRO_API int nitro_ui_confirm(nitro_html *h, const struct nitro_ui_confirm *c);

/* Tab buttons setting the signal to the tab's index; panels follow with
 * nitro_ui_tab_panel_begin/end.  Tab i is "<signal>-tab-<i>" (dots as
 * dashes) and controls panel "<signal>-panel-<i>"; arrow keys, Home and
 * End move between tabs, and only the selected one is in the tab order. */
NITRO_API int nitro_ui_tabs(nitro_html *h, const char *signal,
    const char *const *labels, size_t n);
NITRO_API int nitro_ui_tab_panel_begin(nitro_html *h, const char *signal, size_t index);
NITRO_API int nitro_ui_tab_panel_end(nitro_html *h);

/* One accordion section (<details><summary>title</summary>...). */
NITRO_API int nitro_ui_accordion_begin(nitro_html *h, const char *title, int open);
NITRO_API int nitro_ui_accordion_end(nitro_html *h);

/* A toast message (role=status, aria-live polite; kind "error": alert)
 * with a Dismiss button, that removes itself after ms (0: stays).  kind
 * (NULL: "info") is lower-case letters, a class suffix. */
NITRO_API int nitro_ui_toast(nitro_html *h, const char *kind, const char *message,
    unsigned ms);

/* A code block: <pre><code class="language-lang"> with code escaped, and
 * (copy) a button that copies it.  lang may be NULL. */
NITRO_API int nitro_ui_code(nitro_html *h, const char *code, const char *lang, int copy);

/* A card showing one entity: title (NULL: its first text field), then
 * each field a view shows (labels and order from the schema's hints) as
 * nitro_table_cell() writes it. */
NITRO_API int nitro_ui_card_entity(nitro_html *h, const nitro_schema *s, const void *obj,
    const char *title);

/* A button that switches between the light and the dark theme and keeps
 * the choice across visits (localStorage); aria-pressed says whether
 * dark is on.  The page needs nitro_page.theme. */
NITRO_API int nitro_ui_theme_toggle(nitro_html *h);

/* A table: ncols headers, then nrows rows of ncols cells (row-major;
 * NULL cells are empty). */
NITRO_API int nitro_ui_table(nitro_html *h, const char *const *headers, size_t ncols,
    const char *const *cells, size_t nrows);

/*
 * A reference field (NITRO_F_REF) shown as a choice of the referenced
 * entity's rows: a <select> of them, or, with search_url, a combobox that
 * searches them on the server as the user types (answer that route with
 * nitro_reply_ref_search() in <nitro/fcgi.h>).
 */
struct nitro_form_ref {
	const char *field;		/* the form's reference field */
	const nitro_schema *schema;	/* the referenced entity */
	const char *label;		/* its field shown for a row ("name") */
	const char *search_url;		/* NULL: a select of every row */
	size_t limit;			/* rows in a select (500), in a search
					 * answer (20) */
};

/*
 * What nitro_ui_form() writes; a zeroed struct is a form of every visible
 * field with the defaults, posted to nowhere.
 */
struct nitro_form_opts {
	const void *values;		/* the entity shown (an edit); NULL: the
					 * schema's defaults (a create) */
	const nitro_verrors *errs;	/* messages shown under their fields */
	const char *const *fields;	/* only these, in this order (a listed
					 * hidden field too); NULL: every field
					 * not hidden, by NITRO_F_ORDER */
	const char *const *exclude;	/* never these */
	const char *id_prefix;		/* element ids "<prefix>-<field>"; NULL:
					 * the schema's name */
	/* Datastar: bind each input to the signal "<bind>.<field>" (bind ""
	 * : "<field>"), declare those signals with the values, and show
	 * $<errors>.<field> (default "errors") under each field, as
	 * nitro_reply_invalid() patches them.  NULL: no binding. */
	const char *bind;
	const char *errors;
	const struct nitro_form_ref *refs;
	size_t nrefs;
	/* The <form> element: action and method ("post") for a plain post;
	 * on_submit, a Datastar expression run instead (data-on:submit
	 * __prevent, "@post('/contacts')"); submit, the button's label
	 * ("Save"; "" for no button). */
	const char *action;
	const char *method;
	const char *on_submit;
	const char *submit;
	int fields_only;		/* no <form> nor button: the caller's */
};

/*
 * A whole form for an entity of schema s, from its schema: a <form
 * class="nitro-form"> holding, per field, a <div class="nitro-field">
 * with a label (NITRO_F_LABEL, or made from the name), the control its
 * type, format and widget call for (number, checkbox, date,
 * datetime-local, email, url, tel, password, color, select for one_of or
 * a reference, radio, textarea for widget "textarea" or max_len > 255,
 * hidden; a file input for BLOB), its constraints as attributes
 * (required, minlength, maxlength, min, max, pattern translated from
 * POSIX to the browser's anchored syntax, or left out when it cannot
 * be), placeholder, help (aria-describedby), width, the value, and the
 * message errs holds for it (aria-invalid).  Everything is escaped.  The
 * id becomes a hidden input when values are given.
 */
NITRO_API int nitro_ui_form(nitro_html *h, const nitro_schema *s,
    const struct nitro_form_opts *o);

/*
 * The fields of nitro_ui_form() for obj (NULL: the defaults) with the
 * messages of errs (may be NULL), without the <form>: the caller writes
 * it around them.
 */
NITRO_API int nitro_ui_form_fields(nitro_html *h, const nitro_schema *s,
    const void *obj, const nitro_verrors *errs);

/* Page links 1..pages around page, to base?page=N (base may hold a
 * query: then &page=N). */
NITRO_API int nitro_ui_pagination(nitro_html *h, const char *base, long page, long pages);

/* ---- tables from a schema ------------------------------------------------ */

/*
 * A table of one entity's records, made from its schema: columns with
 * labels and formatters, headers that sort, a search box, server-side
 * pages, row actions, selection with bulk delete, and (with live_url)
 * rows that change in every open browser when anyone changes them.
 *
 * The table's state (page, size, sort, dir, q) lives in the browser as
 * the signals $<id>.page, ...; every control sets them and fetches url,
 * whose handler (nitro_table_handler() in <nitro/fcgi.h>) reads them back
 * checked (nitro_table_parse()) and answers the table re-rendered.  A
 * plain link or form works too: the same names as query parameters.
 */
#define NITRO_TABLE_SIZE 20		/* rows per page unless the table says */
#define NITRO_TABLE_MAX_SIZE 100	/* the largest page a request may ask */
#define NITRO_TABLE_MAX_COLS 32		/* columns of one table */
#define NITRO_TABLE_Q_MAX 200		/* bytes of search text */

/* Write one cell's content (escaped: through h) for the record row. */
typedef int (*nitro_table_fmt)(nitro_html *h, const nitro_schema *s,
    const nitro_field *f, const void *row, void *udata);

/* How a column's cells line up: by the field's type (numbers at the end,
 * so digits line up), or as the caller says (a formatter that turns a
 * number into words wants the start). */
enum nitro_table_align {
	NITRO_ALIGN_AUTO = 0,
	NITRO_ALIGN_START,
	NITRO_ALIGN_END
};

struct nitro_table_col {
	const char *field;	/* a schema field; NULL: a column only fmt fills */
	const char *label;	/* NULL: the field's NITRO_F_LABEL or its name */
	nitro_table_fmt fmt;	/* NULL: by type (nitro_table_cell()) */
	void *udata;
	int nosort;		/* the header does not sort */
	enum nitro_table_align align;
};

struct nitro_table_action {
	const char *label;	/* "Edit" */
	const char *method;	/* get (NULL), post, put, patch, delete */
	const char *url;	/* "{id}" becomes the row's id, percent-encoded */
	const char *variant;	/* button class suffix; NULL: "secondary" */
};

struct nitro_table {
	const nitro_schema *schema;
	/* The element id and the signals' name: a letter, then letters,
	 * digits or '_' (NULL: the schema's name). */
	const char *id;
	const char *url;		/* GET: the table for the state sent */
	const struct nitro_table_col *cols;	/* NULL: every field shown */
	size_t ncols;
	const struct nitro_table_action *actions;	/* buttons on each row */
	size_t nactions;
	const char *bulk_url;		/* POST: delete the selected rows; NULL: no selection */
	const char *live_url;		/* GET: the table's live stream; NULL: not live */
	const nitro_cond *where;	/* rows must also meet these */
	size_t nwhere;
	long size;			/* rows per page (0: NITRO_TABLE_SIZE) */
	long max_size;			/* largest page (0: NITRO_TABLE_MAX_SIZE) */
	const char *empty;		/* shown without rows (NULL: "Nothing here yet.") */
	const char *title_field;	/* names a row (NULL: the first TEXT shown) */
};

struct nitro_table_state {
	long page;		/* from 1 */
	long size;		/* rows per page */
	const char *sort;	/* a sortable column's field, or NULL: by id */
	int desc;		/* dir=desc */
	const char *q;		/* search text, or NULL */
};

/*
 * The state from its text form (each NULL: the default): page and size
 * decimal, sort a column of t that sorts, dir "asc" or "desc", q at most
 * NITRO_TABLE_Q_MAX bytes of UTF-8.  Anything else is refused, so that
 * nothing a visitor sends reaches SQL but bound values and the schema's
 * own field names.  st's strings point into the arguments or the schema.
 */
NITRO_API int nitro_table_parse(const struct nitro_table *t, struct nitro_table_state *st,
    const char *page, const char *size, const char *sort, const char *dir, const char *q);
/* Query the page of records st asks for and write the whole table. */
NITRO_API int nitro_table_render(nitro_html *h, const struct nitro_table *t,
    const struct nitro_table_state *st);
/* One cell as the table writes it by type: TIME as a date (<time>), BOOL
 * a mark, numbers as they are (the cell is right-aligned), NULL empty. */
NITRO_API int nitro_table_cell(nitro_html *h, const nitro_schema *s,
    const nitro_field *f, const void *row);

#ifdef __cplusplus
}
#endif
#endif /* NITRO_VIEWS_H */
