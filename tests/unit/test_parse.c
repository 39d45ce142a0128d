/* Unit tests for the request parsers of fcgi/parse.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fcgi/parse.h"
#include "t.h"

static nitro_arena *arena;
static struct nitro_perr perr;

static struct nitro_limits defaults(void)
{
	struct nitro_limits l;

	nitro_limits_default(&l);
	return l;
}

/* The messages below quote the defaults documented in <nitro/fcgi.h>. */
static void test_defaults(void)
{
	struct nitro_limits l = defaults(), want = {
		.body_bytes = 1 << 20, .params = 256, .name_bytes = 256,
		.value_bytes = 64 << 10, .header_bytes = 32 << 10, .cookies = 64,
		.parts = 64, .part_bytes = 1 << 20, .part_header_bytes = 4 << 10,
		.json_depth = 32, .path_bytes = 4 << 10,
	};

	T_OK(memcmp(&l, &want, sizeof l) == 0, "nitro_limits_default gives the documented limits");
}

static void reset(void)
{
	nitro_arena_reset(arena);
	memset(&perr, 0, sizeof perr);
}

/* A heap string of n copies of c (freed by the caller). */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ---- util --------------------------------------------------------------- */

static void test_fail(void)
{
	reset();
	T_EQ_INT(nitro__fail(&perr, 413, NITRO_ELIMIT, "n=%zu", (size_t)7), NITRO_ELIMIT,
	    "fail returns its code");
	T_EQ_INT(perr.status, 413, "fail sets the status");
	T_EQ_STR(perr.msg, "n=7", "fail formats the message");
	T_EQ_STR(nitro_errmsg(), "n=7", "fail records the thread's error");
	T_EQ_INT(nitro__fail(NULL, 400, NITRO_EPARSE, "x"), NITRO_EPARSE,
	    "fail accepts a NULL perr");
}

static void test_urldecode(void)
{
	char buf[64];
	size_t len = 99;

	T_EQ_INT(nitro__urldecode(buf, "a%20b+c", 7, 1, &len), 0, "decode succeeds");
	T_EQ_STR(buf, "a b c", "percent and plus decoded");
	T_EQ_INT(len, 5, "decoded length");
	T_EQ_INT(nitro__urldecode(buf, "a+b", 3, 0, &len), 0, "decode without plus_space");
	T_EQ_STR(buf, "a+b", "plus kept outside forms");
	T_EQ_INT(nitro__urldecode(buf, "%C3%a9%7e", 9, 0, &len), 0, "mixed-case hex");
	T_EQ_MEM(buf, len, "\xc3\xa9~", 3, "hex digits of either case");
	T_EQ_INT(nitro__urldecode(buf, "ab%zz", 5, 0, &len), NITRO_EPARSE, "bad hex fails");
	T_EQ_INT(len, 2, "failure offset points at the '%'");
	T_EQ_INT(nitro__urldecode(buf, "ab%4", 4, 0, &len), NITRO_EPARSE, "truncated escape fails");
	T_EQ_INT(nitro__urldecode(buf, "%", 1, 0, &len), NITRO_EPARSE, "lone percent fails");
	T_EQ_INT(nitro__urldecode(buf, "x%00", 4, 0, &len), NITRO_EPARSE, "decoded NUL fails");
	T_EQ_INT(len, 1, "NUL offset");
	T_EQ_INT(nitro__urldecode(buf, "x\0y", 3, 0, &len), NITRO_EPARSE, "raw NUL fails");
	T_EQ_INT(nitro__urldecode(buf, "ab%41", 2, 0, &len), 0, "n bounds the input");
	T_EQ_STR(buf, "ab", "decode stops at n");
	T_EQ_INT(nitro__urldecode(buf, "ab%41", 4, 0, &len), NITRO_EPARSE,
	    "an escape cut by n fails");
	strcpy(buf, "%41%42c+");
	T_EQ_INT(nitro__urldecode(buf, buf, 8, 1, &len), 0, "in-place decode");
	T_EQ_STR(buf, "ABc ", "in-place result");
	T_EQ_INT(nitro__urldecode(buf, "", 0, 1, &len), 0, "empty input");
	T_EQ_INT(len, 0, "empty output");
}

static void test_token_media(void)
{
	T_OK(nitro__is_token("User-Agent"), "header name is a token");
	T_OK(nitro__is_token("!#$%&'*+-.^_`|~09azAZ"), "all tchar symbols");
	T_OK(!nitro__is_token(""), "empty is not a token");
	T_OK(!nitro__is_token(NULL), "NULL is not a token");
	T_OK(!nitro__is_token("a b"), "space is not a tchar");
	T_OK(!nitro__is_token("a:b"), "':' is not a tchar");
	T_OK(!nitro__is_token("caf\xc3\xa9"), "non-ASCII is not a tchar");
	T_OK(nitro__media_type_is("application/json", "application/json"), "exact media type");
	T_OK(nitro__media_type_is(" Application/JSON ; charset=utf-8", "application/json"),
	    "case, white space and parameters ignored");
	T_OK(!nitro__media_type_is("application/jsonx", "application/json"), "longer type differs");
	T_OK(!nitro__media_type_is("application/js", "application/json"), "prefix differs");
	T_OK(!nitro__media_type_is(NULL, "application/json"), "absent content type");
	T_OK(!nitro__media_type_is("", ""), "empty type never matches");
}

static void test_accept(void)
{
	T_OK(nitro__accepts_json("application/json"), "plain JSON");
	T_OK(nitro__accepts_json("application/json, text/plain, */*"), "fetch-style Accept");
	T_OK(nitro__accepts_json("application/problem+json"), "+json suffix");
	T_OK(!nitro__accepts_json("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
	    "browser Accept prefers HTML");
	T_OK(!nitro__accepts_json("*/*"), "wildcard alone is not JSON");
	T_OK(!nitro__accepts_json(NULL), "absent Accept");
	T_OK(!nitro__accepts_json(""), "empty Accept");
	T_OK(!nitro__accepts_json("text/event-stream"), "Datastar SSE Accept");
	T_OK(nitro__accepts_json("text/html;q=0.5, application/json"), "JSON q above HTML");
	T_OK(!nitro__accepts_json("text/html, application/json"), "equal q goes to HTML");
	T_OK(!nitro__accepts_json("application/json;q=0, text/plain"), "q=0 is not acceptable");
	T_OK(!nitro__accepts_json("application/json;q=0.5, */*"), "wildcard with higher q wins");
	T_OK(nitro__accepts_json("application/json; q=0.9 , text/*;q=0.5"), "text/* lower q");
	T_OK(nitro__accepts_json("APPLICATION/JSON;Q=1.000"), "case-insensitive, 1.000");
	T_OK(!nitro__accepts_json("application/json;q=2"), "q above 1 ignores the range");
	T_OK(!nitro__accepts_json("application/json;q=0.5x"), "malformed q ignores the range");
	T_OK(!nitro__accepts_json("application/+json"), "bare +json subtype is not JSON");
	T_OK(!nitro__accepts_json(",,;,"), "junk Accept");
}

static void test_content_length(void)
{
	struct nitro_limits l = defaults();
	size_t len = 99;

	reset();
	T_EQ_INT(nitro__content_length(NULL, &l, &len, &perr), 0, "absent length");
	T_EQ_INT(len, 0, "absent length is 0");
	T_EQ_INT(nitro__content_length("", &l, &len, &perr), 0, "empty length");
	T_EQ_INT(nitro__content_length("1234", &l, &len, &perr), 0, "plain length");
	T_EQ_INT(len, 1234, "length value");
	T_EQ_INT(nitro__content_length("1048576", &l, &len, &perr), 0, "length at the limit");
	T_EQ_INT(len, 1048576, "length at the limit value");
	T_EQ_INT(nitro__content_length("2000000", &l, &len, &perr), NITRO_ELIMIT, "over the limit");
	T_EQ_INT(perr.status, 413, "over the limit is 413");
	T_EQ_STR(perr.msg, "request body of 2000000 bytes exceeds the limit of 1048576 bytes",
	    "over-limit message");
	T_EQ_INT(nitro__content_length("1048577", &l, &len, &perr), NITRO_ELIMIT, "one over");
	T_EQ_INT(nitro__content_length("99999999999999999999999", &l, &len, &perr), NITRO_ELIMIT,
	    "overflow is over the limit");
	T_EQ_INT(perr.status, 413, "overflow is 413");
	T_EQ_INT(nitro__content_length("99999999999999999999999;", &l, &len, &perr), NITRO_EPARSE,
	    "malformed wins over overflow (found by fuzz_headers)");
	T_EQ_INT(perr.status, 400, "malformed huge length is 400");
	T_EQ_INT(nitro__content_length("12a", &l, &len, &perr), NITRO_EPARSE, "non-digit");
	T_EQ_INT(perr.status, 400, "non-digit is 400");
	T_EQ_STR(perr.msg, "malformed Content-Length: byte 2 is not a digit", "non-digit message");
	T_EQ_INT(nitro__content_length("-1", &l, &len, &perr), NITRO_EPARSE, "sign refused");
	T_EQ_INT(nitro__content_length(" 1", &l, &len, &perr), NITRO_EPARSE, "space refused");
	T_EQ_INT(len, 0, "failure leaves length 0");
}

/* ---- headers ------------------------------------------------------------ */

static void test_headers(void)
{
	struct nitro_limits l = defaults();
	char buf[32];
	char *env[5];
	char *big;

	T_EQ_INT(nitro__header_env_name(buf, sizeof buf, "User-Agent"), 0, "env name");
	T_EQ_STR(buf, "HTTP_USER_AGENT", "User-Agent maps to HTTP_USER_AGENT");
	T_EQ_INT(nitro__header_env_name(buf, sizeof buf, "content-type"), 0, "content-type");
	T_EQ_STR(buf, "CONTENT_TYPE", "Content-Type has no HTTP_ prefix");
	T_EQ_INT(nitro__header_env_name(buf, sizeof buf, "Content-Length"), 0, "content-length");
	T_EQ_STR(buf, "CONTENT_LENGTH", "Content-Length has no HTTP_ prefix");
	T_EQ_INT(nitro__header_env_name(buf, sizeof buf, "x-a.b"), 0, "dots kept");
	T_EQ_STR(buf, "HTTP_X_A.B", "only '-' becomes '_'");
	T_EQ_INT(nitro__header_env_name(buf, sizeof buf, "Bad Name"), NITRO_EINVAL, "non-token");
	T_EQ_INT(nitro__header_env_name(buf, sizeof buf, ""), NITRO_EINVAL, "empty name");
	T_EQ_INT(nitro__header_env_name(buf, 12, "Abcdef"), 0, "exact fit (11 + NUL)");
	T_EQ_STR(buf, "HTTP_ABCDEF", "exact fit value");
	T_EQ_INT(nitro__header_env_name(buf, 11, "Abcdef"), NITRO_EINVAL, "one byte short");
	T_EQ_INT(nitro__header_env_name(buf, 3, "Abcdef"), NITRO_EINVAL, "cap below the prefix");
	T_EQ_INT(nitro__header_env_name(buf, 0, "A"), NITRO_EINVAL, "zero cap");

	reset();
	l.header_bytes = 20;
	env[0] = "HTTP_HOST=example.co";	/* 20 bytes */
	env[1] = "REQUEST_METHOD=GET";		/* not a header */
	env[2] = NULL;
	T_EQ_INT(nitro__check_headers(env, &l, &perr), 0, "headers at the limit");
	env[2] = "HTTP_X=";			/* 7 more */
	env[3] = NULL;
	T_EQ_INT(nitro__check_headers(env, &l, &perr), NITRO_ELIMIT, "headers over the limit");
	T_EQ_INT(perr.status, 400, "header limit is 400");
	T_EQ_STR(perr.msg, "request headers of 27 bytes exceed the limit of 20 bytes",
	    "header limit message");
	T_EQ_INT(nitro__check_headers(NULL, &l, &perr), 0, "no environment");
	l = defaults();
	big = repeat('a', 40000);
	memcpy(big, "HTTP_COOKIE=", 12);
	env[0] = big;
	env[1] = NULL;
	T_EQ_INT(nitro__check_headers(env, &l, &perr), NITRO_ELIMIT, "one huge header");
	T_EQ_STR(perr.msg, "request headers of 40000 bytes exceed the limit of 32768 bytes",
	    "huge header message");
	free(big);
}

/* ---- urlencoded --------------------------------------------------------- */

static int form(const char *s, int in_body, const struct nitro_limits *l,
    struct nitro_kvlist *out)
{
	reset();
	return nitro__parse_urlencoded(arena, s, strlen(s), l, in_body, out, &perr);
}

static void test_urlencoded(void)
{
	struct nitro_limits l = defaults();
	struct nitro_kvlist kv;
	char *s, *p;
	size_t i;

	T_EQ_INT(form("a=1&b=2&c", 0, &l, &kv), 0, "simple query");
	T_EQ_INT(kv.n, 3, "three pairs");
	T_EQ_STR(kv.v[0].name, "a", "first name");
	T_EQ_STR(kv.v[0].value, "1", "first value");
	T_EQ_STR(nitro__kv_get(&kv, "b"), "2", "kv_get finds b");
	T_EQ_STR(nitro__kv_get(&kv, "c"), "", "name without '=' has value \"\"");
	T_EQ_INT(kv.v[2].value_len, 0, "empty value length");
	T_OK(nitro__kv_get(&kv, "d") == NULL, "kv_get of an absent name");
	T_OK(nitro__kv_get(NULL, "a") == NULL, "kv_get of no list");

	T_EQ_INT(form("&&a=1&&=x&=&b=&", 0, &l, &kv), 0, "empty pairs and names");
	T_EQ_INT(kv.n, 2, "empty pairs and empty names skipped");
	T_EQ_STR(kv.v[1].name, "b", "b kept");
	T_EQ_STR(kv.v[1].value, "", "b= has an empty value");

	T_EQ_INT(form("q=hello+world%21&x%5B%5D=a%26b%3Dc&k=v=w", 1, &l, &kv), 0, "decoding");
	T_EQ_STR(nitro__kv_get(&kv, "q"), "hello world!", "plus and percent in a value");
	T_EQ_STR(nitro__kv_get(&kv, "x[]"), "a&b=c", "encoded separators stay data");
	T_EQ_STR(nitro__kv_get(&kv, "k"), "v=w", "value keeps later '='");
	T_EQ_INT(kv.v[1].value_len, 5, "value_len is the decoded length");

	T_EQ_INT(form("a=1&a=2", 0, &l, &kv), 0, "duplicate names");
	T_EQ_INT(kv.n, 2, "duplicates both kept");
	T_EQ_STR(nitro__kv_get(&kv, "a"), "1", "kv_get returns the first");

	T_EQ_INT(form("", 0, &l, &kv), 0, "empty query");
	T_EQ_INT(kv.n, 0, "no pairs");
	T_OK(kv.v == NULL, "no array");
	reset();
	T_EQ_INT(nitro__parse_urlencoded(arena, NULL, 0, &l, 0, &kv, &perr), 0, "NULL, 0");

	T_EQ_INT(form("ok=1&bad=%zz", 0, &l, &kv), NITRO_EPARSE, "bad escape in query");
	T_EQ_INT(perr.status, 400, "bad escape is 400");
	T_EQ_STR(perr.msg, "invalid percent-encoding in query string at byte 9", "query message");
	T_EQ_INT(kv.n, 0, "failure leaves no pairs");
	T_EQ_INT(form("a%2=1", 1, &l, &kv), NITRO_EPARSE, "bad escape in a body name");
	T_EQ_STR(perr.msg, "invalid percent-encoding in form body at byte 1", "body message");
	T_EQ_INT(perr.status, 400, "malformed body is 400, not 413");
	T_EQ_INT(form("a=%4", 0, &l, &kv), NITRO_EPARSE, "truncated escape at the end");
	T_EQ_STR(perr.msg, "invalid percent-encoding in query string at byte 2", "truncated message");
	T_EQ_INT(form("a=x%00y", 1, &l, &kv), NITRO_EPARSE, "decoded NUL");
	T_EQ_INT(perr.status, 400, "decoded NUL is 400");
	T_EQ_STR(perr.msg, "NUL byte in form body at byte 3", "NUL message");
	reset();
	T_EQ_INT(nitro__parse_urlencoded(arena, "a=b\0c", 5, &l, 1, &kv, &perr), NITRO_EPARSE,
	    "raw NUL in a body");
	T_EQ_STR(perr.msg, "NUL byte in form body at byte 3", "raw NUL message");
	reset();
	T_EQ_INT(nitro__parse_urlencoded(arena, "a=1&b=2", 3, &l, 0, &kv, &perr), 0, "n bounds");
	T_EQ_INT(kv.n, 1, "only the first n bytes parsed");
	T_EQ_STR(kv.v[0].value, "1", "value ends at n");

	/* params: 256 pass, 257 fail, counted before allocating. */
	s = malloc(300 * 4 + 1);
	for (p = s, i = 0; i < 257; i++)
		p += sprintf(p, "%s%zx", i ? "&" : "", i);
	*(p - 4) = '\0';		/* drop "&100": 256 pairs */
	T_EQ_INT(form(s, 1, &l, &kv), 0, "256 parameters pass");
	T_EQ_INT(kv.n, 256, "256 parameters kept");
	T_EQ_STR(kv.v[255].name, "ff", "last parameter name");
	*(p - 4) = '&';
	T_EQ_INT(form(s, 1, &l, &kv), NITRO_ELIMIT, "257 parameters fail");
	T_EQ_INT(perr.status, 413, "too many form parameters is 413");
	T_EQ_STR(perr.msg, "too many form parameters (limit 256)", "param limit message");
	T_EQ_INT(form(s, 0, &l, &kv), NITRO_ELIMIT, "257 query parameters fail");
	T_EQ_INT(perr.status, 400, "too many query parameters is 400");
	T_EQ_STR(perr.msg, "too many query parameters (limit 256)", "query limit message");
	free(s);
	s = repeat('&', 100000);
	T_EQ_INT(form(s, 1, &l, &kv), 0, "100000 empty pairs do not count");
	T_EQ_INT(kv.n, 0, "no pairs from separators alone");
	free(s);

	/* name and value bytes are decoded lengths */
	s = repeat('n', 256);
	T_EQ_INT(form(s, 1, &l, &kv), 0, "name of 256 bytes passes");
	free(s);
	s = repeat('n', 257);
	T_EQ_INT(form(s, 1, &l, &kv), NITRO_ELIMIT, "name of 257 bytes fails");
	T_EQ_INT(perr.status, 413, "long form name is 413");
	T_EQ_STR(perr.msg, "form parameter name longer than 256 bytes", "name limit message");
	T_EQ_INT(form(s, 0, &l, &kv), NITRO_ELIMIT, "long query name fails");
	T_EQ_STR(perr.msg, "query parameter name longer than 256 bytes", "query name message");
	free(s);
	s = malloc(256 * 3 + 1);
	for (i = 0; i < 256; i++)
		memcpy(s + 3 * i, "%41", 3);
	s[256 * 3] = '\0';
	T_EQ_INT(form(s, 1, &l, &kv), 0, "768 encoded bytes decode to a 256-byte name");
	T_EQ_INT(strlen(kv.v[0].name), 256, "decoded name length");
	free(s);
	s = repeat('v', 2 + 65536);
	s[0] = 'k';
	s[1] = '=';
	T_EQ_INT(form(s, 1, &l, &kv), 0, "value of 64 KiB passes");
	T_EQ_INT(kv.v[0].value_len, 65536, "value length at the limit");
	free(s);
	s = repeat('v', 2 + 65537);
	s[0] = 'k';
	s[1] = '=';
	T_EQ_INT(form(s, 1, &l, &kv), NITRO_ELIMIT, "value of 64 KiB + 1 fails");
	T_EQ_STR(perr.msg, "form parameter value longer than 65536 bytes", "value limit message");
	T_EQ_INT(perr.status, 413, "long form value is 413");
	free(s);
}

/* ---- cookies ------------------------------------------------------------ */

static int cookies(const char *s, const struct nitro_limits *l, struct nitro_kvlist *out)
{
	reset();
	return nitro__parse_cookies(arena, s, strlen(s), l, out, &perr);
}

static void test_cookies(void)
{
	struct nitro_limits l = defaults();
	struct nitro_kvlist kv;
	char *s, *p;
	int i;

	T_EQ_INT(cookies("a=1; b=2", &l, &kv), 0, "two cookies");
	T_EQ_INT(kv.n, 2, "two pairs");
	T_EQ_STR(nitro__kv_get(&kv, "a"), "1", "cookie a");
	T_EQ_STR(nitro__kv_get(&kv, "b"), "2", "cookie b");
	T_EQ_INT(cookies(" \ta = 1 ;b=\"quoted value\";c=%41;;", &l, &kv), 0, "odd spacing");
	T_EQ_STR(nitro__kv_get(&kv, "a"), "1", "spaces trimmed");
	T_EQ_STR(nitro__kv_get(&kv, "b"), "quoted value", "quotes removed");
	T_EQ_STR(nitro__kv_get(&kv, "c"), "%41", "values are not percent-decoded");
	T_EQ_INT(cookies("ok=4; e=;; ", &l, &kv), 0, "empty value and empty pieces");
	T_EQ_INT(kv.n, 2, "empty pieces are nothing");
	T_EQ_STR(kv.v[0].name, "ok", "first cookie");
	T_EQ_STR(nitro__kv_get(&kv, "e"), "", "empty value kept");
	T_EQ_INT(cookies("q=\"; r=\"\"", &l, &kv), 0, "lone quote");
	T_EQ_STR(nitro__kv_get(&kv, "q"), "\"", "a lone quote is kept as is");
	T_EQ_STR(nitro__kv_get(&kv, "r"), "", "\"\" is empty");
	/* issue 14: each of these was dropped and the request served
	 * without it */
	{
		static const struct { const char *h, *msg; } bad[] = {
			{ "a=1; novalue; b=2", "malformed Cookie header: a cookie without '=' (pair 2)" },
			{ "bad name=1", "malformed Cookie header: a cookie name with a character"
			    " other than letters, digits and !#$%&'*+-.^_`|~ (pair 1)" },
			{ "x(y)=2", NULL }, { "=3", "malformed Cookie header: a cookie without a name (pair 1)" },
			{ "a=x\x01y", "malformed Cookie header: a control byte in a cookie value (pair 1)" },
			{ "ok=1; b=\x7f", "malformed Cookie header: a control byte in a cookie value (pair 2)" },
			{ "b=\"\x7f\"", NULL }, { "c=a\tb", NULL },
		};

		for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			T_EQ_INT(cookies(bad[k].h, &l, &kv), NITRO_EPARSE, bad[k].h);
			T_EQ_INT(perr.status, 400, "and it is a 400");
			if (bad[k].msg)
				T_EQ_STR(perr.msg, bad[k].msg, "the message says what and which");
		}
	}
	reset();
	T_EQ_INT(nitro__parse_cookies(arena, "a=b\0c; d=e", 10, &l, &kv, &perr), NITRO_EPARSE, "NUL");
	T_EQ_INT(perr.status, 400, "a NUL in a cookie is a 400");
	T_EQ_INT(cookies("", &l, &kv), 0, "empty header");
	T_EQ_INT(kv.n, 0, "no cookies");
	reset();
	T_EQ_INT(nitro__parse_cookies(arena, NULL, 0, &l, &kv, &perr), 0, "NULL header");

	s = malloc(65 * 12 + 1);
	for (p = s, i = 0; i < 65; i++)
		p += sprintf(p, "c%d=v; ", i);
	s[strlen(s) - 7] = '\0';	/* drop "c64=v; " */
	T_EQ_INT(cookies(s, &l, &kv), 0, "64 cookies pass");
	T_EQ_INT(kv.n, 64, "64 cookies kept");
	T_EQ_STR(kv.v[63].name, "c63", "last cookie");
	s[strlen(s)] = 'c';
	T_EQ_INT(cookies(s, &l, &kv), NITRO_ELIMIT, "65 cookies fail");
	T_EQ_INT(perr.status, 400, "too many cookies is 400");
	T_EQ_STR(perr.msg, "too many cookies (limit 64)", "cookie count message");
	T_EQ_INT(kv.n, 0, "failure leaves no cookies");
	free(s);
	s = repeat('n', 258);
	s[256] = '=';
	s[257] = 'v';
	T_EQ_INT(cookies(s, &l, &kv), 0, "name of 256 bytes passes");
	free(s);
	s = repeat('n', 259);
	s[257] = '=';
	T_EQ_INT(cookies(s, &l, &kv), NITRO_ELIMIT, "name of 257 bytes fails");
	T_EQ_STR(perr.msg, "cookie name longer than 256 bytes", "cookie name message");
	free(s);
	s = repeat('v', 65536 + 4);
	memcpy(s, "k=\"", 3);
	s[65536 + 3] = '"';
	T_EQ_INT(cookies(s, &l, &kv), 0, "quoted value of 64 KiB passes");
	free(s);
	s = repeat('v', 65536 + 2);
	memcpy(s, "k=", 2);
	T_EQ_INT(cookies(s, &l, &kv), 0, "value of 64 KiB passes");
	T_EQ_INT(kv.v[0].value_len, 65536, "value length");
	free(s);
	s = repeat('v', 65537 + 2);
	memcpy(s, "k=", 2);
	T_EQ_INT(cookies(s, &l, &kv), NITRO_ELIMIT, "value of 64 KiB + 1 fails");
	T_EQ_INT(perr.status, 400, "long cookie is 400");
	T_EQ_STR(perr.msg, "cookie value longer than 65536 bytes", "cookie value message");
	free(s);
}

/* ---- multipart ---------------------------------------------------------- */

static const char *CT = "multipart/form-data; boundary=XyZ";

struct mpres {
	struct nitro_kvlist fields;
	struct nitro_upload *files;
	size_t nfiles;
};

static int mp(const char *ct, const char *body, size_t n, const struct nitro_limits *l,
    struct mpres *r)
{
	reset();
	return nitro__parse_multipart(arena, ct, body, n, l, &r->fields, &r->files,
	    &r->nfiles, &perr);
}

static int mps(const char *body, struct mpres *r)
{
	struct nitro_limits l = defaults();

	return mp(CT, body, strlen(body), &l, r);
}

static void test_boundary(void)
{
	const char *b;
	size_t n;
	char ct[200];

	reset();
	T_EQ_INT(nitro__multipart_boundary(CT, &b, &n, &perr), 0, "plain boundary");
	T_EQ_MEM(b, n, "XyZ", 3, "boundary value");
	T_EQ_INT(nitro__multipart_boundary("multipart/form-data; charset=utf-8; "
	    "BOUNDARY=\"a b:c\"", &b, &n, &perr), 0, "quoted boundary");
	T_EQ_MEM(b, n, "a b:c", 5, "quoted boundary value");
	T_EQ_INT(nitro__multipart_boundary("multipart/form-data;boundary=----WebKitFormBoundary"
	    "7MA4YWxkTrZu0gW", &b, &n, &perr), 0, "browser boundary");
	T_EQ_INT(n, 37, "browser boundary length");
	T_EQ_INT(nitro__multipart_boundary("multipart/form-data", &b, &n, &perr), NITRO_EPARSE,
	    "no boundary");
	T_EQ_INT(perr.status, 400, "no boundary is 400");
	T_EQ_STR(perr.msg, "multipart Content-Type has no boundary", "no boundary message");
	T_EQ_INT(nitro__multipart_boundary(NULL, &b, &n, &perr), NITRO_EPARSE, "NULL type");
	T_EQ_INT(nitro__multipart_boundary("multipart/form-data; boundary=", &b, &n, &perr),
	    NITRO_EPARSE, "empty boundary");
	T_EQ_INT(nitro__multipart_boundary("multipart/form-data; boundary=\"\"", &b, &n, &perr),
	    NITRO_EPARSE, "empty quoted boundary");
	T_EQ_STR(perr.msg, "invalid multipart boundary", "empty boundary message");
	T_EQ_INT(nitro__multipart_boundary("multipart/form-data; boundary=\"ab \"", &b, &n,
	    &perr), NITRO_EPARSE, "boundary ending in a space");
	T_EQ_INT(nitro__multipart_boundary("multipart/form-data; boundary=\"a\\\"b\"", &b, &n,
	    &perr), NITRO_EPARSE, "quote in a boundary");
	T_EQ_INT(nitro__multipart_boundary("multipart/form-data; boundary=\"abc", &b, &n,
	    &perr), NITRO_EPARSE, "unterminated quote");
	T_EQ_STR(perr.msg, "malformed multipart Content-Type parameters", "bad params message");
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%070d", 7);
	T_EQ_INT(nitro__multipart_boundary(ct, &b, &n, &perr), 0, "70-character boundary");
	T_EQ_INT(n, 70, "70 characters");
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%071d", 7);
	T_EQ_INT(nitro__multipart_boundary(ct, &b, &n, &perr), NITRO_EPARSE,
	    "71-character boundary fails");
}

static void test_multipart(void)
{
	struct nitro_limits l = defaults();
	static const char nulbody[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\0y\r\n--XyZ--";
	struct mpres r;
	const char *body;
	size_t n;

	body = "preamble\r\n--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
	    "Hello\r\nworld\r\n"
	    "--XyZ\r\n"
	    "content-disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n"
	    "Content-Type: text/plain\r\n\r\n"
	    "bin\0ary\r\n"
	    "--XyZ--\r\nepilogue --XyZ junk";
	n = strlen(body) + 1 + strlen(body + strlen(body) + 1);
	T_EQ_INT(mp(CT, body, n, &l, &r), 0, "field and upload");
	T_EQ_INT(r.fields.n, 1, "one field");
	T_EQ_STR(nitro__kv_get(&r.fields, "title"), "Hello\r\nworld", "field value keeps CRLF");
	T_EQ_INT(r.fields.v[0].value_len, 12, "field value length");
	T_EQ_INT(r.nfiles, 1, "one upload");
	T_EQ_STR(r.files[0].name, "doc", "upload name");
	T_EQ_STR(r.files[0].filename, "a.txt", "upload filename");
	T_EQ_STR(r.files[0].content_type, "text/plain", "upload content type");
	T_EQ_MEM(r.files[0].data, r.files[0].len, "bin\0ary", 7, "upload data with NUL");
	T_OK((const char *)r.files[0].data > body &&
	    (const char *)r.files[0].data + r.files[0].len <= body + n, "upload data in body");

	body = "--XyZ\n"
	    "Content-Disposition: form-data; name=a\n\n"
	    "1\r\n--XyZ  \t\r\n"
	    "Content-Disposition: form-data; name=\"f\"; filename=\"\"\n"
	    "X-Other: ignored\n\n"
	    "\r\n--XyZ--";
	T_EQ_INT(mps(body, &r), 0, "bare LF headers, token name, padding");
	T_EQ_STR(nitro__kv_get(&r.fields, "a"), "1", "token name field");
	T_EQ_INT(r.nfiles, 1, "empty filename is still an upload");
	T_EQ_STR(r.files[0].filename, "", "empty filename");
	T_EQ_STR(r.files[0].content_type, "application/octet-stream", "default content type");
	T_EQ_INT(r.files[0].len, 0, "empty upload");

	body = "--XyZ\r\nContent-Disposition: form-data; name=\"q\\\"x\\\\\"; "
	    "filename=\"C:\\\\dir\\\\\\\"a\\\".txt\"; filename*=UTF-8''b.txt\r\n\r\n"
	    "data\r\n--XyZ--";
	T_EQ_INT(mps(body, &r), 0, "escaped quoted strings");
	T_EQ_STR(r.files[0].name, "q\"x\\", "escapes removed from the name");
	T_EQ_STR(r.files[0].filename, "C:\\dir\\\"a\".txt", "filename wins over filename*");
	body = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename*=UTF-8''na%C3%AFve%20file.txt\r\n\r\nx\r\n--XyZ--";
	T_EQ_INT(mps(body, &r), 0, "filename* alone");
	T_EQ_STR(r.files[0].filename, "na\xc3\xafve file.txt", "filename* decoded");
	body = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename*=UTF-8''bad%zz\r\n\r\nx\r\n--XyZ--";
	T_EQ_INT(mps(body, &r), NITRO_EPARSE, "bad filename* escape");
	T_EQ_STR(perr.msg, "malformed multipart part header", "bad filename* message");
	body = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename*=nocharset\r\n\r\nx\r\n--XyZ--";
	T_EQ_INT(mps(body, &r), NITRO_EPARSE, "filename* without charset quotes");

	T_EQ_INT(mps("--XyZ--", &r), 0, "no parts at all");
	T_EQ_INT(r.fields.n + r.nfiles, 0, "nothing parsed");
	T_OK(r.files == NULL && r.fields.v == NULL, "no arrays");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: form-data; name=e\r\n\r\n\r\n--XyZ--", &r), 0,
	    "empty field");
	T_EQ_STR(nitro__kv_get(&r.fields, "e"), "", "empty field value");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: form-data; name=e\r\n\r\n--XyZ--", &r), 0,
	    "headers followed directly by the delimiter");
	T_EQ_STR(nitro__kv_get(&r.fields, "e"), "", "bodiless part");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: form-data; name=e\r\n\r\nx\n--XyZ\r\n"
	    "\r\n--XyZ--", &r), 0, "LF before the boundary is data, not a delimiter");
	T_EQ_STR(nitro__kv_get(&r.fields, "e"), "x\n--XyZ\r\n", "look-alike kept as data");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: form-data; name=d\r\n\r\n--XyZ-- not\r\n"
	    "--XyZ--", &r), 0, "data mentioning the boundary without CRLF");
	T_EQ_INT(r.fields.n, 1, "one field after the look-alike");

	T_EQ_INT(mps("", &r), NITRO_EPARSE, "empty body");
	T_EQ_STR(perr.msg, "multipart body has no boundary", "empty body message");
	T_EQ_INT(mps("just text", &r), NITRO_EPARSE, "no boundary in the body");
	body = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue";
	T_EQ_INT(mps(body, &r), NITRO_EPARSE, "unterminated part");
	T_EQ_INT(perr.status, 400, "unterminated part is 400");
	T_EQ_STR(perr.msg, "multipart body has no closing boundary", "closing boundary message");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZ", &r),
	    NITRO_EPARSE, "last delimiter not closing");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: form-data; name=a", &r), NITRO_EPARSE,
	    "headers cut short");
	T_EQ_STR(perr.msg, "multipart body has no closing boundary", "cut headers message");
	T_EQ_INT(mps("--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--", &r), NITRO_EPARSE,
	    "no Content-Disposition");
	T_EQ_STR(perr.msg, "multipart part without Content-Disposition: form-data",
	    "no disposition message");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nv\r\n--XyZ--",
	    &r), NITRO_EPARSE, "not form-data");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--", &r),
	    NITRO_EPARSE, "no name");
	T_EQ_STR(perr.msg, "multipart part without a name", "no name message");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nv\r\n--XyZ--",
	    &r), NITRO_EPARSE, "empty name");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--XyZ--",
	    &r), NITRO_EPARSE, "unterminated quoted name");
	T_EQ_STR(perr.msg, "malformed multipart part header", "bad header message");
	T_EQ_INT(mps("--XyZ\r\nno colon here\r\n\r\nv\r\n--XyZ--", &r), NITRO_EPARSE,
	    "header line without a colon");
	T_EQ_INT(mps("--XyZ\r\nBad Name: x\r\nContent-Disposition: form-data; name=a\r\n\r\n"
	    "v\r\n--XyZ--", &r), NITRO_EPARSE, "header name with a space");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: form-data; name=a\r\n"
	    "Content-Disposition: form-data; name=b\r\n\r\nv\r\n--XyZ--", &r), NITRO_EPARSE,
	    "duplicate Content-Disposition");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: form-data; name=a\rb\r\n\r\nv\r\n--XyZ--",
	    &r), NITRO_EPARSE, "bare CR inside a header");
	T_EQ_INT(mps("--XyZjunk\r\n", &r), NITRO_EPARSE, "junk after the boundary");
	T_EQ_STR(perr.msg, "malformed multipart boundary line", "boundary line message");
	T_EQ_INT(mps("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZjunk",
	    &r), NITRO_EPARSE, "junk after a delimiter");
	reset();
	T_EQ_INT(nitro__parse_multipart(arena, "multipart/form-data", "--x--", 5, &l,
	    &r.fields, &r.files, &r.nfiles, &perr), NITRO_EPARSE, "content type without boundary");
	T_EQ_INT(mp(CT, nulbody, sizeof nulbody - 1, &l, &r), NITRO_EPARSE,
	    "NUL in a field value");
	T_EQ_STR(perr.msg, "NUL byte in multipart field value", "field NUL message");
}

/* A body of count parts, each a field (or an upload) with size bytes of data. */
static char *mp_body(size_t count, size_t size, int upload, size_t *n)
{
	size_t cap = count * (size + 128) + 16, i;
	char *b = malloc(cap), *p = b;

	for (i = 0; i < count; i++) {
		p += sprintf(p, "--XyZ\r\nContent-Disposition: form-data; name=\"f%zu\"%s\r\n\r\n",
		    i, upload ? "; filename=\"x\"" : "");
		memset(p, 'd', size);
		p += size;
		p += sprintf(p, "\r\n");
	}
	p += sprintf(p, "--XyZ--\r\n");
	*n = (size_t)(p - b);
	return b;
}

/* One field whose header block is exactly hbytes long (hbytes >= 50). */
static char *hdr_body(size_t hbytes)
{
	const char *disp = "Content-Disposition: form-data; name=a\r\n";
	size_t pad = hbytes - strlen(disp) - strlen("X: \r\n\r\n");
	char *b = malloc(hbytes + 64), *p = b;

	p += sprintf(p, "--XyZ\r\n%sX: ", disp);
	memset(p, 'p', pad);
	p += pad;
	sprintf(p, "\r\n\r\nv\r\n--XyZ--");
	return b;
}

/* Parse a generated body (see mp_body); the body is freed, so only the
 * lengths of uploads may be looked at afterwards. */
static int mp_gen(size_t count, size_t size, int upload, const struct nitro_limits *l,
    struct mpres *r)
{
	size_t n;
	char *b = mp_body(count, size, upload, &n);
	int rc = mp(CT, b, n, l, r);

	free(b);
	return rc;
}

static void test_multipart_limits(void)
{
	struct nitro_limits l = defaults();
	struct mpres r;
	const char *tail;
	char *b, *h;
	size_t n;

	T_EQ_INT(mp_gen(64, 3, 0, &l, &r), 0, "64 parts pass");
	T_EQ_INT(r.fields.n, 64, "64 fields");
	T_EQ_STR(nitro__kv_get(&r.fields, "f63"), "ddd", "last field");
	T_EQ_INT(mp_gen(65, 3, 1, &l, &r), NITRO_ELIMIT, "65 parts fail");
	T_EQ_INT(perr.status, 413, "too many parts is 413");
	T_EQ_STR(perr.msg, "too many multipart parts (limit 64)", "part count message");
	T_EQ_INT(r.nfiles + r.fields.n, 0, "failure leaves nothing");
	l.parts = 1000;
	l.params = 10;
	T_EQ_INT(mp_gen(11, 1, 0, &l, &r), NITRO_ELIMIT, "11 fields over params 10");
	T_EQ_STR(perr.msg, "too many form parameters (limit 10)", "field count message");
	T_EQ_INT(mp_gen(11, 1, 1, &l, &r), 0, "uploads do not count as params");
	T_EQ_INT(r.nfiles, 11, "11 uploads");

	l = defaults();
	l.part_bytes = 100;
	T_EQ_INT(mp_gen(2, 100, 1, &l, &r), 0, "part of part_bytes passes");
	T_EQ_INT(r.files[1].len, 100, "upload of 100 bytes");
	T_EQ_INT(mp_gen(2, 101, 1, &l, &r), NITRO_ELIMIT, "part one byte over fails");
	T_EQ_INT(perr.status, 413, "large part is 413");
	T_EQ_STR(perr.msg, "multipart part exceeds the limit of 100 bytes", "part size message");

	/* Fewer bytes left than part_bytes + delimiter, no delimiter: the
	 * search window must stop at the body's end (found by fuzz_multipart;
	 * the exact-size buffer lets ASan see an over-read). */
	l.part_bytes = 16;
	tail = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n0123456789abcdefgh";
	n = strlen(tail);
	b = malloc(n);
	memcpy(b, tail, n);
	T_EQ_INT(mp(CT, b, n, &l, &r), NITRO_EPARSE, "short tail without a delimiter");
	T_EQ_STR(perr.msg, "multipart body has no closing boundary", "short tail message");
	free(b);

	l = defaults();
	T_EQ_INT(mp_gen(1, 65536, 0, &l, &r), 0, "field of 64 KiB passes");
	T_EQ_INT(r.fields.v[0].value_len, 65536, "field length at the limit");
	T_EQ_INT(mp_gen(1, 65537, 0, &l, &r), NITRO_ELIMIT, "field of 64 KiB + 1 fails");
	T_EQ_STR(perr.msg, "form parameter value longer than 65536 bytes", "field value message");
	T_EQ_INT(mp_gen(1, 65537, 1, &l, &r), 0, "upload over value_bytes passes");

	/* Part headers count from the part's first byte through the blank
	 * line that ends them. */
	l.part_header_bytes = 200;
	h = hdr_body(200);
	T_EQ_INT(mp(CT, h, strlen(h), &l, &r), 0, "part headers at the limit");
	T_EQ_STR(nitro__kv_get(&r.fields, "a"), "v", "field after long headers");
	free(h);
	h = hdr_body(201);
	T_EQ_INT(mp(CT, h, strlen(h), &l, &r), NITRO_ELIMIT, "part headers one over fail");
	T_EQ_INT(perr.status, 413, "long part headers are 413");
	T_EQ_STR(perr.msg, "multipart part headers longer than 200 bytes", "header size message");
	free(h);

	l = defaults();
	b = repeat('n', 300);
	h = malloc(600);
	sprintf(h, "--XyZ\r\nContent-Disposition: form-data; name=\"%.256s\"\r\n\r\nv\r\n--XyZ--", b);
	T_EQ_INT(mp(CT, h, strlen(h), &l, &r), 0, "field name of 256 bytes passes");
	sprintf(h, "--XyZ\r\nContent-Disposition: form-data; name=\"%.257s\"\r\n\r\nv\r\n--XyZ--", b);
	T_EQ_INT(mp(CT, h, strlen(h), &l, &r), NITRO_ELIMIT, "field name of 257 bytes fails");
	T_EQ_STR(perr.msg, "form parameter name longer than 256 bytes", "field name message");
	free(h);
	free(b);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Inputs that would be quadratic for a naive scanner must stay fast. */
static void test_adversarial(void)
{
	struct nitro_limits l = defaults();
	struct mpres r;
	char ct[120], *b;
	size_t n = 1 << 20, i;
	double t;

	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%070d", 0);
	b = malloc(n);
	/* Near-misses of the delimiter everywhere: CRLF "--" 69 zeros. */
	memcpy(b, "--", 2);
	memset(b + 2, '0', 70);
	memcpy(b + 72, "\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n", 56);
	for (i = 128; i + 80 < n; i += 73) {
		memcpy(b + i, "\r\n--", 4);
		memset(b + i + 4, '0', 69);
	}
	for (; i < n; i++)
		b[i] = 'x';
	t = now();
	T_EQ_INT(mp(ct, b, n, &l, &r), NITRO_EPARSE, "near-miss delimiters, no closing");
	T_OK(now() - t < 2.0, "near-miss delimiters parse in linear time");
	memset(b, '\n', n);
	t = now();
	T_EQ_INT(mp(CT, b, n, &l, &r), NITRO_EPARSE, "a megabyte of line feeds");
	T_OK(now() - t < 2.0, "line feeds parse quickly");
	for (i = 0; i + 7 <= n; i += 7)
		memcpy(b + i, "--XyZ\r\n", 7);
	t = now();
	T_OK(mp(CT, b, n, &l, &r) < 0, "a megabyte of boundaries fails");
	T_OK(now() - t < 2.0, "boundaries parse quickly");
	free(b);
}

/* ---- JSON --------------------------------------------------------------- */

static int json(const char *s, size_t depth, json_object **o)
{
	memset(&perr, 0, sizeof perr);
	return nitro__parse_json(s, strlen(s), depth, o, &perr);
}

static void test_json(void)
{
	json_object *o = NULL;
	char *s;
	size_t i;

	T_EQ_INT(json("{\"a\": [1, 2, {\"b\": null}], \"c\": \"d\"}\n", 32, &o), 0, "object");
	T_EQ_STR(json_object_get_string(json_object_object_get(o, "c")), "d", "member c");
	json_object_put(o);
	T_EQ_INT(json("  42 ", 32, &o), 0, "top-level number");
	T_EQ_INT(json_object_get_int(o), 42, "number value");
	json_object_put(o);
	T_EQ_INT(json("true", 32, &o), 0, "top-level true");
	T_OK(json_object_get_boolean(o), "true value");
	json_object_put(o);
	T_EQ_INT(json("\"x\"", 32, &o), 0, "top-level string");
	json_object_put(o);
	T_EQ_INT(json("null", 32, &o), 0, "null parses");
	T_OK(o == NULL, "null is a NULL object");
	/* issue 14: \u0000 cut strings short, control bytes were stored */
	T_EQ_INT(json("{\"v\": \"u0000\\u0000hidden\"}", 32, &o), NITRO_EPARSE,
	    "\\u0000 in a value is refused");
	T_EQ_INT(perr.status, 400, "\\u0000 is 400");
	T_EQ_STR(perr.msg, "invalid JSON at byte 12: \\u0000 in a string", "\\u0000 message");
	T_EQ_INT(json("{\"a\\u0000b\": 1}", 32, &o), NITRO_EPARSE, "\\u0000 in a key is refused");
	T_EQ_INT(json("[\"a\\\\u0000\", \"\\u0001\\u00001\"]", 32, &o), NITRO_EPARSE,
	    "\\u00001 is refused too");
	T_EQ_INT(json("[\"a\\\\u0000\", \"\\\"\\u0001 \\u1000\"]", 32, &o), 0,
	    "an escaped backslash before u0000, \\u0001 and \\u1000 pass");
	T_EQ_STR(json_object_get_string(json_object_array_get_idx(o, 0)), "a\\u0000",
	    "\\\\u0000 is text");
	json_object_put(o);
	T_EQ_INT(json("{\"v\": \"a\tb\"}", 32, &o), NITRO_EPARSE, "raw tab in a string");
	T_EQ_STR(perr.msg, "invalid JSON at byte 8: a raw control byte in a string"
	    " (write it as \\u00XX)", "control byte message");
	T_EQ_INT(json("{\"v\": \"a\nb\"}", 32, &o), NITRO_EPARSE, "raw LF in a string");
	T_EQ_INT(json("[\"\x1f\"]", 32, &o), NITRO_EPARSE, "raw 0x1f in a string");
	T_EQ_INT(json("{\"k\x01\": 1}", 32, &o), NITRO_EPARSE, "raw control byte in a key");
	T_EQ_INT(json("{\n\t\"v\":\r\n\"\x7f\"}", 32, &o), 0,
	    "white space between tokens and 0x7f in a string pass");
	json_object_put(o);

	T_EQ_INT(json("{\"a\": NaN}", 32, &o), NITRO_EPARSE, "NaN is not JSON");
	T_EQ_INT(perr.status, 400, "NaN is 400");
	T_OK(o == NULL, "no object for NaN");
	T_EQ_INT(json("[1, -Infinity]", 32, &o), NITRO_EPARSE, "Infinity is not JSON");
	T_EQ_INT(json("{\"x\": [1e999]}", 32, &o), NITRO_EPARSE,
	    "a number that overflows a double is refused");
	T_EQ_INT(json("[1.5e300, -2.25]", 32, &o), 0, "large finite numbers pass");
	json_object_put(o);

	T_EQ_INT(json("", 32, &o), NITRO_EPARSE, "empty");
	T_EQ_INT(perr.status, 400, "empty is 400");
	T_EQ_STR(perr.msg, "empty JSON", "empty message");
	T_EQ_INT(json(" \t\r\n", 32, &o), NITRO_EPARSE, "white space only");
	T_EQ_STR(perr.msg, "empty JSON", "white space message");
	T_EQ_INT(json("{\"a\":1} x", 32, &o), NITRO_EPARSE, "trailing garbage");
	T_EQ_STR(perr.msg, "invalid JSON at byte 8: unexpected character", "trailing message");
	T_OK(o == NULL, "no object on failure");
	T_EQ_INT(json("{\"a\": 1}{}", 32, &o), NITRO_EPARSE, "two values");
	T_EQ_INT(json("1 2", 32, &o), NITRO_EPARSE, "two numbers");
	T_EQ_INT(json("{\"name\": tru}", 32, &o), NITRO_EPARSE, "bad literal");
	T_EQ_INT(json("{\"a\": 1, \"b\": x}", 32, &o), NITRO_EPARSE, "unexpected character");
	T_EQ_STR(perr.msg, "invalid JSON at byte 14: unexpected character", "offset in message");
	T_EQ_INT(json("[1,]", 32, &o), NITRO_EPARSE, "trailing comma (strict)");
	T_EQ_INT(json("{a: 1}", 32, &o), NITRO_EPARSE, "unquoted key");
	T_EQ_INT(json("'a'", 32, &o), NITRO_EPARSE, "single-quoted string (strict)");
	T_EQ_INT(json("[1, 2", 32, &o), NITRO_EPARSE, "unterminated array");
	T_EQ_STR(perr.msg, "invalid JSON at byte 5: unexpected end of data", "eof message");
	T_EQ_INT(json("\"\xff\"", 32, &o), NITRO_EPARSE, "invalid UTF-8");
	T_EQ_INT(json("-", 32, &o), NITRO_EPARSE, "lone minus");
	reset();
	T_EQ_INT(nitro__parse_json("[1]\0x", 5, 32, &o, &perr), NITRO_EPARSE, "NUL then junk");
	T_EQ_INT(nitro__parse_json("[1]\0", 4, 32, &o, &perr), NITRO_EPARSE, "trailing NUL");
	T_EQ_INT(nitro__parse_json("[1] x", 3, 32, &o, &perr), 0, "n bounds the input");
	json_object_put(o);

	T_EQ_INT(json("[[1]]", 2, &o), 0, "nesting 2 at limit 2");
	json_object_put(o);
	T_EQ_INT(json("[[[1]]]", 2, &o), NITRO_EPARSE, "nesting 3 over limit 2");
	T_EQ_STR(perr.msg, "JSON nesting deeper than the limit of 2 levels", "depth message");
	T_EQ_INT(json("[[]]", 1, &o), NITRO_EPARSE, "empty inner container counts");
	T_EQ_INT(json("{\"a\":{}}", 1, &o), NITRO_EPARSE, "empty inner object counts");
	T_EQ_INT(json("[]", 1, &o), 0, "empty array at limit 1");
	json_object_put(o);
	T_EQ_INT(json("[{},{\"a\":[]}]", 3, &o), 0, "mixed nesting 3 at limit 3");
	json_object_put(o);
	T_EQ_INT(json("[{},{\"a\":[]}]", 2, &o), NITRO_EPARSE, "mixed nesting 3 over limit 2");
	s = malloc(20001);
	for (i = 0; i < 10000; i++) {
		s[i] = '[';
		s[20000 - 1 - i] = ']';
	}
	s[20000] = '\0';
	T_EQ_INT(json(s, 32, &o), NITRO_EPARSE, "10000 levels refused");
	T_EQ_STR(perr.msg, "JSON nesting deeper than the limit of 32 levels", "deep message");
	s[32] = '\0';
	T_EQ_INT(json(s, 32, &o), NITRO_EPARSE, "32 open brackets, unterminated");
	memset(s + 32, ']', 32);
	s[64] = '\0';
	T_EQ_INT(json(s, 32, &o), 0, "32 levels pass");
	json_object_put(o);
	free(s);
}

int main(void)
{
	arena = nitro_arena_new(4096);
	test_defaults();
	test_fail();
	test_urldecode();
	test_token_media();
	test_accept();
	test_content_length();
	test_headers();
	test_urlencoded();
	test_cookies();
	test_boundary();
	test_multipart();
	test_multipart_limits();
	test_adversarial();
	test_json();
	nitro_arena_free(arena);
	return t_done();
}
