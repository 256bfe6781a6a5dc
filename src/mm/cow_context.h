/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cow-context design (docs/cowctx.md): one context per mm, linked
 * parent to children by fork, and per context a remap tree keyed by pgoff
 * ranges whose values are the non-zero offsets ((vm_start >> PAGE_SHIFT) -
 * vm_pgoff) at which this mm's moved or file-backed VMAs map that range.
 */
#ifndef ANONRMAP_COW_CONTEXT_H
#define ANONRMAP_COW_CONTEXT_H

#include <stdbool.h>

#include "mm/anon_rmap.h"
#include "mm/mm_types.h"

/*
 * One value of the remap tree over [start, last]. A simple entry holds one
 * offset in the tagged word itself (multi false, nr 1); a multi entry is a
 * heap array of cap slots, sorted, without duplicates, which may hold a
 * single offset (the duplicate append of a simple entry makes one).
 */
struct remap_entry {
	pgoff_t start, last;
	bool multi;
	int nr, cap;
	long *offs;		/* nr offsets; for a simple entry, one slot */
};

/*
 * The model's range tree: entries sorted by start, never overlapping. The
 * kernel's is a maple tree; its node count is estimated from the entries
 * (cow_context_remap_nodes()), the arrays are counted by their kmalloc size.
 */
struct remap_tree {
	struct remap_entry *e;
	int nr, cap;
};

struct cow_context {
	refcount_t refcnt;		/* the mm's 1, one per child, one per folio */
	struct mm_struct *mm;		/* NULL once the mm is gone (drop_cow_context()) */
	struct remap_tree remaps;	/* the owner's mmap_lock */
	struct cow_context *parent;
	struct list_head children;	/* of the contexts forked from this one */
	struct list_head siblings;	/* in parent->children, newest first */
	struct list_head all;		/* world->cow_contexts: the checker's census */
};

/*
 * How faithful to the proof of concept (a4ac196) the bookkeeping is. The
 * completed design is what `cowctx` runs; `cowctx-poc` keeps every gap of
 * docs/cowctx.md "Where the PoC is unfinished" so the findings can be shown.
 */
struct cowctx_variant {
	bool clip;		/* item 2: removals and rewrites clipped to the range */
	bool remap_on_merge;	/* item 3: a move into a merged neighbour is recorded */
	bool track_growth;	/* item 4: range growth and gained anon state recorded */
	bool track_anon_prepare;/* item 5: first anon state of a moved anonymous VMA */
	bool stop_after_hit;	/* item 1: stop only after a hit, all offsets tried */
};

static inline long vma_remap_offset(const struct vm_area_struct *vma)
{
	return (long)(vma->vm_start >> PAGE_SHIFT) - (long)vma->vm_pgoff;
}

/* The remap tree (cow_context_remap.c). Its allocations cannot fail: see there. */
void remap_add(struct remap_tree *t, pgoff_t start, pgoff_t last, long off);
void remap_remove(struct remap_tree *t, pgoff_t start, pgoff_t last, long off, bool clip);
bool remap_rewrite(struct remap_tree *t, pgoff_t start, pgoff_t last, long old, long new,
		   bool clip);
bool remap_holds(const struct remap_tree *t, pgoff_t pgoff, long off);
/* Does every pgoff of [start, last] have @off? */
bool remap_covers(const struct remap_tree *t, pgoff_t start, pgoff_t last, long off);
/* The entry over @pgoff, or NULL. */
const struct remap_entry *remap_find(const struct remap_tree *t, pgoff_t pgoff);
void remap_destroy(struct remap_tree *t);
/* Kernel memory of the tree: maple nodes (estimate) and array bytes. */
long remap_maple_nodes(const struct remap_tree *t);
long remap_array_bytes(const struct remap_tree *t);
long remap_nr_arrays(const struct remap_tree *t);

/* The design's hooks shared by its files. */
struct check_ctx;
int cowctx_walk(struct folio *folio, struct rmap_walk_control *rwc);
void cowctx_check(struct check_ctx *ctx);
const struct cowctx_variant *cowctx_variant(const struct world *w);
bool folio_maybe_mapped_shared(const struct folio *folio);
#define NR_COWCTX_COUNTERS 5
extern const struct rmap_counter cowctx_counters[NR_COWCTX_COUNTERS];

#endif
