// SPDX-License-Identifier: GPL-2.0-only
#include "lib/preempt.h"

#include <sched.h>
#include <time.h>

unsigned int preempt_jitter_per_mille;
/* lib/atomic.h's smp_mb() target: one per thread, so no line bounces */
__thread int smp_mb_word;
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

/*
 * Half the hits yield, half sleep a few microseconds: a yield only lets a
 * thread waiting for this CPU in, while a sleep also leaves the threads on
 * the other CPUs time to finish a whole operation (an exit, a munmap) inside
 * the window this thread was in the middle of.
 */
void preempt_point_slow(void)
{
	unsigned int per_mille = __atomic_load_n(&preempt_jitter_per_mille, __ATOMIC_RELAXED);
	uint64_t draw = next_draw();

	if (draw % 1000 >= per_mille)
		return;
	draw /= 1000;
	if (draw & 1) {
		sched_yield();
	} else {
		struct timespec ts = { 0, (long)(1000 + (draw >> 1) % 20000) };

		nanosleep(&ts, NULL);
	}
}

void preempt_set_jitter(unsigned int per_mille, uint64_t seed)
{
	__atomic_store_n(&preempt_seed, seed, __ATOMIC_RELAXED);
	__atomic_store_n(&preempt_jitter_per_mille, per_mille > 1000 ? 1000 : per_mille,
			 __ATOMIC_RELAXED);
}
