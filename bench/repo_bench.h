/*
 * bench/repo_bench.h: what bench/sql and bench/pg share, the Nitro side of
 * a repository against hand-written code for the same store.  The one
 * table, its records, Nitro's get, query and insert, the rounds in which
 * the two sides alternate, and the report.
 *
 * The program that includes it defines BENCH_CLOCK (see bench/common.h)
 * first, and then die() and hand_get/hand_query/hand_insert, its side.
 */
#ifndef NITRO_BENCH_REPO_BENCH_H
#define NITRO_BENCH_REPO_BENCH_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nitro.h>

#include "bench/common.h"

#define ITEM(X) \
	X(id,       INT,  NITRO_F_ID) \
	X(title,    TEXT, NITRO_F_REQUIRED) \
	X(priority, INT,  NITRO_F_INDEX) \
	X(done,     BOOL)
NITRO_ENTITY(item, ITEM)
NITRO_ENTITY_DEFINE(item, ITEM);

#define RECORDS 20000
#define PRIORITIES 500		/* 40 records per priority */

/* The hand-written side's own struct, the same shape. */
struct hitem {
	int64_t id;
	char *title;
	int64_t priority;
	int done;
};

static _Noreturn void die(const char *what);
static double hand_get(long iters);
static double hand_query(long iters);
static double hand_insert(long iters);

static double now_ns(void)
{
	return bench_ns(BENCH_CLOCK);
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

/* The table: RECORDS records through the bound repository, one batch
 * (one transaction); what stands in batch is cleared, batch is kept. */
static void fill(struct item *batch, const char *what)
{
	for (int i = 0; i < RECORDS; i++) {
		item_init(&batch[i]);
		batch[i].title = strdup("a task with a title of some length");
		batch[i].priority = i % PRIORITIES;
	}
	if (item_save_many(batch, RECORDS) != 0)
		die(what);
	for (int i = 0; i < RECORDS; i++)
		item_clear(&batch[i]);
}

enum { OP_GET, OP_QUERY, OP_INSERT, NOPS };
static const char *const op_name[NOPS] = {"get", "query20", "insert"};

/* Operations per loop: to warm up (get and query), and per round. */
struct loops {
	long warm[OP_INSERT], round[NOPS];
};

/*
 * Warm both sides' caches and statements, then the rounds; in each the
 * two sides alternate who goes first.  med[op][side] is the median ns per
 * operation (side 0 hand-written, 1 Nitro).
 */
static void compare(int rounds, const struct loops *n, double med[NOPS][2])
{
	static double (*const run[NOPS][2])(long) = {
		{hand_get, n_get}, {hand_query, n_query}, {hand_insert, n_insert},
	};
	double t[NOPS][2][BENCH_ROUNDS_MAX];

	for (int op = 0; op < OP_INSERT; op++) {
		run[op][1](n->warm[op]);
		run[op][0](n->warm[op]);
	}
	for (int r = 0; r < rounds; r++) {
		int first = r % 2;	/* alternate who goes first */

		for (int side = 0; side < 2; side++) {
			int nitro = side ^ first;

			for (int op = 0; op < NOPS; op++)
				t[op][nitro][r] = run[op][nitro](n->round[op]);
		}
	}
	for (int op = 0; op < NOPS; op++)
		for (int side = 0; side < 2; side++)
			med[op][side] = bench_median(t[op][side], rounds);
}

/* The table of both sides' figures (what per clock: "thread CPU"...). */
static void report_table(int rounds, const char *what, double med[NOPS][2])
{
	printf("# %d rounds; medians of %s ns per operation; %d records\n", rounds, what,
	    RECORDS);
	printf("# %-8s %12s %12s %8s\n", "op", "hand-written", "nitro", "hand/nitro");
	for (int op = 0; op < NOPS; op++)
		printf("# %-8s %12.0f %12.0f %8.3f\n", op_name[op], med[op][0], med[op][1],
		    med[op][0] / med[op][1]);
}

/* Nitro's figures, "figure <store>_<op>_ns". */
static void report_figures(const char *store, double med[NOPS][2])
{
	for (int op = 0; op < NOPS; op++)
		printf("figure %s_%s_ns %.0f\n", store, op_name[op], med[op][1]);
}

/* "ratio <store> <geometric mean of hand/Nitro>". */
static void report_ratio(const char *store, double med[NOPS][2])
{
	printf("ratio %s %.3f\n", store, cbrt((med[OP_GET][0] / med[OP_GET][1]) *
	    (med[OP_QUERY][0] / med[OP_QUERY][1]) * (med[OP_INSERT][0] / med[OP_INSERT][1])));
}

#endif
