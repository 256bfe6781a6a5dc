// SPDX-License-Identifier: GPL-2.0-only
/* Public API: system calls and faults, checked for a live address space. */
#include <errno.h>

#include <anonrmap/ops.h>

#include "mm/internal.h"

static struct mm_struct *live_mm(struct anonrmap_mm *p)
{
	struct mm_struct *mm = (struct mm_struct *)p;

	return mm && !mm->exited ? mm : NULL;
}

int anonrmap_mmap(struct anonrmap_mm *p, uint64_t addr, uint64_t len, int prot,
		  struct anonrmap_file *file, uint64_t off)
{
	struct mm_struct *mm = live_mm(p);

	return mm ? do_mmap(mm, addr, len, prot, (struct file *)file, off) : -ESRCH;
}

int anonrmap_munmap(struct anonrmap_mm *p, uint64_t addr, uint64_t len)
{
	struct mm_struct *mm = live_mm(p);
	int err;

	if (!mm)
		return -ESRCH;
	mmap_write_lock(mm);
	err = do_munmap(mm, addr, len);
	mmap_write_unlock(mm);
	return err;
}

int anonrmap_mprotect(struct anonrmap_mm *p, uint64_t addr, uint64_t len, int prot)
{
	struct mm_struct *mm = live_mm(p);

	return mm ? do_mprotect(mm, addr, len, prot) : -ESRCH;
}

int anonrmap_mremap(struct anonrmap_mm *p, uint64_t old_addr, uint64_t old_len,
		    uint64_t new_len, int flags, uint64_t new_addr)
{
	struct mm_struct *mm = live_mm(p);

	return mm ? do_mremap(mm, old_addr, old_len, new_len, flags, new_addr) : -ESRCH;
}

int anonrmap_madvise(struct anonrmap_mm *p, uint64_t addr, uint64_t len,
		     enum anonrmap_advice advice)
{
	struct mm_struct *mm = live_mm(p);

	return mm ? do_madvise(mm, addr, len, advice) : -ESRCH;
}

int anonrmap_touch(struct anonrmap_mm *p, uint64_t addr, uint64_t len, bool write)
{
	struct mm_struct *mm = live_mm(p);

	if (!mm)
		return -ESRCH;
	if (!PAGE_ALIGNED(addr) || addr + len < addr)
		return -EINVAL;
	return do_touch(mm, addr, len, write);
}

int anonrmap_fork(struct anonrmap_mm *p, struct anonrmap_mm **child)
{
	struct mm_struct *mm = live_mm(p), *c;
	int err;

	if (!mm)
		return -ESRCH;
	err = dup_mm(mm, &c);
	if (!err)
		*child = (struct anonrmap_mm *)c;
	return err;
}

int anonrmap_exit(struct anonrmap_mm *p)
{
	struct mm_struct *mm = live_mm(p);

	if (!mm)
		return -ESRCH;
	exit_mmap(mm);
	return 0;
}

int anonrmap_migrate(struct anonrmap_mm *p, uint64_t addr, uint64_t len)
{
	struct mm_struct *mm = live_mm(p);

	return mm ? migrate_range(mm, addr, len) : -ESRCH;
}
