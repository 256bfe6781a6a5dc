/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small lockdep: every lock belongs to a class with a rank in the one
 * lock hierarchy the model follows (docs/design.md, "Locks"), each thread
 * keeps the locks it holds, and taking a lock whose rank is not above every
 * held one is reported with both names. Trylocks are not ordered, as in the
 * kernel: they cannot deadlock. The assertions are the kernel's
 * (lockdep_assert_held() and friends); with ANONRMAP_LOCKDEP undefined they
 * and the tracking compile to nothing, so the fast path pays only for the
 * locks themselves.
 */
#ifndef ANONRMAP_LOCKDEP_H
#define ANONRMAP_LOCKDEP_H

#include <stdbool.h>

/*
 * The hierarchy, outermost first. The gaps leave room for locks the model
 * does not take yet (i_mmap_rwsem sits between the VMA lock and anon_vma).
 */
enum lock_rank {
	LOCK_RANK_MMAP_LOCK = 10,	/* mm->mmap_lock */
	LOCK_RANK_FOLIO = 20,		/* folio_lock() */
	LOCK_RANK_VMA = 30,		/* vma_start_write(), the per-VMA lock */
	LOCK_RANK_ANON_VMA = 50,	/* anon_vma->root->rwsem */
	LOCK_RANK_PTL = 60,		/* mm->page_table_lock, the PTE lock */
	LOCK_RANK_LARGE_MAPCOUNT = 70,	/* folio_lock_large_mapcount() */
	LOCK_RANK_LRU = 80,		/* the LRU lock, world->lru_lock */
	LOCK_RANK_LEAF = 90,		/* private locks that never nest */
};

struct lock_class_key {
	const char *name;
	enum lock_rank rank;
};

/* Embedded in every lock, as the kernel's dep_map. */
struct lockdep_map {
	const struct lock_class_key *key;
};

#define SINGLE_DEPTH_NESTING 1

void lockdep_init_map(struct lockdep_map *map, const struct lock_class_key *key);
/*
 * @subclass lets a thread hold two locks of one class, the second with a
 * higher subclass (fork locks the parent's and the child's page tables).
 */
void lock_acquire(struct lockdep_map *map, unsigned int subclass, bool trylock, bool read);
void lock_release(struct lockdep_map *map);
/* downgrade_write(): the held write lock is now held for reading. */
void lock_downgrade(struct lockdep_map *map);
/* 1 held for writing, 2 held for reading, 0 not held by this thread. */
int lock_held_type(const struct lockdep_map *map);
/* How many locks this thread holds (tests use it to prove a path let go). */
int lockdep_depth(void);

void lockdep_rcu_read_lock(void);
void lockdep_rcu_read_unlock(void);
bool rcu_read_lock_held(void);

/*
 * Where reports go: by default to stderr, then abort(), so a broken order
 * fails the test that found it. A test of lockdep itself catches them.
 */
typedef void (*lockdep_report_fn)(const char *msg, void *arg);
void lockdep_set_report(lockdep_report_fn fn, void *arg);
void lockdep_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#ifdef ANONRMAP_LOCKDEP
#define lockdep_assert(cond, what)                                                   \
	do {                                                                         \
		if (!(cond))                                                         \
			lockdep_report("%s:%d: %s: %s", __FILE__, __LINE__, __func__, what); \
	} while (0)
#else
#define lockdep_assert(cond, what) do { } while (0)
#endif

#define lockdep_assert_held(l) \
	lockdep_assert(lock_held_type(&(l)->dep_map) != 0, "lock " #l " not held")
#define lockdep_assert_held_write(l) \
	lockdep_assert(lock_held_type(&(l)->dep_map) == 1, "lock " #l " not held for writing")
#define lockdep_assert_held_read(l) \
	lockdep_assert(lock_held_type(&(l)->dep_map) == 2, "lock " #l " not held for reading")
#define lockdep_assert_not_held(l) \
	lockdep_assert(lock_held_type(&(l)->dep_map) == 0, "lock " #l " held")
#define lockdep_assert_in_rcu_read_lock() \
	lockdep_assert(rcu_read_lock_held(), "not in an RCU read-side section")

#endif
