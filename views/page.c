/*
 * The page shell: doctype, <head> with what every Nitro page needs (charset,
 * viewport, title, stylesheets, the Datastar client), then an open <body>.
 */
#include "views/internal.h"

int nitro_page_begin(nitro_html *h, const struct nitro_page *p)
{
	static const struct nitro_page none;

	if (p == NULL)
		p = &none;
	nitro_html_doctype(h);
	nitro_html_open(h, "html");
	nitro_html_attr(h, "lang", p->lang ? p->lang : "en");
	nitro_html_open(h, "head");
	nitro_html_open(h, "meta");
	nitro_html_attr(h, "charset", "utf-8");
	nitro_html_open(h, "meta");
	nitro_html_attr(h, "name", "viewport");
	nitro_html_attr(h, "content", "width=device-width, initial-scale=1");
	nitro_html_elem(h, "title", p->title ? p->title : "");
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
	nitro_html_attr_url(h, "src", p->datastar_src ? p->datastar_src : NITRO_DATASTAR_CDN);
	nitro_html_close(h, "script");
	nitro_html_close(h, "head");
	nitro_html_open(h, "body");
	if (p->body_class != NULL)
		nitro_html_attr(h, "class", p->body_class);
	return nitro_html_error(h);
}

int nitro_page_end(nitro_html *h)
{
	nitro_html_close(h, "body");
	return nitro_html_close(h, "html");
}
