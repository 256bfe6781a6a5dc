// SPDX-License-Identifier: GPL-2.0-only
/*
 * Classic anon_vma invariants, recomputed from scratch rather than trusted:
 * each chain link present on both sides, one root per family, the counters
 * (num_children, num_active_vmas, refcount) equal to what the structure
 * implies, every interval tree well formed, and no object alive that nothing
 * can reach. These are the properties the 2010-2022 anon_vma bugs broke.
 */
#include <stdlib.h>

#include "lib/ptr_set.h"
#include "mm/check.h"
#include "mm/internal.h"
#include "mm/world.h"
#include "mm/interval_tree.h"
#include "mm/rmap.h"

/* Recounted per anon_vma, compared with the stored counters. */
enum { ACTIVE, CHILDREN, REFS };

static void check_vma_chain(struct check_ctx *ctx, struct ptr_set *s,
			    struct vm_area_struct *vma, long *nr_avc)
{
	bool own_found;
	unsigned int id = vma->vm_mm->id;

	own_found = check_vma_avcs(ctx, vma, vma->anon_vma, s, nr_avc);
	if (vma->anon_vma && !own_found)
		check_report(ctx, "mm %u VMA %lx-%lx: its anon_vma is not on its chain",
			     id, vma->vm_start, vma->vm_end);
	if (!vma->anon_vma && !list_empty(&vma->anon_vma_chain))
		check_report(ctx, "mm %u VMA %lx-%lx: chain without an anon_vma",
			     id, vma->vm_start, vma->vm_end);
	if (vma->anon_vma && kmem_obj_live(vma->anon_vma))
		ptr_set_bump(s, vma->anon_vma, ACTIVE);
}

static void check_anon_vma(struct check_ctx *ctx, struct ptr_set *s, size_t i)
{
	struct anon_vma *av = s->p[i];
	struct rb_node *n;
	char err[128];
	int depth = 0;

	if (anon_vma_interval_tree_check(&av->rb_root, err, sizeof(err)))
		check_report(ctx, "anon_vma %p: interval tree: %s", (void *)av, err);
	for (n = rb_first(&av->rb_root); n; n = rb_next(n)) {
		struct anon_vma_chain *avc = rb_entry(n, struct anon_vma_chain, rb);

		if (!kmem_obj_live(avc) || avc->anon_vma != av)
			check_report(ctx, "anon_vma %p: tree holds a foreign or freed link", (void *)av);
		else if (!kmem_obj_live(avc->vma) || avc->vma->vm_mm->exited ||
			 vma_lookup(avc->vma->vm_mm, avc->vma->vm_start) != avc->vma)
			/* looked up in its mm, not read from the vm_removed flag */
			check_report(ctx, "anon_vma %p: tree holds a VMA that is gone", (void *)av);
	}
	if (av->root->root != av->root)
		check_report(ctx, "anon_vma %p: its root is not a root", (void *)av);
	for (struct anon_vma *p = av; p != av->root; p = p->parent) {
		if (++depth > 100000 || !kmem_obj_live(p->parent)) {
			check_report(ctx, "anon_vma %p: parent chain does not reach its root", (void *)av);
			break;
		}
	}
}

/* Counters as the structure implies them; compare with the stored ones. */
static void check_counters(struct check_ctx *ctx, struct ptr_set *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		struct anon_vma *av = s->p[i];
		bool alive = !RB_EMPTY_ROOT(&av->rb_root);

		if (alive) {
			ptr_set_bump(s, av->parent, CHILDREN);
			s->count[REFS][i]++;
		}
		if (av->root != av)
			ptr_set_bump(s, av->root, REFS);
	}
	for (size_t i = 0; i < s->nr; i++) {
		struct anon_vma *av = s->p[i];

		if ((long)av->num_active_vmas != s->count[ACTIVE][i])
			check_report(ctx, "anon_vma %p: num_active_vmas %lu, %ld VMAs use it",
				     (void *)av, av->num_active_vmas, s->count[ACTIVE][i]);
		if ((long)av->num_children != s->count[CHILDREN][i])
			check_report(ctx, "anon_vma %p: num_children %lu, recomputed %ld",
				     (void *)av, av->num_children, s->count[CHILDREN][i]);
		if (refcount_read(&av->refcount) != s->count[REFS][i])
			check_report(ctx, "anon_vma %p: refcount %ld, recomputed %ld",
				     (void *)av, refcount_read(&av->refcount), s->count[REFS][i]);
	}
}

/*
 * Where a mapped anonymous folio points, from the PTE that maps it: into the
 * mapping VMA's anon_vma family (the kernel's __page_check_anon_rmap()), and
 * at the VMA's own anon_vma when a small folio is exclusive, which is what
 * folio_move_anon_rmap() on reuse and __folio_set_anon() on a new folio
 * make it. An exclusive folio left on an ancestor's anon_vma would be found
 * by walks of every relative instead of its own VMA's. (6.18 reuses a
 * PTE-mapped large folio without moving it, so large ones are not asked,
 * nor the pages migration split off one, which keep its mapping.)
 */
static void check_folio_anon_vma(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	struct check_ctx *ctx = arg;
	struct folio *folio = pte_folio(*pte);
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	struct anon_vma *av;

	if (!vma || !kmem_obj_live(folio) || !folio_test_anon(folio))
		return;	/* reported by the generic checks */
	av = folio_anon_vma(folio);
	if (!vma->anon_vma || !kmem_obj_live(vma->anon_vma) || !kmem_obj_live(av))
		return;	/* reported by the chain and folio checks */
	if (av->root != vma->anon_vma->root)
		check_report(ctx, "mm %u %lx: folio #%lu is in another anon_vma family than its VMA",
			     mm->id, addr, folio->serial);
	else if (!folio->large && !folio->split_from_large && folio->anon_exclusive &&
		 folio->check_mapcount == 1 &&
		 av != vma->anon_vma)
		check_report(ctx, "mm %u %lx: exclusive folio #%lu is not on its VMA's own anon_vma",
			     mm->id, addr, folio->serial);
}

void classic_check(struct check_ctx *ctx);
void classic_check(struct check_ctx *ctx)
{
	struct world *w = ctx->world;
	struct ptr_set s = { 0 };
	struct mm_struct *mm;
	struct folio *folio;
	long nr_avc = 0, nr_vma = 0;
	size_t reachable;

	list_for_each_entry(mm, &w->mms, mmlist) {
		if (mm->exited)
			continue;
		for (struct vm_area_struct *vma = vma_first(mm); vma; vma = vma_next(vma)) {
			nr_vma++;
			check_vma_chain(ctx, &s, vma, &nr_avc);
		}
		walk_present_ptes(mm, 0, TASK_SIZE, check_folio_anon_vma, ctx);
	}
	/* roots pinned only by their children are reachable through them */
	for (size_t i = 0; i < s.nr; i++)
		if (kmem_obj_live(((struct anon_vma *)s.p[i])->root))
			ptr_set_add(&s, ((struct anon_vma *)s.p[i])->root);
	reachable = s.nr;
	for (size_t i = 0; i < reachable; i++)
		check_anon_vma(ctx, &s, i);
	check_counters(ctx, &s);

	list_for_each_entry(folio, &w->folios, lru) {
		struct anon_vma *av = folio_anon_vma(folio);

		if (folio->kind == FOLIO_ANON && folio->mapcount > 0 && !kmem_obj_live(av))
			check_report(ctx, "folio #%lu: mapping points at a freed anon_vma",
				     folio->serial);
	}
	if (anon_vma_cachep(w)->live != (long)reachable)
		check_report(ctx, "anon_vma leak: %ld live, %zu reachable",
			     anon_vma_cachep(w)->live, reachable);
	if (anon_vma_chain_cachep(w)->live != nr_avc)
		check_report(ctx, "anon_vma_chain leak: %ld live, %ld on chains",
			     anon_vma_chain_cachep(w)->live, nr_avc);
	if (vm_area_cachep(w)->live != nr_vma)
		check_report(ctx, "vm_area_struct leak: %ld live, %ld in address spaces",
			     vm_area_cachep(w)->live, nr_vma);
	ptr_set_free(&s);
}
