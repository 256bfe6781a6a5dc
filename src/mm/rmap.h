/* SPDX-License-Identifier: GPL-2.0-only */
/* anon_vma objects (anon_vma.c) and classic internals shared with its checker. */
#ifndef ANONRMAP_RMAP_H
#define ANONRMAP_RMAP_H

#include "mm/anon_rmap.h"
#include "mm/mm_types.h"

extern const struct lock_class_key anon_vma_rwsem_key;

/* The anon_vma lock is the root's rwsem, whoever in the family asks. */
static inline void anon_vma_lock_write(struct anon_vma *anon_vma)
{
	down_write(&anon_vma->root->rwsem);
}

static inline void anon_vma_unlock_write(struct anon_vma *anon_vma)
{
	up_write(&anon_vma->root->rwsem);
}

static inline void anon_vma_lock_read(struct anon_vma *anon_vma)
{
	down_read(&anon_vma->root->rwsem);
}

static inline bool anon_vma_trylock_read(struct anon_vma *anon_vma)
{
	return down_read_trylock(&anon_vma->root->rwsem);
}

static inline void anon_vma_unlock_read(struct anon_vma *anon_vma)
{
	up_read(&anon_vma->root->rwsem);
}

#define anon_vma_assert_locked(anon_vma) lockdep_assert_held(&(anon_vma)->root->rwsem)
#define anon_vma_assert_write_locked(anon_vma) \
	lockdep_assert_held_write(&(anon_vma)->root->rwsem)

/* Read once: a walker may look while a fault or a move is setting it. */
static inline struct anon_vma *folio_anon_vma(const struct folio *folio)
{
	unsigned long mapping = __atomic_load_n(&folio->mapping, __ATOMIC_ACQUIRE);

	if ((mapping & FOLIO_MAPPING_FLAGS) != FOLIO_MAPPING_ANON)
		return NULL;
	return (struct anon_vma *)(mapping - FOLIO_MAPPING_ANON);
}

void anon_vma_ctor(void *obj);
struct anon_vma *anon_vma_alloc(struct world *w);
void get_anon_vma(struct anon_vma *anon_vma);
struct anon_vma_chain *anon_vma_chain_alloc(struct world *w);
void anon_vma_chain_free(struct world *w, struct anon_vma_chain *avc);
/* Where the page at @pgoff sits in @vma, or -EFAULT if outside it. */
void anon_vma_chain_unlink(struct world *w, struct anon_vma_chain *avc);
void unlink_dead_anon_vmas(struct world *w, struct vm_area_struct *vma);
unsigned long vma_address(const struct vm_area_struct *vma, pgoff_t pgoff);
struct anon_vma *folio_get_anon_vma(struct folio *folio);
/* rmap_walk_anon() over @anon_vma's tree, which @folio's mapping names. */
int anon_vma_tree_walk(struct folio *folio, struct anon_vma *anon_vma,
		       struct rmap_walk_control *rwc);
void put_anon_vma(struct anon_vma *anon_vma);
/* The last reference is gone: free it, and drop its hold on the root. */
void __put_anon_vma(struct anon_vma *anon_vma);
/* rmap_lock.c: under RCU, the anon_vma a mapped folio names, not yet trusted */
struct anon_vma *folio_mapped_anon_vma_rcu(struct folio *folio);
/* rmap_lock.c: lock the folio's anon_vma for reading, or NULL (unmapped, contended). */
struct anon_vma *folio_lock_anon_vma_read(struct folio *folio, struct rmap_walk_control *rwc);
/* rmap_walk_anon_lock(): for a caller that keeps the anon_vma alive itself. */
struct anon_vma *rmap_walk_anon_lock(struct folio *folio, struct rmap_walk_control *rwc);
/* anon_vma_tree_walk() with the anon_vma's lock already held. */
int anon_vma_tree_walk_locked(struct folio *folio, struct anon_vma *anon_vma,
			      struct rmap_walk_control *rwc);

/*
 * Point @folio at @anon_vma. The gen goes first and the mapping is
 * published after it, so a walker that reads this mapping sees its gen.
 */
static inline void folio_set_anon_mapping(struct folio *folio, struct anon_vma *anon_vma)
{
	__atomic_store_n(&folio->anon_vma_gen, anon_vma->gen, __ATOMIC_RELAXED);
	__atomic_store_n(&folio->mapping, (unsigned long)anon_vma | FOLIO_MAPPING_ANON,
			 __ATOMIC_RELEASE);
}
struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma);

/*
 * is_mergeable_anon_vma() and the compatibility of two neighbours, on the
 * word each design keeps for a VMA's anon state (classic: the anon_vma
 * pointer; lazy: the tagged anon_vma_tree_t). Zero is "no anon state".
 */
typedef bool (*vma_fork_child_fn)(const struct vm_area_struct *vma);
bool anon_state_mergeable(unsigned long tgt_state, unsigned long src_state,
			  struct vm_area_struct *tgt, struct vm_area_struct *src,
			  const struct vm_area_struct *state, vma_fork_child_fn fork_child);
bool anon_state_compatible(unsigned long a, unsigned long b);
/* The counters of a design built on anon_vma: its two objects, both observed. */
#define NR_ANON_VMA_COUNTERS 2
extern const struct rmap_counter anon_vma_counters[NR_ANON_VMA_COUNTERS];

#endif
