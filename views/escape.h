/*
 * The HTML escaper's tables and vector loops, inlined where values are
 * written (escape.c, the template renderer).  Private to views/.
 */
#ifndef NITRO_VIEWS_ESCAPE_H
#define NITRO_VIEWS_ESCAPE_H

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
#ifdef NITRO_NO_OVERREAD
#define OVERREAD_OK(p) 0
#define OVERREAD32_OK(p) 0
#else
#define OVERREAD_OK(p) (((uintptr_t)(p) & 4095) <= 4096 - 16)
#define OVERREAD32_OK(p) (((uintptr_t)(p) & 4095) <= 4096 - 32)
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

#ifdef __SSE2__
/*
 * Write the first lim bytes of block v to d with the specials in mask
 * replaced; returns the new end.  The block is parked in a stack buffer
 * so that the runs between specials move with fixed 16-byte copies: a
 * special costs a dozen instructions, not a reload.  d needs room for
 * 16 * 6 + 16 bytes.
 */
/* The same straight from the source when 32 bytes from p can be read:
 * no store-to-load forwarding stall on the parked copy. */
static inline char *esc_block_src(char *d, const unsigned char *p, unsigned mask,
    unsigned lim)
{
	unsigned prev = 0;

	while (mask) {
		unsigned at = (unsigned)__builtin_ctz(mask);
		unsigned char k = esc_class[p[at]];

		mask &= mask - 1;
		_mm_storeu_si128((__m128i *)(void *)d,
		    _mm_loadu_si128((const __m128i *)(const void *)(p + prev)));
		d += at - prev;
		memcpy(d, esc_text[k], 8);
		d += esc_len[k];
		prev = at + 1;
	}
	_mm_storeu_si128((__m128i *)(void *)d,
	    _mm_loadu_si128((const __m128i *)(const void *)(p + prev)));
	return d + (lim - prev);
}

static inline char *esc_block(char *d, __m128i v, unsigned mask, unsigned lim)
{
	_Alignas(16) unsigned char tmp[32];
	unsigned prev = 0;

	_mm_store_si128((__m128i *)(void *)tmp, v);
	_mm_store_si128((__m128i *)(void *)(tmp + 16), _mm_setzero_si128());
	while (mask) {
		unsigned at = (unsigned)__builtin_ctz(mask);
		unsigned char k = esc_class[tmp[at]];

		mask &= mask - 1;
		_mm_storeu_si128((__m128i *)(void *)d,
		    _mm_loadu_si128((const __m128i *)(const void *)(tmp + prev)));
		d += at - prev;
		memcpy(d, esc_text[k], 8);
		d += esc_len[k];
		prev = at + 1;
	}
	_mm_storeu_si128((__m128i *)(void *)d,
	    _mm_loadu_si128((const __m128i *)(const void *)(tmp + prev)));
	return d + (lim - prev);
}

static inline unsigned esc_mask(__m128i v)
{
	const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'),
	    gt = _mm_set1_epi8('>'), dq = _mm_set1_epi8('"'), sq = _mm_set1_epi8('\'');

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)), _mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, dq)), _mm_cmpeq_epi8(v, sq))));
}
#endif


#ifdef __SSE2__
/*
 * A write cursor for the template renderer: the next byte and the end of
 * the buffer's capacity, kept in registers instead of reloading b after
 * every store (a char store may alias b's fields).  Sync b->len before
 * anything else looks at the buffer.
 */
struct esc_cur {
	char *d, *end;
};

static inline int cur_room(nitro_buf *b, struct esc_cur *c, size_t n)
{
	if ((size_t)(c->end - c->d) > n)
		return 0;
	b->len = (size_t)(c->d - b->data);
	if (nitro_buf_grow(b, n))
		return b->err;
	c->d = b->data + b->len;
	c->end = b->data + b->cap;
	return 0;
}

/* The entity of a special byte (all are below 64) in one 8-byte word:
 * the text in the low bytes, its length in the top byte, so that one
 * load and one fixed 8-byte store write it (x86: little-endian). */
#define ESC_ENT(a, b, c, d, e, f, n) ((uint64_t)(unsigned char)(a) | \
	(uint64_t)(unsigned char)(b) << 8 | (uint64_t)(unsigned char)(c) << 16 | \
	(uint64_t)(unsigned char)(d) << 24 | (uint64_t)(unsigned char)(e) << 32 | \
	(uint64_t)(unsigned char)(f) << 40 | (uint64_t)(n) << 56)
static const uint64_t esc_ent[64] = {
	['&'] = ESC_ENT('&', 'a', 'm', 'p', ';', 0, 5),
	['<'] = ESC_ENT('&', 'l', 't', ';', 0, 0, 4),
	['>'] = ESC_ENT('&', 'g', 't', ';', 0, 0, 4),
	['"'] = ESC_ENT('&', 'q', 'u', 'o', 't', ';', 6),
	['\''] = ESC_ENT('&', '#', 'x', '2', '7', ';', 6),
};
#undef ESC_ENT
#endif

#if defined(__SSE2__) && !defined(NITRO_NO_OVERREAD)
#define NITRO_FAST_ESCAPE 1
/* Output room one block may need: 16 bytes * 6 and the 16-byte moves. */
#define ESC_BLOCK_ROOM (16 * 6 + 17)

/* escape_cstr() through a cursor; the buffer must have no max.  room_ok:
 * the caller has made room for the first block already. */
static inline __attribute__((always_inline)) int cur_escape(nitro_buf *b,
    struct esc_cur *c, const char *s, int room_ok)
{
	const unsigned char *p = (const unsigned char *)s;

	for (;; room_ok = 0) {
		__m128i v;
		unsigned mask, z, lim;

		if (!room_ok && cur_room(b, c, ESC_BLOCK_ROOM))
			return b->err;
		if (!OVERREAD_OK(p)) {
			for (int i = 0; i < 16; i++, p++) {
				unsigned char k = esc_class[*p];

				if (*p == '\0')
					return 0;
				if (k == 0) {
					*c->d++ = (char)*p;
				} else {
					memcpy(c->d, esc_text[k], 8);
					c->d += esc_len[k];
				}
			}
			continue;
		}
		v = _mm_loadu_si128((const __m128i *)(const void *)p);
		mask = esc_mask(v);
		z = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128()));
		lim = z ? (unsigned)__builtin_ctz(z) : 16;
		if (z)
			mask &= (1u << lim) - 1;
		if (mask == 0) {
			_mm_storeu_si128((__m128i *)(void *)c->d, v);
			c->d += lim;
		} else if (OVERREAD32_OK(p)) {
			c->d = esc_block_src(c->d, p, mask, lim);
		} else {
			c->d = esc_block(c->d, v, mask, lim);
		}
		if (z)
			return 0;
		p += 16;
	}
}
#endif

/*
 * Escape a NUL-terminated string without measuring it first: the vector
 * loop finds the NUL and the specials in the same pass.  Used by the
 * template renderer and the writer's text and attribute calls.
 */
static inline __attribute__((always_inline)) int escape_cstr(nitro_buf *b, const char *s)
{
#ifdef NITRO_FAST_ESCAPE
	struct esc_cur c;
	int rc;

	if (b->err)
		return b->err;
	if (b->max != 0 || b->data == NULL)	/* exact accounting: the plain path */
		return nitro_html_escape(b, s, strlen(s));
	c.d = b->data + b->len;
	c.end = b->data + b->cap;
	if ((rc = cur_escape(b, &c, s, 0)) != 0)
		return rc;
	b->len = (size_t)(c.d - b->data);
	b->data[b->len] = '\0';
	return 0;
#else
	return nitro_html_escape(b, s, strlen(s));
#endif
}

#endif
