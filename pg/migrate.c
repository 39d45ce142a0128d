/*
 * Versioned migrations on PostgreSQL: the same files NNNN_name.sql as on
 * SQLite (listed and read by sql/migfiles.h), applied in version order,
 * each in its own transaction together with its row in nitro_migrations.
 * Processes that migrate at once queue on an advisory lock, and each
 * looks at the version again once it holds it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg/internal.h"
#include "sql/migfiles.h"

int nitro__pg_db_version(struct pgconn *c, int64_t *v)
{
	PGresult *res = nitro__pg_run(c, "SELECT coalesce(max(version), 0) FROM nitro_migrations",
	    0, NULL, NULL, NULL);

	if (res == NULL)
		return nitro__errcode();
	*v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int nitro_pg_migrate_status(nitro_repo *r, const char *dir, int64_t *version,
    int64_t *latest, size_t *pending)
{
	struct pgrepo *pr = nitro__pg_repo(r);
	struct pgconn *c;
	struct nitro__mig *v;
	size_t n;
	int rc;

	if (pr == NULL)
		return nitro__errcode();
	if (version == NULL || latest == NULL || pending == NULL)
		return nitro_error(NITRO_EINVAL, "status: nowhere to put it");
	*version = *latest = 0;
	*pending = 0;
	if ((c = nitro__pg_conn(pr)) == NULL)
		return nitro__errcode();
	if ((rc = nitro__pg_db_version(c, version)) < 0)
		return rc;
	/* A directory not made yet holds no migrations. */
	if ((rc = nitro__mig_list(dir, &v, &n)) == NITRO_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	*latest = n ? v[n - 1].version : 0;
	for (size_t i = 0; i < n; i++)
		*pending += v[i].version > *version;
	free(v);
	return 0;
}

/* Run a migration's statements; a failure names the line of the error.
 * The server cancels a statement after statement_timeout; a server process
 * that does not run cannot, so the wait is bounded here too. */
static int run_script(struct pgconn *c, const char *file, const char *sql)
{
	PGresult *res = nitro__pg_answer(c->pg, PQsendQuery(c->pg, sql),
	    c->repo->o.statement_timeout_ms, &c->late);
	ExecStatusType st = PQresultStatus(res);
	const char *pos;
	int rc = 0, line = 1;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		if ((pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION)) != NULL) {
			long at = strtol(pos, NULL, 10);	/* characters, from 1 */

			for (long i = 0; i < at - 1 && sql[i]; i++)
				line += sql[i] == '\n';
		}
		nitro__pg_error(c->pg, res, file);
		rc = nitro_error(nitro_errcode() == NITRO_EUNAVAILABLE ? NITRO_EUNAVAILABLE :
		    NITRO_EINVAL, "%s:%d: %s", file, line,
		    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ?
		    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nitro_errmsg());
	} else if (PQtransactionStatus(c->pg) != PQTRANS_INTRANS) {
		rc = nitro_error(NITRO_EINVAL, "%s: a migration must not COMMIT or ROLLBACK; "
		    "each one already runs in its own transaction", file);
	}
	PQclear(res);
	return rc;
}

/* Apply migration m of dir unless another process has; *done += 1. */
static int apply(struct pgconn *c, const char *dir, const struct nitro__mig *m, size_t *done)
{
	static const char rec[] =
		"INSERT INTO nitro_migrations(version, name, applied_at) VALUES($1,$2,$3)";
	char ver[24], at[24];
	const char *vals[3] = {ver, m->name, at};
	char *sql = NULL;
	int64_t have;
	int rc;

	if ((rc = nitro__mig_read(dir, m->file, &sql)) < 0)
		return rc;
	if ((rc = nitro__pg_simple(c, "BEGIN")) < 0) {
		free(sql);
		return rc;
	}
	if ((rc = nitro__pg_simple(c, PG_SETUP_LOCK)) == 0 &&
	    (rc = nitro__pg_db_version(c, &have)) == 0 && m->version > have && (rc = run_script(c, m->file, sql)) == 0) {
		snprintf(ver, sizeof ver, "%" PRId64, m->version);
		snprintf(at, sizeof at, "%" PRId64, nitro_time_now());
		if ((rc = nitro__pg_exec(c, rec, 3, vals)) == 0)
			++*done;
	}
	free(sql);
	return nitro__pg_tx_end(c, 0, rc);
}

int nitro_pg_migrate(nitro_repo *r, const char *dir, size_t *applied)
{
	struct pgrepo *pr = nitro__pg_repo(r);
	struct pgconn *c;
	struct nitro__mig *v;
	size_t n, done = 0;
	int64_t have;
	int rc;

	if (applied)
		*applied = 0;
	if (pr == NULL || (c = nitro__pg_conn(pr)) == NULL)
		return nitro__errcode();
	if (c->depth)
		return nitro_error(NITRO_EINVAL, "migrate: a transaction is open on this thread");
	if ((rc = nitro__pg_db_version(c, &have)) < 0 || (rc = nitro__mig_list(dir, &v, &n)) < 0)
		return rc;
	if ((rc = nitro__mig_newer(have, dir, v, n)) < 0)
		goto out;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (v[i].version > have)
			rc = apply(c, dir, &v[i], &done);
out:
	free(v);
	if (applied)
		*applied = done;
	return rc;
}
