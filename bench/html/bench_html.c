/*
 * bench/html: one shop page (header, a nav of 5 links, 100 product cards,
 * footer; about 28 KB) rendered by the Nitro writer, by a pure-Python
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

struct product {
	int id;
	char name[32];
	char desc[96];
	char img[32];
	long price_cents;
};

static struct product products[100];

/* The data a handler would have fetched: formatted once, like a row. */
static void make_products(void)
{
	for (int i = 0; i < 100; i++) {
		struct product *p = &products[i];

		p->id = i + 1;
		snprintf(p->name, sizeof p->name, "Mug %d & Co", p->id);
		snprintf(p->desc, sizeof p->desc,
		    "Tom & Jerry's \"classic\" mug <350 ml> #%d", p->id);
		snprintf(p->img, sizeof p->img, "/img/%d.jpg", p->id);
		p->price_cents = 999 + (long)p->id * 37;
	}
}

static const char *const nav[][2] = {
	{ "Home", "/" }, { "Mugs & Cups", "/c/mugs" }, { "Plates", "/c/plates" },
	{ "Sale <50%>", "/sale" }, { "Cart", "/cart" },
};

/* Digits of v at s, NUL-terminated (the few lines any C program has). */
static void utoa(char *s, unsigned v)
{
	char tmp[12], *q = tmp + sizeof tmp;
	size_t n;

	do
		*--q = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	n = (size_t)(tmp + sizeof tmp - q);
	memcpy(s, q, n);
	s[n] = '\0';
}

/* A price as "$12.34" without printf. */
static void price_str(char *s, long cents)
{
	char tmp[24], *e = tmp + sizeof tmp, *q = e;
	long whole = cents / 100;

	*--q = (char)('0' + cents % 10);
	*--q = (char)('0' + cents / 10 % 10);
	*--q = '.';
	do
		*--q = (char)('0' + whole % 10);
	while ((whole /= 10) > 0);
	*--q = '$';
	memcpy(s, q, (size_t)(e - q));
	s[e - q] = '\0';
}

/*
 * The page skeleton is written with the element writer; the cards with a
 * template.
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

static int render(nitro_buf *out)
{
	nitro_html h;

	nitro_html_init(&h, out);
	nitro_html_doctype(&h);
	NITRO_HTML(&h, "html") {
		nitro_html_attr(&h, "lang", "en");
		NITRO_HTML(&h, "head") {
			NITRO_HTML(&h, "meta") nitro_html_attr(&h, "charset", "utf-8");
			nitro_html_elem(&h, "title", "Shop — Tom & Jerry's <mugs>");
		}
		NITRO_HTML(&h, "body") {
			nitro_html_attr(&h, "class", "shop");
			NITRO_HTML(&h, "header") {
				nitro_html_attr(&h, "class", "top");
				nitro_html_elem(&h, "h1", "Tom & Jerry's Pottery");
			}
			NITRO_HTML(&h, "nav") {
				nitro_html_attr(&h, "class", "main-nav");
				for (size_t i = 0; i < 5; i++) NITRO_HTML(&h, "a") {
					nitro_html_attr_url(&h, "href", nav[i][1]);
					nitro_html_attr(&h, "class", "nav-link");
					nitro_html_text(&h, nav[i][0]);
				}
			}
			NITRO_HTML(&h, "main") {
				nitro_html_attr(&h, "class", "grid");
				for (int i = 0; i < 100; i++) {
					const struct product *p = &products[i];
					char id[12], price[24];

					utoa(id, (unsigned)p->id);
					price_str(price, p->price_cents);
					nitro_tpl_render(&h, card, (const char *const[]){ id,
					    p->img, p->name, p->desc, price }, 5);
				}
			}
			NITRO_HTML(&h, "footer") {
				nitro_html_attr(&h, "class", "foot");
				nitro_html_elem(&h, "p", "© 2026 Tom & Jerry's — \"made by hand\"");
			}
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
	if ((card = nitro_tpl_new(card_src)) == NULL) {
		fprintf(stderr, "bench_html: card template: %s\n", nitro_errmsg());
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
	nitro_tpl_free(card);
	return 0;
}
