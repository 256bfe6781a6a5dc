// SPDX-License-Identifier: GPL-2.0-only
/*
 * Public API: system calls and faults. Each call holds a user of the mm
 * (mmget_not_zero()/mmput()) for as long as it runs, as a thread of the
 * process would, so an exit requested meanwhile by another thread tears the
 * address space down only after the call is out.
 */
#include <errno.h>
#include "lib/atomic.h"

#include <anonrmap/ops.h>

#include "mm/internal.h"

static struct mm_struct *mm_enter(struct anonrmap_mm *p)
{
	struct mm_struct *mm = (struct mm_struct *)p;

	return mm && mmget_not_zero(mm) ? mm : NULL;
}

int anonrmap_mmap(struct anonrmap_mm *p, uint64_t addr, uint64_t len, int prot,
		  struct anonrmap_file *file, uint64_t off)
{
	struct mm_struct *mm = mm_enter(p);
	int err;

	if (!mm)
		return -ESRCH;
	err = do_mmap(mm, addr, len, prot, (struct file *)file, off);
	mmput(mm);
	return err;
}

int anonrmap_munmap(struct anonrmap_mm *p, uint64_t addr, uint64_t len)
{
	struct mm_struct *mm = mm_enter(p);
	int err;

	if (!mm)
		return -ESRCH;
	mmap_write_lock(mm);
	err = do_munmap(mm, addr, len);
	mmap_write_unlock(mm);
	mmput(mm);
	return err;
}

int anonrmap_mprotect(struct anonrmap_mm *p, uint64_t addr, uint64_t len, int prot)
{
	struct mm_struct *mm = mm_enter(p);
	int err;

	if (!mm)
		return -ESRCH;
	err = do_mprotect(mm, addr, len, prot);
	mmput(mm);
	return err;
}

int anonrmap_mremap(struct anonrmap_mm *p, uint64_t old_addr, uint64_t old_len,
		    uint64_t new_len, int flags, uint64_t new_addr)
{
	struct mm_struct *mm = mm_enter(p);
	int err;

	if (!mm)
		return -ESRCH;
	err = do_mremap(mm, old_addr, old_len, new_len, flags, new_addr);
	mmput(mm);
	return err;
}

int anonrmap_madvise(struct anonrmap_mm *p, uint64_t addr, uint64_t len,
		     enum anonrmap_advice advice)
{
	struct mm_struct *mm = mm_enter(p);
	int err;

	if (!mm)
		return -ESRCH;
	err = do_madvise(mm, addr, len, advice);
	mmput(mm);
	return err;
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
	mmput(mm);
	return err;
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
	mmput(mm);
	return err;
}

/* The task goes: its user of the mm is dropped, once. */
int anonrmap_exit(struct anonrmap_mm *p)
{
	struct mm_struct *mm = (struct mm_struct *)p;

	if (!mm || atomic_cmpxchg(&mm->task_exited, 0, 1) != 0)
		return -ESRCH;
	mmput(mm);
	return 0;
}

int anonrmap_migrate(struct anonrmap_mm *p, uint64_t addr, uint64_t len)
{
	struct mm_struct *mm = mm_enter(p);
	int err;

	if (!mm)
		return -ESRCH;
	err = migrate_range(mm, addr, len);
	mmput(mm);
	return err;
}
