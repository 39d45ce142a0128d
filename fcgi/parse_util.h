/*
 * Internal to the request parsers (fcgi/parse_*.c): the byte classes and
 * trimming that several of them share.  Defined in fcgi/parse_util.c.
 */
#ifndef NITRO_FCGI_PARSE_UTIL_H
#define NITRO_FCGI_PARSE_UTIL_H

#include <stddef.h>

/* RFC 9110 tchar: the bytes of a token. */
int nitro__is_tchar(unsigned char c);

/* Optional white space: space or horizontal tab. */
int nitro__is_ows(char c);

/* Trim optional white space from both ends of s[0..*n); the new start. */
const char *nitro__trim_ows(const char *s, size_t *n);

#endif
