/*
 * What only the PostgreSQL repository does (run by tests/pg/test_pg.sh
 * with PG_URL): failures mapped by SQLSTATE, serialization failures
 * retried, the statement timeout, units of work, a connection lost
 * inside one, a server that cannot be reached, and a server restarted
 * under a live repository (the script restarts it when asked).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nitro/core.h"
#include "nitro/pg.h"
#include "core/uow.h"
#include "pg/internal.h"
#include "tests/unit/t.h"
#include "tests/pg/pg_test.h"

#define PARENT(X) \
	X(id,   INT,  NITRO_F_ID) \
	X(name, TEXT, NITRO_F_REQUIRED, NITRO_F_UNIQUE)
NITRO_ENTITY(parent, PARENT)
NITRO_ENTITY_DEFINE(parent, PARENT);

#define CHILD(X) \
	X(id,     INT, NITRO_F_ID) \
	X(parent, INT, NITRO_F_REF("parent"))
NITRO_ENTITY(child, CHILD)
NITRO_ENTITY_DEFINE(child, CHILD);

static const char *url;

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static nitro_repo *open_in(const char *schema, const struct nitro_pg_opts *o)
{
	char u[1024];
	nitro_repo *r;

	if (pgt_schema(url, schema, u, sizeof u) < 0)
		return NULL;
	if ((r = nitro_pgrepo_new(u, o)) == NULL)
		printf("# open: %s\n", nitro_errmsg());
	return r;
}

static int64_t add_parent(const char *name)
{
	struct parent p;
	int64_t id;

	parent_init(&p);
	p.name = strdup(name);
	id = parent_save(&p) == 0 ? p.id : -1;
	parent_clear(&p);
	return id;
}

/* The table: a failure raised with each SQLSTATE maps to its code. */
static void t_sqlstates(nitro_repo *r)
{
	static const struct {
		const char *state;
		int code;
	} want[] = {
		{"23505", NITRO_EEXIST}, {"23503", NITRO_ECONSTRAINT},
		{"23514", NITRO_ECONSTRAINT}, {"40001", NITRO_EBUSY},
		{"40P01", NITRO_EBUSY}, {"57014", NITRO_EBUSY},
		{"08006", NITRO_EUNAVAILABLE}, {"57P01", NITRO_EUNAVAILABLE},
		{"22001", NITRO_ELIMIT}, {"22P02", NITRO_EINVAL},
		{"42P01", NITRO_ENOTFOUND}, {"XX000", NITRO_EIO},
	};
	struct pgconn *c = nitro__pg_conn(nitro__pg_repo(r));

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char sql[200], name[80];

		snprintf(sql, sizeof sql, "DO $$ BEGIN RAISE EXCEPTION 'raised' USING "
		    "ERRCODE = '%s'; END $$", want[i].state);
		snprintf(name, sizeof name, "SQLSTATE %s maps to %s", want[i].state,
		    nitro_strerror(want[i].code));
		T_EQ_INT(nitro__pg_exec(c, sql, 0, NULL), want[i].code, name);
	}
}

static void t_constraints(void)
{
	struct child ch;
	int64_t id;

	id = add_parent("one");
	T_OK(id > 0, "save a parent");
	T_EQ_INT(add_parent("one"), -1, "a taken unique value is refused");
	T_EQ_INT(nitro_errcode(), NITRO_EEXIST, "as NITRO_EEXIST (23505)");
	T_EQ_STR(nitro_errmsg(), "name: is already taken", "naming the column");
	child_init(&ch);
	ch.parent = 12345;
	T_EQ_INT(child_save(&ch), NITRO_ECONSTRAINT, "a dangling reference is "
	    "NITRO_ECONSTRAINT (23503)");
	ch.parent = id;
	T_EQ_INT(child_save(&ch), 0, "a reference to a parent is saved");
	T_EQ_INT(parent_delete(nitro_id_int(id)), NITRO_ECONSTRAINT,
	    "a parent others refer to is not deleted");
	child_clear(&ch);
}

/* 40001 is retried opts.retries times: the sequence counts the runs
 * (nextval survives the rollback). */
static void t_retry(nitro_repo *r)
{
	struct pgconn *c = nitro__pg_conn(nitro__pg_repo(r));
	PGresult *res;

	T_EQ_INT(nitro__pg_simple(c, "CREATE SEQUENCE runs; CREATE FUNCTION flaky() RETURNS "
	    "int LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('runs'); RAISE EXCEPTION "
	    "'conflict' USING ERRCODE = '40001'; END $$"), 0, "a function that always "
	    "loses a serialization race");
	T_EQ_INT(nitro__pg_exec(c, "SELECT flaky()", 0, NULL), NITRO_EBUSY,
	    "a serialization failure that persists is NITRO_EBUSY");
	res = nitro__pg_run(c, "SELECT last_value FROM runs", 0, NULL, NULL, NULL);
	T_EQ_STR(res ? PQgetvalue(res, 0, 0) : NULL, "3", "after 1 + 2 retries (opts.retries)");
	PQclear(res);
	T_EQ_INT(nitro_pg_begin(r), 0, "begin");
	T_EQ_INT(nitro__pg_exec(c, "SELECT flaky()", 0, NULL), NITRO_EBUSY,
	    "inside a unit of work");
	T_EQ_INT(nitro_pg_rollback(r), 0, "rollback");
	res = nitro__pg_run(c, "SELECT last_value FROM runs", 0, NULL, NULL, NULL);
	T_EQ_STR(res ? PQgetvalue(res, 0, 0) : NULL, "4", "it is not retried (the unit is)");
	PQclear(res);
}

static void t_timeout(nitro_repo *r)
{
	struct pgconn *c = nitro__pg_conn(nitro__pg_repo(r));
	long long t0 = now_ms();

	T_EQ_INT(nitro__pg_exec(c, "SELECT pg_sleep(5)", 0, NULL), NITRO_EBUSY,
	    "a statement past statement_timeout is cancelled: NITRO_EBUSY");
	T_OK(now_ms() - t0 < 3000, "after the timeout (300 ms), not the statement's 5 s");
	T_OK(strstr(nitro_errmsg(), "statement_timeout") != NULL, "the message says why");
	T_EQ_INT(nitro__pg_exec(c, "SELECT 1", 0, NULL), 0, "the connection goes on");
}

static int saved;

static int on_saved(nitro_event *ev, void *udata)
{
	(void)ev;
	(void)udata;
	saved++;
	return 0;
}

/* A text match is bounded (core/sqlgen.c), at the limit and past it. */
static void t_like_bound(void)
{
	static char big[4098];
	nitro_cond c = {"name", NITRO_OP_CONTAINS, nitro_v_text("")};
	nitro_query q = {.all = &c, .nall = 1};
	nitro_rows rows;

	memset(big, 'a', sizeof big - 1);
	c.v = nitro_v_text(big);
	T_EQ_INT(parent_query(&q, &rows), NITRO_ELIMIT, "contains past 4096 bytes: ELIMIT");
	big[4096] = '\0';
	T_EQ_INT(parent_query(&q, &rows), 0, "contains of 4096 bytes is run");
	nitro_rows_free(&rows);
}

static void t_units(nitro_repo *r)
{
	size_t n;

	saved = 0;
	parent_count(NULL, &n);
	T_EQ_INT(nitro_pg_begin(r), 0, "begin a unit of work");
	T_OK(add_parent("u1") > 0, "save inside it");
	T_EQ_INT(saved, 0, "parent.saved waits for the commit");
	T_EQ_INT(nitro_pg_begin(r), 0, "a nested begin (savepoint)");
	T_OK(add_parent("u2") > 0, "save inside the savepoint");
	T_EQ_INT(nitro_pg_rollback(r), 0, "roll the savepoint back");
	T_EQ_INT(nitro_pg_commit(r), 0, "commit");
	T_EQ_INT(saved, 1, "the event of the committed save fired, the other was dropped");
	{
		size_t m;

		parent_count(NULL, &m);
		T_EQ_INT(m, n + 1, "one record more");
	}
	T_EQ_INT(nitro_pg_begin(r), 0, "begin");
	T_OK(add_parent("u3") > 0, "save");
	T_EQ_INT(nitro_pg_rollback(r), 0, "rollback");
	T_EQ_INT(saved, 1, "no event for a rolled-back save");
	T_EQ_INT(nitro_pg_commit(r), NITRO_EINVAL, "commit with no unit open");
	{
		/* Savepoints nest to a named limit (core/uow.h), then refuse. */
		int k, ok = 1;

		for (k = 0; k < NITRO__UOW_NEST_MAX; k++)
			ok &= nitro_pg_begin(r) == 0;
		T_OK(ok, "units of work nest NITRO__UOW_NEST_MAX deep");
		T_EQ_INT(nitro_pg_begin(r), NITRO_ELIMIT, "one more is refused");
		for (k = 0; k < NITRO__UOW_NEST_MAX; k++)
			ok &= (k % 2 ? nitro_pg_rollback(r) : nitro_pg_commit(r)) == 0;
		T_OK(ok, "and all of them end, released or rolled back");
		T_EQ_INT(nitro_pg_rollback(r), NITRO_EINVAL, "then none is open");
	}

	/* Lost inside a unit: everything in it fails, then life goes on. */
	T_EQ_INT(nitro_pg_begin(r), 0, "begin");
	T_OK(add_parent("u4") > 0, "save");
	pgt_sql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
	    "WHERE application_name = 'nitro'");
	T_EQ_INT(add_parent("u5"), -1, "the connection is killed: the next save fails");
	T_EQ_INT(nitro_errcode(), NITRO_EUNAVAILABLE, "with NITRO_EUNAVAILABLE");
	T_EQ_INT(nitro_pg_commit(r), NITRO_EUNAVAILABLE, "the commit says nothing committed");
	T_OK(add_parent("u6") > 0, "the next save opens a new connection");
	{
		struct parent p;

		T_EQ_INT(parent_find_by("name", nitro_v_text("u4"), &p), NITRO_ENOTFOUND,
		    "the lost unit's save is not there");
	}
}

/* A server that is not there: a clear NITRO_EUNAVAILABLE, at once. */
static void t_unreachable(void)
{
	long long t0 = now_ms();
	nitro_repo *r = nitro_pgrepo_new("postgresql://nitro@127.0.0.1:1/nitro", NULL);

	T_OK(r == NULL, "no server: no repository");
	T_EQ_INT(nitro_errcode(), NITRO_EUNAVAILABLE, "NITRO_EUNAVAILABLE");
	T_OK(strstr(nitro_errmsg(), "unavailable") != NULL, "the message says so");
	T_OK(now_ms() - t0 < 3000, "without waiting long");
	T_OK(nitro_pgrepo_new("postgresql://[bad", NULL) == NULL &&
	    nitro_errcode() == NITRO_EINVAL, "a URL libpq cannot parse is NITRO_EINVAL");
}

/* The script restarts the server (-m immediate) when asked. */
static void t_restart(nitro_repo *r)
{
	struct parent p;
	const char *ctl = getenv("PGT_RESTARTED");
	int64_t id = add_parent("before-restart");

	T_OK(id > 0, "a record before the restart");
	/* The test cluster runs with synchronous_commit=off: a crash may
	 * lose the last commits unless the WAL is flushed. */
	pgt_sql(url, "CHECKPOINT");
	parent_init(&p);
	printf("# restart\n");
	fflush(stdout);
	for (int i = 0; i < 600 && (ctl == NULL || access(ctl, F_OK) != 0); i++)
		usleep(100 * 1000);
	nitro_error_clear();
	/* A write is never sent twice: passing, it proves the restart was
	 * noticed before the statement went out. */
	T_OK(add_parent("after-restart") > 0, "after a restart the next write "
	    "reconnects by itself");
	if (nitro_errcode() < 0)
		printf("# %s\n", nitro_errmsg());
	T_EQ_INT(parent_get(nitro_id_int(id), &p), 0, "and the record written before is read");
	parent_clear(&p);
	T_EQ_INT(r->ops->ping(r), 0, "ping");
}

int main(void)
{
	struct nitro_pg_opts o = {.create_tables = 1, .statement_timeout_ms = 300, .retries = 2};
	nitro_bus *bus;
	nitro_repo *r;

	url = pgt_url();
	nitro_log_set_level(NITRO_LOG_OFF);
	if ((r = open_in("repo", &o)) == NULL || (bus = nitro_bus_new(NULL)) == NULL ||
	    nitro_entity_bind(&parent_schema, r, bus) < 0 ||
	    nitro_entity_bind(&child_schema, r, NULL) < 0) {
		printf("# %s\n", nitro_errmsg());
		return 1;
	}
	nitro_bus_on(bus, "parent.saved", on_saved, NULL, NULL);
	t_sqlstates(r);
	t_constraints();
	t_retry(r);
	t_timeout(r);
	t_like_bound();
	t_units(r);
	t_unreachable();
	t_restart(r);
	nitro_repo_free(r);
	nitro_bus_free(bus);
	return t_done();
}
