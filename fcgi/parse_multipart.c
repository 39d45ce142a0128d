/*
 * multipart/form-data bodies (RFC 7578 over RFC 2046).
 *
 *   preamble CRLF? "--" boundary padding CRLF
 *   headers CRLF data CRLF "--" boundary padding CRLF
 *   headers CRLF data CRLF "--" boundary "--" epilogue
 *
 * Header lines may end in a bare LF.  Delimiters are found with memmem,
 * which is linear in glibc, and every search window is capped by the limit
 * that applies to it, so adversarial bodies cost linear time.
 *
 * Two passes over the same iterator: the first only counts parts, fields
 * and uploads (so the arrays are sized by limits before anything is
 * allocated); the second validates names and copies them into the arena.
 * Upload data is not copied: it points into the body.
 */
#include <string.h>
#include <strings.h>

#include "fcgi/parse.h"
#include "fcgi/parse_util.h"

#define MAX_BOUNDARY 70

/* A parameter value as it appears in a header: quoted strings keep their
 * backslash escapes until they are copied. */
struct slice {
	const char *p;
	size_t len;
	int quoted;
};

struct part {
	struct slice name, filename, ext;	/* ext: filename*=charset''pct */
	int has_name, has_filename, has_ext, has_disp, has_type;
	const char *ctype;
	size_t ctlen;
	const char *data;
	size_t len;
};

struct mp {
	const char *body;
	size_t n, pos;
	int done;
	char delim[4 + MAX_BOUNDARY];	/* CRLF "--" boundary */
	size_t dlen;
	const struct nitro_limits *lim;
	struct nitro_perr *e;
};

static int slice_is(const struct slice *s, const char *lit)
{
	return !s->quoted && s->len == strlen(lit) && strncasecmp(s->p, lit, s->len) == 0;
}

/*
 * The next "; name=value" of a parameter list s[*i..n).  1 with name and
 * value set, 0 at the end, -1 when malformed.
 */
static int next_param(const char *s, size_t n, size_t *i, struct slice *name,
    struct slice *val)
{
	size_t j = *i;

	while (j < n && nitro__is_ows(s[j]))
		j++;
	if (j == n)
		return 0;
	if (s[j++] != ';')
		return -1;
	while (j < n && nitro__is_ows(s[j]))
		j++;
	if (j == n) {			/* a trailing ';' is harmless */
		*i = j;
		return 0;
	}
	name->p = s + j;
	name->quoted = 0;
	while (j < n && nitro__is_tchar((unsigned char)s[j]))
		j++;
	name->len = (size_t)(s + j - name->p);
	while (j < n && nitro__is_ows(s[j]))
		j++;
	if (name->len == 0 || j == n || s[j++] != '=')
		return -1;
	while (j < n && nitro__is_ows(s[j]))
		j++;
	if (j < n && s[j] == '"') {
		val->p = s + ++j;
		val->quoted = 1;
		for (; j < n && s[j] != '"'; j++)
			if (s[j] == '\\' && ++j == n)
				return -1;
		if (j == n)
			return -1;
		val->len = (size_t)(s + j - val->p);
		j++;
	} else {
		val->p = s + j;
		val->quoted = 0;
		while (j < n && s[j] != ';' && !nitro__is_ows(s[j]) && s[j] != '"')
			j++;
		val->len = (size_t)(s + j - val->p);
		if (val->len == 0)
			return -1;
	}
	*i = j;
	return 1;
}

/* bchars of RFC 2046; a space may not end the boundary. */
static int valid_boundary(const char *b, size_t n)
{
	if (n < 1 || n > MAX_BOUNDARY || b[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || strchr("'()+_,-./:=? ", c) != NULL) ||
		    c == '\0')
			return 0;
	}
	return 1;
}

int nitro__multipart_boundary(const char *content_type, const char **b,
    size_t *blen, struct nitro_perr *e)
{
	struct slice name, val;
	size_t n, i;
	int rc;

	*b = NULL;
	*blen = 0;
	if (content_type == NULL)
		return nitro__fail(e, 400, NITRO_EPARSE,
		    "multipart Content-Type has no boundary");
	n = strlen(content_type);
	i = strcspn(content_type, ";");
	while ((rc = next_param(content_type, n, &i, &name, &val)) > 0) {
		if (!slice_is(&name, "boundary"))
			continue;
		if (!valid_boundary(val.p, val.len))
			return nitro__fail(e, 400, NITRO_EPARSE,
			    "invalid multipart boundary");
		*b = val.p;
		*blen = val.len;
		return 0;
	}
	if (rc < 0)
		return nitro__fail(e, 400, NITRO_EPARSE,
		    "malformed multipart Content-Type parameters");
	return nitro__fail(e, 400, NITRO_EPARSE,
	    "multipart Content-Type has no boundary");
}

static int bad_header(struct mp *m)
{
	return nitro__fail(m->e, 400, NITRO_EPARSE, "malformed multipart part header");
}

/* Content-Disposition: form-data; name="x"; filename="y". */
static int parse_disposition(struct mp *m, struct part *pt, const char *v, size_t n)
{
	struct slice name, val;
	size_t i = 0;
	int rc;

	while (i < n && v[i] != ';')
		i++;
	while (i > 0 && nitro__is_ows(v[i - 1]))
		i--;
	if (i != 9 || strncasecmp(v, "form-data", 9) != 0)
		return nitro__fail(m->e, 400, NITRO_EPARSE,
		    "multipart part without Content-Disposition: form-data");
	pt->has_disp = 1;
	while ((rc = next_param(v, n, &i, &name, &val)) > 0) {
		if (slice_is(&name, "name") && !pt->has_name) {
			pt->name = val;
			pt->has_name = 1;
		} else if (slice_is(&name, "filename") && !pt->has_filename) {
			pt->filename = val;
			pt->has_filename = 1;
		} else if (slice_is(&name, "filename*") && !pt->has_ext) {
			pt->ext = val;
			pt->has_ext = 1;
		}
	}
	return rc < 0 ? bad_header(m) : 0;
}

/* One header line (without its line end). */
static int parse_header(struct mp *m, struct part *pt, const char *l, size_t n)
{
	const char *colon = memchr(l, ':', n);
	const char *v;
	size_t nlen, vlen, i;

	for (i = 0; i < n; i++)
		if (((unsigned char)l[i] < 0x20 && l[i] != '\t') || l[i] == 0x7f)
			return bad_header(m);
	if (colon == NULL || colon == l)
		return bad_header(m);
	nlen = (size_t)(colon - l);
	for (i = 0; i < nlen; i++)
		if (!nitro__is_tchar((unsigned char)l[i]))
			return bad_header(m);
	vlen = n - nlen - 1;
	v = nitro__trim_ows(colon + 1, &vlen);
	if (nlen == 19 && strncasecmp(l, "Content-Disposition", 19) == 0) {
		if (pt->has_disp)
			return bad_header(m);
		return parse_disposition(m, pt, v, vlen);
	}
	if (nlen == 12 && strncasecmp(l, "Content-Type", 12) == 0) {
		if (pt->has_type)
			return bad_header(m);
		pt->has_type = 1;
		pt->ctype = v;
		pt->ctlen = vlen;
	}
	return 0;		/* other headers are ignored */
}

/* After "--boundary": the closing "--", or padding and a line end. */
static int after_delimiter(struct mp *m, size_t p)
{
	const char *s = m->body;

	if (m->n - p >= 2 && s[p] == '-' && s[p + 1] == '-') {
		m->done = 1;
		return 0;
	}
	while (p < m->n && nitro__is_ows(s[p]))
		p++;
	if (p < m->n && s[p] == '\n')
		p++;
	else if (m->n - p >= 2 && s[p] == '\r' && s[p + 1] == '\n')
		p += 2;
	else
		return nitro__fail(m->e, 400, NITRO_EPARSE,
		    "malformed multipart boundary line");
	m->pos = p;
	return 0;
}

/* Find the first delimiter; the preamble before it is ignored. */
static int mp_start(struct mp *m)
{
	const char *d = m->delim + 2, *s = m->body;	/* "--" boundary */
	size_t dl = m->dlen - 2;
	const char *hit;

	if (m->n == 0)
		return nitro__fail(m->e, 400, NITRO_EPARSE,
		    "multipart body has no boundary");
	if (m->n >= dl && memcmp(s, d, dl) == 0)
		return after_delimiter(m, dl);
	/* Skip "\r" of the CRLF so that a bare LF also ends the preamble. */
	hit = memmem(s, m->n, m->delim + 1, m->dlen - 1);
	if (hit == NULL)
		return nitro__fail(m->e, 400, NITRO_EPARSE,
		    "multipart body has no boundary");
	return after_delimiter(m, (size_t)(hit - s) + m->dlen - 1);
}

/* The header block at m->pos, ending with an empty line. */
static int read_headers(struct mp *m, struct part *pt, size_t *body_at,
    size_t *search_at)
{
	const char *s = m->body;
	size_t start = m->pos, p = m->pos, max = m->lim->part_header_bytes;
	int rc;

	for (;;) {
		size_t used = p - start, room = max - used, avail = m->n - p;
		size_t win = avail < room ? avail : room;
		const char *nl = memchr(s + p, '\n', win);
		size_t len;

		if (nl == NULL) {
			if (avail > room)
				return nitro__fail(m->e, 413, NITRO_ELIMIT,
				    "multipart part headers longer than %zu bytes",
				    max);
			return nitro__fail(m->e, 400, NITRO_EPARSE,
			    "multipart body has no closing boundary");
		}
		len = (size_t)(nl - (s + p));
		if (len > 0 && s[p + len - 1] == '\r')
			len--;
		if (len == 0) {
			*body_at = (size_t)(nl - s) + 1;
			/* "headers CRLF" may be followed directly by the
			 * delimiter's CRLF: a part with no body. */
			*search_at = p;
			return 0;
		}
		if ((rc = parse_header(m, pt, s + p, len)) < 0)
			return rc;
		p = (size_t)(nl - s) + 1;
	}
}

/* The next part: 1, 0 after the closing delimiter, or an error. */
static int next_part(struct mp *m, struct part *pt)
{
	size_t body_at = 0, from = 0, win, max = m->lim->part_bytes;
	const char *hit;
	int rc;

	if (m->done)
		return 0;
	memset(pt, 0, sizeof *pt);
	if ((rc = read_headers(m, pt, &body_at, &from)) < 0)
		return rc;
	if (!pt->has_disp)
		return nitro__fail(m->e, 400, NITRO_EPARSE,
		    "multipart part without Content-Disposition: form-data");
	if (!pt->has_name || pt->name.len == 0)
		return nitro__fail(m->e, 400, NITRO_EPARSE,
		    "multipart part without a name");
	/* Look no further than a part of the largest allowed size. */
	if (__builtin_add_overflow(body_at - from, max, &win) ||
	    __builtin_add_overflow(win, m->dlen, &win) || win > m->n - from)
		win = m->n - from;
	hit = memmem(m->body + from, win, m->delim, m->dlen);
	if (hit == NULL) {
		if (win < m->n - from)
			return nitro__fail(m->e, 413, NITRO_ELIMIT,
			    "multipart part exceeds the limit of %zu bytes", max);
		return nitro__fail(m->e, 400, NITRO_EPARSE,
		    "multipart body has no closing boundary");
	}
	if ((size_t)(hit - m->body) < body_at) {
		pt->data = hit;
		pt->len = 0;
	} else {
		pt->data = m->body + body_at;
		pt->len = (size_t)(hit - pt->data);
	}
	if ((rc = after_delimiter(m, (size_t)(hit - m->body) + m->dlen)) < 0)
		return rc;
	return 1;
}

static int mp_init(struct mp *m, const char *content_type, const char *body,
    size_t n, const struct nitro_limits *lim, struct nitro_perr *e)
{
	const char *b;
	size_t blen;
	int rc;

	memset(m, 0, sizeof *m);
	if ((rc = nitro__multipart_boundary(content_type, &b, &blen, e)) < 0)
		return rc;
	memcpy(m->delim, "\r\n--", 4);
	memcpy(m->delim + 4, b, blen);
	m->dlen = 4 + blen;
	m->body = body;
	m->n = body != NULL ? n : 0;
	m->lim = lim;
	m->e = e;
	return mp_start(m);
}

/* A NUL-terminated copy of a parameter value with escapes removed. */
static char *copy_slice(nitro_arena *a, const struct slice *s, size_t *len)
{
	char *d = nitro_arena_alloc(a, s->len + 1);
	size_t o = 0;

	if (d == NULL)
		return NULL;
	for (size_t i = 0; i < s->len; i++) {
		if (s->quoted && s->p[i] == '\\')
			i++;		/* next_param saw the escaped byte */
		d[o++] = s->p[i];
	}
	d[o] = '\0';
	*len = o;
	return d;
}

static int oom(struct mp *m)
{
	return nitro__fail_oom(m->e);
}

/* filename*=UTF-8''na%C3%AFve.txt (RFC 8187), used without a filename. */
static int ext_filename(nitro_arena *a, struct mp *m, const struct slice *s,
    const char **out)
{
	const char *q1 = memchr(s->p, '\'', s->len), *q2 = NULL, *v;
	size_t vlen, len;
	char *d;

	if (q1 != NULL)
		q2 = memchr(q1 + 1, '\'', s->len - (size_t)(q1 + 1 - s->p));
	if (s->quoted || q2 == NULL)
		return bad_header(m);
	v = q2 + 1;
	vlen = s->len - (size_t)(v - s->p);
	if ((d = nitro_arena_alloc(a, vlen + 1)) == NULL)
		return oom(m);
	if (nitro__urldecode(d, v, vlen, 0, &len) < 0)
		return bad_header(m);
	*out = d;
	return 0;
}

struct out {
	nitro_arena *a;
	struct nitro_kvlist *fields;
	struct nitro_upload *files;
	size_t nfiles;
};

static int add_part(struct mp *m, struct out *o, const struct part *pt)
{
	size_t nlen, flen;
	char *name = copy_slice(o->a, &pt->name, &nlen);
	struct nitro_kv *kv;
	int rc;

	if (name == NULL)
		return oom(m);
	if (nlen > m->lim->name_bytes)
		return nitro__fail(m->e, 413, NITRO_ELIMIT,
		    "form parameter name longer than %zu bytes", m->lim->name_bytes);
	if (pt->has_filename || pt->has_ext) {
		struct nitro_upload *u = &o->files[o->nfiles];

		u->name = name;
		if (pt->has_filename)
			u->filename = copy_slice(o->a, &pt->filename, &flen);
		else if ((rc = ext_filename(o->a, m, &pt->ext, &u->filename)) < 0)
			return rc;
		u->content_type = "application/octet-stream";
		if (pt->has_type && pt->ctlen > 0)
			u->content_type = nitro_arena_strndup(o->a, pt->ctype, pt->ctlen);
		if (u->filename == NULL || u->content_type == NULL)
			return oom(m);
		u->data = (const unsigned char *)pt->data;
		u->len = pt->len;
		o->nfiles++;
		return 0;
	}
	if (pt->len > m->lim->value_bytes)
		return nitro__fail(m->e, 413, NITRO_ELIMIT,
		    "form parameter value longer than %zu bytes", m->lim->value_bytes);
	if (memchr(pt->data, '\0', pt->len) != NULL)
		return nitro__fail(m->e, 400, NITRO_EPARSE,
		    "NUL byte in multipart field value");
	kv = &o->fields->v[o->fields->n];
	kv->name = name;
	kv->value = nitro_arena_strndup(o->a, pt->data, pt->len);
	kv->value_len = pt->len;
	if (kv->value == NULL)
		return oom(m);
	o->fields->n++;
	return 0;
}

int nitro__parse_multipart(nitro_arena *a, const char *content_type,
    const char *body, size_t n, const struct nitro_limits *lim,
    struct nitro_kvlist *fields, struct nitro_upload **files, size_t *nfiles,
    struct nitro_perr *e)
{
	struct mp m;
	struct part pt;
	struct out o = { a, fields, NULL, 0 };
	size_t nparts = 0, nfields = 0, nuploads = 0;
	int rc;

	fields->v = NULL;
	fields->n = 0;
	*files = NULL;
	*nfiles = 0;
	if ((rc = mp_init(&m, content_type, body, n, lim, e)) < 0)
		return rc;
	while ((rc = next_part(&m, &pt)) > 0) {
		if (++nparts > lim->parts)
			return nitro__fail(e, 413, NITRO_ELIMIT,
			    "too many multipart parts (limit %zu)", lim->parts);
		if (pt.has_filename || pt.has_ext)
			nuploads++;
		else if (++nfields > lim->params)
			return nitro__fail(e, 413, NITRO_ELIMIT,
			    "too many form parameters (limit %zu)", lim->params);
	}
	if (rc < 0)
		return rc;
	if (nfields > 0)
		fields->v = nitro_arena_calloc(a, nfields, sizeof *fields->v);
	if (nuploads > 0)
		o.files = nitro_arena_calloc(a, nuploads, sizeof *o.files);
	if ((nfields > 0 && fields->v == NULL) || (nuploads > 0 && o.files == NULL))
		rc = oom(&m);
	if (rc == 0)
		rc = mp_init(&m, content_type, body, n, lim, e);
	while (rc == 0 && (rc = next_part(&m, &pt)) > 0)
		rc = add_part(&m, &o, &pt);
	if (rc < 0) {
		fields->v = NULL;
		fields->n = 0;
		return rc;
	}
	*files = o.nfiles > 0 ? o.files : NULL;
	*nfiles = o.nfiles;
	return 0;
}
