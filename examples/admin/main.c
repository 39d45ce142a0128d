/*
 * examples/admin: a small back office over customers and their orders,
 * built only from Nitro's schema-driven pieces:
 *
 *   - sign-in with nitro_auth; the first visitor creates the account
 *     (/signup closes once there is one); /customers and /orders are
 *     guarded by nitro_use + nitro_auth_guard;
 *   - a sortable, searchable, paged table per entity (nitro_table_*),
 *     live: a change made in one browser shows in every open browser;
 *   - create and edit in a dialog with the schema's form (nitro_ui_form),
 *     the request bound back (nitro_req_bind) and refused values shown
 *     next to their fields (nitro_reply_invalid);
 *   - delete with a confirmation, bulk delete, a select of customers in
 *     the order form; light and dark (nitro.css, the theme toggle);
 *   - /healthz; the store is NITRO_DB (a SQLite file or a postgresql://
 *     URL, the same code).
 *
 * Settings: NITRO_DB (default var/admin.db), ADMIN_SEED=N (N customers and
 * orders in an empty store), NITRO_CSS (nitro.css; default the installed
 * one, else the source tree's), NITRO_DATASTAR_JS (a local Datastar
 * bundle, served as /datastar.js), NITRO_SECURE_COOKIES=1 behind HTTPS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nitro/db.h>
#include <nitro/sql.h>

#include "admin.h"

/* nitro.css: NITRO_CSS, else the installed copy, else the source tree's
 * (an example run from the build tree). */
#ifndef ADMIN_CSS
#define ADMIN_CSS "/usr/local/share/nitro/static/nitro.css"
#endif
#ifndef ADMIN_CSS_SRC
#define ADMIN_CSS_SRC ADMIN_CSS
#endif

/* The page's own layout; nitro.css styles every component. */
#define ADMIN_STYLE "<style>" \
	"body{max-width:72rem;margin:0 auto;padding:1rem}" \
	".admin-header{display:flex;flex-wrap:wrap;align-items:center;gap:1rem}" \
	".admin-header h1{margin-right:auto}" \
	".admin-toolbar{margin:1rem 0}</style>"

static nitro_auth *auth;

/* The sign-in form, from a schema of its own (never stored). */
#define SIGNIN(X) \
	X(id,       INT,  NITRO_F_ID) \
	X(email,    TEXT, NITRO_F_REQUIRED, NITRO_F_FORMAT("email"), NITRO_F_LABEL("E-mail")) \
	X(password, TEXT, NITRO_F_REQUIRED, NITRO_F_SECRET)
NITRO_ENTITY(signin, SIGNIN)
NITRO_ENTITY_DEFINE(signin, SIGNIN);
static const char *const signin_fields[] = { "email", "password", NULL };

void admin_page_begin(nitro_html *h, const char *title, int signed_in)
{
	static const char *const sheets[] = { "/nitro.css", NULL };
	static const struct { const char *href, *label; } nav[] = {
		{ "/customers", "Customers" }, { "/orders", "Orders" },
	};

	nitro_page_begin(h, &(struct nitro_page){ .title = title, .stylesheets = sheets,
	    .theme = 1, .head = ADMIN_STYLE });
	NITRO_HTML(h, "header") {
		nitro_html_attr(h, "class", "admin-header");
		nitro_html_elem(h, "h1", title);
		if (signed_in) {
			NITRO_HTML(h, "nav") {
				nitro_html_attr(h, "aria-label", "Sections");
				for (size_t i = 0; i < sizeof nav / sizeof *nav; i++) {
					NITRO_HTML(h, "a") {
						nitro_html_attr_url(h, "href", nav[i].href);
						if (strcmp(nav[i].label, title) == 0)
							nitro_html_attr(h, "aria-current", "page");
						nitro_html_text(h, nav[i].label);
					}
					nitro_html_text(h, " ");
				}
			}
		}
		nitro_ui_theme_toggle(h);
		if (signed_in) {
			NITRO_HTML(h, "form") {
				nitro_html_attr(h, "method", "post");
				nitro_html_attr(h, "action", "/logout");
				nitro_ui_button(h, &(struct nitro_ui_button){ .label = "Sign out",
				    .variant = "secondary", .type = "submit" });
			}
		}
	}
}

int admin_page_send(nitro_req *req, nitro_html *h, int status)
{
	int rc = nitro_html_finish(h);

	if (rc == 0) {
		nitro_resp_status(req, status);
		nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
	}
	return rc;
}

/* Whether an account exists yet: until then /signup makes the first. */
static int have_account(void)
{
	size_t n = 0;

	return nitro_entity_count(nitro_auth_schemas()[0], NULL, &n) == 0 && n > 0;
}

/* The sign-in page (or the first account's), message over the form. */
static int login_page(nitro_req *req, int status, const char *message)
{
	int first = !have_account();
	nitro_html h;

	nitro_html_init(&h, nitro_resp_body(req));
	admin_page_begin(&h, first ? "Create the first account" : "Sign in", 0);
	NITRO_HTML(&h, "main") {
		if (message != NULL) {
			NITRO_HTML(&h, "p") {
				nitro_html_attr(&h, "class", "nitro-field-error");
				nitro_html_attr(&h, "role", "alert");
				nitro_html_text(&h, message);
			}
		}
		nitro_ui_form(&h, &signin_schema, &(struct nitro_form_opts){
		    .fields = signin_fields, .action = first ? "/signup" : "/login",
		    .method = "post", .submit = first ? "Create account" : "Sign in" });
	}
	nitro_page_end(&h);
	return admin_page_send(req, &h, status);
}

static int h_login_page(nitro_req *req, void *u)
{
	(void)u;
	return login_page(req, 200, NULL);
}

/* After signing in, or with an answered 429/422. */
static int signed_in(nitro_req *req, int rc)
{
	if (rc == 0)
		return nitro_resp_redirect(req, 303, "/customers");
	if (rc == NITRO_EBUSY)
		return 0;	/* too many failures: 429 answered */
	if (rc == NITRO_EVALIDATE || rc == NITRO_EEXIST) {
		char msg[160];

		snprintf(msg, sizeof msg, "%s", nitro_errmsg());
		return login_page(req, 422, msg);
	}
	return rc;
}

static int h_login(nitro_req *req, void *u)
{
	(void)u;
	return signed_in(req, nitro_auth_login(auth, req, nitro_req_form(req, "email"),
	    nitro_req_form(req, "password")));
}

static int h_signup(nitro_req *req, void *u)
{
	(void)u;
	if (have_account())
		return nitro_resp_error(req, 403, "Ask the administrator for an account.");
	return signed_in(req, nitro_auth_signup(auth, req, nitro_req_form(req, "email"),
	    nitro_req_form(req, "password")));
}

static int h_logout(nitro_req *req, void *u)
{
	int rc = nitro_auth_logout(auth, req);

	(void)u;
	return rc < 0 ? rc : nitro_resp_redirect(req, 303, "/login");
}

static int h_home(nitro_req *req, void *u)
{
	(void)u;
	return nitro_resp_redirect(req, 303, "/customers");
}

static nitro_repo *open_db(void)
{
	struct nitro_db_opts o = { .create_tables = 1, .log_changes = 1 };
	const char *where = nitro_config_str("NITRO_DB", "");
	nitro_repo *db;

	if (*where == '\0') {
		where = "var/admin.db";
		mkdir("var", 0755);
	}
	if ((db = nitro_db_open(where, &o)) == NULL)
		return NULL;
	if (admin_entities_bind(db) != 0 ||
	    admin_seed(db, (long)nitro_config_int("ADMIN_SEED", 0, 0, 10000)) != 0) {
		nitro_repo_free(db);
		return NULL;
	}
	return db;
}

/* Accounts and sessions on the same store; their rows are no events. */
static nitro_auth *open_auth(nitro_repo *db)
{
	struct nitro_auth_opts o = {
		.secure_cookie = nitro_config_bool("NITRO_SECURE_COOKIES", 0),
	};
	const nitro_schema *const *s = nitro_auth_schemas();
	nitro_auth *a = nitro_auth_new(db, &o);

	for (; a != NULL && *s != NULL; s++)
		nitro_sql_log_changes(*s, 0);
	return a;
}

#define CRUD_ROUTES(base, c, t) \
	{ "GET " base, crud_page, &c }, \
	{ "GET " base "/new", crud_new, &c }, \
	{ "POST " base, crud_create, &c }, \
	{ "GET " base "/{id}/edit", crud_edit, &c }, \
	{ "PUT " base "/{id}", crud_update, &c }, \
	{ "GET " base "/{id}/delete", crud_confirm, &c }, \
	{ "DELETE " base "/{id}", crud_delete, &c }, \
	{ "GET " base "/table", nitro_table_handler, &t }, \
	{ "POST " base "/bulk-delete", nitro_table_bulk_delete, &t }, \
	{ "GET " base "/live", nitro_table_live, &t }

static int routes(nitro_app *app, nitro_repo *db)
{
	static const struct { const char *pattern; nitro_handler h; const void *u; } r[] = {
		{ "GET /", h_home, NULL },
		{ "GET /login", h_login_page, NULL },
		{ "POST /login", h_login, NULL },
		{ "POST /signup", h_signup, NULL },
		{ "POST /logout", h_logout, NULL },
		CRUD_ROUTES("/customers", admin_customers, admin_customer_table),
		CRUD_ROUTES("/orders", admin_orders, admin_order_table),
	};
	const char *css = nitro_config_str("NITRO_CSS", "");
	int rc = 0;

	if (nitro_use(app, "/customers", nitro_auth_guard, NULL, auth) != 0 ||
	    nitro_use(app, "/orders", nitro_auth_guard, NULL, auth) != 0 ||
	    nitro_app_static(app, "/nitro.css", *css ? css :
	        access(ADMIN_CSS, R_OK) == 0 ? ADMIN_CSS : ADMIN_CSS_SRC, NULL) != 0 ||
	    nitro_app_health(app, "/healthz", &(struct nitro_health_opts){ .repo = db }) != 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < sizeof r / sizeof *r; i++)
		rc = nitro_route(app, r[i].pattern, r[i].h, (void *)r[i].u);
	return rc;
}

int main(int argc, char **argv)
{
	nitro_repo *db = NULL;
	nitro_transport *events = NULL;
	nitro_app *app = NULL;
	int rc = -1;

	if ((db = open_db()) == NULL || (auth = open_auth(db)) == NULL ||
	    /* Live tables of every worker follow the store's events. */
	    (events = nitro_db_transport(db)) == NULL ||
	    (app = nitro_app_new(&(struct nitro_app_opts){ .transport = events })) == NULL ||
	    routes(app, db) != 0) {
		nitro_log(NITRO_LOG_ERROR, "admin: cannot start", "error", nitro_errmsg(), NULL);
	} else {
		rc = nitro_app_run(app, argc, argv);	/* until SIGTERM */
	}
	nitro_app_free(app);	/* first: its hub follows events */
	nitro_auth_free(auth);
	nitro_transport_free(events);
	nitro_repo_free(db);
	return rc == 0 ? 0 : 1;
}
