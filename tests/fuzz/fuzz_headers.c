/*
 * libFuzzer harness for the header helpers.  The input is split into
 * lines; each line is tried as a header name (CGI variable name), a
 * Content-Length, a Content-Type, an Accept header and a token, with
 * results checked against simple reference rules, and all lines together
 * form an environment for nitro__check_headers().
 */
#include <ctype.h>
#include <strings.h>

#include "parse_fuzz.h"

#define MAX_LINES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ref_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (!isalnum(c) && strchr("!#$%&'*+-.^_`|~", c) == NULL)
			return 0;
	}
	return 1;
}

static void env_name(const char *line)
{
	char dst[64];
	size_t n = strlen(line);
	int rc = nitro__header_env_name(dst, sizeof dst, line);
	int plain = strcasecmp(line, "Content-Type") == 0 ||
	    strcasecmp(line, "Content-Length") == 0;
	size_t want = n + (plain ? 0 : 5);

	if (!ref_token(line) || want >= sizeof dst) {
		CHECK(rc == NITRO_EINVAL);
		return;
	}
	CHECK(rc == 0);
	CHECK(strlen(dst) == want);
	CHECK(plain || strncmp(dst, "HTTP_", 5) == 0);
	for (size_t i = 0; i < n; i++) {
		char c = dst[want - n + i];

		CHECK(!islower((unsigned char)c) && c != '-');
		CHECK(c == toupper((unsigned char)line[i]) || (line[i] == '-' && c == '_'));
	}
}

static void content_length(const char *line, const struct nitro_limits *lim)
{
	struct nitro_perr e;
	size_t len = 77, i, digits = strspn(line, "0123456789");
	int rc;

	memset(&e, 0, sizeof e);
	rc = nitro__content_length(line, lim, &len, &e);
	if (line[digits] != '\0') {
		check_failure(rc, &e);
		CHECK(e.status == 400);
		return;
	}
	for (i = 0; i < digits && line[i] == '0'; i++)
		;
	if (digits - i > 19 || strtoull(line, NULL, 10) > lim->body_bytes) {
		check_failure(rc, &e);
		CHECK(e.status == 413);
		CHECK(len == 0);
		return;
	}
	CHECK(rc == 0);
	CHECK(len == strtoull(line, NULL, 10));
}

static void media_accept(const char *line)
{
	size_t n = strlen(line);
	char *low = malloc(n + 1);

	CHECK(low != NULL);
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)line[i]);
	/* Case never matters, and only a line that names the type matches. */
	CHECK(nitro__media_type_is(line, "application/json") ==
	    nitro__media_type_is(low, "application/json"));
	if (nitro__media_type_is(line, "application/json"))
		CHECK(strstr(low, "application/json") != NULL);
	CHECK(nitro__accepts_json(line) == nitro__accepts_json(low));
	if (nitro__accepts_json(line))
		CHECK(strstr(low, "json") != NULL);
	free(low);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nitro_limits def = fuzz_default_limits(), tight = fuzz_tight_limits();
	char *buf, *line, *env[MAX_LINES + 1];
	size_t nenv = 0, total = 0;
	struct nitro_perr e;
	int rc;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	buf = malloc(size + 1);
	CHECK(buf != NULL);
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (line = buf; line != NULL && nenv < MAX_LINES; ) {
		char *nl = strchr(line, '\n');

		if (nl != NULL)
			*nl = '\0';
		env_name(line);
		content_length(line, &def);
		content_length(line, &tight);
		media_accept(line);
		CHECK(nitro__is_token(line) == ref_token(line));
		env[nenv++] = line;
		if (strncmp(line, "HTTP_", 5) == 0)
			total += strlen(line);
		line = nl != NULL ? nl + 1 : NULL;
	}
	env[nenv] = NULL;
	memset(&e, 0, sizeof e);
	rc = nitro__check_headers(env, &tight, &e);
	if (total > tight.header_bytes) {
		check_failure(rc, &e);
		CHECK(e.status == 400);
	} else {
		CHECK(rc == 0);
	}
	free(buf);
	return 0;
}
