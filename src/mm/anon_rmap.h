/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one interface between the generic mm code (VMAs, faults, fork, page
 * tables) and an anonymous reverse-mapping design. It follows the anon_rmap_t
 * idea of the ANON_VMA_LAZY series: the generic code never touches anon_vma or
 * anon_vma_chain itself, it asks the design. Classic anon_vma (rmap.c) is one
 * implementation; another design registers its own table in anon_rmap.c and
 * neither has to change.
 *
 * Locking: the VMA hooks (clone, fork, unlink, merge, dup) run with the
 * VMA's mmap_lock held for writing, pre_update/post_update also under the
 * anon_vma lock (anon_vma_lock_for_update()); prepare runs from faults,
 * under mmap_lock for reading and no PTE lock; folio_set_anon under the PTE
 * lock, and folio_move also with the folio locked. walk, folio_get and
 * folio_put come from outside any mm (reclaim, ageing, migration, the API)
 * and hold no mmap_lock of the folio's mms: walk locks the design's own
 * structures, with folio_lock_anon_vma_read()'s re-checks when the caller
 * asks for RMAP_WALK_ANON_LOCK. docs/design.md, "Locks", has the order.
 */
#ifndef ANONRMAP_ANON_RMAP_H
#define ANONRMAP_ANON_RMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "mm/mm_types.h"

/* Called for each (vma, address) where a walk finds the folio; non-zero stops. */
typedef int (*rmap_one_fn)(struct folio *folio, struct vm_area_struct *vma,
			   unsigned long address, void *arg);

/* What one walk cost, for the benchmarks; a design fills what it has. */
struct rmap_walk_stats {
	unsigned long nodes;		/* anon_vmas (or the design's own nodes) visited */
	unsigned long dead_nodes;	/* cowctx: contexts whose mm is gone */
	unsigned long lookups;		/* tree queries: interval tree, or (context, offset) */
	unsigned long vmas;		/* candidate VMAs handed to rmap_one */
	unsigned long entries;		/* cowctx: remap entries read */
	unsigned long early_stops;	/* walks a design ended before the last node */
};

/* Do not stop early even where the design may (the folio's mapcount lies). */
#define RMAP_WALK_NO_EARLY_STOP 0x1
/*
 * The walker holds no pin on the folio's anon rmap (ageing, reclaim, the
 * public walk): lock it with folio_lock_anon_vma_read()'s trylock, RCU and
 * re-check, as rwc->anon_lock does in the kernel. Without the flag the
 * caller keeps the anon rmap alive itself (migration's folio_get(), or a
 * world no other thread is running in), as for the kernel's rmap_walk().
 */
#define RMAP_WALK_ANON_LOCK 0x2

/* struct rmap_walk_control, reduced to what the model's walkers use. */
struct rmap_walk_control {
	rmap_one_fn rmap_one;		/* non-zero stops the walk */
	void *arg;
	unsigned int flags;		/* RMAP_WALK_* */
	struct rmap_walk_stats *stats;	/* may be NULL */
	/* give up rather than wait for a contended anon_vma lock, and say so */
	bool try_lock;
	bool contended;
};

/*
 * A design's counter of its own objects, for the benchmark tables; the
 * observation prints those marked observed (anon_vma and anon_vma_chain,
 * the two the kernel runner can count too).
 */
struct rmap_counter {
	const char *name;
	size_t object_size;		/* bytes the kernel's object costs */
	long (*count)(struct world *w);	/* live objects */
	bool observed;
	/* May be NULL (count * object_size); for objects of varying size. */
	long (*bytes)(struct world *w);
};

struct check_ctx;
struct dot_ctx;

struct anon_rmap_ops {
	const char *name;
	/*
	 * The design's lockless lookups read fields of a freed VMA or
	 * anon_vma, as the kernel may because those caches are
	 * SLAB_TYPESAFE_BY_RCU (lazy's folio resolution does). The model then
	 * keeps freed objects of those caches readable; otherwise it poisons
	 * them, since one thread reading a freed object is always a bug.
	 */
	bool typesafe_reads;
	/*
	 * The design takes the kernel's locks on all its own structures, so
	 * public calls on its world may run from any number of threads at
	 * once. Otherwise the API takes them one at a time (world_enter()).
	 */
	bool concurrent;

	/* anon_vma_prepare(): before the first anonymous folio of @vma. */
	int (*prepare)(struct vm_area_struct *vma);
	/* Does @vma already have somewhere to put anonymous folios? */
	bool (*vma_has_anon)(const struct vm_area_struct *vma);

	/* anon_vma_clone(): @dst was split from or copied from @src. */
	int (*clone)(struct vm_area_struct *dst, struct vm_area_struct *src);
	/* anon_vma_fork(): @child is the fork-time copy of @parent. */
	int (*fork)(struct vm_area_struct *child, struct vm_area_struct *parent);
	/*
	 * During the page-table copy of fork, for each anonymous folio mapped
	 * by @parent that the child will map too. May be NULL.
	 */
	void (*fork_folio)(struct folio *folio, struct vm_area_struct *child,
			   struct vm_area_struct *parent);
	/* unlink_anon_vmas(): @vma is going away or losing its anon state. */
	void (*unlink)(struct vm_area_struct *vma);

	/*
	 * Merge rules. mergeable(): may @tgt absorb a range whose anon state
	 * is @src (a VMA, or NULL for a new range carrying @src_vma_state)?
	 * compatible(): may @prev and @next both survive into one VMA?
	 * dup(): @dst takes over the anon state of @src before @src goes.
	 */
	bool (*mergeable)(struct vm_area_struct *tgt, struct vm_area_struct *src,
			  const struct vm_area_struct *src_state);
	bool (*compatible)(struct vm_area_struct *prev, struct vm_area_struct *next);
	int (*dup)(struct vm_area_struct *dst, struct vm_area_struct *src);
	/* Called on the VMA that is removed by a merge, after dup. */
	void (*merge_remove)(struct vm_area_struct *survivor, struct vm_area_struct *gone);
	/*
	 * May be NULL. Must @gone, which a merge is about to delete, be kept
	 * as the merge target instead (ANON_VMA_LAZY patch 14)? The generic
	 * code then swaps the target with @gone exactly where the series
	 * does, and removes what it would have removed anyway.
	 */
	bool (*merge_keep)(struct vm_area_struct *gone);
	/*
	 * May be NULL, meaning a VMA is freed as soon as the generic code
	 * lets go of it. Otherwise this is vma_put(): it returns true when
	 * the last reference is gone and the object may be freed.
	 */
	bool (*vma_free)(struct vm_area_struct *vma);

	/*
	 * vm_start/vm_end/vm_pgoff of @vma are about to change / have changed:
	 * keys of interval trees must be taken out and put back.
	 */
	void (*pre_update)(struct vm_area_struct *vma);
	void (*post_update)(struct vm_area_struct *vma);

	/* folio_add_new_anon_rmap() / __folio_set_anon(). */
	void (*folio_set_anon)(struct folio *folio, struct vm_area_struct *vma,
			       unsigned long address, bool exclusive);
	/* folio_move_anon_rmap(): an exclusive folio is reused by @vma. */
	void (*folio_move)(struct folio *folio, struct vm_area_struct *vma);
	/* rmap_walk_anon(): every (vma, address) that may map @folio. */
	int (*walk)(struct folio *folio, struct rmap_walk_control *rwc);
	/*
	 * Pin whatever folio->mapping names so that a walk can run after the
	 * caller drops its locks (folio_get_anon_vma()); returns an opaque
	 * cookie for put, or NULL if the folio is no longer mapped.
	 */
	void *(*folio_get)(struct folio *folio);
	void (*folio_put)(void *cookie);

	/*
	 * May be NULL (then prepare). __vmf_anon_prepare() before a fault
	 * that may map a PMD: ANON_VMA_LAZY patch 11 gives such a VMA a
	 * regular anon_vma first (vma_upgrade_anon_vma_lazy()), because
	 * splitting a huge folio needs the anon_vma write lock.
	 */
	int (*prepare_huge)(struct vm_area_struct *vma);
	/*
	 * May be NULL (then folio_get/folio_put). Migration's pin, which must
	 * also exclude free_pgtables() under the walk: ANON_VMA_LAZY patch 12's
	 * folio_trylock_get_anon_rmap() and anon_rmap_unlock_put(), which
	 * read-lock a lazy folio's VMA (lock_vma_under_rcu()) and try the
	 * anon_vma read lock of a regular one. NULL when the folio is no
	 * longer mapped or the lock was contended.
	 */
	void *(*folio_trylock_get)(struct folio *folio);
	void (*unlock_put)(void *cookie);

	/*
	 * May be NULL. anonrmap dot: draw what @vma's own anon state names
	 * (classic: its anon_vma) with dot_edge() and the names of mm/dot.h.
	 */
	void (*dot_vma)(struct dot_ctx *ctx, const struct vm_area_struct *vma);

	/* Design-specific invariants, after the generic ones. */
	void (*check)(struct check_ctx *ctx);
	/* The design's objects; anon_vma and anon_vma_chain first where it has them. */
	const struct rmap_counter *counters;
	unsigned int nr_counters;

	/*
	 * Address-space hooks, each may be NULL, for a design that keeps
	 * state per mm (mm->rmap_mm), such as cow-context. mm_init() runs in
	 * mm_alloc() and may fail it; mm_fork() in dup_mmap() with the
	 * parent's mmap_lock held, before the first VMA is copied; mm_exit()
	 * at the end of exit_mmap(), every VMA gone.
	 */
	int (*mm_init)(struct mm_struct *mm);
	int (*mm_fork)(struct mm_struct *child, struct mm_struct *parent);
	void (*mm_exit)(struct mm_struct *mm);
	/*
	 * May be NULL. mremap moved [old_addr, +old_len) of @old_vma to
	 * @new_vma at @new_addr, after the page tables went across and before
	 * the source is unmapped, whether copy_vma() made @new_vma or merged
	 * the range into a neighbour.
	 */
	void (*remap)(struct vm_area_struct *old_vma, unsigned long old_addr,
		      unsigned long old_len, struct vm_area_struct *new_vma,
		      unsigned long new_addr, unsigned long new_len);
	/*
	 * May be NULL. folio_free(): an anonymous folio's last reference went
	 * (__free_pages_prepare()). folio_migrate(): @dst takes @src's place
	 * (__folio_migrate_mapping()), after mapping and index were copied.
	 */
	void (*folio_free)(struct folio *folio);
	void (*folio_migrate)(struct folio *dst, struct folio *src);
};

/* rmap_walk() with a plain callback, for walkers that need no control. */
int rmap_walk(struct folio *folio, rmap_one_fn fn, void *arg);
/*
 * The check every concurrent walker's rmap_one makes on what it was
 * handed (<anonrmap/rmap.h>): the VMA is a live one of a live mm and holds
 * the address; a failure is reported through world_race(). Whether the PTE
 * there maps the folio the caller asks under the PTE lock, itself when it
 * changes the entry, else with rmap_one_maps().
 */
bool rmap_one_check(struct folio *folio, struct vm_area_struct *vma, unsigned long address);
bool rmap_one_maps(struct folio *folio, struct vm_area_struct *vma, unsigned long address);
/* The counter named @name of @w's design, or -1 if it has none. */
long anon_rmap_count(struct world *w, const char *name);

const struct anon_rmap_ops *anon_rmap_lookup(const char *name);
/* The @i-th registered design (0 is classic, the reference), NULL past the end. */
const struct anon_rmap_ops *anon_rmap_nth(size_t i);
/* Comma-separated list of the registered designs, for --help. */
const char *anon_rmap_names(void);

extern const struct anon_rmap_ops classic_anon_rmap_ops;
extern const struct anon_rmap_ops lazy_anon_rmap_ops;
extern const struct anon_rmap_ops cowctx_anon_rmap_ops;
/* Not listed by anon_rmap_nth(): the PoC's gaps kept, to show the findings. */
extern const struct anon_rmap_ops cowctx_poc_anon_rmap_ops;

#endif
