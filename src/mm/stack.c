// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stack growth: expand_downwards() (mm/mmap.c), run by a fault just below a
 * VM_GROWSDOWN VMA. The VMA's start and pgoff move down together, so its
 * pages keep their index and the anon rmap key changes around the update.
 */
#include "mm/internal.h"
#include "mm/world.h"

/*
 * The stack guard gap is not enforced: a scenario grows a stack only where
 * a recorded program's stack did grow, so the kernel already allowed it.
 */
int expand_downwards(struct mm_struct *mm, unsigned long address)
{
	const struct anon_rmap_ops *rmap = mm->world->rmap;
	struct vm_area_struct *vma, *prev;
	struct anon_vma *locked;
	unsigned long grow;
	int err = 0;

	if (!PAGE_ALIGNED(address) || address >= TASK_SIZE)
		return -EINVAL;
	mmap_write_lock(mm);
	vma = find_vma(mm, address);
	if (!vma || !(vma->vm_flags & VM_GROWSDOWN)) {
		err = -EFAULT;
		goto out;
	}
	if (address >= vma->vm_start)
		goto out;
	prev = vma_prev(vma);
	if (prev && prev->vm_end > address) {
		err = -ENOMEM;
		goto out;
	}
	grow = (vma->vm_start - address) >> PAGE_SHIFT;
	if (grow > vma->vm_pgoff) {
		err = -ENOMEM;
		goto out;
	}
	/* the kernel prepares first so that the anon_vma lock below is real */
	err = rmap->prepare(vma);
	if (err)
		goto out;
	locked = anon_vma_lock_for_update(vma, NULL);
	rmap->pre_update(vma);
	vma_set_range(vma, address, vma->vm_end, vma->vm_pgoff - grow);
	rmap->post_update(vma);
	anon_vma_unlock_for_update(locked);
out:
	mmap_write_unlock(mm);
	return err;
}
