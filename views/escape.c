/*
 * HTML escaping and URL scheme checks.  The escaper is the inner loop of
 * every page, so it scans with a byte class table and copies the runs
 * between special bytes with one memcpy each.
 */
#include <string.h>

#include "views/internal.h"

/* 0: copy as is; otherwise the index of the entity. */
static const unsigned char esc_class[256] = {
	['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5
};
static const char esc_text[6][6] = { "", "&amp;", "&lt;", "&gt;", "&#34;", "&#39;" };
static const unsigned char esc_len[6] = { 0, 5, 4, 4, 5, 5 };

int nitro_html_escape(nitro_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *run;
	size_t need;

	if (b->err)
		return b->err;
	/* Most text has few specials: reserve its length once. */
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
		need = (size_t)(p - run) + (p < end ? 5 : 0);
		if (need >= b->cap - b->len && nitro_buf_grow(b, need))
			return b->err;
		memcpy(b->data + b->len, run, (size_t)(p - run));
		b->len += (size_t)(p - run);
		if (p == end)
			break;
		memcpy(b->data + b->len, esc_text[esc_class[*p]], 5);
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
