/*
 * Prepared templates: an HTML fragment with holes, checked once and then
 * rendered at close to the speed of copying memory.
 *
 *	t = nitro_tpl_new("<li class=\"item\"><a href=\"{{url}}\" title=\"{{name}}\">"
 *	    "{{name}}</a></li>");
 *	nitro_tpl_render(h, t, (const char *[]){ url, name }, 2);
 *
 * Values are given in the order their names first appear; a name used
 * twice takes the same value.
 *
 * Compiling parses the fragment enough to know where every hole sits and
 * how its value must be escaped:
 *   text content                     HTML-escaped
 *   a double-quoted attribute value  HTML-escaped
 *   the start of a URL attribute     scheme checked (as nitro_html_attr_url),
 *                                    then HTML-escaped
 *   a '...' or "..." string in a    JavaScript-escaped, then HTML-escaped
 *   Datastar expression (data-on:click, ...; read as JavaScript with its
 *   comments, regular expressions and template literals: tpl_js.c)
 * and refuses everything else: holes in names, in unquoted or single-quoted
 * values, in comments, <script> or <style>, in Datastar expressions outside
 * a string, a hole that could decide a URL's scheme; also bad names, on*
 * attributes, unsafe static URLs and unbalanced tags.  A template is
 * immutable once made: any number of threads may render it.
 *
 * This file compiles templates and holds the plain reference renderer;
 * the vector renderers and nitro_tpl_render(), which picks one, are in
 * views/tpl_simd.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "views/tpl.h"
#include "views/tpl_js.h"

#define TPL_MAX (1u << 20)	/* source bytes */
#define TPL_DEPTH 64

/* The compiler's state: the source, the output under construction. */
struct cc {
	const char *src, *p;
	nitro_buf text;
	struct seg *segs;
	size_t nsegs, cap, start;	/* start: first static byte of the open seg */
	int selfclose;			/* the last start tag ended "/>" */
	const char *names[TPL_NAMES];	/* hole names in order of first use */
	size_t name_len[TPL_NAMES];
	unsigned nnames;
	const char *stack[TPL_DEPTH];
	size_t stack_len[TPL_DEPTH];
	int depth;
};

static int fail(struct cc *c, const char *what)
{
	return nitro_error(NITRO_EINVAL, "template: %s at byte %zu", what,
	    (size_t)(c->p - c->src));
}

static int is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

static int ieq(const char *a, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(a, lit, n) == 0;
}

/* Copy source bytes [from, to) into the static text. */
static void keep(struct cc *c, const char *from, const char *to)
{
	nitro_buf_append(&c->text, from, (size_t)(to - from));
}

/* End the current static run with a hole of context ctx (C_NONE: the
 * last run). */
static int add_seg(struct cc *c, enum ctx ctx)
{
	if (c->nsegs == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		struct seg *s = realloc(c->segs, ncap * sizeof *s);

		if (s == NULL)
			return nitro__oom("template");
		c->segs = s;
		c->cap = ncap;
	}
	c->segs[c->nsegs].off = c->start;
	c->segs[c->nsegs].len = c->text.len - c->start;
	c->segs[c->nsegs].ctx = ctx;
	c->segs[c->nsegs].arg = 0;
	c->segs[c->nsegs].again = 0;
	c->segs[c->nsegs].keep = 0;
	c->nsegs++;
	c->start = c->text.len;
	return 0;
}

/* A hole at c->p: "{{name}}". */
static int hole(struct cc *c, enum ctx ctx)
{
	const char *end;

	const char *name = c->p + 2;
	struct seg *s;
	size_t len;
	unsigned i;

	end = strstr(name, "}}");
	if (end == NULL)
		return fail(c, "unterminated {{");
	len = (size_t)(end - name);
	if (len == 0)
		return fail(c, "a hole needs a name");
	for (const char *q = name; q < end; q++)
		if (!(is_alpha(*q) || (*q >= '0' && *q <= '9') || *q == '_' || *q == '.' || *q == '-'))
			return fail(c, "bad hole name");
	for (i = 0; i < c->nnames; i++)
		if (c->name_len[i] == len && memcmp(c->names[i], name, len) == 0)
			break;
	if (i == c->nnames) {
		if (c->nnames == TPL_NAMES)
			return fail(c, "more than 64 hole names");
		c->names[i] = name;
		c->name_len[c->nnames++] = len;
	}
	if (add_seg(c, ctx))
		return nitro__errcode();
	s = &c->segs[c->nsegs - 1];
	s->arg = i;
	s->again = 0;
	s->keep = 0;
	if (ctx == C_TEXT || ctx == C_ATTR)
		for (size_t k = 0; k + 1 < c->nsegs; k++)
			if (c->segs[k].arg == i && !c->segs[k].again &&
			    (c->segs[k].ctx == C_TEXT || c->segs[k].ctx == C_ATTR)) {
				s->again = 1;
				c->segs[k].keep = 1;
				break;
			}
	c->p = end + 2;
	return 0;
}

static int is_url_attr(const char *n, size_t len)
{
	static const char *const urls[] = { "href", "src", "action", "formaction",
	    "poster", "cite", "background", "longdesc", "manifest", "ping", "srcset",
	    "data", "codebase", "xlink:href", "icon", NULL };

	for (int i = 0; urls[i]; i++)
		if (ieq(n, len, urls[i]))
			return 1;
	return 0;
}

/* A double-quoted attribute value; c->p is past the opening quote. */
static int attr_value(struct cc *c, const char *name, size_t nlen)
{
	int url = is_url_attr(name, nlen), ds = nitro__ds_plugin(name, nlen) != NULL;
	struct nitro__jsl js;		/* where in the expression, when ds */
	const char *v = c->p, *run = c->p, *why;

	nitro__jsl_init(&js);

	for (;;) {
		char ch = *c->p;

		if (ch == '\0')
			return fail(c, "unterminated attribute value");
		if (ch == '"') {
			if (ds && (why = nitro__jsl_end(&js)) != NULL)
				return fail(c, why);
			break;
		}
		if (ch == '{' && c->p[1] == '{') {
			enum ctx ctx = C_ATTR;

			if (ds) {
				if ((why = nitro__jsl_hole(&js)) != NULL)
					return fail(c, why);
				ctx = C_JS;
			} else if (url) {
				/* The static prefix must already fix the scheme. */
				if (c->p == v)
					ctx = C_URL;
				else if (strcspn(v, ":/?#") >= (size_t)(c->p - v))
					return fail(c, "a hole could decide the URL scheme");
			}
			keep(c, run, c->p);
			if (hole(c, ctx))
				return nitro__errcode();
			run = c->p;
			continue;
		}
		if (ds) {
			/* The expression as the browser decodes it. */
			unsigned cp;
			size_t len = nitro__jsl_char(c->p, &cp);

			if (len == 0)
				return fail(c, "a character reference in a Datastar expression"
				    " that is unknown, lacks its ';' or meets a hole");
			if ((why = nitro__jsl_feed(&js, cp)) != NULL)
				return fail(c, why);
			c->p += len;
			continue;
		}
		c->p++;
	}
	/* A static URL (no hole in this value) must be safe too. */
	if (url && run == v) {
		char tmp[256];
		size_t n = (size_t)(c->p - v);

		if (n < sizeof tmp) {
			memcpy(tmp, v, n);
			tmp[n] = '\0';
			if (!nitro_url_is_safe(tmp))
				return fail(c, "unsafe URL");
		} else if (strncasecmp(v, "http", 4) != 0 && v[0] != '/') {
			return fail(c, "long static URL that is not http(s) or a path");
		}
	}
	keep(c, run, c->p + 1);	/* with the closing quote */
	c->p++;
	return 0;
}

/* Inside a start tag after its name; ends after '>'. */
static int tag_body(struct cc *c)
{
	for (;;) {
		const char *n, *from = c->p;
		size_t nlen;

		while (is_space(*c->p))
			c->p++;
		if (*c->p == '>' || (c->p[0] == '/' && c->p[1] == '>')) {
			c->selfclose = *c->p == '/';
			c->p += *c->p == '>' ? 1 : 2;
			keep(c, from, c->p);
			return 0;
		}
		if (*c->p == '\0')
			return fail(c, "unterminated start tag");
		if (c->p[0] == '{' && c->p[1] == '{')
			return fail(c, "a hole in a tag must be inside a quoted value");
		n = c->p;
		while (*c->p && !is_space(*c->p) && *c->p != '=' && *c->p != '>' && *c->p != '/')
			c->p++;
		nlen = (size_t)(c->p - n);
		if (!nitro__attr_name_ok(n, nlen))
			return fail(c, "bad attribute name");
		if (nlen >= 2 && (n[0] | 0x20) == 'o' && (n[1] | 0x20) == 'n')
			return fail(c, "event handler attribute (on*)");
		if (*c->p != '=') {
			keep(c, from, c->p);
			continue;
		}
		c->p++;
		if (*c->p == '"') {
			c->p++;
			keep(c, from, c->p);
			if (attr_value(c, n, nlen))
				return nitro__errcode();
			continue;
		}
		/* Unquoted or single-quoted: static only. */
		{
			char q = *c->p == '\'' ? '\'' : 0;
			const char *v = q ? ++c->p : c->p;

			while (*c->p && (q ? *c->p != q : !is_space(*c->p) && *c->p != '>')) {
				if (c->p[0] == '{' && c->p[1] == '{')
					return fail(c, "a hole needs a double-quoted value");
				c->p++;
			}
			if (q && *c->p != q)
				return fail(c, "unterminated attribute value");
			if (is_url_attr(n, nlen)) {
				char tmp[256];
				size_t vl = (size_t)(c->p - v);

				if (vl >= sizeof tmp)
					return fail(c, "long unquoted URL");
				memcpy(tmp, v, vl);
				tmp[vl] = '\0';
				if (!nitro_url_is_safe(tmp))
					return fail(c, "unsafe URL");
			}
			if (q)
				c->p++;
			keep(c, from, c->p);
		}
	}
}

/* Raw text of <script> or <style> up to its end tag: no holes. */
static int raw_text(struct cc *c, const char *name, size_t nlen)
{
	const char *from = c->p;

	for (; *c->p; c->p++) {
		if (c->p[0] == '{' && c->p[1] == '{')
			return fail(c, "a hole in <script> or <style>");
		if (c->p[0] == '<' && c->p[1] == '/' && strncasecmp(c->p + 2, name, nlen) == 0) {
			keep(c, from, c->p);
			return 0;
		}
	}
	return fail(c, "unterminated <script> or <style>");
}

static int compile(struct cc *c)
{
	const char *run = c->p;

	for (;;) {
		if (*c->p == '\0') {
			keep(c, run, c->p);
			break;
		}
		if (c->p[0] == '{' && c->p[1] == '{') {
			keep(c, run, c->p);
			if (hole(c, C_TEXT))
				return nitro__errcode();
			run = c->p;
			continue;
		}
		if (*c->p != '<') {
			c->p++;
			continue;
		}
		keep(c, run, c->p);
		if (strncmp(c->p, "<!--", 4) == 0) {
			const char *e = strstr(c->p + 4, "-->");

			if (e == NULL)
				return fail(c, "unterminated comment");
			for (const char *q = c->p; q < e; q++)
				if (q[0] == '{' && q[1] == '{')
					return fail(c, "a hole in a comment");
			keep(c, c->p, e + 3);
			c->p = e + 3;
		} else if (c->p[1] == '!') {
			const char *e = strchr(c->p, '>');

			if (e == NULL || strncasecmp(c->p, "<!doctype html", 14) != 0)
				return fail(c, "unsupported <! markup");
			keep(c, c->p, e + 1);
			c->p = e + 1;
		} else if (c->p[1] == '/') {
			const char *n = c->p + 2;
			size_t nlen = 0;

			while (is_alpha(n[nlen]) || (nlen && ((n[nlen] >= '0' && n[nlen] <= '9') || n[nlen] == '-')))
				nlen++;
			if (c->depth == 0 || c->stack_len[c->depth - 1] != nlen ||
			    strncasecmp(c->stack[c->depth - 1], n, nlen) != 0)
				return fail(c, "end tag does not match");
			if (n[nlen] != '>')
				return fail(c, "bad end tag");
			c->depth--;
			keep(c, c->p, n + nlen + 1);
			c->p = n + nlen + 1;
		} else {
			const char *n = c->p + 1;
			size_t nlen = 0;

			while (is_alpha(n[nlen]) || (nlen && ((n[nlen] >= '0' && n[nlen] <= '9') || n[nlen] == '-')))
				nlen++;
			if (nlen == 0 || nlen > 63)
				return fail(c, "bad element name");
			keep(c, c->p, n + nlen);
			c->p = n + nlen;
			if (tag_body(c))
				return nitro__errcode();
			if (!nitro__is_void(n, nlen)) {
				if (c->selfclose)
					return fail(c, "<x/> does not close a non-void element in HTML");
				if (c->depth == TPL_DEPTH)
					return fail(c, "elements nested too deeply");
				c->stack[c->depth] = n;
				c->stack_len[c->depth++] = nlen;
				if ((ieq(n, nlen, "script") || ieq(n, nlen, "style")) &&
				    raw_text(c, n, nlen))
					return nitro__errcode();
			}
		}
		run = c->p;
	}
	if (c->depth != 0)
		return fail(c, "element not closed");
	return c->text.err;
}

/*
 * The renderer's plan: each seg's op, and the room the output needs from
 * each point on when every value fits one block (at most 1 MB of text
 * and a hole per 5 source bytes: no overflow).
 */
static void plan(nitro_tpl *t)
{
	size_t need = ESC_SLACK;

	for (size_t i = t->nsegs; i-- > 0;) {
		struct seg *s = &t->segs[i];

		s->run = t->text + s->off;
		s->need = need;
		need += s->len;
		if (s->ctx == C_NONE) {
			s->op = OP_END;
			continue;
		}
		need += ESC_HOLE;
		if (s->again)
			s->op = OP_AGAIN;
		else if (s->ctx == C_URL)
			s->op = OP_URL;
		else if (s->ctx == C_JS)
			s->op = OP_JS;
		else
			s->op = s->keep ? OP_KEEP : OP_ESC;
	}
	t->need = need;
}

nitro_tpl *nitro_tpl_new(const char *src)
{
	struct cc c = { 0 };
	nitro_tpl *t;
	int rc;

	if (src == NULL || strlen(src) > TPL_MAX) {
		nitro_error(NITRO_EINVAL, "template: missing or over %u bytes", TPL_MAX);
		return NULL;
	}
	c.src = c.p = src;
	nitro_buf_init(&c.text, 0);
	rc = compile(&c);
	if (rc == 0)
		rc = add_seg(&c, C_NONE);
	t = rc == 0 ? calloc(1, sizeof *t) : NULL;
	if (t == NULL) {
		if (rc == 0)
			nitro__oom("template");
		nitro_buf_free(&c.text);
		free(c.segs);
		return NULL;
	}
	/* 64 bytes of padding let the renderer copy short runs with fixed
	 * moves. */
	{
		static const char pad[64];

		nitro_buf_append(&c.text, pad, sizeof pad);
	}
	if (c.text.err) {
		nitro_buf_free(&c.text);
		free(c.segs);
		free(t);
		return NULL;
	}
	t->text = nitro_buf_steal(&c.text, NULL);
	t->segs = c.segs;
	t->nsegs = c.nsegs;
	t->holes = c.nnames;
	plan(t);
	return t;
}

void nitro_tpl_free(nitro_tpl *t)
{
	if (t == NULL)
		return;
	free(t->text);
	free(t->segs);
	free(t);
}

size_t nitro_tpl_holes(const nitro_tpl *t)
{
	return t ? t->holes : 0;
}

int nitro__tpl_js_plain(const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	for (; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '\\' || *p == '\'' || *p == '"' ||
		    *p == '<' || *p == '>' || *p == '&')
			return 0;
	return 1;
}

int nitro__tpl_js_value(nitro_html *h, const char *v)
{
	nitro_buf *js = nitro__html_scratch(h);

	nitro__js_escape(js, v, strlen(v));
	if (js->err)
		return nitro__html_fail(h, js->err, "template: %s", nitro_errmsg());
	return nitro_html_escape(h->out, js->data, js->len);
}

/*
 * The reference renderer: exact appends, one case per context.  It serves
 * buffers with a limit and CPUs without vector code, and the tests hold
 * every vector variant to its bytes.
 */
int nitro__tpl_render_plain(nitro_html *h, const nitro_tpl *t, const char *const *args)
{
	nitro_buf *b = h->out;

	for (size_t i = 0; i < t->nsegs; i++) {
		const struct seg *s = &t->segs[i];
		const char *v;

		if (nitro_buf_append(b, t->text + s->off, s->len))
			return b->err;
		if (s->ctx == C_NONE)
			break;
		v = args[s->arg] ? args[s->arg] : "";
		switch (s->ctx) {
		case C_URL:
			if (!nitro_url_is_safe(v))
				v = "about:invalid";
			/* FALLTHROUGH */
		case C_TEXT:
		case C_ATTR:
			nitro_html_escape(b, v, strlen(v));
			break;
		case C_JS:
			/* Values with nothing to escape for JavaScript (ids, plain
			 * words) need no escaping for HTML either. */
			if (nitro__tpl_js_plain(v)) {
				nitro_buf_append(b, v, strlen(v));
				break;
			}
			if (nitro__tpl_js_value(h, v))
				return nitro_html_error(h);
			break;
		case C_NONE:
			break;
		}
	}
	return b->err;
}
