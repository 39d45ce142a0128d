/*
 * libFuzzer harness for the template compiler: any source either is
 * refused or renders without a crash, and a hostile value never reaches
 * the output unescaped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/views.h"
#include "views/tpl.h"

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
	}
	nitro_tpl_free(t);
	return 0;
}
