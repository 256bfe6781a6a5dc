// SPDX-License-Identifier: GPL-2.0-only
/*
 * The two rmap users of reclaim (mm/vmscan.c, mm/rmap.c): ageing asks how
 * many mappings still map a folio (folio_referenced()), and reclaim takes
 * every mapping away (try_to_unmap()). Both reach the folio from the LRU,
 * holding none of its mms' mmap_locks, so everything they learn about a
 * mapping they learn under that mapping's PTE lock.
 */
#include <errno.h>

#include "mm/internal.h"
#include "mm/world.h"
#include "mm/rmap.h"

static int folio_referenced_one(struct folio *folio, struct vm_area_struct *vma,
				unsigned long address, void *arg)
{
	int *referenced = arg;

	/* no accessed bit is modelled: a present mapping counts as young */
	if (rmap_one_check(folio, vma, address) && rmap_one_maps(folio, vma, address))
		(*referenced)++;
	return 0;
}

/*
 * folio_referenced() for an anonymous folio: no folio lock (the kernel
 * takes one only for file and KSM folios), and a contended anon_vma lock
 * ends the walk rather than stalls reclaim. Returns the count, or -EAGAIN.
 */
int folio_referenced(struct folio *folio)
{
	struct world *w = folio_world(folio);
	int referenced = 0;
	struct rmap_walk_control rwc = {
		.rmap_one = folio_referenced_one, .arg = &referenced,
		.flags = RMAP_WALK_ANON_LOCK | RMAP_WALK_NO_EARLY_STOP, .try_lock = true,
	};
	int err;

	if (!folio_test_anon(folio) || !folio_mapped(folio))
		return 0;
	err = w->rmap->walk(folio, &rwc);
	if (rwc.contended)
		return -EAGAIN;
	return err < 0 ? err : referenced;
}

/*
 * try_to_unmap_one() for a lazyfree folio: the entry is cleared, not
 * replaced by a swap entry, so a later touch finds the page gone. The
 * mapping's reference goes at once: reclaim holds its own.
 */
static int try_to_unmap_one(struct folio *folio, struct vm_area_struct *vma,
			    unsigned long address, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pte;

	(void)arg;
	if (!rmap_one_check(folio, vma, address))
		return 0;
	spin_lock(&mm->page_table_lock);
	pte = pte_lookup(mm, address);
	if (pte && pte_present(*pte) && pte_folio(*pte) == folio) {
		pte_clear(mm, address);
		folio_sub_mapcount(folio, mm);
		folio_put(folio);
	}
	spin_unlock(&mm->page_table_lock);
	return 0;
}

/*
 * shrink_folio_list() for one isolated anonymous folio: lock it without
 * waiting, unmap it everywhere the rmap says. Large folios would be split
 * first in the kernel; they are left alone here.
 */
int reclaim_folio(struct folio *folio)
{
	struct world *w = folio_world(folio);
	struct rmap_walk_control rwc = {
		.rmap_one = try_to_unmap_one,
		.flags = RMAP_WALK_ANON_LOCK | RMAP_WALK_NO_EARLY_STOP,
	};
	int err = 0;

	if (!folio_test_anon(folio) || folio->large)
		return -EBUSY;
	if (!folio_trylock(folio))
		return -EBUSY;
	if (folio_mapped(folio)) {
		w->rmap->walk(folio, &rwc);
		if (folio_mapped(folio))
			err = -EAGAIN;
	}
	folio_unlock(folio);
	return err;
}
