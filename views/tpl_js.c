/*
 * Where a template hole sits in a Datastar expression.  A hole is safe
 * only inside a '...' or "..." string, where its value is escaped for
 * JavaScript; to know that, this lexer follows the expression as a
 * browser reads it: strings, template literals (`...${...}...`), comments
 * (a quote in a comment opens nothing) and regular-expression
 * literals (nor does one in /'/).
 *
 * Whether a '/' divides or starts a regular expression depends on the
 * token before it.  The rule here is the usual one (after a value it
 * divides, after an operator or a keyword such as return it starts a
 * literal; the ')' of if/for/while/with is not a value), and where it
 * stays unclear (after '}', or a contextual keyword such as of) the
 * expression is refused rather than guessed.  Holes inside ${...} are
 * refused too: Datastar rewrites the text there without regard to
 * strings.
 */
#include <string.h>

#include "core/utf8.h"
#include "views/tpl_js.h"

enum { S_CODE, S_SQ, S_DQ, S_TPL, S_LINE, S_BLOCK, S_RE, S_RECLASS };
enum { D_REGEX, D_DIV, D_UNCLEAR };	/* what a '/' may start */
enum { K_PAREN, K_CTRL, K_BRACKET, K_OBJ, K_BLOCK, K_SUBST };

void nitro__jsl_init(struct nitro__jsl *l)
{
	memset(l, 0, sizeof *l);
	l->state = S_CODE;
	l->divide = D_REGEX;
	l->block = 1;
	l->last = ' ';
	memset(l->hist, ' ', sizeof l->hist);
}

static int is_line_end(unsigned cp)
{
	return cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029;
}

static int is_space(unsigned cp)
{
	return cp == ' ' || cp == '\t' || cp == '\v' || cp == '\f' || is_line_end(cp);
}

static int is_word(unsigned cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= '0' && cp <= '9') || cp == '_' || cp == '$';
}

static int word_is(const struct nitro__jsl *l, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == l->wlen && memcmp(*list, l->word, l->wlen) == 0)
			return 1;
	return 0;
}

/* A word ended: after most a '/' divides; after some keywords it starts
 * a regular expression; after contextual keywords it may do either. */
static void end_word(struct nitro__jsl *l)
{
	static const char *const before_regex[] = { "return", "typeof", "instanceof",
	    "in", "new", "delete", "void", "throw", "case", "do", "else", NULL };
	static const char *const unclear[] = { "of", "yield", "await", "let", NULL };
	static const char *const ctrl[] = { "if", "for", "while", "with", NULL };
	static const char *const block[] = { "do", "else", "try", "finally", NULL };
	int prop = l->prop;	/* a property name: a.return is a value */

	if (l->wlen > sizeof l->word)
		l->divide = D_DIV;
	else if (!prop && word_is(l, before_regex))
		l->divide = D_REGEX;
	else if (!prop && word_is(l, unclear))
		l->divide = D_UNCLEAR;
	else
		l->divide = D_DIV;
	l->ctrl = !prop && l->wlen <= sizeof l->word && word_is(l, ctrl);
	l->block = !prop && l->wlen <= sizeof l->word && word_is(l, block);
	l->wlen = 0;
}

static const char *push(struct nitro__jsl *l, unsigned char kind)
{
	if (l->depth == NITRO__JSL_DEPTH)
		return "Datastar expression nested too deeply";
	l->stack[l->depth++] = kind;
	if (kind == K_SUBST)
		l->subst++;
	return NULL;
}

/* ')' ']' '}': the kind it closes, or -1. */
static int pop(struct nitro__jsl *l, unsigned cp)
{
	unsigned char k;

	if (l->depth == 0)
		return -1;
	k = l->stack[l->depth - 1];
	if ((cp == ')') != (k == K_PAREN || k == K_CTRL) ||
	    (cp == ']') != (k == K_BRACKET))
		return -1;
	l->depth--;
	if (k == K_SUBST)
		l->subst--;
	return k;
}

static const char *code(struct nitro__jsl *l, unsigned cp);

/* The character after a '/' in code. */
static const char *after_slash(struct nitro__jsl *l, unsigned cp)
{
	l->slash = 0;
	if (cp == '/') {
		l->state = S_LINE;
		return NULL;
	}
	if (cp == '*') {
		l->state = S_BLOCK;
		l->star = 0;
		return NULL;
	}
	switch (l->slash_as) {
	case D_REGEX:
		l->state = S_RE;
		return nitro__jsl_feed(l, cp);
	case D_DIV:	/* the '/' was an operator */
		l->divide = D_REGEX;
		l->block = 0;
		l->ctrl = 0;
		l->last = '/';
		l->run = 1;
		return code(l, cp);
	default:
		return "a '/' that could divide or start a regular expression"
		    " in a Datastar expression";
	}
}

static const char *code(struct nitro__jsl *l, unsigned cp)
{
	const char *err = NULL;
	unsigned last = l->last;
	int k, numeral = 0;

	if (is_word(cp)) {
		if (l->flags)
			return NULL;
		if (l->wlen == 0)
			l->prop = l->dot;
		if (l->wlen < sizeof l->word)
			l->word[l->wlen] = (char)cp;
		l->wlen++;
		l->dot = 0;
		l->last = cp;
		l->run = 1;
		return NULL;
	}
	l->flags = 0;
	if (l->wlen) {
		/* "1." is a number, and a '/' after it divides */
		numeral = !l->prop && l->word[0] >= '0' && l->word[0] <= '9';
		end_word(l);
	}
	/* JavaScript has more spaces (U+00A0, U+2000...) and identifier
	 * characters outside ASCII; "if\u2000(" read wrong would make a
	 * regular expression look like a division.  Strings take them. */
	if (cp >= 0x80)
		return "a character outside ASCII, outside a string, in a Datastar expression";
	if (is_space(cp)) {
		l->last = ' ';
		memset(l->hist, ' ', sizeof l->hist);
		return NULL;
	}
	/* Script code (and a Function body is script) takes "<!--", and
	 * "-->" at the start of a line, as a comment to the end of the line:
	 * refused rather than followed. */
	if ((cp == '-' && memcmp(l->hist, "<!-", 3) == 0) ||
	    (cp == '>' && memcmp(l->hist + 1, "--", 2) == 0))
		return "<!-- or --> in a Datastar expression";
	memmove(l->hist, l->hist + 1, sizeof l->hist - 1);
	l->hist[sizeof l->hist - 1] = (unsigned char)(cp < 0x80 ? cp : ' ');
	l->run = cp == last ? l->run + 1 : 1;
	l->last = cp;
	if (cp != '.')
		l->dot = 0;
	switch (cp) {
	case '/':
		l->slash = 1;
		l->slash_as = l->divide;
		return NULL;
	case '\'':
		l->state = S_SQ;
		return NULL;
	case '"':
		l->state = S_DQ;
		return NULL;
	case '`':
		l->state = S_TPL;
		l->dollar = 0;
		return NULL;
	case '(':
		err = push(l, l->ctrl ? K_CTRL : K_PAREN);
		l->divide = D_REGEX;
		l->block = 0;
		break;
	case ')':
		if ((k = pop(l, cp)) < 0)
			return "unbalanced ')' in a Datastar expression";
		l->divide = k == K_CTRL ? D_REGEX : D_DIV;
		l->block = 1;
		break;
	case '[':
		err = push(l, K_BRACKET);
		l->divide = D_REGEX;
		l->block = 0;
		break;
	case ']':
		if (pop(l, cp) < 0)
			return "unbalanced ']' in a Datastar expression";
		l->divide = D_DIV;
		l->block = 0;
		break;
	case '{':
		err = push(l, l->block ? K_BLOCK : K_OBJ);
		l->divide = D_REGEX;	/* a block starts statements */
		break;
	case '}':
		if ((k = pop(l, cp)) < 0)
			return "unbalanced '}' in a Datastar expression";
		if (k == K_SUBST) {
			l->state = S_TPL;
			l->dollar = 0;
			return NULL;
		}
		/* An object divides and a block does not, but whether a brace
		 * opened either depends on more than the token before it
		 * ("a: {}" is a label and a block; Datastar may put the last
		 * statement in "return (...)"): a '/' after '}' is refused. */
		l->divide = D_UNCLEAR;
		l->block = k == K_BLOCK;
		break;
	case '+':
	case '-':
		/* "a++ /" divides; in "a+++/" the last token is '+'. */
		l->divide = l->run % 2 == 0 ? D_DIV : D_REGEX;
		l->block = 0;
		break;
	case '>':
		l->divide = D_REGEX;
		l->block = last == '=' && l->run == 1;	/* => { is a body */
		break;
	case ';':
		l->divide = D_REGEX;
		l->block = 1;
		break;
	case '.':
		l->dot = !numeral;
		l->divide = numeral ? D_DIV : D_REGEX;
		l->block = 0;
		break;
	case '\\':
		return "a backslash outside a string in a Datastar expression";
	default:
		if (cp < 0x20 || cp == 0x7f)
			return "a control character in a Datastar expression";
		l->divide = D_REGEX;	/* any other operator or punctuator */
		l->block = 0;
		break;
	}
	l->ctrl = 0;
	return err;
}

const char *nitro__jsl_feed(struct nitro__jsl *l, unsigned cp)
{
	switch (l->state) {
	case S_SQ:
	case S_DQ:
		if (l->esc)
			l->esc = 0;
		else if (cp == '\\')
			l->esc = 1;
		else if (cp == (l->state == S_SQ ? '\'' : '"'))
			goto value_end;
		else if (cp == '\n' || cp == '\r')
			return "a line break inside a string in a Datastar expression";
		return NULL;
	case S_TPL:
		if (l->esc) {
			l->esc = 0;
			l->dollar = 0;	/* \$ is a dollar sign */
			return NULL;
		}
		if (cp == '`')
			goto value_end;
		if (cp == '{' && l->dollar) {
			l->state = S_CODE;
			l->divide = D_REGEX;
			l->block = 0;
			l->last = ' ';
			memset(l->hist, ' ', sizeof l->hist);
			return push(l, K_SUBST);
		}
		l->esc = cp == '\\';
		l->dollar = cp == '$';
		return NULL;
	case S_LINE:
		if (is_line_end(cp))
			l->state = S_CODE;
		return NULL;
	case S_BLOCK:
		if (l->star && cp == '/')
			l->state = S_CODE;
		l->star = cp == '*';
		return NULL;
	case S_RE:
	case S_RECLASS:
		if (is_line_end(cp))
			return "a line break inside a regular expression in a Datastar expression";
		if (l->esc)
			l->esc = 0;
		else if (cp == '\\')
			l->esc = 1;
		else if (l->state == S_RE && cp == '[')
			l->state = S_RECLASS;
		else if (l->state == S_RECLASS && cp == ']')
			l->state = S_RE;
		else if (l->state == S_RECLASS && cp == '[')
			/* with the v flag (known only at the end) classes nest */
			return "a '[' inside a class of a regular expression in a"
			    " Datastar expression (write \\[)";
		else if (l->state == S_RE && cp == '/') {
			l->flags = 1;
			goto value_end;
		}
		return NULL;
	default:
		return l->slash ? after_slash(l, cp) : code(l, cp);
	}
value_end:	/* a string, template or regular expression ended: a value */
	l->state = S_CODE;
	l->divide = D_DIV;
	l->block = 0;
	l->dot = 0;
	l->ctrl = 0;
	l->last = '"';
	l->run = 1;
	return NULL;
}

const char *nitro__jsl_hole(const struct nitro__jsl *l)
{
	if (l->state != S_SQ && l->state != S_DQ)
		return "a hole in a Datastar expression must be inside '...' or \"...\"";
	if (l->esc)
		return "a hole right after a backslash in a Datastar expression";
	if (l->subst)
		return "a hole inside ${...} of a Datastar expression";
	return NULL;
}

const char *nitro__jsl_end(struct nitro__jsl *l)
{
	if (l->slash)
		return "a Datastar expression that ends with '/'";
	if (l->state == S_LINE)
		return NULL;
	if (l->state != S_CODE)
		return "unterminated string, template, comment or regular expression"
		    " in a Datastar expression";
	if (l->depth)
		return "unclosed bracket in a Datastar expression";
	return NULL;
}

/* The named references a Datastar expression may use: the characters
 * that matter to the lexer above and the usual ones. */
static const struct {
	const char *name;
	unsigned cp;
} names[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "grave", '`' }, { "sol", '/' }, { "bsol", '\\' },
	{ "ast", '*' }, { "midast", '*' }, { "num", '#' }, { "dollar", '$' },
	{ "lpar", '(' }, { "rpar", ')' }, { "lsqb", '[' }, { "lbrack", '[' },
	{ "rsqb", ']' }, { "rbrack", ']' }, { "lcub", '{' }, { "lbrace", '{' },
	{ "rcub", '}' }, { "rbrace", '}' }, { "NewLine", '\n' }, { "Tab", '\t' },
	{ "excl", '!' }, { "equals", '=' }, { "plus", '+' }, { "comma", ',' },
	{ "period", '.' }, { "colon", ':' }, { "semi", ';' }, { "quest", '?' },
	{ "verbar", '|' }, { "vert", '|' }, { "lowbar", '_' }, { "percnt", '%' },
	{ "commat", '@' }, { "Hat", '^' }, { "nbsp", 0xa0 },
};

static int is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static size_t charref(const char *p, unsigned *cp)
{
	size_t i = 1;

	if (p[1] == '#') {
		int hex = p[2] == 'x' || p[2] == 'X';
		unsigned long v = 0;
		size_t digits = 0;

		for (i = hex ? 3 : 2;; i++, digits++) {
			int c = p[i], d = c >= '0' && c <= '9' ? c - '0' :
			    hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;

			if (d < 0)
				break;
			v = v * (hex ? 16 : 10) + (unsigned)d;
			if (v > 0x10ffff)
				return 0;
		}
		if (digits == 0 || p[i] != ';')
			return 0;
		*cp = (unsigned)v;
		return i + 1;
	}
	if (!is_alnum((unsigned char)p[1]) && p[1] != '{') {
		*cp = '&';
		return 1;
	}
	while (is_alnum((unsigned char)p[i]))
		i++;
	if (p[i] != ';')
		return 0;
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
		if (strlen(names[k].name) == i - 1 && memcmp(names[k].name, p + 1, i - 1) == 0) {
			*cp = names[k].cp;
			return i + 1;
		}
	return 0;
}

size_t nitro__jsl_char(const char *p, unsigned *cp)
{
	size_t n;

	if (p[0] == '&')
		return charref(p, cp);
	/* At most 4 bytes are read, none past the NUL. */
	if ((n = nitro__utf8_char(p, 4, cp)) != 0)
		return n;
	*cp = 0xfffd;	/* as a browser decodes bad UTF-8 */
	return 1;
}
