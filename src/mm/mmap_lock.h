/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mm->mmap_lock with the kernel's calls (include/linux/mmap_lock.h). Writers
 * change the VMA tree and VMA fields; readers fault, walk page tables of
 * their own mm, and migrate.
 */
#ifndef ANONRMAP_MMAP_LOCK_H
#define ANONRMAP_MMAP_LOCK_H

#include "lib/atomic.h"

#include "lib/rwsem.h"
#include "mm/mm_types.h"

extern const struct lock_class_key mmap_lock_key;

static inline void mmap_init_lock(struct mm_struct *mm)
{
	init_rwsem(&mm->mmap_lock, &mmap_lock_key);
}

/*
 * mm_lock_seqcount_begin()/_end(): the writer makes mm_lock_seq odd for as
 * long as it may change the VMA tree, and its end releases every VMA it
 * write-locked at once (vma_end_write_all()), since those hold the odd value.
 */
static inline void mm_lock_seqcount_begin(struct mm_struct *mm)
{
	atomic_inc(&mm->mm_lock_seq);
	smp_mb();
}

static inline void mm_lock_seqcount_end(struct mm_struct *mm)
{
	smp_mb();
	atomic_inc(&mm->mm_lock_seq);
}

/*
 * mmap_lock_speculate_try_begin()/_retry(): a lockless reader of the VMA
 * tree starts only while no writer holds mmap_lock, and keeps what it read
 * only if no writer took it in between.
 */
static inline bool mmap_lock_speculate_try_begin(struct mm_struct *mm, unsigned long *seq)
{
	*seq = atomic_read(&mm->mm_lock_seq);
	smp_mb();
	return !(*seq & 1);
}

static inline bool mmap_lock_speculate_retry(struct mm_struct *mm, unsigned long seq)
{
	smp_mb();
	return atomic_read(&mm->mm_lock_seq) != seq;
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
	mm_lock_seqcount_begin(mm);
}

/* dup_mmap() holds the parent's while it takes the child's. */
static inline void mmap_write_lock_nested(struct mm_struct *mm, unsigned int subclass)
{
	down_write_nested(&mm->mmap_lock, subclass);
	mm_lock_seqcount_begin(mm);
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	mm_lock_seqcount_end(mm);
	up_write(&mm->mmap_lock);
}

/* munmap lets faults in once the VMAs are detached (vms_complete_munmap_vmas()). */
static inline void mmap_write_downgrade(struct mm_struct *mm)
{
	mm_lock_seqcount_end(mm);
	downgrade_write(&mm->mmap_lock);
}

#define mmap_assert_locked(mm) lockdep_assert_held(&(mm)->mmap_lock)
#define mmap_assert_write_locked(mm) lockdep_assert_held_write(&(mm)->mmap_lock)

#endif
