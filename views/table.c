/*
 * Tables from a schema (see <nitro/views.h>): the state a request asks
 * for, checked; the page of records it names, queried; and the markup.
 *
 * Behaviour is Datastar with the state in the signals $<id>.page, .size,
 * .sort, .dir, .q: a control sets them and fetches the table's url with
 * only those signals (filterSignals), and the answer morphs the table in
 * place.  The search box is left alone by the morph (data-ignore-morph) so
 * that a reply never takes back what is being typed.  A live table opens
 * its stream from the wrapper; the stream only bumps $<id>._rev, and the
 * wrapper fetches the table again for the state this browser shows: the
 * hub thread never queries, and every browser sees its own page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/internal.h"
#include "core/utf8.h"

#define ID_MAX 48		/* bytes of a table's id */

/* ---- columns ------------------------------------------------------------- */

struct col {
	const nitro_field *f;		/* NULL: fmt only */
	const char *label;
	nitro_table_fmt fmt;
	void *udata;
	int sorts;
	int end;			/* aligned at the end (class nitro-num) */
	char buf[64];			/* a label made from the name */
};

static int sortable_type(int type)
{
	return type == NITRO_T_INT || type == NITRO_T_REAL || type == NITRO_T_BOOL ||
	    type == NITRO_T_TEXT || type == NITRO_T_TIME;
}

static int is_number(int type)
{
	return type == NITRO_T_INT || type == NITRO_T_REAL;
}

/* The table's columns into c (NITRO_TABLE_MAX_COLS); their count or a
 * negative error. */
static int columns(const struct nitro_table *t, struct col *c)
{
	const nitro_field *shown[NITRO_MAX_FIELDS];
	size_t n;

	if (t == NULL || t->schema == NULL)
		return nitro_error(NITRO_EINVAL, "table: no schema");
	if (t->cols == NULL) {
		n = nitro__fields_shown(t->schema, shown, NITRO_MAX_FIELDS);
		if (n > NITRO_TABLE_MAX_COLS)
			n = NITRO_TABLE_MAX_COLS;
		for (size_t i = 0; i < n; i++) {
			memset(&c[i], 0, sizeof c[i]);
			c[i].f = shown[i];
			c[i].label = nitro__field_label(shown[i], c[i].buf, sizeof c[i].buf);
			c[i].sorts = sortable_type(shown[i]->type);
			c[i].end = is_number(shown[i]->type);
		}
		return (int)n;
	}
	if (t->ncols > NITRO_TABLE_MAX_COLS)
		return nitro_error(NITRO_ELIMIT, "table %s: at most %d columns",
		    t->schema->name, NITRO_TABLE_MAX_COLS);
	for (size_t i = 0; i < t->ncols; i++) {
		const struct nitro_table_col *tc = &t->cols[i];

		memset(&c[i], 0, sizeof c[i]);
		c[i].fmt = tc->fmt;
		c[i].udata = tc->udata;
		if ((unsigned)tc->align > NITRO_ALIGN_END)
			return nitro_error(NITRO_EINVAL, "table %s: column %zu: no alignment %d",
			    t->schema->name, i, (int)tc->align);
		c[i].end = tc->align == NITRO_ALIGN_END;
		if (tc->field == NULL) {
			if (tc->fmt == NULL)
				return nitro_error(NITRO_EINVAL, "table %s: column %zu has "
				    "neither a field nor a formatter", t->schema->name, i);
			c[i].label = tc->label ? tc->label : "";
			continue;
		}
		if ((c[i].f = nitro_entity_field(t->schema, tc->field)) == NULL)
			return nitro_error(NITRO_EINVAL, "table %s: no field %.40s",
			    t->schema->name, tc->field);
		if (c[i].f->secret)
			return nitro_error(NITRO_EINVAL, "table %s: %s is secret",
			    t->schema->name, tc->field);
		c[i].label = tc->label ? tc->label :
		    nitro__field_label(c[i].f, c[i].buf, sizeof c[i].buf);
		c[i].sorts = !tc->nosort && sortable_type(c[i].f->type);
		if (tc->align == NITRO_ALIGN_AUTO)
			c[i].end = is_number(c[i].f->type);
	}
	return (int)t->ncols;
}

static const char *table_id(const struct nitro_table *t)
{
	return t->id ? t->id : t->schema->name;
}

/* The id is an element id and a signal name: keep it an identifier. */
static int check_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n >= ID_MAX || !((id[0] >= 'a' && id[0] <= 'z') ||
	    (id[0] >= 'A' && id[0] <= 'Z')))
		return nitro_error(NITRO_EINVAL, "table: id \"%.48s\" is not an identifier", id);
	for (size_t i = 1; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') ||
		    (id[i] >= '0' && id[i] <= '9') || id[i] == '_'))
			return nitro_error(NITRO_EINVAL, "table: id \"%.48s\" is not an "
			    "identifier", id);
	return 0;
}

/* ---- the state ------------------------------------------------------------- */

static long max_size(const struct nitro_table *t)
{
	return t->max_size > 0 ? t->max_size : NITRO_TABLE_MAX_SIZE;
}

/* A decimal in 1..max, or an error naming what it is. */
static int parse_count(const char *what, const char *s, long max, long *out)
{
	long v = 0;

	if (*s == '\0' || strlen(s) > 18)
		return nitro_error(NITRO_EINVAL, "%s must be a number from 1 to %ld", what, max);
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return nitro_error(NITRO_EINVAL, "%s must be a number from 1 to %ld",
			    what, max);
		v = v * 10 + (*p - '0');
	}
	if (v < 1)
		return nitro_error(NITRO_EINVAL, "%s must be a number from 1 to %ld", what, max);
	if (v > max)
		return nitro_error(NITRO_ELIMIT, "%s may be at most %ld", what, max);
	*out = v;
	return 0;
}

int nitro_table_parse(const struct nitro_table *t, struct nitro_table_state *st,
    const char *page, const char *size, const char *sort, const char *dir, const char *q)
{
	struct col c[NITRO_TABLE_MAX_COLS];
	long page_max;
	int n, rc;

	if (st == NULL)
		return nitro_error(NITRO_EINVAL, "table: no state to fill");
	if ((n = columns(t, c)) < 0)
		return n;
	st->size = t->size > 0 ? t->size : NITRO_TABLE_SIZE;
	if (st->size > max_size(t))
		st->size = max_size(t);
	st->page = 1;
	st->sort = NULL;
	st->desc = 0;
	st->q = NULL;
	if (size != NULL && (rc = parse_count("size", size, max_size(t), &st->size)) < 0)
		return rc;
	/* The offset (page - 1) * size must fit any size_t and long. */
	page_max = 1000000000L / st->size;
	if (page != NULL && (rc = parse_count("page", page, page_max, &st->page)) < 0)
		return rc;
	if (sort != NULL && *sort != '\0') {
		for (int i = 0; i < n && st->sort == NULL; i++)
			if (c[i].sorts && strcmp(c[i].f->name, sort) == 0)
				st->sort = c[i].f->name;	/* the schema's string */
		if (st->sort == NULL)
			return nitro_error(NITRO_EINVAL, "the table cannot be sorted by "
			    "\"%.40s\"", sort);
	}
	if (dir != NULL && *dir != '\0') {
		if (strcmp(dir, "desc") == 0)
			st->desc = 1;
		else if (strcmp(dir, "asc") != 0)
			return nitro_error(NITRO_EINVAL, "dir must be asc or desc");
	}
	if (q != NULL && *q != '\0') {
		size_t len = strlen(q), i = 0;
		unsigned cp;

		if (len > NITRO_TABLE_Q_MAX)
			return nitro_error(NITRO_ELIMIT, "the search may be at most %d bytes",
			    NITRO_TABLE_Q_MAX);
		while (i < len) {
			size_t k = nitro__utf8_char(q + i, len - i, &cp);

			if (k == 0 || cp < 0x20)
				return nitro_error(NITRO_EINVAL, "the search is not text");
			i += k;
		}
		st->q = q;
	}
	return 0;
}

/* ---- cells ----------------------------------------------------------------- */

int nitro_table_cell(nitro_html *h, const nitro_schema *s, const nitro_field *f,
    const void *row)
{
	const char *p = (const char *)row + f->offset;
	char iso[NITRO_TIME_LEN];

	if (h->err)
		return h->err;
	if (f->type == NITRO_T_COMPUTED || nitro_entity_is_null(s, row, f->name) > 0)
		return 0;
	switch (f->type) {
	case NITRO_T_INT:
		return nitro_html_int(h, (long long)*(const int64_t *)(const void *)p);
	case NITRO_T_REAL:
		return nitro_html_printf(h, "%g", *(const double *)(const void *)p);
	case NITRO_T_BOOL:
		nitro_html_open(h, "span");
		if (*(const _Bool *)(const void *)p) {
			nitro_html_attr(h, "class", "nitro-mark nitro-mark-yes");
			nitro_html_attr(h, "role", "img");
			nitro_html_attr(h, "aria-label", "yes");
			nitro_html_raw(h, "\xe2\x9c\x93");	/* check mark */
		} else {
			nitro_html_attr(h, "class", "nitro-mark nitro-mark-no");
			nitro_html_attr(h, "role", "img");
			nitro_html_attr(h, "aria-label", "no");
			nitro_html_raw(h, "\xe2\x80\x93");	/* en dash */
		}
		return nitro_html_close(h, "span");
	case NITRO_T_TIME:
		if (nitro_time_format(*(const int64_t *)(const void *)p, iso) < 0)
			return 0;
		nitro_html_open(h, "time");
		nitro_html_attr(h, "datetime", iso);
		if (f->format != NULL && strcmp(f->format, "datetime") == 0) {
			iso[10] = ' ';
			iso[16] = '\0';		/* "2026-11-21 10:00" (UTC) */
		} else {
			iso[10] = '\0';		/* "2026-11-21" */
		}
		nitro_html_text(h, iso);
		return nitro_html_close(h, "time");
	case NITRO_T_TEXT:
		return nitro_html_text(h, *(char *const *)(const void *)p);
	case NITRO_T_JSON: {
		struct json_object *j = *(struct json_object *const *)(const void *)p;

		return nitro_html_text(h, json_object_to_json_string_ext(j,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	}
	default:
		return 0;
	}
}

/* ---- markup ---------------------------------------------------------------- */

struct view {
	const struct nitro_table *t;
	const struct nitro_table_state *st;
	const char *id;
	struct col *c;
	int n;
	const nitro_field *idf, *title;
	nitro_buf e;			/* expressions */
	char e_mem[512];
};

/* "$id.page = 2; ... @get('url', {filterSignals: {include: /^id\./}})":
 * the state keys to set come as name, JavaScript value pairs. */
static const char *fetch_expr(struct view *v, const char *const *set)
{
	struct nitro_ds_action_opts o = { 0 };
	char inc[ID_MAX + 8], path[ID_MAX + 16];

	nitro_buf_reset(&v->e);
	for (; set != NULL && set[0] != NULL; set += 2) {
		snprintf(path, sizeof path, "%s.%s", v->id, set[0]);
		nitro_js_signal(&v->e, path);
		nitro_buf_printf(&v->e, " = %s; ", set[1]);
	}
	snprintf(inc, sizeof inc, "^%s\\.", v->id);
	o.include = inc;
	nitro_js_action(&v->e, "get", v->t->url, &o);
	return v->e.data;
}

/* The signals that hold the state, as the page first shows it. */
static void state_signals(nitro_html *h, struct view *v)
{
	json_object *root = json_object_new_object(), *s = json_object_new_object();

	if (root == NULL || s == NULL) {
		json_object_put(root);
		json_object_put(s);
		nitro__html_fail(h, NITRO_ENOMEM, "table: out of memory");
		return;
	}
	json_object_object_add(s, "page", json_object_new_int64(v->st->page));
	json_object_object_add(s, "size", json_object_new_int64(v->st->size));
	json_object_object_add(s, "sort", json_object_new_string(v->st->sort ? v->st->sort : ""));
	json_object_object_add(s, "dir", json_object_new_string(v->st->desc ? "desc" : "asc"));
	json_object_object_add(s, "q", json_object_new_string(v->st->q ? v->st->q : ""));
	if (v->t->bulk_url != NULL)
		json_object_object_add(s, "ids", json_object_new_array());
	json_object_object_add(root, v->id, s);
	/* If missing: the browser's state wins over a reply's, so that a
	 * reply never undoes what was typed or clicked since it was asked. */
	nitro_ds_signals(h, root, 1);
	json_object_put(root);
}

static void toolbar(nitro_html *h, struct view *v)
{
	static const char *const first_page[] = { "page", "1", NULL };
	char path[ID_MAX + 8], label[96];

	nitro_html_open(h, "div");
	nitro_html_attr(h, "class", "nitro-table-tools");
	nitro_html_open(h, "input");
	nitro_html_attr(h, "type", "search");
	nitro_html_attr(h, "class", "nitro-input nitro-table-search");
	nitro_html_attr_printf(h, "id", "%s-q", v->id);
	nitro_html_attr(h, "name", "q");
	snprintf(label, sizeof label, "Search %s", v->t->schema->name);
	nitro_html_attr(h, "aria-label", label);
	nitro_html_attr(h, "placeholder", "Search");
	nitro_html_attr(h, "autocomplete", "off");
	if (v->st->q != NULL)
		nitro_html_attr(h, "value", v->st->q);
	snprintf(path, sizeof path, "%s.q", v->id);
	nitro_ds_data(h, "bind", NULL, NULL, path);
	nitro_ds_data(h, "ignore-morph", NULL, NULL, NULL);
	nitro_ds_data(h, "on", "input", "debounce.300ms", fetch_expr(v, first_page));
	if (v->t->bulk_url != NULL) {
		struct nitro_ds_action_opts o = { 0 };
		char inc[ID_MAX + 8];

		/* The checked boxes are the selection: what is on screen, never
		 * a stale list from another page. */
		nitro_buf_reset(&v->e);
		snprintf(path, sizeof path, "%s.ids", v->id);
		nitro_js_signal(&v->e, path);
		nitro_buf_printf(&v->e, " = [...document.querySelectorAll('#%s "
		    "input[name=ids]:checked')].map(c => c.value); ", v->id);
		nitro_js_signal(&v->e, path);
		nitro_buf_puts(&v->e, ".length > 0 && confirm('Delete the ' + ");
		nitro_js_signal(&v->e, path);
		nitro_buf_puts(&v->e, ".length + ' selected?') && ");
		snprintf(inc, sizeof inc, "^%s\\.", v->id);
		o.include = inc;
		nitro_js_action(&v->e, "post", v->t->bulk_url, &o);
		nitro_html_open(h, "button");
		nitro_html_attr(h, "type", "button");
		nitro_html_attr(h, "class", "nitro-btn nitro-btn-danger nitro-table-bulk");
		nitro_ds_data(h, "on", "click", NULL, v->e.data);
		nitro_html_text(h, "Delete selected");
		nitro_html_close(h, "button");
	}
	nitro_html_open(h, "div");
	nitro_html_attr_printf(h, "id", "%s-toasts", v->id);
	nitro_html_attr(h, "class", "nitro-toasts");
	nitro_ds_data(h, "ignore-morph", NULL, NULL, NULL);
	nitro_html_close(h, "div");
	nitro_html_close(h, "div");
}

static void head_cell(nitro_html *h, struct view *v, const struct col *c)
{
	int sorted = c->f != NULL && v->st->sort != NULL && strcmp(v->st->sort, c->f->name) == 0;

	nitro_html_open(h, "th");
	nitro_html_attr(h, "scope", "col");
	if (c->f != NULL && c->f->width != NULL)
		nitro_html_attr_printf(h, "style", "width: %s", c->f->width);
	if (c->end)
		nitro_html_attr(h, "class", "nitro-num");
	if (!c->sorts) {
		nitro_html_text(h, c->label);
		nitro_html_close(h, "th");
		return;
	}
	nitro_html_attr(h, "aria-sort", sorted ? (v->st->desc ? "descending" : "ascending") :
	    "none");
	{
		char field[80];
		/* A click sorts ascending, a second click on the same column
		 * descending. */
		const char *set[] = { "sort", field, "dir",
		    sorted && !v->st->desc ? "'desc'" : "'asc'", "page", "1", NULL };
		nitro_buf name = NITRO_BUF_INIT;

		nitro_js_string(&name, c->f->name);
		snprintf(field, sizeof field, "%s", name.data ? name.data : "''");
		nitro_buf_free(&name);
		nitro_html_open(h, "button");
		nitro_html_attr(h, "type", "button");
		nitro_html_attr(h, "class", "nitro-table-sort");
		nitro_ds_data(h, "on", "click", NULL, fetch_expr(v, set));
		nitro_html_text(h, c->label);
		nitro_html_open(h, "span");
		nitro_html_attr(h, "class", "nitro-sort-mark");
		nitro_html_attr(h, "aria-hidden", "true");
		nitro_html_raw(h, !sorted ? "\xe2\x86\x95" : v->st->desc ? "\xe2\x86\x93" :
		    "\xe2\x86\x91");
		nitro_html_close(h, "span");
		nitro_html_close(h, "button");
	}
	nitro_html_close(h, "th");
}

/* The row's id as text, for attributes and URLs. */
static const char *row_id(const struct view *v, const void *row, char *buf, size_t n)
{
	const char *p = (const char *)row + v->idf->offset;

	if (v->idf->type == NITRO_T_INT) {
		snprintf(buf, n, "%lld", (long long)*(const int64_t *)(const void *)p);
		return buf;
	}
	return *(char *const *)(const void *)p ? *(char *const *)(const void *)p : "";
}

/* The record's name for labels: its title field, else its id. */
static const char *row_title(const struct view *v, const void *row, const char *id)
{
	const char *t;

	if (v->title == NULL || nitro_entity_is_null(v->t->schema, row, v->title->name) > 0)
		return id;
	t = *(char *const *)(const void *)((const char *)row + v->title->offset);
	return t && *t ? t : id;
}

static void action_button(nitro_html *h, struct view *v, const struct nitro_table_action *a,
    const char *id, const char *title)
{
	nitro_buf url = NITRO_BUF_INIT;
	const char *p, *hole;

	if (a->url == NULL || a->label == NULL) {
		nitro__html_fail(h, NITRO_EINVAL, "table: an action without a label or URL");
		return;
	}
	for (p = a->url; (hole = strstr(p, "{id}")) != NULL; p = hole + 4) {
		nitro_buf_append(&url, p, (size_t)(hole - p));
		nitro_url_encode(&url, id);
	}
	nitro_buf_puts(&url, p);
	nitro_buf_reset(&v->e);
	if (url.err || nitro_js_action(&v->e, a->method ? a->method : "get", url.data, NULL) < 0) {
		nitro_buf_free(&url);
		nitro__html_fail(h, url.err ? url.err : nitro__errcode(), "table: action %s",
		    nitro_errmsg());
		return;
	}
	nitro_buf_free(&url);
	nitro_html_open(h, "button");
	nitro_html_attr(h, "type", "button");
	nitro_html_attr_printf(h, "class", "nitro-btn nitro-btn-sm nitro-btn-%s",
	    a->variant ? a->variant : "secondary");
	nitro_html_attr_printf(h, "aria-label", "%s %s", a->label, title);
	nitro_ds_data(h, "on", "click", NULL, v->e.data);
	nitro_html_text(h, a->label);
	nitro_html_close(h, "button");
}

static void body_row(nitro_html *h, struct view *v, const void *row)
{
	char idbuf[24];
	const char *id = row_id(v, row, idbuf, sizeof idbuf);
	const char *title = row_title(v, row, id);

	nitro_html_open(h, "tr");
	nitro_html_attr_printf(h, "id", "%s-r-%s", v->id, id);
	if (v->t->bulk_url != NULL) {
		nitro_html_open(h, "td");
		nitro_html_attr(h, "class", "nitro-table-select");
		nitro_html_open(h, "input");
		nitro_html_attr(h, "type", "checkbox");
		nitro_html_attr(h, "name", "ids");
		nitro_html_attr(h, "value", id);
		nitro_html_attr_printf(h, "aria-label", "Select %s", title);
		nitro_html_close(h, "td");
	}
	for (int i = 0; i < v->n; i++) {
		const struct col *c = &v->c[i];

		nitro_html_open(h, "td");
		if (c->end)
			nitro_html_attr(h, "class", "nitro-num");
		if (c->fmt != NULL) {
			int rc = c->fmt(h, v->t->schema, c->f, row, c->udata);

			if (rc < 0 && !h->err)
				nitro__html_fail(h, rc, "table: a formatter failed");
		} else if (c->f != NULL) {
			nitro_table_cell(h, v->t->schema, c->f, row);
		}
		nitro_html_close(h, "td");
	}
	if (v->t->nactions > 0) {
		nitro_html_open(h, "td");
		nitro_html_attr(h, "class", "nitro-table-actions");
		for (size_t i = 0; i < v->t->nactions; i++)
			action_button(h, v, &v->t->actions[i], id, title);
		nitro_html_close(h, "td");
	}
	nitro_html_close(h, "tr");
}

static void page_button(nitro_html *h, void *ctx, long page, long cur, const char *label)
{
	struct view *v = ctx;
	char num[24];
	const char *set[] = { "page", num, NULL };

	snprintf(num, sizeof num, "%ld", page);
	nitro_html_open(h, "button");
	nitro_html_attr(h, "type", "button");
	nitro_html_attr(h, "class", page == cur ? "nitro-page nitro-page-current" : "nitro-page");
	if (page == cur)
		nitro_html_attr(h, "aria-current", "page");
	else
		nitro_ds_data(h, "on", "click", NULL, fetch_expr(v, set));
	if (label != NULL) {
		nitro_html_text(h, label);
	} else {
		nitro_html_attr_printf(h, "aria-label", "Page %ld", page);
		nitro_html_int(h, page);
	}
	nitro_html_close(h, "button");
}

static void pager(nitro_html *h, struct view *v, size_t total)
{
	long pages = total == 0 ? 1 : (long)((total + (size_t)v->st->size - 1) /
	    (size_t)v->st->size);
	long page = v->st->page;
	size_t first = (size_t)(page - 1) * (size_t)v->st->size;

	nitro_html_open(h, "div");
	nitro_html_attr(h, "class", "nitro-table-foot");
	nitro_html_open(h, "p");
	nitro_html_attr(h, "class", "nitro-table-count");
	if (total == 0)
		nitro_html_text(h, "0 rows");
	else
		nitro_html_printf(h, "%zu\xe2\x80\x93%zu of %zu", first + 1,
		    first + (size_t)v->st->size < total ? first + (size_t)v->st->size : total,
		    total);
	nitro_html_close(h, "p");
	if (pages > 1)
		nitro__pager(h, page, pages, page_button, v);
	nitro_html_close(h, "div");
}

/* The page of rows st asks for; a page past the end (rows deleted since)
 * shows the last one. */
static int load(struct view *v, struct nitro_table_state *st, nitro_rows *rows, size_t *total)
{
	nitro_order order = { st->sort, st->desc };
	nitro_query shape = { .all = v->t->where, .nall = v->t->nwhere,
	    .order = &order, .norder = st->sort != NULL,
	    .limit = (size_t)st->size, .offset = (size_t)(st->page - 1) * (size_t)st->size };
	int rc;

	rc = nitro_entity_search_query(v->t->schema, st->q, &shape, rows, total);
	if (rc == 0 && rows->n == 0 && *total > 0 && st->page > 1) {
		nitro_rows_free(rows);
		st->page = (long)((*total + (size_t)st->size - 1) / (size_t)st->size);
		shape.offset = (size_t)(st->page - 1) * (size_t)st->size;
		rc = nitro_entity_search_query(v->t->schema, st->q, &shape, rows, total);
	}
	return rc;
}

int nitro_table_render(nitro_html *h, const struct nitro_table *t,
    const struct nitro_table_state *st_in)
{
	struct col c[NITRO_TABLE_MAX_COLS];
	struct nitro_table_state st;
	struct view v = { 0 };
	nitro_rows rows = { 0 };
	size_t total = 0;
	int rc, cols;

	if (h->err)
		return h->err;
	if ((v.n = columns(t, c)) < 0)
		return nitro__html_fail(h, v.n, "%s", nitro_errmsg());
	if (st_in == NULL) {
		if ((rc = nitro_table_parse(t, &st, NULL, NULL, NULL, NULL, NULL)) < 0)
			return nitro__html_fail(h, rc, "%s", nitro_errmsg());
	} else {
		st = *st_in;
	}
	if (st.page < 1 || st.size < 1 || st.size > max_size(t))
		return nitro__html_fail(h, NITRO_EINVAL, "table: a state nitro_table_parse "
		    "would refuse");
	if (t->url == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "table %s: no url", t->schema->name);
	v.t = t;
	v.st = &st;
	v.id = table_id(t);
	v.c = c;
	if ((rc = check_id(v.id)) < 0)
		return nitro__html_fail(h, rc, "%s", nitro_errmsg());
	for (size_t i = 0; i < t->schema->nfields && v.idf == NULL; i++)
		if (t->schema->fields()[i].id)
			v.idf = &t->schema->fields()[i];
	if (v.idf == NULL)
		return nitro__html_fail(h, NITRO_EINVAL, "table %s: no id field",
		    t->schema->name);
	if (t->title_field != NULL) {
		v.title = nitro_entity_field(t->schema, t->title_field);
		if (v.title == NULL || v.title->type != NITRO_T_TEXT)
			return nitro__html_fail(h, NITRO_EINVAL, "table %s: title_field is "
			    "not a text field", t->schema->name);
	}
	for (int i = 0; i < v.n && v.title == NULL; i++)
		if (c[i].f != NULL && c[i].f->type == NITRO_T_TEXT)
			v.title = c[i].f;
	if ((rc = load(&v, &st, &rows, &total)) < 0)
		return nitro__html_fail(h, rc, "table %s: %s", t->schema->name, nitro_errmsg());
	nitro_buf_init_on(&v.e, v.e_mem, sizeof v.e_mem, 0);

	nitro_html_open(h, "div");
	nitro_html_attr(h, "id", v.id);
	nitro_html_attr(h, "class", "nitro-table-wrap");
	state_signals(h, &v);
	if (t->live_url != NULL) {
		char inc[ID_MAX + 16];

		nitro_ds_live(h, t->live_url, NULL);
		snprintf(inc, sizeof inc, "{include: /^%s\\._rev$/}", v.id);
		nitro_ds_data(h, "on-signal-patch-filter", NULL, NULL, inc);
		nitro_ds_data(h, "on-signal-patch", NULL, "debounce.50ms", fetch_expr(&v, NULL));
	}
	toolbar(h, &v);
	nitro_html_open(h, "table");
	nitro_html_attr(h, "class", "nitro-table");
	nitro_html_open(h, "thead");
	nitro_html_open(h, "tr");
	if (t->bulk_url != NULL) {
		nitro_html_open(h, "th");
		nitro_html_attr(h, "class", "nitro-table-select");
		nitro_html_open(h, "input");
		nitro_html_attr(h, "type", "checkbox");
		nitro_html_attr(h, "aria-label", "Select all rows");
		nitro_ds_data(h, "on", "change", NULL, "el.closest('table').querySelectorAll("
		    "'input[name=ids]').forEach(c => c.checked = el.checked)");
		nitro_html_close(h, "th");
	}
	for (int i = 0; i < v.n; i++)
		head_cell(h, &v, &c[i]);
	if (t->nactions > 0) {
		nitro_html_open(h, "th");
		nitro_html_attr(h, "class", "nitro-table-actions");
		nitro_html_open(h, "span");
		nitro_html_attr(h, "class", "nitro-visually-hidden");
		nitro_html_text(h, "Actions");
		nitro_html_close(h, "span");
		nitro_html_close(h, "th");
	}
	nitro_html_close(h, "tr");
	nitro_html_close(h, "thead");
	nitro_html_open(h, "tbody");
	for (size_t r = 0; r < rows.n; r++)
		body_row(h, &v, (const char *)rows.items + r * t->schema->size);
	if (rows.n == 0) {
		cols = v.n + (t->bulk_url != NULL) + (t->nactions > 0);
		nitro_html_open(h, "tr");
		nitro_html_open(h, "td");
		nitro_html_attr(h, "class", "nitro-table-empty");
		nitro_html_attr_int(h, "colspan", cols);
		nitro_html_text(h, st.q != NULL ? "Nothing matches the search." :
		    t->empty ? t->empty : "Nothing here yet.");
		nitro_html_close(h, "td");
		nitro_html_close(h, "tr");
	}
	nitro_html_close(h, "tbody");
	nitro_html_close(h, "table");
	pager(h, &v, total);
	nitro_html_close(h, "div");
	nitro_rows_free(&rows);
	nitro_buf_free(&v.e);
	return nitro_html_error(h);
}
