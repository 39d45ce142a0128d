/* Unit tests for Datastar SSE encoding: the exact bytes of every helper. */
#include <string.h>

#include "nitro/views.h"
#include "../../examples/sdk-test/events.h"
#include "t.h"

static nitro_buf b;

#define EV(call, want, name) do { \
	nitro_buf_reset(&b); \
	int rc_ = (call); \
	T_EQ_INT(rc_, 0, name); \
	T_EQ_MEM(b.data, b.len, want, strlen(want), name); \
} while (0)

/* A refused event returns code and leaves the buffer as it was. */
#define EV_FAIL(call, code, name) do { \
	nitro_buf_reset(&b); \
	nitro_buf_puts(&b, "keep"); \
	T_EQ_INT((call), code, name); \
	T_EQ_STR(b.data, "keep", name); \
} while (0)

#define PE "event: datastar-patch-elements\n"
#define PS "event: datastar-patch-signals\n"
#define SCRIPT(code) PE "data: selector body\ndata: mode append\n" \
	"data: elements <script data-effect=\"el.remove()\">" code "</script>\n\n"

static json_object *parse(const char *s)
{
	return json_tokener_parse(s);
}

static void test_patch_elements(void)
{
	struct nitro_sse_patch p = { 0 };
	static const char *const modes[] = { "outer", "inner", "replace", "prepend",
	    "append", "before", "after", "remove" };
	char want[256];

	EV(nitro_sse_patch_elements(&b, "<div id=\"a\">x</div>", 19, NULL),
	    PE "data: elements <div id=\"a\">x</div>\n\n", "patch elements, defaults");
	EV(nitro_sse_patch_elements(&b, "<div id=\"a\">x</div>", 19, &p),
	    PE "data: elements <div id=\"a\">x</div>\n\n", "zeroed options are defaults");
	p.selector = "#list";
	p.mode = NITRO_DS_APPEND;
	p.view_transition = 1;
	p.id = "e1";
	p.retry_ms = 2500;
	EV(nitro_sse_patch_elements(&b, "<li>1</li>", 10, &p),
	    PE "id: e1\nretry: 2500\ndata: selector #list\ndata: mode append\n"
	    "data: useViewTransition true\ndata: elements <li>1</li>\n\n",
	    "every option in protocol order");
	for (int m = NITRO_DS_OUTER; m <= NITRO_DS_REMOVE; m++) {
		struct nitro_sse_patch q = { 0 };

		q.selector = "#x";
		q.mode = (enum nitro_ds_mode)m;
		snprintf(want, sizeof want, PE "data: selector #x\n%s%s%s"
		    "data: elements <p></p>\n\n", m ? "data: mode " : "", m ? modes[m] : "",
		    m ? "\n" : "");
		EV(nitro_sse_patch_elements(&b, "<p></p>", 7, &q), want, modes[m]);
		T_EQ_STR(nitro_ds_mode_name(q.mode), modes[m], "mode name");
		enum nitro_ds_mode back;
		T_OK(nitro_ds_mode_parse(modes[m], &back) == 0 && back == q.mode, "mode parses back");
	}
	T_OK(nitro_ds_mode_name((enum nitro_ds_mode)99) == NULL, "mode out of range has no name");
	enum nitro_ds_mode mm;
	T_EQ_INT(nitro_ds_mode_parse("morph", &mm), NITRO_EINVAL, "unknown mode refused");
	T_EQ_INT(nitro_ds_mode_parse("Outer", &mm), NITRO_EINVAL, "mode names are exact");

	p = (struct nitro_sse_patch){ 0 };
	p.retry_ms = 1000;
	EV(nitro_sse_patch_elements(&b, "<a></a>", 7, &p), PE "data: elements <a></a>\n\n",
	    "retry 1000 is the default: omitted");
	p.retry_ms = NITRO_SSE_RETRY_NOW;
	EV(nitro_sse_patch_elements(&b, "<a></a>", 7, &p), PE "retry: 0\ndata: elements <a></a>\n\n",
	    "NITRO_SSE_RETRY_NOW writes retry 0");
	EV(nitro_sse_patch_elements(&b, "<div>\n  <b>x</b>\n</div>", 23, NULL),
	    PE "data: elements <div>\ndata: elements   <b>x</b>\ndata: elements </div>\n\n",
	    "multi-line elements");
	EV(nitro_sse_patch_elements(&b, "a\r\nb\rc\n\rd", 9, NULL),
	    PE "data: elements a\ndata: elements b\ndata: elements c\ndata: elements \n"
	    "data: elements d\n\n", "CR LF and CR normalised");
	EV(nitro_sse_patch_elements(&b, "a\n", 2, NULL),
	    PE "data: elements a\ndata: elements \n\n", "trailing newline kept as an empty line");
	EV(nitro_sse_patch_elements(&b, NULL, 0, NULL), PE "\n", "no elements");
	p = (struct nitro_sse_patch){ 0 };
	p.id = "a\nb";
	EV_FAIL(nitro_sse_patch_elements(&b, "<a></a>", 7, &p), NITRO_EINVAL, "LF in id refused");
	p.id = "a\rb";
	EV_FAIL(nitro_sse_patch_elements(&b, "<a></a>", 7, &p), NITRO_EINVAL, "CR in id refused");
	p.id = NULL;
	p.selector = "#a\n#b";
	EV_FAIL(nitro_sse_patch_elements(&b, "<a></a>", 7, &p), NITRO_EINVAL, "LF in selector refused");
	p.selector = NULL;
	p.mode = (enum nitro_ds_mode)42;
	EV_FAIL(nitro_sse_patch_elements(&b, "<a></a>", 7, &p), NITRO_EINVAL, "bad mode refused");
	p.mode = NITRO_DS_OUTER;
	p.retry_ms = -5;
	EV_FAIL(nitro_sse_patch_elements(&b, "<a></a>", 7, &p), NITRO_EINVAL, "negative retry refused");

	struct nitro_sse_opts o = { "r1", 0 };
	EV(nitro_sse_remove_elements(&b, "#todo-3", &o),
	    PE "id: r1\ndata: selector #todo-3\ndata: mode remove\n\n", "remove elements");
	EV(nitro_sse_remove_elements(&b, ".a, .b", NULL),
	    PE "data: selector .a, .b\ndata: mode remove\n\n", "remove elements, no options");
	EV_FAIL(nitro_sse_remove_elements(&b, NULL, NULL), NITRO_EINVAL, "remove without selector");
	EV_FAIL(nitro_sse_remove_elements(&b, "", NULL), NITRO_EINVAL, "remove with empty selector");
}

static void test_signals(void)
{
	json_object *s = parse("{\"b\":1,\"a\":{\"url\":\"/x/y\",\"s\":\"O'Neil \\\"q\\\"\"},\"z\":null,"
	    "\"arr\":[true,false,1.5]}");
	struct nitro_sse_opts o = { "7", 3000 };

	EV(nitro_sse_patch_signals(&b, s, 0, NULL),
	    PS "data: signals {\"b\":1,\"a\":{\"url\":\"/x/y\",\"s\":\"O'Neil \\\"q\\\"\"},"
	    "\"z\":null,\"arr\":[true,false,1.5]}\n\n",
	    "patch signals: compact, key order kept, / not escaped");
	EV(nitro_sse_patch_signals(&b, s, 1, &o),
	    PS "id: 7\nretry: 3000\ndata: onlyIfMissing true\ndata: signals {\"b\":1,"
	    "\"a\":{\"url\":\"/x/y\",\"s\":\"O'Neil \\\"q\\\"\"},\"z\":null,\"arr\":[true,false,1.5]}\n\n",
	    "patch signals only if missing, id, retry");
	json_object_put(s);
	s = parse("{\"msg\":\"line1\\nline2\"}");
	EV(nitro_sse_patch_signals(&b, s, 0, NULL),
	    PS "data: signals {\"msg\":\"line1\\nline2\"}\n\n", "newline in a value stays escaped");
	json_object_put(s);
	s = parse("[1]");
	EV_FAIL(nitro_sse_patch_signals(&b, s, 0, NULL), NITRO_EINVAL, "array refused");
	json_object_put(s);
	EV_FAIL(nitro_sse_patch_signals(&b, NULL, 0, NULL), NITRO_EINVAL, "NULL refused");

	const char *raw = "{\n  \"a\": 1,\r\n  \"b\": 2\n}";
	EV(nitro_sse_patch_signals_json(&b, raw, strlen(raw), 0, NULL),
	    PS "data: signals {\ndata: signals   \"a\": 1,\ndata: signals   \"b\": 2\n"
	    "data: signals }\n\n", "raw signals split into lines");
	EV_FAIL(nitro_sse_patch_signals_json(&b, "", 0, 0, NULL), NITRO_EINVAL, "empty raw refused");

	const char *paths[] = { "user.name", "user.email", "count", "a.b.c" };
	EV(nitro_sse_remove_signals(&b, paths, 4, NULL),
	    PS "data: signals {\"user\":{\"name\":null,\"email\":null},\"count\":null,"
	    "\"a\":{\"b\":{\"c\":null}}}\n\n", "remove signals nests paths to null");
	const char *badp[] = { "a..b" };
	EV_FAIL(nitro_sse_remove_signals(&b, badp, 1, NULL), NITRO_EINVAL, "empty path segment");
	const char *badp2[] = { "a." };
	EV_FAIL(nitro_sse_remove_signals(&b, badp2, 1, NULL), NITRO_EINVAL, "trailing dot");
	EV_FAIL(nitro_sse_remove_signals(&b, paths, 0, NULL), NITRO_EINVAL, "no paths");
}

static void test_scripts(void)
{
	struct nitro_sse_script so = { 0 };
	struct nitro_sse_opts o = { "s1", 0 };

	EV(nitro_sse_execute_script(&b, "console.log('hi')", NULL),
	    SCRIPT("console.log('hi')"), "execute script auto-removes");
	so.keep = 1;
	EV(nitro_sse_execute_script(&b, "x()", &so),
	    PE "data: selector body\ndata: mode append\ndata: elements <script>x()</script>\n\n",
	    "execute script kept");
	so.keep = 0;
	so.attributes = parse("{\"type\":\"module\",\"defer\":true,\"async\":false,"
	    "\"data-x\":\"<\\\"&\",\"data-n\":3}");
	so.id = "i";
	so.retry_ms = 10;
	EV(nitro_sse_execute_script(&b, "a();\nb();", &so),
	    PE "id: i\nretry: 10\ndata: selector body\ndata: mode append\n"
	    "data: elements <script type=\"module\" defer data-x=\"&lt;&quot;&amp;\" data-n=\"3\" "
	    "data-effect=\"el.remove()\">a();\ndata: elements b();</script>\n\n",
	    "attributes in order, then auto-remove; multi-line script");
	json_object_put(so.attributes);
	so.attributes = parse("{\"on load\":\"x\"}");
	EV_FAIL(nitro_sse_execute_script(&b, "x", &so), NITRO_EINVAL, "bad attribute name refused");
	json_object_put(so.attributes);
	EV_FAIL(nitro_sse_execute_script(&b, NULL, NULL), NITRO_EINVAL, "NULL script refused");

	EV(nitro_sse_redirect(&b, "/done?a=1&b='2'", NULL),
	    SCRIPT("setTimeout(() => window.location.href = \"/done?a=1\\u0026b=\\'2\\'\")"),
	    "redirect");
	EV(nitro_sse_redirect(&b, "/x", &o),
	    PE "id: s1\ndata: selector body\ndata: mode append\ndata: elements "
	    "<script data-effect=\"el.remove()\">setTimeout(() => window.location.href = \"/x\")"
	    "</script>\n\n", "redirect with id");
	EV(nitro_sse_console_log(&b, "</script><b>\"hi\"", NULL),
	    SCRIPT("console.log(\"\\u003C/script\\u003E\\u003Cb\\u003E\\\"hi\\\"\")"),
	    "console log cannot close the script");
	EV(nitro_sse_console_log(&b, "two\nlines", NULL),
	    SCRIPT("console.log(\"two\\nlines\")"), "console log newline escaped, one line");
	EV(nitro_sse_replace_url(&b, "/items?page=2", NULL),
	    SCRIPT("window.history.replaceState({}, \"\", \"/items?page=2\")"), "replace URL");
	json_object *d = parse("{\"id\":5,\"html\":\"</script>\"}");
	EV(nitro_sse_dispatch_event(&b, "cart-updated", d, NULL),
	    SCRIPT("document.dispatchEvent(new CustomEvent(\"cart-updated\", {detail: "
	    "{\"id\":5,\"html\":\"\\u003C/script>\"}, bubbles: true, cancelable: true, "
	    "composed: true}))"), "dispatch custom event");
	json_object_put(d);
	EV(nitro_sse_dispatch_event(&b, "ping", NULL, NULL),
	    SCRIPT("document.dispatchEvent(new CustomEvent(\"ping\", {detail: null, "
	    "bubbles: true, cancelable: true, composed: true}))"), "dispatch without detail");
	EV_FAIL(nitro_sse_dispatch_event(&b, "", NULL, NULL), NITRO_EINVAL, "empty event name");
	EV_FAIL(nitro_sse_redirect(&b, NULL, NULL), NITRO_EINVAL, "NULL redirect URL");
	o.id = "x\ny";
	EV_FAIL(nitro_sse_console_log(&b, "m", &o), NITRO_EINVAL, "LF in id refused for scripts");
}

static void test_generic(void)
{
	const char *data[] = { "k", "v1\nv2", "other", "z" };
	struct nitro_sse_opts o = { "9", 0 };

	EV(nitro_sse_event(&b, "custom", &o, data, 2),
	    "event: custom\nid: 9\ndata: k v1\ndata: k v2\ndata: other z\n\n", "generic event");
	EV(nitro_sse_event(&b, "e", NULL, NULL, 0), "event: e\n\n", "event without data");
	EV_FAIL(nitro_sse_event(&b, "a\nb", NULL, NULL, 0), NITRO_EINVAL, "LF in type refused");
	EV_FAIL(nitro_sse_event(&b, "a\rb", NULL, NULL, 0), NITRO_EINVAL, "CR in type refused");
	EV_FAIL(nitro_sse_event(&b, "", NULL, NULL, 0), NITRO_EINVAL, "empty type refused");
	EV_FAIL(nitro_sse_event(&b, NULL, NULL, NULL, 0), NITRO_EINVAL,
	    "no type, data, id or retry: refused");
	EV(nitro_sse_event(&b, NULL, &o, NULL, 0), "id: 9\n\n", "no type: a block that sets the id");
	EV(nitro_sse_event(&b, NULL, NULL, data + 2, 1), "data: other z\n\n",
	    "no type with data: a plain message");
	o.id = "1\n2";
	EV_FAIL(nitro_sse_event(&b, NULL, &o, NULL, 0), NITRO_EINVAL, "LF in a lone id refused");
	const char *bad[] = { "a b", "v" };
	EV_FAIL(nitro_sse_event(&b, "e", NULL, bad, 1), NITRO_EINVAL, "space in key refused");

	/* Events append: two in a row. */
	nitro_buf_reset(&b);
	nitro_sse_remove_elements(&b, "#a", NULL);
	nitro_sse_remove_elements(&b, "#b", NULL);
	T_EQ_STR(b.data, PE "data: selector #a\ndata: mode remove\n\n"
	    PE "data: selector #b\ndata: mode remove\n\n", "events append");

	/* A buffer limit cuts nothing in half. */
	nitro_buf small;
	nitro_buf_init(&small, 100);
	T_EQ_INT(nitro_sse_remove_elements(&small, "#a", NULL), 0, "small event fits");
	size_t len = small.len;
	T_EQ_INT(nitro_sse_remove_elements(&small, "#b", NULL), NITRO_ELIMIT, "second over limit");
	T_EQ_INT(small.len, len, "partial event removed");
	nitro_buf_free(&small);
}

static void test_sdk(void)
{
	struct { const char *in, *out; } cases[] = {
		{ "{\"events\":[{\"type\":\"patchElements\",\"elements\":\"<div id=\\\"f\\\">Hi</div>\"}]}",
		  PE "data: elements <div id=\"f\">Hi</div>\n\n" },
		{ "{\"events\":[{\"type\":\"patchElements\",\"elements\":\"<p>a</p>\",\"selector\":\"#x\","
		  "\"mode\":\"inner\",\"useViewTransition\":true,\"eventId\":\"1\",\"retryDuration\":2000}]}",
		  PE "id: 1\nretry: 2000\ndata: selector #x\ndata: mode inner\n"
		  "data: useViewTransition true\ndata: elements <p>a</p>\n\n" },
		{ "{\"events\":[{\"type\":\"patchElements\",\"elements\":\"<p>a</p>\",\"mode\":\"outer\","
		  "\"useViewTransition\":false,\"retryDuration\":1000}]}",
		  PE "data: elements <p>a</p>\n\n" },
		{ "{\"events\":[{\"type\":\"patchElements\",\"selector\":\"#gone\",\"mode\":\"remove\"}]}",
		  PE "data: selector #gone\ndata: mode remove\n\n" },
		{ "{\"events\":[{\"type\":\"patchElements\",\"elements\":\"<div>\\n  x\\n</div>\"}]}",
		  PE "data: elements <div>\ndata: elements   x\ndata: elements </div>\n\n" },
		{ "{\"events\":[{\"type\":\"patchSignals\",\"signals\":{\"z\":1,\"a\":{\"b\":\"/p\"}}}]}",
		  PS "data: signals {\"z\":1,\"a\":{\"b\":\"/p\"}}\n\n" },
		{ "{\"events\":[{\"type\":\"patchSignals\",\"signals\":{\"a\":1},\"onlyIfMissing\":true}]}",
		  PS "data: onlyIfMissing true\ndata: signals {\"a\":1}\n\n" },
		{ "{\"events\":[{\"type\":\"patchSignals\",\"signals-raw\":\"{\\\"a\\\": 1}\\n\","
		  "\"signals\":{\"ignored\":true},\"onlyIfMissing\":false}]}",
		  PS "data: signals {\"a\": 1}\ndata: signals \n\n" },
		{ "{\"events\":[{\"type\":\"executeScript\",\"script\":\"console.log('x')\"}]}",
		  SCRIPT("console.log('x')") },
		{ "{\"events\":[{\"type\":\"executeScript\",\"script\":\"x()\",\"autoRemove\":false,"
		  "\"attributes\":{\"type\":\"text/javascript\",\"blocking\":\"false\"}}]}",
		  PE "data: selector body\ndata: mode append\n"
		  "data: elements <script type=\"text/javascript\" blocking=\"false\">x()</script>\n\n" },
		{ "{\"events\":[{\"type\":\"executeScript\",\"script\":\"x()\",\"autoRemove\":true,"
		  "\"eventId\":\"e\"},{\"type\":\"patchSignals\",\"signals\":{}}]}",
		  PE "id: e\ndata: selector body\ndata: mode append\n"
		  "data: elements <script data-effect=\"el.remove()\">x()</script>\n\n"
		  PS "data: signals {}\n\n" },
		{ "{\"events\":[]}", "" },
	};
	/* Malformed input, and what the message must say about it. */
	static const char *const bad[][2] = {
	    { "[]", "expected {\"events\": [...]}" },
	    { "{}", "expected {\"events\": [...]}" },
	    { "{\"events\":{}}", "expected {\"events\": [...]}" },
	    { "{\"events\":[1]}", "event 0 is malformed: not an object" },
	    { "{\"events\":[{}]}", "event 0 is malformed: no type" },
	    { "{\"events\":[{\"type\":\"nope\"}]}", "unknown type \"nope\"" },
	    { "{\"events\":[{\"type\":\"patchElements\",\"mode\":\"sideways\"}]}",
	      "unknown mode \"sideways\"" },
	    { "{\"events\":[{\"type\":\"patchElements\",\"elements\":5}]}",
	      "elements is not a JSON string" },
	    { "{\"events\":[{\"type\":\"patchSignals\"}]}", "patchSignals without signals" },
	    { "{\"events\":[{\"type\":\"patchSignals\",\"signals\":\"x\"}]}",
	      "signals is not a JSON object" },
	    { "{\"events\":[{\"type\":\"executeScript\"}]}", "executeScript without script" },
	    { "{\"events\":[{\"type\":\"patchElements\",\"eventId\":\"a\\nb\"}]}", "event 0 is malformed: " },
	    { "{\"events\":[{\"type\":\"patchElements\",\"retryDuration\":-1}]}",
	      "retryDuration is out of 0..86400000" },
	    { "{\"events\":[{\"type\":\"patchElements\",\"elements\":\"<a>\"},{\"type\":\"bad\"}]}",
	      "event 1 is malformed: unknown type \"bad\"" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_object *in = parse(cases[i].in);
		char name[64];

		snprintf(name, sizeof name, "sdk-test case %zu", i + 1);
		T_OK(in != NULL, "sdk-test input parses");
		EV(sdk_test_events(&b, in), cases[i].out, name);
		json_object_put(in);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_object *in = parse(bad[i][0]);

		EV_FAIL(sdk_test_events(&b, in), NITRO_EPARSE, bad[i][0]);
		T_OK(strstr(nitro_errmsg(), bad[i][1]) != NULL, bad[i][1]);
		if (strstr(nitro_errmsg(), bad[i][1]) == NULL)
			printf("#   message: %s\n", nitro_errmsg());
		json_object_put(in);
	}
}

int main(void)
{
	nitro_buf_init(&b, 0);
	test_patch_elements();
	test_signals();
	test_scripts();
	test_generic();
	test_sdk();
	nitro_buf_free(&b);
	return t_done();
}
