/*
 * bench/common.h: what every benchmark program times with.  A figure is
 * the median of several rounds, each the ns per operation of one loop,
 * read from the clock the program names: the thread's CPU time where the
 * work is all in the process (the machine is shared, and wall time would
 * price the other tenants too), wall-clock where a server does part of it.
 */
#ifndef NITRO_BENCH_COMMON_H
#define NITRO_BENCH_COMMON_H

#include <stdlib.h>
#include <time.h>

/* At most this many rounds; a program asked for more or fewer than 1
 * runs BENCH_ROUNDS_DEFAULT. */
#define BENCH_ROUNDS_MAX 50
#define BENCH_ROUNDS_DEFAULT 7

static inline double bench_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n-1] (sorts v). */
static inline double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
	return v[n / 2];
}

/* The rounds asked for on the command line (arg may be NULL). */
static inline int bench_rounds(const char *arg)
{
	int rounds = arg ? atoi(arg) : BENCH_ROUNDS_DEFAULT;

	return rounds < 1 || rounds > BENCH_ROUNDS_MAX ? BENCH_ROUNDS_DEFAULT : rounds;
}

#endif
