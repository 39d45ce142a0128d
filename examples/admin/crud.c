/*
 * One entity's pages, whichever entity (struct crud): the table page, the
 * create and edit dialog with its schema form, the delete confirmation,
 * and the answers to their Datastar actions.  Nothing here names a field:
 * the schema and the table description in entities.c decide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

#define URL_MAX 128

/* The markup h wrote (into html) as a patch of selector with mode. */
static int patch(nitro_buf *ev, nitro_html *h, nitro_buf *html, const char *selector,
    enum nitro_ds_mode mode)
{
	struct nitro_sse_patch o = { .selector = selector, .mode = mode };
	int rc = nitro_html_finish(h);

	if (rc == 0)
		rc = nitro_sse_patch_elements(ev, html->data, html->len, &o);
	nitro_buf_reset(html);
	nitro_html_init(h, html);
	return rc;
}

/* The table as the browser's signals say it is shown, and a toast. */
static int table_and_toast(nitro_buf *ev, const struct crud *c,
    const struct nitro_table_state *st, const char *kind, const char *msg)
{
	nitro_buf html = NITRO_BUF_INIT;
	char toasts[URL_MAX];
	nitro_html h;
	int rc;

	snprintf(toasts, sizeof toasts, "#%s-toasts", c->table->id);
	nitro_html_init(&h, &html);
	nitro_table_render(&h, c->table, st);
	rc = patch(ev, &h, &html, NULL, NITRO_DS_OUTER);
	nitro_ui_toast(&h, kind, msg, 5000);
	if (rc == 0)
		rc = patch(ev, &h, &html, toasts, NITRO_DS_APPEND);
	nitro_buf_free(&html);
	return rc;
}

/* A new zeroed entity of c's schema. */
static void *entity_new(const struct crud *c)
{
	void *obj = calloc(1, c->schema->size);

	if (obj != NULL && nitro_entity_init(c->schema, obj) != 0) {
		free(obj);
		return NULL;
	}
	return obj;
}

static void entity_free(const struct crud *c, void *obj)
{
	if (obj != NULL)
		nitro_entity_clear(c->schema, obj);
	free(obj);
}

/* The id of the path, or 0 with a 404 answered. */
static int64_t path_id(nitro_req *req, const struct crud *c)
{
	int64_t id;

	if (nitro_req_param_int(req, "id", &id) < 0 || id <= 0) {
		nitro_resp_error(req, 404, "No such record.");
		return 0;
	}
	(void)c;
	return id;
}

/* The row of the path in *obj; NITRO_ENOTFOUND with a 404 answered. */
static int load(nitro_req *req, const struct crud *c, void **obj)
{
	int64_t id = path_id(req, c);
	int rc;

	*obj = NULL;
	if (id == 0)
		return NITRO_ENOTFOUND;
	if ((*obj = entity_new(c)) == NULL)
		return nitro_error(NITRO_ENOMEM, "out of memory");
	if ((rc = nitro_entity_get(c->schema, nitro_id_int(id), *obj)) == NITRO_ENOTFOUND)
		nitro_resp_error(req, 404, "No such record.");
	return rc;
}

int crud_page(nitro_req *req, void *u)
{
	const struct crud *c = u;
	struct nitro_table_state st;
	char label[64], action[URL_MAX];
	nitro_html h;

	if (nitro_table_state_read(req, c->table, &st) < 0)
		return 0;
	snprintf(label, sizeof label, "New %s", c->noun);
	snprintf(action, sizeof action, "@get('%s/new')", c->base);
	nitro_html_init(&h, nitro_resp_body(req));
	admin_page_begin(&h, c->title, 1);
	NITRO_HTML(&h, "main") {
		NITRO_HTML(&h, "div") {
			nitro_html_attr(&h, "class", "admin-toolbar");
			nitro_ui_button(&h, &(struct nitro_ui_button){ .label = label,
			    .variant = "primary", .on_click = action });
		}
		nitro_table_render(&h, c->table, &st);
	}
	nitro_page_end(&h);
	return admin_page_send(req, &h, 200);
}

/* The create or edit dialog: obj NULL for a new row. */
static int dialog(nitro_req *req, const struct crud *c, const void *obj, int64_t id)
{
	nitro_buf ev = NITRO_BUF_INIT, html = NITRO_BUF_INIT;
	char dlg[64], title[64], submit[URL_MAX];
	nitro_html h;
	int rc;

	snprintf(dlg, sizeof dlg, "%s-dialog", c->noun);
	if (obj == NULL) {
		snprintf(title, sizeof title, "New %s", c->noun);
		snprintf(submit, sizeof submit, "@post('%s')", c->base);
	} else {
		snprintf(title, sizeof title, "Edit %s %lld", c->noun, (long long)id);
		snprintf(submit, sizeof submit, "@put('%s/%lld')", c->base, (long long)id);
	}
	nitro_html_init(&h, &html);
	nitro_ui_dialog_begin(&h, dlg, NULL, title);
	nitro_ui_form(&h, c->schema, &(struct nitro_form_opts){ .values = obj,
	    .id_prefix = c->noun, .bind = c->noun, .on_submit = submit,
	    .refs = c->refs, .nrefs = c->nrefs });
	nitro_ui_dialog_end(&h);
	rc = patch(&ev, &h, &html, "body", NITRO_DS_APPEND);
	nitro_buf_free(&html);
	return rc ? (nitro_buf_free(&ev), rc) : nitro_ds_reply_events(req, &ev);
}

int crud_new(nitro_req *req, void *u)
{
	return dialog(req, u, NULL, 0);
}

int crud_edit(nitro_req *req, void *u)
{
	const struct crud *c = u;
	void *obj;
	int rc = load(req, c, &obj);

	if (rc == 0)
		rc = dialog(req, c, obj, path_id(req, c));
	entity_free(c, obj);
	return rc == NITRO_ENOTFOUND ? 0 : rc;
}

/*
 * Bind the request to obj and save it: the errors next to their fields
 * when a value is refused; otherwise the dialog closes (focus goes back
 * to the button that opened it) and the table and a toast come back.
 */
static int save(nitro_req *req, const struct crud *c, void *obj)
{
	struct nitro_table_state st;
	nitro_buf ev = NITRO_BUF_INIT;
	nitro_verrors errs;
	char close[96], msg[96];
	int rc;

	rc = nitro_req_bind(req, c->schema, obj, &errs,
	    &(struct nitro_bind_opts){ .prefix = c->noun });
	if (rc == 0)
		rc = nitro_entity_save(c->schema, obj);
	if (rc == NITRO_EVALIDATE && errs.n > 0)
		return nitro_reply_invalid(req, c->schema, obj, &errs, NULL, NULL);
	if (rc == NITRO_EPARSE)
		return 0;	/* answered 4xx */
	if (nitro_table_state_read(req, c->table, &st) < 0)
		return 0;
	if (rc == NITRO_EVALIDATE || rc == NITRO_ECONSTRAINT || rc == NITRO_ENOTFOUND) {
		/* Refused by the store (a customer deleted meanwhile). */
		rc = table_and_toast(&ev, c, &st, "error", nitro_errmsg());
		return rc ? (nitro_buf_free(&ev), rc) : nitro_ds_reply_events(req, &ev);
	}
	if (rc < 0)
		return rc;
	snprintf(close, sizeof close, "document.getElementById('%s-dialog')?.close()", c->noun);
	snprintf(msg, sizeof msg, "The %s is saved.", c->noun);
	rc = nitro_sse_execute_script(&ev, close, NULL);
	if (rc == 0)
		rc = table_and_toast(&ev, c, &st, "success", msg);
	return rc ? (nitro_buf_free(&ev), rc) : nitro_ds_reply_events(req, &ev);
}

int crud_create(nitro_req *req, void *u)
{
	const struct crud *c = u;
	void *obj = entity_new(c);
	int rc = obj ? save(req, c, obj) : nitro_error(NITRO_ENOMEM, "out of memory");

	entity_free(c, obj);
	return rc;
}

int crud_update(nitro_req *req, void *u)
{
	const struct crud *c = u;
	void *obj;
	int rc = load(req, c, &obj);

	if (rc == 0)
		rc = save(req, c, obj);
	entity_free(c, obj);
	return rc == NITRO_ENOTFOUND ? 0 : rc;
}

int crud_confirm(nitro_req *req, void *u)
{
	const struct crud *c = u;
	nitro_buf ev = NITRO_BUF_INIT, html = NITRO_BUF_INIT, action = NITRO_BUF_INIT;
	char id[64], title[64], msg[160], url[URL_MAX];
	const nitro_field *name;
	const char *text;
	nitro_html h;
	void *obj;
	int rc = load(req, c, &obj);

	if (rc < 0) {
		entity_free(c, obj);
		return rc == NITRO_ENOTFOUND ? 0 : rc;
	}
	/* The message names the row by its table's title field (a TEXT
	 * field's value is a char * at the field's offset). */
	name = nitro_entity_field(c->schema, c->table->title_field ? c->table->title_field : "name");
	text = name && name->type == NITRO_T_TEXT ? *(char *const *)((const char *)obj + name->offset) : NULL;
	snprintf(msg, sizeof msg, "%s will be deleted.", text ? text : "This record");
	snprintf(id, sizeof id, "%s-confirm", c->noun);
	snprintf(title, sizeof title, "Delete this %s?", c->noun);
	snprintf(url, sizeof url, "%s/%lld", c->base, (long long)path_id(req, c));
	nitro_js_action(&action, "delete", url, NULL);
	nitro_html_init(&h, &html);
	nitro_ui_confirm(&h, &(struct nitro_ui_confirm){ .id = id, .title = title,
	    .message = msg, .action = action.data });
	rc = action.err ? action.err : patch(&ev, &h, &html, "body", NITRO_DS_APPEND);
	nitro_buf_free(&html);
	nitro_buf_free(&action);
	entity_free(c, obj);
	return rc ? (nitro_buf_free(&ev), rc) : nitro_ds_reply_events(req, &ev);
}

int crud_delete(nitro_req *req, void *u)
{
	const struct crud *c = u;
	struct nitro_table_state st;
	nitro_buf ev = NITRO_BUF_INIT;
	char msg[96];
	int64_t id = path_id(req, c);
	int rc;

	if (id == 0)
		return 0;
	if (nitro_table_state_read(req, c->table, &st) < 0)
		return 0;
	rc = nitro_entity_delete(c->schema, nitro_id_int(id));
	if (rc == NITRO_ENOTFOUND)
		return nitro_resp_error(req, 404, "No such record.");
	if (rc == NITRO_ECONSTRAINT) {
		snprintf(msg, sizeof msg, "This %s cannot be deleted: other rows refer to it.", c->noun);
		rc = table_and_toast(&ev, c, &st, "error", msg);
	} else if (rc == 0) {
		snprintf(msg, sizeof msg, "The %s is deleted.", c->noun);
		rc = table_and_toast(&ev, c, &st, "success", msg);
	}
	return rc ? (nitro_buf_free(&ev), rc) : nitro_ds_reply_events(req, &ev);
}
