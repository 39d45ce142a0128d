/*
 * libFuzzer harness for multipart/form-data bodies.  When the input starts
 * with a line "multipart/...", that line is the Content-Type and the rest
 * the body; otherwise the Content-Type has boundary=XyZ.  Under the
 * default and the tight limits, a success must give fields and uploads
 * within every limit, field values without NUL bytes, upload data lying
 * inside the body and never holding the delimiter, and a content type for
 * every upload; a failure must be a 400 or 413 with nothing returned.
 */
#include "parse_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(const char *ct, const char *body, size_t n,
    const struct nitro_limits *lim)
{
	struct nitro_kvlist fields;
	struct nitro_upload *files = (struct nitro_upload *)&files;
	struct nitro_perr e;
	size_t nfiles = 12345, blen;
	const char *b;
	char delim[80];
	int rc;

	memset(&e, 0, sizeof e);
	rc = nitro__parse_multipart(fuzz_arena(), ct, body, n, lim, &fields, &files,
	    &nfiles, &e);
	if (rc < 0) {
		check_failure(rc, &e);
		CHECK(fields.n == 0 && fields.v == NULL);
		CHECK(files == NULL && nfiles == 0);
		return;
	}
	CHECK(nitro__multipart_boundary(ct, &b, &blen, &e) == 0);
	CHECK(blen >= 1 && blen <= 70);
	snprintf(delim, sizeof delim, "\r\n--%.*s", (int)blen, b);
	check_pairs(&fields, lim->params, lim);
	CHECK(fields.n + nfiles <= lim->parts);
	CHECK((nfiles == 0) == (files == NULL));
	for (size_t i = 0; i < fields.n; i++)
		CHECK(memmem(fields.v[i].value, fields.v[i].value_len, delim,
		    blen + 4) == NULL);
	for (size_t i = 0; i < nfiles; i++) {
		const struct nitro_upload *u = &files[i];
		const char *d = (const char *)u->data;

		CHECK(u->name != NULL && u->name[0] != '\0');
		CHECK(strlen(u->name) <= lim->name_bytes);
		CHECK(u->filename != NULL);
		CHECK(u->content_type != NULL && u->content_type[0] != '\0');
		CHECK(u->len <= lim->part_bytes);
		CHECK(d >= body && d <= body + n && u->len <= (size_t)(body + n - d));
		CHECK(memmem(d, u->len, delim, blen + 4) == NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nitro_limits def = fuzz_default_limits(), tight = fuzz_tight_limits();
	const char *s = (const char *)data, *nl, *body = s;
	char ct[256] = "multipart/form-data; boundary=XyZ";
	size_t n = size;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (size > 10 && memcmp(s, "multipart/", 10) == 0 &&
	    (nl = memchr(s, '\n', size < sizeof ct ? size : sizeof ct - 1)) != NULL &&
	    memchr(s, '\0', (size_t)(nl - s)) == NULL) {
		memcpy(ct, s, (size_t)(nl - s));
		ct[nl - s] = '\0';
		body = nl + 1;
		n = size - (size_t)(nl + 1 - s);
	}
	run(ct, body, n, &def);
	run(ct, body, n, &tight);
	return 0;
}
