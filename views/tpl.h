/*
 * Prepared templates, inside: what the compiler (views/tpl.c) hands the
 * renderers, the plain reference renderer there and the vector renderers
 * in views/tpl_simd.c.  Private to those files.
 */
#ifndef NITRO_VIEWS_TPL_H
#define NITRO_VIEWS_TPL_H

#include "views/internal.h"

/* Where a hole sits, and so how its value is escaped. */
enum ctx { C_NONE, C_TEXT, C_ATTR, C_URL, C_JS };

/* What the vector renderers do after a static run: the context with the
 * keep and again flags folded in, so that it takes one switch. */
enum op { OP_ESC, OP_KEEP, OP_AGAIN, OP_URL, OP_JS, OP_END };

#define TPL_NAMES 64	/* distinct hole names */

struct seg {
	size_t off, len;	/* static bytes before the hole */
	enum ctx ctx;		/* the hole after them (C_NONE: last) */
	unsigned arg;		/* which value: holes with one name share it */
	int again;		/* text/attribute hole whose value an earlier one
				 * already escaped the same way */
	int keep;		/* a later hole copies this one's output */
	enum op op;
	const char *run;	/* the static bytes (text + off) */
	size_t need;		/* output room for the rest after this hole */
};

/* Output room budgeted per hole (one 32-byte block of specials, each 6
 * bytes out) and once per render for the vector moves past the end. */
#define ESC_HOLE (32 * 6)
#define ESC_SLACK 128

struct nitro_tpl {
	char *text;		/* the static bytes, padded by 64 zeros */
	struct seg *segs;
	size_t nsegs, holes;
	size_t need;		/* room for the static text and a block per hole */
};

/* 1 when JavaScript string escaping would leave v as it is. */
int nitro__tpl_js_plain(const char *v);
/* Append v for a JavaScript string: JS escapes, then HTML escapes. */
int nitro__tpl_js_value(nitro_html *h, const char *v);

/*
 * The template renderer's vector code: NITRO_TPL_PLAIN (C), _SSE2 or
 * _AVX2 (chosen at run time).  want >= 0 picks that one, or the best this
 * CPU has if it has not (for the tests); -1 only asks.  Returns the one
 * in use.
 */
enum { NITRO_TPL_PLAIN, NITRO_TPL_SSE2, NITRO_TPL_AVX2 };
int nitro__tpl_variant(int want);

/*
 * Write t with args (checked by nitro_tpl_render) to h->out: the
 * reference renderer, exact appends, one case per context, for any
 * buffer.  nitro_tpl_render (views/tpl_simd.c) calls it for buffers with
 * a limit and when no vector variant runs.
 */
int nitro__tpl_render_plain(nitro_html *h, const nitro_tpl *t, const char *const *args);

#endif
