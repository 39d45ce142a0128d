/* Unit tests for the entity views: data-signals and forms made from a
 * schema (every input type and attribute, binding, references, patterns
 * translated for the browser, hostile values). */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nitro/views.h"
#include "views/form.h"
#include "t.h"

#define ITEM(X) \
	X(id,       INT,  NITRO_F_ID) \
	X(title,    TEXT, NITRO_F_REQUIRED, NITRO_F_MINLEN(2), NITRO_F_MAXLEN(40)) \
	X(qty,      INT,  NITRO_F_MIN(1), NITRO_F_MAX(5), NITRO_F_DEFAULT("3")) \
	X(price,    REAL, NITRO_F_MIN(0.5)) \
	X(in_stock, BOOL, NITRO_F_DEFAULT("true")) \
	X(level,    TEXT, NITRO_F_ONE_OF("low|medium|high"), NITRO_F_DEFAULT("low")) \
	X(due,      TIME) \
	X(meta,     JSON) \
	X(password, TEXT, NITRO_F_SECRET)
NITRO_ENTITY(item, ITEM)
NITRO_ENTITY_DEFINE(item, ITEM);

#define AUTHOR(X) \
	X(id,   INT,  NITRO_F_ID) \
	X(name, TEXT, NITRO_F_REQUIRED)
NITRO_ENTITY(author, AUTHOR)
NITRO_ENTITY_DEFINE(author, AUTHOR);

#define POST(X) \
	X(id,       INT,  NITRO_F_ID) \
	X(title,    TEXT, NITRO_F_REQUIRED, NITRO_F_MAXLEN(80), NITRO_F_LABEL("Headline"), \
	    NITRO_F_PLACEHOLDER("A title"), NITRO_F_HELP("Shown on the front page"), \
	    NITRO_F_ORDER(1)) \
	X(body,     TEXT, NITRO_F_MAXLEN(5000)) \
	X(summary,  TEXT, NITRO_F_WIDGET("textarea"), NITRO_F_MINLEN(3)) \
	X(email,    TEXT, NITRO_F_FORMAT("email"), NITRO_F_PATTERN("^[^@ ]+@[^@ ]+$")) \
	X(site,     TEXT, NITRO_F_FORMAT("url")) \
	X(phone,    TEXT, NITRO_F_FORMAT("tel")) \
	X(code,     TEXT, NITRO_F_PATTERN("[[:digit:]]{3}")) \
	X(twice,    TEXT, NITRO_F_PATTERN("(a)\\1")) \
	X(day,      TIME, NITRO_F_FORMAT("date")) \
	X(at,       TIME) \
	X(stars,    INT,  NITRO_F_MIN(1), NITRO_F_MAX(5)) \
	X(ratio,    REAL, NITRO_F_MAX(1.5)) \
	X(public,   BOOL) \
	X(kind,     TEXT, NITRO_F_ONE_OF("news|blog"), NITRO_F_WIDGET("radio"), NITRO_F_REQUIRED) \
	X(note,     TEXT, NITRO_F_HIDDEN) \
	X(author_id, INT, NITRO_F_REF("author")) \
	X(tag,      TEXT, NITRO_F_WIDGET("hidden")) \
	X(first,    TEXT, NITRO_F_WIDTH("10em"), NITRO_F_ORDER(-1)) \
	X(avatar,   BLOB)
NITRO_ENTITY(post, POST)
NITRO_ENTITY_DEFINE(post, POST);

static nitro_buf out;
static nitro_html h;

static void begin(void)
{
	nitro_buf_reset(&out);
	nitro_html_init(&h, &out);
}

static void test_signals(void)
{
	struct item it;

	item_init(&it);
	it.id = 7;
	it.title = strdup("O'Neil </b>");
	it.qty = 2;
	it.price = 1.5;
	it.in_stock = 1;
	free(it.level);
	it.level = strdup("high");
	it.password = strdup("hunter2");
	nitro_entity_set_null(&item_schema, &it, "due", 1);
	begin();
	nitro_html_open(&h, "div");
	nitro_ds_signals_entity(&h, &item_schema, &it, 0);
	nitro_html_close(&h, "div");
	T_EQ_INT(nitro_html_finish(&h), 0, "signals from an entity");
	T_OK(strstr(out.data, "&quot;title&quot;:&quot;O&#x27;Neil &lt;/b&gt;&quot;") != NULL,
	    "entity values escaped in data-signals");
	T_OK(strstr(out.data, "hunter2") == NULL && strstr(out.data, "password") == NULL,
	    "secret fields left out of data-signals");
	T_EQ_STR(out.data, "<div data-signals=\"{&quot;id&quot;:7,&quot;title&quot;:"
	    "&quot;O&#x27;Neil &lt;/b&gt;&quot;,&quot;qty&quot;:2,&quot;price&quot;:1.5,"
	    "&quot;in_stock&quot;:true,&quot;level&quot;:&quot;high&quot;,&quot;due&quot;:null,"
	    "&quot;meta&quot;:null}\"></div>", "data-signals of an entity, exactly");

	begin();
	nitro_html_open(&h, "div");
	nitro_ds_signals_entity(&h, &item_schema, NULL, 0);
	nitro_html_close(&h, "div");
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "NULL entity refused");
	item_clear(&it);
}

static void test_form(void)
{
	struct item it;
	nitro_verrors errs = { 0 };

	item_init(&it);
	it.id = 7;
	it.title = strdup("A \"quoted\" <title>");
	it.qty = 9;
	it.price = 0.25;
	it.in_stock = 0;
	free(it.level);
	it.level = strdup("medium");
	it.due = 1763719200000LL;	/* 2025-11-21T10:00:00Z */
	it.password = strdup("hunter2");
	errs.n = 2;
	errs.e[0].field = "qty";
	strcpy(errs.e[0].msg, "must be at most 5");
	errs.e[1].field = "price";
	strcpy(errs.e[1].msg, "must be at least 0.5 <really>");

	begin();
	nitro_ui_form_fields(&h, &item_schema, &it, &errs);
	T_EQ_INT(nitro_html_finish(&h), 0, "form fields for an entity");
	T_EQ_STR(out.data,
	    "<input type=\"hidden\" name=\"id\" value=\"7\">"
	    "<div class=\"nitro-field\"><label for=\"item-title\">Title</label>"
	    "<input id=\"item-title\" name=\"title\" type=\"text\" minlength=\"2\" maxlength=\"40\" "
	    "required value=\"A &quot;quoted&quot; &lt;title&gt;\"></div>"
	    "<div class=\"nitro-field nitro-field-invalid\"><label for=\"item-qty\">Qty</label>"
	    "<input id=\"item-qty\" name=\"qty\" type=\"number\" step=\"1\" min=\"1\" max=\"5\" "
	    "aria-describedby=\"item-qty-error\" aria-invalid=\"true\" value=\"9\">"
	    "<p id=\"item-qty-error\" class=\"nitro-field-error\">must be at most 5</p></div>"
	    "<div class=\"nitro-field nitro-field-invalid\"><label for=\"item-price\">Price</label>"
	    "<input id=\"item-price\" name=\"price\" type=\"number\" step=\"any\" min=\"0.5\" "
	    "aria-describedby=\"item-price-error\" aria-invalid=\"true\" value=\"0.25\">"
	    "<p id=\"item-price-error\" class=\"nitro-field-error\">must be at least 0.5 &lt;really&gt;</p></div>"
	    "<div class=\"nitro-field nitro-field-check\"><label for=\"item-in_stock\">In stock</label>"
	    "<input id=\"item-in_stock\" name=\"in_stock\" type=\"checkbox\" value=\"true\"></div>"
	    "<div class=\"nitro-field\"><label for=\"item-level\">Level</label>"
	    "<select id=\"item-level\" name=\"level\"><option value=\"\"></option>"
	    "<option value=\"low\">low</option>"
	    "<option value=\"medium\" selected>medium</option><option value=\"high\">high</option>"
	    "</select></div>"
	    "<div class=\"nitro-field\"><label for=\"item-due\">Due</label>"
	    "<input id=\"item-due\" name=\"due\" type=\"datetime-local\" value=\"2025-11-21T10:00\"></div>"
	    "<div class=\"nitro-field\"><label for=\"item-password\">Password</label>"
	    "<input id=\"item-password\" name=\"password\" type=\"password\"></div>",
	    "every field type, values, constraints and messages");
	T_OK(strstr(out.data, "hunter2") == NULL, "secret value never written");

	begin();
	nitro_ui_form_fields(&h, &item_schema, NULL, NULL);
	T_EQ_INT(nitro_html_finish(&h), 0, "empty form");
	T_OK(strstr(out.data, "name=\"id\"") == NULL, "no id input for a new entity");
	T_OK(strstr(out.data, "name=\"qty\" type=\"number\" step=\"1\" min=\"1\" max=\"5\" value=\"3\"") != NULL,
	    "defaults fill a new form");
	T_OK(strstr(out.data, "type=\"checkbox\" value=\"true\" checked>") != NULL,
	    "boolean default checked");
	T_OK(strstr(out.data, "<option value=\"low\" selected>low</option>") != NULL,
	    "one_of default selected");
	T_OK(strstr(out.data, "meta") == NULL, "JSON fields left out");

	begin();
	nitro_ui_form_fields(&h, NULL, NULL, NULL);
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "form without schema refused");
	item_clear(&it);
}


static int has(const char *needle)
{
	int ok = strstr(out.data ? out.data : "", needle) != NULL;

	if (!ok)
		printf("#   missing: %s\n#   in: %s\n", needle, out.data ? out.data : "");
	return ok;
}

/* Every input type and attribute a schema asks for. */
static void test_inputs(void)
{
	struct nitro_form_opts o = {.action = "/posts"};
	const char *p;

	begin();
	T_EQ_INT(nitro_ui_form(&h, &post_schema, &o), 0, "a whole form");
	T_OK(has("<form class=\"nitro-form\" id=\"post-form\" action=\"/posts\" method=\"post\" "
	    "enctype=\"multipart/form-data\">"), "form element: action, method, multipart for a file");
	T_OK(has("<label for=\"post-title\">Headline</label><input id=\"post-title\" name=\"title\" "
	    "type=\"text\" maxlength=\"80\" aria-describedby=\"post-title-help\" required "
	    "placeholder=\"A title\">"), "label, placeholder, required, maxlength, described by its help");
	T_OK(has("<p id=\"post-title-help\" class=\"nitro-field-help\">Shown on the front page</p>"),
	    "the help line");
	T_OK(has("<textarea id=\"post-body\" name=\"body\" rows=\"4\" maxlength=\"5000\"></textarea>"),
	    "long text: a textarea");
	T_OK(has("<textarea id=\"post-summary\" name=\"summary\" rows=\"4\" minlength=\"3\"></textarea>"),
	    "widget textarea");
	T_OK(has("name=\"email\" type=\"email\" pattern=\"^[^\\@ ]+@[^\\@ ]+$\">"),
	    "format email; an anchored pattern as is");
	T_OK(has("name=\"site\" type=\"url\">"), "format url");
	T_OK(has("name=\"phone\" type=\"tel\">"), "format tel");
	T_OK(has("name=\"code\" type=\"text\" pattern=\"[\\s\\S]*(?:[0-9]{3})[\\s\\S]*\">"),
	    "an unanchored POSIX class: translated and searched");
	T_OK(has("name=\"twice\" type=\"text\">"), "a back-reference: no pattern attribute");
	T_OK(has("name=\"day\" type=\"date\">"), "format date");
	T_OK(has("name=\"at\" type=\"datetime-local\">"), "a time: datetime-local");
	T_OK(has("name=\"stars\" type=\"number\" step=\"1\" min=\"1\" max=\"5\">"), "int: min, max");
	T_OK(has("name=\"ratio\" type=\"number\" step=\"any\" max=\"1.5\">"), "real: step any");
	T_OK(has("<div class=\"nitro-field nitro-field-check\"><label for=\"post-public\">Public</label>"
	    "<input id=\"post-public\" name=\"public\" type=\"checkbox\" value=\"true\">"), "a checkbox");
	T_OK(has("<fieldset id=\"post-kind\" class=\"nitro-choices\"><legend>Kind</legend>"
	    "<label class=\"nitro-choice\"><input id=\"post-kind-0\" type=\"radio\" name=\"kind\" "
	    "value=\"news\" required>news</label><label class=\"nitro-choice\"><input id=\"post-kind-1\" "
	    "type=\"radio\" name=\"kind\" value=\"blog\">blog</label></fieldset>"), "widget radio");
	T_OK(strstr(out.data, "note") == NULL, "a hidden field is left out");
	T_OK(has("<input type=\"hidden\" name=\"tag\">"), "widget hidden");
	T_OK(has("name=\"author_id\" type=\"number\""), "a reference without options: a number");
	T_OK(has("name=\"avatar\" type=\"file\">"), "a blob: a file input");
	T_OK(has("<div class=\"nitro-form-actions\"><button type=\"submit\" class=\"nitro-btn "
	    "nitro-btn-primary\">Save</button></div></form>"), "the submit button");
	T_OK(strstr(out.data, "name=\"id\"") == NULL, "no id on a create");
	p = strstr(out.data, "post-first");
	T_OK(p != NULL && p < strstr(out.data, "post-body") && strstr(out.data, "post-title") >
	    strstr(out.data, "post-avatar"), "NITRO_F_ORDER: -1 first, 1 last, ties in declaration order");
	T_OK(has("<div class=\"nitro-field\" style=\"width: 10em\">"), "width");

	/* Which fields, and in what order. */
	static const char *const pick[] = {"stars", "note", "title", NULL};
	static const char *const drop[] = {"body", NULL};
	struct nitro_form_opts o2 = {.fields = pick, .exclude = drop, .submit = "", .id_prefix = "p2"};

	begin();
	T_EQ_INT(nitro_ui_form(&h, &post_schema, &o2), 0, "a chosen list of fields");
	T_OK(strstr(out.data, "p2-stars") < strstr(out.data, "p2-note") &&
	    strstr(out.data, "p2-note") < strstr(out.data, "p2-title") &&
	    strstr(out.data, "p2-body") == NULL && strstr(out.data, "p2-email") == NULL,
	    "only the listed fields (a listed hidden one too), in the list's order");
	T_OK(strstr(out.data, "<button") == NULL && strstr(out.data, "action=") == NULL,
	    "no button with submit \"\", no action");

	o2.fields = NULL;
	o2.exclude = (const char *const[]){"title", "body", "summary", "email", "site", "phone",
		"code", "twice", "day", "at", "ratio", "public", "kind", "author_id", "tag",
		"first", "avatar", NULL};
	begin();
	T_EQ_INT(nitro_ui_form(&h, &post_schema, &o2), 0, "exclude");
	T_OK(strstr(out.data, "p2-stars") && !strstr(out.data, "p2-title"), "excluded fields left out");
}

/* Datastar binding: data-bind, the signals, the message slots. */
static void test_bind(void)
{
	struct post p;
	nitro_verrors errs = {.n = 1};
	struct nitro_form_opts o = {.bind = "post", .on_submit = "@post('/posts')", .values = &p,
		.errs = &errs, .fields = (const char *const[]){"id", "title", "public", NULL}};
	struct nitro_form_opts ot = {.bind = "p", .values = &p,
		.fields = (const char *const[]){"day", "at", NULL}};

	post_init(&p);
	p.id = 3;
	p.title = strdup("Hi");
	errs.e[0].field = "title";
	strcpy(errs.e[0].msg, "is too short");
	begin();
	T_EQ_INT(nitro_ui_form(&h, &post_schema, &o), 0, "a bound form");
	T_OK(has("<form class=\"nitro-form\" id=\"post-form\" data-on:submit__prevent=\"@post("
	    "&#x27;/posts&#x27;)\" data-signals=\"{&quot;post&quot;:{&quot;id&quot;:3,&quot;title&quot;:"
	    "&quot;Hi&quot;,&quot;public&quot;:false},&quot;errors&quot;:{&quot;id&quot;:&quot;&quot;,"
	    "&quot;title&quot;:&quot;is too short&quot;,&quot;public&quot;:&quot;&quot;}}\">"),
	    "submit by Datastar; the values and messages declared as signals");
	T_OK(has("<input type=\"hidden\" name=\"id\" value=\"3\" data-bind=\"post.id\">"),
	    "the id of an edit, bound");
	T_OK(has("name=\"title\" type=\"text\" maxlength=\"80\" aria-describedby=\"post-title-help "
	    "post-title-error\" aria-invalid=\"true\" data-attr:aria-invalid=\"$errors.title ? "
	    "&#x27;true&#x27; : null\" required placeholder=\"A title\" value=\"Hi\" "
	    "data-bind=\"post.title\">"), "input bound, aria-invalid following the message");
	T_OK(has("<p id=\"post-title-error\" class=\"nitro-field-error\" aria-live=\"polite\" "
	    "data-text=\"$errors.title\">is too short</p>"), "the message slot bound to $errors.title");
	T_OK(has("<p id=\"post-public-error\" class=\"nitro-field-error\" aria-live=\"polite\" "
	    "data-text=\"$errors.public\"></p>"), "an empty slot for a field without a message");

	p.day = p.at = 1764757800000;	/* 2025-12-03T10:30:00Z */
	begin();
	T_EQ_INT(nitro_ui_form(&h, &post_schema, &ot), 0, "a bound form with times");
	T_OK(has("data-signals=\"{&quot;p&quot;:{&quot;day&quot;:&quot;2025-12-03&quot;,"
	    "&quot;at&quot;:&quot;2025-12-03T10:30&quot;},"), "time signals as their inputs show them");

	o.bind = "";
	o.errors = "form.errs";
	begin();
	T_EQ_INT(nitro_ui_form(&h, &post_schema, &o), 0, "top-level signals, errors elsewhere");
	T_OK(has("data-bind=\"title\"") && has("data-text=\"$form.errs.title\"") &&
	    has("data-signals=\"{&quot;id&quot;:3,&quot;title&quot;:&quot;Hi&quot;,&quot;public&quot;:"
	    "false,&quot;form&quot;:{&quot;errs&quot;:{"), "bind \"\" and errors \"form.errs\"");
	o.bind = "bad path";
	begin();
	nitro_ui_form(&h, &post_schema, &o);
	T_OK(nitro_html_finish(&h) != 0, "a bad bind path refused");
	post_clear(&p);
}

/* A reference: a select of the rows, or a combobox. */
static void test_refs(void)
{
	nitro_repo *repo = nitro_memrepo_new(NULL);
	struct author a;
	struct post p;
	struct nitro_form_ref ref = {.field = "author_id", .schema = &author_schema, .label = "name"};
	struct nitro_form_opts o = {.fields = (const char *const[]){"author_id", NULL},
		.refs = &ref, .nrefs = 1, .values = &p, .fields_only = 1};
	const char *names[] = {"Zed", "<b>Bo</b> & \"co\"", "Ann"};
	int64_t ids[3];

	nitro_entity_bind(&author_schema, repo, NULL);
	for (int i = 0; i < 3; i++) {
		author_init(&a);
		a.name = strdup(names[i]);
		author_save(&a);
		ids[i] = a.id;
		author_clear(&a);
	}
	post_init(&p);
	p.author_id = ids[2];
	begin();
	T_EQ_INT(nitro_ui_form(&h, &post_schema, &o), 0, "a reference as a select");
	char want[512];

	snprintf(want, sizeof want, "<select id=\"post-author_id\" name=\"author_id\"><option value=\"\">"
	    "</option><option value=\"%lld\">&lt;b&gt;Bo&lt;/b&gt; &amp; &quot;co&quot;</option>"
	    "<option value=\"%lld\" selected>Ann</option><option value=\"%lld\">Zed</option></select>",
	    (long long)ids[1], (long long)ids[2], (long long)ids[0]);
	T_OK(has(want), "the rows by label, escaped, the current one selected");

	ref.search_url = "/authors/search?x=1";
	o.bind = "post";
	begin();
	T_EQ_INT(nitro_ui_form(&h, &post_schema, &o), 0, "a reference as a combobox");
	if (h.err)
		printf("#   %s\n", nitro_errmsg());
	snprintf(want, sizeof want, "<div class=\"nitro-combobox\"><input type=\"hidden\" "
	    "name=\"author_id\" value=\"%lld\" data-bind=\"post.author_id\"><input id=\"post-author_id\" "
	    "type=\"text\" role=\"combobox\" autocomplete=\"off\" aria-autocomplete=\"list\" "
	    "aria-controls=\"post-author_id-list\"", (long long)ids[2]);
	T_OK(has(want), "a hidden input holds the id, a text box searches");
	T_OK(has("value=\"Ann\" data-on:input__debounce.250ms=\"@get(&#x27;/authors/search?x=1&amp;q="
	    "&#x27; + encodeURIComponent(el.value))\"><ul id=\"post-author_id-list\" role=\"listbox\" "
	    "class=\"nitro-combobox-list\"></ul></div>"), "the current label; the search action; an empty list");

	begin();
	T_EQ_INT(nitro__form_ref_search(&h, &post_schema, &o, "author_id", "B"), 0, "a search");
	snprintf(want, sizeof want, "<ul id=\"post-author_id-list\" role=\"listbox\" "
	    "class=\"nitro-combobox-list\"><li role=\"option\" class=\"nitro-combobox-option\" "
	    "data-value=\"%lld\" data-on:click=\"el.closest(&#x27;.nitro-combobox&#x27;)", (long long)ids[1]);
	T_OK(has(want), "matching rows as options");
	T_OK(has(".value = &#x27;\\u003Cb\\u003EBo\\u003C/b\\u003E \\u0026 \\&quot;co\\&quot;&#x27;; "
	    "$post.author_id = "), "the label as a JavaScript string; the signal takes the id");
	T_OK(strstr(out.data, "Zed") == NULL && strstr(out.data, "Ann") == NULL, "only the rows that match");
	begin();
	nitro__form_ref_search(&h, &post_schema, &o, "title", "B");
	T_OK(nitro_html_finish(&h) == NITRO_EINVAL, "a field without a reference refused");

	ref.label = "nope";
	begin();
	nitro_ui_form(&h, &post_schema, &o);
	T_OK(nitro_html_finish(&h) == NITRO_EINVAL, "a label field that does not exist refused");
	post_clear(&p);
	nitro_entity_bind(&author_schema, NULL, NULL);
	nitro_repo_free(repo);
}

/* POSIX patterns as the browser's: translated so that both accept the
 * same strings, or left out. */
static const struct { const char *posix, *html; } patterns[] = {
	{"^[a-z]+$", "^[a-z]+$"},
	{"[0-9]", "[\\s\\S]*(?:[0-9])[\\s\\S]*"},
	{"^a|b$", "[\\s\\S]*(?:^a|b$)[\\s\\S]*"},
	{"^[[:alpha:]_][[:alnum:]_]*$", "^[a-zA-Z_][a-zA-Z0-9_]*$"},
	{"^[[:upper:]][[:lower:]]+ [[:digit:]]{2,4}$", "^[A-Z][a-z]+ [0-9]{2,4}$"},
	{"^[^[:space:]]+$", "^[^ \\t\\n\\r\\f\\v]+$"},
	{"^[]a]+$", "^[\\]a]+$"},
	{"^[a\\]+$", "^[a\\\\]+$"},
	{"^[-a]+$", "^[\\-a]+$"},
	{"^[a-]+$", "^[a\\-]+$"},
	{"^[(){}|/]+$", "^[\\(\\)\\{\\}\\|\\/]+$"},
	{"^[&&!!]+$", "^[\\&\\&\\!\\!]+$"},
	{"^a/b}c]$", "^a\\/b\\}c\\]$"},
	{"^\\.\\$$", "^\\.\\$$"},
	{"^(ab|cd)+$", "^(ab|cd)+$"},
	{"^[[:xdigit:]]+$", "^[0-9A-Fa-f]+$"},
	{"^[[:punct:]]$", "^[!-\\/:-@\\[-`\\{-~]$"},
	{"^é$", "^é$"},
	{"^é+$", NULL},
	{"(a)\\1", NULL},
	{"[[=a=]]", NULL},
	{"[[.a.]]", NULL},
	{"\\<word\\>", NULL},
	{"[[:nope:]]", NULL},
	{"a{", NULL},
	{"(?:a)", NULL},
	{"[a", NULL},
	{"a)", NULL},
	{"[z-a]", NULL},
};

/* Strings both sides must judge alike, the pattern's usual neighbours. */
static const char *const probes[] = {"", "a", "b", "ab", "abc", "cd", "abcd", "A", "Ann 1999",
	"x_1", "1x", "a b", "]", "a]", "\\", "a\\", "-", "a-", "(){}", "|/", "&!", "a/b}c]", ".$",
	"é", "ééé", "e", "0F", "g", "!", "~", " ", "\t", "abab", "cdab", "9", "x9y", "[", "aa"};

static void test_patterns(void)
{
	nitro_buf b = NITRO_BUF_INIT;
	FILE *js = NULL;
	char path[] = "/tmp/nitro-patterns-XXXXXX";
	int fd, node = system("command -v node >/dev/null 2>&1") == 0;

	if (node && (fd = mkstemp(path)) >= 0)
		js = fdopen(fd, "w");
	if (js)
		fputs("let bad = 0;\nfunction t(p, s, want) { let ok;\n"
		    "  try { ok = new RegExp('^(?:' + p + ')$', 'v').test(s); }\n"
		    "  catch (e) { console.log('does not compile: ' + p); bad++; return; }\n"
		    "  if (ok !== want) { console.log(p + ' on ' + JSON.stringify(s) + ': ' + ok); bad++; } }\n", js);
	for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++) {
		int rc;

		nitro_buf_reset(&b);
		rc = nitro__html_pattern(&b, patterns[i].posix);
		if (patterns[i].html == NULL) {
			T_OK(rc < 0 && b.len == 0, patterns[i].posix);
			continue;
		}
		if (!T_OK(rc == 0 && strcmp(b.data, patterns[i].html) == 0, patterns[i].posix))
			printf("#   got %s\n", rc == 0 ? b.data : "(none)");
		if (js == NULL || rc != 0)
			continue;
		regex_t re;

		if (regcomp(&re, patterns[i].posix, REG_EXTENDED | REG_NOSUB) != 0)
			continue;
		for (size_t k = 0; k < sizeof probes / sizeof *probes; k++) {
			nitro_buf q = NITRO_BUF_INIT;

			nitro_js_string(&q, b.data);
			fprintf(js, "t(%s, ", q.data);
			nitro_buf_reset(&q);
			nitro_js_string(&q, probes[k]);
			fprintf(js, "%s, %s);\n", q.data, regexec(&re, probes[k], 0, NULL, 0) == 0 ?
			    "true" : "false");
			nitro_buf_free(&q);
		}
		regfree(&re);
	}
	if (js != NULL) {
		char cmd[128];
		FILE *res;
		char line[512];
		int clean = 1;

		fputs("process.exit(bad ? 1 : 0);\n", js);
		fclose(js);
		snprintf(cmd, sizeof cmd, "node %s 2>&1", path);
		res = popen(cmd, "r");
		while (res && fgets(line, sizeof line, res)) {
			printf("#   node: %s", line);
			clean = 0;
		}
		T_OK(res && pclose(res) == 0 && clean,
		    "node (the v flag): every pattern compiles and judges the probes as regexec does");
		unlink(path);
	} else {
		printf("ok %d # SKIP node is not installed\n", ++t_n);
	}
	nitro_buf_free(&b);
}

/* Hostile values and messages change no markup: the same number of
 * tags and quotes as a harmless value, and never a raw < or " inside. */
static void count(const char *s, int *lt, int *qt)
{
	*lt = *qt = 0;
	for (; *s; s++) {
		*lt += *s == '<';
		*qt += *s == '"';
	}
}

static void test_hostile(void)
{
	static const char alphabet[] = "<>\"'&;=/\\`$ {}()[]aZ\xc3\xa9\n\t";
	struct post p;
	nitro_verrors errs = {.n = 2};
	struct nitro_form_opts o = {.values = &p, .errs = &errs, .bind = "post"};
	int lt0, qt0, lt, qt, same = 1, ok = 1;
	unsigned seed = 1;

	post_init(&p);
	errs.e[0].field = "title";
	errs.e[1].field = "email";
	p.title = strdup("x");
	p.email = strdup("x");
	p.body = strdup("x");
	strcpy(errs.e[0].msg, "x");
	strcpy(errs.e[1].msg, "x");
	begin();
	nitro_ui_form(&h, &post_schema, &o);
	ok &= nitro_html_finish(&h) == 0;
	count(out.data, &lt0, &qt0);
	for (int round = 0; round < 300; round++) {
		char v[40];
		size_t n = (size_t)(seed % 30) + 1;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			v[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		v[n] = '\0';
		free(p.title);
		free(p.email);
		free(p.body);
		p.title = strdup(v);
		p.email = strdup(v);
		p.body = strdup(v);
		snprintf(errs.e[0].msg, sizeof errs.e[0].msg, "%s", v);
		snprintf(errs.e[1].msg, sizeof errs.e[1].msg, "%s", v);
		begin();
		nitro_ui_form(&h, &post_schema, &o);
		ok &= nitro_html_finish(&h) == 0;
		count(out.data, &lt, &qt);
		same &= lt == lt0 && qt == qt0;
	}
	T_OK(ok, "300 hostile values and messages render");
	T_OK(same, "and add no tag or quote: every one escaped");
	post_clear(&p);
}

int main(void)
{
	nitro_buf_init(&out, 0);
	test_signals();
	test_form();
	test_inputs();
	test_bind();
	test_refs();
	test_patterns();
	test_hostile();
	nitro_buf_free(&out);
	return t_done();
}
