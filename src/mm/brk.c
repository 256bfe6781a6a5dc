// SPDX-License-Identifier: GPL-2.0-only
/*
 * brk() (mm/mmap.c): growing the heap is do_brk_flags(), which extends the
 * previous VMA when vma_merge_new_range() allows it and otherwise makes an
 * anonymous VMA with VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT, the same flags and
 * merge rules as a private writable anonymous mmap; shrinking it is munmap.
 * Both ends are page aligned here: the kernel rounds the break up to a
 * page before it touches any VMA.
 */
#include "mm/internal.h"
#include "mm/world.h"

int do_brk(struct mm_struct *mm, unsigned long old_end, unsigned long new_end)
{
	int err;

	if (!PAGE_ALIGNED(old_end) || !PAGE_ALIGNED(new_end) || new_end > TASK_SIZE)
		return -EINVAL;
	if (new_end > old_end)
		return do_mmap(mm, old_end, new_end - old_end, 3, NULL, 0);
	if (new_end == old_end)
		return 0;
	mmap_write_lock(mm);
	err = do_munmap(mm, new_end, old_end - new_end);
	mmap_write_unlock(mm);
	return err;
}
