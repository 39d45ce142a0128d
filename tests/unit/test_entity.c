/* Entities: the schema macro, every constraint, JSON both ways, secret and
 * computed fields, hooks, timestamps, UUIDs and malformed schemas. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "nitro/core.h"
#include "t.h"

static struct json_object *todo_label(const void *obj);

#define TODO(X) \
	X(id,       INT,  NITRO_F_ID) \
	X(title,    TEXT, NITRO_F_REQUIRED, NITRO_F_MINLEN(2), NITRO_F_MAXLEN(10)) \
	X(priority, INT,  NITRO_F_MIN(1), NITRO_F_MAX(5), NITRO_F_DEFAULT("3")) \
	X(score,    REAL, NITRO_F_MIN(0.5)) \
	X(done,     BOOL, NITRO_F_DEFAULT("false")) \
	X(code,     TEXT, NITRO_F_PATTERN("^[A-Z]{3}-[0-9]+$")) \
	X(level,    TEXT, NITRO_F_ONE_OF("low|medium|high"), NITRO_F_DEFAULT("low")) \
	X(due,      TIME) \
	X(meta,     JSON, NITRO_F_DEFAULT("{\"a\":1}")) \
	X(avatar,   BLOB, NITRO_F_MAXLEN(4)) \
	X(password, TEXT, NITRO_F_SECRET) \
	X(label,    COMPUTED, NITRO_F_COMPUTED(todo_label))
NITRO_ENTITY(todo, TODO)
NITRO_ENTITY_DEFINE(todo, TODO);

static struct json_object *todo_label(const void *obj)
{
	const struct todo *t = obj;

	return json_object_new_string(t->done ? "done" : "open");
}

/* Malformed schemas. */
#define NOID(X) X(name, TEXT)
NITRO_ENTITY(noid, NOID)
NITRO_ENTITY_DEFINE(noid, NOID);
#define TWOID(X) X(a, INT, NITRO_F_ID) X(b, INT, NITRO_F_ID)
NITRO_ENTITY(twoid, TWOID)
NITRO_ENTITY_DEFINE(twoid, TWOID);
#define BADRE(X) X(id, INT, NITRO_F_ID) X(s, TEXT, NITRO_F_PATTERN("(["))
NITRO_ENTITY(badre, BADRE)
NITRO_ENTITY_DEFINE(badre, BADRE);
#define BADDEF(X) X(id, INT, NITRO_F_ID) X(n, INT, NITRO_F_DEFAULT("abc"))
NITRO_ENTITY(baddef, BADDEF)
NITRO_ENTITY_DEFINE(baddef, BADDEF);
#define REONINT(X) X(id, INT, NITRO_F_ID) X(n, INT, NITRO_F_PATTERN("x"))
NITRO_ENTITY(reonint, REONINT)
NITRO_ENTITY_DEFINE(reonint, REONINT);
#define ORDER(X) X(id, INT, NITRO_F_ID) X(qty, INT, NITRO_F_REQUIRED) \
	X(at, TIME, NITRO_F_REQUIRED) X(paid, BOOL, NITRO_F_REQUIRED, NITRO_F_DEFAULT("false"))
NITRO_ENTITY(order, ORDER)
NITRO_ENTITY_DEFINE(order, ORDER);
#define TEXTID(X) X(id, TEXT, NITRO_F_ID)
NITRO_ENTITY(textid, TEXTID)
NITRO_ENTITY_DEFINE(textid, TEXTID);
/* Messages of its own for some checks, the defaults for the others. */
#define SIGNUP(X) X(id, INT, NITRO_F_ID) \
	X(email, TEXT, NITRO_F_REQUIRED, NITRO_F_PATTERN("^[^@ ]+@[^@ ]+$"), \
	    NITRO_F_MSG(REQUIRED, "Enter your email address"), \
	    NITRO_F_MSG(PATTERN, "That is not an email address")) \
	X(name, TEXT, NITRO_F_MAXLEN(5), NITRO_F_MSG(MAXLEN, "Five letters at most")) \
	X(age, INT, NITRO_F_MIN(18), NITRO_F_MAX(130)) \
	X(note, TEXT)
NITRO_ENTITY(signup, SIGNUP)
NITRO_ENTITY_DEFINE(signup, SIGNUP);

static const char *json_of(const struct todo *t)
{
	static char out[1024];
	struct json_object *j = NULL;

	if (todo_to_json(t, &j) < 0)
		return nitro_errmsg();
	snprintf(out, sizeof out, "%s", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	return out;
}

static void test_schema(void)
{
	const nitro_field *f;
	struct todo t;

	T_EQ_INT(todo_schema.nfields, 12, "field count from the X-macro");
	T_EQ_INT(todo_schema.size, sizeof(struct todo), "struct size");
	f = nitro_entity_field(&todo_schema, "title");
	T_OK(f != NULL, "field lookup");
	T_EQ_INT(f ? f->offset : 0, offsetof(struct todo, title), "field offset");
	T_EQ_INT(f ? f->max_len : 0, 10, "constraint recorded");
	T_EQ_INT(f ? f->type : 0, NITRO_T_TEXT, "field type");
	T_OK(nitro_entity_field(&todo_schema, "nope") == NULL, "unknown field");
	T_EQ_STR(nitro_errmsg(), "todo has no field \"nope\"", "unknown field message");

	T_EQ_INT(todo_init(&t), 0, "init");
	T_EQ_INT(t.priority, 3, "integer default");
	T_EQ_INT(t.done, 0, "boolean default");
	T_EQ_STR(t.level, "low", "text default");
	T_EQ_STR(json_object_to_json_string_ext(t.meta, JSON_C_TO_STRING_PLAIN), "{\"a\":1}",
	    "JSON default");
	T_OK(t.title == NULL && t.code == NULL, "no default: NULL text");
	T_EQ_INT(nitro_entity_is_null(&todo_schema, &t, "due"), 0, "scalars start non-NULL");
	T_EQ_INT(nitro_entity_set_null(&todo_schema, &t, "due", 1), 0, "set a scalar NULL");
	T_EQ_INT(nitro_entity_is_null(&todo_schema, &t, "due"), 1, "scalar is NULL");
	T_EQ_INT(nitro_entity_set_null(&todo_schema, &t, "due", 0), 0, "and back");
	T_EQ_INT(nitro_entity_is_null(&todo_schema, &t, "due"), 0, "scalar not NULL");
	T_EQ_INT(nitro_entity_set_null(&todo_schema, &t, "level", 1), 0, "set text NULL");
	T_OK(t.level == NULL, "text NULL frees the value");
	T_EQ_INT(nitro_entity_set_null(&todo_schema, &t, "level", 0), NITRO_EINVAL,
	    "text is made non-NULL by a value");
	T_EQ_INT(nitro_entity_set_null(&todo_schema, &t, "label", 1), NITRO_EINVAL,
	    "computed cannot be NULL");
	todo_clear(&t);

	T_EQ_INT(nitro_entity_init(&noid_schema, &t), NITRO_EINVAL, "schema without id");
	T_EQ_STR(nitro_errmsg(), "noid: exactly one field must be the id", "no id message");
	T_EQ_INT(nitro_entity_init(&twoid_schema, &t), NITRO_EINVAL, "schema with two ids");
	T_EQ_INT(nitro_entity_init(&badre_schema, &t), NITRO_EINVAL, "bad pattern");
	T_OK(strstr(nitro_errmsg(), "badre.s: bad pattern") != NULL, "bad pattern names field");
	T_EQ_INT(nitro_entity_init(&baddef_schema, &t), NITRO_EINVAL, "bad default");
	T_OK(strstr(nitro_errmsg(), "n: \"abc\" is not an integer") != NULL,
	    "bad default names field");
	T_EQ_INT(nitro_entity_init(&reonint_schema, &t), NITRO_EINVAL, "pattern on INT");
	T_EQ_INT(nitro_entity_init(&textid_schema, &t), NITRO_EINVAL, "TEXT id without UUID");
	T_EQ_INT(todo_get(nitro_id_int(1), &t), NITRO_EINVAL, "unbound schema");
	T_EQ_STR(nitro_errmsg(), "todo is not bound to a repository (nitro_entity_bind)",
	    "unbound message");
}

/* A valid todo. */
static void good(struct todo *t)
{
	todo_init(t);
	t->title = strdup("milk");
	t->score = 1.5;
	t->code = strdup("ABC-12");
}

static const char *err_of(const nitro_verrors *e, const char *field)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->e[i].field, field) == 0)
			return e->e[i].msg;
	return NULL;
}

/* Set t's title to v and check the title's message (NULL: valid). */
static void title_case(struct todo *t, const char *v, const char *want, const char *name)
{
	nitro_verrors e;

	free(t->title);
	t->title = strdup(v);
	todo_validate(t, &e);
	T_EQ_STR(err_of(&e, "title"), want, name);
}

static void test_validate(void)
{
	nitro_verrors e;
	struct todo t;

	good(&t);
	T_EQ_INT(todo_validate(&t, &e), 0, "valid record");
	T_EQ_INT(e.n, 0, "no errors");
	todo_clear(&t);

	todo_init(&t);
	T_EQ_INT(todo_validate(&t, &e), NITRO_EVALIDATE, "required missing");
	T_EQ_INT(e.n, 2, "two errors");
	T_EQ_STR(err_of(&e, "title"), "is required", "required message");
	T_EQ_STR(nitro_errmsg(), "todo: title is required; score must be at least 0.5",
	    "summary message");
	t.title = strdup("");
	todo_validate(&t, &e);
	T_EQ_STR(err_of(&e, "title"), "is required", "empty text fails required");
	todo_clear(&t);

	good(&t);
	title_case(&t, "x", "must be at least 2 characters", "min length");
	title_case(&t, "abcdefghijk", "must be at most 10 characters", "max length");
	title_case(&t, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9", NULL, "length counts characters, not bytes");
	title_case(&t, "ab\xff\xfe", "is not valid UTF-8", "invalid UTF-8");
	title_case(&t, "\xc0\xaf\xc0\xaf", "is not valid UTF-8", "overlong UTF-8");
	title_case(&t, "\xed\xa0\x80x", "is not valid UTF-8", "UTF-16 surrogate");
	title_case(&t, "ok", NULL, "two characters are enough");

	t.priority = 0;
	todo_validate(&t, &e);
	T_EQ_STR(err_of(&e, "priority"), "must be at least 1", "min");
	t.priority = 6;
	todo_validate(&t, &e);
	T_EQ_STR(err_of(&e, "priority"), "must be at most 5", "max");
	t.priority = 5;
	t.score = 0.25;
	todo_validate(&t, &e);
	T_EQ_STR(err_of(&e, "score"), "must be at least 0.5", "real min");
	t.score = NAN;
	todo_validate(&t, &e);
	T_EQ_STR(err_of(&e, "score"), "must be a finite number", "NaN refused");
	t.score = 1;
	free(t.code);
	t.code = strdup("abc-1");
	todo_validate(&t, &e);
	T_EQ_STR(err_of(&e, "code"), "has the wrong format", "pattern");
	free(t.level);
	t.level = strdup("urgent");
	todo_validate(&t, &e);
	T_EQ_STR(err_of(&e, "level"), "must be one of: low, medium, high", "one-of");
	t.avatar.data = malloc(5);
	memset(t.avatar.data, 0, 5);
	t.avatar.len = 5;
	t.priority = 9;
	T_EQ_INT(todo_validate(&t, &e), NITRO_EVALIDATE, "several failures");
	T_EQ_STR(err_of(&e, "avatar"), "must be at most 4 bytes", "blob size");
	T_EQ_INT(e.n, 4, "every failing field reported once");
	{
		struct json_object *j;

		T_EQ_INT(nitro_verrors_to_json(&e, &j), 0, "errors to JSON");
		T_EQ_STR(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
		    "{\"priority\":\"must be at most 5\",\"code\":\"has the wrong format\","
		    "\"level\":\"must be one of: low, medium, high\","
		    "\"avatar\":\"must be at most 4 bytes\"}", "a 422 body");
		json_object_put(j);
	}
	T_EQ_INT(todo_validate(&t, NULL), NITRO_EVALIDATE, "errors may be NULL");
	nitro_entity_set_null(&todo_schema, &t, "priority", 1);
	nitro_entity_set_null(&todo_schema, &t, "code", 1);
	nitro_entity_set_null(&todo_schema, &t, "level", 1);
	nitro_entity_set_null(&todo_schema, &t, "avatar", 1);
	T_EQ_INT(todo_validate(&t, &e), 0, "NULL optional fields skip their checks");
	todo_clear(&t);
}

static void test_json(void)
{
	struct todo t, u;
	struct json_object *in;
	nitro_verrors e;

	good(&t);
	t.id = 7;
	t.due = 1763700000123LL;
	t.password = strdup("hunter2");
	t.avatar.data = malloc(3);
	memcpy(t.avatar.data, "\0\1\2", 3);
	t.avatar.len = 3;
	T_EQ_STR(json_of(&t),
	    "{\"id\":7,\"title\":\"milk\",\"priority\":3,\"score\":1.5,\"done\":false,"
	    "\"code\":\"ABC-12\",\"level\":\"low\",\"due\":\"2025-11-21T04:40:00.123Z\","
	    "\"meta\":{\"a\":1},\"avatar\":\"AAEC\",\"label\":\"open\"}",
	    "to JSON: every type, no secret, computed included");
	nitro_entity_set_null(&todo_schema, &t, "priority", 1);
	nitro_entity_set_null(&todo_schema, &t, "code", 1);
	t.done = 1;
	T_OK(strstr(json_of(&t), "\"priority\":null,") != NULL, "NULL scalar is null");
	T_OK(strstr(json_of(&t), "\"code\":null,") != NULL, "NULL text is null");
	T_OK(strstr(json_of(&t), "\"label\":\"done\"") != NULL, "computed follows the record");

	/* Copies are deep. */
	T_EQ_INT(nitro_entity_copy(&todo_schema, &u, &t), 0, "copy");
	u.title[0] = 'X';
	u.avatar.data[0] = 9;
	T_EQ_STR(t.title, "milk", "copy has its own text");
	T_EQ_INT(t.avatar.data[0], 0, "copy has its own blob");
	todo_clear(&u);
	todo_clear(&t);

	in = json_tokener_parse("{\"title\":\"eggs\",\"score\":2,\"done\":true,"
	    "\"due\":\"2024-02-29T12:30:15+02:00\",\"avatar\":\"YWI=\",\"meta\":[1,2],"
	    "\"password\":\"pw\",\"label\":\"ignored\",\"code\":null,\"extra\":1}");
	T_EQ_INT(todo_from_json(in, &t, &e), 0, "from JSON");
	T_EQ_STR(t.title, "eggs", "text from JSON");
	T_OK(t.score == 2.0, "integer accepted for a real");
	T_EQ_INT(t.done, 1, "boolean from JSON");
	T_EQ_INT(t.due, 1709202615000LL, "ISO time with an offset");
	T_OK(t.avatar.len == 2 && memcmp(t.avatar.data, "ab", 2) == 0, "base64 blob");
	T_EQ_STR(json_object_to_json_string_ext(t.meta, JSON_C_TO_STRING_PLAIN), "[1,2]",
	    "JSON field replaces its default");
	T_EQ_STR(t.password, "pw", "secret fields are read from input");
	T_EQ_INT(t.priority, 3, "a missing key keeps the default");
	T_EQ_STR(t.level, "low", "a missing text key keeps the default");
	T_OK(t.code == NULL, "null is NULL");
	todo_clear(&t);
	json_object_put(in);

	in = json_tokener_parse("{\"title\":5,\"priority\":\"high\",\"done\":1,"
	    "\"due\":\"yesterday\",\"avatar\":\"@@@@\",\"score\":\"x\"}");
	T_EQ_INT(todo_from_json(in, &t, &e), NITRO_EPARSE, "wrong types");
	T_EQ_INT(e.n, 6, "every wrong field reported");
	T_EQ_STR(err_of(&e, "title"), "must be a string", "string expected");
	T_EQ_STR(err_of(&e, "priority"), "must be an integer", "integer expected");
	T_EQ_STR(err_of(&e, "done"), "must be true or false", "boolean expected");
	T_EQ_STR(err_of(&e, "due"), "must be an ISO 8601 time", "time expected");
	T_EQ_STR(err_of(&e, "avatar"), "must be base64 text", "base64 expected");
	T_EQ_STR(nitro_errmsg(), "todo.title must be a string", "first error in the message");
	json_object_put(in);
	in = json_tokener_parse("[1]");
	T_EQ_INT(todo_from_json(in, &t, NULL), NITRO_EPARSE, "not an object");
	json_object_put(in);
	in = json_tokener_parse("{\"priority\":99999999999999999999}");
	T_EQ_INT(todo_from_json(in, &t, &e), NITRO_EPARSE, "integer out of range");
	json_object_put(in);
	in = json_tokener_parse("{\"priority\":9223372036854775807}");
	T_EQ_INT(todo_from_json(in, &t, &e), 0, "largest integer");
	T_EQ_INT(t.priority, INT64_MAX, "largest integer kept");
	todo_clear(&t);
	json_object_put(in);
}

static void test_time_uuid(void)
{
	char b[NITRO_TIME_LEN], u1[NITRO_UUID_LEN], u2[NITRO_UUID_LEN];
	int64_t ms;

	nitro_time_format(0, b);
	T_EQ_STR(b, "1970-01-01T00:00:00Z", "epoch");
	nitro_time_format(-1, b);
	T_EQ_STR(b, "1969-12-31T23:59:59.999Z", "before the epoch");
	T_EQ_INT(nitro_time_format(INT64_MAX, b), NITRO_EINVAL, "out of range");
	T_EQ_INT(nitro_time_parse("2025-11-21T04:40:00.123Z", &ms), 0, "parse");
	T_EQ_INT(ms, 1763700000123LL, "parsed value");
	T_EQ_INT(nitro_time_parse("2025-11-21", &ms), 0, "date only");
	T_EQ_INT(ms, 1763683200000LL, "date is midnight UTC");
	T_EQ_INT(nitro_time_parse("2025-11-21 04:40", &ms), 0, "space and no seconds");
	T_EQ_INT(nitro_time_parse("2024-02-29T00:00:00Z", &ms), 0, "leap day");
	T_EQ_INT(nitro_time_parse("2023-02-29T00:00:00Z", &ms), NITRO_EPARSE, "not a leap year");
	T_EQ_INT(nitro_time_parse("2025-13-01", &ms), NITRO_EPARSE, "month 13");
	T_EQ_INT(nitro_time_parse("2025-11-21T24:00:00Z", &ms), NITRO_EPARSE, "hour 24");
	T_EQ_INT(nitro_time_parse("2025-11-21T04:40:00.Z", &ms), NITRO_EPARSE, "empty fraction");
	T_EQ_INT(nitro_time_parse("2025-11-21Tx", &ms), NITRO_EPARSE, "garbage time");
	T_EQ_INT(nitro_time_parse("2025-11-21Z junk", &ms), NITRO_EPARSE, "trailing bytes");
	T_EQ_INT(nitro_time_parse("", &ms), NITRO_EPARSE, "empty");
	/* Found by tests/fuzz/fuzz_time: years before 1000 lost their zeros,
	 * and offsets carried parsed times past what format can write. */
	T_EQ_INT(nitro_time_format(-62135596800000LL, b), 0, "first instant");
	T_EQ_STR(b, "0001-01-01T00:00:00Z", "year 1 is four digits");
	nitro_time_format(-30610224000001LL, b);
	T_EQ_STR(b, "0999-12-31T23:59:59.999Z", "year 999 is four digits");
	T_EQ_INT(nitro_time_parse(b, &ms), 0, "year 999 parses back");
	T_EQ_INT(ms, -30610224000001LL, "to the same instant");
	ms = 42;
	T_EQ_INT(nitro_time_parse("0001-01-01T00:30+01:00", &ms), NITRO_EPARSE,
	    "offset before year 1");
	T_EQ_INT(ms, 42, "a refused time leaves the result alone");
	T_EQ_INT(nitro_time_parse("9999-12-31T23:59:59-01:00", &ms), NITRO_EPARSE,
	    "offset past year 9999");
	T_EQ_INT(nitro_time_parse("9999-12-31T23:59:59.999+00:00", &ms), 0, "last instant");
	T_EQ_INT(ms, 253402300799999LL, "last instant value");
	T_EQ_INT(nitro_time_parse("0001-01-01T00:59-00:01", &ms), 0, "west of year 1 is in range");
	T_EQ_INT(ms, -62135593200000LL, "offset applied");
	T_OK(nitro_time_now() > 1763000000000LL, "now is now");
	T_EQ_INT(nitro_uuid(u1), 0, "uuid");
	nitro_uuid(u2);
	T_EQ_INT(strlen(u1), 36, "uuid length");
	T_OK(u1[8] == '-' && u1[13] == '-' && u1[14] == '4' && strchr("89ab", u1[19]),
	    "uuid version and variant");
	T_OK(strcmp(u1, u2) != 0, "uuids differ");
}

static int before_calls, after_calls, del_calls;

static int before_save(const nitro_schema *s, void *obj, void *udata)
{
	struct todo *t = obj;

	(void)s;
	before_calls++;
	if (strcmp(t->title, "nope") == 0)
		return nitro_error(NITRO_EINVAL, "hook refused");
	t->due = *(int64_t *)udata;	/* hooks may fill fields */
	return 0;
}

static int after_save(const nitro_schema *s, const void *obj, void *udata)
{
	(void)s;
	(void)obj;
	(void)udata;
	after_calls++;
	return 0;
}

static int on_delete(const nitro_schema *s, const void *obj, void *udata)
{
	const struct todo *t = obj;

	(void)s;
	(void)udata;
	del_calls += strcmp(t->title, "milk") == 0;
	return 0;
}

static void test_hooks(void)
{
	nitro_repo *r = nitro_memrepo_new(NULL);
	int64_t stamp = 42000;
	struct nitro_hooks h = {before_save, after_save, on_delete, on_delete, &stamp};
	struct todo t, u;
	nitro_counter *c;

	T_EQ_INT(nitro_entity_bind(&todo_schema, r, NULL), 0, "bind to memory");
	T_EQ_INT(nitro_entity_hooks(&todo_schema, &h), 0, "set hooks");
	good(&t);
	T_EQ_INT(todo_save(&t), 0, "save runs hooks");
	T_EQ_INT(before_calls, 1, "before_save ran");
	T_EQ_INT(after_calls, 1, "after_save ran");
	T_EQ_INT(todo_get(nitro_id_int(t.id), &u), 0, "get");
	T_EQ_INT(u.due, 42000, "a before hook's change is saved");
	todo_clear(&u);
	free(t.title);
	t.title = strdup("nope");
	t.id = 0;
	T_EQ_INT(todo_save(&t), NITRO_EINVAL, "a before hook cancels");
	T_EQ_INT(after_calls, 1, "no after_save when cancelled");
	T_EQ_INT(todo_exists(nitro_id_int(2)), 0, "cancelled save stored nothing");
	T_EQ_INT(todo_delete(nitro_id_int(1)), 0, "delete");
	T_EQ_INT(del_calls, 2, "delete hooks saw the record");
	todo_clear(&t);
	nitro_entity_hooks(&todo_schema, NULL);

	c = nitro_counter_get("nitro_entity_ops_total", NULL,
	    "repo=\"memory\",entity=\"todo\",op=\"save\",result=\"ok\"");
	T_EQ_INT(nitro_counter_value(c), 1, "entity operations are counted");
	c = nitro_counter_get("nitro_entity_ops_total", NULL,
	    "repo=\"memory\",entity=\"todo\",op=\"save\",result=\"error\"");
	T_EQ_INT(nitro_counter_value(c), 1, "failed operations are counted");

	T_EQ_INT(todo_get(nitro_id_int(1), NULL), NITRO_EINVAL, "get without a record");
	T_EQ_INT(todo_query(NULL, NULL), NITRO_EINVAL, "query without rows");
	T_EQ_INT(todo_count(NULL, NULL), NITRO_EINVAL, "count without a result");
	T_EQ_INT(todo_save_many(NULL, 1), NITRO_EINVAL, "save_many without records");
	T_EQ_INT(todo_save_many(&t, 0), 0, "an empty batch is a no-op");
	T_EQ_INT(todo_save(NULL), NITRO_EINVAL, "save without a record");
	T_EQ_INT(nitro_entity_exists(NULL, nitro_id_int(1)), NITRO_EINVAL, "exists without a schema");
	T_EQ_INT(todo_search(NULL, NULL), NITRO_EINVAL, "search without text");
	{
		const char *odd[] = {"title", NULL};

		T_EQ_INT(todo_filter(odd, 0, &(nitro_rows){0}), NITRO_EINVAL, "filter pair without a value");
	}
	nitro_repo_free(r);
}

/* A required number or time left out of the input is missing, not 0. */
static void test_required_scalars(void)
{
	struct json_object *in = json_tokener_parse("{}");
	nitro_verrors e;
	struct order o;

	T_EQ_INT(order_from_json(in, &o, &e), 0, "{} reads");
	T_EQ_INT(order_validate(&o, &e), NITRO_EVALIDATE, "{} does not validate");
	T_EQ_INT(e.n, 2, "both required scalars without defaults reported");
	T_EQ_STR(err_of(&e, "qty"), "is required", "a missing integer is required");
	T_EQ_STR(err_of(&e, "at"), "is required", "a missing time is required");
	T_OK(err_of(&e, "paid") == NULL, "a required field with a default is satisfied");
	order_clear(&o);
	json_object_put(in);
	in = json_tokener_parse("{\"qty\":0,\"at\":\"1970-01-01T00:00:00Z\"}");
	T_EQ_INT(order_from_json(in, &o, &e), 0, "explicit zeros read");
	T_EQ_INT(order_validate(&o, &e), 0, "explicit zeros are values");
	order_clear(&o);
	json_object_put(in);
}

/* Messages per field and check; a save that fails reports every field;
 * a patch names every field so that old messages are cleared. */
static void test_messages(void)
{
	struct signup u;
	nitro_verrors e;
	nitro_repo *r = nitro_memrepo_new(NULL);
	struct json_object *j = NULL;

	T_EQ_INT(nitro_entity_bind(&signup_schema, r, NULL), 0, "signup bound");
	signup_init(&u);
	T_EQ_INT(signup_validate(&u, &e), NITRO_EVALIDATE, "an empty signup fails");
	T_EQ_STR(err_of(&e, "email"), "Enter your email address",
	    "the field's own message for required");
	u.email = strdup("not-an-address");
	u.name = strdup("Alexandra");
	u.age = 12;
	signup_validate(&u, &e);
	T_EQ_STR(err_of(&e, "email"), "That is not an email address",
	    "the field's own message for its pattern");
	T_EQ_STR(err_of(&e, "name"), "Five letters at most", "and for its length");
	T_EQ_STR(err_of(&e, "age"), "must be at least 18", "a check without one keeps the default");

	T_EQ_INT(signup_save(&u), NITRO_EVALIDATE, "save refuses it");
	T_EQ_INT(nitro_verrors_last()->n, 3, "and reports every failing field");
	T_EQ_STR(err_of(nitro_verrors_last(), "name"), "Five letters at most",
	    "with their messages");
	T_EQ_INT(nitro_verrors_patch(&signup_schema, nitro_verrors_last(), &j), 0, "a patch");
	T_EQ_STR(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
	    "{\"email\":\"That is not an email address\",\"name\":\"Five letters at most\","
	    "\"age\":\"must be at least 18\",\"note\":\"\"}",
	    "names every field, \"\" for those that passed");
	json_object_put(j);

	free(u.email);
	u.email = strdup("a@b.example");
	free(u.name);
	u.name = strdup("Al");
	u.age = 40;
	T_EQ_INT(signup_save(&u), 0, "a good signup saves");
	T_EQ_INT(nitro_verrors_last()->n, 0, "and leaves no errors behind");
	T_EQ_INT(nitro_verrors_patch(&signup_schema, nitro_verrors_last(), &j), 0,
	    "a patch after success");
	T_EQ_STR(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
	    "{\"email\":\"\",\"name\":\"\",\"age\":\"\",\"note\":\"\"}",
	    "clears every message");
	json_object_put(j);
	nitro_entity_clear(&signup_schema, &u);
	nitro_repo_free(r);
}

/*
 * A bind whose counters cannot be made passes on the metrics' own code:
 * with the registry full that is NITRO_ELIMIT, not a guessed ENOMEM.  Runs
 * last: it leaves the registry full.
 */
static void test_bind_passes_on_the_code(void)
{
	nitro_repo *r = nitro_memrepo_new(NULL);
	char labels[40];

	for (int i = 0; i < 100000; i++) {
		snprintf(labels, sizeof labels, "n=\"%d\"", i);
		if (nitro_counter_get("test_fill_total", "Fills the registry.", labels) == NULL)
			break;
	}
	T_EQ_INT(nitro_errcode(), NITRO_ELIMIT, "the metrics registry is full");
	T_EQ_INT(nitro_entity_bind(&order_schema, r, NULL), NITRO_ELIMIT,
	    "bind fails with the metrics' code");
	T_EQ_INT(nitro_errcode(), NITRO_ELIMIT, "and the code goes with the message");
	T_OK(strstr(nitro_errmsg(), "metrics: at most") != NULL, "the message says why");
	nitro_repo_free(r);
}

int main(void)
{
	nitro_log_set_level(NITRO_LOG_OFF);
	test_required_scalars();
	test_schema();
	test_validate();
	test_json();
	test_time_uuid();
	test_hooks();
	test_messages();
	test_bind_passes_on_the_code();
	return t_done();
}
