/* `nitro db status|migrate` on a postgresql:// URL (cli/db.c called as
 * the command calls it), and the migrations behind it (pg/migrate.c):
 * applied in order, once, each with its record; a failing one names its
 * file and line and leaves nothing behind; a table made by a migration
 * from nitro_pg_ddl() serves a schema without development mode. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nitro/core.h"
#include "nitro/db.h"
#include "nitro/pg.h"
#include "cli/db.h"
#include "tests/unit/t.h"
#include "tests/pg/pg_test.h"

#define NOTE(X) \
	X(id,    INT,  NITRO_F_ID) \
	X(title, TEXT, NITRO_F_REQUIRED, NITRO_F_INDEX)
NITRO_ENTITY(note, NOTE)
NITRO_ENTITY_DEFINE(note, NOTE);

static char dir[] = "/tmp/nitro-pgcli-XXXXXX";
static char url[1024];

static int cli(const char *cmd)
{
	char mig[200];
	char *argv[] = {"db", "--db", url, "--dir", mig, (char *)cmd, NULL};

	snprintf(mig, sizeof mig, "%s/migrations", dir);
	fflush(stdout);
	return nitro_cli_db(6, argv);
}

static void put(const char *file, const char *sql)
{
	char p[300];
	FILE *fp;

	snprintf(p, sizeof p, "%s/migrations/%s", dir, file);
	if ((fp = fopen(p, "w")) != NULL) {
		fputs(sql, fp);
		fclose(fp);
	}
}

int main(void)
{
	nitro_buf ddl = NITRO_BUF_INIT;
	char mig[200], cmd[300];
	int64_t v, latest;
	size_t pending;
	nitro_repo *r;
	struct note n;

	nitro_log_set_level(NITRO_LOG_OFF);
	if (mkdtemp(dir) == NULL || pgt_schema(pgt_url(), "cli", url, sizeof url) < 0)
		return 1;
	snprintf(mig, sizeof mig, "%s/migrations", dir);
	mkdir(mig, 0755);

	T_EQ_INT(nitro_db_kind(url), NITRO_DB_POSTGRESQL, "a postgresql:// URL names PostgreSQL");
	T_EQ_INT(nitro_db_kind("postgres://h/db"), NITRO_DB_POSTGRESQL, "postgres:// too");
	T_EQ_INT(nitro_db_kind("var/app.db"), NITRO_DB_SQLITE, "a path names SQLite");
	T_EQ_INT(cli("status"), 0, "status of an empty database");

	T_EQ_INT(nitro_pg_ddl(&note_schema, &ddl), 0, "nitro_pg_ddl");
	{
		/* pg_ names are the server's own (core/sqlgen.c, with pg/'s
		 * data).  A copy of a used schema shares its internals. */
		nitro_schema own = note_schema;
		nitro_buf b = NITRO_BUF_INIT;

		own.name = "pg_note";
		T_EQ_INT(nitro_pg_ddl(&own, &b), NITRO_EINVAL, "a pg_ table name is refused");
		T_OK(strstr(nitro_errmsg(), "not a valid SQL table name") != NULL, "... and says so");
		own.name = "sqlite_note";
		T_EQ_INT(nitro_pg_ddl(&own, &b), 0, "a sqlite_ one is PostgreSQL's to take");
		nitro_buf_free(&b);
	}
	put("0001_notes.sql", ddl.data);
	put("0002_seed.sql", "INSERT INTO note(title) VALUES ('first');\n");
	T_EQ_INT(cli("migrate"), 0, "nitro db migrate on PostgreSQL");
	T_EQ_INT(cli("migrate"), 0, "again: nothing to do");

	r = nitro_db_open(url, NULL);
	T_OK(r != NULL, "nitro_db_open opens the URL");
	if (r == NULL)
		return t_done();
	T_EQ_STR(nitro_repo_name(r), "postgresql", "a PostgreSQL repository");
	T_EQ_INT(nitro_db_migrate_status(r, mig, &v, &latest, &pending), 0, "status");
	T_OK(v == 2 && latest == 2 && pending == 0, "at version 2, nothing pending");
	T_EQ_INT(nitro_entity_bind(&note_schema, r, NULL), 0, "the migrated table serves "
	    "the schema without create_tables");
	note_init(&n);
	n.title = strdup("second");
	T_EQ_INT(note_save(&n), 0, "save");
	T_EQ_INT(n.id, 2, "the id follows the migrated row's (nitro_ids counted it)");
	note_clear(&n);

	/* A failure names file and line, and leaves nothing behind. */
	put("0003_bad.sql", "CREATE TABLE t3 (a int);\n\nINSERT INTO nowhere VALUES (1);\n");
	T_EQ_INT(nitro_db_migrate(r, mig, NULL), NITRO_EINVAL, "a failing migration");
	T_OK(strstr(nitro_errmsg(), "0003_bad.sql:3") != NULL, "names its file and line");
	printf("# %s\n", nitro_errmsg());
	T_EQ_INT(nitro_db_migrate_status(r, mig, &v, &latest, &pending), 0, "status");
	T_OK(v == 2 && pending == 1, "not recorded");
	put("0003_bad.sql", "CREATE TABLE t_commit (a int); COMMIT;\n");
	T_EQ_INT(nitro_db_migrate(r, mig, NULL), NITRO_EINVAL, "a migration that commits");
	T_OK(strstr(nitro_errmsg(), "must not COMMIT") != NULL, "is refused");
	put("0003_bad.sql", "CREATE TABLE t3 (a int);\n");
	T_EQ_INT(nitro_db_migrate(r, mig, NULL), 0, "fixed, it applies");
	T_EQ_INT(pgt_sql(url, "SELECT count(*) FROM t3"), 0, "its table is there");

	/* Newer than the files: refused. */
	snprintf(cmd, sizeof cmd, "%s/0003_bad.sql", mig);
	unlink(cmd);
	T_EQ_INT(nitro_db_migrate(r, mig, NULL), NITRO_EUNSUPPORTED,
	    "a database newer than the migrations is refused");
	T_EQ_INT(cli("status"), 1, "and status says so");

	nitro_repo_free(r);
	nitro_buf_free(&ddl);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return t_done();
}
