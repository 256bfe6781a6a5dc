/* SPDX-License-Identifier: GPL-2.0-only */
#include "mm/interval_tree.h"

static __thread unsigned long nodes_visited;
#define IT_VISIT() (nodes_visited++)
#include "lib/interval_tree_generic.h"

unsigned long anon_vma_interval_tree_visits(void)
{
	return nodes_visited;
}

unsigned long avc_start_pgoff(const struct anon_vma_chain *avc)
{
	return avc->vma->vm_pgoff;
}

unsigned long avc_last_pgoff(const struct anon_vma_chain *avc)
{
	const struct vm_area_struct *vma = avc->vma;

	return vma->vm_pgoff + ((vma->vm_end - vma->vm_start) >> PAGE_SHIFT) - 1;
}

/*
 * The generated functions stay private so that the exported ones can keep
 * the kernel's names and argument order, whatever the generic code grows.
 */
INTERVAL_TREE_DEFINE(struct anon_vma_chain, rb, unsigned long, rb_subtree_last,
		     avc_start_pgoff, avc_last_pgoff, static inline,
		     __anon_vma_interval_tree)

void anon_vma_interval_tree_insert(struct anon_vma_chain *node,
				   struct rb_root *root)
{
	__anon_vma_interval_tree_insert(node, root);
}

void anon_vma_interval_tree_remove(struct anon_vma_chain *node,
				   struct rb_root *root)
{
	__anon_vma_interval_tree_remove(node, root);
}

struct anon_vma_chain *
anon_vma_interval_tree_iter_first(struct rb_root *root,
				  unsigned long first, unsigned long last)
{
	return __anon_vma_interval_tree_iter_first(root, first, last);
}

struct anon_vma_chain *
anon_vma_interval_tree_iter_next(struct anon_vma_chain *node,
				 unsigned long first, unsigned long last)
{
	return __anon_vma_interval_tree_iter_next(node, first, last);
}

int anon_vma_interval_tree_check(struct rb_root *root, char *err,
				 size_t errlen)
{
	return __anon_vma_interval_tree_check(root, err, errlen);
}

/*
 * A VMA's interval-tree key is its page range, so before vm_start, vm_end
 * or vm_pgoff change every link of the VMA leaves its tree, and goes back
 * after: both rmap designs keep their links this way.
 */
void anon_vma_interval_tree_pre_update_vma(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		anon_vma_interval_tree_remove(avc, &avc->anon_vma->rb_root);
}

void anon_vma_interval_tree_post_update_vma(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		anon_vma_interval_tree_insert(avc, &avc->anon_vma->rb_root);
}
