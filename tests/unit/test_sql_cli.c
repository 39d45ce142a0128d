/* `nitro db status|migrate|new NAME` (cli/db.c), called as the command
 * calls it, against a real database and migrations directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nitro/core.h"
#include "cli/db.h"
#include "t.h"

static char dir[] = "/tmp/nitro-sqlcli-XXXXXX";

static int run(const char *a, const char *b, const char *c, const char *d)
{
	char db[200], mig[200];
	char *argv[12];
	int argc = 0;

	snprintf(db, sizeof db, "%s/app.db", dir);
	snprintf(mig, sizeof mig, "%s/migrations", dir);
	argv[argc++] = "db";
	argv[argc++] = "--db";
	argv[argc++] = db;
	argv[argc++] = "--dir";
	argv[argc++] = mig;
	if (a)
		argv[argc++] = (char *)a;
	if (b)
		argv[argc++] = (char *)b;
	if (c)
		argv[argc++] = (char *)c;
	if (d)
		argv[argc++] = (char *)d;
	argv[argc] = NULL;
	fflush(stdout);
	return nitro_cli_db(argc, argv);
}

static int put(const char *file, const char *sql)
{
	char p[300];
	FILE *fp;

	snprintf(p, sizeof p, "%s/migrations/%s", dir, file);
	if ((fp = fopen(p, "w")) == NULL)
		return -1;
	fputs(sql, fp);
	return fclose(fp);
}

/* Without --db the command opens what the application opens: NITRO_DB
 * from ./.env; with none anywhere it says so and creates nothing. */
static void test_dotenv(void)
{
	char here[300], p[300], *argv[] = {"db", "migrate", NULL};
	FILE *f;

	if (getcwd(here, sizeof here) == NULL || chdir(dir) != 0)
		return;
	unsetenv("NITRO_DB");
	T_EQ_INT(nitro_cli_db(2, argv), 1, "no NITRO_DB and no --db: refused");
	T_OK(access("nitro.db", F_OK) != 0, "no guessed nitro.db was made");
	f = fopen(".env", "w");
	fputs("NITRO_DB=var.db\n", f);
	fclose(f);
	printf("# ");
	T_EQ_INT(nitro_cli_db(2, argv), 0, "NITRO_DB from ./.env");
	snprintf(p, sizeof p, "%s/var.db", dir);
	T_OK(access(p, F_OK) == 0, "migrate used the database .env names");
	if (chdir(here) != 0)
		printf("# could not go back to %s\n", here);
}

int main(void)
{
	char p[300], cmd[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	/* Output of the command goes to the log as TAP comments would not:
	 * keep it off stdout so the plan stays clean. */
	if (freopen("/dev/null", "w", stderr) == NULL)
		return 1;
	T_EQ_INT(run(NULL, NULL, NULL, NULL), 2, "no subcommand: usage");
	T_EQ_INT(run("frobnicate", NULL, NULL, NULL), 2, "unknown subcommand: usage");
	T_EQ_INT(run("new", NULL, NULL, NULL), 2, "new without a name: usage");
	T_EQ_INT(run("new", "Bad Name", NULL, NULL), 1, "new with a bad name fails");
	T_EQ_INT(run("new", "create_notes", NULL, NULL), 0, "new creates the directory and file");
	snprintf(p, sizeof p, "%s/migrations/0001_create_notes.sql", dir);
	T_OK(access(p, R_OK) == 0, "0001_create_notes.sql exists");
	put("0001_create_notes.sql", "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT);");
	put("0002_seed.sql", "INSERT INTO note(body) VALUES ('hi');");
	printf("# ");
	T_EQ_INT(run("status", NULL, NULL, NULL), 0, "status of a database not made yet");
	snprintf(p, sizeof p, "%s/app.db", dir);
	T_OK(access(p, F_OK) != 0, "status created no database file");
	printf("# ");
	T_EQ_INT(run("status", NULL, NULL, NULL), 0, "status");
	printf("# ");
	T_EQ_INT(run("migrate", NULL, NULL, NULL), 0, "migrate");
	printf("# ");
	T_EQ_INT(run("migrate", NULL, NULL, NULL), 0, "migrate again is a no-op");
	put("0003_bad.sql", "INSERT INTO nothing VALUES (1);");
	T_EQ_INT(run("migrate", NULL, NULL, NULL), 1, "a failing migration fails the command");
	snprintf(p, sizeof p, "%s/migrations/0003_bad.sql", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/migrations/0002_seed.sql", dir);
	unlink(p);
	T_EQ_INT(run("status", NULL, NULL, NULL), 1, "status: database newer than the code");
	T_EQ_INT(run("migrate", NULL, NULL, NULL), 1, "migrate refuses it too");
	T_EQ_INT(run("status", "extra", NULL, NULL), 2, "extra arguments: usage");
	test_dotenv();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return t_done();
}
