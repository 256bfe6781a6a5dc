// SPDX-License-Identifier: GPL-2.0-only
/*
 * What every concurrent walker checks about each (VMA, address) its walk
 * hands it, before it trusts them: the questions page_vma_mapped_walk()
 * answers in the kernel, plus the ones the kernel cannot ask (is this
 * memory still a VMA at all?). A design whose walk is a superset of the
 * folio's mappings passes VMAs that do not map the folio; that tolerance is
 * the rmap's normal case, so only the PTE question is allowed a "no".
 */
#include "lib/compiler.h"
#include "mm/internal.h"
#include "mm/world.h"

bool rmap_one_check(struct folio *folio, struct vm_area_struct *vma, unsigned long address)
{
	struct world *w = folio_world(folio);
	struct mm_struct *mm;

	if (!kmem_obj_live(vma)) {
		world_race(w, "walk of folio %lu handed a freed VMA %p", folio->serial, (void *)vma);
		return false;
	}
	mm = READ_ONCE(vma->vm_mm);
	if (READ_ONCE(mm->exited)) {
		world_race(w, "walk of folio %lu handed VMA %p of mm %u, which has exited",
			   folio->serial, (void *)vma, mm->id);
		return false;
	}
	if (address < vma->vm_start || address >= vma->vm_end) {
		world_race(w, "walk of folio %lu handed address %#lx outside VMA [%#lx, %#lx)",
			   folio->serial, address, vma->vm_start, vma->vm_end);
		return false;
	}
	return true;
}

/* The PTE question, for a caller that needs no more than the answer. */
bool rmap_one_maps(struct folio *folio, struct vm_area_struct *vma, unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pte;
	bool maps;

	spin_lock(&mm->page_table_lock);
	pte = pte_lookup(mm, address);
	maps = pte && pte_present(*pte) && pte_folio(*pte) == folio;
	spin_unlock(&mm->page_table_lock);
	return maps;
}
