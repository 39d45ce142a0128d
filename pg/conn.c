/*
 * Connections: one per thread and repository, opened on first use with
 * the timeouts set at connect time (connect_timeout, statement_timeout in
 * the startup options, TCP keepalives), each with its own prepared
 * statements.  The number of connections is bounded (max_conns).
 *
 * A server that restarted closed every connection; the next call on one
 * notices before it sends (the socket reads end-of-file), opens it again
 * and goes on, so the caller never sees the restart.  A connection lost
 * while a statement was running is opened again too, but the statement
 * is run again only when it reads (a write may have committed before the
 * answer was lost).  While the server cannot be reached every call fails
 * at once, or after connect_timeout, with NITRO_EUNAVAILABLE.
 *
 * statement_timeout is enforced by the server process running the
 * statement: one that does not run (stopped, or cut off without a reset,
 * which keepalives do not notice while its kernel still answers) never
 * cancels anything.  So a call waits for its answer at most the statement
 * timeout and PG_ANSWER_GRACE_MS more, then closes the connection: the
 * caller sees it lost (NITRO_EUNAVAILABLE, a read runs once more on a new
 * connection) instead of a thread held for good.  The event followers'
 * connections (follow.c) wait the same way.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/socket.h>

#include "pg/internal.h"

/* How much longer than statement_timeout a call waits for its answer. */
#define PG_ANSWER_GRACE_MS 2000

struct pgrepo *nitro__pg_repo(nitro_repo *r)
{
	if (r == NULL || r->ops != &nitro__pg_ops) {
		nitro_error(NITRO_EINVAL, "not a PostgreSQL repository");
		return NULL;
	}
	return (struct pgrepo *)r;
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* name: application_name unless the URL sets one (pg_stat_activity). */
static PGconn *connect_url(const struct pgrepo *pr, const char *name)
{
	/* The URL first: the keywords after it override what it says. */
	const char *const keys[] = {"dbname", "connect_timeout", "options",
	    "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
	    "fallback_application_name", NULL};
	const char *const vals[] = {pr->url, pr->connect_timeout, pr->stmt_opt,
	    "1", "10", "5", "3", name, NULL};
	PGconn *pg = PQconnectdbParams(keys, vals, 1);
	char why[240];
	size_t n;

	if (pg != NULL && PQstatus(pg) == CONNECTION_OK) {
		/* NOTICEs ("relation exists, skipping") are not for stderr. */
		PQsetNoticeProcessor(pg, quiet, NULL);
		return pg;
	}
	/* libpq's message ends in a newline; keep its first line. */
	snprintf(why, sizeof why, "%s", pg ? PQerrorMessage(pg) : "out of memory");
	n = strcspn(why, "\n");
	why[n] = '\0';
	PQfinish(pg);
	nitro_error(NITRO_EUNAVAILABLE, "the database is unavailable: %s", why);
	return NULL;
}

PGconn *nitro__pg_connect(nitro_repo *r)
{
	struct pgrepo *pr = nitro__pg_repo(r);

	return pr ? connect_url(pr, "nitro listen") : NULL;
}

static void cache_clear(struct pgconn *c)
{
	for (int i = 0; i < PG_CACHE; i++) {
		free(c->cache[i].sql);
		c->cache[i].sql = NULL;
	}
}

static void conn_close(struct pgconn *c)
{
	cache_clear(c);
	PQfinish(c->pg);
	free(c);
}

/* Unlink c from its repository (under the lock) and close it. */
static void conn_drop(struct pgconn *c)
{
	struct pgrepo *pr = c->repo;

	pthread_mutex_lock(&pr->mu);
	if (c->prev)
		c->prev->next = c->next;
	else
		pr->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pr->nconns--;
	pthread_mutex_unlock(&pr->mu);
	conn_close(c);
}

/* A thread that ends closes its connection. */
static void conn_exit(void *p)
{
	conn_drop(p);
}

int nitro__pg_key_new(struct pgrepo *pr)
{
	return pthread_key_create(&pr->key, conn_exit) == 0 ? 0 :
	    nitro_error(NITRO_ENOMEM, "pgrepo: no thread-specific key left");
}

/* Open c's connection again; its prepared statements went with the old. */
static int reopen(struct pgconn *c)
{
	PQfinish(c->pg);
	c->pg = NULL;
	cache_clear(c);
	if ((c->pg = connect_url(c->repo, "nitro")) == NULL)
		return NITRO_EUNAVAILABLE;
	return 0;
}

/*
 * An idle connection whose socket is readable has been told something:
 * by a server that shut down, end-of-file (or a last FATAL message).
 * One poll(2) without waiting finds out before a statement is sent.
 */
static int still_up(PGconn *pg)
{
	struct pollfd p = {.fd = PQsocket(pg), .events = POLLIN};

	if (PQstatus(pg) != CONNECTION_OK || p.fd < 0)
		return 0;
	/* Readable: read it.  A server shutting down sends its FATAL
	 * message and then closes: a few reads reach the end-of-file. */
	for (int i = 0; i < 4 && poll(&p, 1, 0) > 0; i++)
		if (PQconsumeInput(pg) != 1 || PQstatus(pg) != CONNECTION_OK)
			return 0;
	return 1;
}

struct pgconn *nitro__pg_conn(struct pgrepo *pr)
{
	struct pgconn *c = pthread_getspecific(pr->key);

	if (c != NULL) {
		if (c->pg != NULL && still_up(c->pg))
			return c;
		if (c->depth > 0) {
			/* Lost inside a unit of work: it is gone; the end
			 * of the unit opens the connection again. */
			c->broken = 1;
			nitro_error(NITRO_EUNAVAILABLE, "the database connection was lost "
			    "inside a transaction");
			return NULL;
		}
		return reopen(c) == 0 ? c : NULL;
	}
	pthread_mutex_lock(&pr->mu);
	if (pr->nconns >= pr->o.max_conns) {
		pthread_mutex_unlock(&pr->mu);
		nitro_error(NITRO_EBUSY, "pgrepo: every one of its %d connections is in use "
		    "(one per thread; raise max_conns)", pr->o.max_conns);
		return NULL;
	}
	pr->nconns++;
	pthread_mutex_unlock(&pr->mu);
	if ((c = calloc(1, sizeof *c)) == NULL) {
		nitro__oom(NULL);
		goto undo;
	}
	c->repo = pr;
	if ((c->pg = connect_url(pr, "nitro")) == NULL) {
		free(c);
		goto undo;
	}
	if (pthread_setspecific(pr->key, c) != 0) {
		PQfinish(c->pg);
		free(c);
		nitro__oom(NULL);
		goto undo;
	}
	pthread_mutex_lock(&pr->mu);
	c->next = pr->conns;
	if (c->next)
		c->next->prev = c;
	pr->conns = c;
	pthread_mutex_unlock(&pr->mu);
	return c;
undo:
	pthread_mutex_lock(&pr->mu);
	pr->nconns--;
	pthread_mutex_unlock(&pr->mu);
	return NULL;
}

PGresult *nitro__pg_answer(PGconn *pg, int sent, int statement_timeout_ms, int *late)
{
	int wait = statement_timeout_ms;
	int64_t deadline = nitro__now_ms() + wait + PG_ANSWER_GRACE_MS, left;
	struct pollfd p = {.fd = PQsocket(pg), .events = POLLIN};
	PGresult *res = NULL, *r;

	*late = 0;
	if (!sent)
		return NULL;
	while (wait > 0 && PQisBusy(pg)) {
		if ((left = deadline - nitro__now_ms()) <= 0) {
			nitro_log(NITRO_LOG_WARN, "the database did not answer in time; "
			    "closing the connection", NULL);
			*late = 1;
			shutdown(p.fd, SHUT_RDWR);
			PQconsumeInput(pg);
			break;
		}
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			break;
		if (!PQconsumeInput(pg))
			break;
	}
	while ((r = PQgetResult(pg)) != NULL) {
		ExecStatusType st = res ? PQresultStatus(res) : PGRES_COMMAND_OK;

		if (res != NULL && (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE)) {
			PQclear(r);
		} else {
			PQclear(res);
			res = r;
		}
	}
	return res;
}

/* nitro__pg_answer() on c, bounded by its repository's statement timeout. */
static PGresult *answer(struct pgconn *c, int sent)
{
	return nitro__pg_answer(c->pg, sent, c->repo->o.statement_timeout_ms, &c->late);
}

/* NITRO_EUNAVAILABLE for c's connection, lost (when: "during the
 * statement") or closed by answer() for want of an answer. */
static int lost(struct pgconn *c, const char *when)
{
	if (c->late)
		return nitro_error(NITRO_EUNAVAILABLE, "the database did not answer within "
		    "%d ms (statement_timeout and %d ms); the connection was closed",
		    c->repo->o.statement_timeout_ms + PG_ANSWER_GRACE_MS, PG_ANSWER_GRACE_MS);
	return nitro_error(NITRO_EUNAVAILABLE, "the database connection was lost %s", when);
}

/* PQexec(c's connection, sql), bounded as answer() says. */
static PGresult *exec_text(struct pgconn *c, const char *sql)
{
	return answer(c, PQsendQuery(c->pg, sql));
}

static uint64_t hash_sql(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The name of sql prepared on c, preparing it on a miss. */
static const char *prepared(struct pgconn *c, const char *sql, int n, int *rc)
{
	uint64_t h = hash_sql(sql);
	unsigned i = (unsigned)(h % PG_CACHE);
	struct pgcached *e;
	PGresult *res;

	for (int p = 0; p < 2; p++) {
		e = &c->cache[(i + (unsigned)p) % PG_CACHE];
		if (e->sql && e->hash == h && strcmp(e->sql, sql) == 0)
			return e->name;
	}
	e = &c->cache[i];
	if (e->sql) {
		e = &c->cache[(i + 1) % PG_CACHE];
		if (e->sql)
			e = &c->cache[(i + (c->clock++ & 1)) % PG_CACHE];
	}
	if (e->sql) {
		char dealloc[40];

		snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", e->name);
		PQclear(exec_text(c, dealloc));
		free(e->sql);
		e->sql = NULL;
	}
	snprintf(e->name, sizeof e->name, "n%u", ++c->serial);
	res = answer(c, PQsendPrepare(c->pg, e->name, sql, n, NULL));
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*rc = nitro__pg_error(c->pg, res, "prepare");
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	if ((e->sql = strdup(sql)) == NULL) {
		/* Prepared but not remembered: the next call prepares it
		 * under another name; tell this one. */
		*rc = nitro__oom(NULL);
		return NULL;
	}
	e->hash = h;
	return e->name;
}

/* The statement only reads: safe to run again after a lost answer. */
static int reads_only(const char *sql)
{
	return strncmp(sql, "SELECT", 6) == 0;
}

PGresult *nitro__pg_run(struct pgconn *c, const char *sql, int n,
    const char *const *vals, const int *lens, const int *fmts)
{
	PGresult *res;
	const char *name;
	ExecStatusType st;
	int rc = 0, lost_once = 0, tries = 0, idle;

	for (;;) {
		c->retry = 0;
		if (c->broken) {
			nitro_error(NITRO_EUNAVAILABLE, "the database connection was lost "
			    "inside a transaction");
			return NULL;
		}
		if (c->pg == NULL && reopen(c) < 0)
			return NULL;
		idle = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
		if ((name = prepared(c, sql, n, &rc)) != NULL) {
			res = answer(c, PQsendQueryPrepared(c->pg, name, n, vals, lens,
			    fmts, 0));
			st = PQresultStatus(res);
			if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
				return res;
			rc = nitro__pg_error(c->pg, res, "statement");
			c->retry = nitro__pg_retryable(res);
			PQclear(res);
			/* A statement of its own that lost a serialization
			 * race or a deadlock is run again, a few times. */
			if (c->retry && idle && tries++ < c->repo->o.retries)
				continue;
		}
		if (PQstatus(c->pg) == CONNECTION_OK)
			return NULL;
		/* Lost.  Inside a unit of work the whole unit is gone. */
		if (c->depth > 0) {
			c->broken = 1;
			lost(c, "inside a transaction");
			return NULL;
		}
		/* Outside, open it again; run a read once more, not a write
		 * (it may have committed before the answer was lost). */
		if (reopen(c) < 0)
			return NULL;
		if (lost_once++ || !idle || !reads_only(sql)) {
			lost(c, "during the statement");
			return NULL;
		}
	}
}

int nitro__pg_exec(struct pgconn *c, const char *sql, int n, const char *const *vals)
{
	PGresult *res = nitro__pg_run(c, sql, n, vals, NULL, NULL);

	if (res == NULL)
		return nitro__errcode();
	PQclear(res);
	return 0;
}

int nitro__pg_simple(struct pgconn *c, const char *sql)
{
	PGresult *res;
	int rc = 0;

	if (c->broken || c->pg == NULL)
		return nitro_error(NITRO_EUNAVAILABLE, "the database connection was lost");
	res = exec_text(c, sql);
	c->retry = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = nitro__pg_error(c->pg, res, "statement");
		c->retry = nitro__pg_retryable(res);
	}
	PQclear(res);
	if (rc < 0 && PQstatus(c->pg) != CONNECTION_OK) {
		if (c->late)
			rc = lost(c, "during the statement");
		if (c->depth > 0)
			c->broken = 1;
	}
	return rc;
}

/* ---- transactions ------------------------------------------------------ */

int nitro__pg_tx_begin(struct pgconn *c, int *nested)
{
	*nested = c->depth > 0;
	return nitro__pg_simple(c, *nested ? "SAVEPOINT nitro_op" : "BEGIN");
}

int nitro__pg_tx_end(struct pgconn *c, int nested, int rc)
{
	if (rc == 0 && (rc = nitro__pg_simple(c, nested ? "RELEASE nitro_op" : "COMMIT")) == 0)
		return 0;
	/* The rollback leaves nitro_errmsg() alone: the first error stays. */
	if (c->pg != NULL && PQstatus(c->pg) == CONNECTION_OK)
		PQclear(exec_text(c, nested ? "ROLLBACK TO nitro_op; RELEASE nitro_op" :
		    "ROLLBACK"));
	return rc;
}

/* ---- units of work ------------------------------------------------------- */

#include "core/uow.h"

static struct pgconn *uow_conn(nitro_repo *r)
{
	struct pgrepo *pr = nitro__pg_repo(r);
	struct pgconn *c;

	if (pr == NULL)
		return NULL;
	if ((c = pthread_getspecific(pr->key)) != NULL && c->depth > 0)
		return c;	/* a lost one still has to be ended */
	return nitro__pg_conn(pr);
}

static int uow_exec(void *c, const char *sql)
{
	return nitro__pg_simple(c, sql);
}

static void uow_abandon(void *conn)
{
	struct pgconn *c = conn;

	if (c->pg && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(exec_text(c, "ROLLBACK"));
}

static const struct nitro__uow_sql uow_sql = {"BEGIN", uow_exec, uow_abandon};

int nitro_pg_begin(nitro_repo *r)
{
	struct pgconn *c = uow_conn(r);

	return c ? nitro__uow_begin(r, &uow_sql, c, &c->depth) : nitro__errcode();
}

static int uow_end(nitro_repo *r, int commit)
{
	struct pgconn *c = uow_conn(r);
	int rc;

	if (c == NULL)
		return nitro__errcode();
	if (c->depth == 0 || !c->broken)
		return nitro__uow_end(r, &uow_sql, c, &c->depth, commit);
	/* The connection was lost inside: the server has rolled it back. */
	c->depth--;
	rc = commit ? nitro_error(NITRO_EUNAVAILABLE, "the database connection was "
	    "lost inside the transaction; nothing of it was committed") : 0;
	if (c->depth == 0) {
		c->broken = 0;
		PQfinish(c->pg);
		c->pg = NULL;
		cache_clear(c);
	}
	nitro__uow_leave(r, 0);
	return rc;
}

int nitro_pg_commit(nitro_repo *r)
{
	return uow_end(r, 1);
}

int nitro_pg_rollback(nitro_repo *r)
{
	return uow_end(r, 0);
}

/* ---- the repository itself ----------------------------------------------- */

void nitro__pg_set_append(nitro_repo *r, nitro__pg_append_fn fn)
{
	struct pgrepo *pr = nitro__pg_repo(r);

	if (pr != NULL)
		pr->append = fn;
}

void nitro__pg_repo_free(nitro_repo *r)
{
	struct pgrepo *pr = (struct pgrepo *)r;

	/* Threads must be done with r; close every connection it opened. */
	while (pr->conns != NULL) {
		struct pgconn *c = pr->conns;

		pr->conns = c->next;
		conn_close(c);
	}
	pthread_key_delete(pr->key);
	for (size_t i = 0; i < pr->nstores; i++) {
		for (int k = 0; k < PQ_NSTMT; k++)
			free(pr->stores[i]->sql[k]);
		free(pr->stores[i]->cols);
		free(pr->stores[i]);
	}
	free(pr->stores);
	pthread_mutex_destroy(&pr->mu);
	free(pr->url);
	free(pr);
}
