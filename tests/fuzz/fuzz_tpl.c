/*
 * libFuzzer harness for the template compiler: any source either is
 * refused or renders without a crash, a hostile value never reaches the
 * output unescaped, and a value in a Datastar expression stays inside one
 * JavaScript string literal, as this harness's own lexer (tpl_lex.h)
 * reads the rendered attribute.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/views.h"
#include "views/tpl.h"
#include "tpl_lex.h"

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
	abort(); } } while (0)

/* Everything that could end a string, a comment or a regular expression,
 * or open a substitution; after a quote, so that a JavaScript hole shows
 * as \&#x27; in the output. */
static const char payload[] = "'\"`*/${a}\\\n\xe2\x80\xa8</b>&#39;-->//<!--]/"
    "\xf0\x9f\x96\x95JS_$`_DS\xf0\x9f\x9a\x80";

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Each value is Zq<hole>S, the payload, Zq<hole>E.  Every JavaScript
 * hole's attribute is decoded and lexed; each value in it must lie
 * inside one '...' or "..." token. */
static void check_js(const char *out, size_t len)
{
	const char *end = out + len;

	for (const char *p = out; (p = memmem(p, (size_t)(end - p), "Zq", 2)) != NULL; p++) {
		const char *a = p, *b = p;
		struct ftok t;
		char *dec;
		size_t n;

		if (end - p < 12 || !is_hex(p[2]) || !is_hex(p[3]) || p[4] != 'S' ||
		    memcmp(p + 5, "\\&#x27;", 7) != 0)
			continue;	/* an end marker, or a hole escaped for HTML only */
		while (a > out && a[-1] != '"')
			a--;
		while (b < end && *b != '"')
			b++;
		CHECK(a > out && b < end);	/* a JavaScript hole is in a quoted value */
		dec = malloc((size_t)(b - a) * 4 + 1);
		t.of = malloc(((size_t)(b - a) * 4 + 1) * sizeof *t.of);
		t.kind = malloc((size_t)(b - a) * 4 + 2);
		CHECK(dec && t.of && t.kind);
		n = ft_decode(a, (size_t)(b - a), dec);
		ft_lex(dec, n, &t);
		for (const char *q = dec; (q = memmem(q, n - (size_t)(q - dec), "Zq", 2)) != NULL; q++) {
			char em[6] = { 'Z', 'q', 0, 0, 'E', 0 };
			const char *e;

			if (n - (size_t)(q - dec) < 5 || q[4] != 'S')
				continue;
			em[2] = q[2];
			em[3] = q[3];
			e = memmem(q, n - (size_t)(q - dec), em, 5);
			CHECK(e != NULL);
			CHECK(t.of[q - dec] != 0 && t.of[q - dec] == t.of[e + 4 - dec]);
			CHECK(t.kind[t.of[q - dec]] == FT_STR);
			/* Datastar's marker (see views/js.c) never comes from a value */
			CHECK(memmem(q, (size_t)(e - q), "\xf0\x9f\x96\x95", 4) == NULL);
		}
		free(dec);
		free(t.of);
		free(t.kind);
		p = b;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char evil[] = "\"'<>&javascript:\xe2\x80\xa8";
	const char *vals[64];
	nitro_tpl *t;
	nitro_buf b;
	nitro_html h;
	char *src;
	int static_evil;

	if (size > 16384 || (src = malloc(size + 1)) == NULL)
		return 0;
	memcpy(src, data, size);
	src[size] = '\0';
	/*
	 * Static text may hold anything; only values are checked.  The
	 * marker must be one that static text followed by an escaped value
	 * cannot spell: an escaped value has no raw '<' or '>', so a raw
	 * "<>&javascript:" comes from the static text or from a value that
	 * was not escaped.  ("\"'<>&" could: static "\"'<>" then "&quot;".)
	 */
	static_evil = memmem(data, size, "<>&javascript:", 14) != NULL;
	int markers = memmem(data, size, "Zq", 2) == NULL;
	t = nitro_tpl_new(src);
	free(src);
	if (t == NULL)
		return 0;
	if (nitro_tpl_holes(t) <= 64) {
		for (size_t i = 0; i < 64; i++)
			vals[i] = evil;
		nitro_buf_init(&b, 0);
		nitro_html_init(&h, &b);
		if (nitro_tpl_render(&h, t, vals, nitro_tpl_holes(t)) != 0 ||
		    nitro_html_finish(&h) != 0)
			abort();
		if (!static_evil && b.len > 0 && memmem(b.data, b.len, "<>&javascript:", 14))
			abort();
		/* Every renderer (plain C, SSE2, AVX2 where there) writes the
		 * same bytes. */
		for (int var = NITRO_TPL_PLAIN, best = nitro__tpl_variant(NITRO_TPL_AVX2);
		    var <= best; var++) {
			nitro_buf o;
			nitro_html oh;

			nitro_buf_init(&o, 0);
			nitro_buf_grow(&o, 1);
			nitro_html_init(&oh, &o);
			nitro__tpl_variant(var);
			if (nitro_tpl_render(&oh, t, vals, nitro_tpl_holes(t)) != 0 ||
			    nitro_html_finish(&oh) != 0 || o.len != b.len ||
			    (b.len > 0 && memcmp(o.data, b.data, b.len) != 0))
				abort();
			nitro_buf_free(&o);
		}
		nitro_buf_free(&b);
		if (markers) {
			static char mv[64][sizeof payload + 12];

			for (size_t i = 0; i < 64; i++) {
				snprintf(mv[i], sizeof mv[i], "Zq%02zxS%sZq%02zxE", i, payload, i);
				vals[i] = mv[i];
			}
			nitro_buf_init(&b, 0);
			nitro_html_init(&h, &b);
			if (nitro_tpl_render(&h, t, vals, nitro_tpl_holes(t)) != 0 ||
			    nitro_html_finish(&h) != 0)
				abort();
			check_js(b.data, b.len);
			nitro_buf_free(&b);
		}
	}
	nitro_tpl_free(t);
	return 0;
}
