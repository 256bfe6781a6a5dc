/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * spinlock_t with the kernel's calls: a test-and-set lock on a C11 atomic.
 * Uncontended, a lock and an unlock are one atomic exchange and one store,
 * which the fault path pays for its PTE lock, slab and LRU locks; a
 * pthread mutex costs two atomics and two calls. ThreadSanitizer sees the
 * acquire and the release. A waiter spins a little and then yields: with
 * more threads than CPUs the holder may be the one waiting for the CPU.
 */
#ifndef ANONRMAP_SPINLOCK_H
#define ANONRMAP_SPINLOCK_H

#include <stdbool.h>

#include "lib/lockdep.h"
#include "lib/preempt.h"

typedef struct spinlock {
	int locked;
	struct lockdep_map dep_map;
} spinlock_t;

void spin_lock_contended(int *locked);

static inline void spin_lock_init(spinlock_t *l, const struct lock_class_key *key)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELAXED);
	lockdep_init_map(&l->dep_map, key);
}

/* Nothing to give back; kept so that every init has its pair. */
static inline void spin_lock_destroy(spinlock_t *l)
{
	(void)l;
}

static inline void spin_lock_nested(spinlock_t *l, unsigned int subclass)
{
	preempt_point();
#ifdef ANONRMAP_LOCKDEP
	lock_acquire(&l->dep_map, subclass, false, false);
#else
	(void)subclass;
#endif
	if (__builtin_expect(__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE), 0))
		spin_lock_contended(&l->locked);
}

static inline void spin_lock(spinlock_t *l)
{
	spin_lock_nested(l, 0);
}

static inline bool spin_trylock(spinlock_t *l)
{
	preempt_point();
	if (__atomic_load_n(&l->locked, __ATOMIC_RELAXED) ||
	    __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		return false;
#ifdef ANONRMAP_LOCKDEP
	lock_acquire(&l->dep_map, 0, true, false);
#endif
	return true;
}

static inline void spin_unlock(spinlock_t *l)
{
#ifdef ANONRMAP_LOCKDEP
	lock_release(&l->dep_map);
#endif
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	preempt_point();
}

#define assert_spin_locked(l) lockdep_assert_held(l)

#endif
