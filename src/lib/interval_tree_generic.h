/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One augmented interval tree, stamped out per user (after the kernel's
 * include/linux/interval_tree_generic.h). Nodes hold closed intervals
 * [ITSTART(n), ITLAST(n)], are ordered by start (equal starts go to the
 * right, so they iterate in insertion order), and each node caches in
 * ITSUBTREE the largest ITLAST of its subtree. That cache is what lets a
 * query skip every subtree that ends before the query begins.
 *
 *   ITSTRUCT   the node type;  ITRB  its struct rb_node member
 *   ITTYPE     the key type;   ITSUBTREE  the ITTYPE cache member
 *   ITSTART/ITLAST  accessors applied to a (const) ITSTRUCT pointer
 *   ITSTATIC   storage class of the generated functions ("static inline"
 *              when private, empty with prototypes in a header when not)
 *   ITPREFIX   name prefix: ITPREFIX_insert, _remove, _iter_first,
 *              _iter_next, _check
 *
 * Queries walk the tree without modifying it: callers need only exclude
 * writers (the anon_vma lock does that for the rmap trees).
 */
#ifndef ANONRMAP_INTERVAL_TREE_GENERIC_H
#define ANONRMAP_INTERVAL_TREE_GENERIC_H

#include <stdio.h>

#include "lib/rbtree.h"

/*
 * A user may count the nodes a query looks at (for the walk benchmarks) by
 * defining IT_VISIT() before including this header.
 */
#ifndef IT_VISIT
#define IT_VISIT() do { } while (0)
#endif

#define INTERVAL_TREE_DEFINE(ITSTRUCT, ITRB, ITTYPE, ITSUBTREE,		\
			     ITSTART, ITLAST, ITSTATIC, ITPREFIX)		\
									\
RB_DECLARE_CALLBACKS_MAX(static, ITPREFIX ## _augment, ITSTRUCT, ITRB,	\
			 ITTYPE, ITSUBTREE, ITLAST);			\
									\
ITSTATIC void ITPREFIX ## _insert(ITSTRUCT *node, struct rb_root *root)	\
{									\
	struct rb_node **link = &root->rb_node, *parent_rb = NULL;	\
	ITTYPE start = ITSTART(node), last = ITLAST(node);		\
	ITSTRUCT *parent;						\
									\
	/* The new node will sit below every node passed on the way. */ \
	while (*link) {							\
		parent_rb = *link;					\
		parent = rb_entry(parent_rb, ITSTRUCT, ITRB);		\
		if (parent->ITSUBTREE < last)				\
			parent->ITSUBTREE = last;			\
		if (start < ITSTART(parent))				\
			link = &parent->ITRB.rb_left;			\
		else							\
			link = &parent->ITRB.rb_right;			\
	}								\
	node->ITSUBTREE = last;						\
	rb_link_node(&node->ITRB, parent_rb, link);			\
	rb_insert_augmented(&node->ITRB, root, &ITPREFIX ## _augment);	\
}									\
									\
ITSTATIC void ITPREFIX ## _remove(ITSTRUCT *node, struct rb_root *root)	\
{									\
	rb_erase_augmented(&node->ITRB, root, &ITPREFIX ## _augment);	\
}									\
									\
/*									\
 * Leftmost node of @node's subtree that overlaps [start, last], given	\
 * that the subtree reaches @start at all (node->ITSUBTREE >= start).	\
 * If the left subtree reaches @start, the answer cannot be further	\
 * right: any left node ending at or after @start either overlaps, or	\
 * starts after @last, and then so does everything to its right.	\
 */									\
static inline __attribute__((unused)) ITSTRUCT *			\
ITPREFIX ## _subtree_search(ITSTRUCT *node, ITTYPE start, ITTYPE last)	\
{									\
	ITSTRUCT *next;							\
									\
	for (;;) {							\
		IT_VISIT();						\
		if (node->ITRB.rb_left) {				\
			next = rb_entry(node->ITRB.rb_left, ITSTRUCT, ITRB); \
			if (start <= next->ITSUBTREE) {			\
				node = next;				\
				continue;				\
			}						\
		}							\
		if (ITSTART(node) > last)				\
			return NULL;					\
		if (start <= ITLAST(node))				\
			return node;					\
		if (!node->ITRB.rb_right)				\
			return NULL;					\
		next = rb_entry(node->ITRB.rb_right, ITSTRUCT, ITRB);	\
		if (next->ITSUBTREE < start)				\
			return NULL;					\
		node = next;						\
	}								\
}									\
									\
ITSTATIC ITSTRUCT *ITPREFIX ## _iter_first(struct rb_root *root,	\
					   ITTYPE start, ITTYPE last)	\
{									\
	ITSTRUCT *node;							\
									\
	if (!root->rb_node)						\
		return NULL;						\
	node = rb_entry(root->rb_node, ITSTRUCT, ITRB);			\
	if (node->ITSUBTREE < start)					\
		return NULL;						\
	return ITPREFIX ## _subtree_search(node, start, last);		\
}									\
									\
/*									\
 * In-order successor of @node (itself an overlap) that overlaps: first	\
 * the right subtree, then each ancestor reached from its left, until	\
 * one starts after @last, past which nothing can overlap.		\
 */									\
ITSTATIC ITSTRUCT *ITPREFIX ## _iter_next(ITSTRUCT *node,		\
					  ITTYPE start, ITTYPE last)	\
{									\
	struct rb_node *rb = node->ITRB.rb_right, *from;		\
	ITSTRUCT *right;						\
									\
	for (;;) {							\
		if (rb) {						\
			right = rb_entry(rb, ITSTRUCT, ITRB);		\
			if (start <= right->ITSUBTREE)			\
				return ITPREFIX ## _subtree_search(right, \
							start, last);	\
		}							\
		do {							\
			from = &node->ITRB;				\
			rb = rb_parent(from);				\
			if (!rb)					\
				return NULL;				\
			node = rb_entry(rb, ITSTRUCT, ITRB);		\
			IT_VISIT();					\
			rb = node->ITRB.rb_right;			\
		} while (rb == from);					\
		if (ITSTART(node) > last)				\
			return NULL;					\
		if (start <= ITLAST(node))				\
			return node;					\
	}								\
}									\
									\
/* Post-order: returns the subtree's largest last, or fails into @err. */ \
static __attribute__((unused)) int					\
ITPREFIX ## _check_subtree(const struct rb_node *rb, ITTYPE *max,	\
			   char *err, size_t errlen)			\
{									\
	const ITSTRUCT *node = rb_entry(rb, const ITSTRUCT, ITRB);	\
	ITTYPE m = ITLAST(node), sub;					\
									\
	if (ITLAST(node) < ITSTART(node)) {				\
		if (err && errlen)					\
			snprintf(err, errlen, #ITPREFIX			\
				 ": node %p ends before it starts",	\
				 (const void *)node);			\
		return -1;						\
	}								\
	if (rb->rb_left) {						\
		if (ITPREFIX ## _check_subtree(rb->rb_left, &sub, err,	\
					       errlen))			\
			return -1;					\
		if (sub > m)						\
			m = sub;					\
	}								\
	if (rb->rb_right) {						\
		if (ITPREFIX ## _check_subtree(rb->rb_right, &sub, err,	\
					       errlen))			\
			return -1;					\
		if (sub > m)						\
			m = sub;					\
	}								\
	if (node->ITSUBTREE != m) {					\
		if (err && errlen)					\
			snprintf(err, errlen, #ITPREFIX			\
				 ": node %p has a stale subtree maximum", \
				 (const void *)node);			\
		return -1;						\
	}								\
	*max = m;							\
	return 0;							\
}									\
									\
ITSTATIC int ITPREFIX ## _check(const struct rb_root *root, char *err,	\
				size_t errlen)				\
{									\
	const struct rb_node *rb, *prev = NULL;				\
	ITTYPE max;							\
									\
	if (rb_check(root, err, errlen))				\
		return -1;						\
	if (!root->rb_node)						\
		return 0;						\
	/* rb_check bounded the depth, so this recursion is bounded too. */ \
	if (ITPREFIX ## _check_subtree(root->rb_node, &max, err, errlen)) \
		return -1;						\
	for (rb = rb_first(root); rb; prev = rb, rb = rb_next(rb)) {	\
		if (prev && ITSTART(rb_entry(prev, const ITSTRUCT, ITRB)) > \
			    ITSTART(rb_entry(rb, const ITSTRUCT, ITRB))) { \
			if (err && errlen)				\
				snprintf(err, errlen, #ITPREFIX		\
					 ": node %p starts before its"	\
					 " predecessor", (const void *)rb); \
			return -1;					\
		}							\
	}								\
	return 0;							\
}

#endif
