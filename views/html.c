/*
 * The HTML writer: elements, attributes and text appended to a nitro_buf.
 * Program mistakes (bad names, mismatched or missing end tags) set a
 * sticky error so that a page is either right or reported, never half
 * right; no call allocates except through the output buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "views/internal.h"

#define NAME_MAX_LEN 63

/* Element names: [A-Za-z][A-Za-z0-9-]*; attribute names:
 * [A-Za-z_:][-A-Za-z0-9_:.]*. */
enum { C_ALPHA = 1, C_DIGIT = 2, C_DASH = 4, C_ATTR1 = 8, C_ATTR = 16 };
static const unsigned char ctype[256] = {
	['-'] = C_DASH | C_ATTR, ['.'] = C_ATTR,
	['_'] = C_ATTR1 | C_ATTR, [':'] = C_ATTR1 | C_ATTR,
#define D(c) [c] = C_DIGIT | C_ATTR
	D('0'), D('1'), D('2'), D('3'), D('4'), D('5'), D('6'), D('7'), D('8'), D('9'),
#undef D
#define A(c) [c] = C_ALPHA | C_ATTR1 | C_ATTR, [c - 32] = C_ALPHA | C_ATTR1 | C_ATTR
	A('a'), A('b'), A('c'), A('d'), A('e'), A('f'), A('g'), A('h'), A('i'),
	A('j'), A('k'), A('l'), A('m'), A('n'), A('o'), A('p'), A('q'), A('r'),
	A('s'), A('t'), A('u'), A('v'), A('w'), A('x'), A('y'), A('z'),
#undef A
};

int nitro__html_fail(nitro_html *h, int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (h->err)
		return h->err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	h->err = nitro_error(err, "html: %s", msg);
	return h->err;
}

void nitro_html_init(nitro_html *h, nitro_buf *out)
{
	h->out = out;
	h->err = 0;
	h->depth = 0;
	h->in_tag = 0;
	h->top = 0;
	h->void_name = NULL;
	h->page_foot = NULL;
	nitro_buf_init_on(&h->scratch, h->scratch_mem, sizeof h->scratch_mem, 0);
}

int nitro_html_error(const nitro_html *h)
{
	return h->err ? h->err : h->out->err;
}

int nitro_html_finish(nitro_html *h)
{
	if (!h->err && h->depth > 0)
		nitro__html_fail(h, NITRO_EINVAL, "<%s> is not closed",
		    h->names + h->off[h->depth - 1]);
	if (!h->err && h->in_tag && nitro_buf_putc(h->out, '>') == 0)
		h->in_tag = 0;
	nitro_buf_free(&h->scratch);
	nitro_buf_init_on(&h->scratch, h->scratch_mem, sizeof h->scratch_mem, 0);
	return nitro_html_error(h);
}

nitro_buf *nitro__html_scratch(nitro_html *h)
{
	nitro_buf_reset(&h->scratch);
	return &h->scratch;
}

/* Content follows: end an open start tag. */
static inline int content(nitro_html *h)
{
	if (h->err)
		return h->err;
	if (h->in_tag) {
		h->in_tag = 0;
		return nitro_buf_putc(h->out, '>');
	}
	return h->out->err;
}

int nitro__html_content(nitro_html *h)
{
	return content(h) ? nitro_html_error(h) : 0;
}

/*
 * Void elements.  This runs for every open, so most names are turned away
 * by length and first letter before any compare.
 */
int nitro__is_void(const char *name, size_t len)
{
	char low[8];
	int c = name[0] | 0x20;	/* names are alphanumeric */

	switch (len) {
	case 2: if (c != 'b' && c != 'h') return 0; break;
	case 3: if (c != 'i' && c != 'c' && c != 'w') return 0; break;
	case 4: if (c != 'm' && c != 'l' && c != 'b' && c != 'a') return 0; break;
	case 5: if (c != 'i' && c != 'e' && c != 't') return 0; break;
	case 6: if (c != 's') return 0; break;
	default: return 0;
	}
	for (size_t i = 0; i < len; i++)
		low[i] = (char)(name[i] | 0x20);
	low[len] = '\0';
	switch (len) {
	case 2: return !strcmp(low, "br") || !strcmp(low, "hr");
	case 3: return !strcmp(low, "img") || !strcmp(low, "col") || !strcmp(low, "wbr");
	case 4: return !strcmp(low, "meta") || !strcmp(low, "link") ||
		    !strcmp(low, "base") || !strcmp(low, "area");
	case 5: return !strcmp(low, "input") || !strcmp(low, "embed") || !strcmp(low, "track");
	default: return !strcmp(low, "source");
	}
}

int nitro_html_doctype(nitro_html *h)
{
	if (content(h))
		return nitro_html_error(h);
	return nitro_buf_append(h->out, "<!DOCTYPE html>", 15);
}

/*
 * The hot paths below validate a name while copying it into the output,
 * after one reservation, so that an element or attribute costs one pass
 * over its name and no library calls.
 */
int nitro_html_open(nitro_html *h, const char *name)
{
	nitro_buf *b = h->out;
	size_t len = 0;
	char *d;

	if (content(h))
		return nitro_html_error(h);
	if (NAME_MAX_LEN + 2 >= b->cap - b->len && nitro_buf_grow(b, NAME_MAX_LEN + 2))
		return b->err;
	d = b->data + b->len;
	d[0] = '<';
	if (name != NULL && (ctype[(unsigned char)name[0]] & C_ALPHA)) {
		do {
			d[1 + len] = name[len];
			len++;
		} while ((ctype[(unsigned char)name[len]] & (C_ALPHA | C_DIGIT | C_DASH)) &&
		    len < NAME_MAX_LEN);
	}
	if (len == 0 || name[len] != '\0') {
		d[0] = '\0';
		return nitro__html_fail(h, NITRO_EINVAL, "bad element name \"%.40s\"",
		    name ? name : "(null)");
	}
	if (!nitro__is_void(name, len)) {
		if (h->depth == NITRO_HTML_MAX_DEPTH ||
		    h->top + len + 1 > NITRO_HTML_NAMES) {
			d[0] = '\0';
			return nitro__html_fail(h, NITRO_ELIMIT,
			    "elements nested too deeply at <%s>", name);
		}
		char *n = h->names + h->top;

		for (size_t i = 0; i < len; i++)
			n[i] = d[1 + i];
		n[len] = '\0';
		h->ptr[h->depth] = name;
		h->off[h->depth++] = h->top;
		h->top = (unsigned short)(h->top + len + 1);
	} else {
		h->void_name = name;
	}
	b->len += len + 1;
	b->data[b->len] = '\0';
	h->in_tag = 1;
	return 0;
}

int nitro_html_close(nitro_html *h, const char *name)
{
	nitro_buf *b = h->out;
	const char *top = NULL;
	size_t len = 0;

	if (h->err)
		return h->err;
	if (h->depth > 0) {
		top = h->names + h->off[h->depth - 1];
		len = (size_t)(h->top - h->off[h->depth - 1] - 1);	/* names[] holds NULs */
	}
	/* NITRO_HTML passes the same pointer to open and close: a void
	 * element just opened ends its start tag; the open element's own
	 * pointer matches without a compare (the end tag written is always
	 * the stored name, so a reused buffer cannot make it wrong). */
	if (name != NULL && name == h->void_name)
		return content(h);
	if (name != NULL && top != NULL && name == h->ptr[h->depth - 1])
		name = NULL;
	if (name != NULL && (top == NULL || strncmp(name, top, len) != 0 ||
	    name[len] != '\0')) {
		if (nitro__is_void(name, strlen(name)))
			return content(h);	/* void elements have no end tag */
		if (top == NULL)
			return nitro__html_fail(h, NITRO_EINVAL, "</%.40s> closes nothing", name);
		return nitro__html_fail(h, NITRO_EINVAL, "</%.40s> closes <%s>", name, top);
	}
	if (top == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "</> closes nothing");
	if (len + 4 >= b->cap - b->len && nitro_buf_grow(b, len + 4))
		return b->err;
	if (h->in_tag) {
		b->data[b->len++] = '>';
		h->in_tag = 0;
	}
	b->data[b->len] = '<';
	b->data[b->len + 1] = '/';
	memcpy(b->data + b->len + 2, top, len);
	b->data[b->len + 2 + len] = '>';
	b->len += len + 3;
	b->data[b->len] = '\0';
	h->top = h->off[--h->depth];
	return 0;
}

int nitro_html_elem(nitro_html *h, const char *name, const char *text)
{
	nitro_html_open(h, name);
	nitro_html_text(h, text);
	return nitro_html_close(h, name);
}

/* ---- attributes ---------------------------------------------------------- */

int nitro__attr_name_ok(const char *name, size_t len)
{
	if (len == 0 || len > 255 || !(ctype[(unsigned char)name[0]] & C_ATTR1))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!(ctype[(unsigned char)name[i]] & C_ATTR))
			return 0;
	return 1;
}

int nitro__html_attr(nitro_html *h, const char *name, size_t nlen,
    const char *value, size_t vlen, int script)
{
	nitro_buf *b = h->out;
	size_t i;
	char *d;

	if (h->err)
		return h->err;
	if (!h->in_tag)
		return nitro__html_fail(h, NITRO_EINVAL,
		    "attribute %.40s outside a start tag", name ? name : "(null)");
	if (nlen == 0 || nlen > 255 || !(ctype[(unsigned char)name[0]] & C_ATTR1))
		goto bad;
	if (!script && nlen >= 2 && (name[0] | 0x20) == 'o' && (name[1] | 0x20) == 'n')
		return nitro__html_fail(h, NITRO_EINVAL,
		    "event handler attribute %.40s needs nitro_html_attr_handler", name);
	/* A Datastar expression is JavaScript too: HTML escaping alone would
	 * let a value run as code.  (Without a value there is no code.) */
	if (!script && value != NULL && (name[0] | 0x20) == 'd' && nitro__ds_plugin(name, nlen))
		return nitro__html_fail(h, NITRO_EINVAL, "Datastar expression attribute %.*s "
		    "needs nitro_ds_data or nitro_html_attr_handler", (int)(nlen > 40 ? 40 : nlen), name);
	if (nlen + 3 >= b->cap - b->len && nitro_buf_grow(b, nlen + 3))
		return b->err;
	d = b->data + b->len;
	d[0] = ' ';
	for (i = 0; i < nlen; i++) {
		if (!(ctype[(unsigned char)name[i]] & C_ATTR)) {
			d[0] = '\0';
			goto bad;
		}
		d[1 + i] = name[i];
	}
	if (value == NULL) {
		b->len += nlen + 1;
		b->data[b->len] = '\0';
		return 0;
	}
	d[1 + nlen] = '=';
	d[2 + nlen] = '"';
	b->len += nlen + 3;
	nitro_html_escape(b, value, vlen);
	return nitro_buf_putc(b, '"');
bad:
	return nitro__html_fail(h, NITRO_EINVAL, "bad attribute name \"%.*s\"",
	    (int)(nlen > 40 ? 40 : nlen), name ? name : "");
}

int nitro_html_attrn(nitro_html *h, const char *name, const char *value, size_t len)
{
	if (value == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "attribute %.40s without a value",
		    name ? name : "(null)");
	return nitro__html_attr(h, name, name ? strlen(name) : 0, value, len, 0);
}

int nitro_html_attr(nitro_html *h, const char *name, const char *value)
{
	if (value == NULL)
		return nitro_html_attrn(h, name, NULL, 0);
	return nitro__html_attr(h, name, name ? strlen(name) : 0, value, strlen(value), 0);
}

int nitro_html_attr_handler(nitro_html *h, const char *name, const char *value)
{
	return nitro__html_attr(h, name, name ? strlen(name) : 0, value,
	    value ? strlen(value) : 0, 1);
}

int nitro_html_attr_bool(nitro_html *h, const char *name, int on)
{
	if (!on)
		return nitro_html_error(h);
	return nitro__html_attr(h, name, name ? strlen(name) : 0, NULL, 0, 0);
}

/* A decimal integer into num (at least 24 bytes); its length. */
static size_t lltoa(char *num, long long v)
{
	char tmp[24], *e = tmp + sizeof tmp, *p = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	size_t n = 0;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		num[n++] = '-';
	memcpy(num + n, p, (size_t)(e - p));
	return n + (size_t)(e - p);
}

int nitro_html_attr_int(nitro_html *h, const char *name, long long v)
{
	char num[24];

	return nitro_html_attrn(h, name, num, lltoa(num, v));
}

int nitro_html_attr_url(nitro_html *h, const char *name, const char *url)
{
	int rc;

	if (nitro_url_is_safe(url))
		return nitro_html_attr(h, name, url);
	rc = nitro_html_attr(h, name, "about:invalid");
	if (rc)
		return rc;
	return nitro_error(NITRO_EINVAL, "html: unsafe URL in %s refused", name);
}

/* Format into fixed storage, or the writer's scratch when longer. */
static int vformat(nitro_html *h, const char **out, size_t *len, char *mem,
    size_t memsz, const char *fmt, va_list ap) NITRO_PRINTF(6, 0);
static int vformat(nitro_html *h, const char **out, size_t *len, char *mem,
    size_t memsz, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if ((n = nitro__vfmt(mem, memsz, fmt, ap)) >= 0) {
		*out = mem;
		*len = (size_t)n;
		return 0;
	}
	va_copy(ap2, ap);
	n = vsnprintf(mem, memsz, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return nitro__html_fail(h, NITRO_EINVAL, "bad format");
	if ((size_t)n < memsz) {
		*out = mem;
	} else {
		nitro_buf *s = nitro__html_scratch(h);

		if (nitro_buf_vprintf(s, fmt, ap))
			return nitro__html_fail(h, s->err, "format: %s", nitro_errmsg());
		*out = s->data;
	}
	*len = (size_t)n;
	return 0;
}

int nitro_html_attr_printf(nitro_html *h, const char *name, const char *fmt, ...)
{
	char mem[256];
	const char *s;
	size_t len;
	va_list ap;
	int rc;

	if (h->err)
		return h->err;
	va_start(ap, fmt);
	rc = vformat(h, &s, &len, mem, sizeof mem, fmt, ap);
	va_end(ap);
	return rc ? rc : nitro_html_attrn(h, name, s, len);
}

/* ---- content ------------------------------------------------------------- */

int nitro_html_textn(nitro_html *h, const char *text, size_t len)
{
	if (content(h))
		return nitro_html_error(h);
	return nitro_html_escape(h->out, text, len);
}

int nitro_html_text(nitro_html *h, const char *text)
{
	return nitro_html_textn(h, text ? text : "", text ? strlen(text) : 0);
}

int nitro_html_rawn(nitro_html *h, const char *html, size_t len)
{
	if (content(h))
		return nitro_html_error(h);
	return nitro_buf_append(h->out, html, len);
}

int nitro_html_raw(nitro_html *h, const char *html)
{
	return nitro_html_rawn(h, html ? html : "", html ? strlen(html) : 0);
}

int nitro_html_int(nitro_html *h, long long v)
{
	char num[24];

	return nitro_html_rawn(h, num, lltoa(num, v));	/* digits need no escape */
}

int nitro_html_double(nitro_html *h, double v, int decimals)
{
	char num[64];
	int n;

	if (decimals < 0 || decimals > 17)
		return nitro__html_fail(h, NITRO_EINVAL, "decimals %d out of 0..17", decimals);
	n = snprintf(num, sizeof num, "%.*f", decimals, v);
	if (n < 0 || (size_t)n >= sizeof num)	/* 1e300 with 17 decimals */
		n = snprintf(num, sizeof num, "%.*g", 17, v);
	return nitro_html_rawn(h, num, (size_t)n);
}

int nitro_html_printf(nitro_html *h, const char *fmt, ...)
{
	char mem[256];
	const char *s;
	size_t len;
	va_list ap;
	int rc;

	if (h->err)
		return h->err;
	va_start(ap, fmt);
	rc = vformat(h, &s, &len, mem, sizeof mem, fmt, ap);
	va_end(ap);
	return rc ? rc : nitro_html_textn(h, s, len);
}
