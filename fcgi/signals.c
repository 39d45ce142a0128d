/*
 * Signals by path, both ways: reading one value from the signals a
 * Datastar action sent, and answering with a patch of string values, the
 * two things every action handler does and each wrote in json-c.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "fcgi/internal.h"

/* A path is short: names of signals, not data.  Longer ones are refused. */
#define SIGNAL_PATH_MAX 256

/* Walk "a.b[2].c" (or "a.b.2.c") from root; NULL when any step is not there. */
static json_object *walk(json_object *root, const char *path)
{
	const char *p = path;
	json_object *cur = root;
	char seg[SIGNAL_PATH_MAX + 1];

	if (strlen(path) > SIGNAL_PATH_MAX)
		return NULL;
	while (cur != NULL && *p) {
		size_t n = strcspn(p, ".[");

		memcpy(seg, p, n);
		seg[n] = '\0';
		p += n;
		if (n > 0 || p == path) {	/* a name (or an empty first name) */
			if (json_object_is_type(cur, json_type_array)) {
				char *end;
				long i = strtol(seg, &end, 10);

				cur = *end || n == 0 || i < 0 ? NULL :
				    json_object_array_get_idx(cur, (size_t)i);
			} else if (!json_object_object_get_ex(cur, seg, &cur)) {
				cur = NULL;
			}
		}
		while (cur != NULL && *p == '[') {	/* indices: [2][0] */
			char *end;
			long i = strtol(p + 1, &end, 10);

			if (end == p + 1 || *end != ']' || i < 0 ||
			    !json_object_is_type(cur, json_type_array))
				return NULL;
			cur = json_object_array_get_idx(cur, (size_t)i);
			p = end + 1;
		}
		if (*p == '.')
			p++;
		else if (*p != '\0')
			return NULL;
	}
	return cur;
}

json_object *nitro_req_signal(nitro_req *req, const char *path)
{
	json_object *root = nitro_req_signals(req);

	return root == NULL || path == NULL ? NULL : walk(root, path);
}

const char *nitro_req_signal_str(nitro_req *req, const char *path)
{
	json_object *v = nitro_req_signal(req, path);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* Put s at the dotted name in o, making the objects on the way. */
static int put_path(json_object *o, const char *name, const char *s)
{
	char seg[SIGNAL_PATH_MAX + 1];
	const char *dot;
	json_object *next, *v;

	if (strlen(name) > SIGNAL_PATH_MAX || *name == '\0' || strchr(name, '['))
		return nitro_error(NITRO_EINVAL, "signal \"%.40s\": a dotted name of 1 to %d "
		    "bytes is needed", name, SIGNAL_PATH_MAX);
	while ((dot = strchr(name, '.')) != NULL) {
		size_t n = (size_t)(dot - name);

		if (n == 0)
			return nitro_error(NITRO_EINVAL, "signal: empty name in a path");
		memcpy(seg, name, n);
		seg[n] = '\0';
		if (!json_object_object_get_ex(o, seg, &next) ||
		    !json_object_is_type(next, json_type_object)) {
			if ((next = json_object_new_object()) == NULL ||
			    json_object_object_add(o, seg, next) != 0) {
				json_object_put(next);
				return nitro__oom("signals");
			}
		}
		o = next;
		name = dot + 1;
	}
	if (*name == '\0')
		return nitro_error(NITRO_EINVAL, "signal: empty name in a path");
	if ((v = json_object_new_string(s)) == NULL || json_object_object_add(o, name, v) != 0) {
		json_object_put(v);
		return nitro__oom("signals");
	}
	return 0;
}

int nitro_ds_reply_strings(nitro_req *req, const char *name, ...)
{
	json_object *o = json_object_new_object();
	va_list ap;
	int rc = 0;

	if (o == NULL)
		return nitro__oom("signals");
	va_start(ap, name);
	for (; rc == 0 && name != NULL; name = va_arg(ap, const char *)) {
		const char *s = va_arg(ap, const char *);

		rc = put_path(o, name, s ? s : "");
	}
	va_end(ap);
	if (rc == 0)
		rc = nitro_ds_reply_signals(req, o, 0);
	json_object_put(o);
	return rc;
}
