/*
 * The Cookie request header (RFC 6265 5.4 as browsers send it).  A pair
 * this reader cannot take (no '=', an empty or bad name, a control byte
 * in the value) fails the request with a 400 that says which: skipping it
 * would serve the cookie as absent.  Empty pieces (";;", a trailing ';')
 * are nothing and pass.  The limits are hard too.  A first pass validates
 * and counts; the second copies into the arena.
 */
#include <string.h>

#include "fcgi/parse.h"
#include "fcgi/parse_util.h"

struct cookie {
	const char *name, *value;
	size_t nlen, vlen;
};

/* Control bytes would end the copy early (NUL) or smuggle line breaks. */
static int is_value_char(unsigned char c)
{
	return c >= 0x20 && c != 0x7f;
}

/* Parse one ';'-separated piece: 1 for a name=value, 0 for an empty
 * piece, or why it is malformed in *why (-1). */
static int parse_piece(const char *p, size_t len, struct cookie *c, const char **why)
{
	const char *eq = memchr(p, '=', len);
	size_t i;

	c->nlen = len;
	if (nitro__trim_ows(p, &c->nlen), c->nlen == 0)
		return 0;
	if (eq == NULL) {
		*why = "a cookie without '='";
		return -1;
	}
	c->nlen = (size_t)(eq - p);
	c->name = nitro__trim_ows(p, &c->nlen);
	c->vlen = len - (size_t)(eq - p) - 1;
	c->value = nitro__trim_ows(eq + 1, &c->vlen);
	if (c->nlen == 0) {
		*why = "a cookie without a name";
		return -1;
	}
	for (i = 0; i < c->nlen; i++)
		if (!nitro__is_tchar((unsigned char)c->name[i])) {
			*why = "a cookie name with a character other than letters, digits"
			    " and !#$%&'*+-.^_`|~";
			return -1;
		}
	if (c->vlen >= 2 && c->value[0] == '"' && c->value[c->vlen - 1] == '"') {
		c->value++;
		c->vlen -= 2;
	}
	for (i = 0; i < c->vlen; i++)
		if (!is_value_char((unsigned char)c->value[i])) {
			*why = "a control byte in a cookie value";
			return -1;
		}
	return 1;
}

/* Calls fn on each cookie; stops at the first negative result or the
 * first malformed piece (a 400 in e). */
static int each_cookie(const char *s, size_t n, struct nitro_perr *e,
    int (*fn)(const struct cookie *, void *), void *arg)
{
	size_t i = 0, k = 1;

	for (; i < n; k++) {
		const char *semi = memchr(s + i, ';', n - i);
		size_t len = semi != NULL ? (size_t)(semi - (s + i)) : n - i;
		const char *why = NULL;
		struct cookie c;
		int rc = parse_piece(s + i, len, &c, &why);

		if (rc < 0)
			return nitro__fail(e, 400, NITRO_EPARSE,
			    "malformed Cookie header: %s (pair %zu)", why, k);
		if (rc > 0 && (rc = fn(&c, arg)) < 0)
			return rc;
		i += len + 1;
	}
	return 0;
}

struct count_ctx {
	const struct nitro_limits *lim;
	struct nitro_perr *e;
	size_t count;
};

static int count_one(const struct cookie *c, void *arg)
{
	struct count_ctx *x = arg;

	if (++x->count > x->lim->cookies)
		return nitro__fail(x->e, 400, NITRO_ELIMIT,
		    "too many cookies (limit %zu)", x->lim->cookies);
	if (c->nlen > x->lim->name_bytes)
		return nitro__fail(x->e, 400, NITRO_ELIMIT,
		    "cookie name longer than %zu bytes", x->lim->name_bytes);
	if (c->vlen > x->lim->value_bytes)
		return nitro__fail(x->e, 400, NITRO_ELIMIT,
		    "cookie value longer than %zu bytes", x->lim->value_bytes);
	return 0;
}

struct copy_ctx {
	nitro_arena *a;
	struct nitro_kvlist *out;
};

static int copy_one(const struct cookie *c, void *arg)
{
	struct copy_ctx *x = arg;
	struct nitro_kv *kv = &x->out->v[x->out->n];

	kv->name = nitro_arena_strndup(x->a, c->name, c->nlen);
	kv->value = nitro_arena_strndup(x->a, c->value, c->vlen);
	kv->value_len = c->vlen;
	if (kv->name == NULL || kv->value == NULL)
		return NITRO_ENOMEM;
	x->out->n++;
	return 0;
}

int nitro__parse_cookies(nitro_arena *a, const char *s, size_t n,
    const struct nitro_limits *lim, struct nitro_kvlist *out, struct nitro_perr *e)
{
	struct count_ctx cc = { lim, e, 0 };
	struct copy_ctx pc = { a, out };
	int rc;

	out->v = NULL;
	out->n = 0;
	if (s == NULL)
		return 0;
	if ((rc = each_cookie(s, n, e, count_one, &cc)) < 0)
		return rc;
	if (cc.count == 0)
		return 0;
	out->v = nitro_arena_calloc(a, cc.count, sizeof *out->v);
	if (out->v == NULL || each_cookie(s, n, e, copy_one, &pc) < 0) {
		out->v = NULL;
		out->n = 0;
		return nitro__fail_oom(e);
	}
	return 0;
}
