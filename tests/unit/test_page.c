/* Unit tests for the page shell and the components: exact markup. */
#include <string.h>

#include "nitro/views.h"
#include "t.h"

static nitro_buf out;
static nitro_html h;

static void begin(void)
{
	nitro_buf_reset(&out);
	nitro_html_init(&h, &out);
}

#define EXPECT(want, name) do { \
	int rc_ = nitro_html_finish(&h); \
	T_EQ_INT(rc_, 0, name); \
	T_EQ_STR(out.data ? out.data : "", want, name); \
} while (0)

static void test_page(void)
{
	struct nitro_page p = { 0 };
	const char *css[] = { "/app.css", "javascript:alert(1)", NULL };

	begin();
	nitro_page_begin(&h, NULL);
	nitro_page_end(&h);
	EXPECT("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<title></title><script type=\"module\" src=\"https://cdn.jsdelivr.net/gh/"
	    "starfederation/datastar@1.0.0/bundles/datastar.js\"></script></head>"
	    "<body></body></html>", "default page shell");

	p.title = "Shop <Tom & Jerry>";
	p.lang = "fr";
	p.stylesheets = css;
	p.datastar_src = "/static/datastar.js";
	p.tailwind_href = "/static/tailwind.css";
	p.body_class = "bg-white";
	begin();
	nitro_page_begin(&h, &p);
	nitro_html_elem(&h, "h1", "Hi");
	nitro_page_end(&h);
	EXPECT("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<title>Shop &lt;Tom &amp; Jerry&gt;</title>"
	    "<link rel=\"stylesheet\" href=\"/app.css\">"
	    "<link rel=\"stylesheet\" href=\"about:invalid\">"
	    "<link rel=\"stylesheet\" href=\"/static/tailwind.css\">"
	    "<script type=\"module\" src=\"/static/datastar.js\"></script></head>"
	    "<body class=\"bg-white\"><h1>Hi</h1></body></html>",
	    "configured page: title escaped, unsafe stylesheet neutralised, local Datastar");

	begin();
	nitro_page_begin(&h, NULL);
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "page without end is reported");
}

static void test_components(void)
{
	struct nitro_ui_button b = { 0 };

	b.label = "Add <1>";
	b.on_click = "@post('/cart')";
	begin();
	nitro_ui_button(&h, &b);
	EXPECT("<button type=\"button\" class=\"nitro-btn nitro-btn-primary\" "
	    "data-on:click=\"@post(&#x27;/cart&#x27;)\">Add &lt;1&gt;</button>", "button");
	b.variant = "danger";
	b.type = "submit";
	b.disabled = 1;
	b.on_click = NULL;
	begin();
	nitro_ui_button(&h, &b);
	EXPECT("<button type=\"submit\" class=\"nitro-btn nitro-btn-danger\" disabled>"
	    "Add &lt;1&gt;</button>", "submit button, disabled");
	begin();
	T_EQ_INT(nitro_ui_button(&h, NULL), NITRO_EINVAL, "button without data refused");
	nitro_html_finish(&h);

	begin();
	nitro_ui_card_begin(&h, "Title & more");
	nitro_html_text(&h, "body");
	nitro_ui_card_end(&h);
	EXPECT("<div class=\"nitro-card\"><h3 class=\"nitro-card-title\">Title &amp; more</h3>"
	    "<div class=\"nitro-card-body\">body</div></div>", "card");
	begin();
	nitro_ui_card_begin(&h, NULL);
	nitro_ui_card_end(&h);
	EXPECT("<div class=\"nitro-card\"><div class=\"nitro-card-body\"></div></div>",
	    "card without title");

	begin();
	nitro_ui_dialog_begin(&h, "confirm", "ui.confirm", "Delete?");
	nitro_html_text(&h, "Sure?");
	nitro_ui_dialog_end(&h);
	EXPECT("<dialog id=\"confirm\" class=\"nitro-dialog\" data-attr:open=\"$ui.confirm\">"
	    "<div class=\"nitro-dialog-head\"><h2>Delete?</h2><button type=\"button\" "
	    "class=\"nitro-dialog-close\" aria-label=\"Close\" "
	    "data-on:click=\"$ui.confirm = false\">&times;</button></div>"
	    "<div class=\"nitro-dialog-body\">Sure?</div></dialog>", "dialog");
	begin();
	nitro_ui_dialog_begin(&h, "d", "bad-signal", NULL);
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "dialog with a bad signal refused");

	const char *labels[] = { "One", "Two <2>" };
	begin();
	nitro_ui_tabs(&h, "tab", labels, 2);
	nitro_ui_tab_panel_begin(&h, "tab", 1);
	nitro_html_text(&h, "p2");
	nitro_ui_tab_panel_end(&h);
	EXPECT("<div class=\"nitro-tabs\" role=\"tablist\">"
	    "<button type=\"button\" role=\"tab\" class=\"nitro-tab\" data-on:click=\"$tab = 0\" "
	    "data-class:active=\"$tab === 0\" data-attr:aria-selected=\"$tab === 0\">One</button>"
	    "<button type=\"button\" role=\"tab\" class=\"nitro-tab\" data-on:click=\"$tab = 1\" "
	    "data-class:active=\"$tab === 1\" data-attr:aria-selected=\"$tab === 1\">Two &lt;2&gt;</button>"
	    "</div><div role=\"tabpanel\" class=\"nitro-tab-panel\" data-show=\"$tab === 1\">p2</div>",
	    "tabs and a panel");
	begin();
	nitro_ui_tabs(&h, "1x", labels, 2);
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "tabs with a bad signal refused");

	begin();
	nitro_ui_accordion_begin(&h, "FAQ", 1);
	nitro_html_text(&h, "a");
	nitro_ui_accordion_end(&h);
	nitro_ui_accordion_begin(&h, "More", 0);
	nitro_ui_accordion_end(&h);
	EXPECT("<details class=\"nitro-accordion\" open><summary>FAQ</summary>"
	    "<div class=\"nitro-accordion-body\">a</div></details>"
	    "<details class=\"nitro-accordion\"><summary>More</summary>"
	    "<div class=\"nitro-accordion-body\"></div></details>", "accordion");

	begin();
	nitro_ui_toast(&h, "success", "Saved 'it'", 3000);
	nitro_ui_toast(&h, NULL, "Hi", 0);
	EXPECT("<div role=\"status\" class=\"nitro-toast nitro-toast-success\" "
	    "data-init__delay.3000ms=\"el.remove()\">Saved &#x27;it&#x27;</div>"
	    "<div role=\"status\" class=\"nitro-toast nitro-toast-info\">Hi</div>", "toasts");

	const char *hd[] = { "Name", "Price" };
	const char *cells[] = { "Tea <green>", "3.50", NULL, "1" };
	begin();
	nitro_ui_table(&h, hd, 2, cells, 2);
	EXPECT("<table class=\"nitro-table\"><thead><tr><th>Name</th><th>Price</th></tr></thead>"
	    "<tbody><tr><td>Tea &lt;green&gt;</td><td>3.50</td></tr><tr><td></td><td>1</td></tr>"
	    "</tbody></table>", "table from rows");
	begin();
	nitro_ui_table(&h, NULL, 1, NULL, 0);
	EXPECT("<table class=\"nitro-table\"><tbody></tbody></table>", "empty table");
	begin();
	nitro_ui_table(&h, NULL, 2, NULL, 3);
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "table rows without cells refused");

	begin();
	nitro_ui_pagination(&h, "/items?q=a&b", 5, 10);
	EXPECT("<nav class=\"nitro-pagination\" aria-label=\"Pages\">"
	    "<a class=\"nitro-page\" href=\"/items?q=a&amp;b&amp;page=4\">Previous</a>"
	    "<a class=\"nitro-page\" href=\"/items?q=a&amp;b&amp;page=1\">1</a><span>…</span>"
	    "<a class=\"nitro-page\" href=\"/items?q=a&amp;b&amp;page=3\">3</a>"
	    "<a class=\"nitro-page\" href=\"/items?q=a&amp;b&amp;page=4\">4</a>"
	    "<span class=\"nitro-page nitro-page-current\" aria-current=\"page\">5</span>"
	    "<a class=\"nitro-page\" href=\"/items?q=a&amp;b&amp;page=6\">6</a>"
	    "<a class=\"nitro-page\" href=\"/items?q=a&amp;b&amp;page=7\">7</a><span>…</span>"
	    "<a class=\"nitro-page\" href=\"/items?q=a&amp;b&amp;page=10\">10</a>"
	    "<a class=\"nitro-page\" href=\"/items?q=a&amp;b&amp;page=6\">Next</a></nav>",
	    "pagination in the middle");
	begin();
	nitro_ui_pagination(&h, "/p", 1, 1);
	EXPECT("<nav class=\"nitro-pagination\" aria-label=\"Pages\"><span class=\"nitro-page "
	    "nitro-page-current\" aria-current=\"page\">1</span></nav>", "one page");
	begin();
	nitro_ui_pagination(&h, "/p", 2, 3);
	EXPECT("<nav class=\"nitro-pagination\" aria-label=\"Pages\">"
	    "<a class=\"nitro-page\" href=\"/p?page=1\">Previous</a>"
	    "<a class=\"nitro-page\" href=\"/p?page=1\">1</a>"
	    "<span class=\"nitro-page nitro-page-current\" aria-current=\"page\">2</span>"
	    "<a class=\"nitro-page\" href=\"/p?page=3\">3</a>"
	    "<a class=\"nitro-page\" href=\"/p?page=3\">Next</a></nav>", "short pagination");
	begin();
	nitro_ui_pagination(&h, "/p", 4, 3);
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "page beyond the last refused");
	begin();
	nitro_ui_pagination(&h, "javascript:x", 1, 2);
	nitro_html_finish(&h);
	T_OK(strstr(out.data, "javascript") == NULL, "pagination base URL checked");
}

int main(void)
{
	nitro_buf_init(&out, 0);
	test_page();
	test_components();
	nitro_buf_free(&out);
	return t_done();
}
