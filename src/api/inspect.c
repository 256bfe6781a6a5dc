// SPDX-License-Identifier: GPL-2.0-only
/* Public API: inspection, rmap walks, slab counters, checker, observation. */
#include <errno.h>
#include <stdio.h>

#include <anonrmap/inspect.h>
#include <anonrmap/ops.h>

#include "api/mm_enter.h"
#include "mm/check.h"
#include "mm/internal.h"
#include "mm/world.h"
#include "scenario/observe_sim.h"

/* Under the mm's mmap_lock for reading: @fn must not change this mm. */
int anonrmap_vma_foreach(struct anonrmap_mm *p, anonrmap_vma_fn fn, void *arg)
{
	struct mm_struct *mm = mm_enter(p);
	int ret = 0;

	if (!mm)
		return -ESRCH;
	mmap_read_lock(mm);
	for (struct vm_area_struct *vma = vma_first(mm); vma && !ret; vma = vma_next(vma)) {
		struct anonrmap_vma_info info = {
			.start = vma->vm_start, .end = vma->vm_end, .pgoff = vma->vm_pgoff,
			.prot = (vma->vm_flags & VM_READ ? ANONRMAP_PROT_READ : 0) |
				(vma->vm_flags & VM_WRITE ? ANONRMAP_PROT_WRITE : 0) |
				(vma->vm_flags & VM_EXEC ? ANONRMAP_PROT_EXEC : 0),
			.vm_flags = vma->vm_flags, .file = vma->vm_file != NULL,
			.has_anon_rmap = mm->world->rmap->vma_has_anon(vma),
		};

		ret = fn(&info, arg);
	}
	mmap_read_unlock(mm);
	return mm_leave(mm, ret);
}

int anonrmap_page(struct anonrmap_mm *p, uint64_t addr, struct anonrmap_page_info *info)
{
	struct mm_struct *mm = mm_enter(p);
	pte_t *pte;
	struct folio *folio;

	if (!mm)
		return -ESRCH;
	*info = (struct anonrmap_page_info){ .kind = ANONRMAP_PAGE_NONE };
	/* a snapshot under the PTE lock: the folio may be gone by the return */
	spin_lock(&mm->page_table_lock);
	pte = pte_lookup(mm, addr & PAGE_MASK);
	if (pte && pte_present(*pte)) {
		folio = pte_folio(*pte);
		info->folio = (struct anonrmap_folio *)folio;
		info->writable = pte_write(*pte);
		info->mapcount = folio_mapcount(folio);
		info->index = folio->index;
		info->kind = is_zero_folio(folio) ? ANONRMAP_PAGE_ZERO :
			     folio_test_anon(folio) ? ANONRMAP_PAGE_ANON : ANONRMAP_PAGE_FILE;
	}
	spin_unlock(&mm->page_table_lock);
	return mm_leave(mm, 0);
}

struct walk_adapter {
	anonrmap_rmap_fn fn;
	void *arg;
};

static int walk_one(struct folio *folio, struct vm_area_struct *vma,
		    unsigned long address, void *arg)
{
	struct walk_adapter *a = arg;

	rmap_one_check(folio, vma, address);
	return a->fn((struct anonrmap_mm *)vma->vm_mm, address, a->arg);
}

/*
 * Any thread may walk: the anon rmap is locked as folio_referenced() locks
 * it, so the caller needs only a reference on the folio, not its mms'
 * mmap_locks. A folio no longer mapped has nothing to walk.
 */
int anonrmap_rmap_walk(struct anonrmap_folio *p, anonrmap_rmap_fn fn, void *arg)
{
	struct folio *folio = (struct folio *)p;
	struct walk_adapter a = { fn, arg };
	struct rmap_walk_control rwc = { .rmap_one = walk_one, .arg = &a,
					 .flags = RMAP_WALK_ANON_LOCK };

	struct world *w;
	int ret;

	if (!folio || !kmem_obj_live(folio) || !folio_test_anon(folio))
		return -EINVAL;
	w = folio_world(folio);
	world_enter(w);
	ret = w->rmap->walk(folio, &rwc);
	world_leave(w);
	return ret;
}

int anonrmap_slab_stats(struct anonrmap_world *world, enum anonrmap_cache cache,
			struct anonrmap_slab_stats *st)
{
	struct world *w = (struct world *)world;
	struct kmem_cache *c;

	if ((int)cache < 0 || (int)cache >= (int)NR_WORLD_CACHES)
		return -EINVAL;
	c = &w->caches[cache];
	st->name = c->name;
	st->live = c->live;
	st->peak = c->peak;
	st->allocs = c->allocs;
	st->frees = c->frees;
	st->object_bytes = c->kernel_size;
	st->live_kb = c->live * (double)c->kernel_size / 1024.0;
	st->peak_kb = c->peak * (double)c->kernel_size / 1024.0;
	return 0;
}

int anonrmap_design_object(struct anonrmap_world *world, unsigned int i,
			   struct anonrmap_design_object *obj)
{
	struct world *w = (struct world *)world;
	const struct anon_rmap_ops *ops = w->rmap;

	/* the observed ones (anon_vma, anon_vma_chain) are caches above */
	for (unsigned int c = 0; c < ops->nr_counters; c++) {
		const struct rmap_counter *rc = &ops->counters[c];

		if (rc->observed || i--)
			continue;
		obj->name = rc->name;
		obj->live = rc->count(w);
		obj->kb = (rc->bytes ? (double)rc->bytes(w) : (double)obj->live * rc->object_size) /
			  1024.0;
		return 0;
	}
	return -ENOENT;
}

int anonrmap_check(struct anonrmap_world *world, anonrmap_report_fn report, void *arg)
{
	return check_world((struct world *)world, report, arg);
}

static const char *default_name(unsigned int id, void *arg)
{
	static __thread char buf[16];

	snprintf(buf, sizeof(buf), "P%u", id);
	return buf;
}

int anonrmap_observe(struct anonrmap_world *world, const char *label, FILE *out)
{
	struct obs_block b;

	if (sim_observe((struct world *)world, label, default_name, NULL, &b))
		return -ENOMEM;
	obs_print(out, &b);
	obs_block_release(&b);
	return 0;
}
