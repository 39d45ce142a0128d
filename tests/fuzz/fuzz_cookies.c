/*
 * libFuzzer harness for the Cookie header.  Under the default and the
 * tight limits: a refusal is a 400 (a limit, or a malformed pair); a
 * success gives exactly one cookie for each ';'-separated piece that is
 * not empty (none is dropped), each named by an RFC 9110 token that
 * occurs in the header, with a value free of control bytes, all within
 * the limits.
 */
#include "parse_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(const char *s, size_t n, const struct nitro_limits *lim)
{
	struct nitro_kvlist kv;
	struct nitro_perr e;
	size_t pieces = 0, i = 0;
	int rc;

	memset(&e, 0, sizeof e);
	rc = nitro__parse_cookies(fuzz_arena(), s, n, lim, &kv, &e);
	if (rc < 0) {
		check_failure(rc, &e);
		CHECK(e.status == 400);
		CHECK(kv.n == 0 && kv.v == NULL);
		return;
	}
	while (i < n) {
		const char *semi = memchr(s + i, ';', n - i);
		size_t len = semi ? (size_t)(semi - (s + i)) : n - i;

		for (size_t k = 0; k < len; k++)
			if (s[i + k] != ' ' && s[i + k] != '\t') {
				pieces++;
				break;
			}
		i += len + 1;
	}
	CHECK(kv.n == pieces);
	check_pairs(&kv, lim->cookies, lim);
	for (i = 0; i < kv.n; i++) {
		size_t nl = strlen(kv.v[i].name);
		const char *p;

		CHECK(nitro__is_token(kv.v[i].name));
		for (p = kv.v[i].value; *p != '\0'; p++)
			CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
		CHECK(memmem(s, n, kv.v[i].name, nl) != NULL);
		CHECK(memmem(s, n, kv.v[i].value, kv.v[i].value_len) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nitro_limits def = fuzz_default_limits(), tight = fuzz_tight_limits();

	if (size > FUZZ_MAX_INPUT)
		return 0;
	run((const char *)data, size, &def);
	run((const char *)data, size, &tight);
	return 0;
}
