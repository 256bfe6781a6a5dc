// SPDX-License-Identifier: GPL-2.0-only
#include "lib/preempt.h"

#include <sched.h>

unsigned int preempt_jitter_per_mille;
static uint64_t preempt_seed;
static unsigned int preempt_threads;

/*
 * Each thread draws from its own generator, seeded by the run's seed and
 * the order in which threads first reach a point: no shared state on the
 * hot path, so the jitter does not itself serialise the threads it mixes.
 */
static __thread uint64_t preempt_rng;

static uint64_t next_draw(void)
{
	if (!preempt_rng) {
		unsigned int nth = __atomic_add_fetch(&preempt_threads, 1, __ATOMIC_RELAXED);

		preempt_rng = (__atomic_load_n(&preempt_seed, __ATOMIC_RELAXED) ^
			       (0x9e3779b97f4a7c15ULL * nth)) | 1;
	}
	/* xorshift64*: cheap, and good enough to spread the yields */
	preempt_rng ^= preempt_rng >> 12;
	preempt_rng ^= preempt_rng << 25;
	preempt_rng ^= preempt_rng >> 27;
	return preempt_rng * 0x2545f4914f6cdd1dULL;
}

void preempt_point_slow(void)
{
	unsigned int per_mille = __atomic_load_n(&preempt_jitter_per_mille, __ATOMIC_RELAXED);

	if (next_draw() % 1000 < per_mille)
		sched_yield();
}

void preempt_set_jitter(unsigned int per_mille, uint64_t seed)
{
	__atomic_store_n(&preempt_seed, seed, __ATOMIC_RELAXED);
	__atomic_store_n(&preempt_jitter_per_mille, per_mille > 1000 ? 1000 : per_mille,
			 __ATOMIC_RELAXED);
}
