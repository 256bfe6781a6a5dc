// SPDX-License-Identifier: GPL-2.0-only
/* Public API: system calls and faults, each holding a user of its mm (api/mm_enter.h). */
#include <errno.h>
#include "lib/atomic.h"

#include <anonrmap/ops.h>

#include "api/mm_enter.h"


int anonrmap_mmap(struct anonrmap_mm *p, uint64_t addr, uint64_t len, int prot,
		  struct anonrmap_file *file, uint64_t off)
{
	struct mm_struct *mm = mm_enter(p);

	return mm ? mm_leave(mm, do_mmap(mm, addr, len, prot, (struct file *)file, off)) : -ESRCH;
}

int anonrmap_munmap(struct anonrmap_mm *p, uint64_t addr, uint64_t len)
{
	struct mm_struct *mm = mm_enter(p);
	int err;

	if (!mm)
		return -ESRCH;
	mmap_write_lock(mm);
	err = do_munmap_unlock(mm, addr, len);
	if (err)
		mmap_write_unlock(mm);
	return mm_leave(mm, err);
}

int anonrmap_mprotect(struct anonrmap_mm *p, uint64_t addr, uint64_t len, int prot)
{
	struct mm_struct *mm = mm_enter(p);

	return mm ? mm_leave(mm, do_mprotect(mm, addr, len, prot)) : -ESRCH;
}

int anonrmap_mremap(struct anonrmap_mm *p, uint64_t old_addr, uint64_t old_len,
		    uint64_t new_len, int flags, uint64_t new_addr)
{
	struct mm_struct *mm = mm_enter(p);

	return mm ? mm_leave(mm, do_mremap(mm, old_addr, old_len, new_len, flags, new_addr)) : -ESRCH;
}

int anonrmap_madvise(struct anonrmap_mm *p, uint64_t addr, uint64_t len,
		     enum anonrmap_advice advice)
{
	struct mm_struct *mm = mm_enter(p);

	return mm ? mm_leave(mm, do_madvise(mm, addr, len, advice)) : -ESRCH;
}

int anonrmap_touch(struct anonrmap_mm *p, uint64_t addr, uint64_t len, bool write)
{
	struct mm_struct *mm = mm_enter(p);
	int err;

	if (!mm)
		return -ESRCH;
	if (!PAGE_ALIGNED(addr) || addr + len < addr)
		err = -EINVAL;
	else
		err = do_touch(mm, addr, len, write);
	return mm_leave(mm, err);
}

int anonrmap_fork(struct anonrmap_mm *p, struct anonrmap_mm **child)
{
	struct mm_struct *mm = mm_enter(p), *c;
	int err;

	if (!mm)
		return -ESRCH;
	err = dup_mm(mm, &c);
	if (!err)
		*child = (struct anonrmap_mm *)c;
	return mm_leave(mm, err);
}

/* The task goes: its user of the mm is dropped, once. */
int anonrmap_exit(struct anonrmap_mm *p)
{
	struct mm_struct *mm = (struct mm_struct *)p;

	if (!mm)
		return -ESRCH;
	world_enter(mm->world);
	if (atomic_cmpxchg(&mm->task_exited, 0, 1) != 0) {
		world_leave(mm->world);
		return -ESRCH;
	}
	mmput(mm);
	world_leave(mm->world);
	return 0;
}

int anonrmap_migrate(struct anonrmap_mm *p, uint64_t addr, uint64_t len)
{
	struct mm_struct *mm = mm_enter(p);

	return mm ? mm_leave(mm, migrate_range(mm, addr, len)) : -ESRCH;
}
