/* The PostgreSQL repository through the repository conformance suite:
 * the same checks as the memory and SQLite repositories, each group in
 * a fresh schema of one throwaway cluster (tests/pg/test_pg.sh). */
#include <stdio.h>

#include "nitro/core.h"
#include "nitro/pg.h"
#include "tests/unit/t.h"
#include "tests/conformance/repo_conformance.h"
#include "tests/pg/pg_test.h"

static int serial;

static nitro_repo *make_pg(void *arg)
{
	struct nitro_pg_opts o = {.create_tables = 1};
	char name[32], url[1024];

	snprintf(name, sizeof name, "conf%d", ++serial);
	if (pgt_schema(arg, name, url, sizeof url) < 0)
		return NULL;
	return nitro_pgrepo_new(url, &o);
}

int main(void)
{
	const char *url = pgt_url();
	struct repo_conformance rc = {"postgresql", make_pg, (void *)url, t_check};

	nitro_log_set_level(NITRO_LOG_OFF);
	repo_conformance_run(&rc);
	return t_done();
}
