/*
 * The monotonic clock in milliseconds: deadlines, timeouts and ages
 * (never wall time, which jumps).  Inline so that every layer and a
 * signal handler (clock_gettime is async-signal-safe) can read it.
 */
#ifndef NITRO_CORE_CLOCK_H
#define NITRO_CORE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t nitro__now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
