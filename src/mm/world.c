// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <anonrmap/world.h>

#include "mm/internal.h"
#include "mm/world.h"
#include "mm/cow_context.h"
#include "mm/rmap.h"

const char *const world_fault_sites[NR_FAULT_SITES] = {
	[FAULT_VMA] = "vm_area_struct",
	[FAULT_ANON_VMA] = "anon_vma",
	[FAULT_AVC] = "anon_vma_chain",
	[FAULT_FOLIO] = "folio",
	[FAULT_LARGE] = "large_folio",
	[FAULT_PGD] = "pgd",
	[FAULT_PUD] = "pud",
	[FAULT_PMD] = "pmd",
	[FAULT_PTE] = "pte",
	[FAULT_MM] = "mm_struct",
	[FAULT_MUNMAP_DETACH] = "munmap_detach",
	[FAULT_COW_CONTEXT] = "cow_context",
};

static const struct lock_class_key mmlist_lock_key = { "mmlist_lock", LOCK_RANK_LEAF };
static const struct lock_class_key lru_lock_key = { "lru_lock", LOCK_RANK_LRU };
/*
 * The fields of a freed anon_vma that a correct RCU reader still touches:
 * the rwsem and refcount anon_vma_ctor() sets up, which a reader takes
 * (folio_lock_anon_vma_read()) or tries (folio_get_anon_vma()'s
 * refcount_inc_not_zero) before it knows the object is still the one it
 * wanted, and ->root, which folio_lock_anon_vma_read() follows before its
 * re-check of folio_mapped().
 */
static const struct kmem_range anon_vma_kept[] = {
	KMEM_FIELD(struct anon_vma, root),
	KMEM_FIELD(struct anon_vma, rwsem),
	KMEM_FIELD(struct anon_vma, refcount),
};

/*
 * 6.18's VMA cache has no constructor. Its lockless reader,
 * lock_vma_under_rcu(), reads vm_lock_seq and tries vm_refcnt
 * (vma_start_read()) on what may be a freed VMA, and looks at anything else
 * (vm_mm, the range) only once that count is held (mm/vma_lock.h); lazy's
 * vma_get() tries vm_lazy_refs the same way. A freed VMA is detached, so
 * its vm_refcnt is zero and stays so for its next owner.
 */
static const struct kmem_range vm_area_kept[] = {
	KMEM_FIELD(struct vm_area_struct, vm_lazy_refs),
	KMEM_FIELD(struct vm_area_struct, vm_lock_seq),
	KMEM_FIELD(struct vm_area_struct, vm_refcnt),
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* As anon_vma_init() and vma_state_init() create them in 6.18; no other cache is. */
static void world_make_typesafe(struct world *w)
{
	kmem_cache_typesafe_by_rcu(anon_vma_cachep(w), anon_vma_kept, ARRAY_LEN(anon_vma_kept));
	kmem_cache_typesafe_by_rcu(vm_area_cachep(w), vm_area_kept, ARRAY_LEN(vm_area_kept));
}

void world_set_typesafe_poison(struct world *w, bool on)
{
	vm_area_cachep(w)->poison = on;
	anon_vma_cachep(w)->poison = on;
}

struct world *world_create(const struct anon_rmap_ops *rmap, bool zero_page,
			   const size_t kernel_sizes[NR_WORLD_CACHES])
{
	struct world *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->rmap = rmap;
	w->zero_page = zero_page;
	/* the rest of the kernel configuration as upstream has it */
	w->huge_zero_page = true;
	w->thp = ANONRMAP_THP_ALWAYS;
	w->mthp[PMD_ORDER] = ANONRMAP_MTHP_INHERIT;
	w->max_map_count = 65530;
	w->fault_around_pages = 16;
	INIT_LIST_HEAD(&w->mms);
	INIT_LIST_HEAD(&w->folios);
	spin_lock_init(&w->mmlist_lock, &mmlist_lock_key);
	spin_lock_init(&w->lru_lock, &lru_lock_key);
	pthread_mutex_init(&w->serial_lock, NULL);
	kmem_cache_init(vm_area_cachep(w), "vm_area_struct", sizeof(struct vm_area_struct),
			kernel_sizes[CACHE_VMA], NULL);
	kmem_cache_init(anon_vma_cachep(w), "anon_vma", sizeof(struct anon_vma),
			kernel_sizes[CACHE_ANON_VMA], anon_vma_ctor);
	kmem_cache_init(anon_vma_chain_cachep(w), "anon_vma_chain",
			sizeof(struct anon_vma_chain), kernel_sizes[CACHE_AVC], NULL);
	kmem_cache_init(folio_cachep(w), "folio", sizeof(struct folio),
			kernel_sizes[CACHE_FOLIO], NULL);
	fault_attr_init(&w->fail, world_fault_sites, NR_FAULT_SITES);
	/* the zero page is no allocation an operation makes: it never fails */
	for (int i = 0; i < NR_WORLD_CACHES; i++) {
		w->caches[i].fail = &w->fail;
		w->caches[i].fail_site = i;
	}
	kmem_cache_init(&w->zero_cache, "zero_page", sizeof(struct folio), 0, NULL);
	kmem_cache_init(&w->large_cache, "large_folio", sizeof(struct folio_large), 0, NULL);
	kmem_cache_init(&w->cow_context_cache, "cow_context", sizeof(struct cow_context), 96, NULL);
	w->cow_context_cache.fail = &w->fail;
	w->cow_context_cache.fail_site = FAULT_COW_CONTEXT;
	INIT_LIST_HEAD(&w->cow_contexts);
	for (int i = 0; i < NR_WORLD_CACHES; i++)
		w->caches[i].poison = true;
	w->large_cache.poison = true;
	world_make_typesafe(w);
	/*
	 * A design whose lookups read freed VMAs and anon_vmas as posted
	 * (lazy) would read poison on the way to its own re-checks: poison
	 * them only when asked (world_set_typesafe_poison()).
	 */
	world_set_typesafe_poison(w, !rmap->typesafe_reads);
	w->zero_folio = folio_alloc_zero(w);
	if (!w->zero_folio) {
		world_destroy(w);
		return NULL;
	}
	return w;
}

void world_destroy(struct world *w)
{
	struct mm_struct *mm, *next;

	list_for_each_entry_safe(mm, next, &w->mms, mmlist) {
		if (!mm->exited)
			exit_mmap(mm);
		mm_free(mm);
	}
	for (unsigned int i = 0; i < w->nr_files; i++)
		file_destroy(w->files[i]);
	free(w->files);
	for (int i = 0; i < NR_WORLD_CACHES; i++)
		kmem_cache_destroy(&w->caches[i]);
	kmem_cache_destroy(&w->zero_cache);
	kmem_cache_destroy(&w->large_cache);
	kmem_cache_destroy(&w->cow_context_cache);
	spin_lock_destroy(&w->lru_lock);
	spin_lock_destroy(&w->mmlist_lock);
	pthread_mutex_destroy(&w->serial_lock);
	free(w);
}

/* In name order, so that slabinfo of two runs lines up line by line. */
void world_slabinfo(const struct world *w, FILE *out)
{
	static const enum world_cache order[] = {
		CACHE_ANON_VMA, CACHE_AVC, CACHE_FOLIO, CACHE_VMA,
	};

	slabinfo_header(out);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		kmem_cache_slabinfo(&w->caches[order[i]], out);
}

void world_race(struct world *w, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->race_report) {
		w->race_report(msg, w->race_arg);
		return;
	}
	fprintf(stderr, "anonrmap: race: %s\n", msg);
	abort();
}
