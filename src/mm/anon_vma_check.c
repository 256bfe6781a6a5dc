// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checks of the anon_vma_chain links of one VMA, the same for every design
 * built on anon_vma: each link live, pointing back at its VMA, present in
 * its anon_vma's interval tree, and all of them in one anon_vma family.
 */
#include "lib/ptr_set.h"
#include "mm/check.h"
#include "mm/internal.h"
#include "mm/world.h"
#include "mm/interval_tree.h"

static bool avc_in_tree(struct anon_vma_chain *avc)
{
	struct anon_vma_chain *it;

	anon_vma_interval_tree_foreach(it, &avc->anon_vma->rb_root,
				       avc_start_pgoff(avc), avc_last_pgoff(avc))
		if (it == avc)
			return true;
	return false;
}

bool check_vma_avcs(struct check_ctx *ctx, struct vm_area_struct *vma, struct anon_vma *own,
		    struct ptr_set *avs, long *nr_avc)
{
	struct anon_vma_chain *avc;
	struct anon_vma *root = NULL;
	bool own_found = false;
	unsigned int id = vma->vm_mm->id;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma) {
		(*nr_avc)++;
		if (!kmem_obj_live(avc) || !kmem_obj_live(avc->anon_vma)) {
			check_report(ctx, "mm %u VMA %lx-%lx: chain holds a freed %s", id,
				     vma->vm_start, vma->vm_end,
				     kmem_obj_live(avc) ? "anon_vma" : "anon_vma_chain");
			continue;
		}
		if (avc->vma != vma)
			check_report(ctx, "mm %u VMA %lx-%lx: chain link points at another VMA",
				     id, vma->vm_start, vma->vm_end);
		if (!avc_in_tree(avc))
			check_report(ctx, "mm %u VMA %lx-%lx: link missing from its anon_vma's tree",
				     id, vma->vm_start, vma->vm_end);
		if (root && avc->anon_vma->root != root)
			check_report(ctx, "mm %u VMA %lx-%lx: chain spans two anon_vma families",
				     id, vma->vm_start, vma->vm_end);
		root = avc->anon_vma->root;
		if (avc->anon_vma == own)
			own_found = true;
		ptr_set_add(avs, avc->anon_vma);
	}
	return own_found;
}
