/*
 * The SQLite repository: the nitro_repo_ops a schema is bound to.  Get,
 * insert, update-by-id and delete use statements prepared once per
 * connection; queries are compiled (sql/where.c) and cached by their text.
 * A save of one record is one statement (atomic by itself); batches, and
 * saves that also log an event, run in one transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/batch.h"
#include "sql/internal.h"

static struct sqlconn *conn_of(const struct sqlstore *ss)
{
	return nitro__sql_conn(ss->repo);
}

static int s_get(void *store, nitro_id id, void *out)
{
	struct sqlstore *ss = store;
	struct sqlconn *c = conn_of(ss);
	sqlite3_stmt *st;
	int rc;

	if (c == NULL || (st = nitro__sql_fixed(c, ss, SQ_GET)) == NULL)
		return nitro__errcode();
	if ((rc = nitro__sql_bind_id(st, 1, ss, id)) < 0)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, ss->s->size);
		rc = nitro__sql_read_row(st, ss, out);
	} else if (rc == SQLITE_DONE) {
		rc = nitro_error(NITRO_ENOTFOUND, "%s not found", ss->s->name);
	} else {
		rc = nitro__sql_error(c->db, rc, ss->s->name);
	}
	sqlite3_reset(st);
	return rc;
}

/* The id column of the table named name, when a bound schema has it. */
static const char *id_column(struct sqlrepo *sr, const char *name)
{
	const char *id = NULL;

	pthread_mutex_lock(&sr->mu);
	for (size_t i = 0; i < sr->nstores && id == NULL; i++)
		if (strcmp(sr->stores[i]->s->name, name) == 0)
			id = sr->stores[i]->idf->name;
	pthread_mutex_unlock(&sr->mu);
	return id;
}

/* Which reference of obj points nowhere: the field to name in a foreign
 * key failure (SQLite's own message does not say). */
static const char *missing_ref(struct sqlconn *c, const struct sqlstore *ss, const void *obj)
{
	for (size_t i = 0; i < ss->rt->n; i++) {
		const nitro_field *f = &ss->rt->f[i];
		const char *id;
		char sql[200];
		sqlite3_stmt *st;
		int found;

		if (!f->ref || nitro__is_null(ss->rt, obj, (int)i))
			continue;
		/* Names are checked identifiers; an unbound parent is found by
		 * rowid, which an INTEGER PRIMARY KEY is. */
		id = id_column(ss->repo, f->ref);
		snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" WHERE \"%s\"=?", f->ref,
		    id ? id : "rowid");
		if ((st = nitro__sql_prepare(c, sql, strlen(sql))) == NULL)
			return f->name;
		nitro__sql_bind_field(st, 1, ss, obj, (int)i);
		found = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (!found)
			return f->name;
	}
	return NULL;
}

/* Map a failed write, naming the field where SQLite does not. */
static int put_error(struct sqlconn *c, const struct sqlstore *ss, const void *obj, int rc)
{
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
		const char *f = missing_ref(c, ss, obj);

		return nitro_error(NITRO_ECONSTRAINT, "%s: refers to a record that does not "
		    "exist", f ? f : ss->s->name);
	}
	return nitro__sql_error(c->db, rc, ss->s->name);
}

static int log_change(struct sqlconn *c, const struct sqlstore *ss, const void *obj,
    const char *topic)
{
	struct json_object *j = NULL;
	const char *text;
	size_t len;
	int rc;

	if ((rc = nitro_entity_to_json(ss->s, obj, &j)) < 0)
		return rc;
	text = json_object_to_json_string_length(j, JSON_C_TO_STRING_PLAIN, &len);
	rc = text ? nitro__sql_append(c, topic, text, len, NULL) :
	    nitro__oom(NULL);
	json_object_put(j);
	return rc;
}

/* The derived events of ss, after a change, in the change's transaction. */
static int derive_all(struct sqlconn *c, const struct sqlstore *ss)
{
	nitro_buf b = NITRO_BUF_INIT;
	int rc = 0;

	for (int k = 0; rc == 0 && k < ss->nderive; k++) {
		const struct sql_derive *d = &ss->derive[k];

		nitro_buf_reset(&b);
		if ((rc = d->fn(ss->s, &b, d->udata)) < 0)
			break;
		if ((rc = b.err) < 0)
			break;
		if (b.len > 0)
			rc = nitro__sql_append(c, d->topic, b.data, b.len, NULL);
	}
	nitro_buf_free(&b);
	return rc;
}

int nitro_sql_derive(const nitro_schema *s, const char *topic, nitro_sql_derive_fn fn,
    void *udata)
{
	struct sqlstore *ss = nitro__sql_store(s);
	struct sql_derive *d;

	if (ss == NULL)
		return nitro__errcode();
	if (topic == NULL || *topic == '\0' || fn == NULL)
		return nitro_error(NITRO_EINVAL, "%s: derive needs a topic and a function",
		    s->name);
	if (ss->nderive == SQL_DERIVE_MAX)
		return nitro_error(NITRO_ELIMIT, "%s: more than %d derived events",
		    s->name, SQL_DERIVE_MAX);
	d = &ss->derive[ss->nderive];
	if ((d->topic = strdup(topic)) == NULL)
		return nitro__oom(NULL);
	d->fn = fn;
	d->udata = udata;
	ss->nderive++;
	return 0;
}

static int bind_record(sqlite3_stmt *st, const struct sqlstore *ss, const void *obj,
    int with_id)
{
	int p = 1, rc;

	for (int k = 0; k < ss->ncols; k++) {
		if (!with_id && ss->col[k] == ss->rt->id)
			continue;
		rc = nitro__sql_bind_field(st, p++, ss, obj, ss->col[k]);
		if (rc != SQLITE_OK)	/* NOMEM, or TOOBIG past SQLite's limit */
			return nitro__sql_error(sqlite3_db_handle(st), rc, ss->s->name);
	}
	return 0;
}

/*
 * An upsert on a unique key is an UPDATE by that key, then an INSERT when
 * no record matched: INSERT ... ON CONFLICT DO UPDATE would spend an
 * AUTOINCREMENT id even when it updates.
 */
static sqlite3_stmt *update_by_key(struct sqlconn *c, const struct sqlstore *ss, int key)
{
	const struct nitro__schema_rt *rt = ss->rt;
	char mem[2048];
	nitro_buf b;
	sqlite3_stmt *st = NULL;
	int m = 0;

	nitro_buf_init_on(&b, mem, sizeof mem, 0);
	nitro_buf_printf(&b, "UPDATE \"%s\" SET ", ss->s->name);
	for (int k = 0; k < ss->ncols; k++)
		if (ss->col[k] != rt->id)
			nitro_buf_printf(&b, "%s\"%s\"=?", m++ ? "," : "", rt->f[ss->col[k]].name);
	nitro_buf_printf(&b, " WHERE \"%s\"=? RETURNING \"%s\"", rt->f[key].name,
	    ss->idf->name);
	if (b.err)
		nitro__oom(NULL);
	else
		st = nitro__sql_prepare(c, b.data, b.len);
	nitro_buf_free(&b);
	return st;
}

/* 1: the record with obj's key was updated (obj took its id); 0: none. */
static int update_key(struct sqlconn *c, const struct sqlstore *ss, void *obj, int key,
    struct nitro__idsave *sv)
{
	sqlite3_stmt *st = update_by_key(c, ss, key);
	int rc;

	if (st == NULL)
		return nitro__errcode();
	if ((rc = bind_record(st, ss, obj, 0)) < 0 ||
	    (rc = nitro__sql_bind_field(st, ss->ncols, ss, obj, key)) != SQLITE_OK) {
		sqlite3_reset(st);
		return rc < 0 ? rc : nitro__oom(NULL);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = 1;
		if (!ss->idf->uuid) {
			NITRO__ID_INT(ss->idf, obj) = sqlite3_column_int64(st, 0);
		} else if (NITRO__ID_TEXT(ss->idf, obj) == NULL || strcmp((const char *)
		    sqlite3_column_text(st, 0), NITRO__ID_TEXT(ss->idf, obj)) != 0) {
			if ((sv->fresh = strdup((const char *)sqlite3_column_text(st, 0))) == NULL)
				rc = nitro__oom(NULL);
			else {
				sv->text = NITRO__ID_TEXT(ss->idf, obj);
				NITRO__ID_TEXT(ss->idf, obj) = sv->fresh;
			}
		}
	} else if (rc != SQLITE_DONE) {
		rc = put_error(c, ss, obj, rc);
	} else {
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

static int put_one(struct sqlconn *c, const struct sqlstore *ss, void *obj, int key,
    struct nitro__idsave *sv)
{
	int uuid = ss->idf->uuid;
	int has_id = uuid ? NITRO__ID_TEXT(ss->idf, obj) != NULL :
	    NITRO__ID_INT(ss->idf, obj) != 0;
	sqlite3_stmt *st;
	int rc, upsert = key >= 0 && !nitro__is_null(ss->rt, obj, key);

	sv->num = uuid ? 0 : NITRO__ID_INT(ss->idf, obj);
	if (upsert && (rc = update_key(c, ss, obj, key, sv)) != 0)
		return rc < 0 ? rc : 0;
	if (uuid && NITRO__ID_TEXT(ss->idf, obj) == NULL)
		return nitro_error(NITRO_EINVAL, "%s: a text id is required", ss->s->name);
	if ((st = nitro__sql_fixed(c, ss, has_id ? SQ_UPSERT_ID : SQ_INSERT)) == NULL)
		return nitro__errcode();
	if ((rc = bind_record(st, ss, obj, has_id)) < 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		if (!has_id)
			NITRO__ID_INT(ss->idf, obj) = sqlite3_last_insert_rowid(c->db);
		rc = 0;
	} else {
		rc = put_error(c, ss, obj, rc);
	}
out:
	sqlite3_reset(st);
	return rc;
}

static int s_put(void *store, void *const *objs, size_t n, int key)
{
	struct sqlstore *ss = store;
	struct sqlconn *c = conn_of(ss);
	struct nitro__idsave few[NITRO__BATCH_FEW], *sv;
	int tx = n > 1 || key >= 0 || ss->log_changes || ss->nderive, nested = 0, rc = 0;
	size_t i, tried = 0;

	if (c == NULL)
		return nitro__errcode();
	if ((rc = nitro__batch_start(ss->s, ss->idf, objs, n, few, &sv)) < 0)
		return rc;
	if (tx && (rc = nitro__sql_tx_begin(c, &nested)) < 0)
		goto out;
	for (i = 0; i < n && rc == 0; i++) {
		tried++;
		if ((rc = put_one(c, ss, objs[i], key, &sv[i])) < 0)
			break;
		if (ss->log_changes)
			rc = log_change(c, ss, objs[i], ss->rt->ev_saved);
	}
	if (rc == 0 && ss->nderive)
		rc = derive_all(c, ss);
	if (tx)
		rc = nitro__sql_tx_end(c, nested, rc);
out:
	/* All or nothing: a failed batch gives the callers' ids back. */
	nitro__batch_ids_back(ss->idf, objs, tried, sv, rc < 0);
	nitro__batch_done(few, sv);
	return rc;
}

static int s_del(void *store, nitro_id id)
{
	struct sqlstore *ss = store;
	struct sqlconn *c = conn_of(ss);
	int tx = ss->log_changes || ss->nderive, nested = 0, rc;
	sqlite3_stmt *st;

	if (c == NULL)
		return nitro__errcode();
	if (tx && (rc = nitro__sql_tx_begin(c, &nested)) < 0)
		return rc;
	if ((st = nitro__sql_fixed(c, ss, SQ_DELETE)) == NULL) {
		rc = nitro__errcode();
		goto out;
	}
	if ((rc = nitro__sql_bind_id(st, 1, ss, id)) < 0)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		rc = sqlite3_changes(c->db) ? 0 :
		    nitro_error(NITRO_ENOTFOUND, "%s not found", ss->s->name);
	else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		rc = nitro_error(NITRO_ECONSTRAINT, "%s: other records still refer to it",
		    ss->s->name);
	else
		rc = nitro__sql_error(c->db, rc, ss->s->name);
	sqlite3_reset(st);
	if (rc == 0 && ss->log_changes) {
		struct json_object *j = json_object_new_object();
		const char *text;
		size_t len;

		if (j == NULL)
			rc = nitro__oom(NULL);
		else {
			json_object_object_add(j, ss->idf->name, ss->idf->uuid ?
			    json_object_new_string(id.text) : json_object_new_int64(id.num));
			text = json_object_to_json_string_length(j, JSON_C_TO_STRING_PLAIN, &len);
			rc = nitro__sql_append(c, ss->rt->ev_deleted, text, len, NULL);
			json_object_put(j);
		}
	}
	if (rc == 0 && ss->nderive)
		rc = derive_all(c, ss);
out:
	if (tx)
		rc = nitro__sql_tx_end(c, nested, rc);
	return rc;
}

/* SELECT columns or count(*), WHERE, ORDER BY, LIMIT: one text per shape. */
static int s_query(void *store, const nitro_query *q, nitro_rows *out, size_t *count)
{
	struct sqlstore *ss = store;
	struct sqlconn *c = conn_of(ss);
	char mem[1024];
	nitro_buf b;
	sqlite3_stmt *st = NULL;
	int rc, next = 1;

	if (c == NULL)
		return nitro__errcode();
	nitro_buf_init_on(&b, mem, sizeof mem, 0);
	/* Appends, not printf: this runs on every query. */
	if (out) {
		nitro_buf_puts(&b, "SELECT ");
		nitro_buf_puts(&b, ss->cols);
	} else {
		nitro_buf_puts(&b, "SELECT count(*)");
	}
	nitro_buf_puts(&b, " FROM ");
	nitro__ident(&b, ss->s->name);
	nitro__sql_where_core(ss, q, &b);
	if (out) {
		nitro__order_by(&nitro__sql_dialect, ss->s, ss->rt, ss->idf, q ? q->order : NULL,
		    q ? q->norder : 0, &b);
		nitro_buf_puts(&b, " LIMIT ? OFFSET ?");
	}
	if (b.err) {
		rc = nitro__oom(NULL);
		goto out;
	}
	if ((st = nitro__sql_prepare(c, b.data, b.len)) == NULL) {
		rc = nitro__errcode();
		goto out;
	}
	if ((rc = nitro__sql_bind_core(st, q, &next)) < 0)
		goto out;
	if (out) {
		sqlite3_bind_int64(st, next++, q && q->limit && q->limit < INT64_MAX ?
		    (int64_t)q->limit : -1);
		sqlite3_bind_int64(st, next, q && q->offset < INT64_MAX ? (int64_t)q->offset : 0);
		rc = nitro__sql_collect(st, ss, q ? q->limit : 0, out);
		st = NULL;	/* collect has reset it */
		if (rc == 0 && count)
			*count = out->n;
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*count = (size_t)sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = nitro__sql_error(c->db, rc, ss->s->name);
	}
out:
	if (st)
		sqlite3_reset(st);
	nitro_buf_free(&b);
	return rc;
}

/* ---- attaching schemas ---------------------------------------------------- */

static int table_exists(struct sqlconn *c, const char *name)
{
	static const char q[] = "SELECT 1 FROM sqlite_schema WHERE type='table' AND name=?";
	sqlite3_stmt *st = nitro__sql_prepare(c, q, sizeof q - 1);
	int rc;

	if (st == NULL)
		return nitro__errcode();
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : nitro__sql_error(c->db, rc, name);
}

/* Development mode: create what is missing, in one transaction. */
static int create_table(struct sqlconn *c, const nitro_schema *s)
{
	nitro_buf ddl = NITRO_BUF_INIT;
	int nested, rc;

	if ((rc = nitro_sql_ddl(s, &ddl)) < 0 || (rc = ddl.err) < 0) {
		nitro_buf_free(&ddl);
		return rc;
	}
	if ((rc = nitro__sql_tx_begin(c, &nested)) == 0) {
		rc = sqlite3_exec(c->db, ddl.data, NULL, NULL, NULL);
		rc = rc == SQLITE_OK ? 0 : nitro__sql_error(c->db, rc, s->name);
		rc = nitro__sql_tx_end(c, nested, rc);
	}
	nitro_buf_free(&ddl);
	return rc;
}

static int s_attach(nitro_repo *r, const nitro_schema *s, void **out)
{
	struct sqlrepo *sr = (struct sqlrepo *)r;
	struct sqlstore *ss, **grown;
	struct sqlconn *c;
	int rc;

	if ((ss = calloc(1, sizeof *ss)) == NULL)
		return nitro__oom(NULL);
	ss->repo = sr;
	ss->s = s;
	ss->rt = s->rt;
	ss->idf = &s->rt->f[s->rt->id];
	ss->log_changes = sr->o.log_changes;
	if ((rc = nitro__sql_store_sql(ss)) < 0)
		goto fail;
	if ((c = nitro__sql_conn(sr)) == NULL) {
		rc = nitro__errcode();
		goto fail;
	}
	if (sr->o.create_tables && !sr->o.readonly) {
		if ((rc = create_table(c, s)) < 0)
			goto fail;
	} else if ((rc = table_exists(c, s->name)) <= 0) {
		if (rc == 0)
			rc = nitro_error(NITRO_ENOTFOUND, "%s: the table does not exist; run "
			    "`nitro db migrate`, or open with create_tables in development",
			    s->name);
		goto fail;
	}
	/* Development mode too: CREATE TABLE IF NOT EXISTS adds no column
	 * to a table made from an older schema. */
	if ((rc = nitro__sql_check_columns(c, s, ss->rt)) < 0)
		goto fail;
	pthread_mutex_lock(&sr->mu);
	grown = realloc(sr->stores, (sr->nstores + 1) * sizeof *grown);
	if (grown == NULL) {
		pthread_mutex_unlock(&sr->mu);
		rc = nitro__oom(NULL);
		goto fail;
	}
	sr->stores = grown;
	ss->slot = (int)sr->nstores;
	sr->stores[sr->nstores++] = ss;
	pthread_mutex_unlock(&sr->mu);
	*out = ss;
	return 0;
fail:
	for (int k = 0; k < SQ_NSTMT; k++)
		free(ss->sql[k]);
	free(ss->cols);
	free(ss);
	return rc;
}

/*
 * The database answers: its file is still the one opened (an open
 * connection would go on reading a deleted or replaced file and hide
 * that the data is gone) and a read of the schema succeeds.
 */
static int s_ping(nitro_repo *r)
{
	struct sqlrepo *sr = (struct sqlrepo *)r;
	struct sqlconn *c;
	struct stat st;
	sqlite3_stmt *q;
	int rc;

	if (stat(sr->path, &st) != 0)
		return nitro_error(NITRO_EIO, "%s: %s", sr->path, strerror(errno));
	if (st.st_dev != sr->dev || st.st_ino != sr->ino)
		return nitro_error(NITRO_EIO, "%s: replaced since it was opened", sr->path);
	if ((c = nitro__sql_conn(sr)) == NULL)
		return nitro__errcode();
	static const char sql[] = "SELECT count(*) FROM sqlite_master";
	if ((q = nitro__sql_prepare(c, sql, sizeof sql - 1)) == NULL)
		return nitro__errcode();
	rc = sqlite3_step(q);
	rc = rc == SQLITE_ROW ? 0 : nitro__sql_error(c->db, rc, sr->path);
	sqlite3_reset(q);
	return rc;
}

const struct nitro_repo_ops nitro__sql_ops = {
	.name = "sqlite",
	.attach = s_attach,
	.get = s_get,
	.put = s_put,
	.del = s_del,
	.query = s_query,
	.free = nitro__sql_repo_free,
	.ping = s_ping,
};

int nitro_sql_log_changes(const nitro_schema *s, int on)
{
	struct sqlstore *ss = nitro__sql_store(s);

	if (ss == NULL)
		return nitro__errcode();
	ss->log_changes = on != 0;
	return 0;
}

struct sqlstore *nitro__sql_store(const nitro_schema *s)
{
	struct nitro__schema_rt *rt = nitro__schema(s);

	if (rt == NULL)
		return NULL;
	if (rt->repo == NULL || rt->repo->ops != &nitro__sql_ops) {
		nitro_error(NITRO_EINVAL, "%s is not bound to a SQLite repository", s->name);
		return NULL;
	}
	return rt->store;
}

/* ---- opening ---------------------------------------------------------------- */

static const char internal_ddl[] =
	"CREATE TABLE IF NOT EXISTS nitro_events ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" topic TEXT NOT NULL,"
	" payload TEXT NOT NULL CHECK (json_valid(payload)),"
	" time INTEGER NOT NULL) STRICT;"
	"CREATE INDEX IF NOT EXISTS nitro_events_time ON nitro_events(time);"
	/* The log's epoch and retention floor (see events.c): one row, its
	 * epoch drawn when the log is created. */
	"CREATE TABLE IF NOT EXISTS nitro_event_log ("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" epoch INTEGER NOT NULL CHECK (epoch > 0),"
	" floor INTEGER NOT NULL DEFAULT 0) STRICT;"
	"INSERT OR IGNORE INTO nitro_event_log(one, epoch)"
	" VALUES (1, abs(random() % 9007199254740991) + 1);"
	"CREATE TABLE IF NOT EXISTS nitro_migrations ("
	" version INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" applied_at INTEGER NOT NULL) STRICT;";

int nitro__sql_db_version(struct sqlconn *c, int64_t *v)
{
	static const char q[] = "SELECT coalesce(max(version), 0) FROM nitro_migrations";
	sqlite3_stmt *st;
	int rc;

	*v = 0;
	if ((rc = table_exists(c, "nitro_migrations")) <= 0)
		return rc;
	if ((st = nitro__sql_prepare(c, q, sizeof q - 1)) == NULL)
		return nitro__errcode();
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = nitro__sql_error(c->db, rc, "migrations");
	}
	sqlite3_reset(st);
	return rc;
}

nitro_repo *nitro_sqlrepo_new(const char *path, const struct nitro_sql_opts *opts)
{
	struct sqlrepo *sr;
	struct sqlconn *c;
	int64_t v;
	int lock = -1;

	if (path == NULL || *path == '\0' || strlen(path) > 4096) {
		nitro_error(NITRO_EINVAL, "sqlrepo: a database path of 1 to 4096 bytes is needed");
		return NULL;
	}
	/* Each thread opens its own connection, and each connection to
	 * ":memory:" is a database of its own: writes would vanish. */
	if (strcmp(path, ":memory:") == 0) {
		nitro_error(NITRO_EINVAL, "sqlrepo: \":memory:\" would be a separate database "
		    "for every thread; use a file, or nitro_memrepo_new() for memory");
		return NULL;
	}
	if ((sr = calloc(1, sizeof *sr)) == NULL || (sr->path = strdup(path)) == NULL) {
		free(sr);
		nitro__oom(NULL);
		return NULL;
	}
	if (opts)
		sr->o = *opts;
	if (sr->o.busy_timeout_ms == 0)
		sr->o.busy_timeout_ms = 5000;
	sr->base.ops = &nitro__sql_ops;
	pthread_mutex_init(&sr->mu, NULL);
	if (nitro__sql_key_new(sr) < 0) {
		pthread_mutex_destroy(&sr->mu);
		free(sr->path);
		free(sr);
		nitro_error(NITRO_ENOMEM, "sqlrepo: no thread-specific key left");
		return NULL;
	}
	if (!sr->o.readonly)
		lock = nitro__sql_setup_lock(sr);
	if ((c = nitro__sql_conn(sr)) == NULL ||
	    (!sr->o.readonly && nitro__sql_exec(c, internal_ddl) < 0)) {
		nitro__sql_setup_unlock(lock);
		goto fail;
	}
	nitro__sql_setup_unlock(lock);
	if (nitro__sql_db_version(c, &v) < 0)
		goto fail;
	if (sr->o.code_version > 0 && v > sr->o.code_version) {
		nitro_error(NITRO_EUNSUPPORTED, "%s: the database is at schema version %lld, "
		    "newer than this program knows (%lld); run a newer program", path,
		    (long long)v, (long long)sr->o.code_version);
		goto fail;
	}
	struct stat st;
	if (stat(path, &st) == 0) {
		sr->dev = st.st_dev;
		sr->ino = st.st_ino;
	}
	return &sr->base;
fail:
	{
		char why[300];

		snprintf(why, sizeof why, "%s", nitro_errmsg());
		nitro__sql_repo_free(&sr->base);
		nitro_error(NITRO_EIO, "%s", why);
	}
	return NULL;
}
