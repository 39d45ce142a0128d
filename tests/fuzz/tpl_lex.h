/*
 * The fuzz_tpl harness's own reading of the JavaScript in a Datastar
 * attribute, written apart from views/tpl_js.c so that the two check each
 * other: the attribute value is decoded as a browser decodes it, then
 * split into tokens, and every byte is told which token it belongs to.
 */
#ifndef NITRO_TESTS_FUZZ_TPL_LEX_H
#define NITRO_TESTS_FUZZ_TPL_LEX_H

#include <stdlib.h>
#include <string.h>

enum { FT_SPACE, FT_STR, FT_TPL, FT_RE, FT_COMMENT, FT_WORD, FT_PUNCT };

struct ftok {
	size_t ntok;
	unsigned *of;		/* token number of each byte (0: space) */
	unsigned char *kind;	/* kind of each token */
};

/* UTF-8 for code point v at o; its length. */
static size_t ft_utf8(unsigned long v, char *o)
{
	if (v < 0x80) {
		o[0] = (char)v;
		return 1;
	}
	if (v < 0x800) {
		o[0] = (char)(0xc0 | v >> 6);
		o[1] = (char)(0x80 | (v & 63));
		return 2;
	}
	if (v < 0x10000) {
		o[0] = (char)(0xe0 | v >> 12);
		o[1] = (char)(0x80 | (v >> 6 & 63));
		o[2] = (char)(0x80 | (v & 63));
		return 3;
	}
	o[0] = (char)(0xf0 | v >> 18);
	o[1] = (char)(0x80 | (v >> 12 & 63));
	o[2] = (char)(0x80 | (v >> 6 & 63));
	o[3] = (char)(0x80 | (v & 63));
	return 4;
}

/* Character references as HTML decodes them in an attribute: numeric
 * ones with or without ';', the named ones that spell punctuation.  The
 * result (at most n bytes) goes to o; its length. */
static size_t ft_decode(const char *s, size_t n, char *o)
{
	static const char *const named[] = { "amp;&", "lt;<", "gt;>", "quot;\"",
	    "apos;'", "grave;`", "sol;/", "bsol;\\", "ast;*", "midast;*", "num;#",
	    "dollar;$", "lpar;(", "rpar;)", "lsqb;[", "rsqb;]", "lbrack;[", "rbrack;]",
	    "lcub;{", "rcub;}", "lbrace;{", "rbrace;}", "NewLine;\n", "Tab;\t",
	    "excl;!", "equals;=", "plus;+", "comma;,", "period;.", "colon;:",
	    "semi;;", "quest;?", "verbar;|", "vert;|", "lowbar;_", "percnt;%",
	    "commat;@", "Hat;^", "amp&", "lt<", "gt>", "quot\"", NULL };
	size_t i = 0, k = 0;

	while (i < n) {
		if (s[i] == '&' && i + 1 < n && s[i + 1] == '#') {
			size_t j = i + 2;
			int hex = j < n && (s[j] == 'x' || s[j] == 'X');
			unsigned long v = 0;

			j += (size_t)hex;
			size_t d0 = j;
			while (j < n && (hex ? strchr("0123456789abcdefABCDEF", s[j]) != NULL :
			    s[j] >= '0' && s[j] <= '9') && s[j] != '\0' && v <= 0x10ffff) {
				v = v * (hex ? 16 : 10) + (unsigned long)(s[j] <= '9' ? s[j] - '0' :
				    (s[j] | 0x20) - 'a' + 10);
				j++;
			}
			if (j > d0) {
				if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
					v = 0xfffd;
				k += ft_utf8(v, o + k);
				i = j + (j < n && s[j] == ';');
				continue;
			}
		} else if (s[i] == '&') {
			const char *const *e;

			for (e = named; *e; e++) {
				size_t len = strlen(*e) - 1;

				if (len <= n - i - 1 && memcmp(s + i + 1, *e, len) == 0)
					break;
			}
			if (*e) {
				size_t len = strlen(*e) - 1;

				o[k++] = (*e)[len];
				i += 1 + len;
				continue;
			}
		}
		o[k++] = s[i++];
	}
	return k;
}

static int ft_is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '$' || c >= 0x80;
}

static int ft_line_end(const char *s, size_t n, size_t i)
{
	return s[i] == '\n' || s[i] == '\r' || (i + 2 < n && (unsigned char)s[i] == 0xe2 &&
	    (unsigned char)s[i + 1] == 0x80 && ((unsigned char)s[i + 2] & 0xfe) == 0xa8);
}

/*
 * Tokens of s.  A '/' starts a regular expression at the start, after a
 * punctuator other than ) ] }, after the ')' of if/for/while/with, after
 * the '}' of a block and after return-like keywords (not after a '.');
 * elsewhere it divides.  A '{' opens a block at the start, after ; ) =>
 * a block's braces and else/do/try/finally, else an object.
 */
static void ft_lex(const char *s, size_t n, struct ftok *t)
{
	char stack[64];		/* ( c=if-paren [ { b=block $=${ */
	int sp = 0, re = 1, blk = 1, dot = 0, ctrl = 0;
	size_t i = 0;

	t->ntok = 0;
	memset(t->of, 0, n * sizeof *t->of);
	while (i < n) {
		size_t st = i;
		unsigned char c = (unsigned char)s[i];
		int kind;

		if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || ft_line_end(s, n, i)) {
			i += (c == 0xe2) ? 3 : 1;
			continue;
		}
		if (c == '/' && i + 1 < n && (s[i + 1] == '/' || s[i + 1] == '*')) {
			if (s[i + 1] == '/') {
				while (i < n && !ft_line_end(s, n, i))
					i++;
			} else {
				for (i += 2; i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'); i++)
					;
				i = i + 2 > n ? n : i + 2;
			}
			kind = FT_COMMENT;
		} else if (c == '<' && i + 3 < n && memcmp(s + i, "<!--", 4) == 0) {
			while (i < n && !ft_line_end(s, n, i))
				i++;
			kind = FT_COMMENT;
		} else if (c == '\'' || c == '"') {
			for (i++; i < n && s[i] != (char)c && !ft_line_end(s, n, i); i++)
				if (s[i] == '\\')
					i++;
			i = i < n ? i + 1 : n;
			kind = FT_STR;
			re = blk = dot = ctrl = 0;
		} else if (c == '`' || (c == '}' && sp > 0 && stack[sp - 1] == '$')) {
			if (c == '}')
				sp--;
			for (i++; i < n && s[i] != '`'; i++) {
				if (s[i] == '\\')
					i++;
				else if (s[i] == '$' && i + 1 < n && s[i + 1] == '{')
					break;
			}
			if (i < n && s[i] == '$') {
				i += 2;
				if (sp < 64)
					stack[sp++] = '$';
				re = 1;
				blk = 0;
			} else {
				i = i < n ? i + 1 : n;
				re = blk = 0;
			}
			kind = FT_TPL;
			dot = ctrl = 0;
		} else if (c == '/' && re) {
			int cls = 0;

			for (i++; i < n && !ft_line_end(s, n, i) && (cls || s[i] != '/'); i++) {
				if (s[i] == '\\')
					i++;
				else if (s[i] == '[')
					cls = 1;
				else if (s[i] == ']')
					cls = 0;
			}
			for (i = i < n ? i + 1 : n; i < n && ft_is_word((unsigned char)s[i]); i++)
				;
			kind = FT_RE;
			re = blk = dot = ctrl = 0;
		} else if (ft_is_word(c)) {
			static const char *const kw[] = { "return", "typeof", "instanceof", "in",
			    "new", "delete", "void", "throw", "case", "do", "else", NULL };
			static const char *const bk[] = { "do", "else", "try", "finally", NULL };
			static const char *const ck[] = { "if", "for", "while", "with", NULL };
			int iskw = 0, isbk = 0, isck = 0;

			/* a number takes one '.': "1./" divides, "1../" is
			 * a member access (a syntax error) */
			int point = 0;

			while (i < n && (ft_is_word((unsigned char)s[i]) ||
			    (s[i] == '.' && !dot && !point && s[st] >= '0' && s[st] <= '9'))) {
				point |= s[i] == '.';
				i++;
			}
			for (int k = 0; !dot && kw[k]; k++)
				iskw |= strlen(kw[k]) == i - st && memcmp(kw[k], s + st, i - st) == 0;
			for (int k = 0; !dot && bk[k]; k++)
				isbk |= strlen(bk[k]) == i - st && memcmp(bk[k], s + st, i - st) == 0;
			for (int k = 0; !dot && ck[k]; k++)
				isck |= strlen(ck[k]) == i - st && memcmp(ck[k], s + st, i - st) == 0;
			kind = FT_WORD;
			re = iskw;
			blk = isbk;
			ctrl = isck;
			dot = 0;
		} else {
			int was_ctrl = ctrl;

			kind = FT_PUNCT;
			i++;
			ctrl = dot = 0;
			if ((c == '+' || c == '-') && i < n && s[i] == (char)c) {
				i++;
				re = blk = 0;	/* a++ / 2 */
			} else if (c == '=' && i < n && s[i] == '>') {
				i++;
				re = blk = 1;
			} else if (c == '(' || c == '[' || c == '{') {
				if (sp < 64)
					stack[sp++] = c == '(' ? (was_ctrl ? 'c' : '(') :
					    c == '{' ? (blk ? 'b' : '{') : '[';
				re = 1;
				blk = c == '{' && stack[sp - 1] == 'b';
			} else if (c == ')' || c == ']' || c == '}') {
				char o = sp > 0 ? stack[--sp] : '(';

				re = o == 'c' || o == 'b';
				blk = c == ')' || o == 'b';
			} else {
				re = 1;
				blk = c == ';';
				dot = c == '.';
			}
		}
		t->ntok++;
		t->kind[t->ntok] = (unsigned char)kind;
		for (size_t j = st; j < i && j < n; j++)
			t->of[j] = (unsigned)t->ntok;
	}
}

#endif
