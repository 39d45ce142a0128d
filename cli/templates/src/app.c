/*
 * app.c: the handlers of @NAME@.  A page lists notes and has a form to
 * add one; every browser showing the page keeps a live stream open, and
 * a note added anywhere appears in all of them.
 *
 * How a new note travels: the form's @post sends the signals as JSON to
 * POST /notes; note_save() stores it in SQLite, and because the database
 * was opened with log_changes, the same transaction appends the event
 * "note.saved" to the event log.  Every worker's stream hub follows that
 * log and passes the event to render() for each stream parked on
 * GET /sse/notes, which appends the note to the list in the browser.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"

NITRO_ENTITY_DEFINE(note, NOTE_FIELDS);

/* ---- views ------------------------------------------------------------- */

static void view_note(nitro_html *h, const struct note *n)
{
	NITRO_HTML(h, "li") {
		nitro_html_attr_printf(h, "id", "note-%lld", (long long)n->id);
		nitro_html_text(h, n->title);	/* escaped */
	}
}

int app_view_notes(nitro_html *h, int64_t *newest)
{
	nitro_order by_id = { "id", 0 };
	nitro_query q = { .order = &by_id, .norder = 1, .limit = 100 };
	nitro_rows rows;
	int rc = note_query(&q, &rows);

	if (newest != NULL)
		*newest = 0;
	NITRO_HTML(h, "ul") {
		nitro_html_attr(h, "id", "notes");
		for (size_t i = 0; rc == 0 && i < rows.n; i++) {
			const struct note *n = (const struct note *)rows.items + i;

			view_note(h, n);
			if (newest != NULL && n->id > *newest)
				*newest = n->id;
		}
	}
	if (rc == 0)
		nitro_rows_free(&rows);
	return rc;
}

static int page(nitro_req *req, void *udata)
{
	struct nitro_page p = { .title = "@NAME@" };
	nitro_html h;

	(void)udata;
	nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
	nitro_html_init(&h, nitro_resp_body(req));
	nitro_page_begin(&h, &p);
	NITRO_HTML(&h, "main") {
		/* Two signals: the field being typed and the last error. */
		nitro_ds_data(&h, "signals", "title", NULL, "''");
		nitro_ds_data(&h, "signals", "error", NULL, "''");
		/* Open the live stream once the page is up, and again after
		 * any end (a worker restarting ends its streams). */
		nitro_ds_live(&h, "/sse/notes", NULL);
		nitro_html_elem(&h, "h1", "@NAME@");
		NITRO_HTML(&h, "form") {
			nitro_ds_on_action(&h, "submit", "prevent", "post", "/notes", NULL);
			nitro_html_open(&h, "input");
			nitro_ds_data(&h, "bind", "title", NULL, NULL);
			nitro_html_attr(&h, "placeholder", "A new note");
			NITRO_HTML(&h, "button") nitro_html_text(&h, "Add");
		}
		NITRO_HTML(&h, "p") {
			nitro_html_attr(&h, "class", "error");
			nitro_ds_data(&h, "text", NULL, NULL, "$error");
		}
		app_view_notes(&h, NULL);
	}
	nitro_page_end(&h);
	return nitro_html_finish(&h);
}

/* ---- actions ----------------------------------------------------------- */

int app_add_note(const char *title)
{
	struct note n;
	int rc;

	if ((rc = note_init(&n)) != 0)
		return rc;
	if ((n.title = strdup(title)) == NULL)
		rc = nitro_error(NITRO_ENOMEM, "out of memory");
	else
		rc = note_save(&n);
	note_clear(&n);
	return rc;
}

/* POST /notes with the signals {"title": "...", "error": "..."}.  The
 * answer patches the signals: the error ("" clears it), and an empty
 * field after a note was added. */
static int add(nitro_req *req, void *udata)
{
	const char *title = nitro_req_signal_str(req, "title");
	int rc;

	(void)udata;
	if (nitro_req_failed(req))
		return 0;		/* the runtime answers 400 with the reason */
	if (title == NULL)
		return nitro_resp_error(req, 400, "expected the signal title");
	rc = app_add_note(title);
	if (rc == NITRO_EVALIDATE)
		return nitro_ds_reply_strings(req, "error", nitro_errmsg(), NULL);
	if (rc != 0)
		return rc;		/* logged; the client gets 500 */
	return nitro_ds_reply_strings(req, "error", "", "title", "", NULL);
}

/* ---- the live stream --------------------------------------------------- */

/* Per stream: the newest note already on screen. */
struct shown {
	int64_t newest;
};

/* A fresh stream (or one that missed too much) gets the whole list. */
static int patch_list(nitro_buf *out, struct shown *sh)
{
	nitro_buf html = NITRO_BUF_INIT;
	nitro_html h;
	int rc;

	nitro_html_init(&h, &html);
	rc = app_view_notes(&h, &sh->newest);
	if ((rc = rc ? rc : nitro_html_finish(&h)) == 0)
		rc = nitro_sse_patch_elements(out, html.data, html.len, NULL);
	nitro_buf_free(&html);
	return rc;
}

/* One event in, Datastar patches out.  Runs on the hub thread for every
 * stream, so it works from the event's payload (the note as JSON); the
 * whole list for a fresh stream (its first render) and after a gap. */
static int render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	struct nitro_sse_patch append = { .selector = "#notes", .mode = NITRO_DS_APPEND };
	struct shown *sh = udata;
	json_object *j;
	struct note n;
	nitro_buf html = NITRO_BUF_INIT;
	nitro_html h;
	int rc;

	if (strcmp(ev->topic, NITRO_LIVE_GAP) == 0)
		return patch_list(out, sh);
	if (strcmp(ev->topic, "note.saved") != 0 ||
	    (j = json_tokener_parse(ev->payload)) == NULL)
		return 0;
	rc = note_from_json(j, &n, NULL);
	json_object_put(j);
	if (rc != 0 || n.id <= sh->newest) {	/* already shown */
		if (rc == 0)
			note_clear(&n);
		return 0;
	}
	sh->newest = n.id;
	nitro_html_init(&h, &html);
	view_note(&h, &n);
	note_clear(&n);
	if ((rc = nitro_html_finish(&h)) == 0)
		rc = nitro_sse_patch_elements(out, html.data, html.len, &append);
	nitro_buf_free(&html);
	return rc;
}

static int notes_sse(nitro_req *req, void *udata)
{
	static const char *const topics[] = { "note.*" };
	struct nitro_live_opts o = {
		.topics = topics, .ntopics = 1,
		.render = render, .first = render,
		.udata = calloc(1, sizeof(struct shown)), .udata_free = free,
	};

	(void)udata;
	if (o.udata == NULL)
		return NITRO_ENOMEM;
	/* Parked, or refused with the answer already set (503 when this
	 * worker holds its limit of streams): either way, done here. */
	nitro_live(req, &o);
	return 0;
}

int app_routes(nitro_app *app)
{
	int rc = nitro_route(app, "GET /", page, NULL);

	if (rc == 0)
		rc = nitro_route(app, "POST /notes", add, NULL);
	if (rc == 0)
		rc = nitro_route(app, "GET /sse/notes", notes_sse, NULL);
	return rc;
}
