// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cow-context invariants (docs/cowctx.md "Checker rules for cowctx"),
 * after classic's, since the design keeps classic underneath:
 *  1. cow_context_verify_vma() for every present anonymous PTE;
 *  2. coverage: a tracked VMA's offset over its whole pgoff range;
 *  3. references recounted, and no freed context reachable;
 *  4. remap tree shape.
 * And the design's objects for the benchmark tables.
 */
#include "mm/check.h"
#include "mm/cow_context.h"
#include "mm/internal.h"
#include "mm/world.h"

void classic_check(struct check_ctx *ctx);

/*
 * cow_context_verify_vma(): the folio's context is the mapping mm's or an
 * ancestor of it, and the VMA's offset is 0 or in the mm's own tree there.
 */
static void verify_vma(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	struct check_ctx *ctx = arg;
	struct folio *folio = pte_folio(*pte);
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	struct cow_context *fctx, *c;
	long off;

	if (!kmem_obj_live(folio) || !folio_test_anon(folio) || !vma)
		return;	/* the generic checks report these */
	fctx = (struct cow_context *)folio->rmap_private;
	if (!fctx || !kmem_obj_live(fctx)) {
		check_report(ctx, "cow_context_verify_vma: mm %u %lx: folio #%lu names %s context",
			     mm->id, addr, folio->serial, fctx ? "a freed" : "no");
		return;
	}
	for (c = mm->rmap_mm; c && c != fctx; c = c->parent)
		;
	if (!c)
		check_report(ctx, "cow_context_verify_vma: mm %u %lx: folio #%lu's context is "
			     "not this mm's nor an ancestor", mm->id, addr, folio->serial);
	off = vma_remap_offset(vma);
	if (off && !remap_holds(&((struct cow_context *)mm->rmap_mm)->remaps, folio->index, off))
		check_report(ctx, "cow_context_verify_vma: mm %u %lx: folio #%lu at offset %ld "
			     "has no remap entry", mm->id, addr, folio->serial, off);
}

static void check_coverage(struct check_ctx *ctx, struct mm_struct *mm)
{
	struct cow_context *c = mm->rmap_mm;

	for (struct vm_area_struct *vma = vma_first(mm); vma; vma = vma_next(vma)) {
		long off = vma_remap_offset(vma);

		if (!vma->anon_vma || !off || (vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
			continue;
		if (!remap_covers(&c->remaps, vma->vm_pgoff, vma->vm_pgoff + vma_pages(vma) - 1, off))
			check_report(ctx, "cow_context: mm %u VMA %lx-%lx: offset %ld not in the remap "
				     "tree over all of its pgoffs", mm->id, vma->vm_start, vma->vm_end,
				     off);
	}
}

static void check_tree(struct check_ctx *ctx, const struct cow_context *c, unsigned int id)
{
	const struct remap_tree *t = &c->remaps;

	if (!c->mm && t->nr)
		check_report(ctx, "cow_context %p: its mm is gone but its tree has %d entries",
			     (const void *)c, t->nr);
	for (int i = 0; i < t->nr; i++) {
		const struct remap_entry *e = &t->e[i];

		if (e->start > e->last || (i && t->e[i - 1].last >= e->start))
			check_report(ctx, "cow_context of mm %u: remap entries overlap or are malformed "
				     "at %lx", id, e->start);
		if (e->nr < 1 || e->nr > e->cap || (!e->multi && e->nr != 1))
			check_report(ctx, "cow_context of mm %u: remap entry at %lx holds %d of %d",
				     id, e->start, e->nr, e->cap);
		for (int j = 0; j < e->nr; j++)
			if (!e->offs[j] || (j && e->offs[j - 1] >= e->offs[j]))
				check_report(ctx, "cow_context of mm %u: remap entry at %lx: offsets "
					     "zero, unsorted or repeated", id, e->start);
	}
}

/* Reference census: the mm's, one per child, one per folio naming it. */
static void check_refs(struct check_ctx *ctx)
{
	struct world *w = ctx->world;
	struct cow_context *c, *k;
	struct folio *folio;
	long nr = 0;

	list_for_each_entry(c, &w->cow_contexts, all) {
		long refs = c->mm ? 1 : 0;

		nr++;
		list_for_each_entry(k, &c->children, siblings) {
			refs++;
			if (k->parent != c)
				check_report(ctx, "cow_context %p: a child names another parent",
					     (void *)c);
		}
		list_for_each_entry(folio, &w->folios, lru)
			refs += folio->kind == FOLIO_ANON && folio->rmap_private == (unsigned long)c;
		if (refcount_read(&c->refcnt) != refs)
			check_report(ctx, "cow_context %p: refcount %ld, recomputed %ld", (void *)c,
				     refcount_read(&c->refcnt), refs);
		if (c->parent && !kmem_obj_live(c->parent))
			check_report(ctx, "cow_context %p: its parent is freed", (void *)c);
		if (c->mm && (c->mm->exited || c->mm->rmap_mm != c))
			check_report(ctx, "cow_context %p: names an mm that is not its own",
				     (void *)c);
		check_tree(ctx, c, c->mm ? c->mm->id : ~0u);
	}
	list_for_each_entry(folio, &w->folios, lru)
		if (folio->kind == FOLIO_ANON && folio->rmap_private &&
		    !kmem_obj_live((void *)folio->rmap_private))
			check_report(ctx, "folio #%lu: names a freed cow_context", folio->serial);
	if (w->cow_context_cache.live != nr)
		check_report(ctx, "cow_context leak: %ld live, %ld known", w->cow_context_cache.live, nr);
}

void cowctx_check(struct check_ctx *ctx)
{
	struct world *w = ctx->world;
	struct mm_struct *mm;

	classic_check(ctx);
	list_for_each_entry(mm, &w->mms, mmlist) {
		if (mm->exited)
			continue;
		if (!mm->rmap_mm || !kmem_obj_live(mm->rmap_mm)) {
			check_report(ctx, "mm %u: no live cow_context", mm->id);
			continue;
		}
		walk_present_ptes(mm, 0, TASK_SIZE, verify_vma, ctx);
		if (cowctx_variant(w)->track_growth)
			check_coverage(ctx, mm);
	}
	check_refs(ctx);
}

static long anon_vma_live(struct world *w)
{
	return anon_vma_cachep(w)->live;
}

static long avc_live(struct world *w)
{
	return anon_vma_chain_cachep(w)->live;
}

static long cow_context_live(struct world *w)
{
	return w->cow_context_cache.live;
}

/* A figure summed over the remap trees of every context, dead ones too. */
static long sum_trees(struct world *w, long (*fn)(const struct remap_tree *t))
{
	struct cow_context *c;
	long n = 0;

	list_for_each_entry(c, &w->cow_contexts, all)
		n += fn(&c->remaps);
	return n;
}

static long maple_nodes(struct world *w)
{
	return sum_trees(w, remap_maple_nodes);
}

static long remap_arrays(struct world *w)
{
	return sum_trees(w, remap_nr_arrays);
}

static long remap_array_total_bytes(struct world *w)
{
	return sum_trees(w, remap_array_bytes);
}

/* anon_vma and anon_vma_chain first: the PoC still allocates classic's objects. */
const struct rmap_counter cowctx_counters[NR_COWCTX_COUNTERS] = {
	{ "anon_vma", 104, anon_vma_live, true, NULL },
	{ "anon_vma_chain", 64, avc_live, true, NULL },
	{ "cow_context", 96, cow_context_live, false, NULL },
	{ "maple_node", 256, maple_nodes, false, NULL },
	{ "remap_array", 0, remap_arrays, false, remap_array_total_bytes },
};
