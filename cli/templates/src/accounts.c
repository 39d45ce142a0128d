/*
 * accounts.c: signing up, in and out, and a page only a signed-in user
 * may see, on Nitro's accounts and sessions (<nitro/auth.h>).
 *
 *   GET  /signup, POST /signup   a form: email, password (then signed in)
 *   GET  /login,  POST /login    a form: email, password
 *   POST /logout                 ends the session
 *   GET  /account                behind the guard: who is signed in
 *
 * Accounts and sessions are entities in the application's store, so
 * every worker process sees the same ones.  The forms are plain HTML
 * forms: they work without JavaScript, and a failed attempt shows the
 * form again with the reason and a status that says what went wrong
 * (401 wrong password, 409 address taken, 422 a field that does not
 * qualify, 429 too many failures, with Retry-After).
 */
#include "app.h"

struct form {
	const char *title, *action, *password_kind;	/* autocomplete */
	const char *other_href, *other_text;
};

static const struct form signup_form = {
	"Sign up", "/signup", "new-password", "/login", "I have an account"
};
static const struct form login_form = {
	"Log in", "/login", "current-password", "/signup", "Make an account"
};

static void input(nitro_html *h, const char *name, const char *type,
    const char *autocomplete, const char *value)
{
	NITRO_HTML(h, "label") {
		nitro_html_text(h, name);
		nitro_html_open(h, "input");	/* void: no close */
		nitro_html_attr(h, "name", name);
		nitro_html_attr(h, "type", type);
		nitro_html_attr(h, "autocomplete", autocomplete);
		nitro_html_attr_bool(h, "required", 1);
		if (value != NULL)
			nitro_html_attr(h, "value", value);	/* escaped */
	}
}

/* The form, with error (NULL: none) above it, answered with status. */
static int show_form(nitro_req *req, int status, const struct form *f,
    const char *email, const char *error)
{
	struct nitro_page p = { .title = f->title };
	nitro_html h;

	nitro_resp_status(req, status);
	nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
	nitro_html_init(&h, nitro_resp_body(req));
	nitro_page_begin(&h, &p);
	NITRO_HTML(&h, "main") {
		nitro_html_elem(&h, "h1", f->title);
		if (error != NULL)
			NITRO_HTML(&h, "p") {
				nitro_html_attr(&h, "class", "error");
				nitro_html_attr(&h, "role", "alert");
				nitro_html_text(&h, error);
			}
		NITRO_HTML(&h, "form") {
			nitro_html_attr(&h, "method", "post");
			nitro_html_attr(&h, "action", f->action);
			input(&h, "email", "email", "email", email);
			input(&h, "password", "password", f->password_kind, NULL);
			NITRO_HTML(&h, "button") nitro_html_text(&h, f->title);
		}
		NITRO_HTML(&h, "a") {
			nitro_html_attr(&h, "href", f->other_href);
			nitro_html_text(&h, f->other_text);
		}
	}
	nitro_page_end(&h);
	return nitro_html_finish(&h);
}

static int signup_page(nitro_req *req, void *auth)
{
	(void)auth;
	return show_form(req, 200, &signup_form, NULL, NULL);
}

static int login_page(nitro_req *req, void *auth)
{
	(void)auth;
	return show_form(req, 200, &login_form, NULL, NULL);
}

static int signup(nitro_req *req, void *auth)
{
	const char *email = nitro_req_form(req, "email");
	int rc;

	if (nitro_req_failed(req))
		return 0;		/* the runtime answers 400 or 413 */
	rc = nitro_auth_signup(auth, req, email, nitro_req_form(req, "password"));
	if (rc == NITRO_EVALIDATE || rc == NITRO_EEXIST)
		return show_form(req, rc == NITRO_EEXIST ? 409 : 422, &signup_form,
		    email, nitro_errmsg());
	if (rc != 0)
		return rc;		/* logged; 503 when the store is away, else 500 */
	return nitro_resp_redirect(req, 303, "/account");
}

static int login(nitro_req *req, void *auth)
{
	const char *email = nitro_req_form(req, "email");
	int rc;

	if (nitro_req_failed(req))
		return 0;
	rc = nitro_auth_login(auth, req, email, nitro_req_form(req, "password"));
	if (rc == NITRO_EBUSY)
		return 0;		/* answered: 429 with Retry-After */
	if (rc == NITRO_EVALIDATE)
		return show_form(req, 401, &login_form, email, nitro_errmsg());
	if (rc != 0)
		return rc;
	return nitro_resp_redirect(req, 303, "/account");
}

static int logout(nitro_req *req, void *auth)
{
	int rc = nitro_auth_logout(auth, req);

	return rc != 0 ? rc : nitro_resp_redirect(req, 303, "/login");
}

/* Behind the guard: only a signed-in user gets here. */
static int account(nitro_req *req, void *auth)
{
	struct nitro_page p = { .title = "Your account" };
	struct nitro_auth_user u;
	nitro_html h;
	int rc = nitro_auth_user(auth, req, &u);

	if (rc != 0)
		return rc;
	nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
	nitro_resp_header(req, "Cache-Control", "no-store");
	nitro_html_init(&h, nitro_resp_body(req));
	nitro_page_begin(&h, &p);
	NITRO_HTML(&h, "main") {
		nitro_html_elem(&h, "h1", "Your account");
		NITRO_HTML(&h, "p") {
			nitro_html_text(&h, "Signed in as ");
			nitro_html_elem(&h, "strong", u.email);	/* escaped */
		}
		NITRO_HTML(&h, "form") {
			nitro_html_attr(&h, "method", "post");
			nitro_html_attr(&h, "action", "/logout");
			NITRO_HTML(&h, "button") nitro_html_text(&h, "Log out");
		}
	}
	nitro_page_end(&h);
	return nitro_html_finish(&h);
}

static const struct {
	const char *pattern;
	nitro_handler handler;
} routes[] = {
	{ "GET /signup", signup_page }, { "POST /signup", signup },
	{ "GET /login", login_page }, { "POST /login", login },
	{ "POST /logout", logout }, { "GET /account", account },
};

int app_account_routes(nitro_app *app, nitro_auth *auth)
{
	/* Everything under /account needs a session. */
	int rc = nitro_use(app, "/account", nitro_auth_guard, NULL, auth);

	for (size_t i = 0; rc == 0 && i < sizeof routes / sizeof routes[0]; i++)
		rc = nitro_route(app, routes[i].pattern, routes[i].handler, auth);
	return rc;
}
