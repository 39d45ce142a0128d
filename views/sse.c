/*
 * Datastar Server-Sent Events, encoded into a nitro_buf.  Every event is
 * written whole or not at all: the encoders remember where the event began
 * and cut the buffer back there when anything fails.  Defaults are never
 * written (mode outer, retry 1000, false flags).
 */
#include <string.h>

#include "views/internal.h"

#define RETRY_DEFAULT 1000

static const char *const mode_names[] = { "outer", "inner", "replace", "prepend",
    "append", "before", "after", "remove" };

const char *nitro_ds_mode_name(enum nitro_ds_mode mode)
{
	if ((unsigned)mode >= sizeof mode_names / sizeof mode_names[0])
		return NULL;
	return mode_names[mode];
}

int nitro_ds_mode_parse(const char *s, enum nitro_ds_mode *mode)
{
	for (size_t i = 0; s != NULL && i < sizeof mode_names / sizeof mode_names[0]; i++)
		if (strcmp(s, mode_names[i]) == 0) {
			*mode = (enum nitro_ds_mode)i;
			return 0;
		}
	return nitro_error(NITRO_EINVAL, "datastar: unknown mode \"%.20s\"", s ? s : "(null)");
}

static int has_crlf(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

int nitro__sse_begin(nitro_buf *b, const char *type, const char *id, long retry_ms)
{
	if (type != NULL && (*type == '\0' || has_crlf(type)))
		return nitro_error(NITRO_EINVAL, "sse: event type empty or holds CR/LF");
	if (has_crlf(id))
		return nitro_error(NITRO_EINVAL, "sse: event id holds CR/LF");
	if (retry_ms < 0 && retry_ms != NITRO_SSE_RETRY_NOW)
		return nitro_error(NITRO_EINVAL, "sse: negative retry");
	if (b->err)
		return b->err;
	if (type != NULL) {
		nitro_buf_append(b, "event: ", 7);
		nitro_buf_puts(b, type);
		nitro_buf_putc(b, '\n');
	}
	if (id != NULL) {
		nitro_buf_append(b, "id: ", 4);
		nitro_buf_puts(b, id);
		nitro_buf_putc(b, '\n');
	}
	if (retry_ms == NITRO_SSE_RETRY_NOW)
		nitro_buf_puts(b, "retry: 0\n");
	else if (retry_ms != 0 && retry_ms != RETRY_DEFAULT)
		nitro_buf_printf(b, "retry: %ld\n", retry_ms);
	return b->err;
}

void nitro__sse_lines(nitro_buf *b, const char *key, const char *s, size_t n)
{
	const char *end = s + n, *eol;
	size_t klen = strlen(key);

	/* CR LF and a lone CR end a line as LF does (the client agrees). */
	for (;;) {
		for (eol = s; eol < end && *eol != '\n' && *eol != '\r'; eol++)
			;
		nitro_buf_append(b, "data: ", 6);
		nitro_buf_append(b, key, klen);
		nitro_buf_putc(b, ' ');
		nitro_buf_append(b, s, (size_t)(eol - s));
		nitro_buf_putc(b, '\n');
		if (eol == end)
			break;
		s = eol + 1;
		if (*eol == '\r' && s < end && *s == '\n')
			s++;
	}
}

int nitro__sse_end(nitro_buf *b, size_t mark)
{
	int rc = nitro_buf_putc(b, '\n');

	if (rc) {
		/* Keep the buffer's sticky error, drop the partial event. */
		if (b->len > mark && b->data != NULL) {
			b->len = mark;
			b->data[mark] = '\0';
		}
	}
	return rc;
}

int nitro_sse_event(nitro_buf *b, const char *type, const struct nitro_sse_opts *o,
    const char *const *data, size_t n)
{
	size_t mark = b->len, i;
	int rc;

	for (i = 0; i < n; i++)
		if (data[2 * i] == NULL || data[2 * i + 1] == NULL ||
		    data[2 * i][0] == '\0' || strpbrk(data[2 * i], " \r\n") != NULL)
			return nitro_error(NITRO_EINVAL, "sse: bad data key or missing value");
	/* No type: a message only the EventSource API sees, or (without
	 * data) a block that only sets the id or the retry delay. */
	if (type == NULL && n == 0 && (o == NULL || (o->id == NULL && o->retry_ms == 0)))
		return nitro_error(NITRO_EINVAL, "sse: an event without type, data, id or retry");
	if ((rc = nitro__sse_begin(b, type, o ? o->id : NULL, o ? o->retry_ms : 0)))
		return rc;
	for (i = 0; i < n; i++)
		nitro__sse_lines(b, data[2 * i], data[2 * i + 1], strlen(data[2 * i + 1]));
	return nitro__sse_end(b, mark);
}

int nitro_sse_patch_elements(nitro_buf *b, const char *html, size_t len,
    const struct nitro_sse_patch *o)
{
	static const struct nitro_sse_patch none;
	size_t mark = b->len;
	const char *mode;
	int rc;

	if (o == NULL)
		o = &none;
	if ((mode = nitro_ds_mode_name(o->mode)) == NULL)
		return nitro_error(NITRO_EINVAL, "sse: bad patch mode %d", (int)o->mode);
	if (has_crlf(o->selector))
		return nitro_error(NITRO_EINVAL, "sse: selector holds CR/LF");
	if (html == NULL && len > 0)
		return nitro_error(NITRO_EINVAL, "sse: NULL elements");
	if ((rc = nitro__sse_begin(b, "datastar-patch-elements", o->id, o->retry_ms)))
		return rc;
	if (o->selector != NULL)
		nitro__sse_lines(b, "selector", o->selector, strlen(o->selector));
	if (o->mode != NITRO_DS_OUTER)
		nitro__sse_lines(b, "mode", mode, strlen(mode));
	if (o->view_transition)
		nitro__sse_lines(b, "useViewTransition", "true", 4);
	if (len > 0)
		nitro__sse_lines(b, "elements", html, len);
	return nitro__sse_end(b, mark);
}

int nitro_sse_remove_elements(nitro_buf *b, const char *selector,
    const struct nitro_sse_opts *o)
{
	struct nitro_sse_patch p = { 0 };

	if (selector == NULL || *selector == '\0')
		return nitro_error(NITRO_EINVAL, "sse: remove elements needs a selector");
	p.selector = selector;
	p.mode = NITRO_DS_REMOVE;
	p.id = o ? o->id : NULL;
	p.retry_ms = o ? o->retry_ms : 0;
	return nitro_sse_patch_elements(b, NULL, 0, &p);
}

int nitro_sse_patch_signals_json(nitro_buf *b, const char *json, size_t len,
    int only_if_missing, const struct nitro_sse_opts *o)
{
	size_t mark = b->len;
	int rc;

	if (json == NULL || len == 0)
		return nitro_error(NITRO_EINVAL, "sse: patch signals without signals");
	if ((rc = nitro__sse_begin(b, "datastar-patch-signals", o ? o->id : NULL,
	    o ? o->retry_ms : 0)))
		return rc;
	if (only_if_missing)
		nitro__sse_lines(b, "onlyIfMissing", "true", 4);
	nitro__sse_lines(b, "signals", json, len);
	return nitro__sse_end(b, mark);
}

int nitro__signals_json(json_object *signals, const char **json, size_t *len)
{
	if (!json_object_is_type(signals, json_type_object))
		return nitro_error(NITRO_EINVAL, "datastar: signals must be a JSON object");
	/* PLAIN: compact and in insertion order; '/' stays as is. */
	*json = json_object_to_json_string_length(signals,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
	if (*json == NULL)
		return nitro_error(NITRO_ENOMEM, "datastar: cannot serialise signals");
	return 0;
}

int nitro_sse_patch_signals(nitro_buf *b, json_object *signals, int only_if_missing,
    const struct nitro_sse_opts *o)
{
	const char *s;
	size_t len;
	int rc;

	if ((rc = nitro__signals_json(signals, &s, &len)) != 0)
		return rc;
	return nitro_sse_patch_signals_json(b, s, len, only_if_missing, o);
}

int nitro_sse_remove_signals(nitro_buf *b, const char *const *paths, size_t n,
    const struct nitro_sse_opts *o)
{
	json_object *obj;
	int rc = 0;

	if (n == 0 || paths == NULL)
		return nitro_error(NITRO_EINVAL, "sse: remove signals needs paths");
	if ((obj = json_object_new_object()) == NULL)
		return nitro__oom("sse");
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = paths[i] ? nitro__json_put_path(obj, paths[i], NULL) :
		    nitro_error(NITRO_EINVAL, "sse: NULL signal path");
	if (rc == 0)
		rc = nitro_sse_patch_signals(b, obj, 0, o);
	json_object_put(obj);
	return rc;
}

/* <script attrs data-effect="el.remove()">code</script> into tag. */
static int script_tag(nitro_buf *tag, const char *script, const struct nitro_sse_script *o)
{
	nitro_buf_append(tag, "<script", 7);
	if (o != NULL && o->attributes != NULL) {
		if (!json_object_is_type(o->attributes, json_type_object))
			return nitro_error(NITRO_EINVAL, "sse: script attributes must be an object");
		json_object_object_foreach(o->attributes, k, v) {
			const char *s;

			if (!nitro__attr_name_ok(k, strlen(k)))
				return nitro_error(NITRO_EINVAL, "sse: bad script attribute name");
			if (json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v))
				continue;
			nitro_buf_putc(tag, ' ');
			nitro_buf_puts(tag, k);
			if (json_object_is_type(v, json_type_boolean))
				continue;
			s = json_object_is_type(v, json_type_string) ?
			    json_object_get_string(v) : json_object_to_json_string_ext(v,
			    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
			nitro_buf_append(tag, "=\"", 2);
			nitro_html_escape(tag, s, strlen(s));
			nitro_buf_putc(tag, '"');
		}
	}
	if (o == NULL || !o->keep)
		nitro_buf_puts(tag, " data-effect=\"el.remove()\"");
	nitro_buf_putc(tag, '>');
	nitro_buf_puts(tag, script);
	return nitro_buf_append(tag, "</script>", 9);
}

int nitro_sse_execute_script(nitro_buf *b, const char *script,
    const struct nitro_sse_script *o)
{
	struct nitro_sse_patch p = { 0 };
	char mem[512];
	nitro_buf tag;
	int rc;

	if (script == NULL)
		return nitro_error(NITRO_EINVAL, "sse: execute script without a script");
	nitro_buf_init_on(&tag, mem, sizeof mem, b->max);
	rc = script_tag(&tag, script, o);
	if (rc == 0) {
		p.selector = "body";
		p.mode = NITRO_DS_APPEND;
		p.id = o ? o->id : NULL;
		p.retry_ms = o ? o->retry_ms : 0;
		rc = nitro_sse_patch_elements(b, tag.data, tag.len, &p);
	}
	nitro_buf_free(&tag);
	return rc;
}

static const struct nitro_sse_script *script_opts(struct nitro_sse_script *s,
    const struct nitro_sse_opts *o)
{
	memset(s, 0, sizeof *s);
	s->id = o ? o->id : NULL;
	s->retry_ms = o ? o->retry_ms : 0;
	return s;
}

/* prefix "escaped string" suffix, run as a script. */
static int script_call(nitro_buf *b, const char *prefix, const char *arg,
    const char *suffix, const struct nitro_sse_opts *o)
{
	struct nitro_sse_script so;
	char mem[512];
	nitro_buf code;
	int rc;

	if (arg == NULL)
		return nitro_error(NITRO_EINVAL, "sse: NULL argument");
	nitro_buf_init_on(&code, mem, sizeof mem, b->max);
	nitro_buf_puts(&code, prefix);
	nitro__js_quote(&code, arg, strlen(arg), '"');
	rc = nitro_buf_puts(&code, suffix);
	if (rc == 0)
		rc = nitro_sse_execute_script(b, code.data, script_opts(&so, o));
	nitro_buf_free(&code);
	return rc;
}

int nitro_sse_redirect(nitro_buf *b, const char *url, const struct nitro_sse_opts *o)
{
	return script_call(b, "setTimeout(() => window.location.href = ", url, ")", o);
}

int nitro_sse_console_log(nitro_buf *b, const char *message, const struct nitro_sse_opts *o)
{
	return script_call(b, "console.log(", message, ")", o);
}

int nitro_sse_replace_url(nitro_buf *b, const char *url, const struct nitro_sse_opts *o)
{
	return script_call(b, "window.history.replaceState({}, \"\", ", url, ")", o);
}

int nitro_sse_dispatch_event(nitro_buf *b, const char *name, json_object *detail,
    const struct nitro_sse_opts *o)
{
	struct nitro_sse_script so;
	char mem[512];
	nitro_buf code;
	const char *d;
	int rc;

	if (name == NULL || *name == '\0')
		return nitro_error(NITRO_EINVAL, "sse: dispatch needs an event name");
	d = detail ? json_object_to_json_string_ext(detail,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : "null";
	nitro_buf_init_on(&code, mem, sizeof mem, b->max);
	nitro_buf_puts(&code, "document.dispatchEvent(new CustomEvent(");
	nitro__js_quote(&code, name, strlen(name), '"');
	nitro_buf_puts(&code, ", {detail: ");
	/* JSON is JavaScript; "</script>" inside its strings must not end the
	 * tag, so '<' becomes \u003C (valid in JSON strings, the only place
	 * json-c can emit it). */
	for (; *d; d++) {
		if (*d == '<')
			nitro_buf_append(&code, "\\u003C", 6);
		else
			nitro_buf_putc(&code, *d);
	}
	rc = nitro_buf_puts(&code, ", bubbles: true, cancelable: true, composed: true}))");
	if (rc == 0)
		rc = nitro_sse_execute_script(b, code.data, script_opts(&so, o));
	nitro_buf_free(&code);
	return rc;
}
