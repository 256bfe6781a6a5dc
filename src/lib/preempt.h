/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Preemption points. Every lock, unlock, RCU read section and atomic
 * reference count of the synchronisation layer passes through one, so a
 * stress run can widen race windows by yielding there, and a deterministic
 * scheduler could later take each of them over. When jitter is off a point
 * costs one relaxed load and a branch that is never taken.
 */
#ifndef ANONRMAP_PREEMPT_H
#define ANONRMAP_PREEMPT_H

#include <stdint.h>

extern unsigned int preempt_jitter_per_mille;

void preempt_point_slow(void);
void preempt_set_jitter(unsigned int per_mille, uint64_t seed);

static inline void preempt_point(void)
{
	if (__builtin_expect(__atomic_load_n(&preempt_jitter_per_mille, __ATOMIC_RELAXED), 0))
		preempt_point_slow();
}

#endif
