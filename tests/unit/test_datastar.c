/* Unit tests for Datastar attributes and JavaScript expression helpers. */
#include <string.h>

#include "nitro/views.h"
#include "views/internal.h"
#include "t.h"

static nitro_buf out, js;
static nitro_html h;

/* Each attribute test writes <b ATTR></b>. */
static void begin(void)
{
	nitro_buf_reset(&out);
	nitro_html_init(&h, &out);
	nitro_html_open(&h, "b");
}

#define EXPECT(attrs, name) do { \
	nitro_html_close(&h, "b"); \
	int rc_ = nitro_html_finish(&h); \
	T_EQ_INT(rc_, 0, name " (no error)"); \
	T_EQ_STR(out.data, "<b" attrs "></b>", name); \
} while (0)

#define EXPECT_FAIL(name) do { \
	nitro_html_close(&h, "b"); \
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, name); \
} while (0)

#define JS(call, want, name) do { \
	nitro_buf_reset(&js); \
	int rc_ = (call); \
	T_EQ_INT(rc_, 0, name " (rc)"); \
	T_EQ_STR(js.data ? js.data : "", want, name); \
} while (0)

#define JS_FAIL(call, name) do { \
	nitro_buf_reset(&js); \
	T_EQ_INT((call), NITRO_EINVAL, name); \
} while (0)

static void test_attributes(void)
{
	begin(); nitro_ds_data(&h, "signals", "count", NULL, "1");
	EXPECT(" data-signals:count=\"1\"", "data-signals:key");

	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string("O'Neil </b>"));
	json_object_object_add(o, "url", json_object_new_string("/a/b"));
	json_object_object_add(o, "n", json_object_new_int(2));
	begin(); nitro_ds_signals(&h, o, 0);
	EXPECT(" data-signals=\"{&quot;name&quot;:&quot;O&#x27;Neil &lt;/b&gt;&quot;,"
	    "&quot;url&quot;:&quot;/a/b&quot;,&quot;n&quot;:2}\"",
	    "data-signals from json-c, compact, ordered, / unescaped, HTML-escaped");
	begin(); nitro_ds_signals(&h, o, 1);
	T_OK(strncmp(out.data, "<b data-signals__ifmissing=\"{", 29) == 0, "data-signals__ifmissing");
	nitro_html_finish(&h);
	json_object_put(o);
	begin(); nitro_ds_signals(&h, NULL, 0);
	EXPECT_FAIL("data-signals needs an object");

	begin(); nitro_ds_data(&h, "computed", "total", NULL, "$a + $b");
	EXPECT(" data-computed:total=\"$a + $b\"", "data-computed");
	begin(); nitro_ds_data(&h, "bind", "first-name", NULL, NULL);
	EXPECT(" data-bind:first-name", "data-bind:key");
	begin(); nitro_ds_data(&h, "bind", NULL, NULL, "email");
	EXPECT(" data-bind=\"email\"", "data-bind=\"name\" via nitro_ds_data");
	begin(); nitro_ds_data(&h, "text", NULL, NULL, "$count");
	EXPECT(" data-text=\"$count\"", "data-text");
	begin(); nitro_ds_data(&h, "show", NULL, NULL, "$open && $n > 0");
	EXPECT(" data-show=\"$open &amp;&amp; $n &gt; 0\"", "data-show escapes && and >");
	begin(); nitro_ds_data(&h, "class", "active", NULL, "$on");
	EXPECT(" data-class:active=\"$on\"", "data-class:key");
	begin(); nitro_ds_data(&h, "class", NULL, NULL, "{hidden: !$open, 'font-bold': $b}");
	EXPECT(" data-class=\"{hidden: !$open, &#x27;font-bold&#x27;: $b}\"", "data-class object");
	begin(); nitro_ds_data(&h, "attr", "disabled", NULL, "$busy");
	EXPECT(" data-attr:disabled=\"$busy\"", "data-attr:key");
	begin(); nitro_ds_data(&h, "attr", NULL, NULL, "{title: $t}");
	EXPECT(" data-attr=\"{title: $t}\"", "data-attr object");
	begin(); nitro_ds_data(&h, "style", "color", NULL, "$c");
	EXPECT(" data-style:color=\"$c\"", "data-style:key");
	begin(); nitro_ds_data(&h, "effect", NULL, NULL, "console.log($x)");
	EXPECT(" data-effect=\"console.log($x)\"", "data-effect");
	begin(); nitro_ds_data(&h, "indicator", "busy", NULL, NULL);
	EXPECT(" data-indicator:busy", "data-indicator");
	begin(); nitro_ds_data(&h, "ref", "box", NULL, NULL);
	EXPECT(" data-ref:box", "data-ref");
	begin(); nitro_ds_data(&h, "init", NULL, NULL, "@get('/feed')");
	EXPECT(" data-init=\"@get(&#x27;/feed&#x27;)\"", "data-init");
	begin(); nitro_ds_data(&h, "init", NULL, "delay.500ms", "$x = 1");
	EXPECT(" data-init__delay.500ms=\"$x = 1\"", "data-init with modifier");
	begin(); nitro_ds_data(&h, "on", "click", NULL, "$n++");
	EXPECT(" data-on:click=\"$n++\"", "data-on:click");
	begin(); nitro_ds_data(&h, "on", "input", "debounce.300ms", "@get('/s')");
	EXPECT(" data-on:input__debounce.300ms=\"@get(&#x27;/s&#x27;)\"", "data-on debounce");
	begin(); nitro_ds_data(&h, "on", "keydown", " window  prevent stop ", "x()");
	EXPECT(" data-on:keydown__window__prevent__stop=\"x()\"", "several modifiers, spaces trimmed");
	begin(); nitro_ds_data(&h, "on", "click", "once passive capture outside delay.500ms throttle.1s viewtransition", "x()");
	EXPECT(" data-on:click__once__passive__capture__outside__delay.500ms__throttle.1s__viewtransition=\"x()\"",
	    "every documented data-on modifier");
	begin(); nitro_ds_data(&h, "on-intersect", NULL, "once", "@get('/more')");
	EXPECT(" data-on-intersect__once=\"@get(&#x27;/more&#x27;)\"", "data-on-intersect");
	begin(); nitro_ds_data(&h, "on-interval", NULL, "duration.2s", "$t++");
	EXPECT(" data-on-interval__duration.2s=\"$t++\"", "data-on-interval");
	begin(); nitro_ds_data(&h, "on-signal-patch", NULL, NULL, "save()");
	EXPECT(" data-on-signal-patch=\"save()\"", "data-on-signal-patch");
	begin(); nitro_ds_data(&h, "ignore", NULL, NULL, NULL);
	EXPECT(" data-ignore", "data-ignore");
	begin(); nitro_ds_data(&h, "ignore", NULL, "self", NULL);
	EXPECT(" data-ignore__self", "data-ignore__self");
	begin(); nitro_ds_data(&h, "ignore-morph", NULL, NULL, NULL);
	EXPECT(" data-ignore-morph", "data-ignore-morph");
	begin(); nitro_ds_data(&h, "preserve-attr", NULL, NULL, "open class");
	EXPECT(" data-preserve-attr=\"open class\"", "data-preserve-attr");
	begin(); nitro_ds_data(&h, "json-signals", NULL, NULL, NULL);
	EXPECT(" data-json-signals", "data-json-signals");

	struct nitro_ds_action_opts ao = { 0 };
	ao.form = 1;
	begin(); nitro_ds_on_action(&h, "submit", "prevent", "post", "/todos?a=1&b=2", &ao);
	EXPECT(" data-on:submit__prevent=\"@post(&#x27;/todos?a=1\\u0026b=2&#x27;, "
	    "{contentType: &#x27;form&#x27;})\"", "data-on with an action");

	/* A live stream is reopened however it ends: a worker that dies ends
	 * it cleanly through nginx. */
	begin(); nitro_ds_live(&h, "/todos/live", NULL);
	EXPECT(" data-init=\"@get(&#x27;/todos/live&#x27;, {retry: &#x27;always&#x27;})\"",
	    "a live stream retries always by default");
	ao = (struct nitro_ds_action_opts){ .retry = "error", .retry_max_count = 3 };
	begin(); nitro_ds_live(&h, "/l", &ao);
	EXPECT(" data-init=\"@get(&#x27;/l&#x27;, {retry: &#x27;error&#x27;, retryMaxCount: 3})\"",
	    "the caller's retry mode wins");
	begin(); nitro_ds_live(&h, NULL, NULL);
	EXPECT_FAIL("a live stream without a URL refused");

	/* Refusals: bad keys and modifiers cannot break the tag. */
	begin(); nitro_ds_data(&h, "on", "click\" onmouseover=\"x", NULL, "1");
	EXPECT_FAIL("quote in event name refused");
	begin(); nitro_ds_data(&h, "class", "a b", NULL, "1");
	EXPECT_FAIL("space in key refused");
	begin(); nitro_ds_data(&h, "on", "click", "debounce\"", "1");
	EXPECT_FAIL("quote in modifier refused");
	begin(); nitro_ds_data(&h, "bind", "", NULL, NULL);
	EXPECT_FAIL("empty key refused");
	begin(); nitro_ds_data(&h, "bind", NULL, NULL, NULL);
	EXPECT_FAIL("data-bind without key or value refused");
	begin(); nitro_ds_data(&h, "bind", "a", NULL, "b");
	EXPECT_FAIL("data-bind with both key and value refused");
	begin(); nitro_ds_data(&h, "text", "k", NULL, "$x");
	EXPECT_FAIL("data-text:key refused (Datastar denies its key)");
	begin(); nitro_ds_data(&h, "ignore-morph", NULL, NULL, "1");
	EXPECT_FAIL("data-ignore-morph with a value refused");
	begin(); nitro_ds_data(&h, "persist", NULL, NULL, "x");
	EXPECT_FAIL("a plugin not in the table refused");
	begin(); nitro_ds_data(&h, "ON", "click", NULL, "x");
	EXPECT_FAIL("plugin names are lower case");
	begin(); nitro_ds_data(&h, "text", NULL, NULL, NULL);
	EXPECT_FAIL("data-text without expression refused");
	begin(); nitro_ds_data(&h, "on", NULL, NULL, "x");
	EXPECT_FAIL("data-on without event refused");
	begin(); nitro_ds_data(&h, "", NULL, NULL, NULL);
	EXPECT_FAIL("empty plugin refused");
	begin(); nitro_ds_on_action(&h, "click", NULL, "exec", "/x", NULL);
	EXPECT_FAIL("unknown action method refused");
	char longkey[300];
	memset(longkey, 'k', sizeof longkey - 1);
	longkey[sizeof longkey - 1] = '\0';
	begin(); nitro_ds_data(&h, "bind", longkey, NULL, NULL);
	nitro_html_close(&h, "b");
	T_EQ_INT(nitro_html_finish(&h), NITRO_ELIMIT, "overlong attribute name refused");
}

/* Render src with v in its one hole; NULL when the template is refused. */
static const char *tpl_out(const char *src, const char *v)
{
	nitro_tpl *t = nitro_tpl_new(src);

	if (t == NULL)
		return NULL;
	nitro_buf_reset(&out);
	nitro_html_init(&h, &out);
	nitro_tpl_render(&h, t, (const char *const[]){ v }, 1);
	nitro_html_finish(&h);
	nitro_tpl_free(t);
	return out.data;
}

/*
 * Every attribute in the Datastar table is JavaScript to every part of
 * the views that meets it: nitro_ds_data() writes it, nitro_html_attr()
 * refuses it with a value (as it refuses on*) and nitro_html_attr_handler()
 * lets it through, and a template takes a hole in it only inside a
 * JavaScript string, escaped for JavaScript.  In every spelling: bare,
 * with a key, with modifiers, in upper case.
 */
static void test_plugin_table(void)
{
	/* data-<plugin><suffix>; the last in upper case */
	static const char *const forms[] = { "", ":k", "__once", ":k__debounce.1s", "", NULL };
	const struct nitro__ds_plugin *p;
	char name[96], src[160], what[200];
	size_t n = 0;

	for (p = nitro__ds_plugins(); p->name != NULL; p++, n++) {
		const char *key = p->key == NITRO__DS_MUST || p->key == NITRO__DS_EXCLUSIVE ?
		    "k" : NULL;
		const char *expr = p->value == NITRO__DS_MUST ? "$x" : NULL;
		const char *got;

		begin();
		nitro_ds_data(&h, p->name, key, NULL, expr);
		nitro_html_close(&h, "b");
		snprintf(what, sizeof what, "nitro_ds_data writes data-%s", p->name);
		T_EQ_INT(nitro_html_finish(&h), 0, what);
		snprintf(what, sizeof what, "data-%s is found by its own name", p->name);
		T_OK(out.len > 3 && nitro__ds_plugin(out.data + 3, strcspn(out.data + 3, "=>")) == p,
		    what);
		for (int f = 0; forms[f] != NULL; f++) {
			snprintf(name, sizeof name, "data-%s%s", p->name, forms[f]);
			if (f == 4)
				for (char *c = name; *c; c++)
					*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
			begin();
			nitro_html_attr(&h, name, "x");
			snprintf(what, sizeof what, "nitro_html_attr refuses %s", name);
			EXPECT_FAIL(what);
			begin();
			nitro_html_attr_handler(&h, name, "x");
			nitro_html_close(&h, "b");
			snprintf(what, sizeof what, "nitro_html_attr_handler writes %s", name);
			T_EQ_INT(nitro_html_finish(&h), 0, what);

			snprintf(src, sizeof src, "<b %s=\"{{v}}\"></b>", name);
			snprintf(what, sizeof what, "template: a hole in %s outside a string refused",
			    name);
			T_OK(tpl_out(src, "1") == NULL, what);
			snprintf(src, sizeof src, "<b %s=\"f('{{v}}')\"></b>", name);
			got = tpl_out(src, "');alert(1)//");
			snprintf(what, sizeof what, "template: a hole in %s is escaped for JavaScript",
			    name);
			T_OK(got != NULL && strstr(got, "=\"f('\\&#x27;);alert(1)//')\"") != NULL,
			    what);
		}
	}
	T_EQ_INT(n, 21, "the table holds the 21 Datastar expression attributes");
	/* Names that only look like one stay plain HTML attributes. */
	static const char *const plain[] = { "data-onx", "data-on-", "data-text-x", "data-x:on",
	    "data-", "data_on", NULL };
	for (int i = 0; plain[i] != NULL; i++) {
		T_OK(nitro__ds_plugin(plain[i], strlen(plain[i])) == NULL, plain[i]);
		begin();
		nitro_html_attr(&h, plain[i], "x");
		nitro_html_close(&h, "b");
		snprintf(what, sizeof what, "nitro_html_attr writes %s", plain[i]);
		T_EQ_INT(nitro_html_finish(&h), 0, what);
	}
	begin();
	nitro_html_attr_bool(&h, "data-ignore-morph", 1);
	EXPECT(" data-ignore-morph", "a bare Datastar name has no JavaScript: allowed");
}

static void test_js(void)
{
	JS(nitro_js_string(&js, "O'Neil"), "'O\\'Neil'", "JS string escapes '");
	JS(nitro_js_string(&js, "a\\b\"c"), "'a\\\\b\\\"c'", "backslash and double quote");
	JS(nitro_js_string(&js, "</script><!--"), "'\\u003C/script\\u003E\\u003C!--'",
	    "</script> cannot close a script");
	JS(nitro_js_string(&js, "a&b"), "'a\\u0026b'", "& escaped");
	JS(nitro_js_string(&js, "l1\nl2\r\t"), "'l1\\nl2\\r\\t'", "newlines escaped");
	JS(nitro_js_string(&js, "\x01\x1f\x7f"), "'\\u0001\\u001F\\u007F'", "controls escaped");
	JS(nitro_js_string(&js, "x\xe2\x80\xa8y\xe2\x80\xa9z"), "'x\\u2028y\\u2029z'",
	    "U+2028 and U+2029 escaped");
	JS(nitro_js_string(&js, "é\xe2\x80\x94"), "'é\xe2\x80\x94'", "other UTF-8 kept");
	JS(nitro_js_string(&js, "\xe2\x80"), "'\xe2\x80'", "truncated sequence kept");
	JS(nitro_js_string(&js, ""), "''", "empty string");
	JS_FAIL(nitro_js_string(&js, NULL), "NULL string refused");

	JS(nitro_js_signal(&js, "user.name"), "$user.name", "signal path");
	JS_FAIL(nitro_js_signal(&js, "a..b"), "double dot refused");
	JS_FAIL(nitro_js_signal(&js, "1a"), "leading digit refused");
	JS_FAIL(nitro_js_signal(&js, "a;alert(1)"), "injection in path refused");
	JS_FAIL(nitro_js_signal(&js, "a."), "trailing dot refused");
	JS_FAIL(nitro_js_signal(&js, ""), "empty path refused");
	JS(nitro_js_toggle(&js, "open"), "$open = !$open", "toggle");
	JS(nitro_js_increment(&js, "n", 1), "$n++", "increment by 1");
	JS(nitro_js_increment(&js, "n", -1), "$n--", "decrement by 1");
	JS(nitro_js_increment(&js, "n", 5), "$n += 5", "increment by 5");
	JS(nitro_js_increment(&js, "n", -7), "$n += -7", "increment by -7");
	JS(nitro_js_set_string(&js, "name", "O'Neil"), "$name = 'O\\'Neil'", "set string");
	JS(nitro_js_set_int(&js, "page", 3), "$page = 3", "set int");
	JS(nitro_js_set_bool(&js, "ok", 1), "$ok = true", "set true");
	JS(nitro_js_set_bool(&js, "ok", 0), "$ok = false", "set false");
	JS_FAIL(nitro_js_toggle(&js, "x-y"), "dash in signal refused");

	JS(nitro_js_action(&js, "get", "/items", NULL), "@get('/items')", "@get");
	JS(nitro_js_action(&js, "delete", "/items/1", NULL), "@delete('/items/1')", "@delete");
	struct nitro_ds_action_opts o = { 0 };
	JS(nitro_js_action(&js, "put", "/x", &o), "@put('/x')", "empty options omitted");
	const char *hdrs[] = { "X-Csrf", "t'k", NULL };
	o.form = 1;
	o.selector = "#f";
	o.include = "^user\\.";
	o.exclude = "_tmp$";
	o.headers = hdrs;
	o.open_when_hidden = 1;
	JS(nitro_js_action(&js, "patch", "/p", &o),
	    "@patch('/p', {contentType: 'form', selector: '#f', filterSignals: "
	    "{include: new RegExp('^user\\\\.'), exclude: new RegExp('_tmp$')}, "
	    "headers: {'X-Csrf': 't\\'k'}, openWhenHidden: true})", "@patch with every option");
	struct nitro_ds_action_opts r = { .retry = "always" };
	JS(nitro_js_action(&js, "get", "/live", &r), "@get('/live', {retry: 'always'})",
	    "retry: 'always' for a live stream");
	r.retry_interval_ms = 250;
	r.retry_max_wait_ms = 5000;
	r.retry_max_count = 1000;
	JS(nitro_js_action(&js, "get", "/live", &r),
	    "@get('/live', {retry: 'always', retryInterval: 250, retryMaxWait: 5000, "
	    "retryMaxCount: 1000})", "every retry option");
	r.retry = NULL;
	JS(nitro_js_action(&js, "get", "/l", &r), "@get('/l', {retryInterval: 250, "
	    "retryMaxWait: 5000, retryMaxCount: 1000})", "retry numbers without retry");
	r.retry = "sometimes";
	JS_FAIL(nitro_js_action(&js, "get", "/l", &r), "an unknown retry mode refused");
	r.retry = "never";
	r.retry_interval_ms = r.retry_max_wait_ms = r.retry_max_count = 0;
	JS(nitro_js_action(&js, "get", "/l", &r), "@get('/l', {retry: 'never'})", "retry never");
	struct nitro_ds_action_opts o2 = { 0 };
	o2.exclude = "x";
	JS(nitro_js_action(&js, "post", "/p", &o2),
	    "@post('/p', {filterSignals: {exclude: new RegExp('x')}})", "exclude only");
	const char *bad_hdrs[] = { "X", NULL, NULL };
	o2.headers = bad_hdrs;
	JS_FAIL(nitro_js_action(&js, "post", "/p", &o2), "header without value refused");
	T_EQ_INT(js.len, 0, "nothing written for a refused action");
	JS_FAIL(nitro_js_action(&js, "GET", "/p", NULL), "upper-case method refused");
	JS_FAIL(nitro_js_action(&js, "get", NULL, NULL), "action without URL refused");
	JS(nitro_js_action(&js, "post", "/u/O'Neil</script>", NULL),
	    "@post('/u/O\\'Neil\\u003C/script\\u003E')", "URL JS-escaped");

	JS(nitro_js_set_all(&js, "false", "^sel\\."), "@setAll(false, {include: new RegExp('^sel\\\\.')})",
	    "@setAll with filter");
	JS(nitro_js_set_all(&js, "''", NULL), "@setAll('')", "@setAll without filter");
	JS(nitro_js_toggle_all(&js, "^c"), "@toggleAll({include: new RegExp('^c')})", "@toggleAll");
	JS(nitro_js_toggle_all(&js, NULL), "@toggleAll()", "@toggleAll without filter");
	JS(nitro_js_peek(&js, "$n"), "@peek(() => $n)", "@peek");
	JS_FAIL(nitro_js_peek(&js, NULL), "@peek without expression refused");
	JS_FAIL(nitro_js_set_all(&js, NULL, NULL), "@setAll without value refused");
}

/* JS then HTML escaping together: what the browser decodes is valid JS. */
static void test_layered(void)
{
	nitro_buf_reset(&js);
	nitro_js_set_string(&js, "name", "O'Neil \"the\" <b>");
	begin();
	nitro_ds_data(&h, "on", "click", NULL, js.data);
	EXPECT(" data-on:click=\"$name = &#x27;O\\&#x27;Neil \\&quot;the\\&quot; \\u003Cb\\u003E&#x27;\"",
	    "JS-escaped then HTML-escaped");
}

int main(void)
{
	nitro_buf_init(&out, 0);
	nitro_buf_init(&js, 0);
	test_attributes();
	test_plugin_table();
	test_js();
	test_layered();
	nitro_buf_free(&out);
	nitro_buf_free(&js);
	return t_done();
}
