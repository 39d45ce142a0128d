/* Unit tests for fcgi/router*.c: patterns, priorities, methods, paths. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/router.h"
#include "t.h"

static struct nitro_router *R;
static nitro_arena *A;
static struct nitro_match M;

static int handler(nitro_req *req, void *udata)
{
	(void)req;
	(void)udata;
	return 0;
}

/* Each route's udata is its own pattern, so a match names its route. */
static int add(const char *pattern)
{
	return nitro__router_add(R, pattern, handler, (void *)pattern);
}

static int match(const char *method, const char *path)
{
	nitro_arena_reset(A);
	return nitro__router_match(R, A, method, path, strlen(path), &M);
}

static const char *param(const char *name)
{
	for (size_t i = 0; i < M.nparams; i++)
		if (strcmp(M.params[i].name, name) == 0)
			return M.params[i].value;
	return NULL;
}

static void fresh(void)
{
	nitro__router_free(R);
	R = nitro__router_new();
}

/* Expect method path to match the route added as pattern. */
static void expect_route(const char *method, const char *path,
    const char *pattern)
{
	char name[300];
	int rc = match(method, path);

	snprintf(name, sizeof name, "%s %s -> %s", method, path, pattern);
	T_EQ_INT(rc, NITRO_MATCH_OK, name);
	T_EQ_STR(M.pattern, pattern, name);
	if (rc == NITRO_MATCH_OK && (M.udata == NULL ||
	    strcmp(M.udata, pattern) != 0 || M.handler != handler))
		T_OK(0, "udata and handler come from the route");
}

static void expect_rc(const char *method, const char *path, int want)
{
	char name[300];

	snprintf(name, sizeof name, "%s %s -> result %d", method, path, want);
	T_EQ_INT(match(method, path), want, name);
}

static void expect_bad(const char *pattern, const char *msgpart)
{
	char name[300];
	int rc = add(pattern);

	snprintf(name, sizeof name, "refused: %s", pattern);
	T_EQ_INT(rc, NITRO_EINVAL, name);
	if (strstr(nitro_errmsg(), msgpart) == NULL) {
		T_OK(0, "message names the problem");
		printf("#   message \"%s\", want \"%s\"\n", nitro_errmsg(),
		    msgpart);
	}
}

static void test_basic(void)
{
	fresh();
	T_EQ_INT(add("GET /"), 0, "add root");
	T_EQ_INT(add("GET /users"), 0, "add static");
	T_EQ_INT(add("GET /users/{id}"), 0, "add param");
	T_EQ_INT(add("GET /users/{id}/posts/{post}"), 0, "add two params");
	expect_route("GET", "/", "GET /");
	expect_route("GET", "/users", "GET /users");
	expect_route("GET", "/users/42", "GET /users/{id}");
	T_EQ_INT(M.nparams, 1, "one param");
	T_EQ_STR(M.params[0].name, "id", "param name");
	T_EQ_STR(M.params[0].value, "42", "param value");
	T_EQ_INT(M.params[0].value_len, 2, "param value_len");
	expect_route("GET", "/users/7/posts/abc", "GET /users/{id}/posts/{post}");
	T_EQ_INT(M.nparams, 2, "two params");
	T_EQ_STR(param("id"), "7", "first of two params");
	T_EQ_STR(param("post"), "abc", "second of two params");
	expect_rc("GET", "/nope", NITRO_MATCH_NOT_FOUND);
	expect_rc("GET", "/users/7/posts", NITRO_MATCH_NOT_FOUND);
	expect_rc("GET", "/users/7/posts/a/b", NITRO_MATCH_NOT_FOUND);
	expect_rc("GET", "/Users", NITRO_MATCH_NOT_FOUND);
	T_OK(M.pattern == NULL && M.nparams == 0 && M.allow[0] == '\0',
	    "a 404 leaves the match empty");
	expect_rc("GET", "/users//", NITRO_MATCH_NOT_FOUND);
	expect_rc("GET", "//", NITRO_MATCH_NOT_FOUND);
	expect_rc("GET", "//users", NITRO_MATCH_NOT_FOUND);
	expect_rc("GET", "/users//posts/x", NITRO_MATCH_NOT_FOUND);
}

static void test_priority(void)
{
	fresh();
	add("GET /a/{x}/c");
	add("GET /a/b/d");
	add("GET /a/b");
	add("GET /a/{x}");
	add("GET /a/{rest...}");
	add("GET /s/{x}/{y}");
	add("GET /s/new/{y}");
	add("GET /s/new/edit");
	expect_route("GET", "/a/b/c", "GET /a/{x}/c");
	T_EQ_STR(param("x"), "b", "backtracked param holds the static text");
	expect_route("GET", "/a/b/d", "GET /a/b/d");
	T_EQ_INT(M.nparams, 0, "static route has no params");
	expect_route("GET", "/a/b", "GET /a/b");
	expect_route("GET", "/a/z", "GET /a/{x}");
	expect_route("GET", "/a/z/c", "GET /a/{x}/c");
	expect_route("GET", "/a/b/e", "GET /a/{rest...}");
	T_EQ_STR(param("rest"), "b/e", "rest after backtracking over two levels");
	expect_route("GET", "/a/z/z/z", "GET /a/{rest...}");
	expect_route("GET", "/s/new/edit", "GET /s/new/edit");
	expect_route("GET", "/s/new/x", "GET /s/new/{y}");
	expect_route("GET", "/s/old/edit", "GET /s/{x}/{y}");
	T_EQ_STR(param("x"), "old", "param before static-looking text");
	T_EQ_STR(param("y"), "edit", "param taking static-looking text");
	/* The parameter from the abandoned branch must not leak. */
	fresh();
	add("GET /p/{a}/{b}/x");
	add("GET /p/{c}/y");
	expect_route("GET", "/p/1/y", "GET /p/{c}/y");
	T_EQ_INT(M.nparams, 1, "params of a failed branch are dropped");
	T_EQ_STR(param("c"), "1", "param of the winning branch");
	T_EQ_STR(param("a"), NULL, "no param from the failed branch");
}

static void test_methods(void)
{
	fresh();
	add("GET /r");
	add("POST /r");
	add("DELETE /r");
	add("* /any");
	add("GET /mix");
	add("* /mix");
	add("PUT /only");
	add("OPTIONS /opt");
	add("PATCH /opt");
	expect_route("GET", "/r", "GET /r");
	expect_route("HEAD", "/r", "GET /r");
	expect_route("POST", "/r", "POST /r");
	expect_route("DELETE", "/r", "DELETE /r");
	expect_rc("PUT", "/r", NITRO_MATCH_NO_METHOD);
	T_EQ_STR(M.allow, "GET, HEAD, POST, DELETE, OPTIONS", "405 Allow in fixed order");
	T_OK(M.handler == NULL && M.pattern == NULL, "405 has no handler");
	expect_rc("OPTIONS", "/r", NITRO_MATCH_OPTIONS);
	T_EQ_STR(M.allow, "GET, HEAD, POST, DELETE, OPTIONS", "OPTIONS Allow");
	expect_rc("get", "/r", NITRO_MATCH_NO_METHOD);
	expect_rc("TRACE", "/r", NITRO_MATCH_NO_METHOD);
	expect_route("GET", "/any", "* /any");
	expect_route("HEAD", "/any", "* /any");
	expect_route("PROPFIND", "/any", "* /any");
	expect_route("OPTIONS", "/any", "* /any");
	expect_route("GET", "/mix", "GET /mix");
	expect_route("HEAD", "/mix", "GET /mix");
	expect_route("POST", "/mix", "* /mix");
	expect_rc("GET", "/only", NITRO_MATCH_NO_METHOD);
	T_EQ_STR(M.allow, "PUT, OPTIONS", "Allow without GET has no HEAD");
	expect_rc("HEAD", "/only", NITRO_MATCH_NO_METHOD);
	expect_route("OPTIONS", "/opt", "OPTIONS /opt");
	expect_rc("GET", "/opt", NITRO_MATCH_NO_METHOD);
	T_EQ_STR(M.allow, "PATCH, OPTIONS", "OPTIONS listed once");

	/* A method-less node further down the priority order still answers. */
	fresh();
	add("POST /m/b");
	add("GET /m/{x}");
	add("DELETE /m/{rest...}");
	expect_route("GET", "/m/b", "GET /m/{x}");
	expect_route("POST", "/m/b", "POST /m/b");
	expect_route("DELETE", "/m/b", "DELETE /m/{rest...}");
	expect_rc("PUT", "/m/b", NITRO_MATCH_NO_METHOD);
	T_EQ_STR(M.allow, "GET, HEAD, POST, DELETE, OPTIONS",
	    "Allow joins every node that matches the path");
	expect_rc("PUT", "/m/c", NITRO_MATCH_NO_METHOD);
	T_EQ_STR(M.allow, "GET, HEAD, DELETE, OPTIONS", "Allow of param and rest");
	expect_rc(NULL, "/m/c", NITRO_MATCH_NO_METHOD);

	/* Different parameter names at one node, one per method. */
	fresh();
	add("GET /u/{id}");
	T_EQ_INT(add("DELETE /u/{uid}"), 0, "another name on another method");
	expect_route("DELETE", "/u/9", "DELETE /u/{uid}");
	T_EQ_STR(param("uid"), "9", "name comes from the matched route");
	expect_route("GET", "/u/9", "GET /u/{id}");
	T_EQ_STR(param("id"), "9", "name of the other route");
}

static void test_redirect(void)
{
	fresh();
	add("GET /a");
	add("POST /b/{x}");
	add("GET /c/{p...}");
	add("GET /{top}");
	expect_rc("GET", "/a/", NITRO_MATCH_REDIRECT);
	T_EQ_STR(M.redirect, "/a", "redirect drops the slash");
	expect_rc("DELETE", "/a/", NITRO_MATCH_REDIRECT);
	T_EQ_STR(M.redirect, "/a", "redirect whatever the method");
	expect_rc("GET", "/b/%41/", NITRO_MATCH_REDIRECT);
	T_EQ_STR(M.redirect, "/b/%41", "redirect keeps the raw path");
	expect_rc("GET", "/c/x/y/", NITRO_MATCH_REDIRECT);
	T_EQ_STR(M.redirect, "/c/x/y", "rest paths redirect too");
	expect_rc("GET", "/a//", NITRO_MATCH_NOT_FOUND);
	expect_rc("GET", "/nothing/here/", NITRO_MATCH_NOT_FOUND);
	T_OK(M.redirect == NULL, "no redirect on 404");
	expect_rc("GET", "/", NITRO_MATCH_NOT_FOUND);
	/* "//evil.example/" must never turn into "Location: //evil..." */
	expect_rc("GET", "//evil.example/", NITRO_MATCH_NOT_FOUND);
	expect_rc("GET", "/\\evil.example/", NITRO_MATCH_NOT_FOUND);
	expect_rc("GET", "/x\ty/", NITRO_MATCH_NOT_FOUND);
	expect_route("GET", "/x\ty", "GET /{top}");
	expect_rc("GET", "/top/", NITRO_MATCH_REDIRECT);
	T_EQ_STR(M.redirect, "/top", "a param route redirects");
}

static void test_bad_paths(void)
{
	char *big;

	fresh();
	add("GET /{x}");
	add("GET /");
	expect_rc("GET", "", NITRO_MATCH_BAD_PATH);
	expect_rc("GET", "x", NITRO_MATCH_BAD_PATH);
	expect_rc("GET", "*", NITRO_MATCH_BAD_PATH);
	expect_rc("GET", "/%", NITRO_MATCH_BAD_PATH);
	expect_rc("GET", "/%4", NITRO_MATCH_BAD_PATH);
	expect_rc("GET", "/%zz", NITRO_MATCH_BAD_PATH);
	expect_rc("GET", "/a%00b", NITRO_MATCH_BAD_PATH);
	expect_rc("GET", "/nomatch/%G1", NITRO_MATCH_BAD_PATH);
	T_EQ_INT(nitro__router_match(R, A, "GET", "/a\0b", 4, &M),
	    NITRO_MATCH_BAD_PATH, "raw NUL inside the path");
	T_EQ_INT(nitro__router_match(R, A, "GET", NULL, 0, &M),
	    NITRO_MATCH_BAD_PATH, "NULL path");
	T_EQ_INT(nitro__router_match(R, A, "GET", "/abc", 2, &M),
	    NITRO_MATCH_OK, "path_len bounds the path");
	T_EQ_STR(M.params[0].value, "a", "only path_len bytes are read");

	big = malloc(4098);
	big[0] = '/';
	memset(big + 1, 'a', 4096);
	big[4097] = '\0';
	T_EQ_INT(nitro__router_match(R, A, "GET", big, 4096, &M),
	    NITRO_MATCH_OK, "a 4096-byte path matches");
	T_EQ_INT(M.params[0].value_len, 4095, "its long segment is whole");
	T_EQ_INT(nitro__router_match(R, A, "GET", big, 4097, &M),
	    NITRO_MATCH_BAD_PATH, "a 4097-byte path is refused");
	free(big);
}

static void test_encoding(void)
{
	fresh();
	add("GET /f/{name}");
	add("GET /caf\xc3\xa9/menu");
	add("GET /plus/{v}");
	expect_route("GET", "/f/a%2Fb", "GET /f/{name}");
	T_EQ_STR(param("name"), "a/b", "%2F stays inside a param");
	T_EQ_INT(M.params[0].value_len, 3, "decoded length");
	expect_route("GET", "/f/%E2%9C%93", "GET /f/{name}");
	T_EQ_STR(param("name"), "\xe2\x9c\x93", "UTF-8 decoded");
	expect_route("GET", "/caf%C3%A9/menu", "GET /caf\xc3\xa9/menu");
	expect_route("GET", "/%63af%c3%a9/%6Denu", "GET /caf\xc3\xa9/menu");
	expect_rc("GET", "/f/a%2Fb/c", NITRO_MATCH_NOT_FOUND);
	expect_route("GET", "/plus/a+b", "GET /plus/{v}");
	T_EQ_STR(param("v"), "a+b", "plus is not space in paths");
	expect_route("GET", "/plus/a%20b", "GET /plus/{v}");
	T_EQ_STR(param("v"), "a b", "%20 is space");
	expect_rc("GET", "/f%2Fx", NITRO_MATCH_NOT_FOUND);
}

static void test_rest(void)
{
	fresh();
	add("GET /files/{path...}");
	add("GET /files/readme");
	add("GET /x/{a}/{tail...}");
	expect_route("GET", "/files/a", "GET /files/{path...}");
	T_EQ_STR(param("path"), "a", "rest of one segment");
	expect_route("GET", "/files/a/b/c.txt", "GET /files/{path...}");
	T_EQ_STR(param("path"), "a/b/c.txt", "rest joined with '/'");
	T_EQ_INT(M.params[0].value_len, 9, "rest value_len");
	expect_route("GET", "/files/a%2Fb/%41", "GET /files/{path...}");
	T_EQ_STR(param("path"), "a/b/A", "each rest segment decoded");
	expect_route("GET", "/files/readme", "GET /files/readme");
	expect_route("GET", "/files/readme/more", "GET /files/{path...}");
	T_EQ_STR(param("path"), "readme/more", "static then rest by backtracking");
	expect_rc("GET", "/files", NITRO_MATCH_NOT_FOUND);
	expect_rc("GET", "/files/a//b", NITRO_MATCH_NOT_FOUND);
	expect_rc("GET", "/files/a/", NITRO_MATCH_REDIRECT);
	expect_route("GET", "/x/1/2/3", "GET /x/{a}/{tail...}");
	T_EQ_INT(M.nparams, 2, "param plus rest");
	T_EQ_STR(M.params[0].name, "a", "param first");
	T_EQ_STR(M.params[1].value, "2/3", "rest second");
	T_OK(M.params[1].value[M.params[1].value_len] == '\0',
	    "rest value NUL-terminated");
}

static void test_invalid(void)
{
	fresh();
	expect_bad("GET", "METHOD /path");
	expect_bad("", "METHOD /path");
	expect_bad("GET/", "METHOD /path");
	expect_bad("HEAD /x", "HEAD is answered by GET");
	expect_bad("get /x", "unknown method \"get\"");
	expect_bad("TRACE /x", "unknown method");
	expect_bad(" /x", "unknown method");
	expect_bad("GET  /x", "more than one space");
	expect_bad("GET x", "must start with '/'");
	expect_bad("GET ", "must start with '/'");
	expect_bad("GET /x/", "trailing slash");
	expect_bad("GET //", "empty segment");
	expect_bad("GET //x", "empty segment");
	expect_bad("GET /a//b", "empty segment");
	expect_bad("GET /a{x}", "whole segment");
	expect_bad("GET /{x}a", "whole segment");
	expect_bad("GET /{x", "whole segment");
	expect_bad("GET /x}", "whole segment");
	expect_bad("GET /{{x}}", "whole segment");
	expect_bad("GET /{}", "bad parameter name");
	expect_bad("GET /{1x}", "bad parameter name");
	expect_bad("GET /{a-b}", "bad parameter name");
	expect_bad("GET /{...}", "bad parameter name");
	expect_bad("GET /{x..}", "bad parameter name");
	expect_bad("GET /{r...}/x", "must be the last");
	expect_bad("GET /{a}/{a}", "used twice");
	expect_bad("GET /{a}/{a...}", "used twice");
	expect_bad("GET /a%20b", "0x25");
	expect_bad("GET /a?b", "0x3f");
	expect_bad("GET /a#b", "0x23");
	expect_bad("GET /a b", "0x20");
	expect_bad("GET /a\tb", "0x09");
	expect_bad("GET /a\x7f", "0x7f");
	T_EQ_INT(nitro__router_add(R, "GET /h", NULL, NULL), NITRO_EINVAL,
	    "NULL handler refused");
	T_EQ_INT(nitro__router_add(R, NULL, handler, NULL), NITRO_EINVAL,
	    "NULL pattern refused");
	expect_rc("GET", "/a", NITRO_MATCH_NOT_FOUND);
	expect_rc("GET", "/h", NITRO_MATCH_NOT_FOUND);

	T_EQ_INT(add("GET /ok/{_x1}"), 0, "underscore and digits in names");
	T_EQ_INT(add("GET /ok/{A...}"), 0, "rest param");
	T_EQ_INT(add("GET /ok/a.b~c-d:e@f!$&'()*+,;="), 0, "sub-delims allowed");
	expect_route("GET", "/ok/a.b~c-d:e@f!$&'()*+,;=", "GET /ok/a.b~c-d:e@f!$&'()*+,;=");
}

static void test_duplicates(void)
{
	fresh();
	T_EQ_INT(add("GET /d/{x}"), 0, "first add");
	T_EQ_INT(add("GET /d/{x}"), NITRO_EEXIST, "same pattern twice");
	T_OK(strstr(nitro_errmsg(), "GET /d/{x}") != NULL, "message names the route");
	T_EQ_INT(add("GET /d/{y}"), NITRO_EEXIST, "same shape, other name");
	T_EQ_INT(add("POST /d/{y}"), 0, "other method");
	T_EQ_INT(add("* /d/{z}"), 0, "any method beside specific ones");
	T_EQ_INT(add("* /d/{w}"), NITRO_EEXIST, "any method twice");
	T_EQ_INT(add("GET /d/{x...}"), 0, "rest differs from param");
	T_EQ_INT(add("GET /"), 0, "root");
	T_EQ_INT(add("GET /"), NITRO_EEXIST, "root twice");
	expect_route("GET", "/d/1", "GET /d/{x}");
	T_EQ_STR(param("x"), "1", "first route kept");
}

static void test_limits(void)
{
	char pat[512], path[512], name[8];
	size_t n = 0, p = 0;
	int ok = 1;

	fresh();
	n = (size_t)snprintf(pat, sizeof pat, "GET /many");
	p = (size_t)snprintf(path, sizeof path, "/many");
	for (int i = 0; i < 16; i++) {
		n += (size_t)snprintf(pat + n, sizeof pat - n, "/{p%d}", i);
		p += (size_t)snprintf(path + p, sizeof path - p, "/v%d", i);
	}
	T_EQ_INT(add(pat), 0, "16 params accepted");
	T_EQ_INT(match("GET", path), NITRO_MATCH_OK, "16 params match");
	T_EQ_INT(M.nparams, 16, "16 params returned");
	for (int i = 0; i < 16; i++) {
		char want[8];

		snprintf(name, sizeof name, "p%d", i);
		snprintf(want, sizeof want, "v%d", i);
		if (param(name) == NULL || strcmp(param(name), want) != 0)
			ok = 0;
	}
	T_OK(ok, "every one of 16 params in order");
	snprintf(pat + n, sizeof pat - n, "/{p16}");
	expect_bad(pat, "more than 16 parameters");
	snprintf(pat + n, sizeof pat - n, "/{p16...}");
	expect_bad(pat, "more than 16 parameters");

	/* A deep path: 1500 segments, the last a parameter. */
	{
		size_t cap = 4200, k;
		char *dp = malloc(cap);

		k = (size_t)snprintf(dp, cap, "GET ");
		for (int i = 0; i < 1500; i++)
			k += (size_t)snprintf(dp + k, cap - k, "/s");
		snprintf(dp + k, cap - k, "/{leaf}");
		T_EQ_INT(add(dp), 0, "a 1501-segment pattern");
		snprintf(dp + k, cap - k, "/leaf-v");
		T_EQ_INT(match("GET", dp + 4), NITRO_MATCH_OK,
		    "a 1501-segment path");
		T_EQ_STR(param("leaf"), "leaf-v", "its parameter");
		/* "GET /xxx...": a path of 4097 bytes. */
		memset(dp, 'x', 4101);
		memcpy(dp, "GET /", 5);
		dp[4101] = '\0';
		expect_bad(dp, "longer than 4096");
		dp[4100] = '\0';
		T_EQ_INT(add(dp), 0, "a 4096-byte pattern path");
		free(dp);
	}
}

/* Priority does not depend on the order routes are added in. */
static void test_order(void)
{
	const char *name;

	fresh();
	add("GET /o/{rest...}");
	add("GET /o/{x}");
	add("GET /o/{x}/{y}");
	add("GET /o/fixed");
	add("GET /o/fixed/{y}");
	expect_route("GET", "/o/fixed", "GET /o/fixed");
	expect_route("GET", "/o/other", "GET /o/{x}");
	expect_route("GET", "/o/fixed/1", "GET /o/fixed/{y}");
	expect_route("GET", "/o/a/1", "GET /o/{x}/{y}");
	expect_route("GET", "/o/a/1/2", "GET /o/{rest...}");
	expect_rc("OPTIONS", "/zzz", NITRO_MATCH_NOT_FOUND);
	expect_rc("OPTIONS", "/o/a/", NITRO_MATCH_REDIRECT);
	T_EQ_STR(M.redirect, "/o/a", "OPTIONS is redirected too");

	/* Names point into the router: they outlive the request arena. */
	expect_route("GET", "/o/q", "GET /o/{x}");
	name = M.params[0].name;
	nitro_arena_reset(A);
	T_EQ_STR(name, "x", "param names outlive the arena");
}

/* Many routes: each must still find its own. */
static void test_many(void)
{
	static char pats[2000][40];
	char path[64];
	int ok = 1, added = 1;

	fresh();
	for (int i = 0; i < 2000; i++) {
		if (i % 2)
			snprintf(pats[i], sizeof pats[i], "GET /r%d/{id}", i);
		else
			snprintf(pats[i], sizeof pats[i], "POST /r%d/x/{id}", i);
		if (add(pats[i]) != 0)
			added = 0;
	}
	T_OK(added, "2000 routes added");
	for (int i = 0; i < 2000; i++) {
		int rc;

		if (i % 2) {
			snprintf(path, sizeof path, "/r%d/%d", i, i * 7);
			rc = match("GET", path);
		} else {
			snprintf(path, sizeof path, "/r%d/x/%d", i, i * 7);
			rc = match("POST", path);
		}
		snprintf(path, sizeof path, "%d", i * 7);
		if (rc != NITRO_MATCH_OK || strcmp(M.pattern, pats[i]) != 0 ||
		    strcmp(param("id"), path) != 0)
			ok = 0;
	}
	T_OK(ok, "each of 2000 routes matches its own path");
	expect_rc("GET", "/r2000/1", NITRO_MATCH_NOT_FOUND);
}

struct thr {
	int ok;
};

static void *thr_main(void *arg)
{
	struct thr *t = arg;
	nitro_arena *a = nitro_arena_new(4096);
	struct nitro_match m;

	t->ok = a != NULL;
	for (int i = 0; a != NULL && i < 2000; i++) {
		char path[32];
		int n = snprintf(path, sizeof path, "/r%d/%d", 2 * (i % 1000) + 1, i);

		if (nitro__router_match(R, a, "GET", path, (size_t)n, &m) !=
		    NITRO_MATCH_OK || strcmp(m.params[0].value, path +
		    strlen(path) - strlen(m.params[0].value)) != 0)
			t->ok = 0;
		nitro_arena_reset(a);
	}
	nitro_arena_free(a);
	return NULL;
}

static void test_threads(void)
{
	pthread_t th[4];
	struct thr t[4];
	int ok = 1;

	/* Uses the table of test_many. */
	for (int i = 0; i < 4; i++)
		if (pthread_create(&th[i], NULL, thr_main, &t[i]) != 0)
			ok = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ok = ok && t[i].ok;
	}
	T_OK(ok, "4 threads match at once");
}

int main(void)
{
	A = nitro_arena_new(4096);
	test_basic();
	test_priority();
	test_methods();
	test_redirect();
	test_bad_paths();
	test_encoding();
	test_rest();
	test_order();
	test_invalid();
	test_duplicates();
	test_limits();
	test_many();
	test_threads();
	nitro__router_free(R);
	nitro_arena_free(A);
	return t_done();
}
