/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * spinlock_t with the kernel's calls, on a pthread mutex: a waiter sleeps
 * instead of spinning, which only matters for speed, and ThreadSanitizer
 * understands it.
 */
#ifndef ANONRMAP_SPINLOCK_H
#define ANONRMAP_SPINLOCK_H

#include <pthread.h>
#include <stdbool.h>

#include "lib/lockdep.h"
#include "lib/preempt.h"

typedef struct spinlock {
	pthread_mutex_t lock;
	struct lockdep_map dep_map;
} spinlock_t;

static inline void spin_lock_init(spinlock_t *l, const struct lock_class_key *key)
{
	pthread_mutex_init(&l->lock, NULL);
	lockdep_init_map(&l->dep_map, key);
}

static inline void spin_lock_destroy(spinlock_t *l)
{
	pthread_mutex_destroy(&l->lock);
}

static inline void spin_lock_nested(spinlock_t *l, unsigned int subclass)
{
	preempt_point();
#ifdef ANONRMAP_LOCKDEP
	lock_acquire(&l->dep_map, subclass, false, false);
#endif
	pthread_mutex_lock(&l->lock);
}

static inline void spin_lock(spinlock_t *l)
{
	spin_lock_nested(l, 0);
}

static inline bool spin_trylock(spinlock_t *l)
{
	preempt_point();
	if (pthread_mutex_trylock(&l->lock))
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
	pthread_mutex_unlock(&l->lock);
	preempt_point();
}

#define assert_spin_locked(l) lockdep_assert_held(l)

#endif
