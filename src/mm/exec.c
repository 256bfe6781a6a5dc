// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMAs exec builds that no mmap() call makes (fs/exec.c, mm/vma_exec.c,
 * mm/mmap.c): the stack of setup_arg_pages() and the special mappings of
 * _install_special_mapping() (vdso, vvar). Both go into the tree with
 * insert_vm_struct(), which never merges, so neither does this file.
 */
#include "mm/internal.h"
#include "mm/world.h"

/* VM_STACK_FLAGS on x86-64: the stack grows down and is charged. */
#define VM_STACK_FLAGS (VM_GROWSDOWN | VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | \
			VM_MAYEXEC | VM_ACCOUNT)

static int insert_vm_struct(struct mm_struct *mm, unsigned long start, unsigned long end,
			    vm_flags_t vm_flags)
{
	int err = 0;

	if (!PAGE_ALIGNED(start) || !PAGE_ALIGNED(end) || start >= end || end > TASK_SIZE)
		return -EINVAL;
	mmap_write_lock(mm);
	if (find_vma_intersection(mm, start, end)) {
		err = -ENOMEM;
		goto out;
	}
	if (!vma_create(mm, start, end, start >> PAGE_SHIFT, vm_flags, NULL))
		err = -ENOMEM;
out:
	mmap_write_unlock(mm);
	return err;
}

/*
 * The stack as exec leaves it, already moved to its final place: the
 * kernel builds it at the top and shifts it down (relocate_vma_down()), but
 * only the end result is visible to the program and to a recording.
 */
int setup_arg_pages(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	return insert_vm_struct(mm, start, end, VM_STACK_FLAGS);
}

/*
 * vdso and vvar: no anonymous pages ever, copied on fork, and VM_DONTEXPAND
 * keeps mremap and merging away from them as in the kernel.
 */
int install_special_mapping(struct mm_struct *mm, unsigned long start, unsigned long end,
			    int prot)
{
	vm_flags_t vm_flags = (prot & 1 ? VM_READ | VM_MAYREAD : 0) |
			      (prot & 2 ? VM_WRITE | VM_MAYWRITE : 0) |
			      (prot & 4 ? VM_EXEC | VM_MAYEXEC : 0);

	return insert_vm_struct(mm, start, end, vm_flags | VM_DONTEXPAND | VM_PFNMAP);
}
