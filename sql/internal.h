/*
 * Internal: the SQLite repository's shared pieces.  A repository holds one
 * store per bound schema (its table's SQL, made once) and one connection
 * per thread (each with its own prepared statements).
 */
#ifndef NITRO_SQL_INTERNAL_H
#define NITRO_SQL_INTERNAL_H

#include <pthread.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "nitro/core.h"
#include "nitro/sql.h"
#include "core/repo.h"
#include "core/error.h"
#include "core/sqlgen.h"

/* Statements every store prepares once per connection. */
enum { SQ_GET, SQ_INSERT, SQ_UPSERT_ID, SQ_DELETE, SQ_NSTMT };

/* Derived events one schema may have (nitro_sql_derive). */
#define SQL_DERIVE_MAX 8

/* Dynamic statements (queries, upserts by key) cached per connection. */
#define SQL_CACHE 64

struct sqlrepo;

struct sqlstore {
	struct sqlrepo *repo;
	const nitro_schema *s;
	struct nitro__schema_rt *rt;
	const nitro_field *idf;
	int slot;			/* index into each connection's statements */
	char *sql[SQ_NSTMT];		/* the fixed statements' text */
	char *cols;			/* "id","name",... the select list */
	int ncols;			/* stored fields (computed ones have none) */
	int col[NITRO_MAX_FIELDS];	/* field index of result column k */
	_Atomic int log_changes;	/* saves and deletes append events */
	struct sql_derive {		/* derived events (nitro_sql_derive) */
		char *topic;
		nitro_sql_derive_fn fn;
		void *udata;
	} derive[SQL_DERIVE_MAX];
	int nderive;
};

struct cached {
	uint64_t hash;
	char *sql;
	sqlite3_stmt *st;
};

struct sqlconn {
	struct sqlrepo *repo;
	sqlite3 *db;
	struct sqlconn *next, *prev;	/* the repository's list */
	sqlite3_stmt **fixed;		/* [slot * SQ_NSTMT + op] */
	size_t nfixed;
	struct cached cache[SQL_CACHE];
	unsigned clock;			/* next cache victim */
	int depth;			/* nitro_sql_begin() nesting */
};

struct sqlrepo {
	struct nitro_repo base;
	struct nitro_sql_opts o;
	char *path;
	pthread_key_t key;		/* this thread's struct sqlconn */
	pthread_mutex_t mu;		/* conns, stores */
	struct sqlconn *conns;
	struct sqlstore **stores;
	size_t nstores;
	_Atomic uint64_t appends;	/* events appended through this repository */
	_Atomic int64_t retained_ms;	/* when retention last ran */
	dev_t dev;			/* the file opened (nitro_repo_ping: */
	ino_t ino;			/* is it still there?) */
};

/* The event log's retention (nitro_sql_opts.events_keep and
 * .events_max_age_ms) runs after every RETAIN_EVERY appends of a process,
 * and after an append RETAIN_INTERVAL_MS after its last run. */
#define RETAIN_EVERY 100
#define RETAIN_INTERVAL_MS 10000
#define EVENTS_KEEP_DEFAULT 100000
#define EVENTS_MAX_AGE_DEFAULT_MS (7LL * 24 * 3600 * 1000)
/* Delete events past keep (0: no count limit) or older than max_age_ms
 * (0: no age limit) on c; *gone gets how many. */
int nitro__sql_prune(struct sqlconn *c, int64_t keep, int64_t max_age_ms, size_t *gone);

/* A follower's view of nitro_event_log: the epoch read when it started
 * following (0: none), and the retention floor now. */
int64_t nitro__sql_follower_epoch(nitro_sql_follower *f);
int nitro__sql_follower_floor(nitro_sql_follower *f, int64_t *floor);

extern const struct nitro_repo_ops nitro__sql_ops;
void nitro__sql_repo_free(nitro_repo *r);

/* Open a connection configured as the options say (WAL, timeouts...). */
int nitro__sql_open(const struct sqlrepo *sr, int readonly, sqlite3 **out);
/* The thread key whose destructor closes a thread's connection. */
int nitro__sql_key_new(struct sqlrepo *sr);
/* The calling thread's connection to a repository that must be SQLite's. */
struct sqlconn *nitro__sql_repo_conn(nitro_repo *r);
/* The calling thread's connection to sr, opened on first use. */
struct sqlconn *nitro__sql_conn(struct sqlrepo *sr);
/* One process at a time sets a new database file up (see conn.c). */
int nitro__sql_setup_lock(const struct sqlrepo *sr);
void nitro__sql_setup_unlock(int fd);
/* A fixed statement of a store, reset and ready to bind. */
sqlite3_stmt *nitro__sql_fixed(struct sqlconn *c, const struct sqlstore *st, int op);
/* A statement for sql text (len bytes), cached; reset and ready to bind. */
sqlite3_stmt *nitro__sql_prepare(struct sqlconn *c, const char *sql, size_t len);
/* Map an SQLite failure to a NITRO_E* with a clear message. */
int nitro__sql_error(sqlite3 *db, int rc, const char *what);
/* Run a statement with no result rows ("BEGIN", ...). */
int nitro__sql_exec(struct sqlconn *c, const char *sql);
/* A write transaction, or a savepoint inside an open one. */
int nitro__sql_tx_begin(struct sqlconn *c, int *nested);
/* Commit (rc == 0) or roll back; returns rc or the commit's failure. */
int nitro__sql_tx_end(struct sqlconn *c, int nested, int rc);

/* A store's columns and fixed statements (sql/ddl.c). */
int nitro__sql_store_sql(struct sqlstore *ss);
/* The newest applied migration (0: none). */
int nitro__sql_db_version(struct sqlconn *c, int64_t *v);
/* The store behind a schema bound to a SQLite repository, or NULL. */
struct sqlstore *nitro__sql_store(const nitro_schema *s);

/* SQLite's side of the SQL text the stores share (core/sqlgen.h; ddl.c). */
extern const struct nitro__sql_dialect nitro__sql_dialect;
/* One column of CREATE TABLE (or ALTER TABLE ADD COLUMN) for field f. */
int nitro__sql_column_def(nitro_buf *b, const nitro_field *f);
/* 0 when the table of s has exactly the schema's stored columns; else
 * NITRO_EUNSUPPORTED naming the difference and the migration to write. */
int nitro__sql_check_columns(struct sqlconn *c, const nitro_schema *s,
    const struct nitro__schema_rt *rt);

/* Bind value v to parameter i; text as given (static for the step). */
int nitro__sql_bind_value(sqlite3_stmt *st, int i, const nitro_value *v);
/* Bind an id (text ids must be given): 0 or NITRO_EINVAL. */
int nitro__sql_bind_id(sqlite3_stmt *st, int i, const struct sqlstore *ss, nitro_id id);
/* Bind a record's field (0-based) to parameter i. */
int nitro__sql_bind_field(sqlite3_stmt *st, int i, const struct sqlstore *ss,
    const void *obj, int field);
/* Read a row (columns as ss->col) into obj, a zeroed struct. */
int nitro__sql_read_row(sqlite3_stmt *st, const struct sqlstore *ss, void *obj);
/* Step a SELECT of ss's columns into rows (grown by doubling; hint: the
 * LIMIT, 0 if none); the statement is reset. */
int nitro__sql_collect(sqlite3_stmt *st, struct sqlstore *ss, size_t hint, nitro_rows *out);

/* Compile the where clause of a core query or a condition tree, with
 * nbind placeholders counted; the binder runs the same walk. */
int nitro__sql_where_core(const struct sqlstore *ss, const nitro_query *q, nitro_buf *sql);
int nitro__sql_bind_core(sqlite3_stmt *st, const nitro_query *q, int *next);
int nitro__sql_where_tree(const struct sqlstore *ss, const nitro_sql_cond *c, nitro_buf *sql,
    int depth, size_t *nodes);
int nitro__sql_bind_tree(sqlite3_stmt *st, const nitro_sql_cond *c, int *next);

/* FTS5: turn words into a query of quoted terms ANDed; 0 terms is EINVAL. */
int nitro__sql_fts_query(const char *text, nitro_buf *out);
/* A migration file name: NNNN_name.sql -> version and name. */
int nitro__sql_migration_name(const char *file, int64_t *version, char *name, size_t cap);

/* The SQLite transport's publish: append an event on the calling
 * thread's connection, so it commits or vanishes with the caller's
 * transaction (an outbox).  *id (may be NULL) gets its id. */
int nitro__sql_event_append(nitro_repo *r, const char *topic, const char *json,
    int64_t *id);
/* Append an event on c (inside the caller's transaction). */
int nitro__sql_append(struct sqlconn *c, const char *topic, const char *json,
    size_t len, int64_t *id);

#endif
