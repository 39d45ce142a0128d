/*
 * live: a shared counter and a chat that every open browser sees change at
 * once, whichever worker process served the change.
 *
 * How a change travels:
 *   1. A button or the chat form calls @post(...) with the page's signals.
 *   2. The handler saves an entity in SQLite.  The repository is opened
 *      with log_changes, so the same transaction appends "counter.saved"
 *      or "chat.saved" (the record as JSON) to the durable event log.
 *   3. Every worker's hub follows that log (nitro_db_transport) and hands
 *      each new event to the render callback of every stream parked on
 *      GET /live, which turns it into a datastar-patch-elements event.
 *   4. The event's log id is its SSE id: a browser that reconnects with
 *      Last-Event-ID gets exactly what it missed.  A fresh stream, and one
 *      that was away too long, get NITRO_LIVE_GAP ("nitro.gap") from the
 *      same render callback, and we send the whole view.
 *
 *   NITRO_DB=var/live.db spawn-fcgi -s /run/live.sock -F 4 -- ./live
 *   (or: nitro serve --app ./live)
 *
 * NITRO_DATASTAR_JS=/path/datastar.js serves that copy of the Datastar
 * client as /datastar.js in place of the CDN's (offline use, browser tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nitro.h>


#define COUNTER_FIELDS(X) \
	X(id,    INT, NITRO_F_ID) \
	X(value, INT, NITRO_F_DEFAULT("0"))
NITRO_ENTITY(counter, COUNTER_FIELDS)
NITRO_ENTITY_DEFINE(counter, COUNTER_FIELDS);

#define CHAT_FIELDS(X) \
	X(id,   INT,  NITRO_F_ID) \
	X(name, TEXT, NITRO_F_REQUIRED, NITRO_F_MINLEN(1), NITRO_F_MAXLEN(40)) \
	X(text, TEXT, NITRO_F_REQUIRED, NITRO_F_MINLEN(1), NITRO_F_MAXLEN(500)) \
	X(time, TIME)
NITRO_ENTITY(chat, CHAT_FIELDS)
NITRO_ENTITY_DEFINE(chat, CHAT_FIELDS);

#define SHOWN 50		/* chat messages on screen; see TRIM */
/* Run by each appended message: keep the newest SHOWN in the list. */
#define TRIM "el.parentElement.children.length > 50 && " \
	"el.parentElement.firstElementChild.remove()"
#define KEEP_EVENTS 10000	/* event log kept for reconnects */

static nitro_repo *db;

/* ---- views: the same functions render the page and the stream ---------- */

static void view_counter(nitro_html *h, int64_t value)
{
	NITRO_HTML(h, "output") {
		nitro_html_attr(h, "id", "counter");
		nitro_html_int(h, value);
	}
}

/* One message.  Appended ones trim the list to SHOWN in the browser. */
static void view_message(nitro_html *h, const struct chat *m)
{
	NITRO_HTML(h, "li") {
		nitro_html_attr_printf(h, "id", "msg-%lld", (long long)m->id);
		nitro_ds_data(h, "init", NULL, NULL, TRIM);
		nitro_html_elem(h, "b", m->name);
		nitro_html_text(h, " ");
		nitro_html_text(h, m->text);
	}
}

/* The newest SHOWN messages, oldest first; *newest gets the last id. */
static int view_messages(nitro_html *h, int64_t *newest)
{
	nitro_order by_id = { "id", 1 };
	nitro_query q = { .order = &by_id, .norder = 1, .limit = SHOWN };
	nitro_rows rows;
	int rc = chat_query(&q, &rows);

	*newest = 0;
	NITRO_HTML(h, "ul") {
		nitro_html_attr(h, "id", "messages");
		for (size_t i = rows.n; rc == 0 && i > 0; i--)
			view_message(h, (struct chat *)rows.items + i - 1);
	}
	if (rc == 0 && rows.n > 0)
		*newest = ((struct chat *)rows.items)[0].id;
	if (rc == 0)
		nitro_rows_free(&rows);
	return rc;
}

static int64_t counter_value(void)
{
	struct counter c;
	int64_t v = 0;

	if (counter_get(nitro_id_int(1), &c) == 0) {
		v = c.value;
		counter_clear(&c);
	}
	return v;
}

/* ---- the live stream ----------------------------------------------------- */

/* What one stream has shown: a chat event at or below this id is already
 * on screen (it was committed before the state was read).  State of its
 * own makes each stream render for itself; streams that share one udata
 * (or none) have each event rendered once for all of them. */
struct shown {
	int64_t chat;
};

/* The whole state as one patch: on a fresh connection and after a gap. */
static int patch_all(nitro_buf *out, struct shown *sh)
{
	nitro_buf html = NITRO_BUF_INIT;
	nitro_html h;
	int rc;

	nitro_html_init(&h, &html);
	view_counter(&h, counter_value());
	rc = view_messages(&h, &sh->chat);
	if ((rc = rc ? rc : nitro_html_finish(&h)) == 0)
		rc = nitro_sse_patch_elements(out, html.data, html.len, NULL);
	nitro_buf_free(&html);
	return rc;
}

/* Read an event's payload (the record as JSON) into obj. */
static int parse(const nitro_schema *s, const char *payload, void *obj)
{
	json_object *j = json_tokener_parse(payload);
	int rc = j ? nitro_entity_from_json(s, j, obj, NULL) : NITRO_EPARSE;

	json_object_put(j);
	return rc;
}

/* One event in, Datastar patches out.  Runs on the hub thread, for every
 * stream: it works from the payload alone and does not touch the
 * database, except to re-read everything for a fresh stream's first
 * render (on the request's thread) and after a gap. */
static int render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	struct nitro_sse_patch append = { .selector = "#messages", .mode = NITRO_DS_APPEND };
	struct shown *sh = udata;
	nitro_buf html = NITRO_BUF_INIT;
	nitro_html h;
	struct counter c;
	struct chat m;
	int rc;

	if (strcmp(ev->topic, NITRO_LIVE_GAP) == 0)
		return patch_all(out, sh);
	nitro_html_init(&h, &html);
	if (strcmp(ev->topic, "counter.saved") == 0 &&
	    parse(&counter_schema, ev->payload, &c) == 0) {
		view_counter(&h, c.value);
		counter_clear(&c);
	} else if (strcmp(ev->topic, "chat.saved") == 0 &&
	    parse(&chat_schema, ev->payload, &m) == 0) {
		if (m.id > sh->chat)
			view_message(&h, &m);
		chat_clear(&m);
	}
	rc = nitro_html_finish(&h);
	if (rc == 0 && html.len > 0)
		rc = nitro_sse_patch_elements(out, html.data, html.len,
		    strncmp(ev->topic, "chat.", 5) == 0 ? &append : NULL);
	nitro_buf_free(&html);
	return rc;
}

static int live(nitro_req *req, void *udata)
{
	static const char *const topics[] = { "counter.*", "chat.*" };
	struct nitro_live_opts o = {
		.topics = topics, .ntopics = 2,
		.render = render, .first = render,
		.udata = calloc(1, sizeof(struct shown)), .udata_free = free,
	};

	(void)udata;
	if (o.udata == NULL)
		return NITRO_ENOMEM;
	/* Parked, or refused with the answer set (503 when this worker holds
	 * its limit of streams); either way the handler is done. */
	nitro_live(req, &o);
	return 0;
}

/* ---- actions ------------------------------------------------------------- */

/* POST /counter/inc, /counter/dec, /counter/reset */
static int counter_change(nitro_req *req, void *udata)
{
	const char *op = nitro_req_param(req, "op");
	struct counter c;
	int rc;

	(void)udata;
	if (strcmp(op, "inc") != 0 && strcmp(op, "dec") != 0 && strcmp(op, "reset") != 0)
		return nitro_resp_error(req, 404, "no such counter action");
	/* Read and write in one transaction: it takes the write lock at
	 * once, so that two workers never add to the same old value. */
	if ((rc = nitro_db_begin(db)) < 0)
		return rc;
	if ((rc = counter_get(nitro_id_int(1), &c)) == NITRO_ENOTFOUND) {
		rc = counter_init(&c);
		c.id = 1;
	}
	if (rc == 0) {
		c.value = op[0] == 'r' ? 0 : c.value + (op[0] == 'i' ? 1 : -1);
		rc = counter_save(&c);
		counter_clear(&c);
	}
	if (rc == 0)
		rc = nitro_db_commit(db);
	else
		nitro_db_rollback(db);
	return rc < 0 ? rc : nitro_resp_send(req, 204, NULL, NULL, 0);
}

/* Answer an action with signals: the error message ("" clears it), and
 * after a message was sent, an empty text field. */
static int reply(nitro_req *req, const char *error, int sent)
{
	return sent ? nitro_ds_reply_strings(req, "error", error, "text", "", NULL) :
	    nitro_ds_reply_strings(req, "error", error, NULL);
}

/* POST /chat with the signals {"name": ..., "text": ...} */
static int chat_post(nitro_req *req, void *udata)
{
	const char *name = nitro_req_signal_str(req, "name");
	const char *text = nitro_req_signal_str(req, "text");
	struct chat m;
	int rc;

	(void)udata;
	if (nitro_req_failed(req))
		return 0;	/* the runtime answers 400 with the reason */
	if (name == NULL || text == NULL)
		return reply(req, "Please give a name and a message.", 0);
	chat_init(&m);
	m.name = strdup(name);
	m.text = strdup(text);
	m.time = nitro_time_now();
	if (m.name == NULL || m.text == NULL)
		rc = NITRO_ENOMEM;
	else if ((rc = chat_save(&m)) == NITRO_EVALIDATE)
		rc = reply(req, nitro_errmsg(), 0);
	else if (rc == 0)
		rc = reply(req, "", 1);
	chat_clear(&m);
	return rc;
}

/* ---- the page -------------------------------------------------------------- */

static const char style[] =
	"body{font:17px/1.5 system-ui,sans-serif;max-width:36em;margin:2em auto;padding:0 1em}"
	"#counter{display:block;font:3em ui-monospace,monospace}"
	"#messages{list-style:none;padding:0;min-height:3em}"
	"input{font:inherit;margin-right:.3em}.error{color:#b00}";

static void button(nitro_html *h, const char *label, const char *url)
{
	NITRO_HTML(h, "button") {
		nitro_ds_on_action(h, "click", NULL, "post", url, NULL);
		nitro_html_text(h, label);
	}
}

static int home(nitro_req *req, void *udata)
{
	struct nitro_page page = {
		.title = "Nitro live",
	};
	nitro_html h;
	int64_t newest;

	(void)udata;
	nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
	nitro_html_init(&h, nitro_resp_body(req));
	nitro_page_begin(&h, &page);
	NITRO_HTML(&h, "style") nitro_html_raw(&h, style);
	NITRO_HTML(&h, "main") {
		/* Open the live stream as soon as the page is up, and again
		 * after any end: a worker that is killed ends it cleanly, and
		 * Datastar's default retry would leave it closed. */
		nitro_ds_live(&h, "/live", NULL);
		nitro_ds_data(&h, "signals", "error", NULL, "''");
		nitro_html_elem(&h, "h1", "Nitro live");
		NITRO_HTML(&h, "section") {
			nitro_html_elem(&h, "h2", "Counter");
			view_counter(&h, counter_value());
			button(&h, "+1", "/counter/inc");
			button(&h, "-1", "/counter/dec");
			button(&h, "reset", "/counter/reset");
		}
		NITRO_HTML(&h, "section") {
			nitro_html_elem(&h, "h2", "Chat");
			view_messages(&h, &newest);
			NITRO_HTML(&h, "form") {
				/* @post sends the signals name and text as JSON. */
				nitro_ds_on_action(&h, "submit", "prevent", "post", "/chat", NULL);
				nitro_html_open(&h, "input");
				nitro_ds_data(&h, "bind", "name", NULL, NULL);
				nitro_html_attr(&h, "placeholder", "name");
				nitro_html_attr(&h, "maxlength", "40");
				nitro_html_open(&h, "input");
				nitro_ds_data(&h, "bind", "text", NULL, NULL);
				nitro_html_attr(&h, "placeholder", "message");
				nitro_html_attr(&h, "maxlength", "500");
				NITRO_HTML(&h, "button") {
					nitro_html_attr(&h, "type", "submit");
					nitro_html_text(&h, "Send");
				}
			}
			NITRO_HTML(&h, "p") {
				nitro_html_attr(&h, "class", "error");
				nitro_ds_data(&h, "text", NULL, NULL, "$error");
			}
		}
	}
	nitro_page_end(&h);
	return nitro_html_finish(&h);
}

/* ---- start-up ---------------------------------------------------------------- */

/* NITRO_DB: a SQLite file or a postgresql:// URL.  Reconnects further back
 * than KEEP_EVENTS get "nitro.gap". */
static int open_db(void)
{
	struct nitro_db_opts o = { .create_tables = 1, .log_changes = 1,
	    .events_keep = KEEP_EVENTS };
	const char *path = getenv("NITRO_DB");

	if (path == NULL || *path == '\0') {
		path = "var/live.db";
		mkdir("var", 0755);
	}
	if ((db = nitro_db_open(path, &o)) == NULL ||
	    nitro_entity_bind(&counter_schema, db, NULL) != 0 ||
	    nitro_entity_bind(&chat_schema, db, NULL) != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	nitro_transport *events = NULL;
	nitro_app *app = NULL;
	int rc = -1;

	if (open_db() != 0 ||
	    (events = nitro_db_transport(db)) == NULL || (app = nitro_app_new(&(struct nitro_app_opts){.transport = events})) == NULL ||
	    nitro_route(app, "GET /", home, NULL) != 0 ||
	    nitro_app_health(app, "/healthz", &(struct nitro_health_opts){.repo = db}) != 0 ||
	    nitro_route(app, "GET /live", live, NULL) != 0 ||
	    nitro_route(app, "POST /counter/{op}", counter_change, NULL) != 0 ||
	    nitro_route(app, "POST /chat", chat_post, NULL) != 0) {
		nitro_log(NITRO_LOG_ERROR, "live: cannot start", "error", nitro_errmsg(), NULL);
	} else {
		rc = nitro_app_run(app, argc, argv);
	}
	nitro_app_free(app);
	nitro_transport_free(events);
	nitro_repo_free(db);
	return rc == 0 ? 0 : 1;
}
