/*
 * A field's POSIX extended regular expression as an HTML pattern
 * attribute.  The two differ in three ways that matter:
 *   - the browser anchors a pattern, ^(?:p)$, while regexec() searches:
 *     an unanchored "[0-9]" means "holds a digit" on the server;
 *   - the browser compiles it with the v flag, where a character class
 *     must escape ( ) [ ] { } / - | \ and doubled punctuation, and an
 *     identity escape of anything but syntax characters is an error;
 *   - POSIX has bracket classes ([:alpha:]) that JavaScript lacks, and a
 *     backslash inside brackets is a literal.
 * So the translation wraps the search as [\s\S]*(?:p)[\s\S]* (^ and $
 * inside keep their meaning: without the m flag they only match at the
 * ends), spells classes as ASCII ranges and escapes what v needs.  What
 * has no faithful translation (back-references, collating elements,
 * equivalence classes, GNU word boundaries \< \>) leaves the attribute
 * out: the server still checks, and a wrong pattern would refuse good
 * input in the browser.
 */
#include <string.h>

#include "views/form.h"

/* Patterns longer than this are left to the server. */
#define PATTERN_MAX 512

static const struct {
	const char *name, *js;
} classes[] = {
	{"alpha", "a-zA-Z"}, {"digit", "0-9"}, {"alnum", "a-zA-Z0-9"},
	{"upper", "A-Z"}, {"lower", "a-z"}, {"space", " \\t\\n\\r\\f\\v"},
	{"blank", " \\t"}, {"xdigit", "0-9A-Fa-f"}, {"cntrl", "\\x00-\\x1f\\x7f"},
	{"print", "\\x20-\\x7e"}, {"graph", "\\x21-\\x7e"},
	{"punct", "!-\\/:-@\\[-`\\{-~"}, {"word", "a-zA-Z0-9_"},
};

/* Needs a backslash inside a v-mode class: syntax characters and the
 * reserved punctuation (escaping those is allowed, leaving them bare is
 * not always). */
static int class_special(unsigned char c)
{
	return c != '\0' && strchr("()[]{}/-|\\^$.*+?&!#%,:;<=>@`~", c) != NULL;
}

/* Outside a class, a literal needing a backslash in u/v mode. */
static int bare_special(unsigned char c)
{
	return c != '\0' && strchr("()[]{}/|\\^$.*+?", c) != NULL;
}

static void put_class_char(nitro_buf *o, unsigned char c)
{
	if (c < 0x20 || c == 0x7f)
		nitro_buf_printf(o, "\\x%02x", c);
	else if (class_special(c))
		nitro_buf_printf(o, "\\%c", c);
	else
		nitro_buf_putc(o, (char)c);
}

/* The UTF-8 sequence at p (1 for ASCII or a stray byte). */
static size_t seq_len(const unsigned char *p)
{
	size_t n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;

	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* A bracket expression starting after '['; *pp moves past its ']'. */
static int bracket(nitro_buf *o, const unsigned char **pp)
{
	const unsigned char *p = *pp;
	int first = 1;

	nitro_buf_putc(o, '[');
	if (*p == '^') {
		nitro_buf_putc(o, '^');
		p++;
	}
	for (;; first = 0) {
		if (*p == '\0')
			return -1;
		if (*p == ']' && !first)
			break;
		if (p[0] == '[' && (p[1] == '=' || p[1] == '.'))
			return -1;	/* equivalence classes, collating elements */
		if (p[0] == '[' && p[1] == ':') {
			const unsigned char *end = (const unsigned char *)strstr((const char *)p + 2, ":]");
			size_t k, n;

			if (end == NULL)
				return -1;
			n = (size_t)(end - (p + 2));
			for (k = 0; k < sizeof classes / sizeof *classes; k++)
				if (strlen(classes[k].name) == n &&
				    memcmp(classes[k].name, p + 2, n) == 0)
					break;
			if (k == sizeof classes / sizeof *classes)
				return -1;
			nitro_buf_puts(o, classes[k].js);
			p = end + 2;
			continue;
		}
		if (*p >= 0x80) {	/* a character beyond ASCII, whole */
			size_t n = seq_len(p);

			if (p[n] == '-' && p[n + 1] != ']')
				return -1;	/* ranges of those: locale business */
			nitro_buf_append(o, p, n);
			p += n;
			continue;
		}
		put_class_char(o, *p);
		if (p[1] == '-' && p[2] != ']' && p[2] != '\0') {	/* a range */
			if (p[2] >= 0x80 || p[2] < p[0] || (p[2] == '[' && p[3] == ':'))
				return -1;
			nitro_buf_putc(o, '-');
			put_class_char(o, p[2]);
			p += 3;
		} else {
			p++;
		}
	}
	nitro_buf_putc(o, ']');
	*pp = p + 1;
	return 0;
}

/* {n}, {n,}, {n,m} at p; its length, or 0 when it is not one. */
static size_t interval(const unsigned char *p)
{
	size_t i = 1, digits = 0;

	while (p[i] >= '0' && p[i] <= '9')
		i++, digits++;
	if (digits == 0)
		return 0;
	if (p[i] == ',')
		for (i++; p[i] >= '0' && p[i] <= '9'; i++)
			;
	return p[i] == '}' ? i + 1 : 0;
}

/* The translation of posix into t; 0, or -1 when there is none.  *alt
 * says whether a | sits outside every group. */
static int translate(nitro_buf *t, const unsigned char *p, int *alt)
{
	int depth = 0;

	*alt = 0;
	while (*p) {
		size_t n;

		switch (*p) {
		case '[':
			p++;
			if (bracket(t, &p) < 0)
				return -1;
			continue;
		case '\\':
			/* Escaped syntax characters stay; \w \s \d \b and their
			 * capitals mean the same in ASCII; anything else is a
			 * back-reference or a GNU operator. */
			if (p[1] != '\0' && (bare_special(p[1]) || strchr("wWsSdDbB", p[1]))) {
				nitro_buf_putc(t, '\\');
				nitro_buf_putc(t, (char)p[1]);
				p += 2;
				continue;
			}
			return -1;
		case '{':
			if ((n = interval(p)) == 0)
				return -1;
			nitro_buf_append(t, p, n);
			p += n;
			continue;
		case '}':
		case ']':
		case '/':
			nitro_buf_putc(t, '\\');
			nitro_buf_putc(t, (char)*p++);
			continue;
		case '(':
			/* A POSIX group is capturing; (? would be JS syntax. */
			if (p[1] == '?')
				return -1;
			depth++;
			break;
		case ')':
			if (--depth < 0)
				return -1;
			break;
		case '|':
			*alt |= depth == 0;
			break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			nitro_buf_printf(t, "\\x%02x", *p++);
			continue;
		}
		n = seq_len(p);
		/* A quantifier after a character beyond ASCII repeats its last
		 * byte for regcomp in the C locale, the whole character for
		 * the browser: no faithful translation. */
		if (n > 1 && p[n] != '\0' && strchr("*+?{", p[n]) != NULL)
			return -1;
		nitro_buf_append(t, p, n);
		p += n;
	}
	return depth == 0 && t->err == 0 ? 0 : -1;
}

int nitro__html_pattern(nitro_buf *o, const char *posix)
{
	nitro_buf t;
	char mem[PATTERN_MAX];
	size_t n;
	int alt, anchored;

	if (posix == NULL || (n = strlen(posix)) > PATTERN_MAX)
		return -1;
	nitro_buf_init_on(&t, mem, sizeof mem, 8 * PATTERN_MAX);
	if (translate(&t, (const unsigned char *)posix, &alt) < 0) {
		nitro_buf_free(&t);
		return -1;
	}
	/* "^...$" needs no wrapping: the browser's own anchors agree. */
	anchored = !alt && n >= 2 && posix[0] == '^' && posix[n - 1] == '$' &&
	    t.len >= 2 && t.data[t.len - 2] != '\\';
	if (!anchored)
		nitro_buf_puts(o, "[\\s\\S]*(?:");
	nitro_buf_append(o, t.data, t.len);
	if (!anchored)
		nitro_buf_puts(o, ")[\\s\\S]*");
	nitro_buf_free(&t);
	return o->err;
}
