/* Unit tests for the entity views: data-signals and generated form fields. */
#include <stdlib.h>
#include <string.h>

#include "nitro/views.h"
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
	    "<input id=\"item-qty\" name=\"qty\" type=\"number\" step=\"1\" min=\"1\" max=\"5\" value=\"9\">"
	    "<p class=\"nitro-field-error\">must be at most 5</p></div>"
	    "<div class=\"nitro-field nitro-field-invalid\"><label for=\"item-price\">Price</label>"
	    "<input id=\"item-price\" name=\"price\" type=\"number\" step=\"any\" min=\"0.5\" value=\"0.25\">"
	    "<p class=\"nitro-field-error\">must be at least 0.5 &lt;really&gt;</p></div>"
	    "<div class=\"nitro-field\"><label for=\"item-in_stock\">In stock</label>"
	    "<input id=\"item-in_stock\" name=\"in_stock\" type=\"checkbox\" value=\"true\"></div>"
	    "<div class=\"nitro-field\"><label for=\"item-level\">Level</label>"
	    "<select id=\"item-level\" name=\"level\"><option value=\"low\">low</option>"
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

int main(void)
{
	nitro_buf_init(&out, 0);
	test_signals();
	test_form();
	nitro_buf_free(&out);
	return t_done();
}
