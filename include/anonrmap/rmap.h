/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libanonrmap: the concurrent users of the anon rmap, as the kernel has
 * them. Reclaim, ageing and migration reach a folio from outside any of the
 * address spaces that map it, and hold none of their mmap_locks: they find
 * the mappings through the rmap alone, under the rmap's own locks, while
 * other threads fault, fork, unmap and exit. Each call takes the locks its
 * kernel counterpart takes, so any thread may call any of these at any time,
 * beside any operation of <anonrmap/ops.h> on any address space.
 *
 * A folio handed to these calls must be held: by anonrmap_folio_grab(), as
 * reclaim holds a folio it isolated from the LRU.
 */
#ifndef ANONRMAP_PUBLIC_RMAP_H
#define ANONRMAP_PUBLIC_RMAP_H

#include <stdbool.h>
#include <stdint.h>

#include <anonrmap/world.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A reference on one live anonymous folio, taken as isolate_lru_folio()
 * takes one (folio_try_get() under the LRU lock): the @n-th on the world's
 * folio list, counting round. NULL when the world has no anonymous folio.
 */
struct anonrmap_folio *anonrmap_folio_grab(struct anonrmap_world *world, unsigned long n);
/* Drop the reference of anonrmap_folio_grab(); the last one frees the folio. */
void anonrmap_folio_release(struct anonrmap_folio *folio);

/*
 * folio_referenced(): an rmap walk that counts the mappings whose page
 * table entry still maps the folio. It locks the anon_vma the way the
 * kernel's does (folio_lock_anon_vma_read(), try_lock): -EAGAIN when that
 * lock was contended, else the count (0 for a folio no longer mapped).
 */
int anonrmap_folio_referenced(struct anonrmap_folio *folio);

/*
 * Reclaim of a lazyfree folio (MADV_FREE, clean), which shrink_folio_list()
 * discards rather than swaps: try_to_unmap() under the folio lock clears
 * every mapping the rmap finds. 0 when no mapping is left (the folio is
 * freed with its last reference), -EBUSY when someone else holds the folio
 * lock or the folio is large (the kernel would split it first), -EAGAIN
 * when a mapping survived the walk.
 */
int anonrmap_reclaim_folio(struct anonrmap_folio *folio);

/*
 * migrate_pages() for one folio: lock it, pin its anon rmap, move every
 * mapping to a new folio. 0, -EBUSY (locked elsewhere, or large), -EAGAIN
 * (a mapping was not found, or the folio is no longer mapped), -ENOMEM.
 */
int anonrmap_migrate_folio(struct anonrmap_folio *folio);

/*
 * Every (VMA, address) an rmap walk hands to a callback is checked: the VMA
 * is allocated and not poisoned, belongs to an address space that has not
 * exited, holds the address, and, once its page table lock is taken, either
 * maps the folio there or falls under the tolerance its design documents
 * (docs/design.md, "Walk tolerances"). A check that fails calls @fn with a
 * one-line description; NULL restores the default, which aborts.
 */
typedef void (*anonrmap_race_fn)(const char *violation, void *arg);
void anonrmap_world_set_race_report(struct anonrmap_world *world, anonrmap_race_fn fn,
				    void *arg);

/*
 * Widen race windows for stress runs: at each preemption point of the
 * synchronisation layer (lock and unlock, RCU read sections, atomic
 * reference counts) the calling thread yields the CPU @per_mille times in
 * a thousand, drawn from a per-thread generator seeded from @seed and the
 * thread's order of arrival. 0 turns it off (the default). Process-wide.
 */
void anonrmap_preempt_jitter(unsigned int per_mille, uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
