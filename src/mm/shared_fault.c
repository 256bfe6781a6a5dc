// SPDX-License-Identifier: GPL-2.0-only
/*
 * Faults in a MAP_SHARED mapping (do_shared_fault() and the shared branch
 * of do_wp_page() in mm/memory.c): a write goes to the page-cache page
 * itself, so no anonymous folio and no anon rmap state ever appears, which
 * is the whole reason shared VMAs matter to this model. Fault-around and
 * dirty tracking are left out: neither changes what the rmap holds.
 */
#include "mm/internal.h"
#include "mm/world.h"

int do_shared_fault(struct vm_area_struct *vma, unsigned long address, bool write)
{
	pte_t *pte = pte_lookup(vma->vm_mm, address);
	struct folio *folio;

	assert_spin_locked(&vma->vm_mm->page_table_lock);
	if (pte && pte_present(*pte)) {
		if (write && !pte_write(*pte))
			set_pte(vma->vm_mm, address, mk_pte(pte_folio(*pte), true));
		return 0;
	}
	if (!vma->vm_file)
		return -EFAULT;
	folio = filemap_get_folio(vma->vm_file, linear_page_index(vma, address));
	if (!folio)
		return -EFAULT;	/* past the end of the file: SIGBUS */
	/* the table first: set_pte() never allocates */
	if (!pte_alloc(vma->vm_mm, address))
		return -ENOMEM;
	folio_get(folio);
	folio_add_mapcount(folio, vma->vm_mm);
	set_pte(vma->vm_mm, address, mk_pte(folio, write));
	return 0;
}
