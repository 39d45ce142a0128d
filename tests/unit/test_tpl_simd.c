/*
 * The template renderer's vector loops (SSE2, AVX2 where the CPU has it)
 * against the plain C path, and that against the escapers (HTML,
 * JavaScript, the URL check) applied by hand, byte for byte: every
 * length 0..100, every special at every position, values that end at an
 * unmapped page, repeated and JavaScript values, buffers that must grow.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nitro/views.h"
#include "views/tpl.h"
#include "t.h"

enum { T_TEXT, T_TWICE, T_URL, T_JS, NTPL };

static const char *const srcs[NTPL] = {
	"{{v}}",
	"<p title=\"{{v}}\" id=\"x-{{v}}\">{{v}}</p>",
	"<a href=\"{{v}}\">x</a>",
	"<b data-on:click=\"@post('/a/{{v}}')\">{{v}}</b>",
};
static nitro_tpl *tpl[NTPL];
static int variants, bad[3][NTPL], runs[3], calls;

/* Render template k with v through variant var into a buffer that starts
 * small (so the reservation grows it) and already holds a prefix. */
static void render(int var, int k, const char *v, nitro_buf *out)
{
	nitro_html h;

	nitro__tpl_variant(var);
	nitro_buf_reset(out);
	nitro_buf_append(out, "[", 1);
	nitro_html_init(&h, out);
	if (nitro_tpl_render(&h, tpl[k], (const char *const[]){ v }, 1) != 0 ||
	    nitro_html_finish(&h) != 0)
		nitro_buf_append(out, "<failed>", 8);
}

static void put(nitro_buf *b, const char *s)
{
	nitro_buf_append(b, s, strlen(s));
}

static void esc(nitro_buf *b, const char *s)
{
	nitro_html_escape(b, s, strlen(s));
}

/* What template k must make of v, spelled out with the escapers
 * themselves: the reference the plain renderer is held to. */
static void expect(int k, const char *v, nitro_buf *b)
{
	nitro_buf js = NITRO_BUF_INIT;

	nitro_buf_reset(b);
	put(b, "[");
	switch (k) {
	case T_TEXT:
		esc(b, v);
		break;
	case T_TWICE:
		put(b, "<p title=\"");
		esc(b, v);
		put(b, "\" id=\"x-");
		esc(b, v);
		put(b, "\">");
		esc(b, v);
		put(b, "</p>");
		break;
	case T_URL:
		put(b, "<a href=\"");
		esc(b, nitro_url_is_safe(v) ? v : "about:invalid");
		put(b, "\">x</a>");
		break;
	case T_JS:
		put(b, "<b data-on:click=\"@post('/a/");
		nitro__js_escape(&js, v, strlen(v));
		nitro_html_escape(b, js.data ? js.data : "", js.len);
		put(b, "')\">");
		esc(b, v);
		put(b, "</b>");
		break;
	}
	nitro_buf_free(&js);
}

/* v through every template and variant: variant 0 (plain C) makes what
 * expect() spells out, and every vector variant the same bytes. */
static void compare(const char *v)
{
	nitro_buf want = NITRO_BUF_INIT, got = NITRO_BUF_INIT, ref = NITRO_BUF_INIT;

	calls++;
	for (int k = 0; k < NTPL; k++) {
		render(NITRO_TPL_PLAIN, k, v, &want);
		expect(k, v, &ref);
		if (want.len != ref.len || memcmp(want.data, ref.data, ref.len) != 0)
			bad[0][k]++;
		for (int var = 1; var < variants; var++) {
			/* A fresh small buffer each time: growth is exercised. */
			nitro_buf_free(&got);
			nitro_buf_init(&got, 0);
			nitro_buf_grow(&got, 1);
			render(var, k, v, &got);
			runs[var]++;
			if (got.len != want.len || memcmp(got.data, want.data, want.len) != 0)
				bad[var][k]++;
		}
	}
	nitro_buf_free(&want);
	nitro_buf_free(&got);
	nitro_buf_free(&ref);
}

static const char specials[] = "&<>\"'";

/* Fill s[0..n) with plain bytes, special c at pos (-1: none). */
static void fill(char *s, size_t n, long pos, char c)
{
	for (size_t i = 0; i < n; i++)
		s[i] = (char)('a' + i % 26);
	if (pos >= 0)
		s[pos] = c;
	s[n] = '\0';
}

static void test_lengths(void)
{
	char s[256];
	unsigned seed = 12345;

	for (size_t n = 0; n <= 100; n++) {
		fill(s, n, -1, 0);
		compare(s);
		for (size_t pos = 0; pos < n; pos++)
			for (const char *c = specials; *c; c++) {
				fill(s, n, (long)pos, *c);
				compare(s);
			}
		/* All specials; then random bytes (controls, high bytes,
		 * backslashes, specials), several per length. */
		for (size_t i = 0; i < n; i++)
			s[i] = specials[i % 5];
		s[n] = '\0';
		compare(s);
		for (int r = 0; r < 8; r++) {
			for (size_t i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				s[i] = (char)((seed >> 16) % 255 + 1);
				if ((seed >> 8) % 4 == 0)
					s[i] = "&<>\"'\\/ :"[(seed >> 24) % 9];
			}
			s[n] = '\0';
			compare(s);
		}
	}
	/* URLs the URL hole must refuse or keep. */
	compare("javascript:alert(1)");
	compare(" JaVaScRiPt:x");
	compare("data:image/png;base64,AA==");
	compare("https://example.com/?a=1&b=<2>");
	compare("#frag\"x");
	compare("?q='1'");
}

/* Values that end at the last byte of a page followed by an unmapped
 * page: the vector loops may read ahead only within a page. */
static void test_page_edge(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!T_OK(m != MAP_FAILED, "mmap two pages"))
		return;
	T_OK(mprotect(m + pg, (size_t)pg, PROT_NONE) == 0, "guard page");
	for (size_t n = 0; n <= 100; n++) {
		char *s = m + pg - n - 1;

		fill(s, n, -1, 0);
		compare(s);
		for (size_t pos = 0; pos < n; pos++) {
			fill(s, n, (long)pos, specials[pos % 5]);
			compare(s);
		}
	}
	munmap(m, (size_t)pg * 2);
}

/* Values that start in the last bytes of a page and go on into the next
 * one: the loops see the page's end mid-value. */
static void test_page_cross(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!T_OK(m != MAP_FAILED, "mmap two pages"))
		return;
	for (size_t k = 1; k <= 72; k++)
		for (size_t n = k > 8 ? k - 8 : 0; n <= k + 40; n += 3) {
			char *s = m + pg - k;

			fill(s, n, -1, 0);
			compare(s);
			for (size_t pos = 0; pos < n; pos++) {
				fill(s, n, (long)pos, specials[(pos + k) % 5]);
				compare(s);
			}
		}
	munmap(m, (size_t)pg * 2);
}

int main(void)
{
	char name[128];
	int best = nitro__tpl_variant(NITRO_TPL_AVX2);

	for (int k = 0; k < NTPL; k++)
		T_OK((tpl[k] = nitro_tpl_new(srcs[k])) != NULL, srcs[k]);
	variants = best + 1;
	printf("# vector renderers on this CPU: %s\n", best == NITRO_TPL_AVX2 ? "SSE2, AVX2" :
	    best == NITRO_TPL_SSE2 ? "SSE2" : "none (plain C only)");
	T_EQ_INT(nitro__tpl_variant(NITRO_TPL_PLAIN), NITRO_TPL_PLAIN, "plain C can be chosen");
	T_EQ_INT(nitro__tpl_variant(-1), NITRO_TPL_PLAIN, "the choice sticks");
	test_lengths();
	test_page_edge();
	test_page_cross();
	for (int var = 0; var < variants; var++)
		for (int k = 0; k < NTPL; k++) {
			snprintf(name, sizeof name, "variant %d, %s: %s", var, srcs[k],
			    var == 0 ? "the escapers' bytes" : "equals the plain path");
			T_EQ_INT(bad[var][k], 0, name);
		}
	for (int var = 1; var < variants; var++) {
		snprintf(name, sizeof name, "variant %d ran on every input", var);
		T_OK(calls > 30000 && runs[var] == calls * NTPL, name);
	}
	nitro__tpl_variant(best);
	for (int k = 0; k < NTPL; k++)
		nitro_tpl_free(tpl[k]);
	return t_done();
}
