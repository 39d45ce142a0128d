/*
 * What the HTML escaper (views/escape.c) and the template renderer's
 * vector code (views/tpl_simd.c) share: the entity tables and the one
 * guard for reading a vector past the end of a string.  Private to
 * views/.
 */
#ifndef NITRO_VIEWS_ESCAPE_H
#define NITRO_VIEWS_ESCAPE_H

#include <stdint.h>

#include "views/internal.h"

/* Reading past the end of a string within its page is safe on the
 * hardware but not under AddressSanitizer or ThreadSanitizer, which see
 * the bytes past the end (a neighbour's, maybe being written). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NITRO_NO_OVERREAD 1
#endif
#endif
#if (defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)) && \
    !defined(NITRO_NO_OVERREAD)
#define NITRO_NO_OVERREAD 1
#endif

/*
 * May n bytes be read from p, although the string there may end sooner?
 * Yes when they stay within p's page: memory is mapped a page at a time,
 * so the read cannot fault.  NITRO_PAGE is the smallest page size of the
 * CPUs with vector code here (x86-64).  Never under a sanitizer.
 */
#define NITRO_PAGE 4096
#ifdef NITRO_NO_OVERREAD
#define OVERREAD_OK(p, n) 0
#else
#define OVERREAD_OK(p, n) (((uintptr_t)(p) & (NITRO_PAGE - 1)) <= NITRO_PAGE - (n))
#endif

/* 0: copy as is; otherwise the index of the entity. */
static const unsigned char esc_class[256] = {
	['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5
};
/* The entities Python's html.escape writes, so pages compare byte for
 * byte with other renderers; entries are padded so that a fixed 6-byte
 * copy (inlined) can write any of them. */
static const char esc_text[6][8] = { "", "&amp;", "&lt;", "&gt;", "&quot;", "&#x27;" };
static const unsigned char esc_len[6] = { 0, 5, 4, 4, 6, 6 };

#endif
