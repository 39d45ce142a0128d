/*
 * todomvc: the TodoMVC application (https://todomvc.com) on SQLite, live in
 * every open browser.
 *
 * The page is plain server-rendered HTML; Datastar attributes make it
 * react.  Every action (add, edit, toggle, delete, toggle all, clear
 * completed) is a Datastar request carrying the page's signals as JSON:
 *
 *   $title    the new todo being typed          $draft    the title being edited
 *   $editing  the id being edited ('': none)     $filter   all, active or completed
 *
 * and is answered with Server-Sent Events that patch the list and the
 * footer as this browser's filter shows them, or, for a title that is empty
 * or too long, the message next to the field (422 to clients other than
 * Datastar, which ignores the body of any answer but 200).
 *
 * How a change reaches the other browsers, whichever worker they talk to:
 *   1. The action changes the todos and publishes "todos.changed" in the
 *      same SQLite transaction (an outbox: only committed changes are
 *      announced, and every committed one is).
 *   2. Each worker's hub follows the event log (nitro_db_transport) and
 *      calls render() for every browser parked on GET /todos/live.
 *   3. render() reads the list and sends it patched as that browser's
 *      filter shows it.  Datastar morphs it in: an item being edited in
 *      that browser stays open.
 *
 *   NITRO_DB=var/todo.db spawn-fcgi -s /run/todo.sock -F 4 -- ./todomvc
 *   (or: nitro serve --app ./todomvc, or ./quickstart demo)
 *
 * NITRO_DATASTAR_JS=/path/datastar.js serves that file as /datastar.js and
 * loads it in place of the CDN copy (offline use, browser tests).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nitro.h>

#define TITLE_MAX 200
#define TODO_FIELDS(X) \
	X(id,        INT,  NITRO_F_ID) \
	X(title,     TEXT, NITRO_F_REQUIRED, NITRO_F_MAXLEN(TITLE_MAX)) \
	X(completed, BOOL, NITRO_F_DEFAULT("false"))
NITRO_ENTITY(todo, TODO_FIELDS)
NITRO_ENTITY_DEFINE(todo, TODO_FIELDS);

#define MAX_TODOS 1000		/* one shared list: keep it bounded */
#define KEEP_EVENTS 1000	/* event log kept for reconnecting browsers */

static nitro_repo *db;

enum filter { ALL, ACTIVE, COMPLETED };
static const char *const filter_name[] = { "all", "active", "completed" };
static const char *const filter_href[] = { "/", "/active", "/completed" };
static const char *const filter_label[] = { "All", "Active", "Completed" };

/* The page's signals, per filter (data-signals). */
static const char *const page_signals[] = {
	"{title: '', draft: '', editing: '', filter: 'all'}",
	"{title: '', draft: '', editing: '', filter: 'active'}",
	"{title: '', draft: '', editing: '', filter: 'completed'}",
};

/* ---- the list ------------------------------------------------------------ */

struct list {
	nitro_rows rows;	/* every todo, oldest first */
	size_t active;		/* how many are not completed */
};

static int list_load(struct list *l)
{
	int rc = todo_all(&l->rows);

	l->active = 0;
	for (size_t i = 0; rc == 0 && i < l->rows.n; i++)
		l->active += !((struct todo *)l->rows.items)[i].completed;
	return rc;
}

static int shown(const struct todo *t, enum filter f)
{
	return f == ALL || (f == COMPLETED) == t->completed;
}

/* ---- views: the page, action replies and the live stream share them ------- */

/*
 * One item, as a prepared template: its holes are escaped for where they
 * sit (text, attribute, a '...' string in a Datastar expression), and a
 * list of them renders fast.  Which item is being edited is this browser's
 * business, so it lives in the signal $editing (the id as a string, '' for
 * none); data-preserve-attr="style" keeps what data-show did across morphs
 * from the server.  A morph only updates a checkbox's attribute, not what
 * the user sees once they clicked it, so data-init sets the checked
 * property too (it runs again when the server's value changes).  The two
 * %s make an active and a completed variant.
 */
static const char item_src[] =
	"<li id=\"todo-{{id}}\"%s>"
	"<div class=\"view\" data-show=\"$editing !== '{{id}}'\" data-preserve-attr=\"style\">"
	"<input class=\"toggle\" type=\"checkbox\"%s"
	" data-on:click=\"@post('/todos/{{id}}/toggle')\">"
	"<label data-on:dblclick=\"$draft = el.textContent; $editing = '{{id}}';"
	" setTimeout(() => document.getElementById('edit-{{id}}').focus())\">{{title}}</label>"
	"<button class=\"destroy\" title=\"Delete\" data-on:click=\"@delete('/todos/{{id}}')\">"
	"</button></div>"
	/* Leaving the field (Enter does) closes it and saves; Escape closes
	 * it first, so nothing is saved.  A refused title opens it again. */
	"<input id=\"edit-{{id}}\" class=\"edit\" style=\"display: none\""
	" data-show=\"$editing === '{{id}}'\" data-preserve-attr=\"style\" data-bind:draft"
	" data-on:keydown=\"evt.key === 'Enter' && el.blur(); evt.key === 'Escape' && ($editing = '')\""
	" data-on:blur=\"$editing === '{{id}}' && ($editing = '', @patch('/todos/{{id}}'))\">"
	"<p class=\"error\">{{error}}</p></li>";

static nitro_tpl *item_tpl[2];	/* [completed] */

static int items_prepare(void)
{
	char src[sizeof item_src + 100];

	snprintf(src, sizeof src, item_src, "", " data-init=\"el.checked = false\"");
	if ((item_tpl[0] = nitro_tpl_new(src)) == NULL)
		return -1;
	snprintf(src, sizeof src, item_src, " class=\"completed\"",
	    " checked data-init=\"el.checked = true\"");
	return (item_tpl[1] = nitro_tpl_new(src)) == NULL ? -1 : 0;
}

static void view_todo(nitro_html *h, const struct todo *t, const char *error)
{
	char id[24];
	const char *args[3] = { id, t->title, error };

	snprintf(id, sizeof id, "%lld", (long long)t->id);
	nitro_tpl_render(h, item_tpl[t->completed], args, 3);
}

/* The list with its toggle-all box, and the footer: what changes. */
static void view_list(nitro_html *h, const struct list *l, enum filter f)
{
	const struct todo *items = l->rows.items;
	size_t done = l->rows.n - l->active;

	NITRO_HTML(h, "section") {
		nitro_html_attr(h, "id", "main");
		nitro_html_attr(h, "class", "main");
		nitro_html_attr_bool(h, "hidden", l->rows.n == 0);
		nitro_html_open(h, "input");
		nitro_html_attr(h, "id", "toggle-all");
		nitro_html_attr(h, "class", "toggle-all");
		nitro_html_attr(h, "type", "checkbox");
		nitro_html_attr_bool(h, "checked", l->active == 0);
		nitro_ds_data(h, "init", NULL, NULL,
		    l->active == 0 ? "el.checked = true" : "el.checked = false");
		nitro_ds_on_action(h, "click", NULL, "post", "/todos/toggle-all", NULL);
		NITRO_HTML(h, "label") {
			nitro_html_attr(h, "for", "toggle-all");
			nitro_html_text(h, "Mark all as complete");
		}
		NITRO_HTML(h, "ul") {
			nitro_html_attr(h, "id", "todo-list");
			nitro_html_attr(h, "class", "todo-list");
			for (size_t i = 0; i < l->rows.n; i++)
				if (shown(&items[i], f))
					view_todo(h, &items[i], "");
		}
	}
	NITRO_HTML(h, "footer") {
		nitro_html_attr(h, "id", "footer");
		nitro_html_attr(h, "class", "footer");
		nitro_html_attr_bool(h, "hidden", l->rows.n == 0);
		NITRO_HTML(h, "span") {
			nitro_html_attr(h, "id", "todo-count");
			nitro_html_attr(h, "class", "todo-count");
			NITRO_HTML(h, "strong") nitro_html_int(h, (long long)l->active);
			nitro_html_text(h, l->active == 1 ? " item left" : " items left");
		}
		NITRO_HTML(h, "ul") {
			nitro_html_attr(h, "class", "filters");
			for (int i = ALL; i <= COMPLETED; i++) {
				NITRO_HTML(h, "li") {
					NITRO_HTML(h, "a") {
						nitro_html_attr_url(h, "href", filter_href[i]);
						if (i == (int)f)
							nitro_html_attr(h, "class", "selected");
						nitro_html_text(h, filter_label[i]);
					}
				}
			}
		}
		NITRO_HTML(h, "button") {
			nitro_html_attr(h, "id", "clear-completed");
			nitro_html_attr(h, "class", "clear-completed");
			nitro_html_attr_bool(h, "hidden", done == 0);
			nitro_ds_on_action(h, "click", NULL, "delete", "/todos/completed", NULL);
			nitro_html_text(h, "Clear completed");
		}
	}
}

/* Finish the HTML written with h into html and append it to out as one
 * patch-elements event (every top-level element has an id). */
static int patch(nitro_buf *out, nitro_html *h, nitro_buf *html)
{
	int rc = nitro_html_finish(h);

	if (rc == 0)
		rc = nitro_sse_patch_elements(out, html->data, html->len, NULL);
	nitro_buf_free(html);
	return rc;
}

/* A patch of the list and the footer as filter f shows them, appended to out. */
static int patch_list(nitro_buf *out, enum filter f)
{
	nitro_buf html = NITRO_BUF_INIT;
	struct list l;
	nitro_html h;
	int rc;

	if ((rc = list_load(&l)) != 0)
		return rc;
	nitro_html_init(&h, &html);
	view_list(&h, &l, f);
	nitro_rows_free(&l.rows);
	return patch(out, &h, &html);
}

/* A patch of one error paragraph (id) holding text ("": empty). */
static int patch_error(nitro_buf *out, const char *id, const char *text)
{
	nitro_buf html = NITRO_BUF_INIT;
	nitro_html h;

	nitro_html_init(&h, &html);
	NITRO_HTML(&h, "p") {
		nitro_html_attr(&h, "id", id);
		nitro_html_attr(&h, "class", "error");
		nitro_html_text(&h, text);
	}
	return patch(out, &h, &html);
}

/* A patch of one item, with an error message under it. */
static int patch_todo(nitro_buf *out, const struct todo *t, const char *error)
{
	nitro_buf html = NITRO_BUF_INIT;
	nitro_html h;

	nitro_html_init(&h, &html);
	view_todo(&h, t, error);
	return patch(out, &h, &html);
}

/* ---- the page ------------------------------------------------------------ */

static int page(nitro_req *req, enum filter f)
{
	static const char *const css[] = { "/todomvc.css", NULL };
	struct nitro_page p = {
		.title = "Nitro \xe2\x80\xa2 TodoMVC", .stylesheets = css,
	};
	struct list l;
	nitro_html h;
	int rc;

	if ((rc = list_load(&l)) != 0)
		return rc;
	nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
	nitro_html_init(&h, nitro_resp_body(req));
	nitro_page_begin(&h, &p);
	NITRO_HTML(&h, "section") {
		nitro_html_attr(&h, "id", "todoapp");
		nitro_html_attr(&h, "class", "todoapp");
		nitro_ds_data(&h, "signals", NULL, NULL, page_signals[f]);
		/* The live stream; reopened after any end, a worker restart too. */
		nitro_ds_live(&h, "/todos/live", NULL);
		NITRO_HTML(&h, "header") {
			nitro_html_attr(&h, "class", "header");
			nitro_html_elem(&h, "h1", "todos");
			NITRO_HTML(&h, "form") {
				nitro_ds_on_action(&h, "submit", "prevent", "post", "/todos", NULL);
				nitro_html_open(&h, "input");
				nitro_html_attr(&h, "id", "new-todo");
				nitro_html_attr(&h, "class", "new-todo");
				nitro_html_attr(&h, "placeholder", "What needs to be done?");
				nitro_html_attr(&h, "autocomplete", "off");
				nitro_html_attr_bool(&h, "autofocus", 1);
				nitro_ds_data(&h, "bind", "title", NULL, NULL);
			}
			NITRO_HTML(&h, "p") {
				nitro_html_attr(&h, "id", "new-todo-error");
				nitro_html_attr(&h, "class", "error");
			}
		}
		view_list(&h, &l, f);
	}
	NITRO_HTML(&h, "footer") {
		nitro_html_attr(&h, "class", "info");
		nitro_html_elem(&h, "p", "Double-click to edit a todo");
		nitro_html_elem(&h, "p", "Written in C with Nitro");
	}
	nitro_page_end(&h);
	nitro_rows_free(&l.rows);
	return nitro_html_finish(&h);
}

static int page_all(nitro_req *req, void *u) { (void)u; return page(req, ALL); }
static int page_active(nitro_req *req, void *u) { (void)u; return page(req, ACTIVE); }
static int page_completed(nitro_req *req, void *u) { (void)u; return page(req, COMPLETED); }

/* ---- the live stream ------------------------------------------------------- */

/* One udata per filter: streams with the same pointer share one render of
 * each event in the hub. */
static enum filter filters[] = { ALL, ACTIVE, COMPLETED };

static enum filter filter_of(json_object *signals)
{
	json_object *v;

	if (signals != NULL && json_object_object_get_ex(signals, "filter", &v))
		for (int i = ALL; i <= COMPLETED; i++)
			if (strcmp(json_object_get_string(v), filter_name[i]) == 0)
				return i;
	return ALL;
}

/* Parse the signals first (before anything changes): when they are malformed the
 * runtime answers 400 with the reason. */
static int bad_signals(nitro_req *req)
{
	nitro_req_signals(req);
	return nitro_req_failed(req);
}

/* Every event, a fresh stream's first render (the page may be older) and
 * NITRO_LIVE_GAP after a long absence mean the same thing: send the list
 * again.  Runs on the hub thread; reading a bounded list from SQLite (WAL:
 * readers never wait for writers) is short. */
static int render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	(void)ev;
	return patch_list(out, *(enum filter *)udata);
}

static int live(nitro_req *req, void *u)
{
	static const char *const topics[] = { "todos.changed" };
	struct nitro_live_opts o = {
		.topics = topics, .ntopics = 1, .render = render, .first = render,
		.udata = &filters[filter_of(nitro_req_signals(req))],
	};

	(void)u;
	if (bad_signals(req))
		return 0;
	/* Parked, or refused with the answer set (503 when this worker holds
	 * its limit of streams); either way the handler is done. */
	nitro_live(req, &o);
	return 0;
}

/* ---- actions --------------------------------------------------------------- */

/* Every change is one transaction that also publishes "todos.changed". */
static int change_begin(void)
{
	return nitro_db_begin(db);
}

static int change_end(nitro_req *req, int rc)
{
	int64_t id = 0;

	if (rc == 0)
		rc = nitro_publish(nitro_app_transport(nitro_req_app(req)), "todos.changed",
		    "{}", &id);
	if (rc == 0)
		rc = nitro_db_commit(db);
	else
		nitro_db_rollback(db);
	return rc;
}

/* Send the events in ev with status. */
static int reply(nitro_req *req, int status, nitro_buf *ev)
{
	int rc = ev->err;

	if (rc == 0) {
		nitro_resp_header(req, "Cache-Control", "no-cache");
		rc = nitro_resp_send(req, status, "text/event-stream", ev->data, ev->len);
	}
	nitro_buf_free(ev);
	return rc;
}

/* After a change: events already in ev (may be NULL), the list as this
 * browser shows it, and signals (may be NULL). */
static int reply_list(nitro_req *req, nitro_buf *ev, const char *signals)
{
	nitro_buf own = NITRO_BUF_INIT;
	int rc;

	if (ev == NULL)
		ev = &own;
	/* Signals first: an editor closes before its item may vanish. */
	rc = signals ? nitro_sse_patch_signals_json(ev, signals, strlen(signals), 0, NULL) : 0;
	if (rc == 0)
		rc = patch_list(ev, filter_of(nitro_req_signals(req)));
	if (rc != 0) {
		nitro_buf_free(ev);
		return rc;
	}
	return reply(req, 200, ev);
}

/*
 * A refused title: the events in ev put the message next to the field.
 * Datastar 1.0 ignores the body of any answer but 200, so its requests get
 * 200 with the patch; other clients get 422 (Unprocessable Content).
 */
static int refuse(nitro_req *req, nitro_buf *ev)
{
	return reply(req, nitro_req_is_datastar(req) ? 200 : 422, ev);
}

/* A string signal, trimmed, as a new string ("" when absent); NULL when
 * out of memory. */
static char *signal_text(nitro_req *req, const char *name)
{
	json_object *sig = nitro_req_signals(req), *v;
	const char *s = "";
	size_t n;

	if (sig != NULL && json_object_object_get_ex(sig, name, &v) &&
	    json_object_is_type(v, json_type_string))
		s = json_object_get_string(v);
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

/* The message for a title that failed validation: "Title is required". */
static void title_error(const nitro_verrors *errs, char *msg, size_t size)
{
	snprintf(msg, size, "Title %s", errs->n > 0 ? errs->e[0].msg : "is not valid");
}

/* The {id} of the path; 0 (no todo has it) when it is not a number. */
static int64_t path_id(nitro_req *req)
{
	int64_t id;

	return nitro_req_param_int(req, "id", &id) == 0 ? id : 0;
}

/* An unknown id is a 404; other failures are the runtime's 500. */
static int failed(nitro_req *req, int rc)
{
	if (rc == NITRO_ENOTFOUND)
		return nitro_resp_error(req, 404, "No such todo.");
	return rc;
}

/* POST /todos {title} */
static int add(nitro_req *req, void *u)
{
	nitro_buf ev = NITRO_BUF_INIT;
	nitro_verrors errs;
	struct todo t;
	size_t n = 0;
	char msg[160];
	int rc;

	(void)u;
	if (bad_signals(req))
		return 0;
	todo_init(&t);
	if ((t.title = signal_text(req, "title")) == NULL) {
		todo_clear(&t);
		return NITRO_ENOMEM;
	}
	if (todo_validate(&t, &errs) != 0) {
		title_error(&errs, msg, sizeof msg);
		todo_clear(&t);
		patch_error(&ev, "new-todo-error", msg);
		return refuse(req, &ev);
	}
	if ((rc = change_begin()) == 0) {
		if ((rc = todo_count(NULL, &n)) == 0 && n >= MAX_TODOS)
			rc = NITRO_ELIMIT;
		else if (rc == 0)
			rc = todo_save(&t);
		rc = change_end(req, rc);
	}
	todo_clear(&t);
	if (rc == NITRO_ELIMIT) {
		snprintf(msg, sizeof msg, "The list is full (%d todos).", MAX_TODOS);
		patch_error(&ev, "new-todo-error", msg);
		return refuse(req, &ev);
	}
	if (rc != 0)
		return rc;
	/* Clear any old message and the field. */
	patch_error(&ev, "new-todo-error", "");
	return reply_list(req, &ev, "{\"title\":\"\"}");
}

/* PATCH /todos/{id} {draft}: a new title; an empty one deletes the todo. */
static int edit(nitro_req *req, void *u)
{
	nitro_buf ev = NITRO_BUF_INIT;
	nitro_verrors errs;
	struct todo t;
	char *title, *old, msg[160];
	int64_t id = path_id(req);
	int rc;

	(void)u;
	if (bad_signals(req))
		return 0;
	if ((title = signal_text(req, "draft")) == NULL)
		return NITRO_ENOMEM;
	if ((rc = change_begin()) != 0) {
		free(title);
		return rc;
	}
	if (*title == '\0') {
		free(title);
		rc = change_end(req, todo_delete(nitro_id_int(id)));
		return rc ? failed(req, rc) : reply_list(req, NULL, "{\"editing\":\"\"}");
	}
	if ((rc = todo_get(nitro_id_int(id), &t)) != 0) {
		free(title);
		nitro_db_rollback(db);
		return failed(req, rc);
	}
	old = t.title;
	t.title = title;
	if (todo_validate(&t, &errs) != 0) {
		/* The item as it is, the message under its field, open again
		 * (with what was typed: $draft keeps it). */
		nitro_db_rollback(db);
		title_error(&errs, msg, sizeof msg);
		t.title = old;
		old = title;
		patch_todo(&ev, &t, msg);
		snprintf(msg, sizeof msg, "{\"editing\":\"%lld\"}", (long long)id);
		nitro_sse_patch_signals_json(&ev, msg, strlen(msg), 0, NULL);
		todo_clear(&t);
		free(old);
		return refuse(req, &ev);
	}
	free(old);
	rc = change_end(req, todo_save(&t));
	todo_clear(&t);
	return rc ? rc : reply_list(req, NULL, "{\"editing\":\"\",\"draft\":\"\"}");
}

/* POST /todos/{id}/toggle */
static int toggle(nitro_req *req, void *u)
{
	struct todo t;
	int rc;

	(void)u;
	if (bad_signals(req))
		return 0;
	if ((rc = change_begin()) != 0)
		return rc;
	if ((rc = todo_get(nitro_id_int(path_id(req)), &t)) == 0) {
		t.completed = !t.completed;
		rc = todo_save(&t);
		todo_clear(&t);
	}
	rc = change_end(req, rc);
	return rc ? failed(req, rc) : reply_list(req, NULL, NULL);
}

/* DELETE /todos/{id} */
static int destroy(nitro_req *req, void *u)
{
	int rc;

	(void)u;
	if (bad_signals(req))
		return 0;
	if ((rc = change_begin()) == 0)
		rc = change_end(req, todo_delete(nitro_id_int(path_id(req))));
	return rc ? failed(req, rc) : reply_list(req, NULL, NULL);
}

/*
 * POST /todos/toggle-all: all completed, or all active when every one is
 * completed already.  DELETE /todos/completed: clear completed.  Both go
 * through the whole list in one transaction, so others see one change.
 */
static int toggle_all(nitro_req *req, void *u)
{
	struct list l;
	int rc;

	(void)u;
	if (bad_signals(req))
		return 0;
	if ((rc = change_begin()) != 0)
		return rc;
	if ((rc = list_load(&l)) == 0) {
		struct todo *items = l.rows.items;

		for (size_t i = 0; rc == 0 && i < l.rows.n; i++) {
			if (items[i].completed != (l.active > 0)) {
				items[i].completed = l.active > 0;
				rc = todo_save(&items[i]);
			}
		}
		nitro_rows_free(&l.rows);
	}
	rc = change_end(req, rc);
	return rc ? rc : reply_list(req, NULL, NULL);
}

static int clear_completed(nitro_req *req, void *u)
{
	struct list l;
	int rc;

	(void)u;
	if (bad_signals(req))
		return 0;
	if ((rc = change_begin()) != 0)
		return rc;
	if ((rc = list_load(&l)) == 0) {
		struct todo *items = l.rows.items;

		for (size_t i = 0; rc == 0 && i < l.rows.n; i++)
			if (items[i].completed)
				rc = todo_delete(nitro_id_int(items[i].id));
		nitro_rows_free(&l.rows);
	}
	rc = change_end(req, rc);
	return rc ? rc : reply_list(req, NULL, NULL);
}

/* ---- static files ------------------------------------------------------------ */

static const char css[] =
	"body{font:14px/1.4 'Helvetica Neue',Helvetica,Arial,sans-serif;background:#f5f5f5;"
	"color:#111;margin:0;padding:0 1em}"
	"[hidden]{display:none!important}"
	".todoapp{background:#fff;max-width:550px;margin:130px auto 40px;position:relative;"
	"box-shadow:0 2px 4px rgba(0,0,0,.2),0 25px 50px rgba(0,0,0,.1)}"
	".todoapp h1{position:absolute;top:-125px;width:100%;text-align:center;font-size:80px;"
	"font-weight:200;color:#b83f45;margin:0}"
	".new-todo,.edit{box-sizing:border-box;width:100%;font:inherit;font-size:24px;"
	"padding:16px 16px 16px 60px;border:0;outline:none}"
	".new-todo{box-shadow:inset 0 -2px 1px rgba(0,0,0,.03)}"
	".error{color:#b83f45;margin:0;padding:6px 60px}.error:empty{display:none}"
	".main{border-top:1px solid #e6e6e6;padding-top:4px}"
	".toggle-all{margin:8px 10px 8px 18px;vertical-align:middle}"
	".main>label{color:#777}"
	".todo-list{margin:0;padding:0;list-style:none}"
	".todo-list li{font-size:24px;border-bottom:1px solid #ededed}"
	".view{display:flex;align-items:center}"
	".toggle{width:26px;height:26px;margin:0 17px}"
	".view label{flex:1;padding:15px 0;word-break:break-word}"
	"li.completed label{color:#949494;text-decoration:line-through}"
	".destroy{width:44px;height:44px;border:0;background:none;color:#c18585;font-size:30px;"
	"cursor:pointer;opacity:.4}.destroy:hover{opacity:1}.destroy:after{content:'\\00d7'}"
	".edit{display:block;padding:12px 16px 12px 60px;box-shadow:inset 0 -1px 5px rgba(0,0,0,.2)}"
	".footer{display:flex;justify-content:space-between;align-items:center;gap:8px;"
	"padding:10px 15px;border-top:1px solid #e6e6e6;color:#555}"
	".filters{display:flex;gap:4px;margin:0;padding:0;list-style:none}"
	".filters a{color:inherit;text-decoration:none;padding:3px 7px;border:1px solid transparent;"
	"border-radius:3px}.filters a.selected{border-color:#ce4646}"
	".clear-completed{border:0;background:none;font:inherit;color:inherit;cursor:pointer}"
	".info{margin:50px auto;color:#4d4d4d;font-size:11px;text-align:center}";

static int stylesheet(nitro_req *req, void *u)
{
	(void)u;
	nitro_resp_header(req, "Cache-Control", "public, max-age=3600");
	return nitro_resp_send(req, 200, "text/css; charset=utf-8", css, sizeof css - 1);
}

/* ---- start-up ---------------------------------------------------------------- */

/* Development mode: the repository creates the table.  In production, ship
 * nitro_db_ddl()'s statements as a migration (nitro db new, nitro db migrate).
 * NITRO_DB is a SQLite file or a postgresql:// URL: the same code runs on
 * one machine or on several hosts.  Reconnects further back than
 * KEEP_EVENTS get "nitro.gap". */
static int open_db(void)
{
	struct nitro_db_opts o = { .create_tables = 1, .events_keep = KEEP_EVENTS };
	const char *path = nitro_config_str("NITRO_DB", "");

	if (*path == '\0') {
		path = "var/todo.db";
		mkdir("var", 0755);
	}
	if ((db = nitro_db_open(path, &o)) == NULL ||
	    nitro_entity_bind(&todo_schema, db, NULL) != 0)
		return -1;
	return 0;
}

static int routes(nitro_app *app)
{
	static const struct { const char *pattern; nitro_handler h; } r[] = {
		{ "GET /", page_all },
		{ "GET /active", page_active },
		{ "GET /completed", page_completed },
		{ "GET /todomvc.css", stylesheet },
		{ "GET /todos/live", live },
		{ "POST /todos", add },
		{ "PATCH /todos/{id}", edit },
		{ "DELETE /todos/{id}", destroy },
		{ "POST /todos/{id}/toggle", toggle },
		{ "POST /todos/toggle-all", toggle_all },
		{ "DELETE /todos/completed", clear_completed },
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof r / sizeof r[0]; i++)
		rc = nitro_route(app, r[i].pattern, r[i].h, NULL);
	return rc == 0 ? nitro_app_health(app, "/healthz",
	    &(struct nitro_health_opts){.repo = db}) : rc;
}

int main(int argc, char **argv)
{
	nitro_transport *events = NULL;
	nitro_app *app = NULL;
	int rc = -1;

	if (items_prepare() != 0 || open_db() != 0 ||
	    (events = nitro_db_transport(db)) == NULL ||
	    (app = nitro_app_new(&(struct nitro_app_opts){.transport = events})) == NULL || routes(app) != 0) {
		nitro_log(NITRO_LOG_ERROR, "todomvc: cannot start", "error", nitro_errmsg(), NULL);
	} else {
		rc = nitro_app_run(app, argc, argv);
	}
	nitro_app_free(app);
	nitro_transport_free(events);
	nitro_repo_free(db);
	nitro_tpl_free(item_tpl[0]);
	nitro_tpl_free(item_tpl[1]);
	return rc == 0 ? 0 : 1;
}
