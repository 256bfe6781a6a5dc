// SPDX-License-Identifier: GPL-2.0-only
/*
 * Folio lifetime: the reference count decides when a folio is freed, as in
 * the kernel, so a folio that an rmap bug leaves mapped somewhere stays alive
 * and the checker can still find it.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <urcu/uatomic.h>

#include "mm/internal.h"

static struct folio *folio_alloc(struct world *w, enum folio_kind kind)
{
	struct folio *folio = kmem_cache_alloc(folio_cachep(w));

	if (!folio)
		return NULL;
	folio->kind = kind;
	folio->refcount = 1;
	folio->serial = ++w->folio_serial;
	list_add_tail(&folio->lru, &w->folios);
	return folio;
}

struct folio *folio_alloc_anon(struct world *w)
{
	return folio_alloc(w, FOLIO_ANON);
}

static int alloc_large_pages(struct world *w, unsigned int order, struct folio **pages)
{
	unsigned long nr = 1UL << order;
	struct folio_large *l = NULL;

	if (order) {
		l = kmem_cache_alloc(&w->large_cache);
		if (!l)
			return -ENOMEM;
		*l = (struct folio_large){ .order = order };
	}
	for (unsigned long i = 0; i < nr; i++) {
		pages[i] = folio_alloc_anon(w);
		if (!pages[i]) {
			/* the put of the last page built frees @l with it */
			if (l && !i)
				kmem_cache_free(&w->large_cache, l);
			while (i--)
				folio_put(pages[i]);
			return -ENOMEM;
		}
		if (l) {
			pages[i]->large = l;
			l->refcount++;
			l->nr_pages_live++;
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

#ifdef ANONRMAP_LOCKDEP
static const struct lock_class_key folio_lock_key = { "folio_lock", LOCK_RANK_FOLIO };
#endif

/*
 * PG_locked. A waiter yields instead of sleeping on the folio's wait queue;
 * the model has no I/O to wait for, so the lock is only ever held briefly.
 */
bool folio_trylock(struct folio *folio)
{
	if (uatomic_cmpxchg(&folio->locked, 0, 1) != 0)
		return false;
#ifdef ANONRMAP_LOCKDEP
	folio->lock_dep_map.key = &folio_lock_key;
	lock_acquire(&folio->lock_dep_map, 0, true, false);
#endif
	return true;
}

void folio_lock(struct folio *folio)
{
#ifdef ANONRMAP_LOCKDEP
	folio->lock_dep_map.key = &folio_lock_key;
	lock_acquire(&folio->lock_dep_map, 0, false, false);
#endif
	while (uatomic_cmpxchg(&folio->locked, 0, 1) != 0)
		sched_yield();
}

void folio_unlock(struct folio *folio)
{
#ifdef ANONRMAP_LOCKDEP
	lock_release(&folio->lock_dep_map);
#endif
	uatomic_set(&folio->locked, 0);
}

void folio_get(struct folio *folio)
{
	folio->refcount++;
	if (folio->large)
		folio->large->refcount++;
}

void folio_put(struct folio *folio)
{
	struct folio_large *l = folio->large;

	if (l)
		l->refcount--;
	if (--folio->refcount > 0)
		return;
	if (folio->kind == FOLIO_ANON && folio_world(folio)->rmap->folio_free)
		folio_world(folio)->rmap->folio_free(folio);
	list_del(&folio->lru);
	folio->large = NULL;
	kmem_cache_free(kmem_obj_cache(folio), folio);
	if (l && --l->nr_pages_live == 0)
		kmem_cache_free(kmem_obj_cache(l), l);
}
