/*
 * The page shell: doctype, <head> with what every Nitro page needs (charset,
 * viewport, title, stylesheets, the Datastar client) and what the program
 * adds, then an open <body>.
 */
#include "views/internal.h"

/* The visitor's theme, set before the first paint: it runs while <head> is
 * parsed, ahead of the stylesheets, so no frame shows the other theme.
 * Storage may be refused (private modes): then the system's theme holds. */
static const char theme_script[] =
    "<script>try{var t=localStorage.getItem('" NITRO__THEME_KEY "');"
    "if(t==='light'||t==='dark')document.documentElement.setAttribute('data-theme',t)}"
    "catch(e){}</script>";

int nitro_page_begin(nitro_html *h, const struct nitro_page *p)
{
	static const struct nitro_page none;

	if (p == NULL)
		p = &none;
	nitro_html_doctype(h);
	nitro_html_open(h, "html");
	nitro_html_attr(h, "lang", p->lang ? p->lang : "en");
	for (const char *const *a = p->html_attrs; a != NULL && a[0] != NULL; a += 2) {
		if (a[1] == NULL)
			return nitro__html_fail(h, NITRO_EINVAL, "page: <html> attribute %.40s "
			    "without a value", a[0]);
		nitro_html_attr(h, a[0], a[1]);
	}
	nitro_html_open(h, "head");
	nitro_html_open(h, "meta");
	nitro_html_attr(h, "charset", "utf-8");
	nitro_html_open(h, "meta");
	nitro_html_attr(h, "name", "viewport");
	nitro_html_attr(h, "content", "width=device-width, initial-scale=1");
	if (p->theme) {
		nitro_html_open(h, "meta");
		nitro_html_attr(h, "name", "color-scheme");
		nitro_html_attr(h, "content", "light dark");
		nitro_html_raw(h, theme_script);
	}
	nitro_html_elem(h, "title", p->title ? p->title : "");
	if (p->favicon != NULL) {
		nitro_html_open(h, "link");
		nitro_html_attr(h, "rel", "icon");
		nitro_html_attr_url(h, "href", p->favicon);
	}
	for (const char *const *s = p->stylesheets; s != NULL && *s != NULL; s++) {
		nitro_html_open(h, "link");
		nitro_html_attr(h, "rel", "stylesheet");
		nitro_html_attr_url(h, "href", *s);
	}
	if (p->tailwind_href != NULL) {
		nitro_html_open(h, "link");
		nitro_html_attr(h, "rel", "stylesheet");
		nitro_html_attr_url(h, "href", p->tailwind_href);
	}
	nitro_html_open(h, "script");
	nitro_html_attr(h, "type", "module");
	nitro_html_attr_url(h, "src", p->datastar_src ? p->datastar_src :
	    *nitro_config_str("NITRO_DATASTAR_JS", "") ? NITRO_DATASTAR_LOCAL :
	    NITRO_DATASTAR_CDN);
	nitro_html_close(h, "script");
	if (p->head != NULL)
		nitro_html_raw(h, p->head);
	nitro_html_close(h, "head");
	nitro_html_open(h, "body");
	if (p->body_class != NULL)
		nitro_html_attr(h, "class", p->body_class);
	h->page_foot = p->foot;
	return nitro_html_error(h);
}

int nitro_page_end(nitro_html *h)
{
	if (h->page_foot != NULL)
		nitro_html_raw(h, h->page_foot);
	h->page_foot = NULL;
	nitro_html_close(h, "body");
	return nitro_html_close(h, "html");
}
