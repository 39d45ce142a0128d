/*
 * The PostgreSQL repository: the nitro_repo_ops a schema is bound to.
 * Every statement is prepared once per connection (pg/conn.c) and run
 * with bound values.  A save of one record is one statement; batches,
 * upserts by key and saves that publish an event run in one transaction,
 * which is run again (a few times) when it loses a serialization race or
 * a deadlock outside a unit of work.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/batch.h"
#include "pg/internal.h"

static struct pgconn *conn_of(const struct pgstore *ps)
{
	return nitro__pg_conn(ps->repo);
}

static int s_get(void *store, nitro_id id, void *out)
{
	struct pgstore *ps = store;
	struct pgconn *c = conn_of(ps);
	struct pgparams p = {0};
	PGresult *res;
	int rc;

	if (c == NULL)
		return nitro__errcode();
	if ((rc = nitro__pg_param_id(&p, ps, id)) < 0)
		return rc;
	if ((res = nitro__pg_run(c, ps->sql[PQ_GET], p.n, p.v, NULL, NULL)) == NULL)
		return nitro__errcode();
	if (PQntuples(res) == 0) {
		rc = nitro_error(NITRO_ENOTFOUND, "%s not found", ps->s->name);
	} else {
		memset(out, 0, ps->s->size);
		rc = nitro__pg_read_row(res, 0, ps, out);
	}
	PQclear(res);
	return rc;
}

/* Run sql with p; 0, or the mapped failure (names the field of a
 * foreign key the server's message leaves out). */
static int run(struct pgconn *c, const struct pgstore *ps, const char *sql,
    struct pgparams *p, PGresult **out)
{
	PGresult *res = nitro__pg_run(c, sql, p->n, p->v, p->len, p->fmt);

	if (out)
		*out = res;
	else
		PQclear(res);
	return res ? 0 : nitro__errcode();
}

static int bind_record(struct pgparams *p, const struct pgstore *ps, const void *obj,
    int with_id)
{
	int rc;

	for (int k = 0; k < ps->ncols; k++) {
		if (!with_id && ps->col[k] == ps->rt->id)
			continue;
		if ((rc = nitro__pg_param_field(p, ps, obj, ps->col[k])) < 0)
			return rc;
	}
	return 0;
}

/* 1: the record with obj's key was updated (obj took its id); 0: none. */
static int update_key(struct pgconn *c, const struct pgstore *ps, void *obj, int key,
    struct nitro__idsave *sv)
{
	const struct nitro__schema_rt *rt = ps->rt;
	struct pgparams p = {0};
	nitro_buf b = NITRO_BUF_INIT;
	PGresult *res = NULL;
	int rc, m = 0;

	nitro_buf_printf(&b, "UPDATE \"%s\" SET ", ps->s->name);
	for (int k = 0; k < ps->ncols; k++)
		if (ps->col[k] != rt->id) {
			nitro_buf_printf(&b, "%s\"%s\"=$%d", m ? "," : "", rt->f[ps->col[k]].name,
			    m + 1);
			m++;
		}
	nitro_buf_printf(&b, " WHERE \"%s\"=$%d RETURNING \"%s\"", rt->f[key].name, m + 1,
	    ps->idf->name);
	if (b.err) {
		nitro_buf_free(&b);
		return nitro__oom(NULL);
	}
	if ((rc = bind_record(&p, ps, obj, 0)) < 0 ||
	    (rc = nitro__pg_param_field(&p, ps, obj, key)) < 0 ||
	    (rc = run(c, ps, b.data, &p, &res)) < 0)
		goto out;
	rc = PQntuples(res) > 0;
	if (rc && !ps->idf->uuid) {
		NITRO__ID_INT(ps->idf, obj) = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	} else if (rc && (NITRO__ID_TEXT(ps->idf, obj) == NULL ||
	    strcmp(PQgetvalue(res, 0, 0), NITRO__ID_TEXT(ps->idf, obj)) != 0)) {
		if ((sv->fresh = strdup(PQgetvalue(res, 0, 0))) == NULL) {
			rc = nitro__oom(NULL);
		} else {
			sv->text = NITRO__ID_TEXT(ps->idf, obj);
			NITRO__ID_TEXT(ps->idf, obj) = sv->fresh;
		}
	}
out:
	PQclear(res);
	nitro__pg_params_reset(&p);
	nitro_buf_free(&b);
	return rc;
}

static int put_one(struct pgconn *c, const struct pgstore *ps, void *obj, int key,
    struct nitro__idsave *sv)
{
	int uuid = ps->idf->uuid;
	int has_id = uuid ? NITRO__ID_TEXT(ps->idf, obj) != NULL :
	    NITRO__ID_INT(ps->idf, obj) != 0;
	int rc, upsert = key >= 0 && !nitro__is_null(ps->rt, obj, key);
	struct pgparams p = {0};
	PGresult *res = NULL;

	sv->num = uuid ? 0 : NITRO__ID_INT(ps->idf, obj);
	if (upsert && (rc = update_key(c, ps, obj, key, sv)) != 0)
		return rc < 0 ? rc : 0;
	if (uuid && NITRO__ID_TEXT(ps->idf, obj) == NULL)
		return nitro_error(NITRO_EINVAL, "%s: a text id is required", ps->s->name);
	if ((rc = bind_record(&p, ps, obj, has_id)) < 0)
		goto out;
	if (!has_id) {
		if ((rc = run(c, ps, ps->sql[PQ_INSERT], &p, &res)) == 0) {
			if (PQntuples(res) == 1)
				NITRO__ID_INT(ps->idf, obj) = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
			else
				rc = nitro_error(NITRO_EINTERNAL, "%s: no row in nitro_ids; open "
				    "the repository with create_tables or run its migration",
				    ps->s->name);
		}
		goto out;
	}
	if ((rc = run(c, ps, ps->sql[PQ_UPSERT_ID], &p, NULL)) < 0 || uuid)
		goto out;
	/* An explicit id moves the table's last id on (never back). */
	nitro__pg_params_reset(&p);
	if ((rc = nitro__pg_param_int(&p, NITRO__ID_INT(ps->idf, obj))) == 0)
		rc = run(c, ps, ps->sql[PQ_BUMP], &p, NULL);
out:
	PQclear(res);
	nitro__pg_params_reset(&p);
	return rc;
}

/* A change's event through the transport's outbox, in its transaction. */
static int publish(struct pgconn *c, const struct pgstore *ps, const char *topic,
    struct json_object *j)
{
	const char *text;
	size_t len;

	if (j == NULL)
		return nitro__oom(NULL);
	text = json_object_to_json_string_length(j, JSON_C_TO_STRING_PLAIN, &len);
	return text ? ps->repo->append(c, topic, text, len) : nitro__oom(NULL);
}

static int log_save(struct pgconn *c, const struct pgstore *ps, const void *obj)
{
	struct json_object *j = NULL;
	int rc;

	if ((rc = nitro_entity_to_json(ps->s, obj, &j)) < 0)
		return rc;
	rc = publish(c, ps, ps->rt->ev_saved, j);
	json_object_put(j);
	return rc;
}

static int logs(const struct pgstore *ps)
{
	return ps->repo->o.log_changes && ps->repo->append != NULL;
}

/* One attempt at a batch, in one transaction when it needs one. */
static int put_batch(struct pgconn *c, struct pgstore *ps, void *const *objs, size_t n,
    int key, struct nitro__idsave *sv, size_t *tried)
{
	int tx = n > 1 || key >= 0 || logs(ps), nested = 0, rc = 0;

	if (tx && (rc = nitro__pg_tx_begin(c, &nested)) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (i >= *tried)
			*tried = i + 1;
		if ((rc = put_one(c, ps, objs[i], key, &sv[i])) < 0)
			break;
		if (logs(ps))
			rc = log_save(c, ps, objs[i]);
	}
	if (tx)
		rc = nitro__pg_tx_end(c, nested, rc);
	return rc;
}

static int s_put(void *store, void *const *objs, size_t n, int key)
{
	struct pgstore *ps = store;
	struct pgconn *c = conn_of(ps);
	struct nitro__idsave few[NITRO__BATCH_FEW], *sv;
	size_t tried;
	int rc, tries = 0;

	if (c == NULL)
		return nitro__errcode();
	if ((rc = nitro__batch_start(ps->s, ps->idf, objs, n, few, &sv)) < 0)
		return rc;
	for (;;) {
		tried = 0;
		rc = put_batch(c, ps, objs, n, key, sv, &tried);
		/* All or nothing: a failed batch gives the callers' ids back. */
		nitro__batch_ids_back(ps->idf, objs, tried, sv, rc < 0);
		if (rc == 0 || !c->retry || c->depth > 0 || tries++ >= ps->repo->o.retries)
			break;
	}
	nitro__batch_done(few, sv);
	return rc;
}

static int del_once(struct pgconn *c, struct pgstore *ps, nitro_id id)
{
	int tx = logs(ps), nested = 0, rc;
	struct pgparams p = {0};
	PGresult *res = NULL;

	if (tx && (rc = nitro__pg_tx_begin(c, &nested)) < 0)
		return rc;
	if ((rc = nitro__pg_param_id(&p, ps, id)) == 0 &&
	    (rc = run(c, ps, ps->sql[PQ_DELETE], &p, &res)) == 0 &&
	    strcmp(PQcmdTuples(res), "0") == 0)
		rc = nitro_error(NITRO_ENOTFOUND, "%s not found", ps->s->name);
	if (rc == NITRO_ECONSTRAINT)
		rc = nitro_error(NITRO_ECONSTRAINT, "%s: other records still refer to it",
		    ps->s->name);
	PQclear(res);
	if (rc == 0 && logs(ps)) {
		struct json_object *j = json_object_new_object();

		if (j != NULL)
			json_object_object_add(j, ps->idf->name, ps->idf->uuid ?
			    json_object_new_string(id.text) : json_object_new_int64(id.num));
		rc = publish(c, ps, ps->rt->ev_deleted, j);
		json_object_put(j);
	}
	if (tx)
		rc = nitro__pg_tx_end(c, nested, rc);
	return rc;
}

static int s_del(void *store, nitro_id id)
{
	struct pgstore *ps = store;
	struct pgconn *c = conn_of(ps);
	int rc, tries = 0;

	if (c == NULL)
		return nitro__errcode();
	while ((rc = del_once(c, ps, id)) < 0 && c->retry && c->depth == 0 &&
	    tries++ < ps->repo->o.retries)
		;
	return rc;
}

/* SELECT columns or count(*), WHERE, ORDER BY, LIMIT: one text per shape. */
static int s_query(void *store, const nitro_query *q, nitro_rows *out, size_t *count)
{
	struct pgstore *ps = store;
	struct pgconn *c = conn_of(ps);
	char mem[1024];
	nitro_buf b;
	struct pgparams p;
	PGresult *res = NULL;
	int rc;

	if (c == NULL)
		return nitro__errcode();
	p.n = p.nowned = 0;
	nitro_buf_init_on(&b, mem, sizeof mem, 0);
	if (out) {
		nitro_buf_puts(&b, "SELECT ");
		nitro_buf_puts(&b, ps->cols);
	} else {
		nitro_buf_puts(&b, "SELECT count(*)");
	}
	nitro_buf_puts(&b, " FROM ");
	nitro__ident(&b, ps->s->name);
	if ((rc = nitro__pg_where(ps, q, &b, &p)) < 0)
		goto out;
	if (out) {
		nitro__order_by(&nitro__pg_dialect, ps->s, ps->rt, ps->idf, q ? q->order : NULL,
		    q ? q->norder : 0, &b);
		nitro_buf_printf(&b, " LIMIT $%d OFFSET $%d", p.n + 1, p.n + 2);
		/* LIMIT NULL is no limit. */
		if ((rc = q && q->limit && q->limit < INT64_MAX ?
		    nitro__pg_param_int(&p, (int64_t)q->limit) :
		    nitro__pg_param_text(&p, NULL)) < 0 ||
		    (rc = nitro__pg_param_int(&p, q && q->offset < INT64_MAX ?
		    (int64_t)q->offset : 0)) < 0)
			goto out;
	}
	if (b.err) {
		rc = nitro__oom(NULL);
		goto out;
	}
	if ((rc = run(c, ps, b.data, &p, &res)) < 0)
		goto out;
	if (out) {
		rc = nitro__pg_collect(res, ps, out);
		if (rc == 0 && count)
			*count = out->n;
	} else {
		*count = (size_t)strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	}
out:
	PQclear(res);
	nitro__pg_params_reset(&p);
	nitro_buf_free(&b);
	return rc;
}

/* ---- attaching schemas ---------------------------------------------------- */

static int table_exists(struct pgconn *c, const char *name)
{
	static const char q[] = "SELECT 1 FROM information_schema.tables "
	    "WHERE table_name=$1 AND table_schema=current_schema()";
	const char *v[1] = {name};
	PGresult *res = nitro__pg_run(c, q, 1, v, NULL, NULL);
	int rc;

	if (res == NULL)
		return nitro__errcode();
	rc = PQntuples(res) > 0;
	PQclear(res);
	return rc;
}

/* Development mode: create what is missing, in one transaction. */
static int create_table(struct pgconn *c, const nitro_schema *s)
{
	nitro_buf ddl = NITRO_BUF_INIT;
	int nested, rc;

	if ((rc = nitro_pg_ddl(s, &ddl)) < 0 || (rc = ddl.err) < 0) {
		nitro_buf_free(&ddl);
		return rc;
	}
	if ((rc = nitro__pg_tx_begin(c, &nested)) == 0) {
		/* Workers starting at once: one creates, the others wait. */
		rc = nitro__pg_simple(c, PG_SETUP_LOCK);
		if (rc == 0)
			rc = nitro__pg_simple(c, ddl.data);
		rc = nitro__pg_tx_end(c, nested, rc);
	}
	nitro_buf_free(&ddl);
	return rc;
}

static void store_free(struct pgstore *ps)
{
	for (int k = 0; k < PQ_NSTMT; k++)
		free(ps->sql[k]);
	free(ps->cols);
	free(ps);
}

static int s_attach(nitro_repo *r, const nitro_schema *s, void **out)
{
	struct pgrepo *pr = (struct pgrepo *)r;
	struct pgstore *ps, **grown;
	struct pgconn *c;
	int rc;

	if ((ps = calloc(1, sizeof *ps)) == NULL)
		return nitro__oom(NULL);
	ps->repo = pr;
	ps->s = s;
	ps->rt = s->rt;
	ps->idf = &s->rt->f[s->rt->id];
	if ((rc = nitro__pg_store_sql(ps)) < 0)
		goto fail;
	if ((c = nitro__pg_conn(pr)) == NULL) {
		rc = nitro__errcode();
		goto fail;
	}
	if (pr->o.create_tables) {
		if ((rc = create_table(c, s)) < 0)
			goto fail;
	} else if ((rc = table_exists(c, s->name)) <= 0) {
		if (rc == 0)
			rc = nitro_error(NITRO_ENOTFOUND, "%s: the table does not exist; run "
			    "`nitro db migrate`, or open with create_tables in development",
			    s->name);
		goto fail;
	}
	if ((rc = nitro__pg_check_columns(c, ps)) < 0)
		goto fail;
	pthread_mutex_lock(&pr->mu);
	grown = realloc(pr->stores, (pr->nstores + 1) * sizeof *grown);
	if (grown == NULL) {
		pthread_mutex_unlock(&pr->mu);
		rc = nitro__oom(NULL);
		goto fail;
	}
	pr->stores = grown;
	pr->stores[pr->nstores++] = ps;
	pthread_mutex_unlock(&pr->mu);
	*out = ps;
	return 0;
fail:
	store_free(ps);
	return rc;
}

/* A round trip on the calling thread's connection. */
static int s_ping(nitro_repo *r)
{
	struct pgconn *c = nitro__pg_conn((struct pgrepo *)r);

	if (c == NULL)
		return nitro__errcode();
	return nitro__pg_exec(c, "SELECT 1", 0, NULL);
}

const struct nitro_repo_ops nitro__pg_ops = {
	.name = "postgresql",
	.attach = s_attach,
	.get = s_get,
	.put = s_put,
	.del = s_del,
	.query = s_query,
	.free = nitro__pg_repo_free,
	.ping = s_ping,
};

/* ---- opening ---------------------------------------------------------------- */

/*
 * The statement_timeout the URL's options set last ("-c
 * statement_timeout=2s"), in ms, into *ms: the server's units ms, s, min
 * and h, none meaning ms; *ms is left alone when they set none or one not
 * read here.
 */
static void their_timeout(const char *opts, int *ms)
{
	static const struct { const char *unit; long ms; } units[] = {
		{"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000}, {"", 1},
	};
	const char *p = opts, *at = NULL;
	char *end;
	long v;

	while ((p = strstr(p, "statement_timeout=")) != NULL)
		at = p += strlen("statement_timeout=");
	if (at == NULL)
		return;
	v = strtol(at, &end, 10);
	if (end == at || v < 0)
		return;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		size_t n = strlen(units[i].unit);

		if (strncmp(end, units[i].unit, n) == 0 && (end[n] == '\0' || end[n] == ' ')) {
			if (v <= INT_MAX / units[i].ms)
				*ms = v == 0 ? -1 : (int)(v * units[i].ms);
			return;
		}
	}
}

/*
 * The startup options: statement_timeout, then the URL's own options, so
 * that a URL (configuration) which sets statement_timeout in its options
 * wins over the repository's; and the URL's own connect_timeout, when it
 * has one, over connect_timeout_s (an empty value is left out).
 */
static int startup_options(struct pgrepo *pr)
{
	PQconninfoOption *info, *o;
	char *err = NULL;
	const char *theirs = "";
	int n;

	if ((info = PQconninfoParse(pr->url, &err)) == NULL) {
		n = nitro_error(NITRO_EINVAL, "pgrepo: %s", err ? err : "out of memory");
		PQfreemem(err);
		return n;
	}
	for (o = info; o->keyword; o++) {
		if (strcmp(o->keyword, "options") == 0 && o->val)
			theirs = o->val;	/* and the timeout the calls wait for */
		if (strcmp(o->keyword, "connect_timeout") == 0 && o->val && *o->val)
			pr->connect_timeout[0] = '\0';
	}
	n = snprintf(pr->stmt_opt, sizeof pr->stmt_opt, "-c statement_timeout=%d%s%s",
	    pr->o.statement_timeout_ms < 0 ? 0 : pr->o.statement_timeout_ms,
	    *theirs ? " " : "", theirs);
	their_timeout(theirs, &pr->o.statement_timeout_ms);
	PQconninfoFree(info);
	if (n < 0 || (size_t)n >= sizeof pr->stmt_opt)
		return nitro_error(NITRO_ELIMIT, "pgrepo: the URL's options are too long");
	return 0;
}

nitro_repo *nitro_pgrepo_new(const char *url, const struct nitro_pg_opts *opts)
{
	struct pgrepo *pr;
	struct pgconn *c;
	int64_t v = 0;

	if (url == NULL || *url == '\0' || strlen(url) > PG_URL_MAX) {
		nitro_error(NITRO_EINVAL, "pgrepo: a database URL of 1 to %d bytes is needed",
		    PG_URL_MAX);
		return NULL;
	}
	if ((pr = calloc(1, sizeof *pr)) == NULL || (pr->url = strdup(url)) == NULL) {
		free(pr);
		nitro__oom(NULL);
		return NULL;
	}
	if (opts)
		pr->o = *opts;
	if (pr->o.connect_timeout_s <= 0)
		pr->o.connect_timeout_s = PG_CONNECT_TIMEOUT_S;
	if (pr->o.connect_timeout_s < 2)	/* libpq's least */
		pr->o.connect_timeout_s = 2;
	if (pr->o.statement_timeout_ms == 0)
		pr->o.statement_timeout_ms = PG_STATEMENT_TIMEOUT_MS;
	if (pr->o.max_conns <= 0)
		pr->o.max_conns = PG_MAX_CONNS;
	if (pr->o.retries <= 0)
		pr->o.retries = PG_RETRIES;
	snprintf(pr->connect_timeout, sizeof pr->connect_timeout, "%d",
	    pr->o.connect_timeout_s);
	pr->base.ops = &nitro__pg_ops;
	pthread_mutex_init(&pr->mu, NULL);
	if (nitro__pg_key_new(pr) < 0) {
		pthread_mutex_destroy(&pr->mu);
		free(pr->url);
		free(pr);
		return NULL;
	}
	if (startup_options(pr) < 0 || (c = nitro__pg_conn(pr)) == NULL)
		goto fail;
	/* Nitro's own tables, made by one process at a time. */
	if (nitro__pg_simple(c, "BEGIN") < 0)
		goto fail;
	if (nitro__pg_simple(c, PG_SETUP_LOCK) < 0 ||
	    nitro__pg_simple(c, nitro__pg_internal_ddl) < 0 ||
	    nitro__pg_simple(c, "COMMIT") < 0) {
		nitro__pg_tx_end(c, 0, -1);
		goto fail;
	}
	if (nitro__pg_db_version(c, &v) < 0)
		goto fail;
	if (pr->o.code_version > 0 && v > pr->o.code_version) {
		nitro_error(NITRO_EUNSUPPORTED, "the database is at schema version %lld, newer "
		    "than this program knows (%lld); run a newer program", (long long)v,
		    (long long)pr->o.code_version);
		goto fail;
	}
	return &pr->base;
fail:
	{
		int code = nitro__errcode();
		char why[300];

		snprintf(why, sizeof why, "%s", nitro_errmsg());
		nitro__pg_repo_free(&pr->base);
		nitro_error(code, "%s", why);
	}
	return NULL;
}
