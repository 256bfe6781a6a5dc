// SPDX-License-Identifier: GPL-2.0-only
/*
 * The anon_vma and anon_vma_chain objects and their lifetime (mm/rmap.c):
 * every rmap design that builds on anon_vma allocates, references and frees
 * them the same way, so the rules live here once.
 */
#include <pthread.h>

#include "mm/internal.h"
#include "mm/rmap.h"

/* The lock outlives free and reuse, as with SLAB_TYPESAFE_BY_RCU. */
void anon_vma_ctor(void *obj)
{
	struct anon_vma *anon_vma = obj;

	pthread_rwlock_init(&anon_vma->rwsem, NULL);
}

struct anon_vma *anon_vma_alloc(struct world *w)
{
	struct anon_vma *anon_vma = kmem_cache_alloc(anon_vma_cachep(w));

	if (!anon_vma)
		return NULL;
	anon_vma->refcount = 1;
	anon_vma->num_children = 0;
	anon_vma->num_active_vmas = 0;
	anon_vma->parent = anon_vma;
	anon_vma->root = anon_vma;
	anon_vma->rb_root = RB_ROOT;
	return anon_vma;
}

static void anon_vma_free(struct anon_vma *anon_vma)
{
	kmem_cache_free(kmem_obj_cache(anon_vma), anon_vma);
}

/*
 * Children hold a reference on the root, so the root, whose lock guards the
 * whole family, is freed last.
 */
void put_anon_vma(struct anon_vma *anon_vma)
{
	struct anon_vma *root = anon_vma->root;

	if (--anon_vma->refcount > 0)
		return;
	anon_vma_free(anon_vma);
	if (root != anon_vma && --root->refcount == 0)
		anon_vma_free(root);
}

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
	anon_vma->refcount++;
}
