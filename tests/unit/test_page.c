/* Unit tests for the page shell and the components: exact markup. */
#include <stdlib.h>
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

	/* With a local bundle configured, the shell points at where the
	 * runtime serves it. */
	setenv("NITRO_DATASTAR_JS", "/srv/datastar.js", 1);
	begin();
	nitro_page_begin(&h, NULL);
	nitro_page_end(&h);
	T_OK(strstr(out.data ? out.data : "", "<script type=\"module\" src=\""
	    NITRO_DATASTAR_LOCAL "\"></script>") != NULL,
	    "NITRO_DATASTAR_JS set: the default is the local bundle");
	unsetenv("NITRO_DATASTAR_JS");

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

	{
		const char *attrs[] = { "class", "app \"x\"", "data-theme", "dark", NULL };
		struct nitro_page q = { .title = "T", .html_attrs = attrs, .favicon = "/icon.svg",
		    .head = "<meta name=\"x\" content=\"1\">", .foot = "<script src=\"/f.js\"></script>",
		    .theme = 1 };

		begin();
		nitro_page_begin(&h, &q);
		nitro_page_end(&h);
		EXPECT("<!DOCTYPE html><html lang=\"en\" class=\"app &quot;x&quot;\" data-theme=\"dark\">"
		    "<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
		    "initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\">"
		    "<script>try{var t=localStorage.getItem('nitro-theme');if(t==='light'||t==='dark')"
		    "document.documentElement.setAttribute('data-theme',t)}catch(e){}</script>"
		    "<title>T</title><link rel=\"icon\" href=\"/icon.svg\"><script type=\"module\" "
		    "src=\"https://cdn.jsdelivr.net/gh/starfederation/datastar@1.0.0/bundles/datastar.js\">"
		    "</script><meta name=\"x\" content=\"1\"></head><body>"
		    "<script src=\"/f.js\"></script></body></html>",
		    "page options: <html> attributes, theme script first, favicon, head and foot");
		attrs[3] = NULL;
		begin();
		nitro_page_begin(&h, &q);
		T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "an <html> attribute without a value");
		attrs[3] = "dark";
		attrs[0] = "onload";
		begin();
		nitro_page_begin(&h, &q);
		T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "an event handler on <html> is refused");
	}
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
	EXPECT("<dialog id=\"confirm\" class=\"nitro-dialog\" aria-modal=\"true\" "
	    "aria-labelledby=\"confirm-title\" data-preserve-attr=\"open\" "
	    "data-effect=\"$ui.confirm ? (el.open || (el.nitroOpener = document.activeElement, "
	    "el.showModal())) : (el.open &amp;&amp; el.close())\" "
	    "data-on:close=\"$ui.confirm = false; el.nitroOpener &amp;&amp; "
	    "el.nitroOpener.isConnected &amp;&amp; el.nitroOpener.focus()\">"
	    "<div class=\"nitro-dialog-head\"><h2 id=\"confirm-title\" class=\"nitro-dialog-title\">"
	    "Delete?</h2><button type=\"button\" class=\"nitro-dialog-close\" aria-label=\"Close\" "
	    "data-on:click=\"el.closest(&#x27;dialog&#x27;).close()\">&times;</button></div>"
	    "<div class=\"nitro-dialog-body\">Sure?</div></dialog>",
	    "dialog: a modal (showModal, aria-modal, labelled by its title), focus returns on close");
	begin();
	nitro_ui_dialog_begin(&h, "edit", NULL, "Edit <b>");
	nitro_ui_dialog_end(&h);
	EXPECT("<dialog id=\"edit\" class=\"nitro-dialog\" aria-modal=\"true\" "
	    "aria-labelledby=\"edit-title\" data-preserve-attr=\"open\" "
	    "data-init=\"el.nitroOpener = document.activeElement; el.open || el.showModal()\" "
	    "data-on:close=\"el.nitroOpener &amp;&amp; el.nitroOpener.isConnected &amp;&amp; "
	    "el.nitroOpener.focus(); el.remove()\">"
	    "<div class=\"nitro-dialog-head\"><h2 id=\"edit-title\" class=\"nitro-dialog-title\">"
	    "Edit &lt;b&gt;</h2><button type=\"button\" class=\"nitro-dialog-close\" "
	    "aria-label=\"Close\" data-on:click=\"el.closest(&#x27;dialog&#x27;).close()\">"
	    "&times;</button></div><div class=\"nitro-dialog-body\"></div></dialog>",
	    "a dialog the server patches in opens at once and removes itself when closed");
	begin();
	nitro_ui_dialog_begin(&h, NULL, "open", "T");
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "a dialog needs an id");
	{
		struct nitro_ui_confirm c = { .id = "del", .title = "Delete customer?",
		    .message = "Ada <Lovelace> will be deleted.",
		    .action = "@delete('/customers/1')" };

		begin();
		nitro_ui_confirm(&h, &c);
		T_EQ_INT(nitro_html_finish(&h), 0, "a confirmation");
		T_OK(strstr(out.data, "<p id=\"del-message\" class=\"nitro-dialog-message\">"
		    "Ada &lt;Lovelace&gt; will be deleted.</p>") != NULL, "names the record, escaped");
		T_OK(strstr(out.data, "<button type=\"button\" class=\"nitro-btn nitro-btn-secondary\" "
		    "autofocus data-on:click=\"el.closest(&#x27;dialog&#x27;).close()\">Cancel</button>"
		    "<button type=\"button\" class=\"nitro-btn nitro-btn-danger\" data-on:click=\""
		    "@delete(&#x27;/customers/1&#x27;); el.closest(&#x27;dialog&#x27;).close()\">"
		    "Delete</button>") != NULL, "cancel (focused) and confirm");
		T_OK(strstr(out.data, "aria-modal=\"true\"") != NULL, "a modal");
		c.action = NULL;
		begin();
		nitro_ui_confirm(&h, &c);
		T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "a confirmation needs an action");
	}
	begin();
	nitro_ui_dialog_begin(&h, "d", "bad-signal", NULL);
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "dialog with a bad signal refused");

	const char *labels[] = { "One", "Two <2>" };
	begin();
	nitro_ui_tabs(&h, "tab", labels, 2);
	nitro_ui_tab_panel_begin(&h, "tab", 1);
	nitro_html_text(&h, "p2");
	nitro_ui_tab_panel_end(&h);
	EXPECT("<div class=\"nitro-tabs\" role=\"tablist\" data-on:keydown=\"const t = "
	    "[...el.querySelectorAll(&#x27;[role=tab]&#x27;)]; const i = t.indexOf(document.activeElement); "
	    "const k = {ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, "
	    "End: t.length - 1}[evt.key]; if (i &gt;= 0 &amp;&amp; k !== undefined) { evt.preventDefault(); "
	    "const n = t[(k + t.length) % t.length]; n.focus(); n.click() }\">"
	    "<button type=\"button\" role=\"tab\" class=\"nitro-tab\" id=\"tab-tab-0\" "
	    "aria-controls=\"tab-panel-0\" data-on:click=\"$tab = 0\" data-class:active=\"$tab === 0\" "
	    "data-attr:tabindex=\"$tab === 0 ? 0 : -1\" data-attr:aria-selected=\"String($tab === 0)\">One</button>"
	    "<button type=\"button\" role=\"tab\" class=\"nitro-tab\" id=\"tab-tab-1\" "
	    "aria-controls=\"tab-panel-1\" data-on:click=\"$tab = 1\" data-class:active=\"$tab === 1\" "
	    "data-attr:tabindex=\"$tab === 1 ? 0 : -1\" data-attr:aria-selected=\"String($tab === 1)\">"
	    "Two &lt;2&gt;</button></div><div role=\"tabpanel\" class=\"nitro-tab-panel\" "
	    "id=\"tab-panel-1\" aria-labelledby=\"tab-tab-1\" tabindex=\"0\" "
	    "data-show=\"$tab === 1\">p2</div>",
	    "tabs: aria-controls, aria-labelledby, roving tabindex, arrow keys");
	begin();
	nitro_ui_tabs(&h, "ui.tab", labels, 1);
	nitro_html_finish(&h);
	T_OK(strstr(out.data, "id=\"ui-tab-tab-0\" aria-controls=\"ui-tab-panel-0\"") != NULL,
	    "a dotted signal makes ids with dashes");
	begin();
	nitro_ui_tabs(&h, "1x", labels, 2);
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "tabs with a bad signal refused");

	begin();
	nitro_ui_accordion_begin(&h, "FAQ", 1);
	nitro_html_text(&h, "a");
	nitro_ui_accordion_end(&h);
	nitro_ui_accordion_begin(&h, "More", 0);
	nitro_ui_accordion_end(&h);
	EXPECT("<details class=\"nitro-accordion\" open><summary class=\"nitro-accordion-title\">FAQ</summary>"
	    "<div class=\"nitro-accordion-body\">a</div></details>"
	    "<details class=\"nitro-accordion\"><summary class=\"nitro-accordion-title\">More</summary>"
	    "<div class=\"nitro-accordion-body\"></div></details>", "accordion");

	begin();
	nitro_ui_toast(&h, "success", "Saved 'it'", 3000);
	nitro_ui_toast(&h, NULL, "Hi", 0);
	EXPECT("<div role=\"status\" aria-live=\"polite\" class=\"nitro-toast nitro-toast-success\" "
	    "data-init__delay.3000ms=\"el.remove()\"><span class=\"nitro-toast-text\">"
	    "Saved &#x27;it&#x27;</span><button type=\"button\" class=\"nitro-toast-close\" "
	    "aria-label=\"Dismiss\" data-on:click=\"el.parentElement.remove()\">&times;</button></div>"
	    "<div role=\"status\" aria-live=\"polite\" class=\"nitro-toast nitro-toast-info\">"
	    "<span class=\"nitro-toast-text\">Hi</span><button type=\"button\" "
	    "class=\"nitro-toast-close\" aria-label=\"Dismiss\" "
	    "data-on:click=\"el.parentElement.remove()\">&times;</button></div>",
	    "toasts: a live region, dismissible, timed");
	begin();
	nitro_ui_toast(&h, "error", "No", 0);
	nitro_html_finish(&h);
	T_OK(strstr(out.data, "<div role=\"alert\" aria-live=\"assertive\"") == out.data,
	    "an error toast is an alert");
	begin();
	nitro_ui_toast(&h, "x\" onclick=\"", "No", 0);
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "a kind that is not a class name is refused");

	begin();
	nitro_ui_code(&h, "if (a < b && c) puts(\"</code>\");", "c", 1);
	EXPECT("<div class=\"nitro-code\"><pre><code class=\"language-c\">if (a &lt; b &amp;&amp; c) "
	    "puts(&quot;&lt;/code&gt;&quot;);</code></pre><button type=\"button\" "
	    "class=\"nitro-code-copy\" data-on:click=\"navigator.clipboard.writeText("
	    "el.previousElementSibling.textContent).then(() =&gt; el.textContent = &#x27;Copied&#x27;, "
	    "() =&gt; el.textContent = &#x27;Copy failed&#x27;)\">Copy</button></div>",
	    "code block: escaped, a language class, a copy button");
	begin();
	nitro_ui_code(&h, "x", NULL, 0);
	EXPECT("<div class=\"nitro-code\"><pre><code>x</code></pre></div>", "plain code block");
	begin();
	nitro_ui_code(&h, "x", "c\" onload=\"x", 0);
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "a language that is not a name is refused");

	begin();
	nitro_ui_theme_toggle(&h);
	nitro_html_finish(&h);
	T_OK(strstr(out.data, "class=\"nitro-theme-toggle\" aria-label=\"Dark theme\" "
	    "aria-pressed=\"false\"") != NULL, "theme toggle: a named toggle button");
	T_OK(strstr(out.data, "localStorage.setItem(&#x27;nitro-theme&#x27;, next)") != NULL,
	    "that keeps the choice");

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
	/* The shell's default depends on it; the expectations are written
	 * for a machine without a local bundle. */
	unsetenv("NITRO_DATASTAR_JS");
	nitro_buf_init(&out, 0);
	test_page();
	test_components();
	nitro_buf_free(&out);
	return t_done();
}
