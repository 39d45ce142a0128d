/*
 * The SQLite repository against the file it opens: a table that no longer
 * matches its schema refuses to start and names the migration to write;
 * double-quoted names never read as strings; several processes creating
 * one new database at the same moment all start.
 */
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nitro/core.h"
#include "nitro/sql.h"
#include "t.h"

/* Two versions of one entity "guest": v2 adds the field "website". */
struct guest { int64_t id; char *name; char *website; };

static const nitro_field v1_f[] = {
	{.name = "id", .type = NITRO_T_INT, .offset = offsetof(struct guest, id), .id = 1},
	{.name = "name", .type = NITRO_T_TEXT, .offset = offsetof(struct guest, name)},
};
static const nitro_field v2_f[] = {
	{.name = "id", .type = NITRO_T_INT, .offset = offsetof(struct guest, id), .id = 1},
	{.name = "name", .type = NITRO_T_TEXT, .offset = offsetof(struct guest, name)},
	{.name = "website", .type = NITRO_T_TEXT, .offset = offsetof(struct guest, website),
	    .def = ""},
};
static const nitro_field *v1_fields(void) { return v1_f; }
static const nitro_field *v2_fields(void) { return v2_f; }
/* Static: a schema's runtime part lives as long as the schema. */
static nitro_schema v1 = {"guest", sizeof(struct guest), 2, v1_fields, NULL};
static nitro_schema v2 = {"guest", sizeof(struct guest), 3, v2_fields, NULL};

static char dir[] = "/tmp/nitro-sqlschema-XXXXXX";

static void db_path(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s.db", dir, name);
}

/* The table made by v1 and bound by v2: refused, in both modes, naming
 * the column and the statement that adds it. */
static void test_missing_column(void)
{
	struct nitro_sql_opts dev = {.create_tables = 1}, prod = {0};
	char path[300];
	nitro_repo *r;
	int rc;

	db_path(path, sizeof path, "missing");
	r = nitro_sqlrepo_new(path, &dev);
	T_OK(r != NULL && nitro_entity_bind(&v1, r, NULL) == 0, "v1 creates its table");
	nitro_repo_free(r);

	r = nitro_sqlrepo_new(path, &prod);
	rc = nitro_entity_bind(&v2, r, NULL);
	T_EQ_INT(rc, NITRO_EUNSUPPORTED, "v2 bound to v1's table is refused");
	T_OK(strstr(nitro_errmsg(), "missing column website") != NULL,
	    "the message names the missing column");
	T_OK(strstr(nitro_errmsg(), "ALTER TABLE \"guest\" ADD COLUMN \"website\" TEXT "
	    "DEFAULT ''") != NULL, "the message gives the migration's statement");
	nitro_repo_free(r);

	r = nitro_sqlrepo_new(path, &dev);
	rc = nitro_entity_bind(&v2, r, NULL);
	T_EQ_INT(rc, NITRO_EUNSUPPORTED, "development mode says the same");
	T_OK(strstr(nitro_errmsg(), "missing column website") != NULL,
	    "development mode names the column");
	nitro_repo_free(r);

	/* The migration the message gave makes v2 start. */
	{
		sqlite3 *db;
		char *err = NULL;

		sqlite3_open(path, &db);
		T_OK(sqlite3_exec(db, "ALTER TABLE \"guest\" ADD COLUMN \"website\" TEXT "
		    "DEFAULT ''", NULL, NULL, &err) == SQLITE_OK, "the statement applies");
		sqlite3_free(err);
		sqlite3_close(db);
	}
	r = nitro_sqlrepo_new(path, &prod);
	T_EQ_INT(nitro_entity_bind(&v2, r, NULL), 0, "after the migration v2 starts");
	nitro_repo_free(r);
	/* Now v1 finds a column it does not know. */
	r = nitro_sqlrepo_new(path, &prod);
	rc = nitro_entity_bind(&v1, r, NULL);
	T_EQ_INT(rc, NITRO_EUNSUPPORTED, "an extra column is refused too");
	T_OK(strstr(nitro_errmsg(), "extra column website") != NULL &&
	    strstr(nitro_errmsg(), "DROP COLUMN \"website\"") != NULL,
	    "the message names the extra column and the statement");
	nitro_repo_free(r);
}

/* "website" in double quotes is a column or an error, never the string. */
static void test_no_dqs(void)
{
	struct nitro_sql_opts dev = {.create_tables = 1};
	char path[300];
	nitro_repo *r;
	int rc;

	db_path(path, sizeof path, "dqs");
	r = nitro_sqlrepo_new(path, &dev);
	T_OK(r != NULL && nitro_entity_bind(&v1, r, NULL) == 0, "table made");
	/* A migration is run on the repository's own connection. */
	{
		char mdir[300], file[400];
		FILE *f;

		snprintf(mdir, sizeof mdir, "%s/mig", dir);
		T_OK(mkdir(mdir, 0700) == 0, "migrations dir");
		snprintf(file, sizeof file, "%s/0001_bad.sql", mdir);
		f = fopen(file, "w");
		fputs("INSERT INTO guest(name) SELECT \"website\" FROM guest;\n", f);
		fclose(f);
		rc = nitro_sql_migrate(r, mdir, NULL);
		T_OK(rc < 0, "a double-quoted unknown name is an error, not a string");
		T_OK(strstr(nitro_errmsg(), "website") != NULL, "the error names it");
	}
	nitro_repo_free(r);
}

/* What a worker does next: prune the log, follow it, read its head. */
static int start_like_a_worker(nitro_repo *r)
{
	nitro_transport *t = nitro_sql_transport(r);
	nitro_sql_follower *f;
	nitro_tevent *ev = NULL;
	size_t n = 0;
	int64_t head;
	int rc;

	rc = t == NULL ? -1 : nitro_sql_events_prune(r, 100, 0, NULL);
	if (rc == 0)
		rc = nitro_publish(t, "guest.started", "{}", NULL);
	nitro_transport_free(t);
	if (rc < 0 || (rc = nitro_sql_events_head(r, &head)) < 0)
		return rc;
	if ((f = nitro_sql_follow(r)) == NULL)
		return -1;
	if ((rc = nitro_sql_follower_changed(f)) >= 0)
		rc = nitro_sql_follower_read(f, 0, 10, &ev, &n);
	nitro_tevents_free(ev, n);
	nitro_sql_follower_free(f);
	return rc < 0 ? rc : 0;
}

/* Workers started together on a database that does not exist yet. */
static void test_first_start(void)
{
	enum { ROUNDS = 20, PROCS = 6 };
	int failures = 0;

	for (int round = 0; round < ROUNDS; round++) {
		struct nitro_sql_opts o = {.create_tables = 1, .log_changes = 1};
		char path[300], name[32];
		int go[2], st;
		pid_t kids[PROCS];

		snprintf(name, sizeof name, "first%d", round);
		db_path(path, sizeof path, name);
		if (pipe(go) < 0)
			break;
		for (int k = 0; k < PROCS; k++) {
			if ((kids[k] = fork()) == 0) {
				char c;
				nitro_repo *r;

				close(go[1]);
				if (read(go[0], &c, 1) < 0)
					_exit(3);
				r = nitro_sqlrepo_new(path, &o);
				if (r == NULL || nitro_entity_bind(&v2, r, NULL) != 0 ||
				    start_like_a_worker(r) != 0) {
					fprintf(stderr, "round %d: %s\n", round, nitro_errmsg());
					_exit(1);
				}
				nitro_repo_free(r);
				_exit(0);
			}
		}
		close(go[0]);
		close(go[1]);	/* every child's read returns at once */
		for (int k = 0; k < PROCS; k++)
			if (kids[k] > 0 && (waitpid(kids[k], &st, 0) < 0 ||
			    !WIFEXITED(st) || WEXITSTATUS(st) != 0))
				failures++;
	}
	T_EQ_INT(failures, 0, "6 processes creating one new database at once all start (20 rounds)");
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	test_missing_column();
	test_no_dqs();
	test_first_start();
	{
		char cmd[400];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return t_done();
}
