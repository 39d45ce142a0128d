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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nitro.h>

#define ITEM(X) \
	X(id,       INT,  NITRO_F_ID) \
	X(title,    TEXT, NITRO_F_REQUIRED) \
	X(priority, INT,  NITRO_F_INDEX) \
	X(done,     BOOL)
NITRO_ENTITY(item, ITEM)
NITRO_ENTITY_DEFINE(item, ITEM);

#define RECORDS 20000
#define PRIORITIES 500		/* 40 records per priority */
#define ROUNDS_MAX 50

struct hitem {
	int64_t id;
	char *title;
	int64_t priority;
	int done;
};

static PGconn *hdb;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

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

static double n_get(long iters)
{
	struct item it;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		if (item_get(nitro_id_int(1 + (i * 7919) % RECORDS), &it) != 0)
			die("get");
		item_clear(&it);
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

static double n_query(long iters)
{
	nitro_cond c = {"priority", NITRO_OP_EQ, nitro_v_int(0)};
	nitro_query q = {.all = &c, .nall = 1, .limit = 20};
	nitro_rows rows;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		c.v.i = i % PRIORITIES;
		if (item_query(&q, &rows) != 0 || rows.n != 20)
			die("query");
		nitro_rows_free(&rows);
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

static double n_insert(long iters)
{
	struct item it;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		item_init(&it);
		it.title = strdup("buy milk and eggs");
		it.priority = PRIORITIES + i % 100;
		if (item_save(&it) != 0)
			die("insert");
		item_clear(&it);
	}
	return (now_ns() - t0) / (double)iters;
}

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 7;
	double g[2][ROUNDS_MAX], q[2][ROUNDS_MAX], ins[2][ROUNDS_MAX];
	struct nitro_pg_opts o = {.create_tables = 1};
	double hg, ng, hq, nq, hi, ni, ratio;
	struct item *batch;
	nitro_repo *repo;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_pg URL [rounds]\n");
		return 2;
	}
	if (rounds < 1 || rounds > ROUNDS_MAX)
		rounds = 7;
	nitro_log_set_level(NITRO_LOG_OFF);
	if ((repo = nitro_pgrepo_new(argv[1], &o)) == NULL ||
	    nitro_entity_bind(&item_schema, repo, NULL) < 0)
		die("open");
	batch = calloc(RECORDS, sizeof *batch);
	for (int i = 0; i < RECORDS; i++) {
		item_init(&batch[i]);
		batch[i].title = strdup("a task with a title of some length");
		batch[i].priority = i % PRIORITIES;
	}
	if (item_save_many(batch, RECORDS) != 0)
		die("fill");
	for (int i = 0; i < RECORDS; i++)
		item_clear(&batch[i]);
	free(batch);
	hand_open(argv[1]);
	PQclear(PQexec(hdb, "ANALYZE item"));

	n_get(1000);
	hand_get(1000);
	n_query(300);
	hand_query(300);
	for (int r = 0; r < rounds; r++) {
		int first = r % 2;	/* alternate who goes first */

		for (int side = 0; side < 2; side++) {
			int nitro = side ^ first;

			g[nitro][r] = nitro ? n_get(3000) : hand_get(3000);
			q[nitro][r] = nitro ? n_query(1500) : hand_query(1500);
			ins[nitro][r] = nitro ? n_insert(1000) : hand_insert(1000);
		}
	}
	hg = median(g[0], rounds);
	ng = median(g[1], rounds);
	hq = median(q[0], rounds);
	nq = median(q[1], rounds);
	hi = median(ins[0], rounds);
	ni = median(ins[1], rounds);
	ratio = cbrt((hg / ng) * (hq / nq) * (hi / ni));
	printf("# %d rounds; medians of wall-clock ns per operation; %d records\n",
	    rounds, RECORDS);
	printf("# %-8s %12s %12s %8s\n", "op", "hand-written", "nitro", "hand/nitro");
	printf("# %-8s %12.0f %12.0f %8.3f\n", "get", hg, ng, hg / ng);
	printf("# %-8s %12.0f %12.0f %8.3f\n", "query20", hq, nq, hq / nq);
	printf("# %-8s %12.0f %12.0f %8.3f\n", "insert", hi, ni, hi / ni);
	printf("figure pg_get_ns %.0f\n", ng);
	printf("figure pg_query20_ns %.0f\n", nq);
	printf("figure pg_insert_ns %.0f\n", ni);
	printf("ratio pg %.3f\n", ratio);
	PQfinish(hdb);
	nitro_repo_free(repo);
	return 0;
}
