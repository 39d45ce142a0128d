/*
 * table_app: the schema-driven table and the components, for the
 * integration test (test_table.sh, through nginx) and the browser tests
 * (tests/browser/table.mjs, components.mjs).
 *
 *   GET  /                      a page: theme toggle and the customers table
 *   GET  /components            tabs, an accordion, a code block, a dialog, a toast
 *   GET  /customers/table       the table for the state sent (nitro_table_handler)
 *   POST /customers/bulk-delete the selected rows (nitro_table_bulk_delete)
 *   GET  /customers/live        the live stream (nitro_table_live)
 *   GET  /customers/{id}/edit   a dialog with the customer's card
 *   GET  /customers/{id}/delete a confirmation naming the customer
 *   DELETE /customers/{id}      delete it: the table again and a toast
 *   POST /customers             add one from the signal $name
 *
 * NITRO_DB is the SQLite file (log_changes: every save and delete is an
 * event for the live streams of every worker); TABLE_SEED=N adds N
 * customers to an empty table; NITRO_DATASTAR_JS and NITRO_CSS name local
 * copies of the Datastar bundle and nitro.css, served (nitro_app_static)
 * as /datastar.js and /nitro.css.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nitro.h>
#include <nitro/sql.h>

#define CUSTOMER(X) \
	X(id,      INT,  NITRO_F_ID) \
	X(name,    TEXT, NITRO_F_REQUIRED, NITRO_F_MAXLEN(80), NITRO_F_ORDER(1)) \
	X(email,   TEXT, NITRO_F_ORDER(2), NITRO_F_LABEL("E-mail")) \
	X(vip,     BOOL, NITRO_F_ORDER(3), NITRO_F_LABEL("VIP")) \
	X(balance, REAL, NITRO_F_ORDER(4)) \
	X(since,   TIME, NITRO_F_ORDER(5)) \
	X(secret,  TEXT, NITRO_F_SECRET)
NITRO_ENTITY(customer, CUSTOMER)
NITRO_ENTITY_DEFINE(customer, CUSTOMER);

static nitro_repo *db;

static const struct nitro_table_action row_actions[] = {
	{ "Edit", "get", "/customers/{id}/edit", NULL },
	{ "Delete", "get", "/customers/{id}/delete", "danger" },
};

static const struct nitro_table customers = {
	.schema = &customer_schema, .id = "customers", .url = "/customers/table",
	.actions = row_actions, .nactions = 2,
	.bulk_url = "/customers/bulk-delete", .live_url = "/customers/live",
	.size = 10, .max_size = 50,
};

static void page_begin(nitro_html *h, const char *title)
{
	static const char *const sheets[] = { "/nitro.css", NULL };
	struct nitro_page p = { .title = title, .stylesheets = sheets,
	    .theme = 1 };

	nitro_page_begin(h, &p);
	NITRO_HTML(h, "header") {
		nitro_html_elem(h, "h1", title);
		nitro_ui_theme_toggle(h);
	}
}

static int send_page(nitro_req *req, nitro_html *h)
{
	int rc = nitro_html_finish(h);

	if (rc == 0)
		nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
	return rc;
}

static int home(nitro_req *req, void *u)
{
	struct nitro_table_state st;
	nitro_html h;

	(void)u;
	if (nitro_table_state_read(req, &customers, &st) < 0)
		return 0;
	nitro_html_init(&h, nitro_resp_body(req));
	page_begin(&h, "Customers");
	NITRO_HTML(&h, "main") nitro_table_render(&h, &customers, &st);
	nitro_page_end(&h);
	return send_page(req, &h);
}

static int components(nitro_req *req, void *u)
{
	static const char *const tabs[] = { "Orders", "Invoices", "Notes" };
	struct nitro_ui_button open = { .label = "Open dialog", .variant = "primary",
	    .on_click = "$ui.dialog = true" };
	struct nitro_ui_button toast = { .label = "Show a toast", .variant = "secondary",
	    .on_click = "@get('/toast')" };
	nitro_html h;

	(void)u;
	nitro_html_init(&h, nitro_resp_body(req));
	page_begin(&h, "Components");
	NITRO_HTML(&h, "main") {
		nitro_ds_data(&h, "signals", NULL, NULL, "{ui: {tab: 0, dialog: false}}");
		nitro_ui_tabs(&h, "ui.tab", tabs, 3);
		for (size_t i = 0; i < 3; i++) {
			nitro_ui_tab_panel_begin(&h, "ui.tab", i);
			nitro_html_printf(&h, "Panel of %s", tabs[i]);
			nitro_ui_tab_panel_end(&h);
		}
		nitro_ui_accordion_begin(&h, "What is Nitro?", 1);
		nitro_html_text(&h, "A C toolkit for web backends.");
		nitro_ui_accordion_end(&h);
		nitro_ui_code(&h, "printf(\"<b>%d</b>\\n\", 42);", "c", 1);
		nitro_ui_button(&h, &open);
		nitro_ui_dialog_begin(&h, "demo", "ui.dialog", "A dialog");
		NITRO_HTML(&h, "input") {
			nitro_html_attr(&h, "id", "demo-input");
			nitro_html_attr(&h, "aria-label", "Something");
		}
		nitro_ui_dialog_end(&h);
		nitro_ui_button(&h, &toast);
		NITRO_HTML(&h, "div") {
			nitro_html_attr(&h, "id", "toasts");
			nitro_html_attr(&h, "class", "nitro-toasts");
		}
	}
	nitro_page_end(&h);
	return send_page(req, &h);
}

/* Append the markup written by fn to selector's element. */
static int append_to(nitro_buf *ev, const char *selector, nitro_html *h)
{
	struct nitro_sse_patch o = { .selector = selector, .mode = NITRO_DS_APPEND };
	int rc = nitro_html_finish(h);

	return rc ? rc : nitro_sse_patch_elements(ev, h->out->data, h->out->len, &o);
}

static int toast(nitro_req *req, void *u)
{
	nitro_buf ev = NITRO_BUF_INIT, html = NITRO_BUF_INIT;
	nitro_html h;
	int rc;

	(void)u;
	nitro_html_init(&h, &html);
	nitro_ui_toast(&h, "success", "Saved <everything>", 0);
	rc = append_to(&ev, "#toasts", &h);
	nitro_buf_free(&html);
	return rc ? rc : nitro_ds_reply_events(req, &ev);
}

/* The customer of the path, or a 404 answered. */
static int load(nitro_req *req, struct customer *c)
{
	int64_t id;
	int rc;

	if (nitro_req_param_int(req, "id", &id) < 0) {
		nitro_resp_error(req, 404, "No such customer.");
		return NITRO_ENOTFOUND;
	}
	customer_init(c);
	if ((rc = customer_get(nitro_id_int(id), c)) == NITRO_ENOTFOUND)
		nitro_resp_error(req, 404, "No such customer.");
	return rc;
}

static int edit(nitro_req *req, void *u)
{
	struct customer c;
	nitro_buf ev = NITRO_BUF_INIT, html = NITRO_BUF_INIT;
	nitro_html h;
	int rc;

	(void)u;
	if ((rc = load(req, &c)) < 0)
		return rc == NITRO_ENOTFOUND ? 0 : rc;
	nitro_html_init(&h, &html);
	nitro_ui_dialog_begin(&h, "edit-customer", NULL, "Customer");
	nitro_ui_card_entity(&h, &customer_schema, &c, NULL);
	nitro_ui_dialog_end(&h);
	rc = append_to(&ev, "body", &h);
	nitro_buf_free(&html);
	customer_clear(&c);
	return rc ? rc : nitro_ds_reply_events(req, &ev);
}

static int confirm_delete(nitro_req *req, void *u)
{
	struct customer c;
	nitro_buf ev = NITRO_BUF_INIT, html = NITRO_BUF_INIT, msg = NITRO_BUF_INIT,
	    action = NITRO_BUF_INIT, url = NITRO_BUF_INIT;
	nitro_html h;
	int rc;

	(void)u;
	if ((rc = load(req, &c)) < 0)
		return rc == NITRO_ENOTFOUND ? 0 : rc;
	nitro_buf_printf(&msg, "%s will be deleted.", c.name ? c.name : "This customer");
	nitro_buf_printf(&url, "/customers/%lld", (long long)c.id);
	nitro_js_action(&action, "delete", url.data, NULL);
	nitro_html_init(&h, &html);
	nitro_ui_confirm(&h, &(struct nitro_ui_confirm){ .id = "confirm-delete",
	    .title = "Delete customer?", .message = msg.data, .action = action.data });
	rc = msg.err ? msg.err : action.err ? action.err : append_to(&ev, "body", &h);
	nitro_buf_free(&html);
	nitro_buf_free(&msg);
	nitro_buf_free(&action);
	nitro_buf_free(&url);
	customer_clear(&c);
	return rc ? rc : nitro_ds_reply_events(req, &ev);
}

static int destroy(nitro_req *req, void *u)
{
	struct nitro_table_state st;
	nitro_buf ev = NITRO_BUF_INIT, html = NITRO_BUF_INIT;
	nitro_html h;
	int64_t id;
	int rc;

	(void)u;
	if (nitro_req_param_int(req, "id", &id) < 0)
		return nitro_resp_error(req, 404, "No such customer.");
	if (nitro_table_state_read(req, &customers, &st) < 0)
		return 0;
	rc = customer_delete(nitro_id_int(id));
	if (rc == NITRO_ENOTFOUND)
		return nitro_resp_error(req, 404, "No such customer.");
	if (rc < 0)
		return rc;
	nitro_html_init(&h, &html);
	nitro_table_render(&h, &customers, &st);
	if ((rc = nitro_html_finish(&h)) == 0)
		rc = nitro_sse_patch_elements(&ev, html.data, html.len, NULL);
	nitro_buf_reset(&html);
	nitro_html_init(&h, &html);
	nitro_ui_toast(&h, "success", "Customer deleted.", 5000);
	if (rc == 0)
		rc = append_to(&ev, "#customers-toasts", &h);
	nitro_buf_free(&html);
	return rc ? rc : nitro_ds_reply_events(req, &ev);
}

static int add(nitro_req *req, void *u)
{
	const char *name = nitro_req_signal_str(req, "name");
	struct customer c;
	int rc;

	(void)u;
	if (nitro_req_failed(req))
		return 0;
	customer_init(&c);
	c.name = strdup(name ? name : "");
	c.since = nitro_time_now();
	rc = customer_save(&c);
	customer_clear(&c);
	if (rc == NITRO_EVALIDATE)
		return nitro_resp_error(req, 422, nitro_errmsg());
	return rc ? rc : nitro_resp_send(req, 204, "text/plain", "", 0);
}

/* The shipped stylesheet, when NITRO_CSS names it. */
static int serve_css(nitro_app *app)
{
	const char *path = nitro_config_str("NITRO_CSS", "");

	return *path ? nitro_app_static(app, "/nitro.css", path, NULL) : 0;
}

static int seed(void)
{
	static const char *const first[] = { "Ada", "Grace", "Linus", "Barbara", "Ken",
	    "Dennis", "Margaret", "Edsger", "Donald", "Frances" };
	long n = (long)nitro_config_int("TABLE_SEED", 0, 0, 10000);
	size_t have;
	int rc;

	if ((rc = customer_count(NULL, &have)) < 0 || have > 0 || n == 0)
		return rc;
	for (long i = 0; i < n && rc == 0; i++) {
		struct customer c;
		char name[64], email[80];

		customer_init(&c);
		snprintf(name, sizeof name, "%s %03ld", first[i % 10], i + 1);
		snprintf(email, sizeof email, "c%03ld@example.com", i + 1);
		c.name = strdup(name);
		c.email = strdup(email);
		c.vip = i % 3 == 0;
		c.balance = (double)((i * 37) % 100) + 0.5;
		c.since = 1763700000000LL + i * 86400000LL;
		rc = customer_save(&c);
		customer_clear(&c);
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct { const char *pattern; nitro_handler h; const void *u; } r[] = {
		{ "GET /", home, NULL },
		{ "GET /components", components, NULL },
		{ "GET /toast", toast, NULL },
		{ "GET /customers/table", nitro_table_handler, &customers },
		{ "POST /customers/bulk-delete", nitro_table_bulk_delete, &customers },
		{ "GET /customers/live", nitro_table_live, &customers },
		{ "GET /customers/{id}/edit", edit, NULL },
		{ "GET /customers/{id}/delete", confirm_delete, NULL },
		{ "DELETE /customers/{id}", destroy, NULL },
		{ "POST /customers", add, NULL },
	};
	struct nitro_sql_opts o = { .create_tables = 1, .log_changes = 1 };
	nitro_transport *events = NULL;
	nitro_app *app = NULL;
	int rc = -1;

	if ((db = nitro_sqlrepo_new(nitro_config_str("NITRO_DB", "table.db"), &o)) == NULL ||
	    nitro_entity_bind(&customer_schema, db, NULL) != 0 || seed() != 0 ||
	    (events = nitro_sql_transport(db)) == NULL ||
	    (app = nitro_app_new(&(struct nitro_app_opts){ .transport = events })) == NULL)
		goto out;
	rc = serve_css(app);
	for (size_t i = 0; rc == 0 && i < sizeof r / sizeof r[0]; i++)
		rc = nitro_route(app, r[i].pattern, r[i].h, (void *)r[i].u);
	if (rc == 0)
		rc = nitro_app_run(app, argc, argv);
out:
	if (rc != 0)
		nitro_log(NITRO_LOG_ERROR, "table_app: cannot start", "error", nitro_errmsg(), NULL);
	nitro_app_free(app);
	nitro_transport_free(events);
	nitro_repo_free(db);
	return rc == 0 ? 0 : 1;
}
