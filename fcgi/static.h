/* Internal: static files (static.c), the pieces unit tests and fuzzers
 * reach. */
#ifndef NITRO_FCGI_STATIC_H
#define NITRO_FCGI_STATIC_H

#include <stddef.h>

/* The longest path below a static directory a request may name. */
#define NITRO_STATIC_PATH_MAX 1024

/*
 * The path after the prefix, raw from the request (n bytes), decoded into
 * out (cap bytes, NUL-terminated): its length, or -1 when it is refused
 * (a bad or encoded-separator escape, a NUL or control byte, a backslash,
 * an empty segment, a segment starting with a dot, longer than cap - 1).
 */
int nitro__static_rel(const char *raw, size_t n, char *out, size_t cap);
/* The Content-Type for a file name, by its extension. */
const char *nitro__static_type(const char *name);

#endif
