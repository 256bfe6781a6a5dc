/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-VMA locks (include/linux/mmap_lock.h, 6.18), as far as
 * lock_vma_under_rcu() and the ANON_VMA_LAZY migration path (patch 12)
 * need them. A reader counts itself in vm_lock_readers; a writer, who holds
 * mmap_lock for writing, marks the VMA with the odd mm_lock_seq of its write
 * section and waits for the readers to leave; mmap_write_unlock() ends every
 * such mark at once by moving mm_lock_seq on.
 *
 * Faults in the model still run under mmap_lock for reading, not under the
 * per-VMA lock; the writers that take it here are the ones that detach a VMA
 * or change its range (vma_unlink_tree(), vma_set_range()).
 */
#ifndef ANONRMAP_VMA_LOCK_H
#define ANONRMAP_VMA_LOCK_H

#include <sched.h>
#include <stdbool.h>

#include <urcu/uatomic.h>

#include "lib/compiler.h"
#include "mm/mmap_lock.h"

/* vma_lock_init(): no write section has marked a new VMA. */
#define VMA_LOCK_SEQ_NONE (~0UL)

static inline bool vma_is_write_locked_seq(struct vm_area_struct *vma, struct mm_struct *mm)
{
	return READ_ONCE(vma->vm_lock_seq) == uatomic_read(&mm->mm_lock_seq);
}

/*
 * vma_start_read(): fails while @vma is write-locked, and (the VMA cache
 * being SLAB_TYPESAFE_BY_RCU) when @vma no longer belongs to @mm or has
 * left its tree. The count goes up before the re-check, so a writer that
 * marks the VMA after it waits for this reader.
 */
static inline bool vma_start_read(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (vma_is_write_locked_seq(vma, mm))
		return false;
	uatomic_inc(&vma->vm_lock_readers);
	cmm_smp_mb();
	if (vma_is_write_locked_seq(vma, mm) || READ_ONCE(vma->vm_mm) != mm ||
	    READ_ONCE(vma->vm_removed)) {
		uatomic_dec(&vma->vm_lock_readers);
		return false;
	}
	return true;
}

/*
 * vma_end_read(). The kernel's drop of vm_refcnt warns on an underflow; the
 * model does not take the count below zero and counts the imbalance on the
 * VMA's mm, so that a test can see it.
 */
static inline void vma_end_read(struct vm_area_struct *vma)
{
	long old = uatomic_read(&vma->vm_lock_readers);

	while (old > 0) {
		long seen = uatomic_cmpxchg(&vma->vm_lock_readers, old, old - 1);

		if (seen == old)
			return;
		old = seen;
	}
	uatomic_inc(&vma->vm_mm->vma_lock_imbalance);
}

/*
 * vma_start_write(): under mmap_lock for writing; waits for the readers
 * (the kernel sleeps in __vma_enter_locked()). A reader that never ends
 * keeps this waiting for ever, as in the kernel.
 */
static inline void vma_start_write(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long seq = uatomic_read(&mm->mm_lock_seq);

	mmap_assert_write_locked(mm);
	if (READ_ONCE(vma->vm_lock_seq) == seq)
		return;
	WRITE_ONCE(vma->vm_lock_seq, seq);
	cmm_smp_mb();
	while (uatomic_read(&vma->vm_lock_readers) > 0)
		sched_yield();
}

#endif
