// SPDX-License-Identifier: GPL-2.0-only
/*
 * cow_context_walk(): the folio's context first, then every descendant,
 * each after its own children (traverse_contexts()). In each live context
 * the folio's pgoff is tried at offset 0 and at every offset the remap tree
 * holds there (walk_context()). What stops the walk early is the one thing
 * the two variants disagree on (docs/cowctx.md, item 1).
 */
#include "mm/cow_context.h"
#include "mm/internal.h"
#include "mm/world.h"

/* folio_maybe_mapped_shared(), from the counts the model keeps as the kernel does. */
bool folio_maybe_mapped_shared(const struct folio *folio)
{
	if (!folio->large)
		return folio->mapcount > 1;
	if (folio_large_mapcount(folio->large) <= 1)
		return false;
	return folio->large->maybe_mapped_shared;
}

struct cowctx_walk {
	struct folio *folio;
	struct rmap_walk_control *rwc;
	const struct cowctx_variant *v;
	bool was_exclusive;
	bool stop;
};

static bool may_stop(const struct cowctx_walk *cw)
{
	return cw->was_exclusive && !(cw->rwc->flags & RMAP_WALK_NO_EARLY_STOP) &&
	       !folio_maybe_mapped_shared(cw->folio);
}

/* walk_context_remap(): the VMA of this mm at the folio's pgoff moved by @off. */
static int try_offset(struct cowctx_walk *cw, struct mm_struct *mm, long off, bool *hit)
{
	struct rmap_walk_stats *st = cw->rwc->stats;
	long page = (long)cw->folio->index + off;
	struct vm_area_struct *vma;
	unsigned long address;
	pte_t *pte;

	if (page < 0 || (unsigned long)page >= TASK_SIZE >> PAGE_SHIFT)
		return 0;
	address = (unsigned long)page << PAGE_SHIFT;
	if (st)
		st->lookups++;
	vma = vma_lookup(mm, address);
	if (!vma || !vma->anon_vma || vma_remap_offset(vma) != off)
		return 0;
	if (st)
		st->vmas++;
	/* page_vma_mapped_walk(): the stop rule needs to know a mapping was found */
	pte = pte_lookup(mm, address);
	if (pte && pte_present(*pte) && pte_folio(*pte) == cw->folio)
		*hit = true;
	return cw->rwc->rmap_one(cw->folio, vma, address, cw->rwc->arg);
}

static int walk_context(struct cowctx_walk *cw, struct cow_context *ctx)
{
	struct rmap_walk_stats *st = cw->rwc->stats;
	const struct remap_entry *e;
	bool hit = false;
	int ret;

	if (st)
		st->nodes++;
	if (!ctx->mm) {		/* mm gone: nothing to map, but descendants may */
		if (st)
			st->dead_nodes++;
		return 0;
	}
	ret = try_offset(cw, ctx->mm, 0, &hit);
	if (ret)
		return ret;
	if (!cw->v->stop_after_hit && may_stop(cw)) {
		cw->stop = true;
		return 0;
	}
	e = remap_find(&ctx->remaps, cw->folio->index);
	if (e && st)
		st->entries++;
	for (int i = 0; e && i < e->nr; i++) {
		ret = try_offset(cw, ctx->mm, e->offs[i], &hit);
		if (ret)
			return ret;
	}
	/*
	 * Completed stop: an exclusive folio is mapped by one mm, and that mm
	 * was found and searched at every offset, so no other context has it.
	 */
	if (cw->v->stop_after_hit && hit && may_stop(cw))
		cw->stop = true;
	return 0;
}

static struct cow_context *first_leaf(struct cow_context *ctx)
{
	while (!list_empty(&ctx->children))
		ctx = list_first_entry(&ctx->children, struct cow_context, siblings);
	return ctx;
}

int cowctx_walk(struct folio *folio, struct rmap_walk_control *rwc)
{
	struct cow_context *root = (struct cow_context *)folio->rmap_private, *ctx;
	struct cowctx_walk cw = {
		.folio = folio,
		.rwc = rwc,
		.v = cowctx_variant(folio_world(folio)),
		.was_exclusive = !folio_maybe_mapped_shared(folio),
	};
	int ret;

	if (!root)
		return -EINVAL;
	ret = walk_context(&cw, root);
	if (ret || cw.stop)
		goto out;
	if (list_empty(&root->children))
		return 0;
	ctx = first_leaf(list_first_entry(&root->children, struct cow_context, siblings));
	while (ctx != root) {
		struct cow_context *parent = ctx->parent;

		ret = walk_context(&cw, ctx);
		if (ret || cw.stop)
			break;
		if (ctx->siblings.next != &parent->children)
			ctx = first_leaf(list_entry(ctx->siblings.next, struct cow_context, siblings));
		else
			ctx = parent;
	}
out:
	if (cw.stop && rwc->stats)
		rwc->stats->early_stops++;
	return ret;
}
