/*
 * <nitro/sql.h>: the SQLite repository, richer queries, relationships,
 * migrations and the durable event log.
 *
 * The repository behind a schema is chosen in one line:
 *
 *   nitro_repo *db = nitro_sqlrepo_new("app.db", NULL);
 *   nitro_entity_bind(&todo_schema, db, NULL);
 *
 * and every entity function (todo_get(), todo_save(), todo_query()...)
 * then works on SQLite with the same answers as the memory repository.
 * Each thread gets its own connection (WAL, busy_timeout, foreign keys
 * on, synchronous=NORMAL unless FULL is asked for) with its own cache of
 * prepared statements.  Every value is bound; table and column names are
 * only ever taken from schemas.
 */
#ifndef NITRO_SQL_H
#define NITRO_SQL_H

#include <nitro/core.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nitro_sql_opts {
	int busy_timeout_ms;	/* wait for locks this long (5000; -1: not at all) */
	int synchronous_full;	/* 1: synchronous=FULL (survives power loss) */
	int create_tables;	/* development mode: create missing tables */
	int log_changes;	/* append <entity>.saved/.deleted events */
	int readonly;		/* open the database read-only */
	int64_t code_version;	/* newest migration this program knows (0: any) */
	/* Retention of the event log, run by itself as events are appended:
	 * the newest events_keep (0: 100000) no older than events_max_age_ms
	 * (0: 7 days) are kept; negative: no such limit.  A browser that
	 * reconnects after what it missed is gone gets "nitro.gap". */
	int64_t events_keep;
	int64_t events_max_age_ms;
};

/* Open (or create) the database at path; opts may be NULL.  NULL with
 * nitro_errmsg() when the file cannot be opened or is newer than
 * opts->code_version. */
NITRO_API nitro_repo *nitro_sqlrepo_new(const char *path, const struct nitro_sql_opts *opts);

/* Whether saves and deletes of s (bound to a SQLite repository) append
 * events; the repository's log_changes is the default.  Sessions or
 * caches need not fill the log. */
NITRO_API int nitro_sql_log_changes(const nitro_schema *s, int on);

/*
 * Derived data for live views, which render on the hub's thread and must
 * not query: after every save or delete of s, in the same transaction,
 * fn writes one JSON value into json (a count, a total) and it is
 * appended to the event log on topic, so that every live stream renders
 * it from the event alone.  fn runs on the saving thread and may read
 * (it sees the change); it must not save.  Up to 8 per schema, added
 * before the application serves; json left empty appends nothing.
 */
typedef int (*nitro_sql_derive_fn)(const nitro_schema *s, nitro_buf *json, void *udata);
NITRO_API int nitro_sql_derive(const nitro_schema *s, const char *topic,
    nitro_sql_derive_fn fn, void *udata);

/* The CREATE TABLE, CREATE INDEX and full-text statements for a schema
 * (what development mode runs), for writing a migration. */
NITRO_API int nitro_sql_ddl(const nitro_schema *s, nitro_buf *out);

/* ---- transactions ------------------------------------------------------ */

/*
 * A unit of work on the calling thread's connection: every entity
 * operation on schemas bound to r, and every event published through
 * nitro_sql_transport(r), between begin and commit is one transaction.
 * Begin nests (an inner begin is a savepoint).  Events on the bus fire as each operation succeeds, not at
 * commit; the durable event log (below) is what commits with the data.
 */
NITRO_API int nitro_sql_begin(nitro_repo *r);
NITRO_API int nitro_sql_commit(nitro_repo *r);
NITRO_API int nitro_sql_rollback(nitro_repo *r);

/* ---- queries ----------------------------------------------------------- */

/*
 * A condition tree.  A node is a comparison (op one of NITRO_OP_* on
 * field with value v), a group (NITRO_SQL_AND / NITRO_SQL_OR over
 * sub[0..nsub)), NITRO_SQL_IN (field in list[0..nlist)), NITRO_SQL_BETWEEN
 * (v <= field <= v2), NITRO_SQL_LIKE (v is a pattern: % and _ are
 * wildcards, \ escapes them), NITRO_SQL_PREFIX (v is literal text the
 * field starts with).  Text matching by LIKE, PREFIX and NITRO_OP_CONTAINS
 * is ASCII case-insensitive.
 */
enum {
	NITRO_SQL_AND = 64, NITRO_SQL_OR, NITRO_SQL_IN, NITRO_SQL_BETWEEN,
	NITRO_SQL_LIKE, NITRO_SQL_PREFIX
};

typedef struct nitro_sql_cond {
	int op;
	const char *field;
	nitro_value v, v2;
	const nitro_value *list;
	size_t nlist;
	const struct nitro_sql_cond *sub;
	size_t nsub;
} nitro_sql_cond;

typedef struct nitro_sql_select {
	const nitro_sql_cond *where;	/* NULL: every row */
	const nitro_order *order;	/* then by id, as the last key goes */
	size_t norder;
	size_t limit;			/* 0: none */
	size_t offset;
} nitro_sql_select;

NITRO_API int nitro_sql_query(const nitro_schema *s, const nitro_sql_select *q, nitro_rows *out);
NITRO_API int nitro_sql_count(const nitro_schema *s, const nitro_sql_cond *where, size_t *n);
/* Full-text search (FTS5) over the fields marked NITRO_F_SEARCH, best
 * match first; text is words, never FTS syntax.  limit 0: 100. */
NITRO_API int nitro_sql_search(const nitro_schema *s, const char *text, size_t limit,
    nitro_rows *out);

/* ---- relationships ----------------------------------------------------- */

/* The records of child whose field fk (declared NITRO_F_REF) holds parent. */
NITRO_API int nitro_sql_has_many(const nitro_schema *child, const char *fk, nitro_id parent,
    nitro_rows *out);
/* Many-to-many through the join table "<a>_<b>" (names in byte order),
 * made on first use; removing either record removes its links. */
NITRO_API int nitro_sql_link(const nitro_schema *a, nitro_id ida, const nitro_schema *b,
    nitro_id idb);
NITRO_API int nitro_sql_unlink(const nitro_schema *a, nitro_id ida, const nitro_schema *b,
    nitro_id idb);
/* The records of b linked to a's record ida, in id order. */
NITRO_API int nitro_sql_linked(const nitro_schema *a, nitro_id ida, const nitro_schema *b,
    nitro_rows *out);

/* ---- the durable event log --------------------------------------------- */

/*
 * The table nitro_events (id, topic, payload JSON, time in ms), as a
 * transport: publish with nitro_publish(nitro_sql_transport(r), ...).  An
 * event published inside a transaction commits or vanishes with it (an
 * outbox); with opts.log_changes every save and delete appends one in the
 * same transaction as the change.  Ids only grow, and are never reused.
 * Events read here are the transport's (nitro_tevent, freed with
 * nitro_tevents_free()).
 */
/* Up to limit (1 to 10000) events with id > after, in id order. */
NITRO_API int nitro_sql_events_after(nitro_repo *r, int64_t after, size_t limit,
    nitro_tevent **out, size_t *n);
/* Keep at most keep events (0: no count limit) and none older than
 * max_age_ms (0: no age limit); *removed (may be NULL) gets the count. */
NITRO_API int nitro_sql_events_prune(nitro_repo *r, size_t keep, int64_t max_age_ms,
    size_t *removed);

/*
 * A follower owns a dedicated read connection.  nitro_sql_follower_changed()
 * is one cheap PRAGMA data_version: 1 when any connection of any process
 * committed since the last call, else 0.  Use one follower per thread.
 */
typedef struct nitro_sql_follower nitro_sql_follower;

NITRO_API nitro_sql_follower *nitro_sql_follow(nitro_repo *r);
NITRO_API int nitro_sql_follower_changed(nitro_sql_follower *f);
NITRO_API int nitro_sql_follower_read(nitro_sql_follower *f, int64_t after, size_t limit,
    nitro_tevent **out, size_t *n);
NITRO_API void nitro_sql_follower_free(nitro_sql_follower *f);
/* A descriptor that turns readable when another connection may have
 * committed (inotify on the WAL file), or -1: then poll changed(). */
NITRO_API int nitro_sql_follower_fd(nitro_sql_follower *f);
/* The newest event id (0 when the log is empty). */
NITRO_API int nitro_sql_events_head(nitro_repo *r, int64_t *id);

/*
 * The event log as a transport (<nitro/core.h>) for live streams across
 * the worker processes of one machine.  r must outlive the transport.
 */
NITRO_API nitro_transport *nitro_sql_transport(nitro_repo *r);

/* ---- migrations ---------------------------------------------------------- */

/*
 * Migrations are files NNNN_name.sql in one directory (NNNN: the version,
 * 1 to 18 digits; name: a-z, 0-9, _ and -).  Each is applied in its own
 * transaction, in version order, and recorded in nitro_migrations.
 */
struct nitro_sql_status {
	int64_t db_version;	/* newest applied (0: none) */
	int64_t latest;		/* newest file in the directory (0: none) */
	size_t pending;		/* files newer than db_version */
};

NITRO_API int nitro_sql_migrate_status(nitro_repo *r, const char *dir,
    struct nitro_sql_status *st);
/* Apply the pending migrations; *applied (may be NULL) gets how many.  A
 * database newer than the directory is refused (NITRO_EUNSUPPORTED). */
NITRO_API int nitro_sql_migrate(nitro_repo *r, const char *dir, size_t *applied);
/* Create dir/NNNN_name.sql with the next version; its path goes to path. */
NITRO_API int nitro_sql_migration_new(const char *dir, const char *name, char *path,
    size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* NITRO_SQL_H */
