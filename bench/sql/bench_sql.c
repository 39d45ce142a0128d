/*
 * bench/sql: Nitro's SQLite repository against hand-written sqlite3 code
 * doing the same work, in one process and one run:
 *
 *   get     one record by id, copied into a struct (text duplicated)
 *   query   20 rows by an indexed condition in id order, copied
 *   insert  one record, committed (autocommit; WAL, synchronous=NORMAL)
 *
 * The hand-written side uses its own connection to the same file with the
 * same settings and statements prepared once.  Each figure is the median
 * over rounds of thread CPU ns per operation, the two sides alternating
 * within a round.  Also the memory repository's get, for the
 * memory-to-SQLite read ratio.
 *
 *   bench_sql [rounds]
 *
 * Ends with "ratio sql <geometric mean of hand/Nitro>" and figure lines.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nitro.h>

#define BENCH_CLOCK CLOCK_THREAD_CPUTIME_ID
#include "bench/repo_bench.h"

static sqlite3 *hdb;
static sqlite3_stmt *h_get, *h_query, *h_insert;

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "bench_sql: %s: %s / %s\n", what, nitro_errmsg(),
	    hdb ? sqlite3_errmsg(hdb) : "");
	exit(1);
}

static void hand_open(const char *path)
{
	if (sqlite3_open_v2(path, &hdb, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) ||
	    sqlite3_exec(hdb, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
	    "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) ||
	    sqlite3_busy_timeout(hdb, 5000) ||
	    sqlite3_prepare_v2(hdb, "SELECT id, title, priority, done FROM item WHERE id=?",
	    -1, &h_get, NULL) ||
	    sqlite3_prepare_v2(hdb, "SELECT id, title, priority, done FROM item WHERE "
	    "priority=? ORDER BY id LIMIT 20", -1, &h_query, NULL) ||
	    sqlite3_prepare_v2(hdb, "INSERT INTO item(title, priority, done) VALUES(?,?,?)",
	    -1, &h_insert, NULL))
		die("hand-written open");
}

static void hand_row(sqlite3_stmt *st, struct hitem *it)
{
	const unsigned char *t = sqlite3_column_text(st, 1);
	int n = sqlite3_column_bytes(st, 1);

	it->id = sqlite3_column_int64(st, 0);
	it->title = malloc((size_t)n + 1);
	memcpy(it->title, t, (size_t)n + 1);
	it->priority = sqlite3_column_int64(st, 2);
	it->done = sqlite3_column_int(st, 3);
}

static double hand_get(long iters)
{
	struct hitem it;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		sqlite3_bind_int64(h_get, 1, 1 + (i * 7919) % RECORDS);
		if (sqlite3_step(h_get) != SQLITE_ROW)
			die("hand get");
		hand_row(h_get, &it);
		sqlite3_reset(h_get);
		free(it.title);
	}
	return (now_ns() - t0) / (double)iters;
}

static double hand_query(long iters)
{
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		struct hitem *rows = malloc(20 * sizeof *rows);
		size_t n = 0;

		sqlite3_bind_int64(h_query, 1, i % PRIORITIES);
		while (sqlite3_step(h_query) == SQLITE_ROW)
			hand_row(h_query, &rows[n++]);
		sqlite3_reset(h_query);
		if (n != 20)
			die("hand query");
		for (size_t k = 0; k < n; k++)
			free(rows[k].title);
		free(rows);
	}
	return (now_ns() - t0) / (double)iters;
}

static double hand_insert(long iters)
{
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		sqlite3_bind_text(h_insert, 1, "buy milk and eggs", -1, SQLITE_STATIC);
		sqlite3_bind_int64(h_insert, 2, PRIORITIES + i % 100);
		sqlite3_bind_int(h_insert, 3, 0);
		if (sqlite3_step(h_insert) != SQLITE_DONE)
			die("hand insert");
		sqlite3_reset(h_insert);
		(void)sqlite3_last_insert_rowid(hdb);
	}
	return (now_ns() - t0) / (double)iters;
}

int main(int argc, char **argv)
{
	static const struct loops n = {.warm = {2000, 500}, .round = {50000, 5000, 2000}};
	int rounds = bench_rounds(argc > 1 ? argv[1] : NULL);
	double med[NOPS][2], mem[BENCH_ROUNDS_MAX], mg;
	struct nitro_sql_opts o = {.create_tables = 1};
	char dir[] = "/tmp/nitro-bench-sql-XXXXXX", path[100], cmd[140];
	nitro_repo *repo, *memrepo;
	struct item *batch;

	nitro_log_set_level(NITRO_LOG_OFF);
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	snprintf(path, sizeof path, "%s/bench.db", dir);
	if ((repo = nitro_sqlrepo_new(path, &o)) == NULL ||
	    nitro_entity_bind(&item_schema, repo, NULL) < 0)
		die("open");
	batch = calloc(RECORDS, sizeof *batch);
	fill(batch, "fill");
	hand_open(path);
	compare(rounds, &n, med);

	/* Memory repository get, the same records. */
	memrepo = nitro_memrepo_new(NULL);
	if (memrepo == NULL || nitro_entity_bind(&item_schema, memrepo, NULL) < 0)
		die("memory repository");
	fill(batch, "fill memory");
	free(batch);
	for (int r = 0; r < rounds; r++)
		mem[r] = n_get(200000);
	mg = bench_median(mem, rounds);

	report_table(rounds, "thread CPU", med);
	printf("# memory repository get: %.0f ns; SQLite repository get: %.0f ns\n",
	    mg, med[OP_GET][1]);
	report_figures("sql", med);
	/* Memory get time divided by SQLite get time (both through Nitro):
	 * below 1, memory is that much cheaper. */
	printf("figure sql_mem_read_ratio %.3f\n", mg / med[OP_GET][1]);
	report_ratio("sql", med);

	sqlite3_finalize(h_get);
	sqlite3_finalize(h_query);
	sqlite3_finalize(h_insert);
	sqlite3_close(hdb);
	nitro_repo_free(repo);
	nitro_repo_free(memrepo);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_sql: could not remove %s\n", dir);
	return 0;
}
