// SPDX-License-Identifier: GPL-2.0-only
/*
 * madvise() (mm/madvise.c) for the advice that shapes the anon rmap: page
 * dropping and the fork-time flags. The kernel applies advice VMA by VMA and
 * reports a hole only at the end (-ENOMEM), so parts of a failed call stay
 * applied; this reproduces that.
 */
#include <anonrmap/ops.h>

#include "mm/internal.h"
#include "mm/world.h"

static int madvise_update_flags(struct vm_area_struct *vma, struct vm_area_struct **prev,
				unsigned long start, unsigned long end, int behavior)
{
	vm_flags_t new_flags = vma->vm_flags;
	int err;

	switch (behavior) {
	case ANONRMAP_MADV_DONTFORK:
		new_flags |= VM_DONTCOPY;
		break;
	case ANONRMAP_MADV_DOFORK:
		new_flags &= ~VM_DONTCOPY;
		break;
	case ANONRMAP_MADV_WIPEONFORK:
		/* only private anonymous memory can be wiped in the child */
		if (vma->vm_file || (vma->vm_flags & VM_SHARED))
			return -EINVAL;
		new_flags |= VM_WIPEONFORK;
		break;
	case ANONRMAP_MADV_KEEPONFORK:
		new_flags &= ~VM_WIPEONFORK;
		break;
	case ANONRMAP_MADV_HUGEPAGE:
		new_flags = (new_flags & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
		break;
	case ANONRMAP_MADV_NOHUGEPAGE:
		new_flags = (new_flags & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
		break;
	default:
		return -EINVAL;
	}
	if (new_flags == vma->vm_flags) {
		*prev = vma;
		return 0;
	}
	vma = vma_modify_flags(*prev, vma, start, end, new_flags, &err);
	if (!vma)
		return err;
	*prev = vma;
	vma->vm_flags = new_flags;
	return 0;
}

static int madvise_vma(struct vm_area_struct *vma, struct vm_area_struct **prev,
		       unsigned long start, unsigned long end, int behavior)
{
	if (behavior == ANONRMAP_MADV_DONTNEED) {
		*prev = vma;
		zap_page_range(vma, start, end);
		spin_lock(&vma->vm_mm->page_table_lock);
		reclaim_empty_pgtables(vma->vm_mm, start, end);
		spin_unlock(&vma->vm_mm->page_table_lock);
		return 0;
	}
	return madvise_update_flags(vma, prev, start, end, behavior);
}

/* madvise_walk_vmas() */
int do_madvise(struct mm_struct *mm, unsigned long start, unsigned long len, int behavior)
{
	struct vm_area_struct *vma, *prev;
	unsigned long end, tmp;
	int unmapped_error = 0, err = 0;

	if (behavior < ANONRMAP_MADV_DONTNEED || behavior > ANONRMAP_MADV_NOHUGEPAGE)
		return -EINVAL;
	if (!PAGE_ALIGNED(start))
		return -EINVAL;
	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;

	mmap_write_lock(mm);
	vma = find_vma(mm, start);
	prev = vma ? vma_prev(vma) : vma_last(mm);
	if (vma && start > vma->vm_start)
		prev = vma;
	for (;;) {
		if (!vma) {
			err = -ENOMEM;
			goto out;
		}
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		tmp = vma->vm_end < end ? vma->vm_end : end;
		err = madvise_vma(vma, &prev, start, tmp, behavior);
		if (err)
			goto out;
		start = tmp;
		if (prev && start < prev->vm_end)
			start = prev->vm_end;
		if (start >= end)
			break;
		vma = find_vma(mm, prev ? prev->vm_end : start);
	}
	err = unmapped_error;
out:
	mmap_write_unlock(mm);
	return err;
}
