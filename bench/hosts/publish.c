/*
 * bench/hosts/publish: how many events a second the store's transport
 * takes from several publishers at once, as the workers of several hosts
 * publish.  Public API only.
 *
 *   NITRO_DB=WHERE publish THREADS SECONDS
 *
 * Each thread publishes small events on bench.pub in a loop, one
 * transaction each (its own connection, as a worker thread has), for
 * SECONDS.  On PostgreSQL every publish takes the ordering guard that
 * keeps ids in commit order, so this is the rate the guard allows.
 * Prints "publishes N", "seconds S" and "per_s R".
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <nitro.h>

#define THREADS_MAX 64

static nitro_transport *transport;
static double stop_at;
static _Atomic long published, failed;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *publisher(void *arg)
{
	char json[64];
	long n = 0;

	for (long k = 0; now_s() < stop_at; k++) {
		snprintf(json, sizeof json, "{\"thread\":%d,\"k\":%ld}", (int)(intptr_t)arg, k);
		if (nitro_publish(transport, "bench.pub", json, NULL) == 0)
			n++;
		else if (atomic_fetch_add(&failed, 1) == 0)
			fprintf(stderr, "publish: %s\n", nitro_errmsg());
	}
	atomic_fetch_add(&published, n);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *where = getenv("NITRO_DB");
	pthread_t tid[THREADS_MAX];
	int threads = argc == 3 ? atoi(argv[1]) : 0, seconds = argc == 3 ? atoi(argv[2]) : 0;
	nitro_repo *db;
	double t0;

	if (where == NULL || threads < 1 || threads > THREADS_MAX || seconds < 1) {
		fprintf(stderr, "usage: NITRO_DB=WHERE publish THREADS(1-64) SECONDS\n");
		return 2;
	}
	if ((db = nitro_db_open(where, NULL)) == NULL ||
	    (transport = nitro_db_transport(db)) == NULL) {
		fprintf(stderr, "publish: %s: %s\n", where, nitro_errmsg());
		return 1;
	}
	t0 = now_s();
	stop_at = t0 + seconds;
	for (int i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, publisher, (void *)(intptr_t)i);
	for (int i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	t0 = now_s() - t0;
	printf("publishes %ld\nfailed %ld\nseconds %.2f\nper_s %.0f\n", atomic_load(&published),
	    atomic_load(&failed), t0, (double)atomic_load(&published) / t0);
	nitro_transport_free(transport);
	nitro_repo_free(db);
	return atomic_load(&failed) > 0 ? 1 : 0;
}
