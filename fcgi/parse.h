/*
 * Internal: the request parsers.  Each is a pure function over bytes that
 * the runtime already holds; it allocates only from the request arena and
 * checks every limit before allocating.  On failure it returns a negative
 * NITRO_E* and fills *e with the HTTP status to answer (400, 413, 415) and
 * a message that names the offending limit or defect.
 *
 * Every parser here has a libFuzzer harness in tests/fuzz/.
 */
#ifndef NITRO_FCGI_PARSE_H
#define NITRO_FCGI_PARSE_H

#include <stddef.h>
#include <json-c/json.h>

#include "nitro/fcgi.h"
#include "core/error.h"

struct nitro_perr {
	int status;		/* 400, 413 or 415 */
	char msg[200];
};

/* Set *e and return err: nitro__fail(e, 413, NITRO_ELIMIT, "...%zu", n). */
int nitro__fail(struct nitro_perr *e, int status, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* nitro__fail(e, 500, NITRO_ENOMEM, ...) with the one "out of memory". */
int nitro__fail_oom(struct nitro_perr *e);

struct nitro_kv {
	const char *name;	/* NUL-terminated, decoded */
	const char *value;	/* NUL-terminated, decoded */
	size_t value_len;	/* may hold NUL bytes only for uploads */
};

struct nitro_kvlist {
	struct nitro_kv *v;
	size_t n;
};

/* The value of the first pair named name, or NULL. */
const char *nitro__kv_get(const struct nitro_kvlist *l, const char *name);

/*
 * Percent-decode src[0..n) into dst (room for n+1 bytes; dst may equal
 * src).  plus_space turns '+' into ' ' (forms).  A '%' not followed by two
 * hex digits, or a decoded NUL byte, fails with NITRO_EPARSE.  On success
 * *len is the decoded length and dst is NUL-terminated.
 */
int nitro__urldecode(char *dst, const char *src, size_t n, int plus_space, size_t *len);

/*
 * application/x-www-form-urlencoded (query strings and form bodies):
 * "a=1&b=2&c", empty pairs skipped, a name without '=' has value "".
 * in_body selects the status for exceeded limits: 413 for a body, 400 for
 * a query string.  Limits: params, name_bytes, value_bytes.
 */
int nitro__parse_urlencoded(nitro_arena *a, const char *s, size_t n,
    const struct nitro_limits *lim, int in_body,
    struct nitro_kvlist *out, struct nitro_perr *e);

/*
 * The Cookie header: "a=1; b=2".  Pairs that are not name=value are
 * skipped (browsers send odd cookies and one must not fail a request);
 * surrounding double quotes are removed; values are not percent-decoded.
 * Limits (400): cookies, name_bytes, value_bytes.
 */
int nitro__parse_cookies(nitro_arena *a, const char *s, size_t n,
    const struct nitro_limits *lim, struct nitro_kvlist *out, struct nitro_perr *e);

/*
 * The boundary parameter of a multipart/form-data Content-Type, 1..70
 * characters as RFC 2046 allows, quoted or not.  400 when absent or bad.
 */
int nitro__multipart_boundary(const char *content_type, const char **b,
    size_t *blen, struct nitro_perr *e);

/*
 * A multipart/form-data body.  Parts with a filename become uploads (their
 * data points into body, which must outlive them); the others become
 * fields.  Limits (413): parts, part_bytes, part_header_bytes, and the
 * field limits of urlencoded forms.  A missing closing boundary, a part
 * without Content-Disposition form-data, or a bad header is 400.
 */
int nitro__parse_multipart(nitro_arena *a, const char *content_type,
    const char *body, size_t n, const struct nitro_limits *lim,
    struct nitro_kvlist *fields, struct nitro_upload **files, size_t *nfiles,
    struct nitro_perr *e);

/*
 * JSON text (a whole body or the datastar parameter): one value, nothing
 * but white space after it, nesting at most max_depth.  The object is
 * returned with a reference the caller puts.  400 on invalid JSON with the
 * tokener's message and the byte offset.
 */
int nitro__parse_json(const char *s, size_t n, size_t max_depth,
    json_object **out, struct nitro_perr *e);

/* ---- headers, as CGI parameters ---------------------------------------- */

/*
 * "User-Agent" -> "HTTP_USER_AGENT" into dst (cap bytes).  Content-Type
 * and Content-Length map to CONTENT_TYPE and CONTENT_LENGTH as CGI does.
 * NITRO_EINVAL when name is not an HTTP token or does not fit.
 */
int nitro__header_env_name(char *dst, size_t cap, const char *name);

/* Sum the sizes of the HTTP_* parameters: 400 over limits.header_bytes. */
int nitro__check_headers(char *const *envp, const struct nitro_limits *lim,
    struct nitro_perr *e);

/* CONTENT_LENGTH as nginx sent it: decimal digits only, no overflow;
 * absent or empty is 0.  400 when malformed, 413 over limits.body_bytes. */
int nitro__content_length(const char *s, const struct nitro_limits *lim,
    size_t *len, struct nitro_perr *e);

/* True when content_type's media type (before ';', case-insensitive,
 * white space trimmed) equals type ("application/json"). */
int nitro__media_type_is(const char *content_type, const char *type);

/* True when an Accept header prefers JSON over HTML (a JSON type with a
 * higher q than text/html, or JSON listed and HTML not). */
int nitro__accepts_json(const char *accept);

/* True when s is a non-empty RFC 9110 token. */
int nitro__is_token(const char *s);

/*
 * SSE ids of live events (event_id.c): "E-N" (epoch, id) or "N" (epoch 0).
 * format writes a NUL-terminated id and returns its length (0 when it
 * cannot); parse returns 1 with *epoch and *id, or 0 for anything that is
 * not such an id (the header holds what some other server gave).
 */
#define NITRO__EVENT_ID_MAX 40
size_t nitro__event_id_format(char buf[NITRO__EVENT_ID_MAX], int64_t epoch, int64_t id);
int nitro__event_id_parse(const char *s, size_t n, int64_t *epoch, int64_t *id);

#endif
