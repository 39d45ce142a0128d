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

int nitro_ui_dialog_begin(nitro_html *h, const char *id, const char *open_signal,
    const char *title)
{
	nitro_buf *e;

	if (h->err)
		return h->err;
	e = nitro__html_scratch(h);
	if (nitro_js_signal(e, open_signal))
		return nitro__html_fail(h, nitro__errcode(), "dialog: %s", nitro_errmsg());
	nitro_html_open(h, "dialog");
	if (id != NULL)
		nitro_html_attr(h, "id", id);
	nitro_html_attr(h, "class", "nitro-dialog");
	/* The open attribute follows the signal; showModal is not needed for
	 * a non-modal dialog and keeps the markup declarative. */
	nitro_ds_data(h, "attr", "open", NULL, e->data);
	nitro_html_open(h, "div");
	nitro_html_attr(h, "class", "nitro-dialog-head");
	if (title != NULL)
		nitro_html_elem(h, "h2", title);
	nitro_html_open(h, "button");
	nitro_html_attr(h, "type", "button");
	nitro_html_attr(h, "class", "nitro-dialog-close");
	nitro_html_attr(h, "aria-label", "Close");
	e = nitro__html_scratch(h);
	nitro_js_set_bool(e, open_signal, 0);
	nitro_ds_data(h, "on", "click", NULL, e->data);
	nitro_html_raw(h, "&times;");
	nitro_html_close(h, "button");
	nitro_html_close(h, "div");
	nitro_html_open(h, "div");
	return nitro_html_attr(h, "class", "nitro-dialog-body");
}

int nitro_ui_dialog_end(nitro_html *h)
{
	nitro_html_close(h, "div");
	return nitro_html_close(h, "dialog");
}

int nitro_ui_tabs(nitro_html *h, const char *signal, const char *const *labels, size_t n)
{
	nitro_buf *e;
	char cls[64];

	if (h->err)
		return h->err;
	if (nitro_js_signal(nitro__html_scratch(h), signal))
		return nitro__html_fail(h, nitro__errcode(), "tabs: %s", nitro_errmsg());
	nitro_html_open(h, "div");
	nitro_html_attr(h, "class", "nitro-tabs");
	nitro_html_attr(h, "role", "tablist");
	for (size_t i = 0; i < n; i++) {
		nitro_html_open(h, "button");
		nitro_html_attr(h, "type", "button");
		nitro_html_attr(h, "role", "tab");
		nitro_html_attr(h, "class", "nitro-tab");
		e = nitro__html_scratch(h);
		nitro_js_set_int(e, signal, (long long)i);
		nitro_ds_data(h, "on", "click", NULL, e->data);
		e = nitro__html_scratch(h);
		nitro_js_signal(e, signal);
		nitro_buf_printf(e, " === %zu", i);
		nitro_ds_data(h, "class", "active", NULL, e->data);
		snprintf(cls, sizeof cls, "%zu", i);
		nitro_ds_data(h, "attr", "aria-selected", NULL, e->data);
		nitro_html_text(h, labels[i] ? labels[i] : cls);
		nitro_html_close(h, "button");
	}
	return nitro_html_close(h, "div");
}

int nitro_ui_tab_panel_begin(nitro_html *h, const char *signal, size_t index)
{
	nitro_buf *e;

	if (h->err)
		return h->err;
	e = nitro__html_scratch(h);
	if (nitro_js_signal(e, signal))
		return nitro__html_fail(h, nitro__errcode(), "tab panel: %s", nitro_errmsg());
	nitro_buf_printf(e, " === %zu", index);
	nitro_html_open(h, "div");
	nitro_html_attr(h, "role", "tabpanel");
	nitro_html_attr(h, "class", "nitro-tab-panel");
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
	nitro_html_elem(h, "summary", title ? title : "");
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

	nitro_html_open(h, "div");
	nitro_html_attr(h, "role", "status");
	nitro_html_attr_printf(h, "class", "nitro-toast nitro-toast-%s", kind ? kind : "info");
	if (ms > 0) {
		snprintf(mods, sizeof mods, "delay.%ums", ms);
		nitro_ds_data(h, "init", NULL, mods, "el.remove()");
	}
	nitro_html_text(h, message ? message : "");
	return nitro_html_close(h, "div");
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

int nitro_ui_pagination(nitro_html *h, const char *base, long page, long pages)
{
	char sep;
	long from, to;

	if (base == NULL || pages < 1 || page < 1 || page > pages)
		return nitro__html_fail(h, NITRO_EINVAL, "pagination: page %ld of %ld", page, pages);
	sep = strchr(base, '?') ? '&' : '?';
	/* First, last, and two either side of the current page. */
	from = page - 2 > 1 ? page - 2 : 1;
	to = page + 2 < pages ? page + 2 : pages;
	nitro_html_open(h, "nav");
	nitro_html_attr(h, "class", "nitro-pagination");
	nitro_html_attr(h, "aria-label", "Pages");
	if (page > 1)
		page_link(h, base, sep, page - 1, 0, "Previous");
	if (from > 1)
		page_link(h, base, sep, 1, page, NULL);
	if (from > 2)
		nitro_html_elem(h, "span", "…");
	for (long n = from; n <= to; n++)
		page_link(h, base, sep, n, page, NULL);
	if (to < pages - 1)
		nitro_html_elem(h, "span", "…");
	if (to < pages)
		page_link(h, base, sep, pages, page, NULL);
	if (page < pages)
		page_link(h, base, sep, page + 1, 0, "Next");
	return nitro_html_close(h, "nav");
}
