/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ANON_VMA_LAZY (the v1 series of May 2026): the encodings its rmap and its
 * checker share. vma->rmap_state plays the part of the series' tagged
 * vma->anon_vma (anon_vma_tree_t); vma->anon_vma stays NULL in this design.
 */
#ifndef ANONRMAP_LAZY_RMAP_H
#define ANONRMAP_LAZY_RMAP_H

#include <stdbool.h>

#include "mm/mm_types.h"

typedef unsigned long anon_vma_tree_t;

/* The tag in the low bits of anon_vma_tree_t (patch 05). */
#define ANON_VMA_TREE_REGULAR	0	/* a regular anon_vma */
#define ANON_VMA_TREE_VMA	1	/* lazy root: the VMA itself */
#define ANON_VMA_TREE_PARENT	2	/* fork child: the parent VMA's anon_vma */
#define ANON_VMA_TREE_INVALID	3
#define ANON_VMA_TREE_BITS	2
#define ANON_VMA_TREE_MASK	((1UL << ANON_VMA_TREE_BITS) - 1)

/* folio->mapping of a lazy folio: its lazy root VMA, second tag bit. */
#define FOLIO_MAPPING_ANON_VMA_LAZY	FOLIO_MAPPING_ANON_KSM

static inline int anon_vma_tree_type(anon_vma_tree_t tree)
{
	return (int)(tree & ANON_VMA_TREE_MASK);
}

static inline bool anon_vma_tree_is_vma(anon_vma_tree_t tree)
{
	return anon_vma_tree_type(tree) == ANON_VMA_TREE_VMA;
}

static inline bool anon_vma_tree_is_parent(anon_vma_tree_t tree)
{
	return anon_vma_tree_type(tree) == ANON_VMA_TREE_PARENT;
}

static inline struct vm_area_struct *anon_vma_tree_vma(anon_vma_tree_t tree)
{
	if (!anon_vma_tree_is_vma(tree))
		return NULL;
	return (struct vm_area_struct *)(tree & ~ANON_VMA_TREE_MASK);
}

/* The anon_vma of a regular or PARENT state; NULL for a lazy root. */
static inline struct anon_vma *anon_vma_tree_anon_vma(anon_vma_tree_t tree)
{
	if (anon_vma_tree_is_vma(tree))
		return NULL;
	return (struct anon_vma *)(tree & ~ANON_VMA_TREE_MASK);
}

/* The VMA's own anon_vma, NULL while the VMA is lazy. */
static inline struct anon_vma *lazy_vma_anon_vma(const struct vm_area_struct *vma)
{
	if (anon_vma_tree_type(vma->rmap_state) != ANON_VMA_TREE_REGULAR)
		return NULL;
	return anon_vma_tree_anon_vma(vma->rmap_state);
}

static inline bool vma_is_anon_vma_lazy(const struct vm_area_struct *vma)
{
	return anon_vma_tree_type(vma->rmap_state) != ANON_VMA_TREE_REGULAR;
}

/*
 * vma_anon_vma_lazy_root(): a PARENT VMA counts as its own root, which is
 * what lets its new folios name it in folio->mapping (patch 13).
 */
static inline struct vm_area_struct *vma_anon_vma_lazy_root(const struct vm_area_struct *vma)
{
	anon_vma_tree_t tree = vma->rmap_state;

	if (!anon_vma_tree_type(tree))
		return NULL;
	if (anon_vma_tree_is_parent(tree))
		return (struct vm_area_struct *)vma;
	return anon_vma_tree_vma(tree);
}

static inline bool folio_test_anon_vma_lazy(const struct folio *folio)
{
	return (folio->mapping & FOLIO_MAPPING_FLAGS) == FOLIO_MAPPING_ANON_VMA_LAZY;
}

static inline struct vm_area_struct *folio_lazy_root(const struct folio *folio)
{
	if (!folio_test_anon_vma_lazy(folio))
		return NULL;
	return (struct vm_area_struct *)(folio->mapping - FOLIO_MAPPING_ANON_VMA_LAZY);
}

/*
 * Points in the lazy paths where another thread's steps change the outcome
 * (docs/findings.md, "Concurrency"). A test sets lazy_race_hook to stop the
 * reader there while a second thread runs the mutator's steps, so that each
 * interleaving is replayed exactly; NULL (the default) costs one load.
 */
enum lazy_race_point {
	/* folio_resolve_anon_vma_lazy(): vm_mm and state read, vma_get() next */
	LAZY_RACE_RESOLVE_BEFORE_GET,
	/* a walk holds its VMA by reference alone; rmap_one() next */
	LAZY_RACE_WALK_PINNED,
	/* folio_trylock_get_anon_rmap(): VMA pinned, lock_vma_under_rcu() next */
	LAZY_RACE_MIGRATE_PINNED,
	/* an upgrade stored the new anon_vma in the VMA, its AVC not in the tree */
	LAZY_RACE_UPGRADE_PUBLISHED,
	/* folio_resolve_anon_vma_lazy() looks a piece up; @obj is the mm it uses */
	LAZY_RACE_LOOKUP,
};
extern void (*lazy_race_hook)(enum lazy_race_point point, const void *obj);

struct check_ctx;
void lazy_check(struct check_ctx *ctx);

#endif
