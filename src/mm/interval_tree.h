/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interval tree of anon_vma_chains hanging off each anon_vma (as in
 * the kernel's mm/interval_tree.c). An AVC is keyed by the page offsets
 * its VMA covers, so rmap can find every VMA that may map a given folio
 * index without visiting the others.
 *
 * Readers (rmap walks) hold the anon_vma root's lock for reading. Inserts
 * and removals on link and unlink hold it for writing. The key lives in
 * the VMA, so a VMA's vm_start, vm_end and vm_pgoff may change only while
 * its AVCs are out of the tree; the pre/post update pair that brackets
 * such a change runs under mmap_lock for writing only, where the kernel
 * also takes the anon_vma lock (vma_prepare()): harmless while one thread
 * drives a world, and the first thing concurrent walkers need fixed.
 */
#ifndef ANONRMAP_MM_INTERVAL_TREE_H
#define ANONRMAP_MM_INTERVAL_TREE_H

#include <stddef.h>

#include "mm/mm_types.h"

/* First and last page offset (inclusive) of the AVC's VMA. */
unsigned long avc_start_pgoff(const struct anon_vma_chain *avc);
unsigned long avc_last_pgoff(const struct anon_vma_chain *avc);

void anon_vma_interval_tree_insert(struct anon_vma_chain *node,
				   struct rb_root *root);
void anon_vma_interval_tree_remove(struct anon_vma_chain *node,
				   struct rb_root *root);

/* AVCs whose range overlaps [first, last], in order of start offset. */
struct anon_vma_chain *
anon_vma_interval_tree_iter_first(struct rb_root *root,
				  unsigned long first, unsigned long last);
struct anon_vma_chain *
anon_vma_interval_tree_iter_next(struct anon_vma_chain *node,
				 unsigned long first, unsigned long last);

/* 0 if @root is a valid tree with exact cached maxima, else -1 and @err. */
int anon_vma_interval_tree_check(struct rb_root *root, char *err,
				 size_t errlen);

#define anon_vma_interval_tree_foreach(avc, root, start, last)		\
	for (avc = anon_vma_interval_tree_iter_first(root, start, last);	\
	     avc; avc = anon_vma_interval_tree_iter_next(avc, start, last))

/* Tree nodes queries of this thread have looked at so far (a cost measure). */
unsigned long anon_vma_interval_tree_visits(void);

/* Take a VMA's links out of their trees around a change of its range. */
void anon_vma_interval_tree_pre_update_vma(struct vm_area_struct *vma);
void anon_vma_interval_tree_post_update_vma(struct vm_area_struct *vma);

#endif
