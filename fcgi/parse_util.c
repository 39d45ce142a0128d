/*
 * Small helpers shared by the request parsers: failures, pair lookup,
 * percent-decoding, tokens, media types, Accept and Content-Length.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fcgi/parse.h"
#include "fcgi/parse_util.h"

int nitro__fail(struct nitro_perr *e, int status, int err, const char *fmt, ...)
{
	va_list ap;

	if (e != NULL) {
		e->status = status;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
		/* The thread's last error says the same, for callers that
		 * only look at nitro_errmsg(). */
		nitro_error(err, "%s", e->msg);
	}
	return err;
}

int nitro__fail_oom(struct nitro_perr *e)
{
	return nitro__fail(e, 500, NITRO_ENOMEM, "%s", nitro_strerror(NITRO_ENOMEM));
}

const char *nitro__kv_get(const struct nitro_kvlist *l, const char *name)
{
	if (l == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return l->v[i].value;
	return NULL;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Writing never overtakes reading (every input byte yields at most one
 * output byte), so decoding in place is safe.  On failure *len is the
 * offset in src of the offending byte, which callers put in messages.
 */
int nitro__urldecode(char *dst, const char *src, size_t n, int plus_space, size_t *len)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '%') {
			int hi, lo;

			if (n - i < 3 || (hi = hexval((unsigned char)src[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)src[i + 2])) < 0)
				goto bad;
			c = (unsigned char)(hi << 4 | lo);
			if (c == '\0')
				goto bad;
			dst[o++] = (char)c;
			i += 2;
			continue;
		}
		if (c == '\0')
			goto bad;
		dst[o++] = plus_space && c == '+' ? ' ' : (char)c;
	}
	dst[o] = '\0';
	*len = o;
	return 0;
bad:
	*len = i;
	return nitro_error(NITRO_EPARSE, "invalid percent-encoding at byte %zu", i);
}

int nitro__is_tchar(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("\"(),/:;<=>?@[\\]{}", c) == NULL;
}

int nitro__is_token(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!nitro__is_tchar((unsigned char)*s))
			return 0;
	return 1;
}

int nitro__is_ows(char c)
{
	return c == ' ' || c == '\t';
}

const char *nitro__trim_ows(const char *s, size_t *n)
{
	while (*n > 0 && nitro__is_ows(*s)) {
		s++;
		(*n)--;
	}
	while (*n > 0 && nitro__is_ows(s[*n - 1]))
		(*n)--;
	return s;
}

int nitro__media_type_is(const char *content_type, const char *type)
{
	const char *s;
	size_t n;

	if (content_type == NULL || type == NULL)
		return 0;
	n = strcspn(content_type, ";");
	s = nitro__trim_ows(content_type, &n);
	return n == strlen(type) && n > 0 && strncasecmp(s, type, n) == 0;
}

/*
 * A q-value ("1", "0.5", "0.125") in thousandths, or -1 when malformed.
 * RFC 9110: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ).
 */
static int qvalue(const char *s, size_t n)
{
	int q, scale = 100;

	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q > 1000 ? -1 : q;
}

/* How an Accept media range relates to JSON and HTML. */
enum range { R_OTHER, R_JSON, R_HTML, R_TEXT_ANY, R_ANY };

static enum range classify(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	size_t tlen, slen;
	const char *sub;

	if (slash == NULL)
		return R_OTHER;
	tlen = (size_t)(slash - s);
	sub = slash + 1;
	slen = n - tlen - 1;
	if (tlen == 1 && s[0] == '*')
		return slen == 1 && sub[0] == '*' ? R_ANY : R_OTHER;
	if (tlen == 4 && strncasecmp(s, "text", 4) == 0) {
		if (slen == 1 && sub[0] == '*')
			return R_TEXT_ANY;
		if (slen == 4 && strncasecmp(sub, "html", 4) == 0)
			return R_HTML;
		return R_OTHER;
	}
	if (tlen == 11 && strncasecmp(s, "application", 11) == 0) {
		if (slen == 4 && strncasecmp(sub, "json", 4) == 0)
			return R_JSON;
		/* application/problem+json, application/ld+json, ... */
		if (slen > 5 && strncasecmp(sub + slen - 5, "+json", 5) == 0)
			return R_JSON;
	}
	return R_OTHER;
}

/* The q parameter of one Accept element's parameters, 1000 when absent,
 * -1 when malformed. */
static int range_q(const char *p, size_t n)
{
	while (n > 0) {
		size_t plen = 0;
		const char *param;

		while (plen < n && p[plen] != ';')
			plen++;
		param = nitro__trim_ows(p, &plen);
		if (plen >= 2 && (param[0] == 'q' || param[0] == 'Q')) {
			size_t i = 1;

			while (i < plen && nitro__is_ows(param[i]))
				i++;
			if (i < plen && param[i] == '=') {
				size_t vlen = plen - i - 1;
				const char *v = nitro__trim_ows(param + i + 1, &vlen);

				return qvalue(v, vlen);
			}
		}
		while (n > 0 && *p != ';') {
			p++;
			n--;
		}
		if (n > 0) {
			p++;
			n--;
		}
	}
	return 1000;
}

/*
 * JSON wins when it is listed explicitly with q > 0 and text/html is
 * either given a lower q, or absent with at most a wildcard (text/\* or
 * \*\/\*) at no higher q.  Wildcards never make JSON acceptable by
 * themselves: a browser's "text/html,...,*\/\*;q=0.8" gets HTML.
 */
int nitro__accepts_json(const char *accept)
{
	int json = -1, html = -1, wild = -1;
	const char *p = accept;

	if (p == NULL)
		return 0;
	while (*p != '\0') {
		size_t elen = strcspn(p, ","), mlen, tlen;
		const char *m;
		int q;

		mlen = strcspn(p, ",;");
		tlen = mlen;
		m = nitro__trim_ows(p, &tlen);
		q = range_q(p + mlen, elen - mlen);
		if (q >= 0) {
			switch (classify(m, tlen)) {
			case R_JSON:
				if (q > json)
					json = q;
				break;
			case R_HTML:
				if (q > html)
					html = q;
				break;
			case R_TEXT_ANY:
			case R_ANY:
				if (q > wild)
					wild = q;
				break;
			case R_OTHER:
				break;
			}
		}
		p += elen;
		if (*p == ',')
			p++;
	}
	if (json <= 0)
		return 0;
	if (html >= 0)
		return json > html;
	return json >= wild;
}

int nitro__content_length(const char *s, const struct nitro_limits *lim,
    size_t *len, struct nitro_perr *e)
{
	size_t v = 0;
	const char *p;

	*len = 0;
	if (s == NULL || *s == '\0')
		return 0;
	/* Malformed wins over too large: check every byte first. */
	for (p = s; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return nitro__fail(e, 400, NITRO_EPARSE,
			    "malformed Content-Length: byte %zu is not a digit",
			    (size_t)(p - s));
	for (p = s; *p != '\0'; p++) {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (size_t)(*p - '0'), &v))
			return nitro__fail(e, 413, NITRO_ELIMIT,
			    "request body of more than %zu bytes exceeds the limit of %zu bytes",
			    (size_t)SIZE_MAX, lim->body_bytes);
	}
	if (v > lim->body_bytes)
		return nitro__fail(e, 413, NITRO_ELIMIT,
		    "request body of %zu bytes exceeds the limit of %zu bytes",
		    v, lim->body_bytes);
	*len = v;
	return 0;
}
