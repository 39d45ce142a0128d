/*
 * bench/html: one shop page (header, a nav of 5 links, 100 product cards,
 * footer; about 29 KB) rendered by Nitro (the element writer for the
 * document structure, prepared templates for the header, the nav links,
 * the cards and the footer), by a pure-Python
 * tag-object renderer (render.py, run as a child process) and copied with
 * memcpy, in one run.  The Python page must equal Nitro's byte for byte.
 *
 *   bench_html [--seconds S] [--python render.py] [--python-bin P] [--rounds N]
 *
 * Python, Nitro and memcpy alternate in N rounds and the best round of each
 * is kept (the machine is shared; the best is the least disturbed).  Rates
 * are pages per second of CPU time (process CPU clock for the C loops,
 * time.process_time() in Python), so that waiting for a CPU counts for
 * none of them.  Prints pages/s for each and:
 *   ratio html_python <Nitro pages/s / Python pages/s>
 *   ratio html_memcpy <Nitro pages/s / memcpy pages/s>
 *   figure html_page_bytes <bytes>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nitro/views.h>

/* A row as SQLite returns it: text columns (render.py has the same). */
struct product {
	char id[12];
	char name[32];
	char desc[96];
	char img[32];
	char price[16];		/* "$10.36" */
};

static struct product products[100];

/* The data a handler would have fetched: formatted once, like a row. */
static void make_products(void)
{
	for (int i = 0; i < 100; i++) {
		struct product *p = &products[i];
		int id = i + 1, cents = 999 + id * 37;

		snprintf(p->id, sizeof p->id, "%d", id);
		snprintf(p->name, sizeof p->name, "Mug %d & Co", id);
		snprintf(p->desc, sizeof p->desc,
		    "Tom & Jerry's \"classic\" mug <350 ml> #%d", id);
		snprintf(p->img, sizeof p->img, "/img/%d.jpg", id);
		snprintf(p->price, sizeof p->price, "$%d.%02d", cents / 100, cents % 100);
	}
}

static const char *const nav[][2] = {
	{ "Home", "/" }, { "Mugs & Cups", "/c/mugs" }, { "Plates", "/c/plates" },
	{ "Sale <50%>", "/sale" }, { "Cart", "/cart" },
};

/*
 * A product card is a prepared template: checked once, then each render
 * copies its static bytes and escapes the five values for their places
 * (text, attribute, URL, a string in a Datastar expression).
 */
static nitro_tpl *card;

static const char card_src[] =
	"<div class=\"card\" id=\"p-{{id}}\">"
	"<img src=\"{{img}}\" alt=\"{{name}}\">"
	"<h2>{{name}}</h2>"
	"<p>{{desc}}</p>"
	"<span class=\"price\">{{price}}</span>"
	"<button class=\"btn\" data-on:click=\"@post(&#x27;/cart/add/{{id}}&#x27;)\">Add</button>"
	"</div>";

/* Small balanced templates for the rest of the page; the writer holds the
 * document structure (html, head, body, nav, main) around them. */
static nitro_tpl *head, *top, *nav_link, *foot;

static int make_templates(void)
{
	card = nitro_tpl_new(card_src);
	head = nitro_tpl_new("<meta charset=\"utf-8\"><title>{{title}}</title>");
	top = nitro_tpl_new("<header class=\"top\"><h1>{{brand}}</h1></header>");
	nav_link = nitro_tpl_new("<a href=\"{{href}}\" class=\"nav-link\">{{label}}</a>");
	foot = nitro_tpl_new("<footer class=\"foot\"><p>{{note}}</p></footer>");
	return card && head && top && nav_link && foot ? 0 : -1;
}

static void free_templates(void)
{
	nitro_tpl_free(card);
	nitro_tpl_free(head);
	nitro_tpl_free(top);
	nitro_tpl_free(nav_link);
	nitro_tpl_free(foot);
}

#define V(...) ((const char *const[]){__VA_ARGS__})

static int render(nitro_buf *out)
{
	nitro_html h;

	nitro_html_init(&h, out);
	nitro_html_doctype(&h);
	NITRO_HTML(&h, "html") {
		nitro_html_attr(&h, "lang", "en");
		NITRO_HTML(&h, "head")
			nitro_tpl_render(&h, head, V("Shop — Tom & Jerry's <mugs>"), 1);
		NITRO_HTML(&h, "body") {
			nitro_html_attr(&h, "class", "shop");
			nitro_tpl_render(&h, top, V("Tom & Jerry's Pottery"), 1);
			NITRO_HTML(&h, "nav") {
				nitro_html_attr(&h, "class", "main-nav");
				for (size_t i = 0; i < 5; i++)
					nitro_tpl_render(&h, nav_link, V(nav[i][1], nav[i][0]), 2);
			}
			NITRO_HTML(&h, "main") {
				nitro_html_attr(&h, "class", "grid");
				for (int i = 0; i < 100; i++) {
					const struct product *p = &products[i];

					nitro_tpl_render(&h, card, V(p->id, p->img, p->name,
					    p->desc, p->price), 5);
				}
			}
			nitro_tpl_render(&h, foot, V("© 2026 Tom & Jerry's — \"made by hand\""), 1);
		}
	}
	return nitro_html_finish(&h);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Pages per second of fn over about secs seconds. */
static double nitro_rate(nitro_buf *out, double secs)
{
	double t0 = now(), t;
	long n = 0;

	do {
		for (int k = 0; k < 64; k++) {
			nitro_buf_reset(out);
			if (render(out) != 0) {
				fprintf(stderr, "bench_html: render failed: %s\n", nitro_errmsg());
				exit(1);
			}
		}
		n += 64;
		t = now();
	} while (t - t0 < secs);
	return (double)n / (t - t0);
}

static double memcpy_rate(const char *page, size_t len, double secs)
{
	char *dst = malloc(len + 1);
	double t0 = now(), t;
	long n = 0;

	if (dst == NULL)
		exit(1);
	do {
		for (int k = 0; k < 1024; k++) {
			memcpy(dst, page, len);
			/* Keep the copy: the compiler may not drop it. */
			__asm__ __volatile__("" : : "r"(dst) : "memory");
		}
		n += 1024;
		t = now();
	} while (t - t0 < secs);
	free(dst);
	return (double)n / (t - t0);
}

static double python_rate(const char *python, const char *script, const char *expect,
    double secs)
{
	char cmd[4096], line[256];
	double rate = -1;
	FILE *f;

	if (strchr(python, '\'') || strchr(script, '\'')) {
		fprintf(stderr, "bench_html: quotes in paths are not supported\n");
		return -1;
	}
	snprintf(cmd, sizeof cmd, "'%s' '%s' --seconds %.2f --expect '%s'", python, script,
	    secs, expect);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		sscanf(line, "pages_per_sec %lf", &rate);
	if (pclose(f) != 0)
		return -1;
	return rate;
}

int main(int argc, char **argv)
{
	const char *script = "render.py", *python = "python3";
	double secs = 2, nitro = 0, mem = 0, py, r;
	int rounds = 5;
	char tmpl[] = "/tmp/nitro-bench-html.XXXXXX";
	nitro_buf out = NITRO_BUF_INIT, page = NITRO_BUF_INIT;
	int fd;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (strcmp(argv[i], "--python") == 0 && i + 1 < argc)
			script = argv[++i];
		else if (strcmp(argv[i], "--python-bin") == 0 && i + 1 < argc)
			python = argv[++i];
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: bench_html [--seconds S] [--python render.py] "
			    "[--python-bin python3] [--rounds N]\n");
			return 2;
		}
	}
	if (secs <= 0 || secs > 600 || rounds < 1 || rounds > 100) {
		fprintf(stderr, "bench_html: bad --seconds or --rounds\n");
		return 2;
	}
	make_products();
	if (make_templates() != 0) {
		fprintf(stderr, "bench_html: template: %s\n", nitro_errmsg());
		return 1;
	}
	if (render(&page) != 0) {
		fprintf(stderr, "bench_html: render failed: %s\n", nitro_errmsg());
		return 1;
	}
	if ((fd = mkstemp(tmpl)) < 0 || write(fd, page.data, page.len) != (ssize_t)page.len) {
		perror("bench_html: temp file");
		return 1;
	}
	close(fd);
	/* Rounds interleave the three so that load on a shared machine falls
	 * on all of them; the best round of each is kept. */
	py = 0;
	for (int i = 0; i < rounds; i++) {
		if ((r = python_rate(python, script, tmpl, secs)) <= 0) {
			fprintf(stderr, "bench_html: the Python renderer failed or its page differs\n");
			unlink(tmpl);
			return 1;
		}
		if (r > py)
			py = r;
		if ((r = nitro_rate(&out, secs)) > nitro)
			nitro = r;
		if ((r = memcpy_rate(page.data, page.len, secs / 4)) > mem)
			mem = r;
	}
	unlink(tmpl);
	printf("html page %zu bytes (Python's is identical)\n", page.len);
	printf("html nitro  %12.0f pages/s\n", nitro);
	printf("html python %12.1f pages/s\n", py);
	printf("html memcpy %12.0f pages/s\n", mem);
	printf("ratio html_python %.1f\n", nitro / py);
	printf("ratio html_memcpy %.4f\n", nitro / mem);
	printf("figure html_page_bytes %zu\n", page.len);
	nitro_buf_free(&out);
	nitro_buf_free(&page);
	free_templates();
	return 0;
}
