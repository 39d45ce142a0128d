/*
 * Datastar attributes in the v1.0 syntax:
 *   data-<plugin>[:<key>][__<modifier>[.<arg>]...]="<expression>"
 *
 * The attributes whose values Datastar reads as JavaScript are listed
 * once, in plugins[] below, with what each requires of its key and value
 * (Datastar's own "requirement" of the plugin).  Every part of the views
 * that meets such an attribute asks this table: nitro_ds_data() writes
 * only these and checks their requirements, the HTML writer refuses them
 * in plain nitro_html_attr() as it refuses on* handlers, and the template
 * compiler lets a hole into their values only inside a JavaScript string
 * (escaped for JavaScript, then HTML).  A plugin missing here would get
 * HTML escaping only inside JavaScript, so add new ones here and nowhere
 * else.
 *
 * The name is assembled on the stack and checked like any attribute name,
 * so a key or modifier cannot smuggle quotes or spaces into the tag.
 */
#include <string.h>
#include <strings.h>

#include "views/internal.h"

#define DS_NAME_MAX 256

#define P(name, key, value) \
	{ name, sizeof name - 1, NITRO__DS_##key, NITRO__DS_##value }
static const struct nitro__ds_plugin plugins[] = {
	/* Datastar 1.0 attribute plugins */
	P("attr", ALLOWED, MUST),
	P("bind", EXCLUSIVE, ALLOWED),	/* a key or a value */
	P("class", ALLOWED, MUST),
	P("computed", ALLOWED, MUST),
	P("effect", DENIED, MUST),
	P("indicator", EXCLUSIVE, ALLOWED),
	P("init", DENIED, MUST),
	P("json-signals", DENIED, ALLOWED),
	P("on", MUST, MUST),
	P("on-intersect", DENIED, MUST),
	P("on-interval", DENIED, MUST),
	P("on-signal-patch", ALLOWED, MUST),
	P("ref", EXCLUSIVE, ALLOWED),
	P("show", DENIED, MUST),
	P("signals", ALLOWED, ALLOWED),
	P("style", ALLOWED, MUST),
	P("text", DENIED, MUST),
	/* Read by name: data-on-signal-patch's filter (evaluated as
	 * JavaScript when it is not JSON) and the morph controls. */
	P("on-signal-patch-filter", DENIED, MUST),
	P("ignore", DENIED, DENIED),
	P("ignore-morph", DENIED, DENIED),
	P("preserve-attr", DENIED, MUST),
	{ NULL, 0, 0, 0 }
};
#undef P

const struct nitro__ds_plugin *nitro__ds_plugins(void)
{
	return plugins;
}

const struct nitro__ds_plugin *nitro__ds_plugin(const char *name, size_t len)
{
	const struct nitro__ds_plugin *p;

	if (len < 6 || strncasecmp(name, "data-", 5) != 0)
		return NULL;
	name += 5;
	len -= 5;
	/* The plugin name ends the attribute name or is followed by its key
	 * (':') or modifiers ("__"), so "on" is not "on-interval". */
	for (p = plugins; p->name != NULL; p++)
		if (len >= p->len && strncasecmp(name, p->name, p->len) == 0 &&
		    (len == p->len || name[p->len] == ':' ||
		    (len >= p->len + 2u && name[p->len] == '_' && name[p->len + 1] == '_')))
			return p;
	return NULL;
}

/* What p misses or has too much of with or without a key and a value;
 * NULL when it is as Datastar wants it. */
static const char *unmet(const struct nitro__ds_plugin *p, int key, int value)
{
	if (p->key == NITRO__DS_EXCLUSIVE && key == value)
		return key ? "takes a key or an expression, not both" :
		    "needs a key or an expression";
	if (p->key == NITRO__DS_MUST && !key)
		return "needs a key";
	if (p->key == NITRO__DS_DENIED && key)
		return "takes no key";
	if (p->value == NITRO__DS_MUST && !value)
		return "needs an expression";
	if (p->value == NITRO__DS_DENIED && value)
		return "takes no expression";
	return NULL;
}

int nitro_ds_data(nitro_html *h, const char *plugin, const char *key,
    const char *mods, const char *expr)
{
	const struct nitro__ds_plugin *p;
	char name[DS_NAME_MAX];
	size_t n = 0, len;
	const char *m, *why;

	if (h->err)
		return h->err;
	if (plugin == NULL || *plugin == '\0')
		return nitro__html_fail(h, NITRO_EINVAL, "data-* without a plugin name");
	for (p = plugins; p->name != NULL && strcmp(p->name, plugin) != 0; p++)
		;
	if (p->name == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "data-%.40s: not a Datastar attribute "
		    "(nitro_html_attr writes other data-*)", plugin);
	if (key != NULL && *key == '\0')
		return nitro__html_fail(h, NITRO_EINVAL, "data-%s: empty key", plugin);
	if ((why = unmet(p, key != NULL, expr != NULL)) != NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "data-%s %s", plugin, why);
#define PUT(s, l) do { \
	if ((l) >= sizeof name - n) \
		return nitro__html_fail(h, NITRO_ELIMIT, "data-%s: name too long", plugin); \
	memcpy(name + n, (s), (l)); \
	n += (l); \
} while (0)
	PUT("data-", 5);
	PUT(plugin, p->len);
	if (key != NULL) {
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
	/* The one writer call allowed Datastar names: the expression is the
	 * program's, built with nitro_js_*. */
	return nitro__html_attr(h, name, n, expr, expr ? strlen(expr) : 0, 1);
}

int nitro_ds_signals(nitro_html *h, json_object *obj, int only_if_missing)
{
	const char *json;
	size_t len;
	int rc;

	if (h->err)
		return h->err;
	if ((rc = nitro__signals_json(obj, &json, &len)) != 0)
		return nitro__html_fail(h, rc, "data-signals: %s", nitro_errmsg());
	return nitro_ds_data(h, "signals", NULL, only_if_missing ? "ifmissing" : NULL, json);
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
	return nitro_ds_data(h, "on", event, mods, e->data);
}
