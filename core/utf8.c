/*
 * UTF-8 for text that people read: error pages that quote a request, log
 * lines.  A cut never splits a character, and bytes that are not text
 * never reach a page that says it is UTF-8.
 */
#include "core/utf8.h"

size_t nitro__utf8_char(const char *s, size_t n, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = u[0] < 0x80 ? 1 : u[0] >= 0xf0 && u[0] <= 0xf4 ? 4 :
	    u[0] >= 0xe0 && u[0] <= 0xef ? 3 : u[0] >= 0xc2 && u[0] <= 0xdf ? 2 : 0;
	unsigned v;

	if (n == 0 || len == 0 || len > n)
		return 0;
	v = len == 1 ? u[0] : u[0] & (0x7fu >> len);
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (u[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

size_t nitro__utf8_cut(const char *s, size_t n, size_t max)
{
	size_t i = 0, len;
	unsigned cp;

	if (n <= max)
		return n;
	/* Invalid bytes count as one character each. */
	while (i < max) {
		len = nitro__utf8_char(s + i, n - i, &cp);
		if (len == 0)
			len = 1;
		if (i + len > max)
			break;
		i += len;
	}
	return i;
}

int nitro__utf8_text(nitro_buf *b, const char *s, size_t n, size_t max)
{
	size_t end = nitro__utf8_cut(s, n, max), i = 0, run = 0, len;
	unsigned cp;

	while (i < end) {
		len = nitro__utf8_char(s + i, end - i, &cp);
		/* C0 and C1 controls but tab and newline, and DEL */
		if (len != 0 && (cp >= 0xa0 || (cp >= 0x20 && cp < 0x7f) ||
		    cp == '\t' || cp == '\n')) {
			i += len;
			continue;
		}
		nitro_buf_append(b, s + run, i - run);
		nitro_buf_append(b, "\xef\xbf\xbd", 3);	/* U+FFFD */
		i += len ? len : 1;
		run = i;
	}
	nitro_buf_append(b, s + run, end - run);
	if (end < n)
		nitro_buf_append(b, "...", 3);
	return b->err;
}
