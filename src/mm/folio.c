// SPDX-License-Identifier: GPL-2.0-only
/*
 * Folio lifetime: the reference count decides when a folio is freed, as in
 * the kernel, so a folio that an rmap bug leaves mapped somewhere stays alive
 * and the checker can still find it.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include "lib/atomic.h"

#include "lib/preempt.h"
#include "mm/internal.h"
#include "mm/world.h"

#ifdef ANONRMAP_LOCKDEP
static const struct lock_class_key folio_lock_key = { "folio_lock", LOCK_RANK_FOLIO };
#endif

/* @large: the large folio this page is part of, set before anyone can see it */
static struct folio *folio_alloc_page(struct world *w, enum folio_kind kind,
				      struct folio_large *large)
{
	struct folio *folio = kmem_cache_alloc(folio_cachep(w));

	if (!folio)
		return NULL;
	folio->kind = kind;
	folio->refcount = 1;
	folio->large = large;
	if (large) {
		atomic_inc(&large->refcount);
		atomic_inc(&large->nr_pages_live);
	}
#ifdef ANONRMAP_LOCKDEP
	lockdep_init_map(&folio->lock_dep_map, &folio_lock_key);
#endif
	/* published by the lock: an isolating thread sees the folio whole */
	spin_lock(&w->lru_lock);
	folio->serial = ++w->folio_serial;
	list_add_tail(&folio->lru, &w->folios);
	w->nr_folios++;
	spin_unlock(&w->lru_lock);
	return folio;
}

static struct folio *folio_alloc(struct world *w, enum folio_kind kind)
{
	return folio_alloc_page(w, kind, NULL);
}

struct folio *folio_alloc_anon(struct world *w)
{
	return folio_alloc(w, FOLIO_ANON);
}

static const struct lock_class_key large_mapcount_key = {
	"folio_lock_large_mapcount", LOCK_RANK_LARGE_MAPCOUNT
};

static int alloc_large_pages(struct world *w, unsigned int order, struct folio **pages)
{
	unsigned long nr = 1UL << order;
	struct folio_large *l = NULL;

	if (order) {
		l = kmem_cache_alloc(&w->large_cache);
		if (!l)
			return -ENOMEM;
		*l = (struct folio_large){ .order = order };
		spin_lock_init(&l->mapcount_lock, &large_mapcount_key);
#ifdef ANONRMAP_LOCKDEP
		lockdep_init_map(&l->lock_dep_map, &folio_lock_key);
#endif
	}
	for (unsigned long i = 0; i < nr; i++) {
		pages[i] = folio_alloc_page(w, FOLIO_ANON, l);
		if (!pages[i]) {
			/* the put of the last page built frees @l with it */
			if (l && !i)
				kmem_cache_free(&w->large_cache, l);
			while (i--)
				folio_put(pages[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * A large folio is one allocation in the kernel (vma_alloc_anon_folio_pmd(),
 * alloc_anon_folio()), so one decision says whether it fails, at the
 * large_folio site; the base pages the model builds it from are no failure
 * points of their own. Its failure makes the fault fall back to a smaller
 * order.
 */
int folio_alloc_anon_large(struct world *w, unsigned int order, struct folio **pages)
{
	int err;

	if (!order)
		return alloc_large_pages(w, order, pages);
	if (should_fail(world_fail(w), FAULT_LARGE))
		return -ENOMEM;
	fault_suspend(world_fail(w));
	err = alloc_large_pages(w, order, pages);
	fault_resume(world_fail(w));
	return err;
}

struct folio *folio_alloc_file(struct world *w, struct file *file, pgoff_t index)
{
	struct folio *folio = folio_alloc(w, FOLIO_FILE);

	if (folio) {
		folio->mapping = (unsigned long)file;
		folio->index = index;
	}
	return folio;
}

struct folio *folio_alloc_zero(struct world *w)
{
	struct folio *folio = kmem_cache_alloc(&w->zero_cache);

	if (folio) {
		folio->kind = FOLIO_ZERO;
		folio->refcount = 1;
		INIT_LIST_HEAD(&folio->lru);	/* not on w->folios: never freed by a put */
	}
	return folio;
}


/*
 * PG_locked. A waiter yields instead of sleeping on the folio's wait queue;
 * the model has no I/O to wait for, so the lock is only ever held briefly.
 */
/* A large folio has one lock, as the kernel's: its pages share it. */
static int *folio_lock_word(struct folio *folio)
{
	return folio->large ? &folio->large->locked : &folio->locked;
}

#ifdef ANONRMAP_LOCKDEP
static struct lockdep_map *folio_dep_map(struct folio *folio)
{
	return folio->large ? &folio->large->lock_dep_map : &folio->lock_dep_map;
}
#endif

bool folio_test_locked(struct folio *folio)
{
	return __atomic_load_n(folio_lock_word(folio), __ATOMIC_RELAXED);
}

bool folio_trylock(struct folio *folio)
{
	preempt_point();
	if (atomic_cmpxchg(folio_lock_word(folio), 0, 1) != 0)
		return false;
#ifdef ANONRMAP_LOCKDEP
	lock_acquire(folio_dep_map(folio), 0, true, false);
#endif
	return true;
}

void folio_lock(struct folio *folio)
{
#ifdef ANONRMAP_LOCKDEP
	lock_acquire(folio_dep_map(folio), 0, false, false);
#endif
	preempt_point();
	while (atomic_cmpxchg(folio_lock_word(folio), 0, 1) != 0)
		sched_yield();
}

void folio_unlock(struct folio *folio)
{
#ifdef ANONRMAP_LOCKDEP
	lock_release(folio_dep_map(folio));
#endif
	/* release: what the holder wrote is seen by the next to lock it */
	__atomic_store_n(folio_lock_word(folio), 0, __ATOMIC_RELEASE);
	preempt_point();
}

void folio_get(struct folio *folio)
{
	preempt_point();
	atomic_inc(&folio->refcount);
	if (folio->large)
		atomic_inc(&folio->large->refcount);
}

/*
 * folio_try_get(): for a thread that found the folio without holding a
 * reference (on the LRU, or in another mm's page table under its lock): a
 * folio whose count reached zero is being freed and is not revived.
 */
bool folio_try_get(struct folio *folio)
{
	preempt_point();
	if (!atomic_inc_not_zero(&folio->refcount))
		return false;
	if (folio->large)
		atomic_inc(&folio->large->refcount);
	return true;
}

void folio_put(struct folio *folio)
{
	struct folio_large *l = folio->large;
	struct world *w;

	preempt_point();
	if (l)
		atomic_dec(&l->refcount);
	if (atomic_sub_return(&folio->refcount, 1) > 0)
		return;
	w = folio_world(folio);
	if (folio->kind == FOLIO_ANON && w->rmap->folio_free)
		w->rmap->folio_free(folio);
	spin_lock(&w->lru_lock);
	list_del(&folio->lru);
	w->nr_folios--;
	spin_unlock(&w->lru_lock);
	folio->large = NULL;
	kmem_cache_free(kmem_obj_cache(folio), folio);
	if (l && atomic_sub_return(&l->nr_pages_live, 1) == 0) {
		spin_lock_destroy(&l->mapcount_lock);
		kmem_cache_free(kmem_obj_cache(l), l);
	}
}
