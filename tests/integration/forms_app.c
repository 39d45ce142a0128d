/*
 * The application of tests/integration/test_forms.sh: one entity in the
 * memory repository, created through a form that the schema makes and the
 * binder reads back, answered as each kind of client needs (a plain form
 * post, a Datastar action, an API call).  Public API only (<nitro.h>).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nitro.h>

#define TEAM(X) \
	X(id,   INT,  NITRO_F_ID) \
	X(name, TEXT, NITRO_F_REQUIRED)
NITRO_ENTITY(team, TEAM)
NITRO_ENTITY_DEFINE(team, TEAM);

#define CONTACT(X) \
	X(id,         INT,  NITRO_F_ID) \
	X(name,       TEXT, NITRO_F_REQUIRED, NITRO_F_MAXLEN(40), \
	    NITRO_F_MSG(REQUIRED, "Give a name")) \
	X(email,      TEXT, NITRO_F_FORMAT("email"), NITRO_F_PATTERN("^[^@ ]+@[^@ ]+$")) \
	X(age,        INT,  NITRO_F_MIN(0), NITRO_F_MAX(150), \
	    NITRO_F_MSG(TYPE, "Age in whole years")) \
	X(subscribed, BOOL) \
	X(born,       TIME, NITRO_F_FORMAT("date")) \
	X(team_id,    INT,  NITRO_F_REF("team"))
NITRO_ENTITY(contact, CONTACT)
NITRO_ENTITY_DEFINE(contact, CONTACT);

/* The team as a select (plain form) or a combobox searching /teams/search
 * (the Datastar page). */
static const struct nitro_form_ref team_pick[] = {
	{.field = "team_id", .schema = &team_schema, .label = "name"},
};
static const struct nitro_form_ref team_combo[] = {
	{.field = "team_id", .schema = &team_schema, .label = "name",
	 .search_url = "/teams/search"},
};
static const struct nitro_form_opts ds_form = {
	.bind = "contact", .on_submit = "@post('/contacts')",
	.refs = team_combo, .nrefs = 1,
};

/* The page with the form: for GET /contacts/new and for a rejected post. */
static int render_form(nitro_req *req, const nitro_schema *s, const void *obj,
    const nitro_verrors *errs, void *udata)
{
	struct nitro_page page = {.title = "New contact"};
	struct nitro_form_opts o = {.action = "/contacts", .values = obj, .errs = errs,
		.refs = team_pick, .nrefs = 1};
	nitro_html h;

	nitro_html_init(&h, nitro_resp_body(req));
	nitro_page_begin(&h, &page);
	nitro_ui_form(&h, s, udata ? (const struct nitro_form_opts *)udata : &o);
	nitro_page_end(&h);
	return nitro_html_finish(&h);
}

static int h_new(nitro_req *req, void *udata)
{
	nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
	return render_form(req, &contact_schema, NULL, NULL, udata);
}

static int h_team_search(nitro_req *req, void *udata)
{
	int rc = nitro_reply_ref_search(req, &contact_schema, &ds_form, "team_id");

	return rc == NITRO_EPARSE ? 0 : rc;
}

static int h_create(nitro_req *req, void *udata)
{
	struct contact c;
	nitro_verrors errs;
	char loc[64];
	int rc;

	contact_init(&c);
	/* Datastar sends the page's signals: the contact is under "contact",
	 * where ds_form binds it; a form or an API body is the contact. */
	rc = nitro_req_bind(req, &contact_schema, &c, &errs,
	    &(struct nitro_bind_opts){.prefix = "contact"});
	if (rc == 0)
		rc = contact_save(&c);
	if (rc == NITRO_EVALIDATE) {
		rc = nitro_reply_invalid(req, &contact_schema, &c, &errs, render_form, NULL);
	} else if (rc == 0 && nitro_req_is_datastar(req)) {
		rc = nitro_ds_reply_entity(req, &contact_schema, &c, "contact", NULL);
	} else if (rc == 0) {
		snprintf(loc, sizeof loc, "/contacts/%lld", (long long)c.id);
		rc = nitro_resp_redirect(req, 303, loc);
	}
	contact_clear(&c);
	return rc == NITRO_EPARSE ? 0 : rc;
}

static int h_show(nitro_req *req, void *udata)
{
	struct contact c;
	json_object *j;
	int64_t id;
	int rc;

	if (nitro_req_param_int(req, "id", &id) != 0)
		return nitro_resp_error(req, 404, "no such contact");
	if ((rc = contact_get(nitro_id_int(id), &c)) != 0)
		return nitro_resp_error(req, 404, "no such contact");
	if ((rc = contact_to_json(&c, &j)) == 0) {
		const char *s = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);

		rc = nitro_resp_send(req, 200, "application/json", s, strlen(s));
		json_object_put(j);
	}
	contact_clear(&c);
	return rc;
}

int main(int argc, char **argv)
{
	nitro_repo *repo = nitro_memrepo_new(NULL);
	nitro_app *app = nitro_app_new(NULL);
	static const char *const teams[] = {"Blue <team>", "Red", "Green"};
	int rc;

	if (repo == NULL || app == NULL ||
	    nitro_entity_bind(&contact_schema, repo, NULL) != 0 ||
	    nitro_entity_bind(&team_schema, repo, NULL) != 0 ||
	    nitro_route(app, "GET /contacts/new", h_new, NULL) != 0 ||
	    nitro_route(app, "GET /contacts/new-ds", h_new, (void *)&ds_form) != 0 ||
	    nitro_route(app, "GET /teams/search", h_team_search, NULL) != 0 ||
	    nitro_route(app, "POST /contacts", h_create, NULL) != 0 ||
	    nitro_route(app, "GET /contacts/{id}", h_show, NULL) != 0) {
		fprintf(stderr, "forms_app: %s\n", nitro_errmsg());
		return 1;
	}
	/* Each worker process has its own memory store: the same teams. */
	for (size_t i = 0; i < sizeof teams / sizeof *teams; i++) {
		struct team t;

		team_init(&t);
		t.name = strdup(teams[i]);
		rc = team_save(&t);
		team_clear(&t);
		if (rc != 0)
			return 1;
	}
	rc = nitro_app_run(app, argc, argv);
	nitro_app_free(app);
	nitro_repo_free(repo);
	return rc == 0 ? 0 : 1;
}
