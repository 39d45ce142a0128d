/* Unit tests for the HTML writer: structure, escaping, names, URLs. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nitro/views.h"
#include "t.h"

static nitro_buf out;
static nitro_html h;

static void begin(void)
{
	nitro_buf_reset(&out);
	nitro_html_init(&h, &out);
}

/* Finish the writer and compare the bytes. */
#define EXPECT(want, name) do { \
	int rc_ = nitro_html_finish(&h); \
	T_EQ_INT(rc_, 0, name " (no error)"); \
	T_EQ_STR(out.data ? out.data : "", want, name); \
} while (0)

#define EXPECT_FAIL(code, name) \
	T_EQ_INT(nitro_html_finish(&h), code, name)

static void test_structure(void)
{
	begin();
	nitro_html_open(&h, "div");
	nitro_html_attr(&h, "class", "card");
	nitro_html_open(&h, "p");
	nitro_html_text(&h, "hi");
	nitro_html_close(&h, "p");
	nitro_html_close(&h, "div");
	EXPECT("<div class=\"card\"><p>hi</p></div>", "open/attr/text/close");

	begin();
	NITRO_HTML(&h, "ul") {
		nitro_html_attr(&h, "id", "l");
		NITRO_HTML(&h, "li") nitro_html_text(&h, "a");
		NITRO_HTML(&h, "li") nitro_html_text(&h, "b");
	}
	EXPECT("<ul id=\"l\"><li>a</li><li>b</li></ul>", "NITRO_HTML scopes nest");

	begin();
	nitro_html_open(&h, "p");
	nitro_html_open(&h, "img");
	nitro_html_attr(&h, "alt", "x");
	nitro_html_open(&h, "br");
	nitro_html_text(&h, "t");
	nitro_html_close(&h, NULL);
	EXPECT("<p><img alt=\"x\"><br>t</p>", "void elements need no close");

	begin();
	NITRO_HTML(&h, "input") nitro_html_attr_bool(&h, "disabled", 1);
	EXPECT("<input disabled>", "NITRO_HTML on a void element");

	begin();
	nitro_html_open(&h, "div");
	nitro_html_close(&h, NULL);
	EXPECT("<div></div>", "empty element");

	begin();
	nitro_html_doctype(&h);
	nitro_html_elem(&h, "title", "A & B");
	EXPECT("<!DOCTYPE html><title>A &amp; B</title>", "doctype and elem");

	begin();
	nitro_html_open(&h, "div");
	nitro_html_open(&h, "span");
	nitro_html_close(&h, "div");
	EXPECT_FAIL(NITRO_EINVAL, "mismatched close is an error");
	T_OK(strstr(nitro_errmsg(), "</div> closes <span>") != NULL, "message names both tags");

	begin();
	nitro_html_open(&h, "div");
	nitro_html_close(&h, "div");
	nitro_html_close(&h, "div");
	EXPECT_FAIL(NITRO_EINVAL, "close with nothing open");

	begin();
	nitro_html_open(&h, "section");
	EXPECT_FAIL(NITRO_EINVAL, "unclosed element reported by finish");

	begin();
	nitro_html_open(&h, "div");
	nitro_html_close(&h, "span");
	nitro_html_text(&h, "after");
	nitro_html_close(&h, "div");
	EXPECT_FAIL(NITRO_EINVAL, "error is sticky");
	T_EQ_STR(out.data, "<div", "nothing written after the error");

	begin();
	for (int i = 0; i < NITRO_HTML_MAX_DEPTH; i++)
		nitro_html_open(&h, "div");
	T_EQ_INT(nitro_html_error(&h), 0, "max depth allowed");
	T_EQ_INT(nitro_html_open(&h, "div"), NITRO_ELIMIT, "one deeper refused");
	nitro_html_finish(&h);

	begin();
	nitro_html_open(&h, "my-widget2");
	nitro_html_close(&h, "my-widget2");
	EXPECT("<my-widget2></my-widget2>", "custom element names");

	const char *bad[] = { "", "1a", "di v", "a>", "<a", "a\"b", "-x", NULL };
	for (int i = 0; bad[i]; i++) {
		begin();
		nitro_html_open(&h, bad[i]);
		EXPECT_FAIL(NITRO_EINVAL, "bad element name refused");
	}
	begin();
	nitro_html_open(&h, NULL);
	EXPECT_FAIL(NITRO_EINVAL, "NULL element name refused");
}

static void test_escaping(void)
{
	begin();
	nitro_html_text(&h, "<script>alert('x')</script> & \"q\"");
	EXPECT("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;",
	    "text escapes the five specials");

	begin();
	nitro_html_open(&h, "a");
	nitro_html_attr(&h, "title", "\" onmouseover=\"alert(1)");
	nitro_html_close(&h, "a");
	EXPECT("<a title=\"&quot; onmouseover=&quot;alert(1)\"></a>", "attribute breakout escaped");

	begin();
	nitro_html_open(&h, "div");
	nitro_html_attr(&h, "data-x", "'><img src=x onerror=alert(1)>");
	nitro_html_close(&h, "div");
	EXPECT("<div data-x=\"&#x27;&gt;&lt;img src=x onerror=alert(1)&gt;\"></div>",
	    "single quote breakout escaped");

	begin();
	nitro_html_text(&h, "&amp; is already");
	EXPECT("&amp;amp; is already", "entities are escaped again (no double decode)");

	begin();
	nitro_html_textn(&h, "a\0<b", 4);
	T_EQ_INT(nitro_html_finish(&h), 0, "textn with NUL");
	T_EQ_MEM(out.data, out.len, "a\0&lt;b", 7, "textn keeps length");

	begin();
	nitro_html_text(&h, "héllo — ✓");
	EXPECT("héllo — ✓", "UTF-8 passes through");

	begin();
	nitro_html_text(&h, NULL);
	EXPECT("", "NULL text writes nothing");

	/* Long text: runs and entities across buffer growth. */
	char big[5000];
	for (int i = 0; i < 4999; i++)
		big[i] = "ab<cd&ef\"gh'ij>"[i % 15];
	big[4999] = '\0';
	begin();
	nitro_html_text(&h, big);
	T_EQ_INT(nitro_html_finish(&h), 0, "long text");
	size_t want = 0;
	for (int i = 0; i < 4999; i++) {
		char c = big[i];
		want += c == '<' || c == '>' ? 4 : c == '&' ? 5 : c == '"' || c == '\'' ? 6 : 1;
	}
	T_EQ_INT(out.len, want, "long text escaped length");
	T_OK(strncmp(out.data, "ab&lt;cd&amp;ef&quot;gh&#x27;ij&gt;ab", 37) == 0, "long text bytes");
	T_EQ_INT(strlen(out.data), out.len, "NUL-terminated");

	nitro_buf lim;
	nitro_buf_init(&lim, 10);
	T_EQ_INT(nitro_html_escape(&lim, "<<<<", 4), NITRO_ELIMIT, "escape respects buffer max");
	nitro_buf_free(&lim);

	/* Escaping into a borrowed (stack) buffer. */
	char mem[8];
	nitro_buf sb;
	nitro_buf_init_on(&sb, mem, sizeof mem, 0);
	nitro_html_escape(&sb, "<x>&<y>", 7);
	T_EQ_STR(sb.data, "&lt;x&gt;&amp;&lt;y&gt;", "escape grows a stack buffer");
	nitro_buf_free(&sb);
}

static void test_attrs(void)
{
	begin();
	nitro_html_open(&h, "input");
	nitro_html_attr(&h, "type", "checkbox");
	nitro_html_attr_bool(&h, "checked", 1);
	nitro_html_attr_bool(&h, "disabled", 0);
	nitro_html_attr_int(&h, "tabindex", -3);
	nitro_html_attr_printf(&h, "aria-label", "%s <%d>", "n", 5);
	EXPECT("<input type=\"checkbox\" checked tabindex=\"-3\" aria-label=\"n &lt;5&gt;\">",
	    "bool, int and printf attributes");

	const char *good[] = { "data-x:click__debounce.300ms", "xml:lang", "_x",
	    ":a", "data-first:name", "aria-x", NULL };
	for (int i = 0; good[i]; i++) {
		begin();
		nitro_html_open(&h, "b");
		nitro_html_attr(&h, good[i], "v");
		nitro_html_close(&h, "b");
		T_EQ_INT(nitro_html_finish(&h), 0, good[i]);
	}
	const char *bad[] = { "", "1x", "a b", "a=b", "a\"", "a>", "-x", ".x", "a/b",
	    "x\n", "é", NULL };
	for (int i = 0; bad[i]; i++) {
		begin();
		nitro_html_open(&h, "b");
		nitro_html_attr(&h, bad[i], "v");
		EXPECT_FAIL(NITRO_EINVAL, "bad attribute name refused");
	}
	const char *on[] = { "onclick", "ONLOAD", "onerror", "On", NULL };
	for (int i = 0; on[i]; i++) {
		begin();
		nitro_html_open(&h, "b");
		nitro_html_attr(&h, on[i], "alert(1)");
		EXPECT_FAIL(NITRO_EINVAL, "on* handler refused");
	}
	begin();
	nitro_html_open(&h, "b");
	nitro_html_attr_bool(&h, "onclick", 1);
	EXPECT_FAIL(NITRO_EINVAL, "on* refused as boolean too");

	begin();
	nitro_html_open(&h, "b");
	nitro_html_attr_handler(&h, "onclick", "go(\"x\")");
	nitro_html_close(&h, "b");
	EXPECT("<b onclick=\"go(&quot;x&quot;)\"></b>", "attr_handler allows on*, still escapes");

	begin();
	nitro_html_open(&h, "b");
	nitro_html_text(&h, "t");
	nitro_html_attr(&h, "id", "late");
	EXPECT_FAIL(NITRO_EINVAL, "attribute after content refused");

	begin();
	nitro_html_attr(&h, "id", "x");
	EXPECT_FAIL(NITRO_EINVAL, "attribute with no element refused");

	begin();
	nitro_html_open(&h, "b");
	nitro_html_attr(&h, "id", NULL);
	EXPECT_FAIL(NITRO_EINVAL, "NULL attribute value refused");
}

static void test_urls(void)
{
	const char *safe[] = { "/a/b?c=1", "https://x.org/", "HTTP://x", "mailto:a@b",
	    "tel:+1", "page.html", "?q=1", "#top", "//cdn.x/y.js", "b/c:x",
	    "data:image/png;base64,AAAA", "DATA:Image/JPEG;base64,xx", "",
	    "./javascript:alert(1)", NULL };
	const char *unsafe[] = { "javascript:alert(1)", "JavaScript:alert(1)",
	    " javascript:x", "\x01javascript:x", "java\tscript:x", "java\nscript:x",
	    "java\rscript:x", "vbscript:msgbox", "data:text/html,<script>",
	    "data:image/svg+xml;base64,PHN2Zz4=", "data:,x", "file:///etc/passwd",
	    "jAvAsCrIpT\x0b:x", "blob:https://x/1", ":x", "livescript:x",
	    "verylongschemenameisnotallowed:x", "data:image/png",
	    "foo bar:baz" /* spaces skipped: refused, conservatively */, NULL };

	for (int i = 0; safe[i]; i++)
		T_OK(nitro_url_is_safe(safe[i]), safe[i]);
	for (int i = 0; unsafe[i]; i++)
		T_OK(!nitro_url_is_safe(unsafe[i]), "unsafe URL refused");
	T_OK(!nitro_url_is_safe(NULL), "NULL URL refused");

	begin();
	nitro_html_open(&h, "a");
	T_EQ_INT(nitro_html_attr_url(&h, "href", "/p?a=1&b=\"2\""), 0, "safe URL accepted");
	nitro_html_close(&h, "a");
	EXPECT("<a href=\"/p?a=1&amp;b=&quot;2&quot;\"></a>", "URL value escaped");

	begin();
	nitro_html_open(&h, "a");
	T_EQ_INT(nitro_html_attr_url(&h, "href", "javascript:alert(1)"), NITRO_EINVAL,
	    "javascript: refused");
	nitro_html_text(&h, "x");
	nitro_html_close(&h, "a");
	EXPECT("<a href=\"about:invalid\">x</a>", "refused URL replaced, not sticky");
}

static void test_format(void)
{
	begin();
	nitro_html_int(&h, -9223372036854775807LL - 1);
	nitro_html_raw(&h, " ");
	nitro_html_double(&h, 3.14159, 2);
	nitro_html_raw(&h, " ");
	nitro_html_double(&h, 1e300, 17);
	EXPECT("-9223372036854775808 3.14 1.0000000000000001e+300", "int and double");

	begin();
	nitro_html_double(&h, 1.0, 18);
	EXPECT_FAIL(NITRO_EINVAL, "decimals out of range");

	begin();
	nitro_html_printf(&h, "%s has %d <items>", "O'Neil", 3);
	EXPECT("O&#x27;Neil has 3 &lt;items&gt;", "printf result escaped");

	char long_s[600];
	memset(long_s, '<', sizeof long_s - 1);
	long_s[sizeof long_s - 1] = '\0';
	begin();
	nitro_html_printf(&h, "[%s]", long_s);
	T_EQ_INT(nitro_html_finish(&h), 0, "long printf");
	T_EQ_INT(out.len, 2 + 599 * 4, "long printf escaped via scratch");

	begin();
	nitro_html_raw(&h, "<b>trusted</b>");
	EXPECT("<b>trusted</b>", "raw is raw");

	begin();
	nitro_html_open(&h, "p");
	nitro_html_rawn(&h, "<i>", 3);
	nitro_html_close(&h, "p");
	EXPECT("<p><i></p>", "rawn ends the start tag first");
}

/* Strings that end right before an unmapped page: the vector escaper may
 * read ahead only within a page. */
static void test_page_edge(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok = 1;

	T_OK(m != MAP_FAILED, "mmap two pages");
	if (m == MAP_FAILED)
		return;
	mprotect(m + pg, (size_t)pg, PROT_NONE);
	for (size_t n = 0; n <= 40; n++) {
		char *s = m + pg - n;
		nitro_buf eb = NITRO_BUF_INIT;

		for (size_t i = 0; i < n; i++)
			s[i] = "a<b&c\"d'e>fghijklmnop"[i % 21];
		nitro_html_escape(&eb, s, n);
		size_t want = 0;
		for (size_t i = 0; i < n; i++)
			want += strchr("<>", s[i]) ? 4 : s[i] == '&' ? 5 : strchr("\"'", s[i]) ? 6 : 1;
		if (eb.len != want)
			ok = 0;
		nitro_buf_free(&eb);
	}
	T_OK(ok, "escaping up to a page boundary: no fault, right lengths");
	munmap(m, (size_t)pg * 2);
}

static void test_fmt_paths(void)
{
	begin();
	nitro_html_printf(&h, "%s|%d|%i|%u|%ld|%lu|%lld|%llu|%zu|%c|%%", "s<", -12, 7, 4000000000u,
	    -9000000000L, 9000000000UL, -9223372036854775807LL - 1, 18446744073709551615ULL,
	    (size_t)42, 'x');
	EXPECT("s&lt;|-12|7|4000000000|-9000000000|9000000000|-9223372036854775808|"
	    "18446744073709551615|42|x|%", "fast format conversions");
	begin();
	nitro_html_printf(&h, "[%5d|%-3s|%.2f|%x|%05.1f]", 42, "a", 3.14159, 255, 2.25);
	EXPECT("[   42|a  |3.14|ff|002.2]", "flags, width, precision fall back to vsnprintf");

	/* A reused buffer as element name: the stored name is closed. */
	char nm[8] = "div";
	begin();
	nitro_html_open(&h, nm);
	strcpy(nm, "p");
	nitro_html_close(&h, nm);
	EXPECT("<div></div>", "close by the same pointer writes the opened name");
}

int main(void)
{
	nitro_buf_init(&out, 0);
	test_structure();
	test_escaping();
	test_attrs();
	test_urls();
	test_format();
	test_page_edge();
	test_fmt_paths();
	nitro_buf_free(&out);
	return t_done();
}
