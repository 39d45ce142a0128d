/*
 * Unit tests for binding a request to an entity (nitro_req_bind), the
 * conversions under it (nitro_entity_set_text) and the replies that carry
 * its errors back (nitro_reply_invalid, nitro_ds_reply_entity): requests
 * are built from an environment array and a body, dispatched through the
 * runtime, and the response read back from the socketpair.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fcgi_run.h"
#include "t.h"

#define ACCT(X) \
	X(id,       INT,  NITRO_F_ID) \
	X(name,     TEXT, NITRO_F_REQUIRED, NITRO_F_MAXLEN(20), \
	    NITRO_F_MSG(REQUIRED, "Give a name")) \
	X(age,      INT,  NITRO_F_MIN(0), NITRO_F_MAX(150), \
	    NITRO_F_MSG(TYPE, "Age in years, please")) \
	X(score,    REAL) \
	X(active,   BOOL, NITRO_F_DEFAULT("true")) \
	X(born,     TIME, NITRO_F_FORMAT("date")) \
	X(seen,     TIME) \
	X(note,     TEXT) \
	X(role,     TEXT, NITRO_F_DEFAULT("user"), NITRO_F_HIDDEN) \
	X(password, TEXT, NITRO_F_SECRET) \
	X(avatar,   BLOB) \
	X(meta,     JSON)
NITRO_ENTITY(acct, ACCT)
NITRO_ENTITY_DEFINE(acct, ACCT);

#define app run_app
#define sv run_sv
#define out run_out
#define run run_body

#define ENV(...) ((char *[]){__VA_ARGS__, NULL})
#define FORM "CONTENT_TYPE=application/x-www-form-urlencoded"
#define JSON "CONTENT_TYPE=application/json"
#define DS "HTTP_DATASTAR_REQUEST=true"

static void post(const char *path, const char *ctype, const char *extra, const char *body)
{
	char uri[200], ct[200], cl[40], ex[100];

	snprintf(uri, sizeof uri, "REQUEST_URI=%s", path);
	snprintf(ct, sizeof ct, "CONTENT_TYPE=%s", ctype);
	snprintf(cl, sizeof cl, "CONTENT_LENGTH=%zu", strlen(body));
	snprintf(ex, sizeof ex, "%s", extra ? extra : "X_NONE=1");
	run(ENV("REQUEST_METHOD=POST", uri, ct, cl, ex),
	    body, strlen(body));
}

/* The bound entity as JSON (the password and the blob's length too),
 * then rc and the messages: what every binding test compares. */
static int h_bind(nitro_req *req, void *u)
{
	const struct nitro_bind_opts *o = (const struct nitro_bind_opts *)u;
	nitro_buf *b = nitro_resp_body(req);
	struct acct a;
	nitro_verrors errs;
	json_object *j = NULL;
	int rc;

	acct_init(&a);
	rc = nitro_req_bind(req, &acct_schema, &a, &errs, o);
	if (rc == NITRO_EPARSE) {
		acct_clear(&a);
		return 0;	/* the runtime answers the failed request */
	}
	acct_to_json(&a, &j);
	nitro_buf_printf(b, "%s pw=%s blob=%zu rc=%d", json_object_to_json_string_ext(j,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), a.password ? a.password : "-", a.avatar.len, rc);
	for (size_t i = 0; i < errs.n; i++)
		nitro_buf_printf(b, " [%s: %s]", errs.e[i].field, errs.e[i].msg);
	json_object_put(j);
	acct_clear(&a);
	nitro_resp_header(req, "Content-Type", "text/plain");
	return 0;
}

static const char *body_of(void)
{
	const char *p = strstr(out, "\r\n\r\n");

	return p ? p + 4 : out;
}

static int has(const char *needle)
{
	return strstr(out, needle) != NULL;
}

static void test_form(void)
{
	post("/bind", "application/x-www-form-urlencoded", NULL,
	    "name=Ann+Lee&age=42&score=1.5&active=on&born=2026-01-02"
	    "&seen=2026-01-02T10%3A30&note=&password=pw&role=admin&id=9&zzz=1");
	T_EQ_STR(body_of(), "{\"id\":0,\"name\":\"Ann Lee\",\"age\":42,\"score\":1.5,"
	    "\"active\":true,\"born\":\"2026-01-02T00:00:00Z\",\"seen\":\"2026-01-02T10:30:00Z\","
	    "\"note\":null,\"role\":\"user\",\"avatar\":null,\"meta\":null} pw=pw blob=0 rc=0",
	    "form: every type converted; empty is NULL; id, hidden and unknown left alone");

	post("/bind", "application/x-www-form-urlencoded", NULL, "name=Bo&age=+7");
	T_OK(has("\"age\":7,") && has("\"active\":false"),
	    "form: an unchecked box (absent) is false; a sign is allowed");

	post("/bind", "application/x-www-form-urlencoded", NULL,
	    "name=Bo&active=off&meta=%7B%22a%22%3A%5B1%5D%7D&score=-2.5e3");
	T_OK(has("\"active\":false") && has("\"meta\":{\"a\":[1]}") && has("\"score\":-2500.0"),
	    "form: off, JSON text, exponent");

	static const char mp[] = "--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nCy\r\n"
	    "--XX\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"\r\n"
	    "Content-Type: image/png\r\n\r\nPNG\0DATA\r\n--XX--\r\n";
	char cl[40];

	snprintf(cl, sizeof cl, "CONTENT_LENGTH=%zu", sizeof mp - 1);
	run(ENV("REQUEST_METHOD=POST", "REQUEST_URI=/bind",
	    "CONTENT_TYPE=multipart/form-data; boundary=XX", cl), mp, sizeof mp - 1);
	T_OK(has("\"name\":\"Cy\"") && has("blob=8 rc=0"), "multipart: text and an uploaded file");

	run(ENV("REQUEST_METHOD=GET", "REQUEST_URI=/bind?name=Di&age=3",
	    "QUERY_STRING=name=Di&age=3"), NULL, 0);
	T_OK(has("\"name\":\"Di\",\"age\":3,") && has("\"active\":true"),
	    "query string of a GET: bound, an absent box keeps its value");
}

static void test_signals(void)
{
	post("/bind", "application/json", DS, "{\"name\":\"Bo\",\"age\":\"7\",\"active\":false,"
	    "\"score\":2,\"id\":99,\"password\":\"x\",\"role\":\"admin\",\"unknown\":{\"a\":1},"
	    "\"meta\":[1,\"/\"],\"note\":null}");
	T_EQ_STR(body_of(), "{\"id\":0,\"name\":\"Bo\",\"age\":7,\"score\":2.0,"
	    "\"active\":false,\"born\":\"1970-01-01T00:00:00Z\",\"seen\":\"1970-01-01T00:00:00Z\",\"note\":null,\"role\":\"user\","
	    "\"avatar\":null,\"meta\":[1,\"/\"]} pw=- blob=0 rc=0",
	    "signals: strings and numbers converted; id, secret, hidden, unknown left alone");

	post("/bind", "application/json", DS, "{\"name\":\"Bo\"}");
	T_OK(has("\"active\":true"), "signals: an absent field keeps its value");

	run(ENV("REQUEST_METHOD=GET", DS, "REQUEST_URI=/bind",
	    "QUERY_STRING=datastar=%7B%22name%22%3A%22Cy%22%2C%22age%22%3A5%7D"), NULL, 0);
	T_OK(has("\"name\":\"Cy\",\"age\":5,"), "signals in the datastar query parameter");

	post("/bind/prefix", "application/json", DS,
	    "{\"name\":\"top\",\"acct\":{\"name\":\"Ed\",\"password\":\"s\"}}");
	T_OK(has("\"name\":\"Ed\"") && has("pw=- "), "signals under a prefix");

	post("/bind/prefix", "application/json", NULL, "{\"name\":\"Ji\",\"acct\":{\"name\":\"x\"}}");
	T_OK(has("\"name\":\"Ji\""), "an API client's JSON body is the entity, whatever the prefix");

	post("/bind/prefix", "application/json", DS, "{\"acct\":7}");
	T_OK(has("400 Bad Request") || has("Status: 400"), "a prefix that is not an object: 400");

	post("/bind/pick", "application/json", DS,
	    "{\"name\":\"Fe\",\"age\":3,\"password\":\"s3\",\"id\":5,\"role\":\"admin\"}");
	T_OK(has("\"id\":5,") && has("\"name\":\"Fe\",\"age\":0,") && has("pw=s3") &&
	    has("\"role\":\"admin\""),
	    "fields list: only those; a listed secret and hidden field, and the id when allowed");

	post("/bind/nosecret", "application/json", DS, "{\"name\":\"Ge\",\"password\":\"s4\"}");
	T_OK(has("pw=s4"), "allow_secret takes a secret field from signals");

	post("/bind/exclude", "application/x-www-form-urlencoded", NULL, "name=Ha&age=4");
	T_OK(has("\"name\":\"Ha\",\"age\":0,"), "exclude leaves a field out");

	post("/bind", "application/json", NULL, "{\"name\":\"Bo\",");
	T_OK(has("Status: 400"), "malformed JSON: 400 from the runtime");
}

static void test_refusals(void)
{
	static const struct { const char *body, *want, *name; } form[] = {
		{"name=A&age=abc", "[age: Age in years, please]", "not a number: the field's TYPE message"},
		{"name=A&age=99999999999999999999", "[age: Age in years, please]", "int overflow"},
		{"name=A&age=-9223372036854775809", "[age: Age in years, please]", "int underflow"},
		{"name=A&age=1.5", "[age: Age in years, please]", "a fraction for an int"},
		{"name=A&age=0x10", "[age: Age in years, please]", "hex for an int"},
		{"name=A&age=200", "[age: must be at most 150]", "validation after conversion"},
		{"name=A&score=0x10", "[score: must be a number]", "hex for a real"},
		{"name=A&score=inf", "[score: must be a number]", "inf"},
		{"name=A&score=nan", "[score: must be a number]", "nan"},
		{"name=A&score=1e999", "[score: must be a number]", "a real past double"},
		{"name=A&score=1.", "rc=0", "1. is a number"},
		{"name=A&score=.", "[score: must be a number]", "a lone point"},
		{"name=A&score=1e", "[score: must be a number]", "an empty exponent"},
		{"name=A&active=maybe", "[active: must be yes or no]", "a bool"},
		{"name=A&born=2026-13-01", "[born: must be a date]", "a bad date"},
		{"name=A&born=2026-02-30", "[born: must be a date]", "no 30 February"},
		{"name=A&seen=yesterday", "[seen: must be a date and time]", "a bad time"},
		{"name=A&meta=%7Bbad", "[meta: must be JSON]", "bad JSON text"},
		{"age=3", "[name: Give a name]", "required and absent: the REQUIRED message"},
		{"name=&age=3", "[name: Give a name]", "required and empty"},
		{"name=abcdefghijklmnopqrstuvwxyz", "[name: must be at most 20 characters]", "max length"},
		{"name=%FF", "[name: is not valid UTF-8]", "bad UTF-8"},
		{"age=x&score=y", "rc=-12 [age: Age in years, please] [score: must be a number] "
		    "[name: Give a name]", "every field's message, one each"},
	};

	for (size_t i = 0; i < sizeof form / sizeof *form; i++) {
		post("/bind", "application/x-www-form-urlencoded", NULL, form[i].body);
		if (!T_OK(has(form[i].want), form[i].name))
			printf("#   %s\n", body_of());
	}
	post("/bind", "application/x-www-form-urlencoded", NULL, "name=A&age=abc");
	T_OK(strstr(body_of(), "age: must be at least") == NULL && has("\"age\":0"),
	    "a conversion error leaves the field as it was, and only one message");

	static const struct { const char *body, *want, *name; } sig[] = {
		{"{\"name\":\"A\",\"age\":1e30}", "[age: Age in years, please]", "a real for an int"},
		{"{\"name\":\"A\",\"age\":9223372036854775808}", "[age: Age in years, please]",
		    "json int past int64 (clamped by json-c)"},
		{"{\"name\":\"A\",\"age\":-9223372036854775809}", "[age: Age in years, please]",
		    "json int below int64"},
		{"{\"name\":{\"x\":1}}", "[name: must be text]", "an object for text"},
		{"{\"name\":[1]}", "[name: must be text]", "an array for text"},
		{"{\"name\":\"a\\u0000b\"}", "400 Bad Request", "a NUL in a JSON string: 400 by the parser"},
		{"{\"name\":\"A\",\"active\":\"x\"}", "[active: must be yes or no]", "a string for a bool"},
		{"{\"name\":\"A\",\"active\":[]}", "[active: must be yes or no]", "an array for a bool"},
		{"{\"name\":\"A\",\"born\":5}", "[born: must be a date]", "a number for a time"},
		{"{\"name\":null}", "[name: Give a name]", "null for a required field"},
	};

	for (size_t i = 0; i < sizeof sig / sizeof *sig; i++) {
		post("/bind", "application/json", DS, sig[i].body);
		if (!T_OK(has(sig[i].want), sig[i].name))
			printf("#   %s\n", body_of());
	}
}

/* The set_text conversions on their own, with no request. */
static void test_set_text(void)
{
	struct acct a;
	nitro_verrors e = {0};

	acct_init(&a);
	T_EQ_INT(nitro_entity_set_text(&acct_schema, &a, "age", " 12 ", 4, &e), 0, "blanks trimmed");
	T_EQ_INT(a.age, 12, "value");
	T_EQ_INT(nitro_entity_set_text(&acct_schema, &a, "age", "1 2", 3, &e), NITRO_EVALIDATE,
	    "inner blank refused");
	T_EQ_INT(e.n, 1, "one message");
	T_EQ_INT(a.age, 12, "the field as it was");
	T_EQ_INT(nitro_entity_set_text(&acct_schema, &a, "age", NULL, 0, &e), 0, "NULL text");
	T_EQ_INT(nitro_entity_is_null(&acct_schema, &a, "age"), 1, "is NULL");
	T_EQ_INT(nitro_entity_set_text(&acct_schema, &a, "active", "YES", 3, NULL), 0, "YES");
	T_EQ_INT(a.active, 1, "is true");
	T_EQ_INT(nitro_entity_set_text(&acct_schema, &a, "active", "\x10", 1, NULL), NITRO_EVALIDATE,
	    "a control byte is not \"0\" (only letters fold)");
	T_EQ_INT(nitro_entity_set_text(&acct_schema, &a, "active", "\x11", 1, NULL), NITRO_EVALIDATE,
	    "nor \"1\"");
	T_EQ_INT(nitro_entity_set_text(&acct_schema, &a, "nope", "1", 1, NULL), NITRO_EINVAL,
	    "an unknown field");
	T_EQ_INT(nitro_entity_set_text(&acct_schema, &a, "meta", "null", 4, NULL), 0, "JSON null");
	T_OK(a.meta == NULL, "JSON null is NULL");
	T_EQ_INT(nitro_entity_set_text(&acct_schema, &a, "age", "12345678901234567890123456789"
	    "01234567890123456789012345678901234567890", 69, NULL), NITRO_EVALIDATE,
	    "a long number refused before parsing");
	acct_clear(&a);
}

/* A form post, a Datastar action and an API call, each saving an acct. */
static int render_form(nitro_req *req, const nitro_schema *s, const void *obj,
    const nitro_verrors *errs, void *u)
{
	nitro_html h;

	nitro_html_init(&h, nitro_resp_body(req));
	nitro_html_open(&h, "form");
	nitro_ui_form_fields(&h, s, obj, errs);
	nitro_html_close(&h, "form");
	return nitro_html_finish(&h);
}

static int h_save(nitro_req *req, void *u)
{
	struct acct a;
	nitro_verrors errs;
	int rc;

	acct_init(&a);
	rc = nitro_req_bind(req, &acct_schema, &a, &errs, NULL);
	if (rc == NITRO_EVALIDATE)
		rc = nitro_reply_invalid(req, &acct_schema, &a, &errs, u ? render_form : NULL, NULL);
	else if (rc == 0)
		rc = nitro_ds_reply_entity(req, &acct_schema, &a, "saved",
		    (const char *const[]){"name", "age", NULL});
	acct_clear(&a);
	return rc == NITRO_EPARSE ? 0 : rc;
}

static void test_replies(void)
{
	post("/save", "application/json", DS, "{\"age\":\"x\",\"score\":1}");
	T_OK(strncmp(out, "Status: 200 OK\r\n", 16) == 0 && has("Content-Type: application/json\r\n"),
	    "datastar: 200 and JSON");
	T_EQ_STR(body_of(), "{\"errors\":{\"name\":\"Give a name\",\"age\":\"Age in years, please\","
	    "\"score\":\"\",\"active\":\"\",\"born\":\"\",\"seen\":\"\",\"note\":\"\",\"role\":\"\","
	    "\"password\":\"\",\"avatar\":\"\",\"meta\":\"\"}}",
	    "datastar: 200 and a signals patch naming every field");

	post("/save", "application/json", NULL, "{\"age\":\"x\"}");
	T_OK(has("Status: 422") && has("Content-Type: application/json") &&
	    has("\"fields\":{\"age\":\"Age in years, please\",\"name\":\"Give a name\"}") &&
	    has("{\"error\":{\"status\":422,\"message\":\"acct: age Age in years, please; name Give a name\""),
	    "API: 422 and the messages as JSON");

	post("/save/form", "application/x-www-form-urlencoded", NULL, "name=%3Cb%3E&age=x");
	T_OK(has("Status: 422") && has("Content-Type: text/html") &&
	    has("value=\"&lt;b&gt;\"") && has("Age in years, please") && has("<form>"),
	    "form post: 422 and the form again, escaped, with its messages");

	post("/save", "application/x-www-form-urlencoded", NULL, "age=x");
	T_OK(has("Status: 422") && has("Give a name"), "form post without a render: an error page");

	post("/save", "application/json", DS, "{\"name\":\"Io\",\"age\":3}");
	T_OK(has("Status: 200") && strstr(out, "{\"saved\":{\"name\":\"Io\",\"age\":3}}") != NULL,
	    "a saved entity answered as a signals patch under a prefix");
}

static void test_patch(void)
{
	struct acct a;
	json_object *j = NULL;
	nitro_buf b = NITRO_BUF_INIT;

	acct_init(&a);
	a.name = strdup("Jo");
	a.password = strdup("secret");
	T_EQ_INT(nitro_ds_entity_patch(&acct_schema, &a, "form.acct",
	    (const char *const[]){"age", "name", NULL}, &j), 0, "patch with a dotted prefix");
	T_EQ_STR(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
	    "{\"form\":{\"acct\":{\"age\":0,\"name\":\"Jo\"}}}", "nested, in the list's order");
	json_object_put(j);
	j = NULL;
	T_EQ_INT(nitro_ds_entity_patch(&acct_schema, &a, NULL,
	    (const char *const[]){"password", NULL}, &j), NITRO_EINVAL, "a secret field refused");
	T_OK(j == NULL, "nothing made");
	T_EQ_INT(nitro_ds_entity_patch(&acct_schema, &a, "a..b", NULL, &j), NITRO_EINVAL,
	    "a bad prefix refused");
	T_EQ_INT(nitro_sse_patch_entity(&b, &acct_schema, &a, NULL,
	    (const char *const[]){"name", NULL}, NULL), 0, "an SSE event of an entity");
	T_EQ_STR(b.data, "event: datastar-patch-signals\ndata: signals {\"name\":\"Jo\"}\n\n",
	    "the event");
	nitro_buf_free(&b);
	acct_clear(&a);
}

int main(void)
{
	static const char *const pick_fields[] = {"id", "name", "password", "role", NULL};
	static const char *const no_age[] = {"age", NULL};
	static const struct nitro_bind_opts prefix = {.prefix = "acct"};
	static const struct nitro_bind_opts pick = {.fields = pick_fields, .allow_id = 1};
	static const struct nitro_bind_opts secret = {.allow_secret = 1};
	static const struct nitro_bind_opts exclude = {.exclude = no_age};
	struct nitro_app_opts o = {.no_access_log = 1};

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 1;
	app = nitro_app_new(&o);
	nitro_route(app, "* /bind", h_bind, NULL);
	nitro_route(app, "POST /bind/prefix", h_bind, (void *)&prefix);
	nitro_route(app, "POST /bind/pick", h_bind, (void *)&pick);
	nitro_route(app, "POST /bind/nosecret", h_bind, (void *)&secret);
	nitro_route(app, "POST /bind/exclude", h_bind, (void *)&exclude);
	nitro_route(app, "POST /save", h_save, NULL);
	nitro_route(app, "POST /save/form", h_save, (void *)1);
	test_set_text();
	test_form();
	test_signals();
	test_refusals();
	test_replies();
	test_patch();
	nitro_app_free(app);
	return t_done();
}
