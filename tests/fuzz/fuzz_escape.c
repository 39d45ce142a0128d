/*
 * libFuzzer harness for the escapers and the URL check: escaped HTML never
 * holds a raw < > " ', an escaped JavaScript string never holds a raw
 * quote, < or line terminator, and nitro_url_is_safe never accepts a URL
 * whose scheme, after dropping bytes <= 0x20, is javascript.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/views.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_url(const char *s)
{
	char low[32];
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && n < sizeof low - 1; p++)
		if (*p > 0x20)
			low[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	low[n] = '\0';
	if (strncmp(low, "javascript:", 11) == 0 && nitro_url_is_safe(s))
		abort();
	if (strncmp(low, "vbscript:", 9) == 0 && nitro_url_is_safe(s))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nitro_buf b;
	char *s;

	if (size > 65536)
		return 0;
	nitro_buf_init(&b, 0);
	nitro_html_escape(&b, (const char *)data, size);
	if (b.err || memchr(b.data ? b.data : "", '<', b.len) || memchr(b.data ? b.data : "", '"', b.len) ||
	    memchr(b.data ? b.data : "", '\'', b.len) || memchr(b.data ? b.data : "", '>', b.len))
		abort();
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	nitro_buf_reset(&b);
	if (nitro_js_string(&b, s) != 0 || b.len < 2)
		abort();
	for (size_t i = 1; i + 1 < b.len; i++) {
		char c = b.data[i];
		if (c == '<' || c == '\n' || c == '\r')
			abort();
		/* A quote must be escaped by an odd run of backslashes. */
		if (c == '\'' || c == '"') {
			size_t k = 0;
			while (k < i - 1 && b.data[i - 1 - k] == '\\')
				k++;
			if (k % 2 == 0)
				abort();
		}
	}
	check_url(s);
	free(s);
	nitro_buf_free(&b);
	return 0;
}
