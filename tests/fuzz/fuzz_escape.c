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
#include "views/tpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* s through a text-hole template with every renderer (plain C, SSE2,
 * AVX2 where there): the same bytes as nitro_html_escape. */
static void check_tpl(const char *s, const nitro_buf *want)
{
	static nitro_tpl *t;
	int best = nitro__tpl_variant(NITRO_TPL_AVX2);

	if (t == NULL && (t = nitro_tpl_new("{{v}}")) == NULL)
		abort();
	for (int var = NITRO_TPL_PLAIN; var <= best; var++) {
		nitro_buf b;
		nitro_html h;

		nitro_buf_init(&b, 0);
		nitro_buf_grow(&b, 1);	/* a buffer (the vector paths need one) */
		nitro_html_init(&h, &b);
		nitro__tpl_variant(var);
		if (nitro_tpl_render(&h, t, (const char *const[]){ s }, 1) != 0 ||
		    nitro_html_finish(&h) != 0 || b.len != want->len ||
		    memcmp(b.data, want->data, b.len) != 0)
			abort();
		nitro_buf_free(&b);
	}
	nitro__tpl_variant(best);
}

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
	nitro_html_escape(&b, s, strlen(s));
	check_tpl(s, &b);
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
