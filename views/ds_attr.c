/*
 * Datastar attributes in the v1.0 syntax:
 *   data-<plugin>[:<key>][__<modifier>[.<arg>]...]="<expression>"
 * The name is assembled on the stack and checked like any attribute name,
 * so a key or modifier cannot smuggle quotes or spaces into the tag.
 */
#include <string.h>

#include "views/internal.h"

#define DS_NAME_MAX 256

int nitro_ds_data(nitro_html *h, const char *plugin, const char *key,
    const char *mods, const char *expr)
{
	char name[DS_NAME_MAX];
	size_t n = 0, len;
	const char *m;

	if (h->err)
		return h->err;
	if (plugin == NULL || *plugin == '\0')
		return nitro__html_fail(h, NITRO_EINVAL, "data-* without a plugin name");
#define PUT(s, l) do { \
	if ((l) >= sizeof name - n) \
		return nitro__html_fail(h, NITRO_ELIMIT, "data-%.40s: name too long", plugin); \
	memcpy(name + n, (s), (l)); \
	n += (l); \
} while (0)
	PUT("data-", 5);
	PUT(plugin, strlen(plugin));
	if (key != NULL) {
		if (*key == '\0')
			return nitro__html_fail(h, NITRO_EINVAL, "data-%.40s: empty key", plugin);
		PUT(":", 1);
		PUT(key, strlen(key));
	}
	/* "debounce.300ms prevent" -> "__debounce.300ms__prevent" */
	for (m = mods; m != NULL && *m != '\0'; m += len) {
		while (*m == ' ')
			m++;
		len = strcspn(m, " ");
		if (len == 0)
			break;
		PUT("__", 2);
		PUT(m, len);
	}
#undef PUT
	return nitro__html_attr(h, name, n, expr, expr ? strlen(expr) : 0, 0);
}

/* A data-<plugin> whose expression is required. */
static int with_expr(nitro_html *h, const char *plugin, const char *key,
    const char *mods, const char *expr)
{
	if (expr == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "data-%s needs an expression", plugin);
	return nitro_ds_data(h, plugin, key, mods, expr);
}

/* A data-<plugin>:<key> whose key is required. */
static int with_key(nitro_html *h, const char *plugin, const char *key)
{
	if (key == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "data-%s needs a key", plugin);
	return nitro_ds_data(h, plugin, key, NULL, NULL);
}

int nitro_ds_signal(nitro_html *h, const char *key, const char *expr)
{
	if (key == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "data-signals: needs a key");
	return with_expr(h, "signals", key, NULL, expr);
}

int nitro_ds_signals(nitro_html *h, json_object *obj, int only_if_missing)
{
	if (!json_object_is_type(obj, json_type_object))
		return nitro__html_fail(h, NITRO_EINVAL, "data-signals needs a JSON object");
	return nitro_ds_data(h, "signals", NULL, only_if_missing ? "ifmissing" : NULL,
	    json_object_to_json_string_ext(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

int nitro_ds_computed(nitro_html *h, const char *key, const char *expr)
{
	if (key == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "data-computed needs a key");
	return with_expr(h, "computed", key, NULL, expr);
}

int nitro_ds_bind(nitro_html *h, const char *key)
{
	return with_key(h, "bind", key);
}

int nitro_ds_text(nitro_html *h, const char *expr)
{
	return with_expr(h, "text", NULL, NULL, expr);
}

int nitro_ds_show(nitro_html *h, const char *expr)
{
	return with_expr(h, "show", NULL, NULL, expr);
}

int nitro_ds_class(nitro_html *h, const char *cls, const char *expr)
{
	return with_expr(h, "class", cls, NULL, expr);
}

int nitro_ds_attr(nitro_html *h, const char *name, const char *expr)
{
	return with_expr(h, "attr", name, NULL, expr);
}

int nitro_ds_style(nitro_html *h, const char *prop, const char *expr)
{
	return with_expr(h, "style", prop, NULL, expr);
}

int nitro_ds_effect(nitro_html *h, const char *expr)
{
	return with_expr(h, "effect", NULL, NULL, expr);
}

int nitro_ds_indicator(nitro_html *h, const char *key)
{
	return with_key(h, "indicator", key);
}

int nitro_ds_ref(nitro_html *h, const char *key)
{
	return with_key(h, "ref", key);
}

int nitro_ds_init(nitro_html *h, const char *mods, const char *expr)
{
	return with_expr(h, "init", NULL, mods, expr);
}

int nitro_ds_on(nitro_html *h, const char *event, const char *mods, const char *expr)
{
	if (event == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "data-on needs an event");
	return with_expr(h, "on", event, mods, expr);
}

int nitro_ds_on_action(nitro_html *h, const char *event, const char *mods,
    const char *method, const char *url, const struct nitro_ds_action_opts *opts)
{
	nitro_buf *e;
	int rc;

	if (h->err)
		return h->err;
	e = nitro__html_scratch(h);
	if ((rc = nitro_js_action(e, method, url, opts)) != 0)
		return nitro__html_fail(h, rc, "%s", nitro_errmsg());
	return nitro_ds_on(h, event, mods, e->data);
}

int nitro_ds_on_intersect(nitro_html *h, const char *mods, const char *expr)
{
	return with_expr(h, "on-intersect", NULL, mods, expr);
}

int nitro_ds_on_interval(nitro_html *h, const char *mods, const char *expr)
{
	return with_expr(h, "on-interval", NULL, mods, expr);
}

int nitro_ds_on_signal_patch(nitro_html *h, const char *mods, const char *expr)
{
	return with_expr(h, "on-signal-patch", NULL, mods, expr);
}

int nitro_ds_ignore(nitro_html *h, int self_only)
{
	return nitro_ds_data(h, "ignore", NULL, self_only ? "self" : NULL, NULL);
}

int nitro_ds_ignore_morph(nitro_html *h)
{
	return nitro_ds_data(h, "ignore-morph", NULL, NULL, NULL);
}

int nitro_ds_preserve_attr(nitro_html *h, const char *attrs)
{
	return with_expr(h, "preserve-attr", NULL, NULL, attrs);
}

int nitro_ds_json_signals(nitro_html *h)
{
	return nitro_ds_data(h, "json-signals", NULL, NULL, NULL);
}
