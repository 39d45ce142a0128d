/*
 * Entities as Datastar signals: the data-signals attribute of a page and
 * the signals patch of an answer, built from the schema so that no
 * handler writes json-c by hand.
 */
#include <string.h>

#include "views/internal.h"

/* A signal path segment: names of signals, not data. */
#define SEGMENT_MAX 255

int nitro__json_put_path(json_object *obj, const char *path, json_object *v)
{
	char seg[SEGMENT_MAX + 1];
	const char *dot;
	size_t n;

	for (;;) {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n == 0 || n > SEGMENT_MAX) {
			json_object_put(v);
			return nitro_error(NITRO_EINVAL, "signals: bad path \"%.40s\"", path);
		}
		memcpy(seg, path, n);
		seg[n] = '\0';
		if (dot == NULL)
			return json_object_object_add(obj, seg, v) ? (json_object_put(v),
			    nitro__oom("signals")) : 0;
		json_object *next = json_object_object_get(obj, seg);
		if (!json_object_is_type(next, json_type_object)) {
			next = json_object_new_object();
			if (next == NULL || json_object_object_add(obj, seg, next)) {
				json_object_put(next);
				json_object_put(v);
				return nitro__oom("signals");
			}
		}
		obj = next;
		path = dot + 1;
	}
}

int nitro_ds_entity_patch(const nitro_schema *s, const void *obj, const char *prefix,
    const char *const *fields, json_object **out)
{
	json_object *all = NULL, *pick, *root;
	int rc;

	*out = NULL;
	if (s == NULL || obj == NULL)
		return nitro_error(NITRO_EINVAL, "signals: no entity");
	if ((rc = nitro_entity_to_json(s, obj, &all)) != 0)
		return rc;
	pick = all;
	if (fields != NULL) {	/* only those, in the list's order */
		if ((pick = json_object_new_object()) == NULL) {
			json_object_put(all);
			return nitro__oom("signals");
		}
		for (; *fields != NULL; fields++) {
			json_object *v;

			if (!json_object_object_get_ex(all, *fields, &v)) {
				json_object_put(pick);
				json_object_put(all);
				return nitro_error(NITRO_EINVAL, "signals: %s has no field %s"
				    " (or it is secret)", s->name, *fields);
			}
			if (json_object_object_add(pick, *fields, json_object_get(v))) {
				json_object_put(v);
				json_object_put(pick);
				json_object_put(all);
				return nitro__oom("signals");
			}
		}
		json_object_put(all);
	}
	if (prefix == NULL) {
		*out = pick;
		return 0;
	}
	if ((root = json_object_new_object()) == NULL) {
		json_object_put(pick);
		return nitro__oom("signals");
	}
	if ((rc = nitro__json_put_path(root, prefix, pick)) != 0) {
		json_object_put(root);
		return rc;
	}
	*out = root;
	return 0;
}

int nitro_sse_patch_entity(nitro_buf *b, const nitro_schema *s, const void *obj,
    const char *prefix, const char *const *fields, const struct nitro_sse_opts *o)
{
	json_object *j;
	int rc;

	if ((rc = nitro_ds_entity_patch(s, obj, prefix, fields, &j)) != 0)
		return rc;
	rc = nitro_sse_patch_signals(b, j, 0, o);
	json_object_put(j);
	return rc;
}

int nitro_ds_signals_entity(nitro_html *h, const nitro_schema *s, const void *obj,
    int only_if_missing)
{
	struct json_object *j = NULL;
	int rc;

	if (h->err)
		return h->err;
	if (s == NULL || obj == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "data-signals: no entity");
	if ((rc = nitro_entity_to_json(s, obj, &j)) != 0)
		return nitro__html_fail(h, rc, "data-signals: %s", nitro_errmsg());
	rc = nitro_ds_signals(h, j, only_if_missing);
	json_object_put(j);
	return rc;
}
