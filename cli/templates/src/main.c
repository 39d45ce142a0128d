/*
 * @NAME@: a Nitro application.  It runs as FastCGI workers behind nginx:
 *
 *   nitro serve --app ./@NAME@          (development: nginx + workers)
 *
 * The notes live in SQLite, in $NITRO_DB (default var/@NAME@.db).
 */
#include <stdio.h>
#include <sys/stat.h>

#include "app.h"

int main(int argc, char **argv)
{
	/* create_tables makes missing tables (development); log_changes
	 * appends note.saved to the event log that live streams follow. */
	struct nitro_sql_opts o = { .create_tables = 1, .log_changes = 1 };
	const char *path;
	nitro_repo *db = NULL;
	nitro_transport *events = NULL;
	nitro_app *app = NULL;
	int rc = -1;

	if (nitro_config_load(NULL) < 0) {	/* ./.env, if there is one */
		fprintf(stderr, "@NAME@: %s\n", nitro_errmsg());
		return 1;
	}
	if ((path = nitro_config_str("NITRO_DB", NULL)) == NULL) {
		mkdir("var", 0750);
		path = "var/@NAME@.db";
	}
	if ((db = nitro_sqlrepo_new(path, &o)) == NULL ||
	    nitro_entity_bind(&note_schema, db, NULL) != 0 ||
	    (events = nitro_sql_transport(db)) == NULL ||
	    (app = nitro_app_new()) == NULL || app_routes(app) != 0) {
		nitro_log(NITRO_LOG_ERROR, "cannot start", "error", nitro_errmsg(), NULL);
	} else {
		/* Live streams of every worker follow the event log. */
		nitro_app_set_transport(app, events);
		rc = nitro_app_run(app, argc, argv);	/* until SIGTERM */
	}
	nitro_app_free(app);		/* first: its hub follows events */
	nitro_transport_free(events);
	nitro_repo_free(db);
	return rc == 0 ? 0 : 1;
}
