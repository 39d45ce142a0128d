/*
 * libFuzzer harness for JSON bodies and Datastar signals.  The input is
 * parsed with the default depth (32) and with a depth taken from its first
 * byte (0..7).  A success must yield a value no deeper than the limit that
 * survives a round trip (serialise, parse again, compare) and holds no
 * string that a NUL would cut short (key or value) and no raw control byte
 * in the input's strings; a failure must be a 400 with no object.
 */
#include <json-c/json.h>

#include "parse_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Container nesting of o (0 for a scalar); o is at most depth+1 deep. */
static size_t depth_of(json_object *o)
{
	size_t d = 0, x;

	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			if ((x = depth_of(json_object_array_get_idx(o, i))) > d)
				d = x;
		return d + 1;
	}
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v) {
			(void)k;
			if ((x = depth_of(v)) > d)
				d = x;
		}
		return d + 1;
	}
	return 0;
}

/* No string in o (key or value) has a NUL inside. */
static int whole_strings(json_object *o)
{
	if (json_object_is_type(o, json_type_string))
		return strlen(json_object_get_string(o)) == (size_t)json_object_get_string_len(o);
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			if (!whole_strings(json_object_array_get_idx(o, i)))
				return 0;
	}
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v) {
			(void)k;
			if (!whole_strings(v))
				return 0;
		}
	}
	return 1;
}

/* Every byte of s inside a string is 0x20 or more, and no \u0000
 * appears: what parsed could not have been cut short or smuggled. */
static int clean_input(const char *s, size_t n)
{
	int in = 0;

	for (size_t i = 0; i < n; i++) {
		if (in && (unsigned char)s[i] < 0x20)
			return 0;
		if (in && s[i] == '\\') {
			if (i + 5 < n && memcmp(s + i + 1, "u0000", 5) == 0)
				return 0;
			i++;
		} else if (s[i] == '"') {
			in = !in;
		}
	}
	return 1;
}

static void run(const char *s, size_t n, size_t max_depth)
{
	json_object *o = (json_object *)&o, *again = NULL;
	struct nitro_perr e;
	const char *text;
	size_t tlen;
	int rc;

	memset(&e, 0, sizeof e);
	rc = nitro__parse_json(s, n, max_depth, &o, &e);
	if (rc < 0) {
		check_failure(rc, &e);
		CHECK(e.status == 400);
		CHECK(o == NULL);
		return;
	}
	CHECK(depth_of(o) <= max_depth);
	CHECK(whole_strings(o) && clean_input(s, n));
	text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &tlen);
	CHECK(text != NULL);
	CHECK(nitro__parse_json(text, tlen, max_depth, &again, &e) == 0);
	/* NaN (which json-c accepts) never equals itself. */
	CHECK(json_object_equal(o, again) || memmem(text, tlen, "NaN", 3) != NULL);
	json_object_put(again);
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return 0;
	run((const char *)data, size, fuzz_default_limits().json_depth);
	if (size > 0)
		run((const char *)data, size, data[0] % 8);
	return 0;
}
