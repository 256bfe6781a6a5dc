// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address-space life: creation, fork (dup_mmap in kernel/fork.c and
 * mm/mmap.c) and exit (exit_mmap).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/atomic.h"

#include "lib/compiler.h"
#include "mm/internal.h"
#include "mm/world.h"

/* allocate_mm() of fork: the one mm_struct allocation, and it can fail. */
struct mm_struct *mm_alloc(struct world *w)
{
	struct mm_struct *mm;

	if (should_fail(world_fail(w), FAULT_MM))
		return NULL;
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return NULL;
	mm->world = w;
	mm->mm_users = 1;
	mm->mm_rb = RB_ROOT;
	INIT_LIST_HEAD(&mm->mm_vmas);
	mmap_init_lock(mm);
	spin_lock_init(&mm->page_table_lock, &page_table_lock_key);
	if (w->rmap->mm_init && w->rmap->mm_init(mm)) {
		destroy_rwsem(&mm->mmap_lock);
		spin_lock_destroy(&mm->page_table_lock);
		free(mm);
		return NULL;
	}
	spin_lock(&w->mmlist_lock);
	mm->id = w->nr_mms++;
	list_add_tail(&mm->mmlist, &w->mms);
	spin_unlock(&w->mmlist_lock);
	return mm;
}

/* mmget_not_zero(): a call may run on the mm only while someone uses it. */
bool mmget_not_zero(struct mm_struct *mm)
{
	return atomic_inc_not_zero(&mm->mm_users);
}

/* mmput(): the last user tears the address space down (__mmput()). */
void mmput(struct mm_struct *mm)
{
	if (atomic_sub_return(&mm->mm_users, 1) == 0)
		exit_mmap(mm);
}

const struct lock_class_key mmap_lock_key = { "mm->mmap_lock", LOCK_RANK_MMAP_LOCK };
const struct lock_class_key page_table_lock_key = { "mm->page_table_lock", LOCK_RANK_PTL };

void mm_free(struct mm_struct *mm)
{
	struct world *w = mm->world;

	spin_lock(&w->mmlist_lock);
	list_del(&mm->mmlist);
	spin_unlock(&w->mmlist_lock);
	destroy_rwsem(&mm->mmap_lock);
	spin_lock_destroy(&mm->page_table_lock);
	free(mm);
}

/*
 * exit_mmap(): every page is unmapped and every VMA unlinked from the anon
 * rmap before any VMA is freed, as free_pgtables() does, so no rmap walk can
 * meet a half-torn-down address space.
 */
void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *next;

	mmap_write_lock(mm);
	for (vma = vma_first(mm); vma; vma = vma_next(vma))
		zap_page_range(vma, vma->vm_start, vma->vm_end);
	for (vma = vma_first(mm); vma; vma = next) {
		next = vma_next(vma);
		vma_unlink_tree(vma);
		mm->world->rmap->unlink(vma);
		vm_area_free(vma);
	}
	free_pgtables(mm);
	if (mm->world->rmap->mm_exit)
		mm->world->rmap->mm_exit(mm);
	WRITE_ONCE(mm->exited, true);
	mmap_write_unlock(mm);
}

/*
 * dup_mmap(): MADV_DONTFORK VMAs stay behind; MADV_WIPEONFORK ones are
 * copied empty and without anon state; the rest join their parent's anon
 * rmap family, and their pages are shared only if the parent VMA has anon
 * state (vma_needs_copy(): otherwise a fault can refill them from the file).
 */
int dup_mm(struct mm_struct *parent, struct mm_struct **childp)
{
	struct world *w = parent->world;
	const struct anon_rmap_ops *rmap = w->rmap;
	struct mm_struct *mm = mm_alloc(w);
	struct vm_area_struct *mpnt;
	int err = 0;

	if (!mm)
		return -ENOMEM;
	mmap_write_lock(parent);
	mmap_write_lock_nested(mm, SINGLE_DEPTH_NESTING);
	if (rmap->mm_fork)
		err = rmap->mm_fork(mm, parent);
	for (mpnt = vma_first(parent); !err && mpnt; mpnt = vma_next(mpnt)) {
		struct vm_area_struct *tmp;

		if (mpnt->vm_flags & VM_DONTCOPY)
			continue;
		tmp = vm_area_dup(mpnt);
		if (!tmp) {
			err = -ENOMEM;
			break;
		}
		tmp->vm_mm = mm;
		if (tmp->vm_flags & VM_WIPEONFORK) {
			tmp->anon_vma = NULL;
			tmp->rmap_state = 0;
		} else {
			err = rmap->fork(tmp, mpnt);
			if (err) {
				vm_area_free(tmp);
				break;
			}
		}
		vma_link(mm, tmp);
		if (!(tmp->vm_flags & VM_WIPEONFORK) && rmap->vma_has_anon(mpnt)) {
			err = copy_page_range(tmp, mpnt);
			if (err)
				break;
		}
	}
	mmap_write_unlock(mm);
	mmap_write_unlock(parent);
	if (err) {
		exit_mmap(mm);
		/* the failed child's number goes back unless another fork took the next */
		spin_lock(&w->mmlist_lock);
		if (mm->id == w->nr_mms - 1)
			w->nr_mms--;
		spin_unlock(&w->mmlist_lock);
		mm_free(mm);
		return err;
	}
	*childp = mm;
	return 0;
}
