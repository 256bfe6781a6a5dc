// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulator's side of an observation: read the world the way the kernel
 * runner reads /proc (VMAs in the window, page table entries, object counts)
 * and fill an obs_block, so both sides print through one obs_print().
 */
#include <stdlib.h>
#include <string.h>

#include "mm/internal.h"
#include "mm/world.h"
#include "scenario/observe_sim.h"

/* [lo, hi): the scenario window in version 1, all user space in version 2 */
static int fill_vma(struct vm_area_struct *vma, unsigned long lo, unsigned long hi,
		    struct obs_vma *ov)
{
	unsigned long start = vma->vm_start < lo ? lo : vma->vm_start;
	unsigned long end = vma->vm_end > hi ? hi : vma->vm_end;
	size_t n = (end - start) >> PAGE_SHIFT;

	ov->start = start;
	ov->end = end;
	ov->prot[0] = vma->vm_flags & VM_READ ? 'r' : '-';
	ov->prot[1] = vma->vm_flags & VM_WRITE ? 'w' : '-';
	ov->prot[2] = vma->vm_flags & VM_EXEC ? 'x' : '-';
	ov->prot[3] = vma->vm_flags & VM_SHARED ? 's' : 'p';
	ov->prot[4] = '\0';
	ov->pages = calloc(n ? n : 1, sizeof(*ov->pages));
	if (!ov->pages)
		return -1;
	for (size_t i = 0; i < n; i++) {
		pte_t *pte = pte_lookup(vma->vm_mm, start + (i << PAGE_SHIFT));
		struct folio *folio;

		if (!pte || !pte_present(*pte))
			continue;
		folio = pte_folio(*pte);
		ov->pages[i].id = (uintptr_t)folio;
		ov->pages[i].kind = is_zero_folio(folio) ? OBS_ZERO :
				    folio_test_anon(folio) ? OBS_ANON : OBS_FILE;
	}
	return 0;
}

static int fill_proc(struct mm_struct *mm, const char *name, unsigned long lo,
		     unsigned long hi, struct obs_proc *op)
{
	struct vm_area_struct *vma;
	size_t n = 0;

	snprintf(op->name, sizeof(op->name), "%s", name);
	for (vma = find_vma(mm, lo); vma && vma->vm_start < hi;
	     vma = vma_next(vma))
		n++;
	op->vmas = calloc(n ? n : 1, sizeof(*op->vmas));
	if (!op->vmas)
		return -1;
	for (vma = find_vma(mm, lo); vma && vma->vm_start < hi;
	     vma = vma_next(vma))
		if (fill_vma(vma, lo, hi, &op->vmas[op->nr_vmas++]))
			return -1;
	return 0;
}

int sim_observe(struct world *w, const char *label, proc_name_fn name, void *arg,
		struct obs_block *b)
{
	return sim_observe_range(w, label, name, arg, SCN_WINDOW_START, SCN_WINDOW_END, b);
}

int sim_observe_range(struct world *w, const char *label, proc_name_fn name, void *arg,
		      unsigned long lo, unsigned long hi, struct obs_block *b)
{
	struct mm_struct *mm;
	size_t n = 0;

	memset(b, 0, sizeof(*b));
	snprintf(b->label, sizeof(b->label), "%s", label);
	list_for_each_entry(mm, &w->mms, mmlist)
		n += !mm->exited;
	b->procs = calloc(n ? n : 1, sizeof(*b->procs));
	if (!b->procs)
		return -1;
	list_for_each_entry(mm, &w->mms, mmlist) {
		if (mm->exited)
			continue;
		if (fill_proc(mm, name(mm->id, arg), lo, hi, &b->procs[b->nr_procs++])) {
			obs_block_release(b);
			return -1;
		}
	}
	/* a design without them prints 0, as a kernel without anon_vma would */
	b->count_anon_vma = anon_rmap_count(w, "anon_vma") > 0 ? anon_rmap_count(w, "anon_vma") : 0;
	b->count_anon_vma_chain = anon_rmap_count(w, "anon_vma_chain") > 0 ?
				  anon_rmap_count(w, "anon_vma_chain") : 0;
	return 0;
}
