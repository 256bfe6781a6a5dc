/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libanonrmap: looking inside a world: VMAs, pages, rmap walks, slab
 * counters, the invariant checker and the canonical observation.
 */
#ifndef ANONRMAP_PUBLIC_INSPECT_H
#define ANONRMAP_PUBLIC_INSPECT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <anonrmap/world.h>

#ifdef __cplusplus
extern "C" {
#endif

struct anonrmap_vma_info {
	uint64_t start, end;	/* [start, end) */
	uint64_t pgoff;		/* vm_pgoff, in pages */
	int prot;		/* ANONRMAP_PROT_* */
	unsigned long vm_flags;	/* raw flags, kernel bit values */
	bool file;		/* a private file mapping */
	bool has_anon_rmap;	/* an anon_vma (or the design's equivalent) is attached */
};

typedef int (*anonrmap_vma_fn)(const struct anonrmap_vma_info *vma, void *arg);
/* Call @fn for each VMA in address order; a non-zero return stops and is returned. */
int anonrmap_vma_foreach(struct anonrmap_mm *mm, anonrmap_vma_fn fn, void *arg);

enum anonrmap_page_kind {
	ANONRMAP_PAGE_NONE,
	ANONRMAP_PAGE_ZERO,
	ANONRMAP_PAGE_ANON,
	ANONRMAP_PAGE_FILE,
};

struct anonrmap_page_info {
	enum anonrmap_page_kind kind;
	struct anonrmap_folio *folio;	/* NULL when not present */
	bool writable;
	int mapcount;
	uint64_t index;			/* folio->index */
};

/* What the page table of @mm maps at @addr. */
int anonrmap_page(struct anonrmap_mm *mm, uint64_t addr, struct anonrmap_page_info *info);

/*
 * Called once per candidate (address space, address) of an rmap walk: each
 * VMA linked to the folio's anon_vma whose range covers the folio's index,
 * as rmap_walk_anon() hands them to its rmap_one callback. A candidate need
 * not map the folio any more (it may have copied the page on write); check
 * with anonrmap_page() where that matters.
 */
typedef int (*anonrmap_rmap_fn)(struct anonrmap_mm *mm, uint64_t addr, void *arg);
/* rmap_walk_anon() over an anonymous folio; -EINVAL for other folios. */
int anonrmap_rmap_walk(struct anonrmap_folio *folio, anonrmap_rmap_fn fn, void *arg);

enum anonrmap_cache {
	ANONRMAP_CACHE_VMA,
	ANONRMAP_CACHE_ANON_VMA,
	ANONRMAP_CACHE_ANON_VMA_CHAIN,
	ANONRMAP_CACHE_FOLIO,
};

struct anonrmap_slab_stats {
	const char *name;
	long live, peak, allocs, frees;
	size_t object_bytes;
	double live_kb, peak_kb;
};

int anonrmap_slab_stats(struct anonrmap_world *world, enum anonrmap_cache cache,
			struct anonrmap_slab_stats *stats);

/*
 * The rmap design's own objects beyond the caches above (cowctx: its
 * contexts, maple tree nodes and remap arrays), @i from 0; -ENOENT past
 * the last. KB uses the kernel's object sizes; maple nodes are estimated.
 */
struct anonrmap_design_object {
	const char *name;
	long live;
	double kb;
};

int anonrmap_design_object(struct anonrmap_world *world, unsigned int i,
			   struct anonrmap_design_object *obj);

/* Called once per violation with a one-line description. */
typedef void (*anonrmap_report_fn)(const char *violation, void *arg);
/*
 * Run every invariant check over the whole world. Returns the number of
 * violations (0 when consistent); each is also passed to @report if non-NULL.
 */
int anonrmap_check(struct anonrmap_world *world, anonrmap_report_fn report, void *arg);

/* Print an observation block (scenario-format.md) for the live processes. */
int anonrmap_observe(struct anonrmap_world *world, const char *label, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
