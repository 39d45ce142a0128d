/*
 * @NAME@: a Nitro application.  It runs as FastCGI workers behind nginx:
 *
 *   nitro serve --app ./@NAME@          (development: nginx + workers)
 *
 * The notes live in $NITRO_DB, a SQLite file (./.env sets var/@NAME@.db;
 * `nitro db` reads the same) or a postgresql:// URL, and so do the
 * accounts and sessions.
 * `./@NAME@ ddl` prints the SQL of the tables, for a migration.
 * NITRO_SECURE_COOKIES=1 (in .env or the environment) marks the session
 * cookie Secure: set it when the site is served over HTTPS.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"

/* The CREATE statements of every entity, for the first migration, in the
 * dialect of the store NITRO_DB names (./.env or the environment):
 *   nitro db new create_notes
 *   ./@NAME@ ddl >> migrations/0001_create_notes.sql */
static int print_ddl(void)
{
	nitro_buf b = NITRO_BUF_INIT;
	const nitro_schema *const *s = nitro_auth_schemas();
	int (*ddl)(const nitro_schema *, nitro_buf *) = nitro_sql_ddl;
	int rc = nitro_config_load(NULL);

	if (rc == 0 && nitro_db_kind(nitro_config_str("NITRO_DB", "var/@NAME@.db")) ==
	    NITRO_DB_POSTGRESQL)
		ddl = nitro_pg_ddl;
	if (rc == 0)
		rc = ddl(&note_schema, &b);
	for (; rc == 0 && *s != NULL; s++)	/* accounts, sessions */
		rc = ddl(*s, &b);
	if (rc == 0)
		fputs(b.data, stdout);
	else
		fprintf(stderr, "@NAME@ ddl: %s\n", nitro_errmsg());
	nitro_buf_free(&b);
	return rc == 0 ? 0 : 1;
}

/* Accounts and sessions in db; a session's writes stay out of the event
 * log that live streams follow. */
static nitro_auth *open_auth(nitro_repo *db)
{
	struct nitro_auth_opts o = {
		.secure_cookie = nitro_config_bool("NITRO_SECURE_COOKIES", 0),
	};
	const nitro_schema *const *s = nitro_auth_schemas();
	nitro_auth *auth = nitro_auth_new(db, &o);

	for (; auth != NULL && *s != NULL; s++)
		nitro_sql_log_changes(*s, 0);
	return auth;
}

int main(int argc, char **argv)
{
	/* create_tables makes missing tables (development); log_changes
	 * appends note.saved to the event log that live streams follow. */
	struct nitro_db_opts o = { .create_tables = 1, .log_changes = 1 };
	const char *path;
	nitro_repo *db = NULL;
	nitro_transport *events = NULL;
	nitro_auth *auth = NULL;
	nitro_app *app = NULL;
	int rc = -1;

	if (argc == 2 && strcmp(argv[1], "ddl") == 0)
		return print_ddl();
	if (nitro_config_load(NULL) < 0) {	/* ./.env, if there is one */
		fprintf(stderr, "@NAME@: %s\n", nitro_errmsg());
		return 1;
	}
	path = nitro_config_str("NITRO_DB", "var/@NAME@.db");
	mkdir("var", 0750);	/* where .env puts the database */
	if ((db = nitro_db_open(path, &o)) == NULL ||
	    nitro_entity_bind(&note_schema, db, NULL) != 0 ||
	    (events = nitro_db_transport(db)) == NULL ||
	    /* Accounts and sessions live in the same store. */
	    (auth = open_auth(db)) == NULL ||
	    /* Live streams of every worker follow the event log. */
	    (app = nitro_app_new(&(struct nitro_app_opts){.transport = events})) == NULL ||
	    app_routes(app) != 0 || app_account_routes(app, auth) != 0) {
		nitro_log(NITRO_LOG_ERROR, "cannot start", "error", nitro_errmsg(), NULL);
	} else {
		rc = nitro_app_run(app, argc, argv);	/* until SIGTERM */
	}
	nitro_app_free(app);		/* first: its hub follows events */
	nitro_auth_free(auth);
	nitro_transport_free(events);
	nitro_repo_free(db);
	return rc == 0 ? 0 : 1;
}
