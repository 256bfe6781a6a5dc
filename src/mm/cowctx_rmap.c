// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cow-context design (docs/cowctx.md), as its proof of concept stands
 * at a4ac196: classic anon_vma underneath, unchanged, so VMA layouts and
 * the anon_vma counts are the kernel's; cow contexts and their remap trees
 * on top; and the rmap walk is the cow-context walk, which is the design
 * under test. `cowctx` completes the PoC where it would lose mappings
 * ("What the model does" in docs/cowctx.md); `cowctx-poc` keeps its gaps.
 */
#include "mm/check.h"
#include "mm/cow_context.h"
#include "lib/compiler.h"
#include "mm/internal.h"
#include "mm/world.h"
#include "mm/interval_tree.h"

static const struct cowctx_variant completed = {
	.clip = true,
	.remap_on_merge = true,
	.track_growth = true,
	.track_anon_prepare = true,
	.stop_after_hit = true,
};
static const struct cowctx_variant poc;

const struct cowctx_variant *cowctx_variant(const struct world *w)
{
	return w->rmap == &cowctx_poc_anon_rmap_ops ? &poc : &completed;
}

static struct cow_context *mm_ctx(const struct mm_struct *mm)
{
	return mm->rmap_mm;
}

static struct cow_context *folio_ctx(const struct folio *folio)
{
	return (struct cow_context *)folio->rmap_private;
}

/* should_track_remap(): only moved or file-offset private VMAs with anon pages. */
static bool should_track(const struct vm_area_struct *vma)
{
	return vma->anon_vma && vma_remap_offset(vma) &&
	       !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE));
}

static void add_vma_range(struct vm_area_struct *vma)
{
	remap_add(&mm_ctx(vma->vm_mm)->remaps, vma->vm_pgoff,
		  vma->vm_pgoff + vma_pages(vma) - 1, vma_remap_offset(vma));
}

static void get_cow_context(struct cow_context *ctx)
{
	refcount_inc(&ctx->refcnt);
}

/*
 * __put_cow_context(): the last reference unlinks the context from its
 * parent and drops the one it held there, so a dead chain goes at once.
 */
static void put_cow_context(struct world *w, struct cow_context *ctx)
{
	while (ctx && refcount_dec_and_test(&ctx->refcnt)) {
		struct cow_context *parent = ctx->parent;

		if (parent)
			list_del(&ctx->siblings);
		list_del(&ctx->all);
		remap_destroy(&ctx->remaps);
		kmem_cache_free(&w->cow_context_cache, ctx);
		ctx = parent;
	}
}

/* mm_init_cow_context(); unlike the PoC, a failed allocation fails mm_alloc(). */
static int cowctx_mm_init(struct mm_struct *mm)
{
	struct world *w = mm->world;
	struct cow_context *ctx = kmem_cache_alloc(&w->cow_context_cache);

	if (!ctx)
		return -ENOMEM;
	refcount_set(&ctx->refcnt, 1);
	ctx->mm = mm;
	INIT_LIST_HEAD(&ctx->children);
	INIT_LIST_HEAD(&ctx->siblings);
	list_add_tail(&ctx->all, &w->cow_contexts);
	mm->rmap_mm = ctx;
	return 0;
}

/*
 * dup_cow_context(), moved before the first VMA is copied (item 7): no PTE
 * of the child may exist that a walk cannot reach. A failed fork unlinks it
 * again through exit_mmap().
 */
static int cowctx_mm_fork(struct mm_struct *child, struct mm_struct *parent)
{
	struct cow_context *ctx = mm_ctx(child), *pctx = mm_ctx(parent);

	ctx->parent = pctx;
	get_cow_context(pctx);
	list_add(&ctx->siblings, &pctx->children);
	return 0;
}

/* drop_cow_context(): the model's __mmdrop() point is the end of exit_mmap(). */
static void cowctx_mm_exit(struct mm_struct *mm)
{
	struct cow_context *ctx = mm_ctx(mm);

	ctx->mm = NULL;
	/* every VMA is gone; what is left is what unclipped removals and shrinks left over */
	remap_destroy(&ctx->remaps);
	mm->rmap_mm = NULL;
	put_cow_context(mm->world, ctx);
}

static int cowctx_prepare(struct vm_area_struct *vma)
{
	bool had = vma->anon_vma != NULL;
	int err = classic_anon_rmap_ops.prepare(vma);

	if (err || had || !should_track(vma))
		return err;
	/* cow_context_do_map_private_cow() looks at private file VMAs only (item 5) */
	if (vma->vm_file || cowctx_variant(vma_world(vma))->track_anon_prepare)
		add_vma_range(vma);
	return 0;
}

/* split_vma, copy_vma, dup_anon_vma: the new VMA maps pgoffs the tree must cover. */
static int cowctx_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	int err = classic_anon_rmap_ops.clone(dst, src);

	if (!err && should_track(dst) && cowctx_variant(vma_world(dst))->track_growth)
		add_vma_range(dst);
	return err;
}

/*
 * cow_context_do_fork() (item 6): the child's copy is recorded in the
 * child's tree, and a private file VMA of the parent is appended again to
 * the parent's, which the PoC does and which turns a simple entry into a
 * one-offset heap array (item 9).
 */
static int cowctx_fork(struct vm_area_struct *child, struct vm_area_struct *parent)
{
	int err = classic_anon_rmap_ops.fork(child, parent);

	if (err)
		return err;
	if (should_track(child))
		add_vma_range(child);
	if (should_track(parent) && parent->vm_file)
		add_vma_range(parent);
	return 0;
}

/* cow_context_vma_unmap(): before classic forgets the VMA's anon state. */
static void cowctx_unlink(struct vm_area_struct *vma)
{
	struct cow_context *ctx = mm_ctx(vma->vm_mm);

	if (ctx && should_track(vma))
		remap_remove(&ctx->remaps, vma->vm_pgoff, vma->vm_pgoff + vma_pages(vma) - 1,
			     vma_remap_offset(vma), cowctx_variant(vma_world(vma))->clip);
	classic_anon_rmap_ops.unlink(vma);
}

static int cowctx_dup(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	int err = classic_anon_rmap_ops.dup(dst, src);

	if (!err && should_track(dst) && cowctx_variant(vma_world(dst))->track_growth)
		add_vma_range(dst);
	return err;
}

static bool cowctx_vma_has_anon(const struct vm_area_struct *vma)
{
	return classic_anon_rmap_ops.vma_has_anon(vma);
}

/* Merges follow anon_vma identity, which keeps the kernel's VMA layouts. */
static bool cowctx_mergeable(struct vm_area_struct *tgt, struct vm_area_struct *src,
			     const struct vm_area_struct *state)
{
	return classic_anon_rmap_ops.mergeable(tgt, src, state);
}

static bool cowctx_compatible(struct vm_area_struct *prev, struct vm_area_struct *next)
{
	return classic_anon_rmap_ops.compatible(prev, next);
}

/* The anon_vma picture is classic's; contexts are per mm, not per VMA. */
static void cowctx_dot_vma(struct dot_ctx *ctx, const struct vm_area_struct *vma)
{
	classic_anon_rmap_ops.dot_vma(ctx, vma);
}

/* The survivor covers what the removed VMA mapped: only classic has work. */
static void cowctx_merge_remove(struct vm_area_struct *survivor, struct vm_area_struct *gone)
{
	classic_anon_rmap_ops.merge_remove(survivor, gone);
}

/* Item 4: a tracked VMA that grew maps pgoffs no entry covers yet. */
static void cowctx_post_update(struct vm_area_struct *vma)
{
	classic_anon_rmap_ops.post_update(vma);
	if (should_track(vma) && cowctx_variant(vma_world(vma))->track_growth)
		add_vma_range(vma);
}

/*
 * The moved range's pgoffs leave the old offset for the new one. The PoC
 * (copy_vma() -> cow_context_do_remap()) does this only when copy_vma()
 * allocated the destination, derives the range from the new VMA and the old
 * offset from the source's vm_start with the new vm_pgoff, and rewrites
 * whole entries.
 */
static void cowctx_remap(struct vm_area_struct *old_vma, unsigned long old_addr,
			 unsigned long old_len, struct vm_area_struct *new_vma,
			 unsigned long new_addr, unsigned long new_len)
{
	const struct cowctx_variant *v = cowctx_variant(vma_world(old_vma));
	struct remap_tree *t = &mm_ctx(old_vma->vm_mm)->remaps;
	long old_off, new_off;
	pgoff_t start, last;

	if (!old_vma->anon_vma || (old_vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return;
	new_off = vma_remap_offset(new_vma);
	/*
	 * Completed: record the destination, merged or not, over all it maps;
	 * the old offset goes with the source's unmap, clipped, which also
	 * keeps it when that unmap fails and the emptied source stays.
	 */
	if (v->remap_on_merge) {
		if (should_track(new_vma))
			add_vma_range(new_vma);
		return;
	}
	/* copy_vma() merged into a neighbour: the PoC's hook is not reached */
	if (new_vma->vm_start != new_addr || new_vma->vm_end != new_addr + new_len)
		return;
	start = new_vma->vm_pgoff;
	last = start + vma_pages(new_vma) - 1;
	old_off = (long)(old_vma->vm_start >> PAGE_SHIFT) - (long)new_vma->vm_pgoff;
	if (!old_off && !new_off)
		return;
	if (!new_off)
		remap_remove(t, start, last, old_off, false);
	else if (!remap_rewrite(t, start, last, old_off, new_off, false))
		remap_add(t, start, last, new_off);
}

/* __folio_set_anon_cow(): the faulting mm's context, exclusive or not (item 8). */
static void cowctx_folio_set_anon(struct folio *folio, struct vm_area_struct *vma,
				  unsigned long address, bool exclusive)
{
	struct cow_context *ctx = mm_ctx(vma->vm_mm);

	classic_anon_rmap_ops.folio_set_anon(folio, vma, address, exclusive);
	get_cow_context(ctx);
	folio->rmap_private = (unsigned long)ctx;
}

static void cowctx_folio_move(struct folio *folio, struct vm_area_struct *vma)
{
	struct cow_context *old = folio_ctx(folio), *ctx = mm_ctx(vma->vm_mm);

	classic_anon_rmap_ops.folio_move(folio, vma);
	if (old == ctx)
		return;
	get_cow_context(ctx);
	WRITE_ONCE(folio->rmap_private, (unsigned long)ctx);
	put_cow_context(vma_world(vma), old);
}

/* __free_pages_prepare(): the folio's reference goes with the folio, not the unmap. */
static void cowctx_folio_free(struct folio *folio)
{
	struct cow_context *ctx = folio_ctx(folio);

	folio->rmap_private = 0;
	put_cow_context(folio_world(folio), ctx);
}

static void cowctx_folio_migrate(struct folio *dst, struct folio *src)
{
	struct cow_context *ctx = folio_ctx(src);

	if (ctx)
		get_cow_context(ctx);
	dst->rmap_private = (unsigned long)ctx;
}

/*
 * The walk pins the anon_vma as classic does; the folio's context needs
 * nothing more, because the caller's folio reference keeps the folio, and
 * so its context reference, alive until after the walk.
 */
static void *cowctx_folio_get(struct folio *folio)
{
	return classic_anon_rmap_ops.folio_get(folio);
}

static void cowctx_folio_put(void *cookie)
{
	classic_anon_rmap_ops.folio_put(cookie);
}


#define COWCTX_OPS(NAME)						\
	{								\
		.name = NAME,						\
		.prepare = cowctx_prepare,				\
		.vma_has_anon = cowctx_vma_has_anon,		\
		.clone = cowctx_clone,					\
		.fork = cowctx_fork,					\
		.unlink = cowctx_unlink,				\
		.mergeable = cowctx_mergeable,		\
		.compatible = cowctx_compatible,		\
		.dup = cowctx_dup,					\
		.merge_remove = cowctx_merge_remove,			\
		.pre_update = anon_vma_interval_tree_pre_update_vma,	\
		.post_update = cowctx_post_update,			\
		.folio_set_anon = cowctx_folio_set_anon,		\
		.folio_move = cowctx_folio_move,			\
		.walk = cowctx_walk,					\
		.folio_get = cowctx_folio_get,				\
		.folio_put = cowctx_folio_put,				\
		.dot_vma = cowctx_dot_vma,				\
		.check = cowctx_check,					\
		.counters = cowctx_counters,				\
		.nr_counters = NR_COWCTX_COUNTERS,			\
		.mm_init = cowctx_mm_init,				\
		.mm_fork = cowctx_mm_fork,				\
		.mm_exit = cowctx_mm_exit,				\
		.remap = cowctx_remap,					\
		.folio_free = cowctx_folio_free,			\
		.folio_migrate = cowctx_folio_migrate,			\
	}

const struct anon_rmap_ops cowctx_anon_rmap_ops = COWCTX_OPS("cowctx");
const struct anon_rmap_ops cowctx_poc_anon_rmap_ops = COWCTX_OPS("cowctx-poc");
