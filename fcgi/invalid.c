/*
 * From an entity's errors back to the client, in the form each kind of
 * client reads: Datastar applies only a 200 answer, so it gets a signals
 * patch; an API client gets 422 and JSON; a browser's plain form post
 * gets 422 and the form again, with a message next to each field.  And
 * the search a form's combobox makes.
 */
#include <stdio.h>
#include <string.h>

#include "fcgi/internal.h"
#include "views/form.h"	/* nitro__json_put_path, the combobox options */

/* {"errors":{"field":"message" or "",...}} */
static int errors_patch(nitro_req *req, const nitro_schema *s, const nitro_verrors *errs)
{
	json_object *root, *fields = NULL;
	int rc;

	if ((rc = nitro_verrors_patch(s, errs, &fields)) != 0)
		return rc;
	if ((root = json_object_new_object()) == NULL) {
		json_object_put(fields);
		return nitro__oom("errors");
	}
	if ((rc = nitro__json_put_path(root, "errors", fields)) == 0)
		rc = nitro_ds_reply_signals(req, root, 0);
	json_object_put(root);
	return rc;
}

/* 422 {"error":{"status":422,"message":"...","fields":{...}}} */
static int errors_json(nitro_req *req, const nitro_verrors *errs)
{
	json_object *root = json_object_new_object(), *e = json_object_new_object();
	json_object *fields = NULL;
	const char *text;
	int rc = 0;

	if (root == NULL || e == NULL || json_object_object_add(root, "error", e)) {
		json_object_put(e);
		json_object_put(root);
		return nitro__oom("errors");
	}
	if (json_object_object_add(e, "status", json_object_new_int(422)) ||
	    json_object_object_add(e, "message", json_object_new_string(nitro_errmsg())) ||
	    (rc = nitro_verrors_to_json(errs, &fields)) != 0 ||
	    json_object_object_add(e, "fields", fields)) {
		json_object_put(root);
		return rc ? rc : nitro__oom("errors");
	}
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	rc = text ? nitro_resp_send(req, 422, "application/json", text, strlen(text)) :
	    nitro__oom("errors");
	json_object_put(root);
	return rc;
}

static int is_api(nitro_req *req)
{
	const char *ct = nitro_req_env(req, "CONTENT_TYPE");

	return (ct != NULL && nitro__media_type_is(ct, "application/json")) ||
	    nitro__error_as_json(req);
}

int nitro_reply_invalid(nitro_req *req, const nitro_schema *s, const void *obj,
    const nitro_verrors *errs, nitro_form_render render, void *udata)
{
	char summary[512];
	nitro_buf b;
	int rc;

	if (req == NULL || s == NULL || errs == NULL)
		return nitro_error(NITRO_EINVAL, "reply invalid: no request, schema or errors");
	/* The message JSON and error pages carry, made before anything else
	 * can set another. */
	nitro_buf_init_on(&b, summary, sizeof summary, sizeof summary - 1);
	nitro_buf_printf(&b, "%s: ", s->name);
	for (size_t i = 0; i < errs->n; i++)
		nitro_buf_printf(&b, "%s%s %s", i ? "; " : "", errs->e[i].field,
		    errs->e[i].msg);
	nitro_error(NITRO_EVALIDATE, "%s", b.err ? summary : b.data);
	nitro_buf_free(&b);
	if (nitro_req_is_datastar(req))
		return errors_patch(req, s, errs);
	if (is_api(req))
		return errors_json(req, errs);
	if (render == NULL)
		return nitro_resp_error(req, 422, nitro_errmsg());
	nitro_buf_reset(nitro_resp_body(req));
	nitro_resp_status(req, 422);
	if ((rc = nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8")) != 0)
		return rc;
	return render(req, s, obj, errs, udata);
}

int nitro_ds_reply_entity(nitro_req *req, const nitro_schema *s, const void *obj,
    const char *prefix, const char *const *fields)
{
	json_object *j;
	int rc;

	if ((rc = nitro_ds_entity_patch(s, obj, prefix, fields, &j)) != 0)
		return rc;
	rc = nitro_ds_reply_signals(req, j, 0);
	json_object_put(j);
	return rc;
}

/* The longest search text looked for: a name, not a document. */
#define SEARCH_TEXT_MAX 200

int nitro_reply_ref_search(nitro_req *req, const nitro_schema *s,
    const struct nitro_form_opts *form, const char *field)
{
	const char *q = nitro_req_query(req, "q");
	char text[SEARCH_TEXT_MAX + 1];
	nitro_buf out = NITRO_BUF_INIT;
	nitro_html h;
	int rc;

	if (s == NULL || form == NULL || field == NULL)
		return nitro_error(NITRO_EINVAL, "search: no schema, form or field");
	if (nitro_req_failed(req))
		return nitro_error(NITRO_EPARSE, "%s", nitro_req_failure(req));
	if (q != NULL && strlen(q) > SEARCH_TEXT_MAX)
		return nitro_resp_error(req, 400, "search text longer than 200 bytes");
	snprintf(text, sizeof text, "%s", q ? q : "");
	nitro_html_init(&h, &out);
	nitro__form_ref_search(&h, s, form, field, text);
	if ((rc = nitro_html_finish(&h)) == 0)
		rc = nitro_ds_reply_html(req, out.data ? out.data : "", out.len, NULL);
	nitro_buf_free(&out);
	return rc;
}
