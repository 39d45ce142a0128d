/*
 * libFuzzer harness for entities read from JSON.  The input is parsed by
 * json-c with a bounded depth, then read into two schemas that between
 * them hold every field type and every constraint, validated, and written
 * back.  Invariants:
 *
 *  - from_json succeeds or fails with NITRO_EPARSE and a zeroed struct
 *    (no leak: ASan's leak checker runs too); its messages name fields;
 *  - validate succeeds or fails with NITRO_EVALIDATE, naming fields;
 *  - to_json works for whatever from_json accepted, writes every field but
 *    the secret ones, and its text does not change when the secrets do;
 *  - the text of a validated entity reads back with from_json into an
 *    equal entity (secrets aside) that validates again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "nitro/core.h"
#include "parse_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define JSON_DEPTH 16

static struct json_object *title_len(const void *obj);

#define THING_FIELDS(X) \
	X(id,       INT,  NITRO_F_ID) \
	X(title,    TEXT, NITRO_F_REQUIRED, NITRO_F_MINLEN(1), NITRO_F_MAXLEN(40)) \
	X(slug,     TEXT, NITRO_F_UNIQUE, NITRO_F_PATTERN("^[a-z0-9]+(-[a-z0-9]+)*$"), \
	    NITRO_F_MAXLEN(20)) \
	X(level,    TEXT, NITRO_F_ONE_OF("low|medium|high"), NITRO_F_DEFAULT("low")) \
	X(count,    INT,  NITRO_F_MIN(-5), NITRO_F_MAX(1000), NITRO_F_DEFAULT("3")) \
	X(ratio,    REAL, NITRO_F_MIN(0), NITRO_F_MAX(1), NITRO_F_DEFAULT("0.5")) \
	X(done,     BOOL, NITRO_F_DEFAULT("false")) \
	X(due,      TIME, NITRO_F_MIN(0), NITRO_F_DEFAULT("2025-01-01T00:00:00Z")) \
	X(meta,     JSON, NITRO_F_DEFAULT("{\"k\":[1,2.5,null]}")) \
	X(data,     BLOB, NITRO_F_MAXLEN(16)) \
	X(password, TEXT, NITRO_F_SECRET) \
	X(pin,      INT,  NITRO_F_SECRET, NITRO_F_MIN(0)) \
	X(key,      BLOB, NITRO_F_SECRET) \
	X(len,      COMPUTED, NITRO_F_COMPUTED(title_len))
NITRO_ENTITY(thing, THING_FIELDS)
NITRO_ENTITY_DEFINE(thing, THING_FIELDS);

/* A text id, and scalars that are required and have no default. */
#define NOTE_FIELDS(X) \
	X(uid,   TEXT, NITRO_F_UUID) \
	X(at,    TIME, NITRO_F_REQUIRED, NITRO_F_MAX(4102444800000.0)) \
	X(score, REAL, NITRO_F_REQUIRED) \
	X(flag,  BOOL, NITRO_F_REQUIRED) \
	X(body,  TEXT, NITRO_F_MINLEN(2)) \
	X(token, JSON, NITRO_F_SECRET) \
	X(stamp, TIME, NITRO_F_SECRET)
NITRO_ENTITY(note, NOTE_FIELDS)
NITRO_ENTITY_DEFINE(note, NOTE_FIELDS);

static struct json_object *title_len(const void *obj)
{
	const struct thing *t = obj;

	return t->title ? json_object_new_int64((int64_t)strlen(t->title)) : NULL;
}

static const nitro_field *field_named(const nitro_schema *s, const char *name)
{
	const nitro_field *f = s->fields();

	for (size_t i = 0; i < s->nfields; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

static int all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void check_verrors(const nitro_schema *s, const nitro_verrors *e)
{
	struct json_object *o = NULL;

	CHECK(e->n > 0 && e->n <= NITRO_MAX_FIELDS);
	for (size_t i = 0; i < e->n; i++) {
		CHECK(field_named(s, e->e[i].field) != NULL);
		CHECK(e->e[i].msg[0] != '\0');
		CHECK(memchr(e->e[i].msg, '\0', sizeof e->e[i].msg) != NULL);
	}
	CHECK(nitro_verrors_to_json(e, &o) == 0);
	json_object_object_foreach(o, k, v) {
		(void)v;
		CHECK(field_named(s, k) != NULL);
	}
	json_object_put(o);
}

/* Field f holds the same value in a and b. */
static int same(const nitro_schema *s, const nitro_field *f, const void *a,
    const void *b, int nan_ok)
{
	const char *ma = (const char *)a + f->offset, *mb = (const char *)b + f->offset;
	int na = nitro_entity_is_null(s, a, f->name), nb = nitro_entity_is_null(s, b, f->name);

	if (na != nb)
		return 0;
	if (na)
		return 1;
	switch (f->type) {
	case NITRO_T_INT:
	case NITRO_T_TIME:
		return *(const int64_t *)ma == *(const int64_t *)mb;
	case NITRO_T_REAL:
		return *(const double *)ma == *(const double *)mb;
	case NITRO_T_BOOL:
		return *(const _Bool *)ma == *(const _Bool *)mb;
	case NITRO_T_TEXT:
		return strcmp(*(char *const *)ma, *(char *const *)mb) == 0;
	case NITRO_T_JSON: {
		/*
		 * The same JSON text: that is what a round trip keeps (not
		 * json_object_equal, which also compares how a number was
		 * stored).  NaN never equals itself.
		 */
		char *x = strdup(json_object_to_json_string_ext(
		    *(struct json_object *const *)ma, JSON_C_TO_STRING_PLAIN));
		int eq = x != NULL && strcmp(x, json_object_to_json_string_ext(
		    *(struct json_object *const *)mb, JSON_C_TO_STRING_PLAIN)) == 0;

		free(x);
		return nan_ok || eq;
	}
	case NITRO_T_BLOB: {
		const nitro_blob *x = (const nitro_blob *)ma, *y = (const nitro_blob *)mb;

		return x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
	}
	}
	return 1;
}

/* The text of obj's JSON form; the caller frees it. */
static char *json_text(const nitro_schema *s, const void *obj)
{
	const nitro_field *f = s->fields();
	struct json_object *o = NULL;
	char *text;
	size_t n = 0;

	CHECK(nitro_entity_to_json(s, obj, &o) == 0);
	json_object_object_foreach(o, k, v) {
		const nitro_field *kf = field_named(s, k);

		(void)v;
		CHECK(kf != NULL && !kf->secret);
		n++;
	}
	for (size_t i = 0; i < s->nfields; i++)
		n -= !f[i].secret;
	CHECK(n == 0);	/* every field that is not secret */
	CHECK((text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN))) != NULL);
	json_object_put(o);
	return text;
}

/* obj with every secret field replaced by NULL writes the same text. */
static void check_secrets(const nitro_schema *s, const void *obj, const char *text)
{
	const nitro_field *f = s->fields();
	void *tmp = malloc(s->size);
	char *again;

	CHECK(tmp != NULL);
	CHECK(nitro_entity_copy(s, tmp, obj) == 0);
	for (size_t i = 0; i < s->nfields; i++)
		if (f[i].secret)
			CHECK(nitro_entity_set_null(s, tmp, f[i].name, 1) == 0);
	again = json_text(s, tmp);
	CHECK(strcmp(text, again) == 0);
	free(again);
	nitro_entity_clear(s, tmp);
	free(tmp);
}

/* A validated entity's text reads back into an equal entity. */
static void check_round_trip(const nitro_schema *s, const void *obj, const char *text)
{
	const nitro_field *f = s->fields();
	struct json_object *in = json_tokener_parse(text);
	void *back = malloc(s->size);
	nitro_verrors e;
	int nan_ok = strstr(text, "NaN") != NULL;

	CHECK(in != NULL && back != NULL);
	CHECK(nitro_entity_from_json(s, in, back, &e) == 0);
	json_object_put(in);
	for (size_t i = 0; i < s->nfields; i++)
		if (!f[i].secret && f[i].type != NITRO_T_COMPUTED)
			CHECK(same(s, &f[i], obj, back, nan_ok));
	CHECK(nitro_entity_validate(s, back, &e) == 0);
	nitro_entity_clear(s, back);
	free(back);
}

static void run(const nitro_schema *s, struct json_object *in)
{
	void *obj = malloc(s->size);
	nitro_verrors e;
	char *text;
	int rc;

	CHECK(obj != NULL);
	memset(obj, 0xa5, s->size);
	memset(&e, 0, sizeof e);
	rc = nitro_entity_from_json(s, in, obj, &e);
	if (rc < 0) {
		CHECK(rc == NITRO_EPARSE);
		if (json_object_is_type(in, json_type_object)) {
			CHECK(all_zero(obj, s->size));
			check_verrors(s, &e);
		}
		free(obj);
		return;
	}
	CHECK(rc == 0 && e.n == 0);
	rc = nitro_entity_validate(s, obj, &e);
	if (rc < 0) {
		CHECK(rc == NITRO_EVALIDATE);
		check_verrors(s, &e);
	} else {
		CHECK(rc == 0 && e.n == 0);
	}
	text = json_text(s, obj);
	check_secrets(s, obj, text);
	if (rc == 0)
		check_round_trip(s, obj, text);
	free(text);
	nitro_entity_clear(s, obj);
	CHECK(all_zero(obj, s->size));
	free(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok;
	struct json_object *in;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if ((tok = json_tokener_new_ex(JSON_DEPTH)) == NULL)
		abort();
	/*
	 * As the request parser reads bodies (fcgi/parse_json.c): lax json-c
	 * takes "07E" and writes it back as "07", which is not JSON, and no
	 * request can carry it.
	 */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	in = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	if (in == NULL && json_tokener_get_error(tok) == json_tokener_continue)
		in = json_tokener_parse_ex(tok, "", 1);	/* end of input */
	json_tokener_free(tok);
	if (in == NULL)
		return 0;
	run(&thing_schema, in);
	run(&note_schema, in);
	json_object_put(in);
	return 0;
}
