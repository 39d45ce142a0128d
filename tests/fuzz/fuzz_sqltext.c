/*
 * libFuzzer harness for the text the SQL layer takes from users and files:
 * the LIKE escaper (core/sqlgen.c, every SQL store's), the FTS5 query
 * writer and the migration file-name parser.  The input's first byte
 * picks which; the rest is the text.
 * Checked: the escaped LIKE text unescapes to the input; the FTS query
 * is a sequence of "..." terms whose insides, with "" read as ", are the
 * input's words; a parsed migration name prints back to the file name.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/internal.h"

static void check_like(const char *s)
{
	nitro_buf b = NITRO_BUF_INIT;
	size_t k = 0, n = strlen(s);

	if (nitro__like_escape(s, "%", "%", &b) < 0) {
		nitro_buf_free(&b);
		return;
	}
	/* %, then the text with \ before each special byte, then %. */
	if (b.len < 2 || b.data[0] != '%' || b.data[b.len - 1] != '%')
		abort();
	for (size_t i = 1; i + 1 < b.len; i++) {
		char c = b.data[i];

		if (c == '%' || c == '_')
			abort();	/* an unescaped wildcard */
		if (c == '\\')
			c = b.data[++i];
		if (k >= n || s[k++] != c)
			abort();
	}
	if (k != n)
		abort();
	nitro_buf_free(&b);
}

static int space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void check_fts(const char *s)
{
	nitro_buf b = NITRO_BUF_INIT;
	const char *w = s;
	size_t i = 0;

	if (nitro__sql_fts_query(s, &b) < 0) {
		nitro_buf_free(&b);
		return;
	}
	while (i < b.len) {
		while (space(*w))
			w++;
		if (b.data[i++] != '"')
			abort();
		for (;;) {
			if (i >= b.len)
				abort();	/* unterminated string */
			if (b.data[i] == '"') {
				if (i + 1 < b.len && b.data[i + 1] == '"') {
					if (*w++ != '"')
						abort();
					i += 2;
					continue;
				}
				i++;
				break;
			}
			if (*w++ != b.data[i++])
				abort();
		}
		if (*w && !space(*w))
			abort();	/* a word was cut */
		if (i < b.len && b.data[i++] != ' ')
			abort();
	}
	while (space(*w))
		w++;
	if (*w)
		abort();	/* a word was lost */
	nitro_buf_free(&b);
}

static void check_migration(const char *s)
{
	char name[128], back[200];
	int64_t v;

	if (nitro__sql_migration_name(s, &v, name, sizeof name) < 0)
		return;
	if (v <= 0)
		abort();
	snprintf(back, sizeof back, "%" PRId64 "_%s.sql", v, name);
	/* Leading zeros are the only difference allowed. */
	{
		const char *p = s;

		while (*p == '0')
			p++;
		if (strcmp(p, back) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 8192)
		return 0;
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';	/* stops at the first NUL, as C strings do */
	switch (data[0] % 3) {
	case 0: check_like(s); break;
	case 1: check_fts(s); break;
	default: check_migration(s); break;
	}
	free(s);
	return 0;
}
