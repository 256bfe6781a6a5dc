// SPDX-License-Identifier: GPL-2.0-only
/*
 * The classic anon rmap (mm/rmap.c): anon_vma objects linked to VMAs through
 * anon_vma_chains, each anon_vma keeping an interval tree of the VMAs that may
 * map its folios. This file is the reference the other designs are judged
 * against, so it follows Linux 6.18 rule for rule, including the reuse
 * heuristics that make object counts what they are on a real machine.
 *
 * Locking: the root anon_vma's rwsem protects every tree of the family; a
 * writer takes it around tree changes, a walker takes it for reading.
 */
#include <stdlib.h>

#include "lib/compiler.h"
#include "lib/rcu.h"
#include "mm/dot.h"
#include "mm/internal.h"
#include "mm/world.h"
#include "mm/interval_tree.h"
#include "mm/rmap.h"

/* New links go to the head, so a VMA's own anon_vma is first on its list. */
static void anon_vma_chain_link(struct vm_area_struct *vma, struct anon_vma_chain *avc,
				struct anon_vma *anon_vma)
{
	avc->vma = vma;
	avc->anon_vma = anon_vma;
	list_add(&avc->same_vma, &vma->anon_vma_chain);
	anon_vma_interval_tree_insert(avc, &anon_vma->rb_root);
}

/* Switch locks only when the family changes, as lock_anon_vma_root() does. */
static struct anon_vma *lock_anon_vma_root(struct anon_vma *held, struct anon_vma *anon_vma)
{
	struct anon_vma *new_root = anon_vma->root;

	if (new_root != held) {
		if (held)
			up_write(&held->rwsem);
		held = new_root;
		down_write(&held->rwsem);
	}
	return held;
}

static void unlock_anon_vma_root(struct anon_vma *root)
{
	if (root)
		up_write(&root->rwsem);
}

/*
 * A neighbour's anon_vma can be shared only if the neighbour never went
 * through fork (a single link): sharing lets a later mprotect merge the two
 * VMAs back, which is the whole reason for trying.
 */
static struct anon_vma *reusable_anon_vma(struct vm_area_struct *old,
					  struct vm_area_struct *a, struct vm_area_struct *b)
{
	struct anon_vma *anon_vma = READ_ONCE(old->anon_vma);

	/*
	 * A neighbour's first fault may set its anon_vma under its PTE lock
	 * meanwhile (the 6.4 per-VMA-lock race was about exactly this read).
	 */
	if (anon_vma_compatible(a, b) && anon_vma && list_is_singular(&old->anon_vma_chain))
		return anon_vma;
	return NULL;
}

struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma_next(vma), *prev = vma_prev(vma);
	struct anon_vma *anon_vma = NULL;

	if (next)
		anon_vma = reusable_anon_vma(next, vma, next);
	if (!anon_vma && prev)
		anon_vma = reusable_anon_vma(prev, prev, vma);
	return anon_vma;
}

/* __anon_vma_prepare() */
static int classic_prepare(struct vm_area_struct *vma)
{
	struct world *w = vma_world(vma);
	struct anon_vma *anon_vma, *allocated;
	struct anon_vma_chain *avc;

	mmap_assert_locked(vma->vm_mm);
	/* another thread's fault may be setting it, under the PTE lock */
	if (READ_ONCE(vma->anon_vma))
		return 0;
	avc = anon_vma_chain_alloc(w);
	if (!avc)
		return -ENOMEM;
	anon_vma = find_mergeable_anon_vma(vma);
	allocated = NULL;
	if (!anon_vma) {
		anon_vma = anon_vma_alloc(w);
		if (!anon_vma) {
			anon_vma_chain_free(w, avc);
			return -ENOMEM;
		}
		anon_vma->num_children++;	/* a root is its own parent */
		allocated = anon_vma;
	}
	anon_vma_lock_write(anon_vma);
	/*
	 * Faults run under mmap_lock for reading, so another thread's fault
	 * may have prepared this VMA since the caller looked: the
	 * page_table_lock decides, and the loser gives its objects back.
	 */
	spin_lock(&vma->vm_mm->page_table_lock);
	if (!vma->anon_vma) {
		WRITE_ONCE(vma->anon_vma, anon_vma);
		anon_vma_chain_link(vma, avc, anon_vma);
		anon_vma->num_active_vmas++;
		allocated = NULL;
		avc = NULL;
	}
	spin_unlock(&vma->vm_mm->page_table_lock);
	anon_vma_unlock_write(anon_vma);
	if (allocated)
		put_anon_vma(allocated);
	if (avc)
		anon_vma_chain_free(w, avc);
	return 0;
}

static bool classic_vma_has_anon(const struct vm_area_struct *vma)
{
	return READ_ONCE(vma->anon_vma) != NULL;
}

static void classic_unlink(struct vm_area_struct *vma);

/*
 * anon_vma_clone(): link @dst into every anon_vma @src is linked into. When
 * @dst has no anon_vma yet (fork), reuse the first one, oldest first, that no
 * VMA uses any more and that has at most one child: this is what keeps a
 * process that forks forever from growing an endless chain.
 */
static int classic_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct world *w = vma_world(src);
	struct anon_vma_chain *avc, *pavc;
	struct anon_vma *root = NULL;

	mmap_assert_write_locked(src->vm_mm);
	list_for_each_entry_reverse(pavc, &src->anon_vma_chain, same_vma) {
		struct anon_vma *anon_vma = pavc->anon_vma;

		avc = anon_vma_chain_alloc(w);
		if (!avc) {
			unlock_anon_vma_root(root);
			dst->anon_vma = NULL;
			classic_unlink(dst);
			return -ENOMEM;
		}
		root = lock_anon_vma_root(root, anon_vma);
		anon_vma_chain_link(dst, avc, anon_vma);
		if (!dst->anon_vma && src->anon_vma &&
		    anon_vma->num_children < 2 && anon_vma->num_active_vmas == 0)
			dst->anon_vma = anon_vma;
	}
	if (dst->anon_vma)
		dst->anon_vma->num_active_vmas++;
	unlock_anon_vma_root(root);
	return 0;
}

/* anon_vma_fork() */
static int classic_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	struct world *w = vma_world(vma);
	struct anon_vma *anon_vma;
	struct anon_vma_chain *avc;
	int err;

	mmap_assert_write_locked(pvma->vm_mm);
	mmap_assert_write_locked(vma->vm_mm);

	if (!pvma->anon_vma)
		return 0;
	vma->anon_vma = NULL;
	err = classic_clone(vma, pvma);
	if (err)
		return err;
	if (vma->anon_vma)
		return 0;

	anon_vma = anon_vma_alloc(w);
	avc = anon_vma ? anon_vma_chain_alloc(w) : NULL;
	if (!anon_vma || !avc) {
		if (anon_vma)
			put_anon_vma(anon_vma);
		classic_unlink(vma);
		return -ENOMEM;
	}
	anon_vma->num_active_vmas++;
	WRITE_ONCE(anon_vma->root, pvma->anon_vma->root);
	anon_vma->parent = pvma->anon_vma;
	get_anon_vma(anon_vma->root);
	vma->anon_vma = anon_vma;
	anon_vma_lock_write(anon_vma);
	anon_vma_chain_link(vma, avc, anon_vma);
	anon_vma->parent->num_children++;
	anon_vma_unlock_write(anon_vma);
	return 0;
}

/*
 * unlink_anon_vmas(): take the VMA out of every tree. An anon_vma whose tree
 * empties is dead: its parent loses a child, and its own reference goes once
 * the root lock is dropped, since freeing may free the root as well.
 */
static void classic_unlink(struct vm_area_struct *vma)
{
	struct world *w = vma_world(vma);
	struct anon_vma_chain *avc, *next;
	struct anon_vma *root = NULL;

	/* munmap unlinks after downgrading: detached, the VMA is reachable by walkers only */
	mmap_assert_locked(vma->vm_mm);
	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		root = lock_anon_vma_root(root, avc->anon_vma);
		anon_vma_chain_unlink(w, avc);
	}
	if (vma->anon_vma) {
		vma->anon_vma->num_active_vmas--;
		vma->anon_vma = NULL;
	}
	unlock_anon_vma_root(root);

	unlink_dead_anon_vmas(w, vma);
}

static bool vma_is_fork_child(const struct vm_area_struct *vma)
{
	return vma && vma->anon_vma && !list_is_singular(&vma->anon_vma_chain);
}

/*
 * is_mergeable_anon_vma(). A fork child (more than one link) is kept apart:
 * merging it would put more folios under the root lock for no gain.
 */
static bool classic_mergeable(struct vm_area_struct *tgt, struct vm_area_struct *src,
			      const struct vm_area_struct *state)
{
	return anon_state_mergeable((unsigned long)tgt->anon_vma,
				    state ? (unsigned long)state->anon_vma : 0, tgt, src, state,
				    vma_is_fork_child);
}

static bool classic_compatible(struct vm_area_struct *prev, struct vm_area_struct *next)
{
	return anon_state_compatible((unsigned long)prev->anon_vma, (unsigned long)next->anon_vma);
}

/* dup_anon_vma(): an unfaulted survivor takes over what it absorbs. */
static int classic_dup(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	if (src->anon_vma && !dst->anon_vma) {
		dst->anon_vma = src->anon_vma;
		return classic_clone(dst, src);
	}
	return 0;
}

/* anon_vma_merge(): both sides share the anon_vma, the removed one unlinks. */
static void classic_merge_remove(struct vm_area_struct *survivor, struct vm_area_struct *gone)
{
	if (gone->anon_vma)
		classic_unlink(gone);
}

/*
 * __folio_set_anon(): a folio not exclusive to this VMA may be reached from
 * any VMA of the family, so it points at the root.
 */
static void classic_folio_set_anon(struct folio *folio, struct vm_area_struct *vma,
				   unsigned long address, bool exclusive)
{
	struct anon_vma *anon_vma = vma->anon_vma;

	if (!exclusive)
		anon_vma = anon_vma->root;
	folio->index = linear_page_index(vma, address);
	folio_set_anon_mapping(folio, anon_vma);
}

/* folio_move_anon_rmap(): the folio is now this VMA's alone. */
static void classic_folio_move(struct folio *folio, struct vm_area_struct *vma)
{
	folio_assert_locked(folio);
	/* walkers read it without a lock (folio_lock_anon_vma_read()) */
	folio_set_anon_mapping(folio, vma->anon_vma);
}

/*
 * rmap_walk_anon() over the anon_vma tree the folio names, its lock held by
 * the caller: every VMA linked there whose range covers the folio's index.
 */
int anon_vma_tree_walk_locked(struct folio *folio, struct anon_vma *anon_vma,
			      struct rmap_walk_control *rwc)
{
	struct anon_vma_chain *avc;
	int ret = 0;

	anon_vma_assert_locked(anon_vma);
	if (rwc->stats)
		rwc->stats->nodes++;
	anon_vma_interval_tree_foreach(avc, &anon_vma->rb_root, folio->index, folio->index) {
		unsigned long address = vma_address(avc->vma, folio->index);

		if (address == (unsigned long)-EFAULT)
			continue;
		if (rwc->stats)
			rwc->stats->vmas++;
		ret = rwc->rmap_one(folio, avc->vma, address, rwc->arg);
		if (ret)
			break;
	}
	return ret;
}

/* The same, taking the lock: the walk of lazy's regular folios. */
int anon_vma_tree_walk(struct folio *folio, struct anon_vma *anon_vma,
		       struct rmap_walk_control *rwc)
{
	int ret;

	anon_vma_lock_read(anon_vma);
	ret = anon_vma_tree_walk_locked(folio, anon_vma, rwc);
	anon_vma_unlock_read(anon_vma);
	return ret;
}

struct anon_vma *rmap_walk_anon_lock(struct folio *folio, struct rmap_walk_control *rwc)
{
	struct anon_vma *anon_vma = folio_anon_vma(folio);

	if (!anon_vma)
		return NULL;
	if (anon_vma_trylock_read(anon_vma))
		return anon_vma;
	if (rwc->try_lock) {
		rwc->contended = true;
		return NULL;
	}
	anon_vma_lock_read(anon_vma);
	return anon_vma;
}

/*
 * The anon_vma a walk locked must be the folio's own, not memory that was
 * freed and handed to another anon_vma since the walker read the mapping:
 * the gen stored with the mapping tells them apart. Only when the folio
 * still names what we locked, since a folio moved meanwhile names another.
 */
static bool check_locked_anon_vma(struct folio *folio, struct anon_vma *anon_vma)
{
	unsigned long mapping = __atomic_load_n(&folio->mapping, __ATOMIC_ACQUIRE);

	if (!kmem_obj_live(anon_vma)) {
		world_race(folio_world(folio), "walk of folio %lu locked anon_vma %p after it was freed",
			   folio->serial, (void *)anon_vma);
		return false;
	}
	if (mapping == ((unsigned long)anon_vma | FOLIO_MAPPING_ANON) &&
	    READ_ONCE(folio->anon_vma_gen) != READ_ONCE(anon_vma->gen)) {
		world_race(folio_world(folio),
			   "walk of folio %lu locked anon_vma %p, freed and reused since the folio named it",
			   folio->serial, (void *)anon_vma);
		return false;
	}
	return true;
}

static int classic_walk(struct folio *folio, struct rmap_walk_control *rwc)
{
	struct anon_vma *anon_vma;
	int ret;

	if (rwc->flags & RMAP_WALK_ANON_LOCK) {
		anon_vma = folio_lock_anon_vma_read(folio, rwc);
		if (!anon_vma)
			return rwc->contended ? -EAGAIN : 0;
		/* reported: walking it would only add damage to the report */
		if (!check_locked_anon_vma(folio, anon_vma)) {
			anon_vma_unlock_read(anon_vma);
			return -EAGAIN;
		}
	} else {
		anon_vma = rmap_walk_anon_lock(folio, rwc);
		if (!anon_vma)
			return rwc->contended ? -EAGAIN : -EINVAL;
	}
	ret = anon_vma_tree_walk_locked(folio, anon_vma, rwc);
	anon_vma_unlock_read(anon_vma);
	return ret;
}

/*
 * folio_get_anon_vma(): the anon_vma may be freed and reused under us (the
 * cache is type-stable, not the object), so take a reference only if its
 * count is not zero, and only trust it if the folio is still mapped after:
 * while it is, the anon_vma it names cannot have been freed.
 */
struct anon_vma *folio_get_anon_vma(struct folio *folio)
{
	struct anon_vma *anon_vma;

	rcu_read_lock();
	anon_vma = folio_mapped_anon_vma_rcu(folio);
	if (anon_vma && !refcount_inc_not_zero(&anon_vma->refcount))
		anon_vma = NULL;
	if (anon_vma && !folio_mapped(folio)) {
		rcu_read_unlock();
		put_anon_vma(anon_vma);
		return NULL;
	}
	rcu_read_unlock();
	return anon_vma;
}

static void *classic_folio_get(struct folio *folio)
{
	return folio_get_anon_vma(folio);
}

static void classic_folio_put(void *cookie)
{
	put_anon_vma(cookie);
}


/* The anon_vma new folios of @vma go into. */
static void classic_dot_vma(struct dot_ctx *ctx, const struct vm_area_struct *vma)
{
	char v[24];

	if (!vma->anon_vma)
		return;
	snprintf(v, sizeof(v), "%s", dot_vma_node(ctx, vma));
	dot_edge(ctx, v, dot_anon_vma_node(ctx, vma->anon_vma), "anon_vma", "bold");
}

void classic_check(struct check_ctx *ctx);

const struct anon_rmap_ops classic_anon_rmap_ops = {
	.name = "classic",
	.concurrent = true,
	.prepare = classic_prepare,
	.vma_has_anon = classic_vma_has_anon,
	.clone = classic_clone,
	.fork = classic_fork,
	.unlink = classic_unlink,
	.mergeable = classic_mergeable,
	.compatible = classic_compatible,
	.dup = classic_dup,
	.merge_remove = classic_merge_remove,
	.pre_update = anon_vma_interval_tree_pre_update_vma,
	.post_update = anon_vma_interval_tree_post_update_vma,
	.folio_set_anon = classic_folio_set_anon,
	.folio_move = classic_folio_move,
	.walk = classic_walk,
	.dot_vma = classic_dot_vma,
	.folio_get = classic_folio_get,
	.folio_put = classic_folio_put,
	.check = classic_check,
	.counters = anon_vma_counters,
	.nr_counters = NR_ANON_VMA_COUNTERS,
};
