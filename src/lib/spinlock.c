// SPDX-License-Identifier: GPL-2.0-only
#include "lib/spinlock.h"

#include <sched.h>

/* Spins before a waiter gives its CPU away: about a microsecond. */
#define SPIN_BEFORE_YIELD 128

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Wait on a plain load, so waiters do not bounce the line with exchanges. */
void spin_lock_contended(int *locked)
{
	unsigned int spins = 0;

	do {
		while (__atomic_load_n(locked, __ATOMIC_RELAXED)) {
			if (++spins < SPIN_BEFORE_YIELD) {
				cpu_relax();
			} else {
				spins = 0;
				sched_yield();
			}
		}
	} while (__atomic_exchange_n(locked, 1, __ATOMIC_ACQUIRE));
}
