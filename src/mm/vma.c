// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMAs of an address space (mm/vma.c, mm/mmap.c): the address-ordered
 * tree, split, and munmap. Merging lives in vma_merge.c.
 *
 * The kernel keeps VMAs in a maple tree; a red-black tree keyed by vm_start
 * gives the same ordered lookups, which is all the anon rmap depends on.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/rcu.h"
#include "mm/internal.h"
#include "mm/vma_lock.h"
#include "mm/world.h"

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = kmem_cache_alloc(vm_area_cachep(mm->world));

	if (!vma)
		return NULL;
	vma->vm_mm = mm;
	refcount_set(&vma->vm_lazy_refs, 1);
	/* kept across reuse (world.c): a stale reader may be reading it */
	atomic_set(&vma->vm_lock_seq, VMA_LOCK_SEQ_NONE);
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	RB_CLEAR_NODE(&vma->vm_rb);
	INIT_LIST_HEAD(&vma->vm_list);
	return vma;
}

/* Copies anon_vma and rmap_state as vm_area_dup() does: the caller fixes them. */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *vma = vm_area_alloc(orig->vm_mm);

	if (!vma)
		return NULL;
	vma->vm_start = orig->vm_start;
	vma->vm_end = orig->vm_end;
	vma->vm_pgoff = orig->vm_pgoff;
	vma->vm_flags = orig->vm_flags;
	vma->vm_file = orig->vm_file;
	vma->anon_vma = orig->anon_vma;
	vma->rmap_state = orig->rmap_state;
	return vma;
}

/*
 * Every place that lets go of a VMA comes here, so this is where a design
 * that pins VMAs (vma_put() of CONFIG_VMA_REF) decides whether the object
 * really goes now.
 */
void vm_area_free(struct vm_area_struct *vma)
{
	const struct anon_rmap_ops *rmap = vma->vm_mm->world->rmap;

	if (rmap->vma_free && !rmap->vma_free(vma))
		return;
	kmem_cache_free(vm_area_cachep(vma->vm_mm->world), vma);
}

static struct vm_area_struct *rb_vma(struct rb_node *n)
{
	return n ? rb_entry(n, struct vm_area_struct, vm_rb) : NULL;
}

/* The first VMA with vm_end > addr, as the kernel's find_vma(). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct rb_node *n = mm->mm_rb.rb_node;
	struct vm_area_struct *best = NULL;

	while (n) {
		struct vm_area_struct *vma = rb_vma(n);

		if (vma->vm_end > addr) {
			best = vma;
			if (vma->vm_start <= addr)
				break;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm,
					     unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return vma && vma->vm_start < end ? vma : NULL;
}

/*
 * A descent of a valid red-black tree of fewer than 2^32 nodes is shorter;
 * a longer one met a writer's rotation or a node that moved to another tree.
 */
#define RB_LOCKLESS_MAX_DEPTH 64
/* Attempts against writers before vma_lookup_rcu() takes what it found. */
#define VMA_LOOKUP_RCU_TRIES 64

/* find_vma() as one lockless pass; false when the pass was cut short. */
static bool find_vma_lockless(struct mm_struct *mm, unsigned long addr,
			      struct vm_area_struct **found)
{
	struct rb_node *n = READ_ONCE(mm->mm_rb.rb_node);
	struct vm_area_struct *best = NULL;

	for (int depth = 0; n; depth++) {
		struct vm_area_struct *vma = rb_vma(n);

		if (depth == RB_LOCKLESS_MAX_DEPTH)
			return false;
		if (READ_ONCE(vma->vm_end) > addr) {
			best = vma;
			if (READ_ONCE(vma->vm_start) <= addr)
				break;
			n = READ_ONCE(n->rb_left);
		} else {
			n = READ_ONCE(n->rb_right);
		}
	}
	*found = best;
	return true;
}

/*
 * vma_lookup() without mmap_lock, in an RCU read-side section. The
 * kernel's maple tree is RCU-safe: a reader never blocks and gets a VMA
 * that was in the tree at @addr at some time during its walk, possibly
 * one being detached, which the caller must re-check. An rb tree gives no
 * such promise while a writer rotates it, so the model validates each pass
 * with mm_lock_seq (mmap_lock_speculate_try_begin()/_retry(), the seqcount
 * 6.18 keeps for its own lockless readers) and tries again when a writer
 * intervened. The VMA cache is SLAB_TYPESAFE_BY_RCU, so a node freed or
 * reused during the pass is still a VMA whose fields can be read; a pass
 * that wandered into another mm's tree is caught by the seqcount (the VMA
 * left this mm under its write lock) or by the checks below. After
 * VMA_LOOKUP_RCU_TRIES passes against a writer that holds on, the last
 * pass's VMA is returned if it still looks like one of @mm's at @addr, as
 * the maple tree would return one the writer was about to detach; such a
 * pass may also miss a VMA that stayed, which the maple tree would not.
 */
struct vm_area_struct *vma_lookup_rcu(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = NULL;
	unsigned long seq;

	lockdep_assert_in_rcu_read_lock();
	for (int tries = 0; tries < VMA_LOOKUP_RCU_TRIES; tries++) {
		bool stable = mmap_lock_speculate_try_begin(mm, &seq);
		bool whole = find_vma_lockless(mm, addr, &vma);

		if (stable && whole && !mmap_lock_speculate_retry(mm, seq))
			return vma && READ_ONCE(vma->vm_start) <= addr ? vma : NULL;
		if (!whole)
			vma = NULL;
		sched_yield();
	}
	if (!vma || READ_ONCE(vma->vm_mm) != mm || READ_ONCE(vma->vm_start) > addr ||
	    READ_ONCE(vma->vm_end) <= addr)
		return NULL;
	return vma;
}

/*
 * lock_vma_under_rcu(): the VMA at @address read-locked, without mmap_lock,
 * or NULL when there is none or it is write-locked. A VMA detached or
 * reused by another mm between lookup and lock is looked up again.
 */
struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma;

	for (int tries = 0; tries < VMA_LOOKUP_RCU_TRIES; tries++) {
		rcu_read_lock();
		vma = vma_lookup_rcu(mm, address);
		if (!vma) {
			rcu_read_unlock();
			return NULL;
		}
		if (!vma_start_read(mm, vma)) {
			bool replaced = !refcount_read(&vma->vm_refcnt) || READ_ONCE(vma->vm_mm) != mm;

			rcu_read_unlock();
			if (replaced)
				continue;
			return NULL;
		}
		rcu_read_unlock();
		if (address < READ_ONCE(vma->vm_start) || address >= READ_ONCE(vma->vm_end)) {
			vma_end_read(vma);
			return NULL;
		}
		return vma;
	}
	return NULL;
}

/* Like rb_prev() and rb_next(), NULL for a VMA no longer in its mm. */
struct vm_area_struct *vma_prev(struct vm_area_struct *vma)
{
	struct list_head *p = vma->vm_list.prev;

	if (RB_EMPTY_NODE(&vma->vm_rb) || p == &vma->vm_mm->mm_vmas)
		return NULL;
	return list_entry(p, struct vm_area_struct, vm_list);
}

struct vm_area_struct *vma_next(struct vm_area_struct *vma)
{
	struct list_head *n = vma->vm_list.next;

	if (RB_EMPTY_NODE(&vma->vm_rb) || n == &vma->vm_mm->mm_vmas)
		return NULL;
	return list_entry(n, struct vm_area_struct, vm_list);
}

struct vm_area_struct *vma_first(struct mm_struct *mm)
{
	if (list_empty(&mm->mm_vmas))
		return NULL;
	return list_first_entry(&mm->mm_vmas, struct vm_area_struct, vm_list);
}

struct vm_area_struct *vma_last(struct mm_struct *mm)
{
	if (list_empty(&mm->mm_vmas))
		return NULL;
	return list_last_entry(&mm->mm_vmas, struct vm_area_struct, vm_list);
}

void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **link = &mm->mm_rb.rb_node, *parent = NULL;
	struct vm_area_struct *prev;

	mmap_assert_write_locked(mm);
	while (*link) {
		parent = *link;
		if (vma->vm_start < rb_vma(parent)->vm_start)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&vma->vm_rb, parent, link);
	rb_insert_color(&vma->vm_rb, &mm->mm_rb);
	prev = rb_vma(rb_prev(&vma->vm_rb));
	list_add(&vma->vm_list, prev ? &prev->vm_list : &mm->mm_vmas);
	mm->map_count++;
	vma->vm_removed = false;
	vma_mark_attached(vma);
}

void vma_unlink_tree(struct vm_area_struct *vma)
{
	mmap_assert_write_locked(vma->vm_mm);
	vma_mark_detached(vma);
	rb_erase(&vma->vm_rb, &vma->vm_mm->mm_rb);
	RB_CLEAR_NODE(&vma->vm_rb);
	list_del(&vma->vm_list);
	INIT_LIST_HEAD(&vma->vm_list);
	vma->vm_mm->map_count--;
	vma->vm_removed = true;
}

/*
 * Changing the range moves the VMA's keys in every interval tree it sits in;
 * the rmap design takes them out and puts them back around the change.
 */
void vma_set_range(struct vm_area_struct *vma, unsigned long start,
		   unsigned long end, pgoff_t pgoff)
{
	/* vma_adjust_trans_huge(): a boundary inside a THP splits it */
	spin_lock(&vma->vm_mm->page_table_lock);
	if (start & ~HPAGE_PMD_MASK)
		split_huge_pmd(vma->vm_mm, start);
	if (end & ~HPAGE_PMD_MASK)
		split_huge_pmd(vma->vm_mm, end);
	spin_unlock(&vma->vm_mm->page_table_lock);
	if (!RB_EMPTY_NODE(&vma->vm_rb))
		vma_start_write(vma);
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
}

/*
 * __split_vma(): the new VMA takes [vm_start, addr) when @new_below, else
 * [addr, vm_end); @vma keeps the rest. Nothing changes if the clone of the
 * anon rmap state fails.
 */
int split_vma(struct vm_area_struct *vma, unsigned long addr, bool new_below,
	      struct vm_area_struct **newp)
{
	const struct anon_rmap_ops *rmap = vma->vm_mm->world->rmap;
	struct vm_area_struct *new;
	struct anon_vma *locked;
	int err;

	mmap_assert_write_locked(vma->vm_mm);
	new = vm_area_dup(vma);
	if (!new)
		return -ENOMEM;
	if (new_below) {
		new->vm_end = addr;
	} else {
		new->vm_start = addr;
		new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	}
	err = rmap->clone(new, vma);
	if (err) {
		vm_area_free(new);
		return err;
	}
	locked = anon_vma_lock_for_update(vma, NULL);
	rmap->pre_update(vma);
	if (new_below)
		vma_set_range(vma, addr, vma->vm_end,
			      vma->vm_pgoff + ((addr - new->vm_start) >> PAGE_SHIFT));
	else
		vma_set_range(vma, vma->vm_start, addr, vma->vm_pgoff);
	rmap->post_update(vma);
	anon_vma_unlock_for_update(locked);
	vma_link(vma->vm_mm, new);
	if (newp)
		*newp = new;
	return 0;
}

/*
 * Tear down a VMA already out of the tree: pages, rmap state, object. Once
 * detached no fault can reach it, so munmap may do this after downgrading
 * its mmap_lock.
 */
void remove_vma(struct vm_area_struct *vma)
{
	mmap_assert_locked(vma->vm_mm);
	zap_page_range(vma, vma->vm_start, vma->vm_end);
	vma->vm_mm->world->rmap->unlink(vma);
	vm_area_free(vma);
}

/*
 * do_vmi_munmap(): split the VMAs straddling the ends, then detach and tear
 * down everything inside. A range with nothing mapped succeeds. As in
 * vms_gather_munmap_vmas(), the VMAs to go are gathered into a detached
 * tree, one allocation per VMA; a failure there, or in the second split,
 * returns -ENOMEM with the splits made so far left in place and nothing
 * unmapped.
 */
static int __do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len,
		       bool unlock)
{
	unsigned long end;
	struct vm_area_struct *vma, *next, **detach = NULL;
	size_t nr = 0, cap = 0;
	int err;

	mmap_assert_write_locked(mm);
	if (!PAGE_ALIGNED(start) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	end = start + ((len + PAGE_SIZE - 1) & PAGE_MASK);
	if (end == start)
		return -EINVAL;
	vma = find_vma_intersection(mm, start, end);
	if (!vma) {
		if (unlock)
			mmap_write_unlock(mm);
		return 0;
	}
	if (start > vma->vm_start) {
		/*
		 * vms_gather_munmap_vmas(): punching a hole adds a VMA, which
		 * vm.max_map_count forbids at the limit; trimming one end
		 * does not add one, so it is let through.
		 */
		if (end < vma->vm_end && mm->map_count >= mm->world->max_map_count)
			return -ENOMEM;
		err = split_vma(vma, start, true, NULL);
		if (err)
			return err;
	}
	for (; vma && vma->vm_start < end; vma = next) {
		if (vma->vm_end > end) {
			err = split_vma(vma, end, false, NULL);
			if (err)
				goto fail;
		}
		next = vma_next(vma);
		err = -ENOMEM;
		if (should_fail(world_fail(mm->world), FAULT_MUNMAP_DETACH))
			goto fail;
		if (nr == cap) {
			struct vm_area_struct **d;

			cap = cap ? 2 * cap : 8;
			d = realloc(detach, cap * sizeof(*d));
			if (!d)
				goto fail;
			detach = d;
		}
		detach[nr++] = vma;
	}
	for (size_t i = 0; i < nr; i++)
		vma_unlink_tree(detach[i]);
	/*
	 * vms_complete_munmap_vmas(): with the VMAs detached, faults and
	 * other readers of this mm may go on while the pages are zapped.
	 */
	if (unlock)
		mmap_write_downgrade(mm);
	for (size_t i = 0; i < nr; i++)
		remove_vma(detach[i]);
	free(detach);
	free_pgtables_range(mm, start, end);
	if (unlock)
		mmap_read_unlock(mm);
	return 0;
fail:
	free(detach);
	return err;
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	return __do_munmap(mm, start, len, false);
}

/*
 * munmap(2): the caller holds mmap_lock for writing, and on success it has
 * been downgraded and dropped here, as __vm_munmap() with unlock does; on
 * failure the caller still holds it for writing.
 */
int do_munmap_unlock(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	return __do_munmap(mm, start, len, true);
}
