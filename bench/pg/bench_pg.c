/*
 * bench/pg: Nitro's PostgreSQL repository against a hand-written libpq
 * program running the same statements, in one process and one run:
 *
 *   get     one record by id, copied into a struct (text duplicated)
 *   query   20 rows by an indexed condition in id order, copied
 *   insert  one record, committed (autocommit), its id read back
 *
 * The hand-written side has its own connection to the same database and
 * prepares the statements the repository runs, once.  Each figure is the
 * median over rounds of wall-clock ns per operation (a round trip to the
 * server is most of it), the two sides alternating within a round.
 *
 *   bench_pg URL [rounds]
 *
 * Ends with "ratio pg <geometric mean of hand/Nitro>" and figure lines.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nitro.h>

#define BENCH_CLOCK CLOCK_MONOTONIC	/* a round trip to the server is most of it */
#include "bench/repo_bench.h"

static PGconn *hdb;

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "bench_pg: %s: %s / %s\n", what, nitro_errmsg(),
	    hdb ? PQerrorMessage(hdb) : "");
	exit(1);
}

static void prepare(const char *name, const char *sql)
{
	PGresult *res = PQprepare(hdb, name, sql, 0, NULL);

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		die(name);
	PQclear(res);
}

/* The statements the repository runs (pg/ddl.c, pg/repo.c), the same text. */
static void hand_open(const char *url)
{
	if ((hdb = PQconnectdb(url)) == NULL || PQstatus(hdb) != CONNECTION_OK)
		die("hand-written connect");
	prepare("get", "SELECT \"id\",\"title\",\"priority\",\"done\" FROM \"item\" WHERE \"id\"=$1");
	prepare("query", "SELECT \"id\",\"title\",\"priority\",\"done\" FROM \"item\" WHERE "
	    "\"priority\" = $1 ORDER BY \"id\" LIMIT $2 OFFSET $3");
	prepare("insert", "INSERT INTO \"item\"(\"title\",\"priority\",\"done\") VALUES($1,$2,$3) "
	    "RETURNING \"id\"");
}

static void hand_row(const PGresult *res, int r, struct hitem *it)
{
	int n = PQgetlength(res, r, 1);

	it->id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
	it->title = malloc((size_t)n + 1);
	memcpy(it->title, PQgetvalue(res, r, 1), (size_t)n + 1);
	it->priority = strtoll(PQgetvalue(res, r, 2), NULL, 10);
	it->done = PQgetvalue(res, r, 3)[0] == 't';
}

static double hand_get(long iters)
{
	struct hitem it;
	char id[24];
	const char *v[1] = {id};
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		PGresult *res;

		snprintf(id, sizeof id, "%ld", 1 + (i * 7919) % RECORDS);
		res = PQexecPrepared(hdb, "get", 1, v, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
			die("hand get");
		hand_row(res, 0, &it);
		PQclear(res);
		free(it.title);
	}
	return (now_ns() - t0) / (double)iters;
}

static double hand_query(long iters)
{
	char pri[24];
	const char *v[3] = {pri, "20", "0"};
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		struct hitem *rows = malloc(20 * sizeof *rows);
		PGresult *res;
		int n;

		snprintf(pri, sizeof pri, "%ld", i % PRIORITIES);
		res = PQexecPrepared(hdb, "query", 3, v, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK || (n = PQntuples(res)) != 20)
			die("hand query");
		for (int k = 0; k < n; k++)
			hand_row(res, k, &rows[k]);
		PQclear(res);
		for (int k = 0; k < n; k++)
			free(rows[k].title);
		free(rows);
	}
	return (now_ns() - t0) / (double)iters;
}

static double hand_insert(long iters)
{
	char pri[24];
	const char *v[3] = {"buy milk and eggs", pri, "f"};
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		PGresult *res;

		snprintf(pri, sizeof pri, "%ld", PRIORITIES + i % 100);
		res = PQexecPrepared(hdb, "insert", 3, v, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			die("hand insert");
		(void)strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	return (now_ns() - t0) / (double)iters;
}

int main(int argc, char **argv)
{
	static const struct loops n = {.warm = {1000, 300}, .round = {3000, 1500, 1000}};
	int rounds = bench_rounds(argc > 2 ? argv[2] : NULL);
	struct nitro_pg_opts o = {.create_tables = 1};
	double med[NOPS][2];
	struct item *batch;
	nitro_repo *repo;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_pg URL [rounds]\n");
		return 2;
	}
	nitro_log_set_level(NITRO_LOG_OFF);
	if ((repo = nitro_pgrepo_new(argv[1], &o)) == NULL ||
	    nitro_entity_bind(&item_schema, repo, NULL) < 0)
		die("open");
	batch = calloc(RECORDS, sizeof *batch);
	fill(batch, "fill");
	free(batch);
	hand_open(argv[1]);
	PQclear(PQexec(hdb, "ANALYZE item"));
	compare(rounds, &n, med);

	report_table(rounds, "wall-clock", med);
	report_figures("pg", med);
	report_ratio("pg", med);
	PQfinish(hdb);
	nitro_repo_free(repo);
	return 0;
}
