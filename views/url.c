/*
 * Percent-encoding for building links: a value put into a path segment or
 * a query string must not be able to add a segment, a parameter or a
 * fragment.  RFC 3986's unreserved bytes pass; everything else, '/' and
 * '+' included, is %XX, which every decoder reads back the same.
 */
#include "nitro/views.h"

static int unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

int nitro_url_encode(nitro_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s, *run;

	if (b == NULL || s == NULL)
		return nitro_error(NITRO_EINVAL, "url_encode: no buffer or no text");
	while (*p) {
		for (run = p; *p && unreserved(*p); p++)
			;
		nitro_buf_append(b, run, (size_t)(p - run));
		if (*p) {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};

			nitro_buf_append(b, esc, 3);
			p++;
		}
	}
	return b->err;
}
