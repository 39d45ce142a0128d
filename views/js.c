/*
 * JavaScript expressions for Datastar attributes: string literals, signal
 * references, signal updates and backend actions.  A value that reaches a
 * JavaScript string is escaped for JavaScript here and for HTML again when
 * the writer puts the expression in an attribute, so "O'Neil" is safe in
 * both languages.
 */
#include <stdio.h>
#include <string.h>

#include "views/internal.h"

static const char hex[] = "0123456789ABCDEF";

int nitro__js_quote(nitro_buf *b, const char *s, size_t n, char q)
{
	nitro_buf_putc(b, q);
	nitro__js_escape(b, s, n);
	return nitro_buf_putc(b, q);
}

/*
 * U+1F595 starts the marker ("\U0001F595JS_" ... "_DS\U0001F680") around
 * text that Datastar 1.0 keeps from its rewriting of an expression; it
 * puts that text back with String.replace, which reads $` in it as "the
 * expression so far": a value holding the marker and $` copied the
 * expression into itself, and with it other values out of their strings.
 * Spelled \uD83D\uDD95 the character is the same in the string, and
 * Datastar never sees a marker.
 */
static int is_ds_marker(const unsigned char *p, const unsigned char *end)
{
	return p[0] == 0xf0 && end - p >= 4 && p[1] == 0x9f && p[2] == 0x96 && p[3] == 0x95;
}

int nitro__js_escape(nitro_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run;
	char u[6] = { '\\', 'u', '0', '0', 0, 0 };

	while (p < end) {
		run = p;
		/* Plain bytes: printable ASCII other than \ ' " < > &, and
		 * UTF-8 sequences other than U+2028, U+2029 and U+1F595. */
		while (p < end && *p >= 0x20 && *p != 0x7f && *p != '\\' && *p != '\'' &&
		    *p != '"' && *p != '<' && *p != '>' && *p != '&' &&
		    !(*p == 0xe2 && end - p >= 3 && p[1] == 0x80 &&
		    (p[2] == 0xa8 || p[2] == 0xa9)) && !is_ds_marker(p, end))
			p++;
		nitro_buf_append(b, run, (size_t)(p - run));
		if (p == end)
			break;
		switch (*p) {
		case '\\': nitro_buf_append(b, "\\\\", 2); break;
		case '\'': nitro_buf_append(b, "\\'", 2); break;
		case '"': nitro_buf_append(b, "\\\"", 2); break;
		case '\n': nitro_buf_append(b, "\\n", 2); break;
		case '\r': nitro_buf_append(b, "\\r", 2); break;
		case '\t': nitro_buf_append(b, "\\t", 2); break;
		case 0xe2:	/* U+2028 / U+2029 end lines in old engines */
			nitro_buf_append(b, p[2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
			p += 2;
			break;
		case 0xf0:	/* U+1F595, see is_ds_marker */
			nitro_buf_append(b, "\\uD83D\\uDD95", 12);
			p += 3;
			break;
		default:	/* < > & and control bytes: never break out of <script> */
			u[4] = hex[*p >> 4];
			u[5] = hex[*p & 15];
			nitro_buf_append(b, u, 6);
			break;
		}
		p++;
	}
	return b->err;
}

int nitro_js_string(nitro_buf *b, const char *s)
{
	if (s == NULL)
		return nitro_error(NITRO_EINVAL, "js: NULL string");
	return nitro__js_quote(b, s, strlen(s), '\'');
}

static int ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static int ident_char(int c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/* Identifiers joined by single dots: a, a.b, _x.$y1 */
static int path_ok(const char *p)
{
	if (p == NULL || *p == '\0')
		return 0;
	for (;;) {
		if (!ident_start((unsigned char)*p))
			return 0;
		while (ident_char((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 1;
		if (*p++ != '.')
			return 0;
	}
}

int nitro_js_signal(nitro_buf *b, const char *path)
{
	if (!path_ok(path))
		return nitro_error(NITRO_EINVAL, "js: bad signal path \"%.40s\"",
		    path ? path : "(null)");
	nitro_buf_putc(b, '$');
	return nitro_buf_puts(b, path);
}

int nitro_js_toggle(nitro_buf *b, const char *path)
{
	int rc = nitro_js_signal(b, path);

	if (rc)
		return rc;
	nitro_buf_puts(b, " = !");
	return nitro_js_signal(b, path);
}

int nitro_js_increment(nitro_buf *b, const char *path, long long by)
{
	int rc = nitro_js_signal(b, path);

	if (rc)
		return rc;
	if (by == 1)
		return nitro_buf_puts(b, "++");
	if (by == -1)
		return nitro_buf_puts(b, "--");
	/* "+= -5" is valid JavaScript and keeps one format. */
	return nitro_buf_printf(b, " += %lld", by);
}

int nitro_js_set_string(nitro_buf *b, const char *path, const char *value)
{
	int rc = nitro_js_signal(b, path);

	if (rc)
		return rc;
	nitro_buf_puts(b, " = ");
	return nitro_js_string(b, value ? value : "");
}

int nitro_js_set_int(nitro_buf *b, const char *path, long long value)
{
	int rc = nitro_js_signal(b, path);

	return rc ? rc : nitro_buf_printf(b, " = %lld", value);
}

int nitro_js_set_bool(nitro_buf *b, const char *path, int value)
{
	int rc = nitro_js_signal(b, path);

	return rc ? rc : nitro_buf_puts(b, value ? " = true" : " = false");
}

/* ", " between option entries after the first. */
static void sep(nitro_buf *b, int *n)
{
	if ((*n)++)
		nitro_buf_append(b, ", ", 2);
}

static void regexp(nitro_buf *b, const char *key, const char *src, int *n)
{
	sep(b, n);
	nitro_buf_puts(b, key);
	nitro_buf_puts(b, ": new RegExp(");
	nitro_js_string(b, src);
	nitro_buf_putc(b, ')');
}

int nitro_js_action(nitro_buf *b, const char *method, const char *url,
    const struct nitro_ds_action_opts *o)
{
	static const char *const methods[] = { "get", "post", "put", "patch", "delete", NULL };
	int i, n = 0;

	for (i = 0; methods[i] != NULL; i++)
		if (method != NULL && strcmp(method, methods[i]) == 0)
			break;
	if (methods[i] == NULL)
		return nitro_error(NITRO_EINVAL, "js: unknown action method \"%.20s\"",
		    method ? method : "(null)");
	if (url == NULL)
		return nitro_error(NITRO_EINVAL, "js: action without a URL");
	if (o != NULL && o->retry != NULL && strcmp(o->retry, "auto") != 0 &&
	    strcmp(o->retry, "error") != 0 && strcmp(o->retry, "always") != 0 &&
	    strcmp(o->retry, "never") != 0)
		return nitro_error(NITRO_EINVAL, "js: retry is auto, error, always or never,"
		    " not \"%.20s\"", o->retry);
	for (const char *const *hp = o ? o->headers : NULL; hp && hp[0]; hp += 2)
		if (hp[1] == NULL)
			return nitro_error(NITRO_EINVAL, "js: header %.40s without a value",
			    hp[0]);
	nitro_buf_putc(b, '@');
	nitro_buf_puts(b, method);
	nitro_buf_putc(b, '(');
	nitro_js_string(b, url);
	if (o != NULL && (o->form || o->selector || o->include || o->exclude ||
	    o->headers || o->open_when_hidden || o->retry || o->retry_interval_ms ||
	    o->retry_max_wait_ms || o->retry_max_count)) {
		nitro_buf_append(b, ", {", 3);
		if (o->form) {
			sep(b, &n);
			nitro_buf_puts(b, "contentType: 'form'");
		}
		if (o->selector) {
			sep(b, &n);
			nitro_buf_puts(b, "selector: ");
			nitro_js_string(b, o->selector);
		}
		if (o->include || o->exclude) {
			int m = 0;

			sep(b, &n);
			nitro_buf_puts(b, "filterSignals: {");
			if (o->include)
				regexp(b, "include", o->include, &m);
			if (o->exclude)
				regexp(b, "exclude", o->exclude, &m);
			nitro_buf_putc(b, '}');
		}
		if (o->headers) {
			int m = 0;

			sep(b, &n);
			nitro_buf_puts(b, "headers: {");
			for (const char *const *hp = o->headers; hp[0] != NULL; hp += 2) {
				sep(b, &m);
				nitro_js_string(b, hp[0]);
				nitro_buf_append(b, ": ", 2);
				nitro_js_string(b, hp[1]);
			}
			nitro_buf_putc(b, '}');
		}
		if (o->open_when_hidden) {
			sep(b, &n);
			nitro_buf_puts(b, "openWhenHidden: true");
		}
		/* How the browser reconnects: a live stream wants retry
		 * 'always', since a worker that dies ends it cleanly. */
		if (o->retry) {
			sep(b, &n);
			nitro_buf_printf(b, "retry: '%s'", o->retry);
		}
		if (o->retry_interval_ms) {
			sep(b, &n);
			nitro_buf_printf(b, "retryInterval: %u", o->retry_interval_ms);
		}
		if (o->retry_max_wait_ms) {
			sep(b, &n);
			nitro_buf_printf(b, "retryMaxWait: %u", o->retry_max_wait_ms);
		}
		if (o->retry_max_count) {
			sep(b, &n);
			nitro_buf_printf(b, "retryMaxCount: %u", o->retry_max_count);
		}
		nitro_buf_putc(b, '}');
	}
	return nitro_buf_putc(b, ')');
}

static int filter_arg(nitro_buf *b, const char *include)
{
	if (include == NULL)
		return 0;
	nitro_buf_puts(b, "{include: new RegExp(");
	nitro_js_string(b, include);
	return nitro_buf_puts(b, ")}");
}

int nitro_js_set_all(nitro_buf *b, const char *value, const char *include)
{
	if (value == NULL)
		return nitro_error(NITRO_EINVAL, "js: @setAll without a value");
	nitro_buf_puts(b, "@setAll(");
	nitro_buf_puts(b, value);
	if (include != NULL)
		nitro_buf_append(b, ", ", 2);
	filter_arg(b, include);
	return nitro_buf_putc(b, ')');
}

int nitro_js_toggle_all(nitro_buf *b, const char *include)
{
	nitro_buf_puts(b, "@toggleAll(");
	filter_arg(b, include);
	return nitro_buf_putc(b, ')');
}

int nitro_js_peek(nitro_buf *b, const char *expr)
{
	if (expr == NULL)
		return nitro_error(NITRO_EINVAL, "js: @peek without an expression");
	nitro_buf_puts(b, "@peek(() => ");
	nitro_buf_puts(b, expr);
	return nitro_buf_putc(b, ')');
}
