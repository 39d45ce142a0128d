/*
 * The template renderer's vector code: SSE2 (every x86-64) and AVX2
 * (chosen at run time when the CPU has it), written once in
 * views/tpl_loop.h and compiled here for each width.  The plain renderer
 * in views/tpl.c is the reference; tests/unit/test_tpl_simd.c holds every
 * variant to its bytes.
 *
 * What makes them fast: the output is reserved once per render, so that
 * static runs and values move with fixed-size vector stores that may
 * write past the end; values are read a vector at a time, which may read
 * past their NUL within the page (OVERREAD_OK in views/escape.h, the one
 * guard); specials are found with a compare and a mask, not byte by byte.
 */
#include <stdint.h>
#include <string.h>

#include "views/escape.h"
#include "views/tpl.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__SSE2__) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define TPL_AVX2 1	/* an AVX2 renderer, chosen at run time */
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

#ifdef __SSE2__
/* The SSE2 renderer (every x86-64).  Specials: & ' are 0x26 0x27, the
 * bytes whose value | 1 is 0x27; < > are 0x3c 0x3e, | 2 is 0x3e. */
static inline __attribute__((always_inline)) unsigned sse2_html(__m128i v)
{
	__m128i a = _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(1)), _mm_set1_epi8(0x27));
	__m128i l = _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(2)), _mm_set1_epi8(0x3e));
	__m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
	__m128i z = _mm_cmpeq_epi8(v, _mm_setzero_si128());

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, l), _mm_or_si128(q, z)));
}

/* JavaScript string escaping leaves alone bytes 0x20..0x7e but for
 * \ ' " < > & (NUL is below 0x20; signed, 0x80.. are too). */
static inline __attribute__((always_inline)) unsigned sse2_js(__m128i v)
{
	__m128i c = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
	    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));

	return sse2_html(v) | (unsigned)_mm_movemask_epi8(c);
}

#define TL_NAME(x) sse2_##x
#define TL_TARGET
#define TL_W 16
#define TL_VEC __m128i
#define TL_LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define TL_STORE(d, v) _mm_storeu_si128((__m128i *)(void *)(d), (v))
#define TL_HTML(v) sse2_html(v)
#define TL_JS(v) sse2_js(v)
#include "views/tpl_loop.h"
#endif

#ifdef TPL_AVX2
/*
 * The AVX2 renderer: 32 bytes a block, and the specials in two
 * instructions.  Their low nibbles differ (NUL 0, " 2, & 6, ' 7, < c,
 * > e), so a byte is special when a table lookup by its low nibble gives
 * the byte back; other nibbles give 0xff, which no byte below 0x80
 * equals, and bytes from 0x80 look up 0.
 */
#define AVX2 __attribute__((target("avx2")))

static inline __attribute__((always_inline)) AVX2 unsigned avx2_html(__m256i v)
{
	const __m256i lut = _mm256_setr_epi8(
	    0x00, -1, 0x22, -1, -1, -1, 0x26, 0x27, -1, -1, -1, -1, 0x3c, -1, 0x3e, -1,
	    0x00, -1, 0x22, -1, -1, -1, 0x26, 0x27, -1, -1, -1, -1, 0x3c, -1, 0x3e, -1);

	return (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_shuffle_epi8(lut, v), v));
}

static inline __attribute__((always_inline)) AVX2 unsigned avx2_js(__m256i v)
{
	__m256i c = _mm256_or_si256(_mm256_cmpgt_epi8(_mm256_set1_epi8(0x20), v),
	    _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7f)),
	    _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'))));

	return avx2_html(v) | (unsigned)_mm256_movemask_epi8(c);
}

#define TL_NAME(x) avx2_##x
#define TL_TARGET AVX2
#define TL_W 32
#define TL_VEC __m256i
#define TL_LOAD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define TL_STORE(d, v) _mm256_storeu_si256((__m256i *)(void *)(d), (v))
#define TL_HTML(v) avx2_html(v)
#define TL_JS(v) avx2_js(v)
#include "views/tpl_loop.h"
#endif

/* The renderer in use: TPL_PLAIN, TPL_SSE2 or TPL_AVX2 (-1: not chosen
 * yet).  Read and written with relaxed atomics: any thread may choose,
 * all choose the same. */
static int tpl_variant = -1;

static int tpl_best(void)
{
#ifdef TPL_AVX2
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2"))
		return NITRO_TPL_AVX2;
#endif
#ifdef __SSE2__
	return NITRO_TPL_SSE2;
#else
	return NITRO_TPL_PLAIN;
#endif
}

int nitro__tpl_variant(int want)
{
	int best = tpl_best();

	if (want >= 0)
		__atomic_store_n(&tpl_variant, want < best ? want : best, __ATOMIC_RELAXED);
	else if (__atomic_load_n(&tpl_variant, __ATOMIC_RELAXED) < 0)
		__atomic_store_n(&tpl_variant, best, __ATOMIC_RELAXED);
	return __atomic_load_n(&tpl_variant, __ATOMIC_RELAXED);
}


/*
 * The entry point sits here, with the renderers it picks from, so that
 * the call to the vector one is direct: this runs for every template on
 * a page.
 */
int nitro_tpl_render(nitro_html *h, const nitro_tpl *t, const char *const *args, size_t n)
{
	nitro_buf *b = h->out;

	/* An open start tag to end, or an error: the writer's slow path. */
	if (h->err || h->in_tag || b->err) {
		int rc = nitro__html_content(h);

		if (rc != 0)
			return rc;
	}
	if (t == NULL || n != t->holes || (n > 0 && args == NULL))
		return nitro__html_fail(h, NITRO_EINVAL, "template: %zu values for %zu holes",
		    n, t ? t->holes : 0);
#ifdef __SSE2__
	/* The vector renderers reserve room once and write past the end:
	 * only a buffer without a limit allows that. */
	if (b->max == 0 && b->data != NULL) {
		int v = __atomic_load_n(&tpl_variant, __ATOMIC_RELAXED);

		if (v < 0)
			v = nitro__tpl_variant(-1);
#ifdef TPL_AVX2
		if (v == NITRO_TPL_AVX2)
			return avx2_render(h, t, args);
#endif
		if (v == NITRO_TPL_SSE2)
			return sse2_render(h, t, args);
	}
#endif
	return nitro__tpl_render_plain(h, t, args);
}
