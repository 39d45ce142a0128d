/*
 * JSON request bodies and Datastar signals, through json-c's tokener in
 * strict mode with UTF-8 validation.
 *
 * Nesting: json-c counts a scalar inside a container as one more level and
 * an empty container as none, so "[1]" needs tokener depth 2 while "[[]]"
 * passes at depth 2 too.  The tokener gets max_depth + 1, which bounds its
 * stack, and a walk of the result (recursing at most max_depth + 1 deep)
 * then applies the limit exactly: containers nested max_depth deep pass.
 *
 * The text "null" parses to a NULL object: success with *out == NULL.
 *
 * Strings are checked before json-c sees them: it takes raw control bytes
 * inside a string, which JSON forbids, and it keeps "\u0000", which every
 * C string made of the value (a key always, an entity field) would end
 * at: "u0000\u0000hidden" would be stored as "u0000".  Both are refused,
 * so that bad input is never served as something else.
 */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "fcgi/parse.h"

static int is_json_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The offset of a raw control byte or a \u0000 escape inside a string,
 * or n; *what says which. */
static size_t bad_string_char(const char *s, size_t n, const char **what)
{
	int in = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!in) {
			in = c == '"';
			continue;
		}
		if (c < 0x20) {
			*what = "a raw control byte in a string (write it as \\u00XX)";
			return i;
		}
		if (c == '"') {
			in = 0;
		} else if (c == '\\' && i + 1 < n) {
			if (s[i + 1] == 'u' && n - i >= 6 && memcmp(s + i + 2, "0000", 4) == 0) {
				*what = "\\u0000 in a string";
				return i;
			}
			i++;
		}
	}
	return n;
}

enum { TREE_OK, TREE_TOO_DEEP, TREE_NOT_FINITE };

/*
 * Containers nested deeper than max levels, or a number that is not
 * finite: json-c takes NaN and Infinity even in strict mode (and 1e999
 * overflows to infinity), but no JSON reader in a browser would accept
 * them back, so they are refused at the door.
 */
static int check_tree(json_object *o, size_t max)
{
	int rc;

	if (o == NULL)
		return TREE_OK;
	if (json_object_is_type(o, json_type_double))
		return isfinite(json_object_get_double(o)) ? TREE_OK : TREE_NOT_FINITE;
	if (json_object_is_type(o, json_type_array)) {
		size_t n = json_object_array_length(o);

		if (max == 0)
			return TREE_TOO_DEEP;
		for (size_t i = 0; i < n; i++)
			if ((rc = check_tree(json_object_array_get_idx(o, i), max - 1)) != TREE_OK)
				return rc;
		return TREE_OK;
	}
	if (json_object_is_type(o, json_type_object)) {
		if (max == 0)
			return TREE_TOO_DEEP;
		json_object_object_foreach(o, k, v) {
			(void)k;
			if ((rc = check_tree(v, max - 1)) != TREE_OK)
				return rc;
		}
	}
	return TREE_OK;
}

static int depth_error(struct nitro_perr *e, size_t max_depth)
{
	return nitro__fail(e, 400, NITRO_EPARSE,
	    "JSON nesting deeper than the limit of %zu levels", max_depth);
}

int nitro__parse_json(const char *s, size_t n, size_t max_depth,
    json_object **out, struct nitro_perr *e)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	json_object *o;
	size_t i, end;

	*out = NULL;
	for (i = 0; i < n && is_json_ws(s[i]); i++)
		;
	if (i == n)
		return nitro__fail(e, 400, NITRO_EPARSE, "empty JSON");
	if (n > INT_MAX)
		return nitro__fail(e, 413, NITRO_ELIMIT,
		    "JSON text of %zu bytes is too long", n);
	{
		const char *what;
		size_t at = bad_string_char(s, n, &what);

		if (at < n)
			return nitro__fail(e, 400, NITRO_EPARSE,
			    "invalid JSON at byte %zu: %s", at, what);
	}
	/* One more level for the scalars inside the deepest containers. */
	tok = json_tokener_new_ex(max_depth >= INT_MAX - 1 ? INT_MAX :
	    (int)max_depth + 1);
	if (tok == NULL)
		return nitro__fail_oom(e);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, s, (int)n);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* A top-level scalar ("12", "true") is complete only once
		 * the tokener sees a byte after it: give it a NUL. */
		o = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = n;
	}
	json_tokener_free(tok);
	if (jerr == json_tokener_error_depth)
		return depth_error(e, max_depth);
	if (jerr != json_tokener_success)
		return nitro__fail(e, 400, NITRO_EPARSE, "invalid JSON at byte %zu: %s",
		    end, json_tokener_error_desc(jerr));
	for (i = end; i < n; i++) {
		if (!is_json_ws(s[i])) {
			json_object_put(o);
			return nitro__fail(e, 400, NITRO_EPARSE,
			    "invalid JSON at byte %zu: trailing data", i);
		}
	}
	switch (check_tree(o, max_depth)) {
	case TREE_TOO_DEEP:
		json_object_put(o);
		return depth_error(e, max_depth);
	case TREE_NOT_FINITE:
		json_object_put(o);
		return nitro__fail(e, 400, NITRO_EPARSE,
		    "invalid JSON: NaN, Infinity and numbers too large for a double are not JSON");
	}
	*out = o;
	return 0;
}
