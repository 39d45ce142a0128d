/*
 * Tables from a schema, on the request side: the state and the selection
 * a request sends, checked and bounded, and the three routes a table
 * needs (the table itself, bulk delete, the live stream).  The markup and
 * the state's rules are views/table.c's.
 */
#include <stdio.h>
#include <string.h>

#include "fcgi/internal.h"
#include "fcgi/parse.h"

#define UUID_TEXT_MAX 64	/* bytes of one text id in a selection */

/* Refuse the request: the runtime answers status with nitro_errmsg(). */
static int refuse(nitro_req *req, int status, int rc)
{
	struct nitro_perr e;

	nitro__fail(&e, status, rc, "%s", nitro_errmsg());
	nitro__req_failed(req, &e);
	return rc;
}

static const char *table_id(const struct nitro_table *t)
{
	return t->id ? t->id : t->schema->name;
}

/* The signals of a Datastar action; a plain link or form post has none
 * (its body is a form, not JSON). */
static json_object *signals(nitro_req *req)
{
	return nitro_req_is_datastar(req) ? nitro_req_signals(req) : NULL;
}

/* A state value from the signals object: a string or a number, as text;
 * NULL when absent. *bad when it is of another type or holds a NUL. */
static const char *signal_text(json_object *o, const char *key, int *bad)
{
	json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	if (!json_object_is_type(v, json_type_string) && !json_object_is_type(v, json_type_int)) {
		*bad = 1;
		return NULL;
	}
	s = json_object_get_string(v);
	if (json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) != strlen(s))
		*bad = 1;
	return s;
}

int nitro_table_state_read(nitro_req *req, const struct nitro_table *t,
    struct nitro_table_state *st)
{
	static const char *const keys[] = { "page", "size", "sort", "dir", "q" };
	const char *v[5];
	json_object *sig, *mine = NULL;
	int bad = 0, rc;

	if (t == NULL || t->schema == NULL || st == NULL)
		return nitro_error(NITRO_EINVAL, "table: no table or state");
	sig = signals(req);
	if (nitro_req_failed(req))
		return NITRO_EPARSE;
	if (sig != NULL && json_object_object_get_ex(sig, table_id(t), &mine) &&
	    !json_object_is_type(mine, json_type_object))
		mine = NULL;
	for (size_t i = 0; i < 5; i++) {
		v[i] = mine ? signal_text(mine, keys[i], &bad) : nitro_req_query(req, keys[i]);
		if (bad) {
			nitro_error(NITRO_EINVAL, "the table's %s must be text or a number",
			    keys[i]);
			return refuse(req, 400, NITRO_EINVAL);
		}
	}
	if (nitro_req_failed(req))
		return NITRO_EPARSE;
	if ((rc = nitro_table_parse(t, st, v[0], v[1], v[2], v[3], v[4])) < 0)
		return refuse(req, 400, rc);
	return 0;
}

/* One id of the selection, checked for the schema's id type. */
static int parse_id(nitro_req *req, const nitro_field *idf, const char *s, nitro_id *out)
{
	size_t n = strlen(s);

	if (idf->type == NITRO_T_INT) {
		int64_t v = 0;

		if (n == 0 || n > 18)
			return nitro_error(NITRO_EINVAL, "a selected id is not a number");
		for (size_t i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return nitro_error(NITRO_EINVAL, "a selected id is not a number");
			v = v * 10 + (s[i] - '0');
		}
		*out = nitro_id_int(v);
		return 0;
	}
	if (n == 0 || n > UUID_TEXT_MAX)
		return nitro_error(NITRO_EINVAL, "a selected id is empty or too long");
	if ((s = nitro_arena_strdup(nitro_req_arena(req), s)) == NULL)
		return nitro__errcode();
	*out = nitro_id_text(s);
	return 0;
}

static const nitro_field *id_field(const nitro_schema *s)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (s->fields()[i].id)
			return &s->fields()[i];
	return NULL;
}

static long max_ids(const struct nitro_table *t)
{
	return t->max_size > 0 ? t->max_size : NITRO_TABLE_MAX_SIZE;
}

int nitro_table_ids(nitro_req *req, const struct nitro_table *t, nitro_id **ids, size_t *n)
{
	const nitro_field *idf;
	json_object *sig, *arr = NULL, *mine;
	size_t max, count = 0;
	int rc;

	if (t == NULL || t->schema == NULL || ids == NULL || n == NULL)
		return nitro_error(NITRO_EINVAL, "table: no table or ids");
	*ids = NULL;
	*n = 0;
	if ((idf = id_field(t->schema)) == NULL)
		return nitro_error(NITRO_EINVAL, "table %s: no id field", t->schema->name);
	max = (size_t)max_ids(t);
	sig = signals(req);
	if (nitro_req_failed(req))
		return NITRO_EPARSE;
	if (sig != NULL && json_object_object_get_ex(sig, table_id(t), &mine) &&
	    json_object_is_type(mine, json_type_object))
		json_object_object_get_ex(mine, "ids", &arr);
	if (arr != NULL) {
		if (!json_object_is_type(arr, json_type_array)) {
			nitro_error(NITRO_EINVAL, "the selection must be a list of ids");
			return refuse(req, 400, NITRO_EINVAL);
		}
		count = json_object_array_length(arr);
	} else {
		/* A plain form: ids=1&ids=2, each one a pair. */
		if (nitro_req_form(req, "ids") == NULL && nitro_req_failed(req))
			return NITRO_EPARSE;
		for (size_t i = 0; i < req->form.n; i++)
			count += strcmp(req->form.v[i].name, "ids") == 0;
	}
	if (count > max) {
		nitro_error(NITRO_ELIMIT, "at most %zu rows may be selected at once", max);
		return refuse(req, 413, NITRO_ELIMIT);
	}
	if (count == 0)
		return 0;
	if ((*ids = nitro_arena_calloc(nitro_req_arena(req), count, sizeof **ids)) == NULL)
		return nitro__errcode();
	if (arr != NULL) {
		for (size_t i = 0; i < count; i++) {
			json_object *e = json_object_array_get_idx(arr, i);
			int bad = 0;
			const char *s = NULL;

			if (json_object_is_type(e, json_type_string) ||
			    json_object_is_type(e, json_type_int)) {
				s = json_object_get_string(e);
				bad = json_object_is_type(e, json_type_string) &&
				    (size_t)json_object_get_string_len(e) != strlen(s);
			}
			if (s == NULL || bad) {
				nitro_error(NITRO_EINVAL, "a selected id is not text or a number");
				return refuse(req, 400, NITRO_EINVAL);
			}
			if ((rc = parse_id(req, idf, s, &(*ids)[*n])) < 0)
				return refuse(req, 400, rc);
			(*n)++;
		}
		return 0;
	}
	for (size_t i = 0; i < req->form.n; i++)
		if (strcmp(req->form.v[i].name, "ids") == 0) {
			if ((rc = parse_id(req, idf, req->form.v[i].value, &(*ids)[*n])) < 0)
				return refuse(req, 400, rc);
			(*n)++;
		}
	return 0;
}

/* ---- the routes ---------------------------------------------------------- */

/* The table as text/html: Datastar morphs it in by its id. */
static int render_table(const struct nitro_table *t, const struct nitro_table_state *st,
    nitro_buf *out)
{
	nitro_html h;

	nitro_html_init(&h, out);
	nitro_table_render(&h, t, st);
	return nitro_html_finish(&h);
}

int nitro_table_handler(nitro_req *req, void *table)
{
	const struct nitro_table *t = table;
	struct nitro_table_state st;
	nitro_buf html = NITRO_BUF_INIT;
	int rc;

	if (nitro_table_state_read(req, t, &st) < 0)
		return 0;		/* answered 400 with the reason */
	if ((rc = render_table(t, &st, &html)) == 0)
		rc = nitro_ds_reply_html(req, html.data, html.len, NULL);
	nitro_buf_free(&html);
	return rc;
}

int nitro_table_bulk_delete(nitro_req *req, void *table)
{
	const struct nitro_table *t = table;
	struct nitro_table_state st;
	struct nitro_sse_patch toast = { 0 };
	nitro_buf ev = NITRO_BUF_INIT, html = NITRO_BUF_INIT;
	nitro_html h;
	nitro_id *ids;
	size_t n, deleted = 0;
	char msg[200], sel[80];
	int rc = 0, failed = 0;

	if (nitro_table_state_read(req, t, &st) < 0 || nitro_table_ids(req, t, &ids, &n) < 0)
		return nitro_req_failed(req) ? 0 : nitro__errcode();
	for (size_t i = 0; i < n && !failed; i++) {
		rc = nitro_entity_delete(t->schema, ids[i]);
		if (rc == 0)
			deleted++;
		else if (rc != NITRO_ENOTFOUND)	/* gone already: what was wanted */
			failed = 1;
	}
	if (failed)
		snprintf(msg, sizeof msg, "Deleted %zu of %zu: %s", deleted, n, nitro_errmsg());
	else if (n == 0)
		snprintf(msg, sizeof msg, "Nothing was selected.");
	else
		snprintf(msg, sizeof msg, "Deleted %zu %s.", deleted, deleted == 1 ? "row" : "rows");
	if ((rc = render_table(t, &st, &html)) == 0)
		rc = nitro_sse_patch_elements(&ev, html.data, html.len, NULL);
	nitro_buf_reset(&html);
	nitro_html_init(&h, &html);
	nitro_ui_toast(&h, failed ? "error" : "success", msg, 5000);
	if (rc == 0 && (rc = nitro_html_finish(&h)) == 0) {
		snprintf(sel, sizeof sel, "#%s-toasts", table_id(t));
		toast.selector = sel;
		toast.mode = NITRO_DS_APPEND;
		rc = nitro_sse_patch_elements(&ev, html.data, html.len, &toast);
	}
	nitro_buf_free(&html);
	if (rc != 0) {
		nitro_buf_free(&ev);
		return rc;
	}
	return nitro_ds_reply_events(req, &ev);
}

/* Every change of the table's entity: bump $<id>._rev; the browser then
 * fetches the table for its own state (views/table.c).  Nothing here
 * queries, so the hub thread never waits on the store. */
static int live_render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	const struct nitro_table *t = udata;
	char json[128];
	int len;

	len = snprintf(json, sizeof json, "{\"%s\":{\"_rev\":%lld}}", table_id(t),
	    (long long)(ev->id > 0 ? ev->id : nitro_time_now()));
	if (len < 0 || (size_t)len >= sizeof json)
		return nitro_error(NITRO_EINTERNAL, "table: id too long");
	return nitro_sse_patch_signals_json(out, json, (size_t)len, 0, NULL);
}

int nitro_table_live(nitro_req *req, void *table)
{
	const struct nitro_table *t = table;
	char saved[96], deleted[96];
	const char *topics[] = { saved, deleted };
	struct nitro_live_opts o = {
		.topics = topics, .ntopics = 2, .render = live_render, .udata = table,
	};

	if (t == NULL || t->schema == NULL)
		return nitro_error(NITRO_EINVAL, "table: no table");
	if (strspn(table_id(t), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_") != strlen(table_id(t)))
		return nitro_error(NITRO_EINVAL, "table: id is not an identifier");
	snprintf(saved, sizeof saved, "%s.saved", t->schema->name);
	snprintf(deleted, sizeof deleted, "%s.deleted", t->schema->name);
	/* Parked, or refused with its answer set (503 at the stream limit). */
	nitro_live(req, &o);
	return 0;
}
