// SPDX-License-Identifier: GPL-2.0-only
/*
 * mprotect() (mm/mprotect.c). Like the kernel, it changes VMA after VMA and
 * stops at the first hole with -ENOMEM, leaving what it already changed.
 */
#include "mm/internal.h"
#include "mm/world.h"

/*
 * mprotect_fixup(). Gaining write access charges a private mapping
 * (VM_ACCOUNT); losing it uncharges only an anonymous VMA that never
 * faulted, since pages may already depend on the charge otherwise. The
 * flag matters here because it takes part in merge decisions.
 */
static int mprotect_fixup(struct vm_area_struct *vma, struct vm_area_struct **pprev,
			  unsigned long start, unsigned long end, vm_flags_t newflags)
{
	const struct anon_rmap_ops *rmap = vma->vm_mm->world->rmap;
	vm_flags_t oldflags = vma->vm_flags;

	mmap_assert_write_locked(vma->vm_mm);
	int err;

	if (newflags == oldflags) {
		*pprev = vma;
		return 0;
	}
	if (newflags & VM_WRITE) {
		if (!(oldflags & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE)))
			newflags |= VM_ACCOUNT;
	} else if ((oldflags & VM_ACCOUNT) && vma_is_anonymous(vma) && !rmap->vma_has_anon(vma)) {
		newflags &= ~VM_ACCOUNT;
	}
	vma = vma_modify_flags(*pprev, vma, start, end, newflags, &err);
	if (!vma)
		return err;
	*pprev = vma;
	vma->vm_flags = newflags;
	mprotect_ptes(vma, start, end);
	return 0;
}

int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, int prot)
{
	struct vm_area_struct *vma, *prev;
	unsigned long end, nstart;
	int err = 0;

	if (!PAGE_ALIGNED(start) || (prot & ~7))
		return -EINVAL;
	if (!len)
		return 0;
	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	end = start + len;
	if (end <= start)
		return -ENOMEM;

	mmap_write_lock(mm);
	vma = find_vma_intersection(mm, start, end);
	if (!vma || vma->vm_start > start) {
		err = -ENOMEM;
		goto out;
	}
	prev = start > vma->vm_start ? vma : vma_prev(vma);
	nstart = start;
	while (vma && vma->vm_start < end) {
		vm_flags_t newflags;
		unsigned long tmp;

		if (vma->vm_start > nstart) {
			err = -ENOMEM;
			break;
		}
		newflags = (prot & 1 ? VM_READ : 0) | (prot & 2 ? VM_WRITE : 0) |
			   (prot & 4 ? VM_EXEC : 0) | (vma->vm_flags & ~VM_ACCESS_FLAGS);
		tmp = vma->vm_end < end ? vma->vm_end : end;
		err = mprotect_fixup(vma, &prev, nstart, tmp, newflags);
		if (err)
			break;
		nstart = prev->vm_end;
		vma = vma_next(prev);
	}
	if (!err && nstart < end)
		err = -ENOMEM;
out:
	mmap_write_unlock(mm);
	return err;
}
