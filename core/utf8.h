/* Internal: UTF-8 for text that is shown or logged (utf8.c). */
#ifndef NITRO_CORE_UTF8_H
#define NITRO_CORE_UTF8_H

#include "nitro/core.h"

/* The length of the valid UTF-8 character at s (n bytes there; no
 * overlong forms, surrogates or values past U+10FFFF) and its code point
 * in *cp, or 0 when it is not one. */
size_t nitro__utf8_char(const char *s, size_t n, unsigned *cp);

/* The longest prefix of s (n bytes) of at most max bytes that does not
 * end inside a character. */
size_t nitro__utf8_cut(const char *s, size_t n, size_t max);

/*
 * Append s (n bytes) to b as text that is valid UTF-8: a byte that starts
 * no valid character, and control characters (C0 but tab and newline,
 * DEL, C1), become U+FFFD.  Past max bytes of s the text is cut at a character and ends
 * with "..." to show it.  b's error.
 */
int nitro__utf8_text(nitro_buf *b, const char *s, size_t n, size_t max);

#endif
