/*
 * Internal: the PostgreSQL repository's shared pieces.  A repository holds
 * one store per bound schema (its statements' text, made once) and one
 * connection per thread (pg/conn.h).
 */
#ifndef NITRO_PG_INTERNAL_H
#define NITRO_PG_INTERNAL_H

#include <pthread.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/repo.h"
#include "core/sqlgen.h"
#include "pg/conn.h"

/* Statements every store has. */
enum { PQ_GET, PQ_INSERT, PQ_UPSERT_ID, PQ_DELETE, PQ_BUMP, PQ_NSTMT };

/* Defaults and bounds of nitro_pg_opts. */
#define PG_CONNECT_TIMEOUT_S 5
#define PG_STATEMENT_TIMEOUT_MS 30000
#define PG_MAX_CONNS 64
#define PG_RETRIES 3
#define PG_URL_MAX 4096
/* Setup (Nitro's tables, development mode's tables) and migrations of one
 * database run one process at a time, under this transaction lock. */
#define PG_SETUP_LOCK "SELECT pg_advisory_xact_lock(7243117)"

struct pgstore {
	struct pgrepo *repo;
	const nitro_schema *s;
	struct nitro__schema_rt *rt;
	const nitro_field *idf;
	char *sql[PQ_NSTMT];
	char *cols;			/* "id","name",... the select list */
	int ncols;			/* stored fields (computed ones have none) */
	int col[NITRO_MAX_FIELDS];	/* field index of result column k */
};

struct pgrepo {
	struct nitro_repo base;
	struct nitro_pg_opts o;
	char *url;
	char stmt_opt[64];		/* "-c statement_timeout=N" and the URL's options */
	char connect_timeout[16];
	pthread_key_t key;		/* this thread's struct pgconn */
	pthread_mutex_t mu;		/* conns, nconns, stores */
	struct pgconn *conns;
	int nconns;
	struct pgstore **stores;
	size_t nstores;
	nitro__pg_append_fn append;	/* the transport's outbox */
};

extern const struct nitro_repo_ops nitro__pg_ops;
/* Nitro's own tables (nitro_ids, nitro_migrations), made at open. */
extern const char nitro__pg_internal_ddl[];
/* The newest applied migration (0: none), from nitro_migrations (migrate.c). */
int nitro__pg_db_version(struct pgconn *c, int64_t *v);
void nitro__pg_repo_free(nitro_repo *r);
int nitro__pg_key_new(struct pgrepo *pr);

/* PostgreSQL's side of the SQL text the stores share (core/sqlgen.h; ddl.c). */
extern const struct nitro__sql_dialect nitro__pg_dialect;
/* A store's columns and fixed statements (pg/ddl.c). */
int nitro__pg_store_sql(struct pgstore *ps);
/* 0 when the table has exactly the schema's stored columns, else
 * NITRO_EUNSUPPORTED naming the difference. */
int nitro__pg_check_columns(struct pgconn *c, const struct pgstore *ps);

/*
 * Parameters of one statement: text values in a buffer owned here (or
 * borrowed from the record), binary for blobs.
 */
#define PG_PARAMS_MAX (NITRO_QUERY_MAX_CONDS * 2 + NITRO_MAX_FIELDS + 4)
struct pgparams {
	int n;
	const char *v[PG_PARAMS_MAX];
	int len[PG_PARAMS_MAX];
	int fmt[PG_PARAMS_MAX];
	char num[PG_PARAMS_MAX][32];	/* numbers printed in place */
	char *owned[PG_PARAMS_MAX];	/* escaped patterns, freed by reset */
	int nowned;
};
void nitro__pg_params_reset(struct pgparams *p);
int nitro__pg_param_value(struct pgparams *p, const nitro_field *f, const nitro_value *v);
int nitro__pg_param_field(struct pgparams *p, const struct pgstore *ps, const void *obj,
    int field);
int nitro__pg_param_id(struct pgparams *p, const struct pgstore *ps, nitro_id id);
int nitro__pg_param_text(struct pgparams *p, const char *s);
int nitro__pg_param_int(struct pgparams *p, int64_t i);
/* pre + text with % _ and \ escaped + post, for LIKE ... ESCAPE '\'. */
int nitro__pg_param_like(struct pgparams *p, const char *text, const char *pre,
    const char *post);
/* Read row k of res (columns as ps->col) into obj, a zeroed struct. */
int nitro__pg_read_row(const PGresult *res, int k, const struct pgstore *ps, void *obj);
/* Every row of res into out. */
int nitro__pg_collect(const PGresult *res, const struct pgstore *ps, nitro_rows *out);

/* The WHERE clause of a core query with $next.. placeholders, and its
 * values into p in the same order. */
int nitro__pg_where(const struct pgstore *ps, const nitro_query *q, nitro_buf *sql,
    struct pgparams *p);

#endif
