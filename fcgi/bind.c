/*
 * From a request to an entity: one call that fills an entity from
 * whatever the client sent (a urlencoded or multipart form, a query
 * string, Datastar signals or a JSON body), converting each field from
 * its text form and validating the result, with one message per field.
 *
 * Bounded by what it reads: only the schema's fields are looked up (other
 * keys are ignored), the values were already bounded by the request's
 * limits, and the id, secret and hidden fields are left alone unless the
 * caller asks (no mass assignment).
 */
#include <string.h>

#include "core/error.h"
#include "core/repo.h"
#include "fcgi/internal.h"

enum source { SRC_FORM, SRC_QUERY, SRC_SIGNALS };

static enum source source_of(nitro_req *req)
{
	const char *ct = nitro_req_env(req, "CONTENT_TYPE");
	const char *m = nitro_req_method(req);

	if (ct != NULL && (nitro__media_type_is(ct, "application/x-www-form-urlencoded") ||
	    nitro__media_type_is(ct, "multipart/form-data")))
		return SRC_FORM;
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
	    (strcmp(m, "DELETE") == 0 && !nitro__req_has_body(req)))
		return nitro_req_query(req, "datastar") != NULL ? SRC_SIGNALS : SRC_QUERY;
	return SRC_SIGNALS;
}

/* Is f taken from this request? */
static int bound(const nitro_field *f, const struct nitro_bind_opts *o, enum source src)
{
	int listed = nitro__name_listed(o->fields, f->name);

	if (f->type == NITRO_T_COMPUTED || nitro__name_listed(o->exclude, f->name))
		return 0;
	if (f->id)
		return o->allow_id;
	if (o->fields != NULL && !listed)
		return 0;
	/* Signals carry the whole page's state, not one form's: a secret
	 * comes from them only when the caller says so. */
	if (f->secret && src == SRC_SIGNALS && !listed && !o->allow_secret)
		return 0;
	return listed || !f->hidden;
}

/* One field from a JSON value: every kind goes through its text form,
 * so that the checks are the same as for a form. */
static int from_json(const nitro_schema *s, void *obj, const nitro_field *f,
    json_object *v, nitro_verrors *errs)
{
	const char *text;

	if (v == NULL)
		return nitro_entity_set_null(s, obj, f->name, 1);
	/* json-c clamps integers past int64: refuse rather than store the
	 * clamped value. */
	if (json_object_is_type(v, json_type_int) && f->type != NITRO_T_REAL &&
	    ((json_object_get_int64(v) == INT64_MAX &&
	    json_object_get_uint64(v) > (uint64_t)INT64_MAX) ||
	    json_object_get_int64(v) == INT64_MIN))
		text = "out of range";
	else if (json_object_is_type(v, json_type_string))
		return nitro_entity_set_text(s, obj, f->name, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), errs);
	else if (f->type == NITRO_T_TEXT && (json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_array)))
		text = "\0";	/* not text: refused with its message */
	else
		text = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text == NULL)
		return nitro__oom("bind");
	return nitro_entity_set_text(s, obj, f->name, text, text[0] ? strlen(text) : 1, errs);
}

/* One field from a form or query value (NULL: absent). */
static int from_text(nitro_req *req, const nitro_schema *s, void *obj,
    const nitro_field *f, enum source src, nitro_verrors *errs)
{
	const char *v = src == SRC_FORM ? nitro_req_form(req, f->name) :
	    nitro_req_query(req, f->name);

	if (f->type == NITRO_T_BLOB && src == SRC_FORM) {
		const struct nitro_upload *up = nitro_req_file(req, f->name);

		if (up == NULL)
			return 0;
		return nitro_entity_set_text(s, obj, f->name, (const char *)up->data,
		    up->len, errs);
	}
	if (v == NULL) {
		/* A form leaves an unchecked box out: that is false. */
		if (f->type == NITRO_T_BOOL && src == SRC_FORM)
			return nitro_entity_set_text(s, obj, f->name, "", 0, errs);
		return 0;
	}
	return nitro_entity_set_text(s, obj, f->name, v, strlen(v), errs);
}

/* The object the values sit in: a Datastar action's signals hold the
 * whole page's state, the entity under prefix; an API client's JSON body
 * is the entity itself. */
static int signals_root(nitro_req *req, const struct nitro_bind_opts *o, json_object **root)
{
	const char *prefix = nitro_req_is_datastar(req) ? o->prefix : NULL;

	*root = prefix ? nitro_req_signal(req, prefix) : nitro_req_signals(req);
	if (nitro_req_failed(req))
		return nitro_error(NITRO_EPARSE, "%s", nitro_req_failure(req));
	if (*root != NULL && !json_object_is_type(*root, json_type_object)) {
		struct nitro_perr e;

		/* The client's mistake: the runtime answers 400. */
		nitro__fail(&e, 400, NITRO_EPARSE, "signals%s%.80s: an object is needed",
		    prefix ? " " : "", prefix ? prefix : "");
		nitro__req_failed(req, &e);
		return nitro_error(NITRO_EPARSE, "%s", e.msg);
	}
	return 0;
}

/* Append the checks of validation for fields without an error yet. */
static void merge_validation(const nitro_schema *s, const void *obj, nitro_verrors *errs)
{
	nitro_verrors v;

	if (nitro_entity_validate(s, obj, &v) == 0)
		return;
	for (size_t i = 0; i < v.n && errs->n < NITRO_MAX_FIELDS; i++) {
		size_t k;

		for (k = 0; k < errs->n; k++)
			if (strcmp(errs->e[k].field, v.e[i].field) == 0)
				break;
		if (k == errs->n)
			errs->e[errs->n++] = v.e[i];
	}
}

int nitro_req_bind(nitro_req *req, const nitro_schema *s, void *obj, nitro_verrors *errs,
    const struct nitro_bind_opts *opts)
{
	static const struct nitro_bind_opts none;
	const struct nitro_bind_opts *o = opts ? opts : &none;
	struct nitro__schema_rt *rt;
	enum source src;
	json_object *root = NULL;
	nitro_verrors local;
	int rc;

	if (errs == NULL)
		errs = &local;
	errs->n = 0;
	if (req == NULL || obj == NULL || (rt = nitro__schema(s)) == NULL)
		return req && obj ? nitro__errcode() :
		    nitro_error(NITRO_EINVAL, "bind: no request or entity");
	src = source_of(req);
	if (src == SRC_SIGNALS && (rc = signals_root(req, o, &root)) < 0)
		return rc;
	for (size_t i = 0; i < rt->n; i++) {
		const nitro_field *f = &rt->f[i];
		json_object *v;

		if (!bound(f, o, src))
			continue;
		if (src != SRC_SIGNALS)
			rc = from_text(req, s, obj, f, src, errs);
		else if (root != NULL && json_object_object_get_ex(root, f->name, &v))
			rc = from_json(s, obj, f, v, errs);
		else
			rc = 0;	/* absent from signals: left as it was */
		if (rc < 0 && rc != NITRO_EVALIDATE)
			return rc;
	}
	if (nitro_req_failed(req))	/* a form over a limit, say */
		return nitro_error(NITRO_EPARSE, "%s", nitro_req_failure(req));
	merge_validation(s, obj, errs);
	if (errs->n == 0)
		return 0;
	return nitro_error(NITRO_EVALIDATE, "%s.%s %s", s->name, errs->e[0].field,
	    errs->e[0].msg);
}
