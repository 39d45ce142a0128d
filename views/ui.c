/*
 * Components: plain functions that take the writer and their data.  Class
 * names follow one small scheme (nitro-btn, nitro-card, ...) that a
 * stylesheet or Tailwind's @apply can style; behaviour is Datastar.
 */
#include <stdio.h>
#include <string.h>

#include "views/internal.h"

int nitro_ui_button(nitro_html *h, const struct nitro_ui_button *b)
{
	if (b == NULL || b->label == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "button without a label");
	nitro_html_open(h, "button");
	nitro_html_attr(h, "type", b->type ? b->type : "button");
	nitro_html_attr_printf(h, "class", "nitro-btn nitro-btn-%s",
	    b->variant ? b->variant : "primary");
	nitro_html_attr_bool(h, "disabled", b->disabled);
	if (b->on_click != NULL)
		nitro_ds_data(h, "on", "click", NULL, b->on_click);
	nitro_html_text(h, b->label);
	return nitro_html_close(h, "button");
}

int nitro_ui_card_begin(nitro_html *h, const char *title)
{
	nitro_html_open(h, "div");
	nitro_html_attr(h, "class", "nitro-card");
	if (title != NULL) {
		nitro_html_open(h, "h3");
		nitro_html_attr(h, "class", "nitro-card-title");
		nitro_html_text(h, title);
		nitro_html_close(h, "h3");
	}
	nitro_html_open(h, "div");
	return nitro_html_attr(h, "class", "nitro-card-body");
}

int nitro_ui_card_end(nitro_html *h)
{
	nitro_html_close(h, "div");
	return nitro_html_close(h, "div");
}

/*
 * A real modal: showModal() puts the rest of the page out of reach (inert)
 * and the browser closes it on Escape; aria-modal and the title's id tell
 * screen readers the same.  Whoever had focus when it opened gets it back
 * when it closes, however it closes.  data-preserve-attr keeps a later
 * morph of the dialog from taking its open attribute away.
 */
/* A button showing a cross, named label for screen readers, running expr. */
static void cross_button(nitro_html *h, const char *cls, const char *label, const char *expr)
{
	nitro_html_open(h, "button");
	nitro_html_attr(h, "type", "button");
	nitro_html_attr(h, "class", cls);
	nitro_html_attr(h, "aria-label", label);
	nitro_ds_data(h, "on", "click", NULL, expr);
	nitro_html_raw(h, "&times;");
	nitro_html_close(h, "button");
}

#define DIALOG_RETURN_FOCUS \
	"el.nitroOpener && el.nitroOpener.isConnected && el.nitroOpener.focus()"

int nitro_ui_dialog_begin(nitro_html *h, const char *id, const char *open_signal,
    const char *title)
{
	nitro_buf *e;

	if (h->err)
		return h->err;
	if (id == NULL || *id == '\0')
		return nitro__html_fail(h, NITRO_EINVAL, "dialog: an id is needed (its "
		    "title is labelled by it)");
	e = nitro__html_scratch(h);
	if (open_signal != NULL && nitro_js_signal(e, open_signal))
		return nitro__html_fail(h, nitro__errcode(), "dialog: %s", nitro_errmsg());
	nitro_html_open(h, "dialog");
	nitro_html_attr(h, "id", id);
	nitro_html_attr(h, "class", "nitro-dialog");
	nitro_html_attr(h, "aria-modal", "true");
	if (title != NULL)
		nitro_html_attr_printf(h, "aria-labelledby", "%s-title", id);
	nitro_ds_data(h, "preserve-attr", NULL, NULL, "open");
	e = nitro__html_scratch(h);
	if (open_signal != NULL) {
		/* Open while the signal is true; closing sets it false. */
		nitro_js_signal(e, open_signal);
		nitro_buf_puts(e, " ? (el.open || (el.nitroOpener = document.activeElement, "
		    "el.showModal())) : (el.open && el.close())");
		nitro_ds_data(h, "effect", NULL, NULL, e->data);
		e = nitro__html_scratch(h);
		nitro_js_set_bool(e, open_signal, 0);
		nitro_buf_puts(e, "; " DIALOG_RETURN_FOCUS);
		nitro_ds_data(h, "on", "close", NULL, e->data);
	} else {
		/* Patched in by the server: open at once, gone once closed. */
		nitro_ds_data(h, "init", NULL, NULL, "el.nitroOpener = document.activeElement; "
		    "el.open || el.showModal()");
		nitro_ds_data(h, "on", "close", NULL, DIALOG_RETURN_FOCUS "; el.remove()");
	}
	nitro_html_open(h, "div");
	nitro_html_attr(h, "class", "nitro-dialog-head");
	if (title != NULL) {
		nitro_html_open(h, "h2");
		nitro_html_attr_printf(h, "id", "%s-title", id);
		nitro_html_attr(h, "class", "nitro-dialog-title");
		nitro_html_text(h, title);
		nitro_html_close(h, "h2");
	}
	cross_button(h, "nitro-dialog-close", "Close", "el.closest('dialog').close()");
	nitro_html_close(h, "div");
	nitro_html_open(h, "div");
	return nitro_html_attr(h, "class", "nitro-dialog-body");
}

int nitro_ui_dialog_end(nitro_html *h)
{
	nitro_html_close(h, "div");
	return nitro_html_close(h, "dialog");
}

int nitro_ui_confirm(nitro_html *h, const struct nitro_ui_confirm *c)
{
	nitro_buf *e;

	if (h->err)
		return h->err;
	if (c == NULL || c->id == NULL || c->title == NULL || c->action == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "confirm: an id, a title and an "
		    "action are needed");
	nitro_ui_dialog_begin(h, c->id, c->open_signal, c->title);
	nitro_html_open(h, "p");
	nitro_html_attr_printf(h, "id", "%s-message", c->id);
	nitro_html_attr(h, "class", "nitro-dialog-message");
	nitro_html_text(h, c->message ? c->message : "");
	nitro_html_close(h, "p");
	nitro_html_open(h, "div");
	nitro_html_attr(h, "class", "nitro-dialog-actions");
	/* Cancel first and focused: Enter on a confirmation keeps the data. */
	nitro_html_open(h, "button");
	nitro_html_attr(h, "type", "button");
	nitro_html_attr(h, "class", "nitro-btn nitro-btn-secondary");
	nitro_html_attr_bool(h, "autofocus", 1);
	nitro_ds_data(h, "on", "click", NULL, "el.closest('dialog').close()");
	nitro_html_text(h, c->cancel ? c->cancel : "Cancel");
	nitro_html_close(h, "button");
	nitro_html_open(h, "button");
	nitro_html_attr(h, "type", "button");
	nitro_html_attr_printf(h, "class", "nitro-btn nitro-btn-%s",
	    c->variant ? c->variant : "danger");
	e = nitro__html_scratch(h);
	nitro_buf_puts(e, c->action);
	nitro_buf_puts(e, "; el.closest('dialog').close()");
	nitro_ds_data(h, "on", "click", NULL, e->data);
	nitro_html_text(h, c->confirm ? c->confirm : "Delete");
	nitro_html_close(h, "button");
	nitro_html_close(h, "div");
	return nitro_ui_dialog_end(h);
}

/* The element ids of tab i and its panel: the signal's path with '-' for
 * '.', so that several tab sets on a page never share ids. */
static void tab_ids(char *tab, char *panel, size_t n, const char *signal, size_t i)
{
	char base[80];
	size_t k;

	for (k = 0; signal[k] && k + 1 < sizeof base; k++)
		base[k] = signal[k] == '.' ? '-' : signal[k];
	base[k] = '\0';
	snprintf(tab, n, "%s-tab-%zu", base, i);
	snprintf(panel, n, "%s-panel-%zu", base, i);
}

/* Arrow keys move between tabs (and wrap), Home and End go to the ends;
 * each move selects the tab it reaches (automatic activation). */
#define TABS_KEYS \
	"const t = [...el.querySelectorAll('[role=tab]')]; " \
	"const i = t.indexOf(document.activeElement); " \
	"const k = {ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, " \
	"Home: 0, End: t.length - 1}[evt.key]; " \
	"if (i >= 0 && k !== undefined) { evt.preventDefault(); " \
	"const n = t[(k + t.length) % t.length]; n.focus(); n.click() }"

int nitro_ui_tabs(nitro_html *h, const char *signal, const char *const *labels, size_t n)
{
	nitro_buf *e;
	char num[32], tab[112], panel[112];

	if (h->err)
		return h->err;
	if (nitro_js_signal(nitro__html_scratch(h), signal))
		return nitro__html_fail(h, nitro__errcode(), "tabs: %s", nitro_errmsg());
	nitro_html_open(h, "div");
	nitro_html_attr(h, "class", "nitro-tabs");
	nitro_html_attr(h, "role", "tablist");
	nitro_ds_data(h, "on", "keydown", NULL, TABS_KEYS);
	for (size_t i = 0; i < n; i++) {
		tab_ids(tab, panel, sizeof tab, signal, i);
		nitro_html_open(h, "button");
		nitro_html_attr(h, "type", "button");
		nitro_html_attr(h, "role", "tab");
		nitro_html_attr(h, "class", "nitro-tab");
		nitro_html_attr(h, "id", tab);
		nitro_html_attr(h, "aria-controls", panel);
		e = nitro__html_scratch(h);
		nitro_js_set_int(e, signal, (long long)i);
		nitro_ds_data(h, "on", "click", NULL, e->data);
		e = nitro__html_scratch(h);
		nitro_js_signal(e, signal);
		nitro_buf_printf(e, " === %zu", i);
		nitro_ds_data(h, "class", "active", NULL, e->data);
		/* Roving tabindex: Tab reaches the selected tab only. */
		nitro_buf_puts(e, " ? 0 : -1");
		nitro_ds_data(h, "attr", "tabindex", NULL, e->data);
		/* "true"/"false" as text: data-attr makes true an empty value
		 * and removes the attribute for false. */
		e = nitro__html_scratch(h);
		nitro_buf_puts(e, "String(");
		nitro_js_signal(e, signal);
		nitro_buf_printf(e, " === %zu)", i);
		nitro_ds_data(h, "attr", "aria-selected", NULL, e->data);
		snprintf(num, sizeof num, "%zu", i + 1);
		nitro_html_text(h, labels != NULL && labels[i] != NULL ? labels[i] : num);
		nitro_html_close(h, "button");
	}
	return nitro_html_close(h, "div");
}

int nitro_ui_tab_panel_begin(nitro_html *h, const char *signal, size_t index)
{
	nitro_buf *e;
	char tab[112], panel[112];

	if (h->err)
		return h->err;
	e = nitro__html_scratch(h);
	if (nitro_js_signal(e, signal))
		return nitro__html_fail(h, nitro__errcode(), "tab panel: %s", nitro_errmsg());
	nitro_buf_printf(e, " === %zu", index);
	tab_ids(tab, panel, sizeof tab, signal, index);
	nitro_html_open(h, "div");
	nitro_html_attr(h, "role", "tabpanel");
	nitro_html_attr(h, "class", "nitro-tab-panel");
	nitro_html_attr(h, "id", panel);
	nitro_html_attr(h, "aria-labelledby", tab);
	nitro_html_attr(h, "tabindex", "0");
	return nitro_ds_data(h, "show", NULL, NULL, e->data);
}

int nitro_ui_tab_panel_end(nitro_html *h)
{
	return nitro_html_close(h, "div");
}

int nitro_ui_accordion_begin(nitro_html *h, const char *title, int open)
{
	nitro_html_open(h, "details");
	nitro_html_attr(h, "class", "nitro-accordion");
	nitro_html_attr_bool(h, "open", open);
	nitro_html_open(h, "summary");
	nitro_html_attr(h, "class", "nitro-accordion-title");
	nitro_html_text(h, title ? title : "");
	nitro_html_close(h, "summary");
	nitro_html_open(h, "div");
	return nitro_html_attr(h, "class", "nitro-accordion-body");
}

int nitro_ui_accordion_end(nitro_html *h)
{
	nitro_html_close(h, "div");
	return nitro_html_close(h, "details");
}

int nitro_ui_toast(nitro_html *h, const char *kind, const char *message, unsigned ms)
{
	char mods[32];
	int error = kind != NULL && strcmp(kind, "error") == 0;

	if (kind != NULL && (*kind == '\0' || strspn(kind, "abcdefghijklmnopqrstuvwxyz-") !=
	    strlen(kind)))
		return nitro__html_fail(h, NITRO_EINVAL, "toast: kind is lower-case letters");
	nitro_html_open(h, "div");
	/* An error interrupts (alert); anything else waits its turn. */
	nitro_html_attr(h, "role", error ? "alert" : "status");
	nitro_html_attr(h, "aria-live", error ? "assertive" : "polite");
	nitro_html_attr_printf(h, "class", "nitro-toast nitro-toast-%s", kind ? kind : "info");
	if (ms > 0) {
		snprintf(mods, sizeof mods, "delay.%ums", ms);
		nitro_ds_data(h, "init", NULL, mods, "el.remove()");
	}
	nitro_html_open(h, "span");
	nitro_html_attr(h, "class", "nitro-toast-text");
	nitro_html_text(h, message ? message : "");
	nitro_html_close(h, "span");
	cross_button(h, "nitro-toast-close", "Dismiss", "el.parentElement.remove()");
	return nitro_html_close(h, "div");
}

int nitro_ui_code(nitro_html *h, const char *code, const char *lang, int copy)
{
	if (h->err)
		return h->err;
	if (lang != NULL && (*lang == '\0' || strlen(lang) > 32 ||
	    strspn(lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#_-") !=
	    strlen(lang)))
		return nitro__html_fail(h, NITRO_EINVAL, "code: a language is a short name");
	nitro_html_open(h, "div");
	nitro_html_attr(h, "class", "nitro-code");
	nitro_html_open(h, "pre");
	nitro_html_open(h, "code");
	if (lang != NULL)
		nitro_html_attr_printf(h, "class", "language-%s", lang);
	nitro_html_text(h, code ? code : "");
	nitro_html_close(h, "code");
	nitro_html_close(h, "pre");
	if (copy) {
		nitro_html_open(h, "button");
		nitro_html_attr(h, "type", "button");
		nitro_html_attr(h, "class", "nitro-code-copy");
		nitro_ds_data(h, "on", "click", NULL, "navigator.clipboard.writeText("
		    "el.previousElementSibling.textContent).then(() => "
		    "el.textContent = 'Copied', () => el.textContent = 'Copy failed')");
		nitro_html_text(h, "Copy");
		nitro_html_close(h, "button");
	}
	return nitro_html_close(h, "div");
}

int nitro_ui_card_entity(nitro_html *h, const nitro_schema *s, const void *obj,
    const char *title)
{
	const nitro_field *f[NITRO_MAX_FIELDS];
	char label[64];
	size_t n;

	if (h->err)
		return h->err;
	if (s == NULL || obj == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "card: no entity");
	n = nitro__fields_shown(s, f, NITRO_MAX_FIELDS);
	for (size_t i = 0; i < n && title == NULL; i++)
		if (f[i]->type == NITRO_T_TEXT && !f[i]->id &&
		    nitro_entity_is_null(s, obj, f[i]->name) == 0)
			title = *(char *const *)(const void *)((const char *)obj + f[i]->offset);
	nitro_ui_card_begin(h, title);
	nitro_html_open(h, "dl");
	nitro_html_attr(h, "class", "nitro-card-fields");
	for (size_t i = 0; i < n; i++) {
		nitro_html_elem(h, "dt", nitro__field_label(f[i], label, sizeof label));
		nitro_html_open(h, "dd");
		nitro_table_cell(h, s, f[i], obj);
		nitro_html_close(h, "dd");
	}
	nitro_html_close(h, "dl");
	return nitro_ui_card_end(h);
}

int nitro_ui_theme_toggle(nitro_html *h)
{
	nitro_html_open(h, "button");
	nitro_html_attr(h, "type", "button");
	nitro_html_attr(h, "class", "nitro-theme-toggle");
	nitro_html_attr(h, "aria-label", "Dark theme");
	nitro_html_attr(h, "aria-pressed", "false");
	nitro_ds_data(h, "init", NULL, NULL, NITRO__THEME_NOW
	    "; el.setAttribute('aria-pressed', String(dark))");
	nitro_ds_data(h, "on", "click", NULL, NITRO__THEME_NOW
	    "; const next = dark ? 'light' : 'dark'; "
	    "document.documentElement.setAttribute('data-theme', next); "
	    "try { localStorage.setItem('" NITRO__THEME_KEY "', next) } catch (e) {} "
	    "el.setAttribute('aria-pressed', String(!dark))");
	nitro_html_open(h, "span");
	nitro_html_attr(h, "aria-hidden", "true");
	nitro_html_raw(h, "\xe2\x97\x90");	/* a half-filled circle */
	nitro_html_close(h, "span");
	return nitro_html_close(h, "button");
}

int nitro_ui_table(nitro_html *h, const char *const *headers, size_t ncols,
    const char *const *cells, size_t nrows)
{
	size_t cells_n;

	if (__builtin_mul_overflow(ncols, nrows, &cells_n) ||
	    (cells == NULL && cells_n > 0))
		return nitro__html_fail(h, NITRO_EINVAL, "table: bad cell count");
	nitro_html_open(h, "table");
	nitro_html_attr(h, "class", "nitro-table");
	if (headers != NULL) {
		nitro_html_open(h, "thead");
		nitro_html_open(h, "tr");
		for (size_t c = 0; c < ncols; c++)
			nitro_html_elem(h, "th", headers[c]);
		nitro_html_close(h, "tr");
		nitro_html_close(h, "thead");
	}
	nitro_html_open(h, "tbody");
	for (size_t r = 0; r < nrows; r++) {
		nitro_html_open(h, "tr");
		for (size_t c = 0; c < ncols; c++)
			nitro_html_elem(h, "td", cells[r * ncols + c]);
		nitro_html_close(h, "tr");
	}
	nitro_html_close(h, "tbody");
	return nitro_html_close(h, "table");
}

/* One link to page n, or the current page as plain text. */
static void page_link(nitro_html *h, const char *base, char sep, long n, long cur,
    const char *label)
{
	char href[1024];

	if (n == cur) {
		nitro_html_open(h, "span");
		nitro_html_attr(h, "class", "nitro-page nitro-page-current");
		nitro_html_attr(h, "aria-current", "page");
	} else {
		int len = snprintf(href, sizeof href, "%s%cpage=%ld", base, sep, n);

		if (len < 0 || (size_t)len >= sizeof href) {
			nitro__html_fail(h, NITRO_ELIMIT, "pagination: base URL too long");
			return;
		}
		nitro_html_open(h, "a");
		nitro_html_attr(h, "class", "nitro-page");
		nitro_html_attr_url(h, "href", href);
	}
	if (label != NULL)
		nitro_html_text(h, label);
	else
		nitro_html_int(h, n);
	nitro_html_close(h, NULL);
}

int nitro__pager(nitro_html *h, long page, long pages,
    void (*item)(nitro_html *h, void *ctx, long n, long cur, const char *label), void *ctx)
{
	long from, to;

	/* First, last, and two either side of the current page. */
	from = page - 2 > 1 ? page - 2 : 1;
	to = page + 2 < pages ? page + 2 : pages;
	nitro_html_open(h, "nav");
	nitro_html_attr(h, "class", "nitro-pagination");
	nitro_html_attr(h, "aria-label", "Pages");
	if (page > 1)
		item(h, ctx, page - 1, 0, "Previous");
	if (from > 1)
		item(h, ctx, 1, page, NULL);
	if (from > 2)
		nitro_html_elem(h, "span", "\xe2\x80\xa6");
	for (long n = from; n <= to; n++)
		item(h, ctx, n, page, NULL);
	if (to < pages - 1)
		nitro_html_elem(h, "span", "\xe2\x80\xa6");
	if (to < pages)
		item(h, ctx, pages, page, NULL);
	if (page < pages)
		item(h, ctx, page + 1, 0, "Next");
	return nitro_html_close(h, "nav");
}

struct link_ctx {
	const char *base;
	char sep;
};

static void link_item(nitro_html *h, void *ctx, long n, long cur, const char *label)
{
	const struct link_ctx *c = ctx;

	page_link(h, c->base, c->sep, n, cur, label);
}

int nitro_ui_pagination(nitro_html *h, const char *base, long page, long pages)
{
	struct link_ctx c;

	if (base == NULL || pages < 1 || page < 1 || page > pages)
		return nitro__html_fail(h, NITRO_EINVAL, "pagination: page %ld of %ld", page, pages);
	c.base = base;
	c.sep = strchr(base, '?') ? '&' : '?';
	return nitro__pager(h, page, pages, link_item, &c);
}
