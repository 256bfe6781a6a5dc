/* SPDX-License-Identifier: GPL-2.0-only */
/* The benchmark's PRNG: splitmix64, seedable with any value, identical everywhere. */
#ifndef ANONRMAP_BENCH_RNG_H
#define ANONRMAP_BENCH_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]; the modulo bias is irrelevant at these ranges. */
static inline unsigned int rnd(struct rng *r, unsigned int lo, unsigned int hi)
{
	return lo + (unsigned int)(rng_next(r) % ((uint64_t)hi - lo + 1));
}

static inline bool chance(struct rng *r, unsigned int percent)
{
	return rnd(r, 0, 99) < percent;
}

#endif
