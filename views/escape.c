/*
 * HTML escaping and URL scheme checks.  The escaper is the inner loop of
 * every page, so it scans with a byte class table and copies the runs
 * between special bytes with one memcpy each.
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "views/escape.h"

#ifdef __SSE2__
/*
 * Write the first lim bytes of the block at p to d with the specials in
 * mask replaced; returns the new end.  Every run between specials moves
 * with one fixed 16-byte copy: a special costs a dozen instructions, not
 * a reload.  32 bytes from p must be readable; d needs room for
 * 16 * 6 + 16 bytes.
 */
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

/* The same for the block v when 32 bytes from its source cannot be read:
 * v is parked in a stack buffer (with zeros after it) and walked there.
 * Straight from the source is better when it can be: no
 * store-to-load forwarding stall on the parked copy. */
static inline char *esc_block(char *d, __m128i v, unsigned mask, unsigned lim)
{
	_Alignas(16) unsigned char tmp[32];

	_mm_store_si128((__m128i *)(void *)tmp, v);
	_mm_store_si128((__m128i *)(void *)(tmp + 16), _mm_setzero_si128());
	return esc_block_src(d, tmp, mask, lim);
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

/*
 * The loop for text that fits a worst-case reservation: no bounds checks.
 * With SSE2 (every x86-64) 16 bytes are tested at once and a block with
 * no special byte is stored whole; the rest goes byte by byte.  (The
 * 16-byte loads may read past end within the same page, which cannot
 * fault; AddressSanitizer builds take the byte loop only.)
 */
static void escape_reserved(nitro_buf *b, const unsigned char *p, const unsigned char *end)
{
	char *d = b->data + b->len;

#ifdef __SSE2__
	for (;;) {
		size_t left = (size_t)(end - p);
		unsigned lim = left < 16 ? (unsigned)left : 16, mask;
		__m128i v;

		if (left == 0)
			break;
		/* A short tail is loaded whole when the 16 bytes cannot cross
		 * into the next page; the bytes past end are masked off. */
		if (left < 16 && !OVERREAD_OK(p, 16))
			break;
		v = _mm_loadu_si128((const __m128i *)(const void *)p);
		mask = esc_mask(v);
		if (left < 16)
			mask &= (1u << left) - 1;
		d = mask && OVERREAD_OK(p, 32) ? esc_block_src(d, p, mask, lim) :
		    esc_block(d, v, mask, lim);
		p += lim;
	}
#endif
	while (p < end) {
		unsigned char c = *p++, k = esc_class[c];

		if (__builtin_expect(k == 0, 1)) {
			*d++ = (char)c;
		} else {
			memcpy(d, esc_text[k], 8);	/* fixed size: inlined */
			d += esc_len[k];
		}
	}
	b->len = (size_t)(d - b->data);
	b->data[b->len] = '\0';
}

int nitro_html_escape(nitro_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *run;
	size_t need;

	if (b->err)
		return b->err;
	/* Short text (attribute values, names, descriptions): reserve for the
	 * worst case, 6 bytes out per byte in, unless that would trip the
	 * buffer's limit, and copy byte by byte. */
	if (len <= 4096 && (b->max == 0 || b->len + len * 6 + 33 <= b->max)) {
		if (len * 6 + 32 >= b->cap - b->len && nitro_buf_grow(b, len * 6 + 32))
			return b->err;
		escape_reserved(b, p, end);
		return 0;
	}
	/* Long text: reserve its length once, then copy the runs between
	 * specials with memcpy. */
	if (len >= b->cap - b->len && nitro_buf_grow(b, len))
		return b->err;
	for (;;) {
		run = p;
		while (end - p >= 4) {
			if (esc_class[p[0]]) goto hit;
			if (esc_class[p[1]]) { p += 1; goto hit; }
			if (esc_class[p[2]]) { p += 2; goto hit; }
			if (esc_class[p[3]]) { p += 3; goto hit; }
			p += 4;
		}
		while (p < end && !esc_class[*p])
			p++;
hit:
		need = (size_t)(p - run) + (p < end ? 6 : 0);
		if (need >= b->cap - b->len && nitro_buf_grow(b, need))
			return b->err;
		memcpy(b->data + b->len, run, (size_t)(p - run));
		b->len += (size_t)(p - run);
		if (p == end)
			break;
		memcpy(b->data + b->len, esc_text[esc_class[*p]], 6);
		b->len += esc_len[esc_class[*p]];
		p++;
	}
	b->data[b->len] = '\0';
	return 0;
}

/* Schemes allowed in URL attributes, lower case. */
static const char *const safe_schemes[] = { "http", "https", "mailto", "tel", NULL };
static const char *const safe_images[] = { "png", "jpeg", "jpg", "gif", "webp", "avif", NULL };

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/*
 * Browsers drop leading C0 controls and spaces and every tab, CR and LF
 * before they parse a URL, so "\x01 Java\tScript:" is javascript:.  We
 * skip every byte <= 0x20 while reading the scheme, a superset of that.
 */
int nitro_url_is_safe(const char *url)
{
	char scheme[16], rest[16];
	size_t n = 0, m = 0, i;
	const unsigned char *p = (const unsigned char *)url;

	if (url == NULL)
		return 0;
	if (url[0] == '/' || url[0] == '#' || url[0] == '?')
		return 1;	/* a path, query or fragment: no scheme possible */
	for (; *p; p++) {
		int c = lower(*p);

		if (c <= 0x20)
			continue;
		if (c == ':')
			break;
		if (c == '/' || c == '?' || c == '#')
			return 1;	/* no scheme: relative */
		if (!((c >= 'a' && c <= 'z') || (n > 0 && ((c >= '0' && c <= '9') ||
		    c == '+' || c == '-' || c == '.'))))
			return 1;	/* not a scheme: a relative path */
		if (n == sizeof scheme - 1)
			return 0;	/* no scheme we allow is this long */
		scheme[n++] = (char)c;
	}
	if (*p == '\0')
		return 1;		/* no colon at all */
	scheme[n] = '\0';
	if (n == 0)
		return 0;		/* ":foo" is odd enough to refuse */
	for (i = 0; safe_schemes[i] != NULL; i++)
		if (strcmp(scheme, safe_schemes[i]) == 0)
			return 1;
	if (strcmp(scheme, "data") != 0)
		return 0;
	/* data:image/<type>[;...|,...] for raster images only (not svg). */
	for (p++; *p && m < sizeof rest - 1; p++) {
		int c = lower(*p);

		if (c <= 0x20)
			continue;
		if (c == ';' || c == ',')
			break;
		rest[m++] = (char)c;
	}
	rest[m] = '\0';
	if (strncmp(rest, "image/", 6) != 0 || (*p != ';' && *p != ','))
		return 0;
	for (i = 0; safe_images[i] != NULL; i++)
		if (strcmp(rest + 6, safe_images[i]) == 0)
			return 1;
	return 0;
}
