/*
 * nitro_url_encode: what it encodes, and that the request parser's own
 * decoder reads every byte back, so a value built into a link arrives as
 * one path parameter or one query value, whatever it holds.
 */
#include <stdio.h>
#include <string.h>

#include "nitro/core.h"
#include "nitro/views.h"
#include "fcgi/parse.h"
#include "t.h"

static const char *enc(nitro_buf *b, const char *s)
{
	nitro_buf_reset(b);
	nitro_url_encode(b, s);
	nitro_buf_putc(b, '\0');
	return b->data;
}

int main(void)
{
	nitro_buf b = NITRO_BUF_INIT;
	char all[256], back[256 * 3 + 1];
	size_t n;
	int ok = 1;

	T_EQ_STR(enc(&b, "plain-Text_1.2~"), "plain-Text_1.2~", "unreserved bytes pass");
	T_EQ_STR(enc(&b, "a b+c/d?e#f&g=h%i"), "a%20b%2Bc%2Fd%3Fe%23f%26g%3Dh%25i",
	    "space, + / ? # & = % are encoded");
	T_EQ_STR(enc(&b, "../x"), "..%2Fx", "a slash cannot add a segment");
	T_EQ_STR(enc(&b, "caf\xc3\xa9"), "caf%C3%A9", "UTF-8 bytes are encoded one by one");
	T_EQ_STR(enc(&b, ""), "", "empty stays empty");
	T_EQ_INT(nitro_url_encode(NULL, "x"), NITRO_EINVAL, "no buffer: EINVAL");

	for (int c = 1; c < 256; c++)
		all[c - 1] = (char)c;
	all[255] = '\0';
	enc(&b, all);
	for (int plus = 0; plus < 2; plus++) {
		ok = nitro__urldecode(back, b.data, strlen(b.data), plus, &n) == 0 &&
		    n == 255 && memcmp(back, all, 255) == 0;
		T_OK(ok, plus ? "every byte decodes back as a query value"
		    : "every byte decodes back as a path segment");
	}
	nitro_buf_free(&b);
	return t_done();
}
