/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mm->mmap_lock with the kernel's calls (include/linux/mmap_lock.h). Writers
 * change the VMA tree and VMA fields; readers fault, walk page tables of
 * their own mm, and migrate.
 */
#ifndef ANONRMAP_MMAP_LOCK_H
#define ANONRMAP_MMAP_LOCK_H

#include "lib/rwsem.h"
#include "mm/mm_types.h"

extern const struct lock_class_key mmap_lock_key;

static inline void mmap_init_lock(struct mm_struct *mm)
{
	init_rwsem(&mm->mmap_lock, &mmap_lock_key);
}

static inline void mmap_read_lock(struct mm_struct *mm)
{
	down_read(&mm->mmap_lock);
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	up_read(&mm->mmap_lock);
}

static inline void mmap_write_lock(struct mm_struct *mm)
{
	down_write(&mm->mmap_lock);
}

/* dup_mmap() holds the parent's while it takes the child's. */
static inline void mmap_write_lock_nested(struct mm_struct *mm, unsigned int subclass)
{
	down_write_nested(&mm->mmap_lock, subclass);
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	up_write(&mm->mmap_lock);
}

/* munmap lets faults in once the VMAs are detached (vms_complete_munmap_vmas()). */
static inline void mmap_write_downgrade(struct mm_struct *mm)
{
	downgrade_write(&mm->mmap_lock);
}

#define mmap_assert_locked(mm) lockdep_assert_held(&(mm)->mmap_lock)
#define mmap_assert_write_locked(mm) lockdep_assert_held_write(&(mm)->mmap_lock)

#endif
