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
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* The hand-written side's own struct, the same shape. */
struct hitem {
	int64_t id;
	char *title;
	int64_t priority;
	int done;
};

static sqlite3 *hdb;
static sqlite3_stmt *h_get, *h_query, *h_insert;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

static void die(const char *what)
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
	int rounds = argc > 1 ? atoi(argv[1]) : 7;
	double g[2][ROUNDS_MAX], q[2][ROUNDS_MAX], ins[2][ROUNDS_MAX], mem[ROUNDS_MAX];
	struct nitro_sql_opts o = {.create_tables = 1};
	char dir[] = "/tmp/nitro-bench-sql-XXXXXX", path[100], cmd[140];
	double hg, ng, hq, nq, hi, ni, ratio;
	nitro_repo *repo, *memrepo;
	struct item *batch;

	if (rounds < 1 || rounds > ROUNDS_MAX)
		rounds = 7;
	nitro_log_set_level(NITRO_LOG_OFF);
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	snprintf(path, sizeof path, "%s/bench.db", dir);
	if ((repo = nitro_sqlrepo_new(path, &o)) == NULL ||
	    nitro_entity_bind(&item_schema, repo, NULL) < 0)
		die("open");
	/* The table: RECORDS records, one batch (one transaction). */
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
	hand_open(path);

	/* Warm both sides' caches and statements. */
	n_get(2000);
	hand_get(2000);
	n_query(500);
	hand_query(500);
	for (int r = 0; r < rounds; r++) {
		int first = r % 2;	/* alternate who goes first */

		for (int side = 0; side < 2; side++) {
			int nitro = side ^ first;

			g[nitro][r] = nitro ? n_get(50000) : hand_get(50000);
			q[nitro][r] = nitro ? n_query(5000) : hand_query(5000);
			ins[nitro][r] = nitro ? n_insert(2000) : hand_insert(2000);
		}
	}
	/* Memory repository get, the same records. */
	memrepo = nitro_memrepo_new(NULL);
	if (memrepo == NULL || nitro_entity_bind(&item_schema, memrepo, NULL) < 0)
		die("memory repository");
	for (int i = 0; i < RECORDS; i++) {
		item_init(&batch[i]);
		batch[i].title = strdup("a task with a title of some length");
		batch[i].priority = i % PRIORITIES;
	}
	if (item_save_many(batch, RECORDS) != 0)
		die("fill memory");
	for (int i = 0; i < RECORDS; i++)
		item_clear(&batch[i]);
	free(batch);
	for (int r = 0; r < rounds; r++)
		mem[r] = n_get(200000);

	hg = median(g[0], rounds);
	ng = median(g[1], rounds);
	hq = median(q[0], rounds);
	nq = median(q[1], rounds);
	hi = median(ins[0], rounds);
	ni = median(ins[1], rounds);
	ratio = cbrt((hg / ng) * (hq / nq) * (hi / ni));
	printf("# %d rounds; medians of thread CPU ns per operation; %d records\n",
	    rounds, RECORDS);
	printf("# %-8s %12s %12s %8s\n", "op", "hand-written", "nitro", "hand/nitro");
	printf("# %-8s %12.0f %12.0f %8.3f\n", "get", hg, ng, hg / ng);
	printf("# %-8s %12.0f %12.0f %8.3f\n", "query20", hq, nq, hq / nq);
	printf("# %-8s %12.0f %12.0f %8.3f\n", "insert", hi, ni, hi / ni);
	printf("# memory repository get: %.0f ns; SQLite repository get: %.0f ns\n",
	    median(mem, rounds), ng);
	printf("figure sql_get_ns %.0f\n", ng);
	printf("figure sql_query20_ns %.0f\n", nq);
	printf("figure sql_insert_ns %.0f\n", ni);
	/* Memory get time divided by SQLite get time (both through Nitro):
	 * below 1, memory is that much cheaper. */
	printf("figure sql_mem_read_ratio %.3f\n", median(mem, rounds) / ng);
	printf("ratio sql %.3f\n", ratio);

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
