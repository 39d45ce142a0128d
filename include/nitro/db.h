/*
 * <nitro/db.h>: the store chosen by configuration, not by code.
 *
 *   nitro_repo *db = nitro_db_open(NULL, &(struct nitro_db_opts){.create_tables = 1});
 *   nitro_transport *events = nitro_db_transport(db);
 *
 * NITRO_DB (or the string given) holds either a SQLite file path or a
 * postgresql:// (postgres://) URL, and one call opens whichever it names:
 * nitro_sqlrepo_new() or nitro_pgrepo_new().  An application written
 * against this header (units of work, migrations, the event transport)
 * runs on one machine with SQLite and on several hosts sharing
 * PostgreSQL, unchanged.
 */
#ifndef NITRO_DB_H
#define NITRO_DB_H

#include <nitro/core.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nitro_db_opts {
	int create_tables;	/* development mode: create missing tables */
	int log_changes;	/* saves and deletes publish <entity>.saved/.deleted */
	int64_t code_version;	/* newest migration this program knows (0: any) */
	int timeout_ms;		/* SQLite: busy timeout; PostgreSQL: statement
				 * timeout (0: each store's default) */
	int connect_timeout_s;	/* PostgreSQL: connect timeout (0: 5) */
	int64_t events_keep;	/* SQLite event log retention (nitro_sql_opts) */
	int64_t events_max_age_ms;
};

/* Which store a NITRO_DB value names. */
enum nitro_db_kind { NITRO_DB_SQLITE = 1, NITRO_DB_POSTGRESQL = 2 };
NITRO_API int nitro_db_kind(const char *where);

/* Open the store that where names (NULL: $NITRO_DB, read through
 * nitro_config_str); opts may be NULL.  NULL with nitro_errmsg(). */
NITRO_API nitro_repo *nitro_db_open(const char *where, const struct nitro_db_opts *opts);

/* The event transport of r's store (live streams across processes and,
 * on PostgreSQL, hosts).  NULL with nitro_errmsg(). */
NITRO_API nitro_transport *nitro_db_transport(nitro_repo *r);

/* Units of work on whichever store r is (nitro_sql_begin, nitro_pg_begin). */
NITRO_API int nitro_db_begin(nitro_repo *r);
NITRO_API int nitro_db_commit(nitro_repo *r);
NITRO_API int nitro_db_rollback(nitro_repo *r);

/* The statements that create s's table on r's store, for a migration. */
NITRO_API int nitro_db_ddl(nitro_repo *r, const nitro_schema *s, nitro_buf *out);

/* Migrations (files NNNN_name.sql in dir) on whichever store r is. */
NITRO_API int nitro_db_migrate(nitro_repo *r, const char *dir, size_t *applied);
NITRO_API int nitro_db_migrate_status(nitro_repo *r, const char *dir, int64_t *version,
    int64_t *latest, size_t *pending);

#ifdef __cplusplus
}
#endif
#endif /* NITRO_DB_H */
