/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-VMA locks (include/linux/mmap_lock.h, 6.18), as far as
 * lock_vma_under_rcu() and the ANON_VMA_LAZY migration path (patch 12)
 * need them. vm_refcnt is the kernel's: 0 while the VMA is detached (not in
 * its mm's tree, or freed), 1 while attached, plus one per reader. Readers
 * take it only while it is not zero, so a stale reader of a freed or reused
 * VMA (the cache is SLAB_TYPESAFE_BY_RCU) never holds a count on it. A
 * writer, who holds mmap_lock for writing, marks the VMA with the odd
 * mm_lock_seq of its write section and waits for the readers to leave;
 * mmap_write_unlock() ends every such mark at once by moving mm_lock_seq on.
 *
 * Faults in the model still run under mmap_lock for reading, not under the
 * per-VMA lock; the writers that take it here are the ones that detach a VMA
 * or change its range (vma_unlink_tree(), vma_set_range()).
 */
#ifndef ANONRMAP_VMA_LOCK_H
#define ANONRMAP_VMA_LOCK_H

#include <sched.h>
#include <stdbool.h>

#include "lib/atomic.h"

#include "lib/compiler.h"
#include "mm/mmap_lock.h"

/* vma_lock_init(): no write section has marked a new VMA. */
#define VMA_LOCK_SEQ_NONE (~0UL)

static inline bool vma_is_write_locked_seq(struct vm_area_struct *vma, struct mm_struct *mm)
{
	return READ_ONCE(vma->vm_lock_seq) == atomic_read(&mm->mm_lock_seq);
}

/*
 * vma_start_read(): fails while @vma is write-locked or detached, and when
 * it no longer belongs to @mm (reused by another). The count goes up before
 * the re-check, so a writer that marks the VMA after it waits for this
 * reader.
 */
static inline bool vma_start_read(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (vma_is_write_locked_seq(vma, mm))
		return false;
	if (!refcount_inc_not_zero(&vma->vm_refcnt))
		return false;
	smp_mb();
	if (vma_is_write_locked_seq(vma, mm) || READ_ONCE(vma->vm_mm) != mm) {
		refcount_dec_and_test(&vma->vm_refcnt);
		return false;
	}
	return true;
}

/*
 * vma_end_read(). Ending a read lock that nobody holds takes vm_refcnt to
 * or below its attached value: the kernel's refcount warns (or the VMA
 * looks detached to its writer); the model leaves the count alone and
 * counts the imbalance on the VMA's mm, so that a test can see it.
 */
static inline void vma_end_read(struct vm_area_struct *vma)
{
	long old = refcount_read(&vma->vm_refcnt);

	while (old > 1) {
		long seen = atomic_cmpxchg(&vma->vm_refcnt.refs, old, old - 1);

		if (seen == old)
			return;
		old = seen;
	}
	atomic_inc(&vma->vm_mm->vma_lock_imbalance);
}

/*
 * vma_start_write(): under mmap_lock for writing; waits for the readers
 * (the kernel sleeps in __vma_enter_locked()). A reader that never ends
 * would keep it waiting for ever, as in the kernel; the model knows those
 * (vm_refcnt_leaked), goes past them so that a run can go on, and counts
 * the hang.
 */
static inline void vma_start_write(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long seq = atomic_read(&mm->mm_lock_seq);
	long leaked;

	mmap_assert_write_locked(mm);
	if (READ_ONCE(vma->vm_lock_seq) == seq)
		return;
	WRITE_ONCE(vma->vm_lock_seq, seq);
	smp_mb();
	leaked = atomic_read(&vma->vm_refcnt_leaked);
	if (leaked && refcount_read(&vma->vm_refcnt))
		atomic_inc(&mm->vma_lock_stuck);
	while (refcount_read(&vma->vm_refcnt) > 1 + leaked)
		sched_yield();
}

/* vma_mark_attached(): the VMA enters its mm's tree. */
static inline void vma_mark_attached(struct vm_area_struct *vma)
{
	refcount_set(&vma->vm_refcnt, 1);
}

/*
 * vma_mark_detached(): the VMA leaves its tree, write-locked, so a reader
 * that raced in sees the mark and leaves; wait for it to.
 */
static inline void vma_mark_detached(struct vm_area_struct *vma)
{
	long leaked;

	vma_start_write(vma);
	leaked = atomic_read(&vma->vm_refcnt_leaked);
	if (atomic_sub_return(&vma->vm_refcnt.refs, 1) != leaked)
		while (refcount_read(&vma->vm_refcnt) != leaked)
			sched_yield();
	/* past the readers nothing ends (counted as a hang above) */
	refcount_set(&vma->vm_refcnt, 0);
	atomic_set(&vma->vm_refcnt_leaked, 0);
}

#endif
