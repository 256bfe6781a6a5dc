/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Slab caches with the kernel's accounting (mm/slub.c, seen from outside).
 *
 * Objects are never returned to malloc while the cache lives: a freed object
 * goes back on its cache's free list and may be handed out again at once.
 * Each object carries a header saying whether it is allocated, so the
 * checker can tell a pointer to a freed object from a live one instead of
 * crashing on it. Any thread may allocate and free on any cache at the same
 * time: one lock per cache, a leaf, guards the free list and the counters.
 *
 * Most caches are ordinary: a freed object is nobody's, and a cache with
 * poison set fills it with POISON_FREE, checks on reuse that nothing wrote
 * it since (abort if so), and under ASan marks it unaddressable until then,
 * so a read of freed memory shows too.
 *
 * A cache made SLAB_TYPESAFE_BY_RCU (kmem_cache_typesafe_by_rcu()) is what
 * 6.18 makes of anon_vma and vm_area_struct: an RCU reader may still hold a
 * pointer to an object that was freed and even handed out again, to another
 * owner, and must re-check what it found once it holds a lock or a
 * reference. So the constructor runs once in the object's life in the
 * cache, never on reuse (the lock it set up may be held by such a reader),
 * and the cache names the fields a correct reader may touch on a freed
 * object: poison leaves those alone, and poisons only the rest. A reader
 * that skips its re-check then reads POISON_FREE, or trips ASan.
 */
#ifndef ANONRMAP_SLAB_H
#define ANONRMAP_SLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/fault_inject.h"
#include "lib/spinlock.h"

#define POISON_FREE 0x6b	/* the kernel's byte for freed slab memory */

/* Bytes [offset, offset + size) of an object. */
struct kmem_range {
	size_t offset, size;
};

#define KMEM_FIELD(type, member) \
	((struct kmem_range){ offsetof(type, member), sizeof(((type *)0)->member) })

/* At most this many kept fields per cache, so the cache needs no allocation. */
#define KMEM_MAX_KEEP 8

struct kmem_cache {
	const char *name;
	size_t size;		/* bytes of the simulated object */
	size_t kernel_size;	/* bytes the kernel's object costs, for KB figures */
	void (*ctor)(void *obj);	/* run once per object's first allocation */
	bool poison;		/* poison objects freed from now on; may be set any time */
	bool typesafe_by_rcu;	/* SLAB_TYPESAFE_BY_RCU: see above */
	/*
	 * The bytes poison, the write-after-free check and clearing on reuse
	 * act on, in address order: the whole object, or for a type-stable
	 * cache the gaps between its kept fields.
	 */
	struct kmem_range spans[KMEM_MAX_KEEP + 1];
	unsigned int nr_spans;
	/* failslab: NULL, or where this cache's allocations are counted */
	struct fault_attr *fail;
	int fail_site;
	/* lock guards everything below */
	spinlock_t lock;
	long live, peak, allocs, frees;
	void *freelist;
	void *chunks;		/* every chunk of objects ever made, to release at the end */
	char *fresh;		/* next never-used object of the newest chunk */
	size_t nr_fresh;	/* how many follow it */
};

void kmem_cache_init(struct kmem_cache *c, const char *name, size_t size,
		     size_t kernel_size, void (*ctor)(void *));
/*
 * Make @c SLAB_TYPESAFE_BY_RCU, before its first allocation. @keep lists the
 * fields an RCU reader may read or write on a freed object (the lock and
 * count the constructor set up, and what a reader looks at before its
 * re-check); they must cover every byte the constructor writes, which is
 * checked here (abort if not). Kept fields are neither poisoned nor cleared
 * on reuse: a reader may be touching them, atomically, at that moment, so
 * the owner's allocation helper resets them with atomic stores.
 */
void kmem_cache_typesafe_by_rcu(struct kmem_cache *c, const struct kmem_range *keep,
				unsigned int nr_keep);
/*
 * Frees every object, live or not. For a type-stable cache it first waits
 * for a grace period and for queued RCU callbacks, as the kernel's
 * kmem_cache_destroy() waits (rcu_barrier()) for the RCU-deferred freeing
 * of such a cache's slabs: a reader still inside a read-side section may
 * hold one of its objects.
 */
void kmem_cache_destroy(struct kmem_cache *c);
/*
 * The kernel's kmem_cache_alloc() does not zero (kmem_cache_zalloc() does).
 * The model clears an object without a constructor, because its allocation
 * helpers set only the fields that are not zero: vm_area_alloc() relies on
 * it as the kernel's vma_init() relies on its memset(), folio_alloc() as the
 * kernel relies on a struct page leaving the page allocator clean. An
 * object with a constructor keeps what it had, as in the kernel.
 */
void *kmem_cache_alloc(struct kmem_cache *c);
void kmem_cache_free(struct kmem_cache *c, void *obj);
bool kmem_obj_live(const void *obj);
/*
 * Freed, not handed out again yet, and its cache poisons: any field of it
 * outside the kept ones reads POISON_FREE. A stress callback asks this of
 * the object it was handed, to report a reader that used a freed object.
 */
bool kmem_obj_poisoned(const void *obj);
/*
 * /proc/slabinfo (version 2.1): the header, and one line per cache as SLUB
 * prints it, with the kernel's object size. Caches without one are skipped.
 */
void slabinfo_header(FILE *out);
void kmem_cache_slabinfo(const struct kmem_cache *c, FILE *out);
struct kmem_cache *kmem_obj_cache(const void *obj);

#endif
