// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmap() with MAP_FIXED_NOREPLACE (mm/mmap.c, __mmap_region in mm/vma.c):
 * the address is always the caller's and an occupied range is an error.
 * MAP_FIXED (format version 2) is an munmap of the range first, done by the
 * caller; MAP_SHARED and MAP_NORESERVE come in as extra vm_flags.
 */
#include "mm/internal.h"
#include "mm/world.h"

static vm_flags_t calc_vm_prot_bits(int prot)
{
	return (prot & 1 ? VM_READ : 0) | (prot & 2 ? VM_WRITE : 0) | (prot & 4 ? VM_EXEC : 0);
}

/* Private writable memory is charged against overcommit: VM_ACCOUNT. */
static bool accountable_mapping(vm_flags_t vm_flags)
{
	return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/* A new VMA over [start, end), linked into @mm's tree; NULL when out of memory. */
struct vm_area_struct *vma_create(struct mm_struct *mm, unsigned long start, unsigned long end,
				  pgoff_t pgoff, vm_flags_t vm_flags, struct file *file)
{
	struct vm_area_struct *vma = vm_area_alloc(mm);

	if (!vma)
		return NULL;
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
	vma->vm_flags = vm_flags;
	vma->vm_file = file;
	vma_link(mm, vma);
	return vma;
}

int do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len, int prot,
	    struct file *file, unsigned long off)
{
	return do_mmap_flags(mm, addr, len, prot, file, off, 0, false);
}

/*
 * @extra carries what MAP_SHARED (VM_SHARED|VM_MAYSHARE) and MAP_NORESERVE
 * add to the flags; both change accounting and so which neighbours merge.
 * @fixed unmaps whatever is in the range first (MAP_FIXED).
 */
int do_mmap_flags(struct mm_struct *mm, unsigned long addr, unsigned long len, int prot,
		  struct file *file, unsigned long off, vm_flags_t extra, bool fixed)
{
	struct vma_merge_struct vmg = { .mm = mm };
	struct vm_area_struct *vma, *next;
	vm_flags_t vm_flags;
	int err = 0;

	if (!len || !PAGE_ALIGNED(addr) || !PAGE_ALIGNED(off) || (prot & ~7))
		return -EINVAL;
	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	if (!len || len > TASK_SIZE || addr > TASK_SIZE - len)
		return -ENOMEM;
	if ((off >> PAGE_SHIFT) + (len >> PAGE_SHIFT) < (off >> PAGE_SHIFT))
		return -EOVERFLOW;

	mmap_write_lock(mm);
	/*
	 * MAP_FIXED: __mmap_region() clears the range and maps into the hole
	 * under one mmap_lock, so no other thread's mmap can take it between.
	 */
	if (fixed) {
		err = do_munmap(mm, addr, len);
		if (err)
			goto out;
	}
	/* do_mmap() counts before it looks: at the limit plus one, even a merge is refused */
	if (mm->map_count > mm->world->max_map_count) {
		err = -ENOMEM;
		goto out;
	}
	if (find_vma_intersection(mm, addr, addr + len)) {
		err = -EEXIST;
		goto out;
	}
	vm_flags = calc_vm_prot_bits(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | extra;
	if (accountable_mapping(vm_flags))
		vm_flags |= VM_ACCOUNT;

	next = find_vma(mm, addr);
	vmg.start = addr;
	vmg.end = addr + len;
	vmg.pgoff = file ? off >> PAGE_SHIFT : addr >> PAGE_SHIFT;
	vmg.vm_flags = vm_flags;
	vmg.file = file;
	vmg.next = next;
	vmg.prev = next ? vma_prev(next) : vma_last(mm);
	if (vma_merge_new_range(&vmg))
		goto out;
	if (vmg.state == VMA_MERGE_ERROR_NOMEM) {
		err = -ENOMEM;
		goto out;
	}
	vma = vma_create(mm, addr, addr + len, vmg.pgoff, vm_flags, file);
	if (!vma)
		err = -ENOMEM;
out:
	mmap_write_unlock(mm);
	return err;
}
