// SPDX-License-Identifier: GPL-2.0-only
/*
 * ANON_VMA_LAZY, as posted in the v1 series of May 2026 (patches 03-14),
 * modelled as written and not as it should have been: this design exists
 * in the simulator so that the invariant checker can show where the series
 * loses reverse mappings, leaks objects or touches freed ones.
 *
 * The idea: a VMA's first anonymous fault allocates nothing. The VMA
 * becomes its own "lazy root" (ANON_VMA_TREE_VMA) and its folios name the
 * VMA itself in folio->mapping, under the second tag bit. A reference count
 * on the VMA (CONFIG_VMA_REF) keeps it allocated while anything names it.
 * Only fork() creates a regular anon_vma, for the parent VMA, rewriting
 * folio->mapping of the folios it copies; the child VMA stays lazy too,
 * naming its parent's anon_vma (ANON_VMA_TREE_PARENT).
 *
 * vma->rmap_state holds the series' tagged vma->anon_vma word. Function
 * names are the series'; where the series changed a classic function the
 * name is the classic one and the body the patched one.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/rcu.h"
#include "mm/dot.h"
#include "mm/internal.h"
#include "mm/world.h"
#include "mm/interval_tree.h"
#include "mm/lazy_rmap.h"
#include "mm/rmap.h"
#include "mm/vma_lock.h"

/* ---- race points, for the deterministic interleaving tests ---- */

void (*lazy_race_hook)(enum lazy_race_point point, const void *obj);

static inline void lazy_race(enum lazy_race_point point, const void *obj)
{
	void (*hook)(enum lazy_race_point, const void *) = READ_ONCE(lazy_race_hook);

	if (hook)
		hook(point, obj);
}

/* ---- CONFIG_VMA_REF (patch 06) ---- */

/*
 * rcuref_get() fails once the count has dropped to zero, so a freed VMA
 * cannot be pinned; a freed VMA that was allocated again can, because the
 * cache is type-stable and the new owner starts a fresh count.
 */
static struct vm_area_struct *vma_get(struct vm_area_struct *vma)
{
	return refcount_inc_not_zero(&vma->vm_lazy_refs) ? vma : NULL;
}

/* rcuref_put() with its imbalance check: a put on a dead count frees nothing. */
static bool vma_ref_put(struct vm_area_struct *vma)
{
	if (refcount_read(&vma->vm_lazy_refs) <= 0)
		return false;
	return refcount_dec_and_test(&vma->vm_lazy_refs);
}

/*
 * The object goes back to the cache, unless it is still in an address
 * space's tree (patch 14 can free a merge survivor there). The kernel would
 * hand that memory out again and corrupt the tree; the model keeps it out
 * of reuse so that the run can go on and the checker can say what happened.
 * Its count is zero either way, so vma_get() fails on it as on any freed VMA.
 */
static bool vma_may_release(struct vm_area_struct *vma)
{
	return RB_EMPTY_NODE(&vma->vm_rb);
}

/* rcuref_put(): a put on a dead count is an imbalance; it frees nothing. */
static bool vma_put(struct vm_area_struct *vma)
{
	if (!vma_ref_put(vma))
		return false;
	if (vma_may_release(vma))
		kmem_cache_free(vm_area_cachep(vma_world(vma)), vma);
	return true;
}

/* The generic code's vm_area_free() is the series' vma_put(). */
static bool lazy_vma_free(struct vm_area_struct *vma)
{
	if (!vma_ref_put(vma))
		return false;
	return vma_may_release(vma);
}

/* ---- anon_vma objects, the same life cycle as classic ---- */

static void anon_vma_chain_assign(struct vm_area_struct *vma, struct anon_vma_chain *avc,
				  struct anon_vma *anon_vma)
{
	avc->vma = vma;
	avc->anon_vma = anon_vma;
	list_add(&avc->same_vma, &vma->anon_vma_chain);
}

/* A lazy root has no anon_vma, hence nothing to lock (patch 08). */
static void anon_vma_tree_lock_write(anon_vma_tree_t tree)
{
	struct anon_vma *anon_vma = anon_vma_tree_anon_vma(tree);

	if (anon_vma)
		anon_vma_lock_write(anon_vma);
}

static void anon_vma_tree_unlock_write(anon_vma_tree_t tree)
{
	struct anon_vma *anon_vma = anon_vma_tree_anon_vma(tree);

	if (anon_vma)
		anon_vma_unlock_write(anon_vma);
}

static void vma_set_anon_vma(struct vm_area_struct *vma, struct anon_vma *anon_vma)
{
	vma->rmap_state = (anon_vma_tree_t)anon_vma;
}

/* ---- the lazy states (patch 10) ---- */

/* First anonymous fault: the VMA becomes its own root and pins itself. */
static void vma_prepare_anon_vma_lazy(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	spin_lock(&mm->page_table_lock);
	if (!vma->rmap_state) {
		vma_get(vma);
		vma->rmap_state = (anon_vma_tree_t)vma + ANON_VMA_TREE_VMA;
	}
	spin_unlock(&mm->page_table_lock);
}

/*
 * A piece split off a lazy root names the same root and pins it, so that
 * folio->mapping stays valid without visiting the folios.
 */
static bool vma_link_anon_vma_lazy_root(struct vm_area_struct *vma, struct vm_area_struct *src)
{
	struct mm_struct *mm = src->vm_mm;
	struct vm_area_struct *root_vma;
	bool ret = false;

	spin_lock(&mm->page_table_lock);
	root_vma = anon_vma_tree_vma(src->rmap_state);
	if (root_vma) {
		vma_get(root_vma);
		vma->rmap_state = src->rmap_state;
		ret = true;
	} else {
		vma_set_anon_vma(vma, NULL);
	}
	spin_unlock(&mm->page_table_lock);
	return ret;
}

/* A fork child without an anon_vma of its own names its parent's. */
static void vma_link_anon_vma_lazy_parent(struct vm_area_struct *vma, struct vm_area_struct *src)
{
	struct anon_vma *parent_anon_vma = lazy_vma_anon_vma(src);

	get_anon_vma(parent_anon_vma);
	vma->rmap_state = (anon_vma_tree_t)parent_anon_vma + ANON_VMA_TREE_PARENT;
}

/*
 * Leave the lazy state for @new_tree (a regular anon_vma, or NULL), and
 * drop the reference the lazy state held. Returns whether it was lazy.
 */
static bool vma_unlink_anon_vma_lazy(struct vm_area_struct *vma, anon_vma_tree_t new_tree)
{
	struct mm_struct *mm = vma->vm_mm;
	anon_vma_tree_t mutable_tree = vma->rmap_state, tree;
	struct vm_area_struct *root_vma = NULL;
	struct anon_vma *parent_anon_vma = NULL;
	bool is_lazy = true;

	anon_vma_tree_lock_write(mutable_tree);
	spin_lock(&mm->page_table_lock);
	tree = vma->rmap_state;
	if (anon_vma_tree_is_vma(tree)) {
		root_vma = anon_vma_tree_vma(tree);
		vma->rmap_state = new_tree;
	} else if (anon_vma_tree_is_parent(tree)) {
		parent_anon_vma = anon_vma_tree_anon_vma(tree);
		vma->rmap_state = new_tree;
	} else {
		is_lazy = false;
	}
	spin_unlock(&mm->page_table_lock);
	anon_vma_tree_unlock_write(mutable_tree);
	if (!is_lazy)
		return false;
	if (parent_anon_vma)
		put_anon_vma(parent_anon_vma);
	if (root_vma)
		vma_put(root_vma);
	return true;
}

/* ---- find_mergeable_anon_vma() with the patch 10 rule ---- */

/*
 * A lazy VMA being upgraded takes a neighbour's anon_vma even when the
 * neighbour went through fork: "follow the same reuse rules as splitting".
 */
static struct anon_vma *reusable_anon_vma(struct vm_area_struct *old, struct vm_area_struct *vma,
					  struct vm_area_struct *a, struct vm_area_struct *b)
{
	if (anon_vma_compatible(a, b)) {
		struct anon_vma *anon_vma = lazy_vma_anon_vma(old);

		if (anon_vma && vma_is_anon_vma_lazy(vma))
			return anon_vma;
		if (anon_vma && list_is_singular(&old->anon_vma_chain))
			return anon_vma;
	}
	return NULL;
}

static struct anon_vma *find_mergeable_anon_vma_lazy(struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma_next(vma), *prev = vma_prev(vma);
	struct anon_vma *anon_vma = NULL;

	if (next)
		anon_vma = reusable_anon_vma(next, vma, vma, next);
	if (!anon_vma && prev)
		anon_vma = reusable_anon_vma(prev, vma, prev, vma);
	return anon_vma;
}

/*
 * vma_prepare_anon_vma(): classic __anon_vma_prepare() grown to upgrade a
 * lazy VMA. A PARENT VMA's new anon_vma becomes a child of the parent's.
 * The root reference is taken whenever the chosen anon_vma is not a root,
 * whether it was just allocated or found next door (patch 10 as posted).
 */
static int vma_prepare_anon_vma(struct vm_area_struct *vma, bool upgrade_lazy,
				struct anon_vma *parent_anon_vma)
{
	struct world *w = vma_world(vma);
	struct mm_struct *mm = vma->vm_mm;
	struct anon_vma *anon_vma, *allocated = NULL;
	struct anon_vma_chain *avc;
	anon_vma_tree_t tree;
	bool is_lazy = false;

	avc = anon_vma_chain_alloc(w);
	if (!avc)
		return -ENOMEM;
	anon_vma = find_mergeable_anon_vma_lazy(vma);
	if (!anon_vma || (parent_anon_vma && anon_vma->root != parent_anon_vma->root)) {
		anon_vma = anon_vma_alloc(w);
		if (!anon_vma) {
			anon_vma_chain_free(w, avc);
			return -ENOMEM;
		}
		allocated = anon_vma;
		if (parent_anon_vma) {
			anon_vma->root = parent_anon_vma->root;
			anon_vma->parent = parent_anon_vma;
		}
	}
	tree = (anon_vma_tree_t)anon_vma;
	if (upgrade_lazy)
		is_lazy = vma_unlink_anon_vma_lazy(vma, tree);
	/*
	 * The VMA names @anon_vma from here on, but is not in its tree until
	 * the AVC goes in below, under a lock taken only now.
	 */
	if (is_lazy)
		lazy_race(LAZY_RACE_UPGRADE_PUBLISHED, vma);
	anon_vma_tree_lock_write(tree);
	spin_lock(&mm->page_table_lock);
	if (!vma->rmap_state || is_lazy) {
		if (anon_vma->root != anon_vma)
			get_anon_vma(anon_vma->root);
		if (allocated)
			anon_vma->parent->num_children++;
		vma->rmap_state = tree;
		anon_vma_chain_assign(vma, avc, anon_vma);
		anon_vma_interval_tree_insert(avc, &anon_vma->rb_root);
		anon_vma->num_active_vmas++;
		allocated = NULL;
		avc = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	anon_vma_tree_unlock_write(tree);
	if (allocated)
		put_anon_vma(allocated);
	if (avc)
		anon_vma_chain_free(w, avc);
	return 0;
}

static int vma_upgrade_anon_vma_lazy(struct vm_area_struct *vma)
{
	anon_vma_tree_t tree = READ_ONCE(vma->rmap_state);
	struct anon_vma *parent_anon_vma = NULL;

	if (!anon_vma_tree_type(tree))
		return 0;
	if (anon_vma_tree_is_parent(tree))
		parent_anon_vma = anon_vma_tree_anon_vma(tree);
	return vma_prepare_anon_vma(vma, true, parent_anon_vma);
}

/*
 * __vmf_anon_prepare() with patch 11, for a fault that finds its PMD empty:
 * a VMA without state gets a regular anon_vma at once (__anon_vma_prepare()),
 * a lazy one is upgraded. Faults under the per-VMA lock come here with
 * mmap_lock only for reading (mmap_read_trylock()), so two faults of one
 * VMA, or a fault and this upgrade, run at the same time.
 */
static int lazy_prepare_huge(struct vm_area_struct *vma)
{
	mmap_assert_locked(vma->vm_mm);
	if (!READ_ONCE(vma->rmap_state))
		return vma_prepare_anon_vma(vma, false, NULL);
	return vma_upgrade_anon_vma_lazy(vma);
}

/* anon_vma_prepare() with the lazy switch on: nothing is allocated. */
static int lazy_prepare(struct vm_area_struct *vma)
{
	if (vma->rmap_state)
		return 0;
	vma_prepare_anon_vma_lazy(vma);
	return 0;
}

static bool lazy_vma_has_anon(const struct vm_area_struct *vma)
{
	return vma->rmap_state != 0;
}

/* ---- anon_vma_clone(), anon_vma_fork(), unlink_anon_vmas() ---- */

enum vma_operation { VMA_OP_SPLIT, VMA_OP_FORK };

/* Only a fork child may take over an anon_vma nobody uses any more. */
static void maybe_reuse_anon_vma(struct vm_area_struct *dst, struct anon_vma *anon_vma)
{
	if (dst->rmap_state)
		return;
	if (anon_vma->num_active_vmas > 0)
		return;
	if (anon_vma->num_children > 1)
		return;
	vma_set_anon_vma(dst, anon_vma);
	anon_vma->num_active_vmas++;
}

static int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src,
			  enum vma_operation operation)
{
	struct world *w = vma_world(src);
	struct anon_vma_chain *avc, *pavc;
	anon_vma_tree_t active_tree = src->rmap_state;

	if (!active_tree)
		return 0;
	if (anon_vma_tree_is_vma(active_tree)) {
		if (vma_link_anon_vma_lazy_root(dst, src))
			return 0;
	} else if (anon_vma_tree_is_parent(active_tree)) {
		/* "split from tree_parent is rare; promote to regular" */
		int err = vma_upgrade_anon_vma_lazy(src);

		if (err)
			return err;
		dst->rmap_state = src->rmap_state;
		active_tree = src->rmap_state;
	}

	list_for_each_entry_reverse(pavc, &src->anon_vma_chain, same_vma) {
		avc = anon_vma_chain_alloc(w);
		if (!avc) {
			struct anon_vma_chain *n;

			/* nothing is in a tree yet: the links just go */
			list_for_each_entry_safe(avc, n, &dst->anon_vma_chain, same_vma) {
				list_del(&avc->same_vma);
				anon_vma_chain_free(w, avc);
			}
			vma_set_anon_vma(dst, NULL);
			return -ENOMEM;
		}
		anon_vma_chain_assign(dst, avc, pavc->anon_vma);
	}
	anon_vma_tree_lock_write(active_tree);
	list_for_each_entry_reverse(avc, &dst->anon_vma_chain, same_vma) {
		anon_vma_interval_tree_insert(avc, &avc->anon_vma->rb_root);
		if (operation == VMA_OP_FORK)
			maybe_reuse_anon_vma(dst, avc->anon_vma);
	}
	if (operation != VMA_OP_FORK && lazy_vma_anon_vma(dst))
		lazy_vma_anon_vma(dst)->num_active_vmas++;
	anon_vma_tree_unlock_write(active_tree);
	return 0;
}

static int lazy_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	return anon_vma_clone(dst, src, VMA_OP_SPLIT);
}

/*
 * vma_fork_anon_vma_lazy(): the parent VMA is upgraded to a regular
 * anon_vma first; the child links into the parent's chain like any fork
 * child but, unless it can reuse one, gets no anon_vma of its own.
 */
static int lazy_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	int err;

	if (!pvma->rmap_state)
		return 0;
	if (vma_is_anon_vma_lazy(pvma)) {
		err = vma_upgrade_anon_vma_lazy(pvma);
		if (err)
			return err;
	}
	vma_set_anon_vma(vma, NULL);
	err = anon_vma_clone(vma, pvma, VMA_OP_FORK);
	if (err)
		return err;
	if (vma->rmap_state)
		return 0;
	vma_link_anon_vma_lazy_parent(vma, pvma);
	return 0;
}

/*
 * folio_upgrade_anon_vma_lazy() from __folio_try_dup_anon_rmap() (patch
 * 13): only folios the page-table copy meets are rewritten, to the anon_vma
 * the parent VMA has by now.
 */
static void lazy_fork_folio(struct folio *folio, struct vm_area_struct *child,
			    struct vm_area_struct *src_vma)
{
	struct anon_vma *anon_vma = lazy_vma_anon_vma(src_vma);

	if (folio_test_anon_vma_lazy(folio) && anon_vma)
		folio_set_anon_mapping(folio, anon_vma);
}

static void lazy_unlink(struct vm_area_struct *vma)
{
	struct world *w = vma_world(vma);
	anon_vma_tree_t active_tree = vma->rmap_state;
	struct anon_vma_chain *avc, *next;

	if (!active_tree)
		return;
	if (vma_is_anon_vma_lazy(vma))
		vma_unlink_anon_vma_lazy(vma, 0);

	anon_vma_tree_lock_write(active_tree);
	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma)
		anon_vma_chain_unlink(w, avc);
	if (lazy_vma_anon_vma(vma))
		lazy_vma_anon_vma(vma)->num_active_vmas--;
	vma_set_anon_vma(vma, NULL);
	anon_vma_tree_unlock_write(active_tree);

	unlink_dead_anon_vmas(w, vma);
}

/* ---- merging (patch 14) ---- */

/* A lazy root has no chain, so it is no fork child whatever it has seen. */
static bool vma_is_fork_child(const struct vm_area_struct *vma)
{
	return vma && vma->rmap_state && !anon_vma_tree_is_vma(vma->rmap_state) &&
	       !list_is_singular(&vma->anon_vma_chain);
}

/*
 * is_mergeable_anon_vma() on the tagged words: two pieces of one lazy root
 * compare equal, and so do two PARENT VMAs of one parent anon_vma.
 */
static bool lazy_mergeable(struct vm_area_struct *tgt, struct vm_area_struct *src,
			   const struct vm_area_struct *state)
{
	return anon_state_mergeable(tgt->rmap_state, state ? state->rmap_state : 0, tgt, src,
				    state, vma_is_fork_child);
}

static bool lazy_compatible(struct vm_area_struct *prev, struct vm_area_struct *next)
{
	return anon_state_compatible(prev->rmap_state, next->rmap_state);
}

/* dup_anon_vma() */
static int lazy_dup(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	if (src->rmap_state && !dst->rmap_state) {
		dst->rmap_state = src->rmap_state;
		return anon_vma_clone(dst, src, VMA_OP_SPLIT);
	}
	return 0;
}

static void lazy_merge_remove(struct vm_area_struct *survivor, struct vm_area_struct *gone)
{
	if (gone->rmap_state)
		lazy_unlink(gone);
}

/*
 * vma_is_anon_vma_lazy_root(): true for a root and for any PARENT VMA,
 * with the lazy switch on.
 */
static bool lazy_merge_keep(struct vm_area_struct *gone)
{
	return vma_anon_vma_lazy_root(gone) == gone;
}

/* ---- folios (patch 13) ---- */

/*
 * __folio_set_anon(): a lazy root's folios name the root; a PARENT VMA's
 * exclusive folios name the PARENT VMA itself, which holds no reference
 * on itself for them.
 */
static void lazy_folio_set_anon(struct folio *folio, struct vm_area_struct *vma,
				unsigned long address, bool exclusive)
{
	anon_vma_tree_t tree = vma->rmap_state;
	struct vm_area_struct *root_vma = vma_anon_vma_lazy_root(vma);
	struct anon_vma *anon_vma = anon_vma_tree_anon_vma(tree);

	if (root_vma && (anon_vma_tree_is_vma(tree) || exclusive)) {
		folio->index = linear_page_index(vma, address);
		__atomic_store_n(&folio->mapping, (unsigned long)root_vma + FOLIO_MAPPING_ANON_VMA_LAZY,
				 __ATOMIC_RELEASE);
		return;
	}
	if (!exclusive)
		anon_vma = anon_vma->root;
	folio->index = linear_page_index(vma, address);
	folio_set_anon_mapping(folio, anon_vma);
}

/* folio_move_anon_rmap() */
static void lazy_folio_move(struct folio *folio, struct vm_area_struct *vma)
{
	folio_assert_locked(folio);
	struct anon_vma *anon_vma = lazy_vma_anon_vma(vma);

	if (!anon_vma) {
		struct vm_area_struct *root_vma = vma_anon_vma_lazy_root(vma);

		/*
		 * No state at all: a VMA that finding 3 freed while it stayed in
		 * the tree, faulted again. The kernel would be running on freed
		 * memory; the model leaves the folio as it was so the run goes on
		 * and the checker reports it, instead of naming no VMA.
		 */
		if (root_vma)
			folio->mapping = (unsigned long)root_vma + FOLIO_MAPPING_ANON_VMA_LAZY;
		return;
	}
	folio_set_anon_mapping(folio, anon_vma);
}

/*
 * folio_resolve_anon_vma_lazy() (patch 09), in an RCU read-side section:
 * pin the root named by the folio; if the folio's index is outside it, the
 * folio must sit in a piece split off the root, so look that piece up at
 * the address the root's geometry gives. A root whose lazy state is gone
 * resolves to nothing.
 *
 * As posted, vm_mm and the state are read before vma_get(), and the VMA
 * cache is SLAB_TYPESAFE_BY_RCU: the object may have been freed and handed
 * to another owner, even another mm, in between. rcuref_get() then
 * succeeds on the new owner's count, and nothing after it checks that the
 * VMA still is the folio's. vma_lookup() runs on the mm read first, with no
 * mmget() and no mmap_lock (docs/findings.md, findings 12 and 13).
 */
static struct vm_area_struct *folio_resolve_anon_vma_lazy(const struct folio *folio,
							  bool tryget, bool test_map)
{
	struct vm_area_struct *vma, *anon_lazy_root;
	unsigned long anon_mapping = READ_ONCE(folio->mapping);
	struct mm_struct *mm;
	unsigned long addr;
	pgoff_t pgoff;

	lockdep_assert_in_rcu_read_lock();
	if ((anon_mapping & FOLIO_MAPPING_FLAGS) != FOLIO_MAPPING_ANON_VMA_LAZY)
		return NULL;
	if (test_map && READ_ONCE(folio->mapcount) <= 0)
		return NULL;
	anon_lazy_root = vma = (struct vm_area_struct *)(anon_mapping - FOLIO_MAPPING_ANON_VMA_LAZY);
	mm = READ_ONCE(vma->vm_mm);
	if (!mm || !READ_ONCE(vma->rmap_state))
		return NULL;
	lazy_race(LAZY_RACE_RESOLVE_BEFORE_GET, vma);
	if (!vma_get(anon_lazy_root))
		return NULL;
	pgoff = READ_ONCE(folio->index);
	if (vma_address(vma, pgoff) == (unsigned long)-EFAULT) {
		addr = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
		lazy_race(LAZY_RACE_LOOKUP, mm);
		vma = vma_lookup_rcu(mm, addr);
		if (vma && tryget && !vma_get(vma))
			vma = NULL;
	}
	if (!tryget || anon_lazy_root != vma)
		vma_put(anon_lazy_root);
	if (test_map && READ_ONCE(folio->mapcount) <= 0 && vma) {
		vma_put(vma);
		vma = NULL;
	}
	return vma;
}

/*
 * anon_rmap_iter_first_vma() on a lazy rmap (patch 08): the one VMA, unless
 * its page range misses the folio; the end test is off by one as posted,
 * which vma_address() then catches.
 */
static struct vm_area_struct *lazy_iter_first(struct vm_area_struct *vma, pgoff_t start,
					      pgoff_t last)
{
	if (vma->vm_pgoff + vma_pages(vma) < start || vma->vm_pgoff > last)
		return NULL;
	return vma;
}

/*
 * A regular folio is walked as classic walks it (patch 09 leaves that path
 * alone): folio_lock_anon_vma_read() and its re-checks for a walker without
 * a pin. None is no error.
 */
static int classic_tree_walk(struct folio *folio, struct rmap_walk_control *rwc)
{
	if (!folio_anon_vma(folio))
		return 0;
	return classic_anon_rmap_ops.walk(folio, rwc);
}

/*
 * rmap_walk_anon(): a lazy folio is walked without any lock, holding only
 * a reference on the VMA it resolves to (rmap_walk_anon_lock() with
 * folio_lock_anon_vma_lazy_read()).
 */
static int lazy_walk(struct folio *folio, struct rmap_walk_control *rwc)
{
	struct vm_area_struct *vma;
	unsigned long address;
	int ret = 0;

	if (!folio_test_anon_vma_lazy(folio))
		return classic_tree_walk(folio, rwc);
	rcu_read_lock();
	vma = folio_resolve_anon_vma_lazy(folio, true, false);
	rcu_read_unlock();
	if (!vma)
		return 0;
	lazy_race(LAZY_RACE_WALK_PINNED, vma);
	if (rwc->stats)
		rwc->stats->nodes++;
	if (lazy_iter_first(vma, folio->index, folio->index)) {
		address = vma_address(vma, folio->index);
		if (address != (unsigned long)-EFAULT) {
			if (rwc->stats)
				rwc->stats->vmas++;
			ret = rwc->rmap_one(folio, vma, address, rwc->arg);
		}
	}
	vma_put(vma);
	return ret;
}

/*
 * folio_get_anon_rmap(): a lazy folio pins the VMA it resolves to. The
 * cookie carries the lazy tag so folio_put knows what it holds.
 */
static void *lazy_folio_get(struct folio *folio)
{
	struct vm_area_struct *vma;

	if (folio_test_anon_vma_lazy(folio)) {
		rcu_read_lock();
		vma = folio_resolve_anon_vma_lazy(folio, true, true);
		rcu_read_unlock();
		if (vma)
			return (void *)((uintptr_t)vma + FOLIO_MAPPING_ANON_VMA_LAZY);
	}
	return folio_get_anon_vma(folio);
}

static void lazy_folio_put(void *cookie)
{
	uintptr_t v = (uintptr_t)cookie;

	if ((v & FOLIO_MAPPING_FLAGS) == FOLIO_MAPPING_ANON_VMA_LAZY) {
		vma_put((struct vm_area_struct *)(v - FOLIO_MAPPING_ANON_VMA_LAZY));
		return;
	}
	put_anon_vma(cookie);
}

/*
 * folio_trylock_get_anon_rmap() (patch 12): a lazy folio's VMA is pinned,
 * then read-locked with lock_vma_under_rcu() at its own vm_start in its own
 * vm_mm, so that no munmap or exit can free the page tables under the
 * migration. As posted, the VMA that lock_vma_under_rcu() locked is not
 * compared with the one pinned, and no reference keeps vm_mm alive
 * (docs/findings.md, finding 14).
 *
 * A regular folio's anon_vma is pinned and trylocked for reading. The
 * model's walks take that lock themselves (it has no TTU_RMAP_LOCKED), so
 * the trylock is let go at once: migration fails where the patch's would
 * (the lock contended), and otherwise each walk locks as the patch's would
 * have held it.
 */
static void *lazy_folio_trylock_get(struct folio *folio)
{
	struct anon_vma *anon_vma;
	struct vm_area_struct *vma;

	folio_assert_locked(folio);
	if (folio_test_anon_vma_lazy(folio)) {
		rcu_read_lock();
		vma = folio_resolve_anon_vma_lazy(folio, true, true);
		rcu_read_unlock();
		if (vma) {
			struct vm_area_struct *locked;

			lazy_race(LAZY_RACE_MIGRATE_PINNED, vma);
			locked = lock_vma_under_rcu(vma->vm_mm, vma->vm_start);
			if (!locked) {
				vma_put(vma);
				vma = NULL;
			} else if (locked != vma) {
				/*
				 * Not the series': the model's note that this
				 * read lock is never ended, so that a writer
				 * counts its hang instead of hanging the run.
				 */
				atomic_inc(&locked->vm_refcnt_leaked);
			}
		}
		if (vma)
			return (void *)((uintptr_t)vma + FOLIO_MAPPING_ANON_VMA_LAZY);
	}
	anon_vma = folio_get_anon_vma(folio);
	if (anon_vma && !anon_vma_trylock_read(anon_vma)) {
		put_anon_vma(anon_vma);
		anon_vma = NULL;
	}
	if (anon_vma)
		anon_vma_unlock_read(anon_vma);
	return anon_vma;
}

/* anon_rmap_unlock_put(): ends the read lock on the VMA it pinned. */
static void lazy_unlock_put(void *cookie)
{
	uintptr_t v = (uintptr_t)cookie;

	if ((v & FOLIO_MAPPING_FLAGS) == FOLIO_MAPPING_ANON_VMA_LAZY) {
		struct vm_area_struct *vma = (struct vm_area_struct *)(v - FOLIO_MAPPING_ANON_VMA_LAZY);

		vma_end_read(vma);
		vma_put(vma);
		return;
	}
	put_anon_vma(cookie);
}

/*
 * The VMA's anon_vma_tree_t: a regular anon_vma, the lazy root VMA its
 * folios name (TREE_VMA, itself while it never forked), or the parent's
 * anon_vma a fork child points at (PARENT).
 */
static void lazy_dot_vma(struct dot_ctx *ctx, const struct vm_area_struct *vma)
{
	anon_vma_tree_t tree = vma->rmap_state;
	struct anon_vma *av = anon_vma_tree_anon_vma(tree);
	char v[24];

	snprintf(v, sizeof(v), "%s", dot_vma_node(ctx, vma));
	if (anon_vma_tree_is_vma(tree) && anon_vma_tree_vma(tree))
		dot_edge(ctx, v, dot_vma_node(ctx, anon_vma_tree_vma(tree)), "TREE_VMA", "bold");
	else if (anon_vma_tree_is_parent(tree) && av)
		dot_edge(ctx, v, dot_anon_vma_node(ctx, av), "PARENT", "bold");
	else if (av)
		dot_edge(ctx, v, dot_anon_vma_node(ctx, av), "anon_vma", "bold");
}

const struct anon_rmap_ops lazy_anon_rmap_ops = {
	.name = "lazy",
	.typesafe_reads = true,
	/* as posted: its races are findings, not serialised away */
	.concurrent = true,
	.prepare = lazy_prepare,
	.vma_has_anon = lazy_vma_has_anon,
	.clone = lazy_clone,
	.fork = lazy_fork,
	.fork_folio = lazy_fork_folio,
	.unlink = lazy_unlink,
	.mergeable = lazy_mergeable,
	.compatible = lazy_compatible,
	.dup = lazy_dup,
	.merge_remove = lazy_merge_remove,
	.merge_keep = lazy_merge_keep,
	.vma_free = lazy_vma_free,
	.pre_update = anon_vma_interval_tree_pre_update_vma,
	.post_update = anon_vma_interval_tree_post_update_vma,
	.folio_set_anon = lazy_folio_set_anon,
	.folio_move = lazy_folio_move,
	.walk = lazy_walk,
	.dot_vma = lazy_dot_vma,
	.folio_get = lazy_folio_get,
	.folio_put = lazy_folio_put,
	.prepare_huge = lazy_prepare_huge,
	.folio_trylock_get = lazy_folio_trylock_get,
	.unlock_put = lazy_unlock_put,
	.check = lazy_check,
	.counters = anon_vma_counters,
	.nr_counters = NR_ANON_VMA_COUNTERS,
};
