/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ANONRMAP_BENCH_CLOCK_H
#define ANONRMAP_BENCH_CLOCK_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC: wall time, unaffected by clock changes. */
static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
