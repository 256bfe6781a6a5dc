// SPDX-License-Identifier: GPL-2.0-only
/*
 * The anon_vma and anon_vma_chain objects and their lifetime (mm/rmap.c):
 * every rmap design that builds on anon_vma allocates, references and frees
 * them the same way, so the rules live here once.
 */
#include "lib/atomic.h"
#include "lib/compiler.h"

#include "mm/internal.h"
#include "mm/world.h"
#include "mm/interval_tree.h"
#include "mm/rmap.h"

const struct lock_class_key anon_vma_rwsem_key = { "anon_vma->rwsem", LOCK_RANK_ANON_VMA };

/*
 * The lock outlives free and reuse: anon_vma_init() creates the cache
 * SLAB_TYPESAFE_BY_RCU with a constructor, so a reader that raced with a
 * free may still take the rwsem of an object that is another anon_vma now.
 */
void anon_vma_ctor(void *obj)
{
	struct anon_vma *anon_vma = obj;

	init_rwsem(&anon_vma->rwsem, &anon_vma_rwsem_key);
}

struct anon_vma *anon_vma_alloc(struct world *w)
{
	struct anon_vma *anon_vma = kmem_cache_alloc(anon_vma_cachep(w));

	if (!anon_vma)
		return NULL;
	refcount_set(&anon_vma->refcount, 1);
	anon_vma->num_children = 0;
	anon_vma->num_active_vmas = 0;
	anon_vma->parent = anon_vma;
	/* a walker that read a stale mapping may be reading it: a kept field */
	WRITE_ONCE(anon_vma->root, anon_vma);
	anon_vma->rb_root = RB_ROOT;
	anon_vma->gen = atomic_add_return(&w->anon_vma_gen, 1);
	return anon_vma;
}

/*
 * A walker in folio_lock_anon_vma_read() may hold the root's lock, taken
 * on an anon_vma it found through a folio that is still mapped and whose
 * count it did not raise: freeing must wait for it to let go, or the
 * walker would go on under a lock of memory handed to someone else.
 */
static void anon_vma_free(struct anon_vma *anon_vma)
{
	if (rwsem_is_locked(&anon_vma->root->rwsem)) {
		anon_vma_lock_write(anon_vma);
		anon_vma_unlock_write(anon_vma);
	}
	kmem_cache_free(kmem_obj_cache(anon_vma), anon_vma);
}

/*
 * Children hold a reference on the root, so the root, whose lock guards the
 * whole family, is freed last.
 */
void __put_anon_vma(struct anon_vma *anon_vma)
{
	struct anon_vma *root = anon_vma->root;

	anon_vma_free(anon_vma);
	if (root != anon_vma && refcount_dec_and_test(&root->refcount))
		anon_vma_free(root);
}

void put_anon_vma(struct anon_vma *anon_vma)
{
	if (refcount_dec_and_test(&anon_vma->refcount))
		__put_anon_vma(anon_vma);
}

bool anon_state_mergeable(unsigned long tgt_state, unsigned long src_state,
			  struct vm_area_struct *tgt, struct vm_area_struct *src,
			  const struct vm_area_struct *state, vma_fork_child_fn fork_child)
{
	if (!tgt_state && src_state)
		return !fork_child(src) && !fork_child(state);
	if (tgt_state && !src_state)
		return !fork_child(tgt);
	return src_state == tgt_state;
}

bool anon_state_compatible(unsigned long a, unsigned long b)
{
	return !a || !b || a == b;
}

static long anon_vma_count_live(struct world *w)
{
	return anon_vma_cachep(w)->live;
}

static long anon_vma_chain_count_live(struct world *w)
{
	return anon_vma_chain_cachep(w)->live;
}

/* Linux 6.18 x86_64 slab sizes (kernel-notes.md); the world's own figures may differ. */
const struct rmap_counter anon_vma_counters[NR_ANON_VMA_COUNTERS] = {
	{ "anon_vma", 104, anon_vma_count_live, true, NULL },
	{ "anon_vma_chain", 64, anon_vma_chain_count_live, true, NULL },
};

struct anon_vma_chain *anon_vma_chain_alloc(struct world *w)
{
	return kmem_cache_alloc(anon_vma_chain_cachep(w));
}

void anon_vma_chain_free(struct world *w, struct anon_vma_chain *avc)
{
	kmem_cache_free(anon_vma_chain_cachep(w), avc);
}

/*
 * vma_address(): where the page at @pgoff sits in @vma, or -EFAULT when the
 * interval tree's answer does not cover it.
 */
unsigned long vma_address(const struct vm_area_struct *vma, pgoff_t pgoff)
{
	unsigned long address;

	if (pgoff < vma->vm_pgoff)
		return -EFAULT;
	address = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
	if (address < vma->vm_start || address >= vma->vm_end)
		return -EFAULT;
	return address;
}

void get_anon_vma(struct anon_vma *anon_vma)
{
	refcount_inc(&anon_vma->refcount);
}

/*
 * The first half of unlink_anon_vmas() for one link: take it out of its
 * anon_vma's tree. If the tree is now empty the anon_vma is dead: its parent
 * loses a child and the link stays on the VMA's list, for
 * unlink_dead_anon_vmas() to drop once the root lock is released, since
 * the last put may free the root itself. Otherwise the link is freed.
 */
void anon_vma_chain_unlink(struct world *w, struct anon_vma_chain *avc)
{
	struct anon_vma *anon_vma = avc->anon_vma;

	anon_vma_interval_tree_remove(avc, &anon_vma->rb_root);
	if (RB_EMPTY_ROOT(&anon_vma->rb_root)) {
		anon_vma->parent->num_children--;
		return;
	}
	list_del(&avc->same_vma);
	anon_vma_chain_free(w, avc);
}

/* The second half: every link still listed names a dead anon_vma. */
void unlink_dead_anon_vmas(struct world *w, struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc, *next;

	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		put_anon_vma(avc->anon_vma);
		list_del(&avc->same_vma);
		anon_vma_chain_free(w, avc);
	}
}

static struct anon_vma *first_anon_vma(const struct vm_area_struct *vma)
{
	if (!vma || list_empty(&vma->anon_vma_chain))
		return NULL;
	return list_first_entry(&vma->anon_vma_chain, struct anon_vma_chain,
				same_vma)->anon_vma;
}

/*
 * vma_prepare()'s anon_vma_lock_write(): an rmap walker reads vm_start,
 * vm_end and vm_pgoff under the anon_vma lock, so the interval-tree keys of
 * @vma (and of @adjust, changed in the same step) are moved under it. Every
 * link of both VMAs is in one fork family, whose root's lock this is.
 * Returns what to hand to anon_vma_unlock_for_update(), NULL when neither
 * VMA is linked into any tree.
 */
struct anon_vma *anon_vma_lock_for_update(struct vm_area_struct *vma,
					  struct vm_area_struct *adjust)
{
	struct anon_vma *anon_vma = first_anon_vma(vma);
	struct anon_vma *other = first_anon_vma(adjust);

	if (!anon_vma)
		anon_vma = other;
	if (!anon_vma)
		return NULL;
	lockdep_assert(!other || other->root == anon_vma->root,
		       "a VMA and its adjusted neighbour in two anon_vma families");
	anon_vma_lock_write(anon_vma);
	return anon_vma;
}

void anon_vma_unlock_for_update(struct anon_vma *anon_vma)
{
	if (anon_vma)
		anon_vma_unlock_write(anon_vma);
}
