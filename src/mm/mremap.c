// SPDX-License-Identifier: GPL-2.0-only
/*
 * mremap() (mm/mremap.c) in the two forms the scenario language has: resize
 * in place (no flags) and MREMAP_MAYMOVE|MREMAP_FIXED. A move of the same
 * size may span several VMAs, gaps kept, as Linux allows since 6.17.
 */
#include <anonrmap/ops.h>

#include "mm/internal.h"
#include "mm/world.h"

#define MREMAP_FIXED_MOVE (ANONRMAP_MREMAP_MAYMOVE | ANONRMAP_MREMAP_FIXED)

/*
 * move_vma(): copy the VMA (or merge into the destination's neighbour), carry
 * the page table entries over, then unmap the source, which splits off and
 * keeps whatever of the old VMA lies outside the moved range. The tables at
 * the destination come first, so that nothing after the copy can fail
 * before the source is unmapped.
 */
static int move_vma(struct vm_area_struct *vma, unsigned long old_addr,
		    unsigned long old_len, unsigned long new_len, unsigned long new_addr)
{
	struct mm_struct *mm = vma->vm_mm;
	pgoff_t new_pgoff = vma->vm_pgoff + ((old_addr - vma->vm_start) >> PAGE_SHIFT);
	struct vm_area_struct *new_vma;
	int err;

	mmap_assert_write_locked(vma->vm_mm);
	/*
	 * prep_move_vma(): the unmap of the source below may split one VMA
	 * into three, so refuse while that could pass vm.max_map_count.
	 */
	if (mm->map_count + 3 >= mm->world->max_map_count)
		return -ENOMEM;
	err = reserve_move_page_tables(mm, old_addr, new_addr, old_len);
	if (err)
		return err;
	new_vma = copy_vma(&vma, new_addr, new_len, new_pgoff);
	if (!new_vma) {
		free_pgtables_range(mm, new_addr, new_addr + new_len);
		return -ENOMEM;
	}
	move_page_tables(vma, old_addr, new_vma, new_addr, old_len);
	if (mm->world->rmap->remap)
		mm->world->rmap->remap(vma, old_addr, old_len, new_vma, new_addr, new_len);
	/*
	 * unmap_source_vma(): if the source cannot be split out of its VMA,
	 * it stays mapped, empty, and the move still succeeds.
	 */
	do_munmap(mm, old_addr, old_len);
	return 0;
}

/* mremap_to(): the target range is cleared first, then any excess source. */
static int mremap_to(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
		     unsigned long new_len, unsigned long new_addr)
{
	struct vm_area_struct *vma;
	int err;

	err = do_munmap(mm, new_addr, new_len);
	if (err)
		return err;
	if (old_len > new_len) {
		err = do_munmap(mm, addr + new_len, old_len - new_len);
		if (err)
			return err;
		old_len = new_len;
	}
	vma = vma_lookup(mm, addr);
	if (!vma)
		return -EFAULT;
	return move_vma(vma, addr, old_len, new_len, new_addr);
}

/*
 * check_prep_vma(): the part of the source that survives must lie inside one
 * VMA. Only that part: a shrink drops the tail first, and Linux accepts a
 * tail that runs over a hole or into the next VMA.
 */
static struct vm_area_struct *check_prep_vma(struct mm_struct *mm, unsigned long addr,
					     unsigned long old_len, unsigned long new_len,
					     int *err)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	unsigned long keep = old_len < new_len ? old_len : new_len;

	*err = 0;
	if (!vma || keep > vma->vm_end - addr)
		*err = -EFAULT;
	return *err ? NULL : vma;
}

/*
 * remap_move(): each VMA of the source range moves to the same offset in the
 * destination. A gap at the start of the range, or no VMA at all, is -EFAULT.
 */
static int remap_move(struct mm_struct *mm, unsigned long start, unsigned long len,
		      unsigned long new_addr)
{
	unsigned long end = start + len, target = new_addr, last_end = 0, from = start;
	bool seen = false;
	int err = -EFAULT;

	/*
	 * The walk resumes after the end the last VMA had when it was found,
	 * as the kernel's VMA iterator does. Past @end there is nothing left
	 * to move, even if a VMA now reaches there from before: one whose
	 * source could not be unmapped (unmap_source_vma() keeps it) and
	 * that the move merged with its destination.
	 */
	while (from < end) {
		struct vm_area_struct *vma = find_vma_intersection(mm, from, end);
		unsigned long addr, sub_len, offset;

		if (!vma)
			break;
		if (!seen && start < vma->vm_start)
			return -EFAULT;
		addr = vma->vm_start > start ? vma->vm_start : start;
		sub_len = (end < vma->vm_end ? end : vma->vm_end) - addr;
		offset = seen ? vma->vm_start - last_end : 0;
		last_end = vma->vm_end;
		from = vma->vm_end;
		err = mremap_to(mm, addr, sub_len, sub_len, target + offset);
		if (err)
			return err;
		target = target + offset + sub_len;
		seen = true;
	}
	return err;
}

static int mremap_locked(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
			 unsigned long new_len, int flags, unsigned long new_addr)
{
	struct vm_area_struct *vma;
	unsigned long delta;
	int err;

	if (flags == MREMAP_FIXED_MOVE && old_len == new_len)
		return remap_move(mm, addr, old_len, new_addr);

	if (flags == MREMAP_FIXED_MOVE) {
		if (!check_prep_vma(mm, addr, old_len, new_len, &err))
			return err;
		return mremap_to(mm, addr, old_len, new_len, new_addr);
	}
	/*
	 * In place, Linux only needs a VMA at @addr when nothing new will be
	 * mapped: a same-size call succeeds and a shrink unmaps the tail even
	 * when the old range runs past the VMA.
	 */
	vma = vma_lookup(mm, addr);
	if (!vma)
		return -EFAULT;
	if (old_len == new_len)
		return 0;
	if (new_len < old_len)
		return do_munmap(mm, addr + new_len, old_len - new_len);
	if (old_len > vma->vm_end - addr)
		return -EFAULT;

	/* grow in place: only at the VMA's end, and only into free space */
	delta = new_len - old_len;
	if (addr + old_len != vma->vm_end || vma->vm_end + delta > TASK_SIZE ||
	    find_vma_intersection(mm, vma->vm_end, vma->vm_end + delta))
		return -ENOMEM;
	return vma_merge_extend(vma, delta) ? 0 : -ENOMEM;
}

int do_mremap(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
	      unsigned long new_len, int flags, unsigned long new_addr)
{
	int err;

	if (flags != 0 && flags != MREMAP_FIXED_MOVE)
		return -EINVAL;
	if (!PAGE_ALIGNED(addr))
		return -EINVAL;
	old_len = (old_len + PAGE_SIZE - 1) & PAGE_MASK;
	new_len = (new_len + PAGE_SIZE - 1) & PAGE_MASK;
	if (!new_len || !old_len)
		return -EINVAL;
	if (flags == MREMAP_FIXED_MOVE) {
		if (!PAGE_ALIGNED(new_addr) || new_len > TASK_SIZE ||
		    new_addr > TASK_SIZE - new_len)
			return -EINVAL;
		if (addr + old_len > new_addr && new_addr + new_len > addr)
			return -EINVAL;
	}
	mmap_write_lock(mm);
	/*
	 * check_mremap_params(): a move may split both the source and the
	 * target in three; Linux wants room for that and four VMAs more.
	 */
	if (flags == MREMAP_FIXED_MOVE && mm->map_count + 2 + 3 >= mm->world->max_map_count)
		err = -ENOMEM;
	else
		err = mremap_locked(mm, addr, old_len, new_len, flags, new_addr);
	mmap_write_unlock(mm);
	return err;
}
