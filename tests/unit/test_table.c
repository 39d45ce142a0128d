/* Unit tests for tables from a schema (views/table.c): the state a request
 * may ask for, the markup (labels, formatters, sorting, escaping, aria),
 * paging over the memory repository. */
#include <stdlib.h>
#include <string.h>

#include "nitro/views.h"
#include "t.h"

#define CUST(X) \
	X(id,      INT,  NITRO_F_ID) \
	X(name,    TEXT, NITRO_F_REQUIRED, NITRO_F_LABEL("Full name"), NITRO_F_ORDER(1)) \
	X(email,   TEXT, NITRO_F_ORDER(2), NITRO_F_WIDTH("30%")) \
	X(vip,     BOOL, NITRO_F_ORDER(3)) \
	X(balance, REAL, NITRO_F_ORDER(4)) \
	X(since,   TIME, NITRO_F_ORDER(5)) \
	X(notes,   TEXT, NITRO_F_HIDDEN) \
	X(token,   TEXT, NITRO_F_SECRET) \
	X(extra,   JSON)
NITRO_ENTITY(cust, CUST)
NITRO_ENTITY_DEFINE(cust, CUST);

static nitro_buf out;
static nitro_html h;

static void begin(void)
{
	nitro_buf_reset(&out);
	nitro_html_init(&h, &out);
}

/* DUMP=1 shows the markup on stderr. */
static void dump(void)
{
	if (getenv("DUMP"))
		fputs(out.data, stderr);
}

static int has(const char *needle)
{
	return out.data != NULL && strstr(out.data, needle) != NULL;
}

static size_t count(const char *needle)
{
	size_t n = 0;

	for (const char *p = out.data; p && (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void add(const char *name, int vip, double balance)
{
	struct cust c;

	cust_init(&c);
	c.name = strdup(name);
	c.email = strdup("a@example.com");
	c.vip = vip;
	c.balance = balance;
	c.since = 1763700000123LL;
	c.token = strdup("s3cret-token");
	if (cust_save(&c) < 0)
		printf("# add: %s\n", nitro_errmsg());
	cust_clear(&c);
}

static const struct nitro_table_action actions[] = {
	{ "Edit", NULL, "/c/{id}/edit", NULL },
	{ "Delete", "get", "/c/{id}/delete", "danger" },
};

static const struct nitro_table table = {
	.schema = &cust_schema, .url = "/c/table", .actions = actions, .nactions = 2,
	.bulk_url = "/c/bulk", .live_url = "/c/live",
};

static void test_parse(void)
{
	struct nitro_table_state st;

	T_EQ_INT(nitro_table_parse(&table, &st, NULL, NULL, NULL, NULL, NULL), 0, "defaults");
	T_OK(st.page == 1 && st.size == NITRO_TABLE_SIZE && st.sort == NULL && !st.desc &&
	    st.q == NULL, "page 1 of 20, by id, no search");
	T_EQ_INT(nitro_table_parse(&table, &st, "3", "50", "name", "desc", "ada"), 0,
	    "a full state");
	T_OK(st.page == 3 && st.size == 50 && strcmp(st.sort, "name") == 0 && st.desc &&
	    strcmp(st.q, "ada") == 0, "read as sent");
	T_EQ_INT(nitro_table_parse(&table, &st, NULL, "101", NULL, NULL, NULL), NITRO_ELIMIT,
	    "a page over the largest size is refused");
	T_OK(strstr(nitro_errmsg(), "at most 100") != NULL, "and says the limit");
	T_EQ_INT(nitro_table_parse(&table, &st, "0", NULL, NULL, NULL, NULL), NITRO_EINVAL,
	    "page 0 is refused");
	T_EQ_INT(nitro_table_parse(&table, &st, "-1", NULL, NULL, NULL, NULL), NITRO_EINVAL,
	    "a negative page is refused");
	T_EQ_INT(nitro_table_parse(&table, &st, "99999999999999999999", NULL, NULL, NULL, NULL),
	    NITRO_EINVAL, "a page past any offset is refused");
	T_EQ_INT(nitro_table_parse(&table, &st, "1x", NULL, NULL, NULL, NULL), NITRO_EINVAL,
	    "a page that is not a number is refused");
	T_EQ_INT(nitro_table_parse(&table, &st, NULL, NULL, "token", NULL, NULL), NITRO_EINVAL,
	    "sorting by a secret field is refused");
	T_EQ_INT(nitro_table_parse(&table, &st, NULL, NULL, "notes", NULL, NULL), NITRO_EINVAL,
	    "sorting by a field the table does not show is refused");
	T_EQ_INT(nitro_table_parse(&table, &st, NULL, NULL, "name; DROP TABLE cust", NULL,
	    NULL), NITRO_EINVAL, "SQL as a sort is refused");
	T_OK(strstr(nitro_errmsg(), "cannot be sorted") != NULL, "with the reason");
	T_EQ_INT(nitro_table_parse(&table, &st, NULL, NULL, NULL, "up", NULL), NITRO_EINVAL,
	    "dir is asc or desc");
	{
		char q[NITRO_TABLE_Q_MAX + 2];

		memset(q, 'a', sizeof q - 1);
		q[sizeof q - 1] = '\0';
		T_EQ_INT(nitro_table_parse(&table, &st, NULL, NULL, NULL, NULL, q), NITRO_ELIMIT,
		    "an over-long search is refused");
	}
	T_EQ_INT(nitro_table_parse(&table, &st, NULL, NULL, NULL, NULL, "\xff"), NITRO_EINVAL,
	    "a search that is not UTF-8 is refused");
	{
		struct nitro_table small = table;

		small.size = 5;
		small.max_size = 10;
		nitro_table_parse(&small, &st, NULL, NULL, NULL, NULL, NULL);
		T_EQ_INT(st.size, 5, "the table's own page size");
		T_EQ_INT(nitro_table_parse(&small, &st, NULL, "11", NULL, NULL, NULL),
		    NITRO_ELIMIT, "and its own maximum");
	}
	{
		static const struct nitro_table_col cols[] = {
			{ .field = "name" }, { .field = "email", .nosort = 1 },
		};
		struct nitro_table t = table;

		t.cols = cols;
		t.ncols = 2;
		T_EQ_INT(nitro_table_parse(&t, &st, NULL, NULL, "email", NULL, NULL),
		    NITRO_EINVAL, "a column marked nosort does not sort");
		T_EQ_INT(nitro_table_parse(&t, &st, NULL, NULL, "vip", NULL, NULL),
		    NITRO_EINVAL, "nor a field that is not a column");
	}
}

static int money(nitro_html *hh, const nitro_schema *s, const nitro_field *f,
    const void *row, void *udata)
{
	(void)s;
	(void)f;
	(void)udata;
	return nitro_html_printf(hh, "%.2f <EUR>", ((const struct cust *)row)->balance);
}

static void test_render(void)
{
	struct nitro_table_state st;

	add("Ada <Lovelace>", 1, 12.5);
	add("Bob", 0, 3);
	begin();
	nitro_table_render(&h, &table, NULL);
	T_EQ_INT(nitro_html_finish(&h), 0, "a table renders");
	dump();
	T_OK(has("<div id=\"cust\" class=\"nitro-table-wrap\""), "wrapper with the schema's id");
	T_OK(has("<th scope=\"col\" aria-sort=\"none\"><button type=\"button\" "
	    "class=\"nitro-table-sort\""), "sortable header: aria-sort and a button");
	T_OK(has(">Full name<"), "label from NITRO_F_LABEL");
	T_OK(has(">Email<"), "label made from the name");
	T_OK(has("style=\"width: 30%\""), "width hint");
	T_OK(!has("Notes") && !has("s3cret") && !has("Token") && !has("Extra"),
	    "hidden, secret and JSON fields left out");
	T_OK(has("Ada &lt;Lovelace&gt;"), "text escaped");
	T_OK(has("<td class=\"nitro-num\">12.5</td>"), "numbers right-aligned");
	T_OK(has("<time datetime=\"2025-11-21T04:40:00.123Z\">2025-11-21</time>"),
	    "time as a date");
	T_OK(has("aria-label=\"yes\">\xe2\x9c\x93</span>") && has("aria-label=\"no\""),
	    "bool as a mark with a name");
	T_OK(has("<tr id=\"cust-r-1\">"), "rows have ids");
	T_OK(has("<input type=\"checkbox\" name=\"ids\" value=\"1\" "
	    "aria-label=\"Select Ada &lt;Lovelace&gt;\">"), "a checkbox per row, named");
	T_OK(has("aria-label=\"Select all rows\""), "select all");
	T_OK(has("data-on:click=\"@get(&#x27;/c/1/edit&#x27;)\""), "edit action with the id");
	T_OK(has("class=\"nitro-btn nitro-btn-sm nitro-btn-danger\" aria-label=\"Delete Bob\""),
	    "delete action named for its row");
	T_OK(has("data-init=\"@get(&#x27;/c/live&#x27;, {retry: &#x27;always&#x27;})\""),
	    "a live table opens its stream");
	T_OK(has("data-on-signal-patch-filter=\"{include: /^cust\\._rev$/}\""),
	    "and refetches when the stream bumps $cust._rev");
	T_OK(has("data-signals__ifmissing=\"{&quot;cust&quot;:{&quot;page&quot;:1,"
	    "&quot;size&quot;:20,&quot;sort&quot;:&quot;&quot;,&quot;dir&quot;:"
	    "&quot;asc&quot;,&quot;q&quot;:&quot;&quot;,&quot;ids&quot;:[]}}\""),
	    "the state as signals");
	T_OK(has("1\xe2\x80\x93" "2 of 2"), "the count");
	T_OK(!has("nitro-pagination"), "no pager for one page");
	T_OK(has("data-ignore-morph") && has("type=\"search\""),
	    "the search box is left alone by morphs");

	nitro_table_parse(&table, &st, "1", NULL, "name", "asc", NULL);
	begin();
	nitro_table_render(&h, &table, &st);
	nitro_html_finish(&h);
	T_OK(has("aria-sort=\"ascending\""), "the sorted column says so");
	T_EQ_INT(count("aria-sort=\"ascending\""), 1, "and only it");
	T_OK(has("$cust.dir = &#x27;desc&#x27;"), "clicking it again sorts descending");
	T_OK(strstr(out.data, "Ada") < strstr(out.data, "Bob"), "rows in order");
	nitro_table_parse(&table, &st, "1", NULL, "name", "desc", NULL);
	begin();
	nitro_table_render(&h, &table, &st);
	nitro_html_finish(&h);
	T_OK(has("aria-sort=\"descending\""), "descending");
	T_OK(strstr(out.data, "Bob") < strstr(out.data, "Ada"), "rows in reverse");

	for (int i = 0; i < 45; i++) {
		char name[32];

		snprintf(name, sizeof name, "zed %02d", i);
		add(name, 0, i);
	}
	nitro_table_parse(&table, &st, "2", "10", "balance", "desc", "zed");
	begin();
	nitro_table_render(&h, &table, &st);
	nitro_html_finish(&h);
	T_OK(has("11\xe2\x80\x93" "20 of 45"), "page 2 of a search");
	T_OK(has(">zed 34<") && has(">zed 25<") && !has(">zed 35<") && !has(">zed 24<") &&
	    !has("Bob"), "the right rows: searched, sorted, sliced");
	T_OK(has("<nav class=\"nitro-pagination\" aria-label=\"Pages\">"), "a pager");
	T_OK(has("aria-current=\"page\" aria-label=\"Page 2\""), "the current page");
	T_OK(has("$cust.page = 3; @get("), "next sets the page and fetches");

	nitro_table_parse(&table, &st, "9", "10", NULL, NULL, "zed");
	begin();
	nitro_table_render(&h, &table, &st);
	nitro_html_finish(&h);
	T_OK(has("41\xe2\x80\x93" "45 of 45"), "a page past the end shows the last");

	nitro_table_parse(&table, &st, NULL, NULL, NULL, NULL, "nobody");
	begin();
	nitro_table_render(&h, &table, &st);
	nitro_html_finish(&h);
	T_OK(has("Nothing matches the search."), "an empty search says so");
	T_OK(has("colspan=\"8\""), "across every column");

	{
		static const struct nitro_table_col cols[] = {
			{ .field = "name", .label = "Who" },
			{ .field = "balance", .fmt = money },
			{ .label = "Note", .fmt = money },
		};
		struct nitro_table t = { .schema = &cust_schema, .id = "people", .url = "/p",
		    .cols = cols, .ncols = 3, .size = 1 };

		begin();
		nitro_table_render(&h, &t, NULL);
		T_EQ_INT(nitro_html_finish(&h), 0, "chosen columns");
		T_OK(has(">Who<") && has("12.50 &lt;EUR&gt;"), "caller labels and formatters, escaped");
		T_OK(!has("Email") && !has("ids") && !has("data-init"),
		    "only the columns chosen; no selection, no live stream");
		T_OK(has("id=\"people\""), "the table's own id");
		T_OK(has("<td class=\"nitro-num\">12.50 &lt;EUR&gt;</td>") && has("<td>12.50"),
		    "a number field stays at the end by default; a column without a field at the start");
	}
	{
		static const struct nitro_table_col cols[] = {
			{ .field = "name", .align = NITRO_ALIGN_END },
			{ .field = "balance", .fmt = money, .align = NITRO_ALIGN_START },
		};
		struct nitro_table t = { .schema = &cust_schema, .id = "people", .url = "/p",
		    .cols = cols, .ncols = 2, .size = 1 };

		begin();
		nitro_table_render(&h, &t, NULL);
		T_EQ_INT(nitro_html_finish(&h), 0, "columns aligned by the caller");
		T_OK(has("<td>12.50 &lt;EUR&gt;</td>") && !has("<td class=\"nitro-num\">12.50"),
		    "a formatted number aligned at the start");
		T_OK(has("<th scope=\"col\" class=\"nitro-num\" aria-sort") &&
		    has("<td class=\"nitro-num\">Ada"), "a text column aligned at the end, head and cells");
	}
	{
		static const struct nitro_table_col odd[] = { { .field = "name", .align = 7 } };
		struct nitro_table t = { .schema = &cust_schema, .url = "/p", .cols = odd, .ncols = 1 };

		begin();
		nitro_table_render(&h, &t, NULL);
		T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "an alignment that does not exist is refused");
	}
	{
		static const struct nitro_table_col bad[] = { { .field = "token" } };
		struct nitro_table t = { .schema = &cust_schema, .url = "/p", .cols = bad, .ncols = 1 };

		begin();
		nitro_table_render(&h, &t, NULL);
		T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "a secret column is refused");
		t.cols = NULL;
		t.id = "x\" onload=\"";
		begin();
		nitro_table_render(&h, &t, NULL);
		T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "an id that is not an identifier");
	}
}

static void test_card(void)
{
	struct cust c;

	cust_init(&c);
	c.id = 7;
	c.name = strdup("Ada <L>");
	c.email = strdup("ada@example.com");
	c.vip = 1;
	c.since = 1763700000123LL;
	c.token = strdup("s3cret");
	nitro_entity_set_null(&cust_schema, &c, "balance", 1);
	begin();
	nitro_ui_card_entity(&h, &cust_schema, &c, NULL);
	T_EQ_INT(nitro_html_finish(&h), 0, "a card of one entity");
	T_EQ_STR(out.data, "<div class=\"nitro-card\"><h3 class=\"nitro-card-title\">Ada &lt;L&gt;</h3>"
	    "<div class=\"nitro-card-body\"><dl class=\"nitro-card-fields\"><dt>Id</dt><dd>7</dd>"
	    "<dt>Full name</dt><dd>Ada &lt;L&gt;</dd><dt>Email</dt><dd>ada@example.com</dd>"
	    "<dt>Vip</dt><dd><span class=\"nitro-mark nitro-mark-yes\" role=\"img\" "
	    "aria-label=\"yes\">\xe2\x9c\x93</span></dd><dt>Balance</dt><dd></dd><dt>Since</dt>"
	    "<dd><time datetime=\"2025-11-21T04:40:00.123Z\">2025-11-21</time></dd></dl></div></div>",
	    "titled by its first text, fields by the schema's hints, secret and hidden left out");
	begin();
	nitro_ui_card_entity(&h, &cust_schema, NULL, NULL);
	T_EQ_INT(nitro_html_finish(&h), NITRO_EINVAL, "a card needs an entity");
	cust_clear(&c);
}

int main(void)
{
	nitro_repo *r = nitro_memrepo_new(NULL);

	nitro_buf_init(&out, 0);
	nitro_entity_bind(&cust_schema, r, NULL);
	test_parse();
	test_render();
	test_card();
	nitro_buf_free(&out);
	nitro_repo_free(r);
	return t_done();
}
