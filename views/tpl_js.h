/*
 * Internal: where a template hole sits inside a Datastar expression
 * (tpl_js.c).  The template compiler feeds the expression one character
 * at a time, with character references already decoded, and asks at each
 * hole whether it is inside a '...' or "..." string.
 */
#ifndef NITRO_VIEWS_TPL_JS_H
#define NITRO_VIEWS_TPL_JS_H

#include <stddef.h>

#define NITRO__JSL_DEPTH 32	/* open ( [ { ${ in one expression */

struct nitro__jsl {
	unsigned char state;	/* code, string, template, comment, regex */
	unsigned char esc;	/* the last character was a backslash */
	unsigned char slash;	/* a '/' in code, waiting for the next one */
	unsigned char slash_as;	/* what that '/' may start (enum in tpl_js.c) */
	unsigned char star;	/* a block comment's last character was '*' */
	unsigned char dollar;	/* a template's last character was '$' */
	unsigned char divide;	/* what a '/' here may start */
	unsigned char block;	/* a '{' here opens a block, not an object */
	unsigned char dot;	/* the last token was '.': a property name follows */
	unsigned char flags;	/* in a regular expression's flags */
	unsigned char ctrl;	/* the last word was if, for, while or with */
	unsigned char prop;	/* the word being read started after a '.' */
	unsigned char stack[NITRO__JSL_DEPTH];
	unsigned depth, subst;	/* open brackets; open ${ among them */
	unsigned last;		/* the previous character in code (' ' after space) */
	unsigned run;		/* how many times in a row it came */
	unsigned char hist[3];	/* the three characters before, for <!-- and --> */
	char word[12];		/* the identifier being read, to tell keywords */
	size_t wlen;		/* its length (0: none open) */
};

void nitro__jsl_init(struct nitro__jsl *l);

/* One character (a code point; bytes of other UTF-8 sequences as they
 * come).  NULL, or why the expression cannot be classified. */
const char *nitro__jsl_feed(struct nitro__jsl *l, unsigned cp);

/* NULL when a hole here is inside a '...' or "..." string (not in a
 * template literal's ${...}, not right after a backslash); else why not. */
const char *nitro__jsl_hole(const struct nitro__jsl *l);

/* NULL when the expression ends with nothing open. */
const char *nitro__jsl_end(struct nitro__jsl *l);

/*
 * The character a double-quoted attribute value spells at p, as the
 * browser reads it before Datastar does: its length in bytes and its code
 * point in *cp.  A character reference must end in ';' and be one this
 * reader knows (&#39; &#x2F; &quot; &amp; ...); a '&' that starts none is
 * itself.  0 for a reference it cannot read or that a hole right after it
 * could complete ("&#{{v}}", "&{{v}}").  Bytes that are not valid UTF-8
 * come one at a time, each as U+FFFD.
 */
size_t nitro__jsl_char(const char *p, unsigned *cp);

#endif
