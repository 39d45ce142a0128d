/* Internal: the fast printf path (fmt.c). */
#ifndef NITRO_CORE_FMT_H
#define NITRO_CORE_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format into mem (memsz bytes) when fmt uses only the plain conversions
 * and the result fits: the length, NUL-terminated.  -1 otherwise (mem may
 * hold a partial result): the caller falls back to vsnprintf.  ap is not
 * consumed.
 */
int nitro__vfmt(char *mem, size_t memsz, const char *fmt, va_list ap);

#endif
