/*
 * <nitro/pg.h>: the PostgreSQL repository (libpq).
 *
 * The same entity API as memory and SQLite, on a server that several
 * hosts share:
 *
 *   nitro_repo *db = nitro_pgrepo_new("postgresql://app@db/app", NULL);
 *   nitro_entity_bind(&todo_schema, db, NULL);
 *
 * Each thread gets its own connection, opened on first use, with the
 * connect and statement timeouts set at connect time and its own prepared
 * statements.  A connection the server dropped (a restart, a failover) is
 * opened again on the next call; while the server cannot be reached calls
 * fail with NITRO_EUNAVAILABLE (the FastCGI runtime answers 503), never
 * hang past connect_timeout_s.  Every value is bound; table and column
 * names come only from schemas and are quoted.
 */
#ifndef NITRO_PG_H
#define NITRO_PG_H

#include <nitro/core.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nitro_pg_opts {
	int connect_timeout_s;		/* give up connecting after (5; min 2) */
	int statement_timeout_ms;	/* cancel a statement after (30000; -1: never) */
	int max_conns;			/* connections at most, one per thread (64) */
	int retries;			/* serialization failures and deadlocks are
					 * retried this often outside a unit of work (3) */
	int create_tables;		/* development mode: create missing tables */
	int log_changes;		/* saves and deletes publish <entity>.saved and
					 * .deleted through the PostgreSQL transport,
					 * in their transaction */
	int64_t code_version;		/* newest migration this program knows (0: any) */
};

/* Connect to url (postgresql:// or postgres://, or libpq key=value text);
 * opts may be NULL.  NULL with nitro_errmsg() (NITRO_EUNAVAILABLE when
 * the server cannot be reached). */
NITRO_API nitro_repo *nitro_pgrepo_new(const char *url, const struct nitro_pg_opts *opts);

/* A unit of work on the calling thread's connection, as nitro_sql_begin():
 * begin nests (savepoints); lifecycle "after" events go out at commit. */
NITRO_API int nitro_pg_begin(nitro_repo *r);
NITRO_API int nitro_pg_commit(nitro_repo *r);
NITRO_API int nitro_pg_rollback(nitro_repo *r);

/* The CREATE TABLE and CREATE INDEX statements of a schema on PostgreSQL
 * (what development mode runs), for writing a migration. */
NITRO_API int nitro_pg_ddl(const nitro_schema *s, nitro_buf *out);

/* Migrations: files NNNN_name.sql in dir, as nitro_sql_migrate() reads
 * them, each applied in its own transaction and recorded in
 * nitro_migrations; *applied (may be NULL) gets how many. */
NITRO_API int nitro_pg_migrate(nitro_repo *r, const char *dir, size_t *applied);
/* The newest applied version (0: none), the newest file's, and how many
 * files are pending. */
NITRO_API int nitro_pg_migrate_status(nitro_repo *r, const char *dir, int64_t *version,
    int64_t *latest, size_t *pending);

/* ---- the event log as a transport ------------------------------------- */

/*
 * Events in the table nitro_events of r's database, for the live streams
 * of every worker on every host: give it to nitro_app_new().  Publishing
 * inside a unit of work (nitro_pg_begin) commits or vanishes with the
 * data (an outbox), and the repository's log_changes appends through it.
 * Publishers are serialized by an advisory lock so that ids are in commit
 * order; NOTIFY wakes the followers, which read the rows.  r must outlive
 * the transport.
 */
NITRO_API nitro_transport *nitro_pg_transport(nitro_repo *r);
/* Keep at most keep events (0: no count limit) and none older than
 * max_age_ms (0: no age limit); *removed (may be NULL) gets how many went.
 * The transport also prunes by itself (the newest 100000, a week). */
NITRO_API int nitro_pg_events_prune(nitro_repo *r, size_t keep, int64_t max_age_ms,
    size_t *removed);

#ifdef __cplusplus
}
#endif
#endif /* NITRO_PG_H */
