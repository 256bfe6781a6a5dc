// SPDX-License-Identifier: GPL-2.0-only
/* Public API: exec, stacks, special mappings, brk and flagged mmap. */
#include <errno.h>

#include <anonrmap/process.h>

#include "api/mm_enter.h"


int anonrmap_mm_create(struct anonrmap_world *world, struct anonrmap_mm **out)
{
	struct mm_struct *mm = mm_alloc((struct world *)world);

	if (!mm)
		return -ENOMEM;
	*out = (struct anonrmap_mm *)mm;
	return 0;
}

static int mmap_flags(struct mm_struct *mm, uint64_t addr, uint64_t len, int prot,
		      struct anonrmap_file *file, uint64_t off, int flags)
{
	vm_flags_t extra = 0;

	if (flags & ~(ANONRMAP_MAP_SHARED | ANONRMAP_MAP_NORESERVE | ANONRMAP_MAP_FIXED |
		      ANONRMAP_MAP_STACK))
		return -EINVAL;
	if (flags & ANONRMAP_MAP_SHARED)
		extra |= VM_SHARED | VM_MAYSHARE;
	if (flags & ANONRMAP_MAP_NORESERVE)
		extra |= VM_NORESERVE;
	/* thread stacks: no THP, and so no merging with a neighbour that may have them */
	if (flags & ANONRMAP_MAP_STACK)
		extra |= VM_NOHUGEPAGE;
	/*
	 * MAP_FIXED: __mmap_region() clears the range first and then maps as
	 * into a hole, with the same merge attempt with the neighbours.
	 */
	if ((flags & ANONRMAP_MAP_FIXED) && (!PAGE_ALIGNED(addr) || !len || addr + len < addr))
		return -EINVAL;
	return do_mmap_flags(mm, addr, len, prot, (struct file *)file, off, extra,
			     flags & ANONRMAP_MAP_FIXED);
}

int anonrmap_mmap_flags(struct anonrmap_mm *p, uint64_t addr, uint64_t len, int prot,
			struct anonrmap_file *file, uint64_t off, int flags)
{
	struct mm_struct *mm = mm_enter(p);

	return mm ? mm_leave(mm, mmap_flags(mm, addr, len, prot, file, off, flags)) : -ESRCH;
}

int anonrmap_stack_setup(struct anonrmap_mm *p, uint64_t start, uint64_t end)
{
	struct mm_struct *mm = mm_enter(p);

	return mm ? mm_leave(mm, setup_arg_pages(mm, start, end)) : -ESRCH;
}

int anonrmap_stack_grow(struct anonrmap_mm *p, uint64_t addr)
{
	struct mm_struct *mm = mm_enter(p);

	return mm ? mm_leave(mm, expand_downwards(mm, addr)) : -ESRCH;
}

int anonrmap_special_mapping(struct anonrmap_mm *p, uint64_t start, uint64_t end, int prot)
{
	struct mm_struct *mm = mm_enter(p);

	return mm ? mm_leave(mm, install_special_mapping(mm, start, end, prot)) : -ESRCH;
}

int anonrmap_brk(struct anonrmap_mm *p, uint64_t old_end, uint64_t new_end)
{
	struct mm_struct *mm = mm_enter(p);

	return mm ? mm_leave(mm, do_brk(mm, old_end, new_end)) : -ESRCH;
}
