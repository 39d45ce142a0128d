/*
 * The in-process test client: a request made of a method, a target,
 * headers and a body goes through the same nitro__dispatch() as one from
 * nginx (limits, CSRF check, middleware, router, error pages, cookies), on
 * the third kind of connection, NITRO_CONN_TEST, whose body comes from
 * memory and whose response is written into a buffer in CGI form, then
 * parsed back.  A cookie jar keeps what Set-Cookie sets, as a browser on
 * https://localhost would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fcgi/internal.h"

/* Cookies the jar holds, and the size of one (name, value, path). */
#define JAR_MAX 64
#define JAR_COOKIE_BYTES 4096

struct jar_cookie {
	char *name, *value, *path;
	time_t expires;		/* 0: until the client is freed */
};

struct nitro_testc {
	nitro_app *app;
	nitro_req req;
	nitro_buf out;		/* the response as the runtime wrote it */
	nitro_buf env;		/* NUL-separated "NAME=value" strings */
	char **envp;
	size_t envcap;
	char *resp;		/* out, cut into headers and body */
	struct nitro_test_header *hdrs;
	size_t caphdrs;
	struct jar_cookie jar[JAR_MAX];
	size_t njar;
};

nitro_testc *nitro_testc_new(nitro_app *app)
{
	nitro_testc *c;

	if (app == NULL) {
		nitro_error(NITRO_EINVAL, "test client: no application");
		return NULL;
	}
	if ((c = calloc(1, sizeof *c)) == NULL) {
		nitro__oom("test client");
		return NULL;
	}
	c->app = app;
	nitro__req_init(&c->req, app);
	nitro_buf_init(&c->out, 0);
	nitro_buf_init(&c->env, 0);
	if (c->req.arena == NULL) {
		nitro_testc_free(c);
		nitro__oom("test client");
		return NULL;
	}
	return c;
}

static void jar_drop(nitro_testc *c, size_t i)
{
	free(c->jar[i].name);
	free(c->jar[i].value);
	free(c->jar[i].path);
	memmove(&c->jar[i], &c->jar[i + 1], (c->njar - i - 1) * sizeof c->jar[0]);
	c->njar--;
}

void nitro_testc_free(nitro_testc *c)
{
	if (c == NULL)
		return;
	while (c->njar > 0)
		jar_drop(c, c->njar - 1);
	nitro__req_destroy(&c->req);
	nitro_buf_free(&c->out);
	nitro_buf_free(&c->env);
	free(c->envp);
	free(c->resp);
	free(c->hdrs);
	free(c);
}

/* ---- the cookie jar ------------------------------------------------------ */

static int expired(const struct jar_cookie *k, time_t now)
{
	return k->expires != 0 && k->expires <= now;
}

/* RFC 6265 5.1.4: the cookie's path is the request path, or a prefix of
 * it that ends with '/' or is followed by one. */
static int path_match(const char *cpath, const char *path, size_t plen)
{
	size_t n = strlen(cpath);

	if (n > plen || strncmp(cpath, path, n) != 0)
		return 0;
	return n == plen || cpath[n - 1] == '/' || path[n] == '/';
}

const char *nitro_testc_cookie(nitro_testc *c, const char *name)
{
	time_t now = time(NULL);

	for (size_t i = 0; i < c->njar; i++)
		if (strcmp(c->jar[i].name, name) == 0 && !expired(&c->jar[i], now))
			return c->jar[i].value;
	return NULL;
}

/* One attribute "Name=value" of a Set-Cookie line (a and its length). */
static int attr_is(const char *a, size_t n, const char *name, const char **v)
{
	size_t k = strlen(name);

	if (n < k || strncasecmp(a, name, k) != 0)
		return 0;
	if (n == k) {
		*v = a + n;
		return 1;
	}
	if (a[k] != '=')
		return 0;
	*v = a + k + 1;
	return 1;
}

/* Keep (or, expired, forget) the cookie of one Set-Cookie value. */
static int jar_set(nitro_testc *c, const char *line)
{
	const char *semi = strchrnul(line, ';'), *eq = memchr(line, '=', (size_t)(semi - line));
	const char *p, *v;
	char path[JAR_COOKIE_BYTES] = "/";
	time_t now = time(NULL), expires = 0;
	int gone = 0;
	size_t i;

	if (eq == NULL || eq == line || strlen(line) >= JAR_COOKIE_BYTES)
		return nitro_error(NITRO_EPARSE, "test client: a Set-Cookie it cannot keep");
	for (p = semi; *p == ';';) {
		const char *a = p + 1, *e;

		while (*a == ' ')
			a++;
		e = strchrnul(a, ';');
		if (attr_is(a, (size_t)(e - a), "Path", &v) && v < e && *v == '/') {
			memcpy(path, v, (size_t)(e - v));
			path[e - v] = '\0';
		} else if (attr_is(a, (size_t)(e - a), "Max-Age", &v)) {
			long s = strtol(v, NULL, 10);
			gone = s <= 0;
			expires = s > 0 ? now + s : 0;
		} else if (attr_is(a, (size_t)(e - a), "Expires", &v) && expires == 0) {
			struct tm tm = {0};
			if (strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm) != NULL &&
			    timegm(&tm) <= now)
				gone = 1;
		}
		p = e;
	}
	for (i = 0; i < c->njar; i++)
		if (strlen(c->jar[i].name) == (size_t)(eq - line) &&
		    strncmp(c->jar[i].name, line, (size_t)(eq - line)) == 0 &&
		    strcmp(c->jar[i].path, path) == 0) {
			jar_drop(c, i);
			break;
		}
	if (gone)
		return 0;
	if (c->njar == JAR_MAX)
		return nitro_error(NITRO_ELIMIT, "test client: more than %d cookies", JAR_MAX);
	struct jar_cookie *k = &c->jar[c->njar];
	k->name = strndup(line, (size_t)(eq - line));
	k->value = strndup(eq + 1, (size_t)(semi - eq - 1));
	k->path = strdup(path);
	k->expires = expires;
	if (k->name == NULL || k->value == NULL || k->path == NULL) {
		free(k->name);
		free(k->value);
		free(k->path);
		return nitro__oom("test client");
	}
	c->njar++;
	return 0;
}

/* ---- the request's parameters -------------------------------------------- */

static void env_add(nitro_testc *c, const char *name, const char *value, size_t vlen)
{
	nitro_buf_puts(&c->env, name);
	nitro_buf_putc(&c->env, '=');
	nitro_buf_append(&c->env, value, vlen);
	nitro_buf_putc(&c->env, '\0');
}

/* "Cookie": the jar's cookies for the path, then the test's own. */
static void env_cookies(nitro_testc *c, const char *path, size_t plen, const char *own)
{
	size_t start = c->env.len, n = 0;
	time_t now = time(NULL);

	nitro_buf_puts(&c->env, "HTTP_COOKIE=");
	for (size_t i = 0; i < c->njar; i++) {
		if (expired(&c->jar[i], now) || !path_match(c->jar[i].path, path, plen))
			continue;
		nitro_buf_printf(&c->env, "%s%s=%s", n++ ? "; " : "", c->jar[i].name,
		    c->jar[i].value);
	}
	if (own != NULL)
		nitro_buf_printf(&c->env, "%s%s", n++ ? "; " : "", own);
	if (n == 0)
		c->env.len = start;	/* no Cookie header at all */
	else
		nitro_buf_putc(&c->env, '\0');
}

static int build_env(nitro_testc *c, const struct nitro_test_req *rq)
{
	const char *target = rq->path ? rq->path : "/", *q = strchr(target, '?');
	size_t plen = q ? (size_t)(q - target) : strlen(target), n = 0;
	const char *cookie = NULL, *host = "localhost";
	char num[32];

	nitro_buf_reset(&c->env);
	env_add(c, "REQUEST_METHOD", rq->method ? rq->method : "GET",
	    strlen(rq->method ? rq->method : "GET"));
	env_add(c, "REQUEST_URI", target, strlen(target));
	env_add(c, "QUERY_STRING", q ? q + 1 : "", q ? strlen(q + 1) : 0);
	env_add(c, "SERVER_PROTOCOL", "HTTP/1.1", 8);
	env_add(c, "REQUEST_SCHEME", "https", 5);
	env_add(c, "REMOTE_ADDR", rq->remote_addr ? rq->remote_addr : "127.0.0.1",
	    strlen(rq->remote_addr ? rq->remote_addr : "127.0.0.1"));
	if (rq->body != NULL) {
		snprintf(num, sizeof num, "%zu", rq->body_len);
		env_add(c, "CONTENT_LENGTH", num, strlen(num));
	}
	for (const char *const *h = rq->headers; h != NULL && *h != NULL; h++) {
		const char *colon = strchr(*h, ':'), *v;
		char name[256], env[300];

		if (colon == NULL || (size_t)(colon - *h) >= sizeof name)
			return nitro_error(NITRO_EINVAL, "test client: header \"%.60s\" is not "
			    "\"Name: value\"", *h);
		memcpy(name, *h, (size_t)(colon - *h));
		name[colon - *h] = '\0';
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		if (strpbrk(v, "\r\n") != NULL || nitro__header_env_name(env, sizeof env, name) != 0)
			return nitro_error(NITRO_EINVAL, "test client: bad header \"%.60s\"", *h);
		if (strcmp(env, "CONTENT_LENGTH") == 0)
			return nitro_error(NITRO_EINVAL,
			    "test client: Content-Length is body_len's, not a header's");
		if (strcmp(env, "HTTP_COOKIE") == 0)
			cookie = v;
		else if (strcmp(env, "HTTP_HOST") == 0)
			host = v;
		else
			env_add(c, env, v, strlen(v));
	}
	env_add(c, "HTTP_HOST", host, strlen(host));
	env_cookies(c, target, plen, cookie);
	if (c->env.err)
		return c->env.err;
	/* The pointers, once the strings have stopped moving. */
	for (size_t i = 0; i < c->env.len; i++)
		n += c->env.data[i] == '\0';
	if (n + 1 > c->envcap) {
		char **p = realloc(c->envp, (n + 1) * sizeof *p);
		if (p == NULL)
			return nitro__oom("test client");
		c->envp = p;
		c->envcap = n + 1;
	}
	n = 0;
	for (size_t i = 0; i < c->env.len; i += strlen(c->env.data + i) + 1)
		c->envp[n++] = c->env.data + i;
	c->envp[n] = NULL;
	return 0;
}

/* ---- the response ---------------------------------------------------------- */

/* Cut the CGI output into status, headers and body; keep the cookies. */
static int parse_response(nitro_testc *c, struct nitro_test_resp *rs)
{
	char *p, *end, *line;
	size_t n = 0;
	int rc = 0;

	free(c->resp);
	if ((c->resp = malloc(c->out.len + 1)) == NULL)
		return nitro__oom("test client");
	memcpy(c->resp, c->out.data ? c->out.data : "", c->out.len);
	c->resp[c->out.len] = '\0';
	end = strstr(c->resp, "\r\n\r\n");
	if (strncmp(c->resp, "Status: ", 8) != 0 || end == NULL)
		return nitro_error(NITRO_EINTERNAL, "test client: no response head");
	end[2] = '\0';
	rs->status = atoi(c->resp + 8);
	rs->body = end + 4;
	rs->body_len = c->out.len - (size_t)(end + 4 - c->resp);
	for (p = strstr(c->resp, "\r\n") + 2; *p; p = line)
		n++, line = strstr(p, "\r\n") + 2;
	if (n > c->caphdrs) {
		struct nitro_test_header *h = realloc(c->hdrs, n * sizeof *h);
		if (h == NULL)
			return nitro__oom("test client");
		c->hdrs = h;
		c->caphdrs = n;
	}
	n = 0;
	for (p = strstr(c->resp, "\r\n") + 2; *p; p = line) {
		char *colon = strchr(p, ':');

		line = strstr(p, "\r\n");
		*line = '\0';
		line += 2;
		if (colon == NULL)
			continue;
		*colon++ = '\0';
		while (*colon == ' ')
			colon++;
		c->hdrs[n].name = p;
		c->hdrs[n++].value = colon;
		if (strcasecmp(p, "Set-Cookie") == 0 && rc == 0)
			rc = jar_set(c, colon);
	}
	rs->headers = c->hdrs;
	rs->nheaders = n;
	return rc;
}

const char *nitro_testc_header(const struct nitro_test_resp *rs, const char *name)
{
	for (size_t i = 0; i < rs->nheaders; i++)
		if (strcasecmp(rs->headers[i].name, name) == 0)
			return rs->headers[i].value;
	return NULL;
}

int nitro_testc_request(nitro_testc *c, const struct nitro_test_req *rq,
    struct nitro_test_resp *rs)
{
	struct nitro_conn conn = {.mode = NITRO_CONN_TEST, .fd = -1};
	int rc;

	memset(rs, 0, sizeof *rs);
	if ((rc = build_env(c, rq)) != 0)
		return rc;
	nitro_buf_reset(&c->out);
	conn.out = &c->out;
	conn.in = rq->body;
	conn.in_len = rq->body != NULL ? rq->body_len : 0;
	nitro__req_begin(&c->req, &conn, c->envp);
	nitro__dispatch(&c->req);
	nitro__req_end(&c->req);
	if (c->out.err)
		return c->out.err;
	return parse_response(c, rs);
}
