/*
 * bench/core: nanoseconds per operation for the core layer's hot paths:
 * memory repository get and save (through the entity API, so validation,
 * events and copies are in the figure), and emitting an event to 0, 1 and
 * 10 handlers.  Each figure is the median of several rounds, timed in
 * the thread's CPU time: the machine is shared, and wall time would price
 * the other tenants too.
 *
 *   bench_core [rounds]
 *
 * Ends with "figure core_<name>_ns <value>" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nitro.h>

#include "bench/common.h"

#define ITEM(X) \
	X(id,       INT,  NITRO_F_ID) \
	X(title,    TEXT, NITRO_F_REQUIRED, NITRO_F_MAXLEN(200)) \
	X(priority, INT,  NITRO_F_MIN(1), NITRO_F_MAX(5), NITRO_F_DEFAULT("3")) \
	X(done,     BOOL, NITRO_F_DEFAULT("false"))
NITRO_ENTITY(item, ITEM)
NITRO_ENTITY_DEFINE(item, ITEM);

#define RECORDS 10000

static double now_ns(void)
{
	return bench_ns(CLOCK_THREAD_CPUTIME_ID);
}

static volatile long sink;

static int handler(nitro_event *ev, void *udata)
{
	(void)ev;
	(void)udata;
	sink++;
	return NITRO_EVENT_CONTINUE;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_core: %s: %s\n", what, nitro_errmsg());
	exit(1);
}

static double bench_get(long iters)
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

static double bench_save(long iters, int update)
{
	struct item it;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		item_init(&it);
		it.title = strdup("buy milk and eggs");
		if (update)
			it.id = 1 + (i * 7919) % RECORDS;
		if (item_save(&it) != 0)
			die("save");
		item_clear(&it);
	}
	return (now_ns() - t0) / (double)iters;
}

static double bench_emit(nitro_bus *bus, long iters)
{
	double t0 = now_ns();

	for (long i = 0; i < iters; i++)
		if (nitro_bus_emit(bus, "todo.saved", NULL, NULL) != 0)
			die("emit");
	return (now_ns() - t0) / (double)iters;
}

int main(int argc, char **argv)
{
	int rounds = bench_rounds(argc > 1 ? argv[1] : NULL);
	double get[BENCH_ROUNDS_MAX], ins[BENCH_ROUNDS_MAX], upd[BENCH_ROUNDS_MAX];
	double e0[BENCH_ROUNDS_MAX], e1[BENCH_ROUNDS_MAX], e10[BENCH_ROUNDS_MAX];
	nitro_repo *repo;
	nitro_bus *b0, *b1, *b10;

	nitro_log_set_level(NITRO_LOG_OFF);
	repo = nitro_memrepo_new(NULL);
	/* Entity events go to a bus with no handlers, as in an app that
	 * listens to nothing; the emit figures below price the handlers. */
	if (repo == NULL || nitro_entity_bind(&item_schema, repo, NULL) < 0)
		die("bind");
	bench_save(RECORDS, 0);	/* the store the reads and updates use */

	b0 = nitro_bus_new(NULL);
	b1 = nitro_bus_new(NULL);
	b10 = nitro_bus_new(NULL);
	/* Unrelated subscriptions too, so that matching is priced. */
	nitro_bus_on(b0, "user.*", handler, NULL, NULL);
	nitro_bus_on(b1, "todo.saved", handler, NULL, NULL);
	for (int i = 0; i < 10; i++)
		nitro_bus_on(b10, i % 2 ? "todo.*" : "*.saved", handler, NULL, NULL);

	for (int r = 0; r < rounds; r++) {
		get[r] = bench_get(200000);
		upd[r] = bench_save(100000, 1);
		ins[r] = bench_save(100000, 0);
		/* Back to RECORDS records, so every round reads the same store. */
		for (int64_t id = RECORDS + 1 + (int64_t)r * 100000;
		    id <= RECORDS + (int64_t)(r + 1) * 100000; id++)
			item_delete(nitro_id_int(id));
		e0[r] = bench_emit(b0, 2000000);
		e1[r] = bench_emit(b1, 2000000);
		e10[r] = bench_emit(b10, 1000000);
	}
	printf("# %d rounds, medians of thread CPU ns per operation; store of %d records\n",
	    rounds, RECORDS);
	printf("figure core_mem_get_ns %.1f\n", bench_median(get, rounds));
	printf("figure core_mem_save_ns %.1f\n", bench_median(ins, rounds));
	printf("figure core_mem_update_ns %.1f\n", bench_median(upd, rounds));
	printf("figure core_emit0_ns %.1f\n", bench_median(e0, rounds));
	printf("figure core_emit1_ns %.1f\n", bench_median(e1, rounds));
	printf("figure core_emit10_ns %.1f\n", bench_median(e10, rounds));
	nitro_bus_free(b0);
	nitro_bus_free(b1);
	nitro_bus_free(b10);
	nitro_repo_free(repo);
	return 0;
}
