/*
 * One open call for whichever store the configuration names: a SQLite
 * file or a PostgreSQL URL.  The rest of <nitro/db.h> hands each call to
 * the store the repository is, so that application code never names one.
 */
#include <string.h>

#include "nitro/db.h"
#include "nitro/pg.h"
#include "nitro/sql.h"

int nitro_db_kind(const char *where)
{
	if (where == NULL || *where == '\0')
		return nitro_error(NITRO_EINVAL, "no database named: set NITRO_DB to a SQLite "
		    "file or a postgresql:// URL");
	if (strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0)
		return NITRO_DB_POSTGRESQL;
	return NITRO_DB_SQLITE;
}

nitro_repo *nitro_db_open(const char *where, const struct nitro_db_opts *opts)
{
	struct nitro_db_opts o = {0};
	int kind;

	if (opts)
		o = *opts;
	if (where == NULL)
		where = nitro_config_str("NITRO_DB", NULL);
	if ((kind = nitro_db_kind(where)) < 0)
		return NULL;
	if (kind == NITRO_DB_POSTGRESQL) {
		struct nitro_pg_opts po = {
			.connect_timeout_s = o.connect_timeout_s,
			.statement_timeout_ms = o.timeout_ms,
			.create_tables = o.create_tables,
			.log_changes = o.log_changes,
			.code_version = o.code_version,
		};

		return nitro_pgrepo_new(where, &po);
	}
	{
		struct nitro_sql_opts so = {
			.busy_timeout_ms = o.timeout_ms,
			.create_tables = o.create_tables,
			.log_changes = o.log_changes,
			.code_version = o.code_version,
			.events_keep = o.events_keep,
			.events_max_age_ms = o.events_max_age_ms,
		};

		return nitro_sqlrepo_new(where, &so);
	}
}

/* Which store r is: NITRO_DB_SQLITE, NITRO_DB_POSTGRESQL or NITRO_EINVAL. */
static int kind_of(nitro_repo *r)
{
	const char *name = r ? nitro_repo_name(r) : NULL;

	if (name && strcmp(name, "sqlite") == 0)
		return NITRO_DB_SQLITE;
	if (name && strcmp(name, "postgresql") == 0)
		return NITRO_DB_POSTGRESQL;
	return nitro_error(NITRO_EINVAL, "db: %s is not a repository of nitro_db_open()",
	    name ? name : "NULL");
}

nitro_transport *nitro_db_transport(nitro_repo *r)
{
	switch (kind_of(r)) {
	case NITRO_DB_SQLITE:
		return nitro_sql_transport(r);
	case NITRO_DB_POSTGRESQL:
		return nitro_pg_transport(r);
	}
	return NULL;
}

int nitro_db_begin(nitro_repo *r)
{
	int k = kind_of(r);

	return k == NITRO_DB_SQLITE ? nitro_sql_begin(r) :
	    k == NITRO_DB_POSTGRESQL ? nitro_pg_begin(r) : k;
}

int nitro_db_commit(nitro_repo *r)
{
	int k = kind_of(r);

	return k == NITRO_DB_SQLITE ? nitro_sql_commit(r) :
	    k == NITRO_DB_POSTGRESQL ? nitro_pg_commit(r) : k;
}

int nitro_db_rollback(nitro_repo *r)
{
	int k = kind_of(r);

	return k == NITRO_DB_SQLITE ? nitro_sql_rollback(r) :
	    k == NITRO_DB_POSTGRESQL ? nitro_pg_rollback(r) : k;
}

int nitro_db_ddl(nitro_repo *r, const nitro_schema *s, nitro_buf *out)
{
	int k = kind_of(r);

	return k == NITRO_DB_SQLITE ? nitro_sql_ddl(s, out) :
	    k == NITRO_DB_POSTGRESQL ? nitro_pg_ddl(s, out) : k;
}

int nitro_db_migrate(nitro_repo *r, const char *dir, size_t *applied)
{
	int k = kind_of(r);

	if (applied)
		*applied = 0;
	return k == NITRO_DB_SQLITE ? nitro_sql_migrate(r, dir, applied) :
	    k == NITRO_DB_POSTGRESQL ? nitro_pg_migrate(r, dir, applied) : k;
}

int nitro_db_migrate_status(nitro_repo *r, const char *dir, int64_t *version,
    int64_t *latest, size_t *pending)
{
	struct nitro_sql_status st;
	int k = kind_of(r), rc;

	if (k == NITRO_DB_POSTGRESQL)
		return nitro_pg_migrate_status(r, dir, version, latest, pending);
	if (k < 0)
		return k;
	if (version == NULL || latest == NULL || pending == NULL)
		return nitro_error(NITRO_EINVAL, "status: nowhere to put it");
	if ((rc = nitro_sql_migrate_status(r, dir, &st)) < 0)
		return rc;
	*version = st.db_version;
	*latest = st.latest;
	*pending = st.pending;
	return 0;
}
