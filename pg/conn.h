/*
 * Internal: PostgreSQL connections, shared by the repository (pg/repo.c)
 * and the event transport.  A repository holds its connection settings
 * (the URL with the timeouts) and one connection per thread, opened on
 * first use and opened again after the server dropped it.  Failures map
 * to NITRO_E* by SQLSTATE (pg/error.c); a server that cannot be reached
 * is NITRO_EUNAVAILABLE.
 */
#ifndef NITRO_PG_CONN_H
#define NITRO_PG_CONN_H

#include <libpq-fe.h>

#include "nitro/core.h"
#include "nitro/pg.h"

struct pgrepo;

/* Statements prepared on a connection, by their text (a small cache). */
#define PG_CACHE 64

struct pgcached {
	uint64_t hash;
	char *sql;
	char name[16];		/* "n<serial>" on this connection */
};

struct pgconn {
	struct pgrepo *repo;
	PGconn *pg;		/* NULL while the server is away */
	struct pgconn *next, *prev;	/* the repository's list */
	struct pgcached cache[PG_CACHE];
	unsigned clock;		/* next cache victim */
	unsigned serial;	/* names of prepared statements */
	int depth;		/* nitro_pg_begin() nesting */
	int broken;		/* lost inside a unit of work: fail until it ends */
	int retry;		/* the last failure was a serialization failure
				 * or a deadlock: the transaction may run again */
	int late;		/* the last call had no answer in time (conn.c) */
};

/* The repository behind r, or NULL with NITRO_EINVAL when r is not one. */
struct pgrepo *nitro__pg_repo(nitro_repo *r);

/*
 * A new connection of its own (not the thread's), with the repository's
 * URL, connect_timeout, statement_timeout and keepalives: for LISTEN.
 * NULL with NITRO_EUNAVAILABLE (and libpq's reason) when the server
 * cannot be reached.  The caller PQfinish()es it.
 */
PGconn *nitro__pg_connect(nitro_repo *r);

/*
 * The calling thread's connection, opened on first use and opened again
 * when the server dropped it (outside a unit of work); NULL with
 * NITRO_EUNAVAILABLE while the server cannot be reached.
 */
struct pgconn *nitro__pg_conn(struct pgrepo *pr);

/*
 * Run sql (text with $1..$n) with n parameters, prepared once per
 * connection and cached by its text.  vals[i] NULL is NULL; lens/fmts may
 * be NULL (all text), else fmts[i] 1 is binary of lens[i] bytes.  Returns
 * the result (PGRES_COMMAND_OK or PGRES_TUPLES_OK; the caller PQclear()s
 * it), or NULL with the error mapped (nitro__pg_error).  A connection
 * lost outside a unit of work is opened again and the statement run once
 * more; serialization failures and deadlocks are retried (opts.retries)
 * outside a unit of work.
 */
PGresult *nitro__pg_run(struct pgconn *c, const char *sql, int n,
    const char *const *vals, const int *lens, const int *fmts);
/* The same without a result: 0 or a negative NITRO_E*. */
int nitro__pg_exec(struct pgconn *c, const char *sql, int n, const char *const *vals);
/* A statement with no parameters and no caching (BEGIN, DDL scripts). */
int nitro__pg_simple(struct pgconn *c, const char *sql);

/*
 * The answer to what was just sent on pg (sent: the PQsend* call's
 * result): the first failed result or else the last one, as PQexec()
 * gives it; NULL when nothing could be sent or read (PQerrorMessage says
 * why).  It waits at most statement_timeout_ms and 2 s more (a server
 * process that is stopped never cancels its statement): then the
 * connection is shut down (PQstatus() turns bad) and *late set to 1.
 * statement_timeout_ms <= 0: no bound, as the server has none.
 */
PGresult *nitro__pg_answer(PGconn *pg, int sent, int statement_timeout_ms, int *late);

/*
 * Map a failure to a NITRO_E* with a message, by the SQLSTATE of res (or
 * the connection's state when res is NULL): see the table in pg/error.c.
 * what names the operation ("todo", "begin").
 */
int nitro__pg_error(PGconn *pg, const PGresult *res, const char *what);
/* 1 when res failed with a serialization failure or a deadlock. */
int nitro__pg_retryable(const PGresult *res);

/* A transaction for one operation, or a savepoint inside an open one. */
int nitro__pg_tx_begin(struct pgconn *c, int *nested);
/* Commit (rc == 0) or roll back; returns rc or the commit's failure. */
int nitro__pg_tx_end(struct pgconn *c, int nested, int rc);

/*
 * The outbox hook of the event transport: set once, before the
 * repository serves, it is called on the saving thread's connection
 * inside the transaction of every save and delete when the repository
 * was opened with log_changes, so that the event commits with the
 * change (an outbox).  Without a hook, log_changes publishes nothing.
 */
typedef int (*nitro__pg_append_fn)(struct pgconn *c, const char *topic, const char *json,
    size_t len);
void nitro__pg_set_append(nitro_repo *r, nitro__pg_append_fn fn);

#endif
