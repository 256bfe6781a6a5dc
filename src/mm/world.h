/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A world is one simulated machine: its configuration, its slab caches, its
 * address spaces, its page cache and its rmap design. Worlds share nothing,
 * so a test program may run several side by side.
 */
#ifndef ANONRMAP_WORLD_H
#define ANONRMAP_WORLD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "lib/fault_inject.h"
#include "lib/list.h"
#include "lib/slab.h"
#include "mm/anon_rmap.h"
#include "mm/mm_types.h"

#define PMD_ORDER 9

enum world_cache {
	CACHE_VMA,
	CACHE_ANON_VMA,
	CACHE_AVC,
	CACHE_FOLIO,
	NR_WORLD_CACHES,
};

/*
 * Every place the model allocates something the kernel allocates, and so
 * can fail (lib/fault_inject.h). The slab caches come first, in the order
 * of enum world_cache.
 */
enum world_fault_site {
	FAULT_VMA,		/* vm_area_alloc(), vm_area_dup() */
	FAULT_ANON_VMA,		/* anon_vma_alloc() */
	FAULT_AVC,		/* anon_vma_chain_alloc() */
	FAULT_FOLIO,		/* an order-0 folio: fault, CoW, migration, page cache */
	FAULT_LARGE,		/* a large folio: THP or mTHP fault (falls back) */
	FAULT_PGD,		/* page-table levels, as pgd/pud/pmd/pte_alloc() */
	FAULT_PUD,
	FAULT_PMD,
	FAULT_PTE,
	FAULT_MM,		/* the child's mm_struct in fork */
	FAULT_MUNMAP_DETACH,	/* the detached-VMA tree of munmap (mas_detach) */
	FAULT_COW_CONTEXT,	/* cowctx: mm_init_cow_context() */
	NR_FAULT_SITES,
};
extern const char *const world_fault_sites[NR_FAULT_SITES];

_Static_assert((int)FAULT_VMA == (int)CACHE_VMA && (int)FAULT_FOLIO == (int)CACHE_FOLIO,
	       "a slab cache's fault site is its cache index");

struct world {
	const struct anon_rmap_ops *rmap;
	/* the kernel configuration (struct anonrmap_config has the why) */
	bool zero_page;			/* read faults map the shared zero page */
	bool huge_zero_page;		/* ... and a PMD-sized one where a THP could go */
	int thp;			/* enum anonrmap_thp */
	int mthp[PMD_ORDER + 1];	/* enum anonrmap_mthp, by folio order */
	unsigned long max_map_count;
	unsigned long fault_around_pages;	/* 16: 64 KiB, as on our machines */
	struct kmem_cache caches[NR_WORLD_CACHES];
	/*
	 * mm_alloc() appends under mmlist_lock while other threads walk the
	 * list; an mm_struct stays on it until the world goes, exited or not,
	 * so a pointer to one never dangles.
	 */
	spinlock_t mmlist_lock;
	struct list_head mms;		/* every mm ever created, creation order */
	unsigned int nr_mms;		/* mmlist_lock */
	/*
	 * The LRU: every live folio, with its lock. Reclaim and migration
	 * isolate folios from it with folio_try_get() under the lock, as
	 * isolate_lru_folio() does, and a folio leaves it under the lock
	 * before it is freed.
	 */
	spinlock_t lru_lock;
	struct list_head folios;
	unsigned long nr_folios;	/* lru_lock */
	unsigned long folio_serial;	/* lru_lock */
	unsigned long anon_vma_gen;	/* atomic; anon_vma->gen */
	/*
	 * Held across every public call when the design is not concurrent
	 * (anon_rmap_ops.concurrent): its own structures have no locks, so
	 * its world is driven one call at a time, whatever the threads.
	 */
	pthread_mutex_t serial_lock;
	/* anonrmap_world_set_race_report(): NULL aborts on the first report */
	void (*race_report)(const char *violation, void *arg);
	void *race_arg;
	/*
	 * The zero page is not a slab object in the kernel, so it comes from a
	 * cache of its own that no figure reports.
	 */
	struct kmem_cache zero_cache;
	struct folio *zero_folio;
	/* large folios' shared counts live in struct page in the kernel: no slab */
	struct kmem_cache large_cache;
	/* cowctx's contexts: kmalloc-96 in the kernel, and a census for the checker */
	struct kmem_cache cow_context_cache;
	struct list_head cow_contexts;
	struct file **files;
	unsigned int nr_files;
	struct fault_attr fail;
};

static inline struct fault_attr *world_fail(struct world *w)
{
	return &w->fail;
}

#define vm_area_cachep(w) (&(w)->caches[CACHE_VMA])
#define anon_vma_cachep(w) (&(w)->caches[CACHE_ANON_VMA])
#define anon_vma_chain_cachep(w) (&(w)->caches[CACHE_AVC])
#define folio_cachep(w) (&(w)->caches[CACHE_FOLIO])

struct world *world_create(const struct anon_rmap_ops *rmap, bool zero_page,
			   const size_t kernel_sizes[NR_WORLD_CACHES]);
void world_destroy(struct world *w);
/* Folios come from their world's folio cache, which sits inside the world. */
static inline struct world *folio_world(const struct folio *folio)
{
	return container_of(kmem_obj_cache(folio), struct world, caches[CACHE_FOLIO]);
}

static inline void world_enter(struct world *w)
{
	if (!w->rmap->concurrent)
		pthread_mutex_lock(&w->serial_lock);
}

static inline void world_leave(struct world *w)
{
	if (!w->rmap->concurrent)
		pthread_mutex_unlock(&w->serial_lock);
}

/* A check a concurrent walker makes failed: report it (rmap.h, race_report). */
void world_race(struct world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Poison freed anon_vmas and VMAs outside the fields a correct RCU reader
 * may touch (the SLAB_TYPESAFE_BY_RCU caches), so a reader that skips a
 * re-check reads POISON_FREE. On by default except for designs whose
 * lookups read freed objects as posted (anon_rmap_ops.typesafe_reads);
 * stress turns it on for every design. Objects freed before the switch
 * keep the state they were freed in.
 */
void world_set_typesafe_poison(struct world *w, bool on);
/* The world's caches as /proc/slabinfo shows a kernel's. */
void world_slabinfo(const struct world *w, FILE *out);

#endif
