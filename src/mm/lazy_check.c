// SPDX-License-Identifier: GPL-2.0-only
/*
 * ANON_VMA_LAZY invariants, recomputed from the structure rather than
 * trusted. Beyond what classic needs (chains, trees, anon_vma counters,
 * no leaks), the lazy design adds VMAs that outlive their address space
 * because folios and split pieces name them, so this also checks:
 *  - every VMA reference count equals the references the structure holds
 *    (the address space, a root's pin on itself, each piece naming it);
 *  - no mapped folio names a freed VMA, a VMA of another address space, or
 *    a lazy root that has left its address space;
 *  - every VMA still allocated is reachable: in an address space, or kept
 *    by a reference from one that is.
 */
#include <stdlib.h>

#include "lib/ptr_set.h"
#include "mm/check.h"
#include "mm/internal.h"
#include "mm/world.h"
#include "mm/interval_tree.h"
#include "mm/lazy_rmap.h"
#include "mm/rmap.h"

static bool vma_usable(const struct vm_area_struct *vma)
{
	return kmem_obj_live(vma) && refcount_read(&vma->vm_lazy_refs) > 0;
}

struct lazy_ctx {
	struct check_ctx *ctx;
	struct ptr_set vmas;	/* a: in a tree, b: references found */
	struct ptr_set avs;	/* a: active VMAs, b: children, c: references */
	struct ptr_set large;	/* large folios reported as named lazily */
	long nr_avc;
};

static void check_chain(struct lazy_ctx *lc, struct vm_area_struct *vma)
{
	struct check_ctx *ctx = lc->ctx;
	anon_vma_tree_t tree = vma->rmap_state;
	struct anon_vma *own = anon_vma_tree_anon_vma(tree);
	bool own_found;
	unsigned int id = vma->vm_mm->id;

	own_found = check_vma_avcs(ctx, vma, own, &lc->avs, &lc->nr_avc);
	switch (anon_vma_tree_type(tree)) {
	case ANON_VMA_TREE_REGULAR:
		if (own && !own_found)
			check_report(ctx, "mm %u VMA %lx-%lx: its anon_vma is not on its chain",
				     id, vma->vm_start, vma->vm_end);
		if (!own && !list_empty(&vma->anon_vma_chain))
			check_report(ctx, "mm %u VMA %lx-%lx: chain without an anon_vma",
				     id, vma->vm_start, vma->vm_end);
		if (own && kmem_obj_live(own))
			ptr_set_bump(&lc->avs, own, 0);
		break;
	case ANON_VMA_TREE_PARENT:
		if (!kmem_obj_live(own)) {
			check_report(ctx, "mm %u VMA %lx-%lx: PARENT state names a freed anon_vma",
				     id, vma->vm_start, vma->vm_end);
			break;
		}
		if (!own_found)
			check_report(ctx, "mm %u VMA %lx-%lx: PARENT VMA not linked into its "
				     "parent's anon_vma", id, vma->vm_start, vma->vm_end);
		ptr_set_bump(&lc->avs, own, 2);
		break;
	case ANON_VMA_TREE_VMA:
		if (!list_empty(&vma->anon_vma_chain))
			check_report(ctx, "mm %u VMA %lx-%lx: lazy VMA with an anon_vma_chain",
				     id, vma->vm_start, vma->vm_end);
		break;
	default:
		check_report(ctx, "mm %u VMA %lx-%lx: invalid anon_vma_tree tag",
			     id, vma->vm_start, vma->vm_end);
	}
}

/* The root a lazy VMA names: allocated, pinned by it, and still a root. */
static void check_lazy_root(struct lazy_ctx *lc, struct vm_area_struct *vma)
{
	struct vm_area_struct *root = anon_vma_tree_vma(vma->rmap_state);
	unsigned int id = vma->vm_mm->id;

	if (!root)
		return;
	if (!vma_usable(root)) {
		check_report(lc->ctx, "mm %u VMA %lx-%lx: names a freed lazy root VMA",
			     id, vma->vm_start, vma->vm_end);
		return;
	}
	ptr_set_bump(&lc->vmas, root, 1);
	if (root->vm_mm != vma->vm_mm)
		check_report(lc->ctx, "mm %u VMA %lx-%lx: its lazy root belongs to another mm",
			     id, vma->vm_start, vma->vm_end);
	else if (!root->rmap_state)
		check_report(lc->ctx, "mm %u VMA %lx-%lx: its lazy root VMA %lx-%lx has been "
			     "unlinked, so its folios resolve to nothing", id, vma->vm_start,
			     vma->vm_end, root->vm_start, root->vm_end);
}

static void check_pte_lazy(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	struct lazy_ctx *lc = arg;
	struct folio *folio = pte_folio(*pte);
	struct vm_area_struct *root;

	if (!kmem_obj_live(folio) || !folio_test_anon(folio))
		return;
	if (!folio_test_anon_vma_lazy(folio)) {
		if (!kmem_obj_live(folio_anon_vma(folio)))
			check_report(lc->ctx, "folio #%lu: mapping points at a freed anon_vma",
				     folio->serial);
		return;
	}
	/*
	 * Splitting a large folio takes its anon rmap's write lock, which a
	 * lazy rmap has none of (anon_rmap_lock_write(), patch 08): patch 11
	 * upgrades before a PMD fault finds its PMD empty, but an mTHP fault
	 * (its page table exists) and the write to a huge zero page
	 * (do_huge_zero_wp_pmd()) map a large folio in a lazy VMA without it.
	 */
	if (folio->large && ptr_set_find(&lc->large, folio->large) < 0) {
		ptr_set_add(&lc->large, folio->large);
		check_report(lc->ctx, "folio #%lu (mm %u %lx): an order-%u folio named through a "
			     "lazy VMA, which has no anon_vma lock to split it under",
			     folio->serial, mm->id, addr, folio->large->order);
	}
	root = folio_lazy_root(folio);
	if (!vma_usable(root))
		check_report(lc->ctx, "folio #%lu (mm %u %lx): mapping names a freed VMA",
			     folio->serial, mm->id, addr);
	else if (root->vm_mm != mm)
		check_report(lc->ctx, "folio #%lu (mm %u %lx): mapping names a VMA of mm %u",
			     folio->serial, mm->id, addr, root->vm_mm->id);
	else if (ptr_set_find(&lc->vmas, root) < 0 || !lc->vmas.count[0][ptr_set_find(&lc->vmas, root)])
		check_report(lc->ctx, "folio #%lu (mm %u %lx): its lazy root VMA %lx-%lx has "
			     "left the address space", folio->serial, mm->id, addr,
			     root->vm_start, root->vm_end);
}

static bool vma_links(const struct vm_area_struct *vma, const struct anon_vma *av)
{
	const struct anon_vma_chain *avc;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		if (avc->anon_vma == av)
			return true;
	return false;
}

/*
 * anon_vma_clone() links a VMA to every ancestor of its anon_vma, which is
 * what keeps a parent alive while its child has VMAs: unlinking the
 * child's last VMA then writes the parent's num_children. Patch 10 lets an
 * upgraded lazy VMA take a neighbour's anon_vma of the same root whatever
 * that anon_vma's parent (finding 16).
 */
static void check_parent_link(struct lazy_ctx *lc, struct anon_vma *av)
{
	for (struct rb_node *n = rb_first(&av->rb_root); n && av->parent != av; n = rb_next(n)) {
		struct anon_vma_chain *avc = rb_entry(n, struct anon_vma_chain, rb);
		struct vm_area_struct *vma = avc->vma;

		if (!kmem_obj_live(avc) || !kmem_obj_live(vma) || vma_links(vma, av->parent))
			continue;
		check_report(lc->ctx, "anon_vma %p: mm %u VMA %lx-%lx is in its tree but not in "
			     "its parent's, which then outlives nothing", (void *)av,
			     vma->vm_mm->id, vma->vm_start, vma->vm_end);
		return;
	}
}

static void check_anon_vmas(struct lazy_ctx *lc)
{
	struct ptr_set *s = &lc->avs;
	size_t reachable;
	char err[128];

	for (size_t i = 0; i < s->nr; i++) {
		struct anon_vma *av = s->p[i];

		if (kmem_obj_live(av->root))
			ptr_set_add(s, av->root);
	}
	reachable = s->nr;
	for (size_t i = 0; i < reachable; i++) {
		struct anon_vma *av = s->p[i];

		if (!kmem_obj_live(av))
			continue;
		if (anon_vma_interval_tree_check(&av->rb_root, err, sizeof(err)))
			check_report(lc->ctx, "anon_vma %p: interval tree: %s", (void *)av, err);
		for (struct rb_node *n = rb_first(&av->rb_root); n; n = rb_next(n)) {
			struct anon_vma_chain *avc = rb_entry(n, struct anon_vma_chain, rb);

			if (!kmem_obj_live(avc) || avc->anon_vma != av)
				check_report(lc->ctx, "anon_vma %p: tree holds a foreign or freed link",
					     (void *)av);
			else if (!kmem_obj_live(avc->vma) || avc->vma->vm_removed)
				check_report(lc->ctx, "anon_vma %p: tree holds a VMA that is gone",
					     (void *)av);
		}
		if (av->parent != av && !kmem_obj_live(av->parent))
			check_report(lc->ctx, "anon_vma %p: its parent anon_vma %p has been freed",
				     (void *)av, (void *)av->parent);
		else
			check_parent_link(lc, av);
		if (!RB_EMPTY_ROOT(&av->rb_root)) {
			ptr_set_bump(s, av->parent, 1);
			s->count[2][i]++;
		}
		if (av->root != av)
			ptr_set_bump(s, av->root, 2);
	}
	for (size_t i = 0; i < reachable; i++) {
		struct anon_vma *av = s->p[i];

		if (!kmem_obj_live(av))
			continue;
		if ((long)av->num_active_vmas != s->count[0][i])
			check_report(lc->ctx, "anon_vma %p: num_active_vmas %lu, %ld VMAs use it",
				     (void *)av, av->num_active_vmas, s->count[0][i]);
		if ((long)av->num_children != s->count[1][i])
			check_report(lc->ctx, "anon_vma %p: num_children %lu, recomputed %ld",
				     (void *)av, av->num_children, s->count[1][i]);
		if (refcount_read(&av->refcount) != s->count[2][i])
			check_report(lc->ctx, "anon_vma %p: refcount %ld, recomputed %ld",
				     (void *)av, refcount_read(&av->refcount), s->count[2][i]);
	}
	if (anon_vma_cachep(lc->ctx->world)->live != (long)reachable)
		check_report(lc->ctx, "anon_vma leak: %ld live, %zu reachable",
			     anon_vma_cachep(lc->ctx->world)->live, reachable);
}

void lazy_check(struct check_ctx *ctx)
{
	struct world *w = ctx->world;
	struct lazy_ctx lc = { .ctx = ctx };
	struct mm_struct *mm;
	long nr_in_tree = 0, nr_kept = 0;

	list_for_each_entry(mm, &w->mms, mmlist) {
		if (mm->exited)
			continue;
		for (struct vm_area_struct *vma = vma_first(mm); vma; vma = vma_next(vma)) {
			if (!kmem_obj_live(vma))
				continue;	/* the generic check reports it */
			ptr_set_bump(&lc.vmas, vma, 0);
			if (refcount_read(&vma->vm_lazy_refs) <= 0)
				check_report(ctx, "mm %u VMA %lx-%lx: freed (its last reference "
					     "put) while still in the tree", mm->id,
					     vma->vm_start, vma->vm_end);
			if (vma->vm_removed)
				check_report(ctx, "mm %u VMA %lx-%lx: in the tree but removed by "
					     "a merge", mm->id, vma->vm_start, vma->vm_end);
		}
	}
	/* pieces name their roots; roots kept only that way join the set */
	for (size_t i = 0; i < lc.vmas.nr; i++) {
		struct vm_area_struct *vma = lc.vmas.p[i];

		check_chain(&lc, vma);
		check_lazy_root(&lc, vma);
	}
	for (size_t i = 0; i < lc.vmas.nr; i++) {
		struct vm_area_struct *vma = lc.vmas.p[i];
		long want = lc.vmas.count[0][i] + lc.vmas.count[1][i];

		if (lc.vmas.count[0][i])
			nr_in_tree++;
		else
			nr_kept++;
		if (refcount_read(&vma->vm_lazy_refs) > 0 && refcount_read(&vma->vm_lazy_refs) != want)
			check_report(ctx, "mm %u VMA %lx-%lx%s: refcount %ld, recomputed %ld",
				     vma->vm_mm->id, vma->vm_start, vma->vm_end,
				     lc.vmas.count[0][i] ? "" : " (kept by references)",
				     refcount_read(&vma->vm_lazy_refs), want);
	}
	list_for_each_entry(mm, &w->mms, mmlist) {
		if (!mm->exited)
			walk_present_ptes(mm, 0, TASK_SIZE, check_pte_lazy, &lc);
		/* patch 12 (finding 14), exited address spaces included */
		if (mm->vma_lock_imbalance)
			check_report(ctx, "mm %u: vma_end_read() without a read lock (%lu)",
				     mm->id, mm->vma_lock_imbalance);
		if (mm->vma_lock_stuck)
			check_report(ctx, "mm %u: vma_start_write() would wait for ever for a "
				     "read lock nothing ends (%lu)", mm->id, mm->vma_lock_stuck);
	}
	check_anon_vmas(&lc);
	if (anon_vma_chain_cachep(w)->live != lc.nr_avc)
		check_report(ctx, "anon_vma_chain leak: %ld live, %ld on chains",
			     anon_vma_chain_cachep(w)->live, lc.nr_avc);
	if (vm_area_cachep(w)->live != nr_in_tree + nr_kept)
		check_report(ctx, "vm_area_struct leak: %ld live, %ld in address spaces, "
			     "%ld kept by references", vm_area_cachep(w)->live, nr_in_tree, nr_kept);
	ptr_set_free(&lc.vmas);
	ptr_set_free(&lc.avs);
	ptr_set_free(&lc.large);
}
