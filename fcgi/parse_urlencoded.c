/*
 * application/x-www-form-urlencoded, for query strings and form bodies.
 *
 * A first pass counts the pairs so the limit is enforced before anything
 * is allocated; the second decodes a single arena copy of the input in
 * place, turning each '=' and '&' into a NUL.  Memory is therefore the
 * input size plus one nitro_kv per pair.
 */
#include <string.h>

#include "fcgi/parse.h"

/* Length of the pair starting at s[i] (up to '&' or the end). */
static size_t pair_len(const char *s, size_t n, size_t i)
{
	const char *amp = memchr(s + i, '&', n - i);

	return amp != NULL ? (size_t)(amp - (s + i)) : n - i;
}

/* A pair counts unless it is empty or has an empty name ("=x"). */
static int pair_counts(const char *p, size_t len)
{
	return len > 0 && p[0] != '=';
}

/* Decode s[off..off+len) in place in buf; report failures by offset in s. */
static int decode(char *buf, size_t off, size_t len, const char *s,
    const char *where, size_t *out, struct nitro_perr *e)
{
	size_t at;

	if (nitro__urldecode(buf + off, buf + off, len, 1, out) == 0)
		return 0;
	at = off + *out;
	if (s[at] == '\0' || (s[at] == '%' && off + len - at >= 3 &&
	    s[at + 1] == '0' && s[at + 2] == '0'))
		return nitro__fail(e, 400, NITRO_EPARSE,
		    "NUL byte in %s at byte %zu", where, at);
	return nitro__fail(e, 400, NITRO_EPARSE,
	    "invalid percent-encoding in %s at byte %zu", where, at);
}

int nitro__parse_urlencoded(nitro_arena *a, const char *s, size_t n,
    const struct nitro_limits *lim, int in_body,
    struct nitro_kvlist *out, struct nitro_perr *e)
{
	const char *what = in_body ? "form" : "query";
	const char *where = in_body ? "form body" : "query string";
	int status = in_body ? 413 : 400;
	size_t i, count = 0, len;
	char *buf;
	int rc;

	out->v = NULL;
	out->n = 0;
	for (i = 0; i < n; i += len + 1) {
		len = pair_len(s, n, i);
		if (pair_counts(s + i, len) && ++count > lim->params)
			return nitro__fail(e, status, NITRO_ELIMIT,
			    "too many %s parameters (limit %zu)", what, lim->params);
	}
	if (count == 0)
		return 0;
	out->v = nitro_arena_calloc(a, count, sizeof *out->v);
	buf = nitro_arena_strndup(a, s, n);
	if (out->v == NULL || buf == NULL) {
		out->v = NULL;
		return nitro__fail_oom(e);
	}
	for (i = 0; i < n; i += len + 1) {
		struct nitro_kv *kv = &out->v[out->n];
		const char *eq;
		size_t nlen, vlen, dlen;

		len = pair_len(s, n, i);
		if (!pair_counts(s + i, len))
			continue;
		eq = memchr(s + i, '=', len);
		nlen = eq != NULL ? (size_t)(eq - (s + i)) : len;
		if ((rc = decode(buf, i, nlen, s, where, &dlen, e)) < 0)
			goto fail;
		if (dlen > lim->name_bytes) {
			rc = nitro__fail(e, status, NITRO_ELIMIT,
			    "%s parameter name longer than %zu bytes", what,
			    lim->name_bytes);
			goto fail;
		}
		kv->name = buf + i;
		kv->value = "";
		kv->value_len = 0;
		if (eq != NULL) {
			vlen = len - nlen - 1;
			if ((rc = decode(buf, i + nlen + 1, vlen, s, where, &dlen, e)) < 0)
				goto fail;
			if (dlen > lim->value_bytes) {
				rc = nitro__fail(e, status, NITRO_ELIMIT,
				    "%s parameter value longer than %zu bytes",
				    what, lim->value_bytes);
				goto fail;
			}
			kv->value = buf + i + nlen + 1;
			kv->value_len = dlen;
		}
		out->n++;
	}
	return 0;
fail:
	out->v = NULL;
	out->n = 0;
	return rc;
}
