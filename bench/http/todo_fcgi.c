/*
 * The hand-written peer of examples/todomvc's list page for bench/http
 * (todo.sh): libfcgi and sqlite3 only, as one would write the page without
 * Nitro.  One thread per process; the database ($TODO_DB) opened once
 * read-only, one prepared statement reset for every request, the page
 * assembled in a buffer kept between requests and written with one call.
 * The bytes are those of the example's GET / (todo.sh compares them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>
#include <sqlite3.h>

struct buf {
	char *p;
	size_t len, cap;
};

static int grow(struct buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (n <= b->cap - b->len)
		return 0;
	while (cap - b->len < n) {
		if (cap > ((size_t)1 << 30))
			return -1;
		cap *= 2;
	}
	if ((p = realloc(b->p, cap)) == NULL)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

static void put(struct buf *b, const char *s, size_t n)
{
	if (grow(b, n) == 0) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
	}
}

#define PUTS(b, lit) put((b), (lit), sizeof(lit) - 1)

static void put_num(struct buf *b, long long v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%lld", v);

	put(b, tmp, (size_t)n);
}

/* HTML text: & < > " ' escaped. */
static void put_esc(struct buf *b, const unsigned char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		const char *e;

		switch (s[i]) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#x27;"; break;
		default: continue;
		}
		put(b, (const char *)s + run, i - run);
		put(b, e, strlen(e));
		run = i + 1;
	}
	put(b, (const char *)s + run, n - run);
}

static const char head[] =
	"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
	"content=\"width=device-width, initial-scale=1\"><title>Nitro \xe2\x80\xa2 TodoMVC</title>"
	"<link rel=\"stylesheet\" href=\"/todomvc.css\"><script type=\"module\" "
	"src=\"https://cdn.jsdelivr.net/gh/starfederation/datastar@1.0.0/bundles/datastar.js\">"
	"</script></head><body><section id=\"todoapp\" class=\"todoapp\" data-signals=\"{title: "
	"&#x27;&#x27;, draft: &#x27;&#x27;, editing: &#x27;&#x27;, filter: &#x27;all&#x27;}\" "
	"data-init=\"@get(&#x27;/todos/live&#x27;, {retry: &#x27;always&#x27;})\">"
	"<header class=\"header\"><h1>todos</h1><form data-on:submit__prevent=\"@post("
	"&#x27;/todos&#x27;)\"><input id=\"new-todo\" class=\"new-todo\" placeholder=\"What "
	"needs to be done?\" autocomplete=\"off\" autofocus data-bind:title></form>"
	"<p id=\"new-todo-error\" class=\"error\"></p></header>";

/* One item; the id is written 10 times. */
static void put_item(struct buf *b, long long id, const unsigned char *title, size_t n,
    int done)
{
	PUTS(b, "<li id=\"todo-");
	put_num(b, id);
	if (done)
		PUTS(b, "\" class=\"completed");
	PUTS(b, "\"><div class=\"view\" data-show=\"$editing !== '");
	put_num(b, id);
	PUTS(b, "'\" data-preserve-attr=\"style\"><input class=\"toggle\" type=\"checkbox\"");
	if (done)
		PUTS(b, " checked data-init=\"el.checked = true\"");
	else
		PUTS(b, " data-init=\"el.checked = false\"");
	PUTS(b, " data-on:click=\"@post('/todos/");
	put_num(b, id);
	PUTS(b, "/toggle')\"><label data-on:dblclick=\"$draft = el.textContent; $editing = '");
	put_num(b, id);
	PUTS(b, "'; setTimeout(() => document.getElementById('edit-");
	put_num(b, id);
	PUTS(b, "').focus())\">");
	put_esc(b, title, n);
	PUTS(b, "</label><button class=\"destroy\" title=\"Delete\" data-on:click=\"@delete('/todos/");
	put_num(b, id);
	PUTS(b, "')\"></button></div><input id=\"edit-");
	put_num(b, id);
	PUTS(b, "\" class=\"edit\" style=\"display: none\" data-show=\"$editing === '");
	put_num(b, id);
	PUTS(b, "'\" data-preserve-attr=\"style\" data-bind:draft data-on:keydown=\"evt.key === "
	    "'Enter' && el.blur(); evt.key === 'Escape' && ($editing = '')\" "
	    "data-on:blur=\"$editing === '");
	put_num(b, id);
	PUTS(b, "' && ($editing = '', @patch('/todos/");
	put_num(b, id);
	PUTS(b, "'))\"><p class=\"error\"></p></li>");
}

/* The page into out; -1 on a database error.  (libfcgi's FCGX_FPrintF knows
 * no %zu: lengths go as unsigned long.) */
static int page(sqlite3_stmt *st, struct buf *items, struct buf *out)
{
	long long n = 0, active = 0;
	int rc;

	items->len = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int done = sqlite3_column_int(st, 2) != 0;
		const unsigned char *t = sqlite3_column_text(st, 1);

		put_item(items, sqlite3_column_int64(st, 0), t ? t : (const unsigned char *)"",
		    (size_t)sqlite3_column_bytes(st, 1), done);
		n++;
		active += !done;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	out->len = 0;
	PUTS(out, head);
	PUTS(out, "<section id=\"main\" class=\"main\"");
	if (n == 0)
		PUTS(out, " hidden");
	PUTS(out, "><input id=\"toggle-all\" class=\"toggle-all\" type=\"checkbox\"");
	if (active == 0)
		PUTS(out, " checked data-init=\"el.checked = true\"");
	else
		PUTS(out, " data-init=\"el.checked = false\"");
	PUTS(out, " data-on:click=\"@post(&#x27;/todos/toggle-all&#x27;)\"><label for=\"toggle-all\">"
	    "Mark all as complete</label><ul id=\"todo-list\" class=\"todo-list\">");
	put(out, items->p, items->len);
	PUTS(out, "</ul></section><footer id=\"footer\" class=\"footer\"");
	if (n == 0)
		PUTS(out, " hidden");
	PUTS(out, "><span id=\"todo-count\" class=\"todo-count\"><strong>");
	put_num(out, active);
	if (active == 1)
		PUTS(out, "</strong> item left</span>");
	else
		PUTS(out, "</strong> items left</span>");
	PUTS(out, "<ul class=\"filters\"><li><a href=\"/\" class=\"selected\">All</a></li><li>"
	    "<a href=\"/active\">Active</a></li><li><a href=\"/completed\">Completed</a></li></ul>"
	    "<button id=\"clear-completed\" class=\"clear-completed\"");
	if (n == active)
		PUTS(out, " hidden");
	PUTS(out, " data-on:click=\"@delete(&#x27;/todos/completed&#x27;)\">Clear completed</button>"
	    "</footer></section><footer class=\"info\"><p>Double-click to edit a todo</p><p>Written "
	    "in C with Nitro</p></footer></body></html>");
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = getenv("TODO_DB");
	struct buf items = { 0 }, out = { 0 };
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	FCGX_Request req;
	int sock = 0;

	if (path == NULL || sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(db, "SELECT id, title, completed FROM todo ORDER BY id", -1,
	    SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "todo_fcgi: cannot open TODO_DB: %s\n",
		    db ? sqlite3_errmsg(db) : "not set");
		return 1;
	}
	if (FCGX_Init() != 0) {
		fputs("todo_fcgi: FCGX_Init failed\n", stderr);
		return 1;
	}
	if (argc == 3 && strcmp(argv[1], "--listen") == 0 &&
	    (sock = FCGX_OpenSocket(argv[2], 1024)) < 0) {
		fprintf(stderr, "todo_fcgi: cannot listen on %s\n", argv[2]);
		return 1;
	}
	if (FCGX_InitRequest(&req, sock, 0) != 0) {
		fputs("todo_fcgi: FCGX_InitRequest failed\n", stderr);
		return 1;
	}
	while (FCGX_Accept_r(&req) >= 0) {
		if (page(st, &items, &out) != 0) {
			FCGX_PutS("Status: 500 Internal Server Error\r\n"
			    "Content-Type: text/plain\r\n\r\ndatabase error\n", req.out);
		} else {
			FCGX_FPrintF(req.out, "Status: 200 OK\r\n"
			    "Content-Type: text/html; charset=utf-8\r\n"
			    "Content-Length: %lu\r\n\r\n", (unsigned long)out.len);
			FCGX_PutStr(out.p, (int)out.len, req.out);
		}
		FCGX_Finish_r(&req);
	}
	return 0;
}
