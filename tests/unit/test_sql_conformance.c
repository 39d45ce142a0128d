/* The SQLite repository through the repository conformance suite: the
 * same checks as the memory repository, with a one-line backend swap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nitro/core.h"
#include "nitro/sql.h"
#include "t.h"
#include "tests/conformance/repo_conformance.h"

static char dir[] = "/tmp/nitro-sqlconf-XXXXXX";
static int serial;

static nitro_repo *make_sql(void *arg)
{
	struct nitro_sql_opts o = {.create_tables = 1};
	char path[128];

	(void)arg;
	snprintf(path, sizeof path, "%s/t%d.db", dir, ++serial);
	return nitro_sqlrepo_new(path, &o);
}

int main(void)
{
	struct repo_conformance rc = {"sqlite", make_sql, NULL, t_check};
	char cmd[200];

	nitro_log_set_level(NITRO_LOG_OFF);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	repo_conformance_run(&rc);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return t_done();
}
