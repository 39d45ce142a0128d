/*
 * `nitro db`: migrations from the command line.
 *
 *   nitro db [--db PATH|URL] [--dir DIR] status
 *   nitro db [--db PATH|URL] [--dir DIR] migrate
 *   nitro db [--dir DIR] new NAME
 *
 * The configuration is the application's: ./.env is read first, as the
 * application reads it (nitro_config_load), so PATH defaults to the same
 * NITRO_DB the application opens, and DIR to $NITRO_MIGRATIONS (or
 * migrations).  With no NITRO_DB anywhere and no --db the command says
 * so instead of guessing a file.  A postgresql:// (postgres://) URL names
 * a PostgreSQL database, anything else a SQLite file (nitro_db_kind).
 * status creates nothing but, on PostgreSQL, Nitro's own two tables.  Every failure
 * prints one line that says what to do.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nitro/core.h>
#include <nitro/db.h>
#include <nitro/pg.h>
#include <nitro/sql.h>

#include "cli/db.h"

static int usage(void)
{
	fprintf(stderr,
	    "usage: nitro db [--db PATH|URL] [--dir DIR] status|migrate\n"
	    "       nitro db [--dir DIR] new NAME\n"
	    "  --db PATH|URL  the database: a SQLite file or a postgresql:// URL\n"
	    "              (default: NITRO_DB, from the environment or ./.env)\n"
	    "  --dir DIR   the migrations (default $NITRO_MIGRATIONS or migrations)\n");
	return 2;
}

static int fail(const char *what)
{
	fprintf(stderr, "nitro db%s%s: %s\n", *what ? " " : "", what, nitro_errmsg());
	return 1;
}

static int status(nitro_repo *r, const char *db, const char *dir)
{
	struct nitro_sql_status st = {0};

	/* No repository: a SQLite file that does not exist yet. */
	if (r == NULL ? nitro_sql_migrate_status(r, dir, &st) < 0 :
	    nitro_db_migrate_status(r, dir, &st.db_version, &st.latest, &st.pending) < 0)
		return fail("status");
	printf("database    %s%s\n", db, r ? "" : " (does not exist yet)");
	printf("migrations  %s%s\n", dir, access(dir, F_OK) == 0 ? "" : " (does not exist yet)");
	printf("version     %lld\n", (long long)st.db_version);
	printf("latest      %lld\n", (long long)st.latest);
	printf("pending     %zu\n", st.pending);
	if (st.db_version > st.latest) {
		fprintf(stderr, "nitro db status: the database (version %lld) is newer than "
		    "the migrations in %s (latest %lld); run a newer program\n",
		    (long long)st.db_version, dir, (long long)st.latest);
		return 1;
	}
	return 0;
}

static int migrate(nitro_repo *r, const char *dir)
{
	struct nitro_sql_status st;
	size_t n = 0;

	if (nitro_db_migrate(r, dir, &n) < 0) {
		if (n)
			fprintf(stderr, "nitro db migrate: %zu applied before the failure\n", n);
		return fail("migrate");
	}
	if (nitro_db_migrate_status(r, dir, &st.db_version, &st.latest, &st.pending) < 0)
		return fail("migrate");
	printf("applied %zu migration%s; the database is at version %lld\n", n,
	    n == 1 ? "" : "s", (long long)st.db_version);
	return 0;
}

int nitro_cli_db(int argc, char **argv)
{
	struct nitro_sql_opts ro = {.readonly = 1};
	const char *db, *dir;
	nitro_repo *r = NULL;
	struct stat sb;
	int i, rc;

	if (nitro_config_load(NULL) < 0)	/* ./.env, as the application */
		return fail("");
	db = nitro_config_str("NITRO_DB", NULL);
	dir = nitro_config_str("NITRO_MIGRATIONS", "migrations");

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return usage() - 2;
		else
			break;
	}
	if (i >= argc)
		return usage();
	if (strcmp(argv[i], "new") == 0) {
		char path[4300];

		if (i + 2 != argc)
			return usage();
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "nitro db new: cannot create %s: %s\n", dir, strerror(errno));
			return 1;
		}
		if (nitro_sql_migration_new(dir, argv[i + 1], path, sizeof path) < 0)
			return fail("new");
		printf("%s\n", path);
		return 0;
	}
	if (i + 1 != argc || (strcmp(argv[i], "status") && strcmp(argv[i], "migrate")))
		return usage();
	if (db == NULL || *db == '\0') {
		fprintf(stderr, "nitro db %s: no database named: set NITRO_DB in ./.env (as "
		    "the application reads it) or the environment, or pass --db PATH\n",
		    argv[i]);
		return 1;
	}
	if (nitro_db_kind(db) == NITRO_DB_POSTGRESQL) {
		if ((r = nitro_pgrepo_new(db, NULL)) == NULL)
			return fail(argv[i]);
		rc = strcmp(argv[i], "status") == 0 ? status(r, db, dir) : migrate(r, dir);
	} else if (strcmp(argv[i], "status") == 0) {
		/* A question creates nothing: a missing file is version 0. */
		if (stat(db, &sb) == 0 && (r = nitro_sqlrepo_new(db, &ro)) == NULL)
			return fail("status");
		rc = status(r, db, dir);
	} else {
		if ((r = nitro_sqlrepo_new(db, NULL)) == NULL)
			return fail(argv[i]);
		rc = migrate(r, dir);
	}
	nitro_repo_free(r);
	return rc;
}
