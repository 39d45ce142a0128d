/*
 * libFuzzer harness for the .env parser (nitro__config_parse_env).  The
 * input is parsed into an empty settings table and compared with a naive
 * reference that reads each line by the documented rules:
 *
 *   blank and '#' lines are skipped; [export ]KEY = VALUE with KEY in
 *   [A-Za-z0-9_]+; VALUE is '...' (literal), "..." (\n, \t, \X escapes) or
 *   bare text up to a '#' that follows a blank, trailing blanks trimmed;
 *   only a comment may follow a closing quote; CRLF is a newline; a NUL
 *   byte anywhere refuses the file; only NITRO_* keys are kept, a later
 *   line wins, and lines before a malformed one stay applied.
 *
 * Success, the error and its line, and every value must agree.  The typed
 * getters then run on every value read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/core.h"
#include "core/config_parse.h"
#include "parse_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX	(16 << 10)
#define ENTRIES_MAX	1024	/* core/config.c's table */

struct ref {
	size_t n;
	char *key[ENTRIES_MAX + 1], *value[ENTRIES_MAX + 1];
	size_t nother;
	char *other[64];	/* keys the parser must not keep */
};

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

static int key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* The input holds no NUL by now, so strndup copies all n bytes. */
static char *dup_n(const char *s, size_t n)
{
	char *d = strndup(s, n);

	CHECK(d != NULL);
	return d;
}

/* Record KEY=value; 0, or -1 when the table is full. */
static int ref_set(struct ref *r, const char *k, size_t kn, char *v)
{
	size_t i;

	if (kn < 6 || memcmp(k, "NITRO_", 6) != 0) {
		if (r->nother < 64)
			r->other[r->nother++] = dup_n(k, kn);
		free(v);
		return 0;
	}
	for (i = 0; i < r->n; i++)
		if (strlen(r->key[i]) == kn && memcmp(r->key[i], k, kn) == 0)
			break;
	if (i == ENTRIES_MAX) {
		free(v);
		return -1;
	}
	if (i == r->n)
		r->key[r->n++] = dup_n(k, kn);
	else
		free(r->value[i]);
	r->value[i] = v;
	return 0;
}

/* One line s[0..n) without its newline: 0, or -1 when malformed. */
static int ref_line(struct ref *r, const char *s, size_t n, int *full)
{
	size_t i = 0, k0, kn, k, vn = 0;
	char *v;

	while (i < n && blank(s[i]))
		i++;
	if (i == n || s[i] == '#')
		return 0;
	if (n - i > 7 && memcmp(s + i, "export", 6) == 0 && blank(s[i + 6]))
		for (i += 6; i < n && blank(s[i]); i++)
			;
	for (k0 = i; i < n && key_char(s[i]); i++)
		;
	kn = i - k0;
	while (i < n && blank(s[i]))
		i++;
	if (kn == 0 || i == n || s[i] != '=')
		return -1;
	for (k = ++i; i < n && blank(s[i]); i++)
		;
	if (i < n && s[i] == '#' && i > k)	/* "KEY= # note": empty */
		i = n;
	v = malloc(n - i + 1);
	CHECK(v != NULL);
	if (i < n && (s[i] == '"' || s[i] == '\'')) {
		char q = s[i++];

		for (;; i++) {
			if (i == n) {
				free(v);
				return -1;
			}
			if (s[i] == q)
				break;
			if (q == '"' && s[i] == '\\' && i + 1 < n) {
				i++;
				v[vn++] = s[i] == 'n' ? '\n' : s[i] == 't' ? '\t' : s[i];
			} else {
				v[vn++] = s[i];
			}
		}
		for (i++; i < n && blank(s[i]); i++)
			;
		if (i < n && s[i] != '#') {
			free(v);
			return -1;
		}
	} else {
		size_t v0 = i, end = i;

		for (; i < n; i++) {
			if (s[i] == '#' && i > v0 && blank(s[i - 1]))
				break;
			if (!blank(s[i]))
				end = i + 1;
		}
		vn = end - v0;
		memcpy(v, s + v0, vn);
	}
	v[vn] = '\0';
	if (ref_set(r, s + k0, kn, v) < 0) {
		*full = 1;
		return -1;
	}
	return 0;
}

static void ref_free(struct ref *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->key[i]);
		free(r->value[i]);
	}
	for (size_t i = 0; i < r->nother; i++)
		free(r->other[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ref r;
	const char *s = (const char *)data;
	char *buf, want[64];
	size_t at = 0;
	int rc, lineno = 0, bad = 0, full = 0;

	if (size > INPUT_MAX)
		return 0;
	nitro__config_reset();
	/* Exactly size bytes, no terminator: ASan sees any overread. */
	buf = malloc(size ? size : 1);
	CHECK(buf != NULL);
	memcpy(buf, data, size);
	rc = nitro__config_parse_env(buf, size, "fuzz.env");
	free(buf);

	memset(&r, 0, sizeof r);
	if (memchr(s, '\0', size) != NULL) {
		CHECK(rc == NITRO_EPARSE);
		CHECK(strcmp(nitro_errmsg(), "fuzz.env: holds a NUL byte") == 0);
		return 0;
	}
	while (at < size && !bad) {
		const char *nl = memchr(s + at, '\n', size - at);
		size_t end = nl ? (size_t)(nl - s) : size, len = end - at;

		lineno++;
		if (len > 0 && s[end - 1] == '\r')
			len--;
		bad = ref_line(&r, s + at, len, &full) < 0;
		at = end + 1;
	}
	if (bad) {
		CHECK(rc == (full ? NITRO_ELIMIT : NITRO_EPARSE));
		if (!full) {
			snprintf(want, sizeof want, "fuzz.env:%d: ", lineno);
			CHECK(strncmp(nitro_errmsg(), want, strlen(want)) == 0);
		}
	} else {
		CHECK(rc == 0);
	}

	for (size_t i = 0; i < r.n; i++) {
		const char *got;

		if (getenv(r.key[i]) != NULL)
			continue;	/* the environment wins */
		got = nitro_config_str(r.key[i], NULL);
		CHECK(got != NULL && strcmp(got, r.value[i]) == 0);
		(void)nitro_config_int(r.key[i], 0, INT64_MIN, INT64_MAX);
		CHECK(nitro_config_bool(r.key[i], 7) != 7 ||
		    nitro_config_check() == NITRO_EINVAL);
		(void)nitro_config_real(r.key[i], 0);
	}
	for (size_t i = 0; i < r.nother; i++)
		if (getenv(r.other[i]) == NULL)
			CHECK(nitro_config_str(r.other[i], NULL) == NULL);
	ref_free(&r);
	return 0;
}
