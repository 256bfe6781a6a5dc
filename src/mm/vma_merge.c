// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMA merging (mm/vma.c): the rules that decide whether a new, changed or
 * moved range joins its neighbours. Which anon rmap states may be joined is
 * the rmap design's call; the geometry (adjacency, flags, file, pgoff) is
 * decided here, the same for every design.
 */
#include "mm/internal.h"
#include "mm/world.h"

static const struct anon_rmap_ops *vmg_rmap(const struct vma_merge_struct *vmg)
{
	return vmg->mm->world->rmap;
}

/* VM_SOFTDIRTY is not modelled, so flags must simply be equal. */
static bool is_mergeable_vma(const struct vma_merge_struct *vmg,
			     const struct vm_area_struct *vma)
{
	return vma->vm_flags == vmg->vm_flags && vma->vm_file == vmg->file;
}

/* Can the range go in front of vmg->next? */
static bool can_vma_merge_before(struct vma_merge_struct *vmg)
{
	pgoff_t pglen = PHYS_PFN(vmg->end - vmg->start);

	return is_mergeable_vma(vmg, vmg->next) &&
	       vmg_rmap(vmg)->mergeable(vmg->next, vmg->middle, vmg->anon_state) &&
	       vmg->next->vm_pgoff == vmg->pgoff + pglen;
}

/* Can the range go behind vmg->prev? */
static bool can_vma_merge_after(struct vma_merge_struct *vmg)
{
	return is_mergeable_vma(vmg, vmg->prev) &&
	       vmg_rmap(vmg)->mergeable(vmg->prev, vmg->middle, vmg->anon_state) &&
	       vmg->prev->vm_pgoff + vma_pages(vmg->prev) == vmg->pgoff;
}

static bool can_vma_merge_left(struct vma_merge_struct *vmg)
{
	return vmg->prev && vmg->prev->vm_end == vmg->start && can_vma_merge_after(vmg);
}

/*
 * Merging with both neighbours needs prev and next to agree with each other,
 * not only each with the range.
 */
static bool can_vma_merge_right(struct vma_merge_struct *vmg, bool can_merge_left)
{
	if (!vmg->next || vmg->end != vmg->next->vm_start || !can_vma_merge_before(vmg))
		return false;
	if (!can_merge_left)
		return true;
	return vmg_rmap(vmg)->compatible(vmg->prev, vmg->next);
}

/*
 * The kernel stores the merged VMA over [start, end) in the maple tree,
 * which silently drops whatever VMA was there. The rb-tree needs that spelt
 * out, and it only matters when a design swapped the target for a VMA that
 * is also being removed (merge_keep): the original target is then dropped
 * from the tree without being freed, as the maple tree store does.
 */
static void vma_store_over(struct vm_area_struct *vma)
{
	struct vm_area_struct *old;

	while ((old = find_vma_intersection(vma->vm_mm, vma->vm_start, vma->vm_end)))
		vma_unlink_tree(old);
	vma_link(vma->vm_mm, vma);
}

/*
 * SWAP_VMG_TARGET_IF_DELETE_ANON_VMA_LAZY_ROOT() of ANON_VMA_LAZY patch 14:
 * it exchanges vmg->target with the local variable naming the VMA to
 * delete, while the deletion itself still follows vmg->middle/vmg->next.
 */
static void merge_swap_target(struct vma_merge_struct *vmg, struct vm_area_struct **gone)
{
	const struct anon_rmap_ops *rmap = vmg_rmap(vmg);
	struct vm_area_struct *tmp;

	if (!rmap->merge_keep || !*gone || !rmap->merge_keep(*gone))
		return;
	tmp = vmg->target;
	vmg->target = *gone;
	*gone = tmp;
}

/*
 * Apply a decided merge: @vma takes [start, end) at pgoff, vmg->adjust (if
 * any) has its start moved to the boundary, and middle and next go as
 * decided. Every allocation has happened before this point, so it cannot
 * fail.
 */
static void commit_merge(struct vma_merge_struct *vmg, struct vm_area_struct *vma)
{
	const struct anon_rmap_ops *rmap = vmg_rmap(vmg);
	struct vm_area_struct *adjust = vmg->adjust;
	struct vm_area_struct *remove = vmg->remove_middle ? vmg->middle : NULL;
	struct vm_area_struct *remove2 = vmg->remove_next ? vmg->next : NULL;

	struct anon_vma *locked;

	mmap_assert_write_locked(vmg->mm);

	locked = anon_vma_lock_for_update(vma, adjust);
	rmap->pre_update(vma);
	if (adjust)
		rmap->pre_update(adjust);
	if (remove)
		vma_unlink_tree(remove);
	if (remove2)
		vma_unlink_tree(remove2);
	vma_set_range(vma, vmg->start, vmg->end, vmg->pgoff);
	if (adjust)
		vma_set_range(adjust, vmg->end, adjust->vm_end, vmg->adjust_pgoff);
	if (RB_EMPTY_NODE(&vma->vm_rb))
		vma_store_over(vma);
	rmap->post_update(vma);
	if (adjust)
		rmap->post_update(adjust);
	anon_vma_unlock_for_update(locked);
	/*
	 * vma_complete() marks what it removes detached even when a swapped
	 * target made it the survivor, still in the tree.
	 */
	if (remove) {
		rmap->merge_remove(vma, remove);
		remove->vm_removed = true;
		vm_area_free(remove);
	}
	if (remove2) {
		rmap->merge_remove(vma, remove2);
		remove2->vm_removed = true;
		vm_area_free(remove2);
	}
	vmg->target = vma;
	vmg->state = VMA_MERGE_SUCCESS;
}

/*
 * vma_expand(): grow vmg->target over [start, end), swallowing vmg->next if
 * the range reaches its end, and taking over the anon state of whatever it
 * swallows or was copied from.
 */
static int vma_expand(struct vma_merge_struct *vmg, struct vm_area_struct *copied_from)
{
	const struct anon_rmap_ops *rmap = vmg_rmap(vmg);
	struct vm_area_struct *target = vmg->target, *next = vmg->next;
	bool remove_next = next && next != target && vmg->end == next->vm_end;
	int err;

	if (remove_next) {
		merge_swap_target(vmg, &next);
		err = rmap->dup(target, next);
		if (err)
			return err;
	}
	if (copied_from) {
		err = rmap->dup(target, copied_from);
		if (err)
			return err;
	}
	vmg->adjust = NULL;
	vmg->remove_middle = false;
	vmg->remove_next = remove_next;
	commit_merge(vmg, vmg->target);
	return 0;
}

/*
 * vma_merge_new_range(): a range about to be mapped (mmap, mremap's copy,
 * an in-place grow) joins prev, next, or both:
 *
 *   PPPP....      ....NNNN      PPPP....NNNN
 *   PPPPnnnn      nnnnNNNN      PPPPnnnnNNNN  (next removed)
 */
static struct vm_area_struct *merge_new(struct vma_merge_struct *vmg,
					struct vm_area_struct *copied_from)
{
	bool left, right;

	vmg->state = VMA_MERGE_NOMERGE;
	if (!vmg->prev && !vmg->next)
		return NULL;
	left = can_vma_merge_left(vmg);
	right = !vmg->just_expand && can_vma_merge_right(vmg, left);
	if (right) {
		vmg->end = vmg->next->vm_end;
		vmg->target = vmg->next;
	}
	if (left) {
		vmg->start = vmg->prev->vm_start;
		vmg->target = vmg->prev;
		vmg->pgoff = vmg->prev->vm_pgoff;
	}
	if (vmg->target && !vma_expand(vmg, copied_from))
		return vmg->target;
	if (vmg->target)
		vmg->state = VMA_MERGE_ERROR_NOMEM;
	vmg->target = NULL;
	return NULL;
}

struct vm_area_struct *vma_merge_new_range(struct vma_merge_struct *vmg)
{
	mmap_assert_write_locked(vmg->mm);
	return merge_new(vmg, NULL);
}

/*
 * vma_merge_existing_range(): part or all of vmg->middle changes its flags
 * and may join a neighbour. Only a range touching an end of middle can.
 */
static struct vm_area_struct *merge_existing(struct vma_merge_struct *vmg)
{
	const struct anon_rmap_ops *rmap = vmg_rmap(vmg);
	struct vm_area_struct *middle = vmg->middle, *prev = vmg->prev, *next = NULL;
	struct vm_area_struct *target, *dup_src;
	unsigned long start = vmg->start, end = vmg->end;
	bool left_side = start == middle->vm_start, right_side = end == middle->vm_end;
	bool merge_left = false, merge_right = false, remove_middle;
	int err;

	vmg->state = VMA_MERGE_NOMERGE;
	if (!left_side && !right_side)
		return NULL;
	if (left_side)
		merge_left = can_vma_merge_left(vmg);
	if (right_side) {
		next = vmg->next = vma_next(middle);
		merge_right = can_vma_merge_right(vmg, merge_left);
	}
	if (!merge_left && !merge_right)
		return NULL;
	remove_middle = left_side && right_side;
	vmg->target = merge_left ? prev : next;
	vmg->adjust = NULL;
	vmg->remove_middle = remove_middle;
	vmg->remove_next = merge_left && merge_right;

	if (merge_left && merge_right) {
		/*
		 * PPPPMMMMNNNN -> PPPPPPPPPPPP: prev grows, middle and next go.
		 */
		vmg->start = prev->vm_start;
		vmg->end = next->vm_end;
		vmg->pgoff = prev->vm_pgoff;
		merge_swap_target(vmg, &middle);
		merge_swap_target(vmg, &next);
		target = vmg->target;
		dup_src = rmap->vma_has_anon(next) ? next : middle;
	} else if (merge_left) {
		/*
		 * PPPPMMMM -> PPPPPPPP (middle goes), or
		 * PPPPMMmm -> PPPPPPmm (middle shrinks from the left).
		 */
		vmg->start = prev->vm_start;
		vmg->pgoff = prev->vm_pgoff;
		if (!remove_middle) {
			vmg->adjust = middle;
			vmg->adjust_pgoff = middle->vm_pgoff + PHYS_PFN(end - middle->vm_start);
		} else {
			merge_swap_target(vmg, &middle);
		}
		target = vmg->target;
		dup_src = middle;
	} else {
		/*
		 * MMMMNNNN -> NNNNNNNN (middle goes), or
		 * mmMMNNNN -> mmNNNNNN (next grows to the left over middle's tail).
		 */
		pgoff_t pglen = PHYS_PFN(end - start);

		if (remove_middle) {
			vmg->end = next->vm_end;
			vmg->pgoff = next->vm_pgoff - pglen;
			merge_swap_target(vmg, &middle);
		}
		target = vmg->target;
		dup_src = middle;
	}

	err = rmap->dup(target, dup_src);
	if (err) {
		vmg->state = VMA_MERGE_ERROR_NOMEM;
		return NULL;
	}
	if (merge_right && !merge_left && !remove_middle) {
		/* middle keeps [vm_start, start) and next starts at start */
		pgoff_t next_pgoff = next->vm_pgoff - PHYS_PFN(next->vm_start - start);

		vmg->start = middle->vm_start;
		vmg->end = start;
		vmg->pgoff = middle->vm_pgoff;
		vmg->adjust = next;
		vmg->adjust_pgoff = next_pgoff;
		commit_merge(vmg, middle);
		vmg->target = next;
		return next;
	}
	commit_merge(vmg, target);
	return target;
}

/*
 * vma_modify_flags(): give [start, end) of @vma new flags, merging with a
 * neighbour where the rules allow and splitting otherwise. Returns the VMA
 * that now covers the range, or NULL with *err set.
 */
struct vm_area_struct *vma_modify_flags(struct vm_area_struct *prev, struct vm_area_struct *vma,
					unsigned long start, unsigned long end,
					vm_flags_t vm_flags, int *err)
{
	struct vma_merge_struct vmg = {
		.mm = vma->vm_mm, .prev = prev, .middle = vma, .start = start, .end = end,
		.pgoff = vma->vm_pgoff + PHYS_PFN(start - vma->vm_start),
		.vm_flags = vm_flags, .file = vma->vm_file, .anon_state = vma,
	};
	struct vm_area_struct *merged;

	mmap_assert_write_locked(vma->vm_mm);
	*err = 0;
	merged = merge_existing(&vmg);
	if (merged)
		return merged;
	if (vmg.state == VMA_MERGE_ERROR_NOMEM) {
		*err = -ENOMEM;
		return NULL;
	}
	/* split_vma(), unlike __split_vma(), stops at vm.max_map_count */
	if (vma->vm_start < start) {
		*err = vma->vm_mm->map_count >= vma->vm_mm->world->max_map_count ? -ENOMEM :
			split_vma(vma, start, true, NULL);
		if (*err)
			return NULL;
	}
	if (vma->vm_end > end) {
		*err = vma->vm_mm->map_count >= vma->vm_mm->world->max_map_count ? -ENOMEM :
			split_vma(vma, end, false, NULL);
		if (*err)
			return NULL;
	}
	return vma;
}

/* vma_merge_extend(): grow @vma by @delta in place, joining next if it fits. */
struct vm_area_struct *vma_merge_extend(struct vm_area_struct *vma, unsigned long delta)
{
	struct vma_merge_struct vmg = {
		.mm = vma->vm_mm, .prev = vma, .next = vma_next(vma),
		.start = vma->vm_end, .end = vma->vm_end + delta,
		.pgoff = vma->vm_pgoff + vma_pages(vma),
		.vm_flags = vma->vm_flags, .file = vma->vm_file, .anon_state = vma,
	};

	mmap_assert_write_locked(vma->vm_mm);
	return vma_merge_new_range(&vmg);
}

/*
 * copy_vma(): the destination VMA of an mremap move. An unfaulted anonymous
 * VMA takes the pgoff of its new address so it can merge there; a faulted
 * one keeps its pgoff because its folios' indexes depend on it.
 */
struct vm_area_struct *copy_vma(struct vm_area_struct **vmap, unsigned long addr,
				unsigned long len, pgoff_t pgoff)
{
	struct vm_area_struct *vma = *vmap, *new_vma, *next;
	struct mm_struct *mm = vma->vm_mm;
	const struct anon_rmap_ops *rmap = mm->world->rmap;
	unsigned long vma_start = vma->vm_start;
	struct vma_merge_struct vmg = {
		.mm = mm, .start = addr, .end = addr + len,
		.vm_flags = vma->vm_flags, .file = vma->vm_file, .anon_state = vma,
	};

	mmap_assert_write_locked(mm);
	if (vma_is_anonymous(vma) && !rmap->vma_has_anon(vma))
		pgoff = addr >> PAGE_SHIFT;
	vmg.pgoff = pgoff;
	next = find_vma(mm, addr);
	if (next && next->vm_start < addr + len)
		return NULL;
	vmg.next = next;
	vmg.prev = next ? vma_prev(next) : vma_last(mm);
	new_vma = merge_new(&vmg, vma);
	if (new_vma) {
		/* only an unfaulted VMA can have merged with itself */
		if (vma_start >= new_vma->vm_start && vma_start < new_vma->vm_end)
			*vmap = new_vma;
		return new_vma;
	}
	if (vmg.state == VMA_MERGE_ERROR_NOMEM)
		return NULL;
	new_vma = vm_area_dup(vma);
	if (!new_vma)
		return NULL;
	vma_set_range(new_vma, addr, addr + len, pgoff);
	if (rmap->clone(new_vma, vma)) {
		vm_area_free(new_vma);
		return NULL;
	}
	vma_link(mm, new_vma);
	return new_vma;
}

/*
 * The rough test find_mergeable_anon_vma() applies to a neighbour: adjacent,
 * same file, flags equal apart from access bits, and linear pgoff.
 */
bool anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start && a->vm_file == b->vm_file &&
	       !((a->vm_flags ^ b->vm_flags) & ~VM_ACCESS_FLAGS) &&
	       b->vm_pgoff == a->vm_pgoff + ((b->vm_start - a->vm_start) >> PAGE_SHIFT);
}
