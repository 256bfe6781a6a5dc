/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Red-black trees with the kernel's interface (include/linux/rbtree.h and
 * rbtree_augmented.h), so that simulated kernel code reads like the real
 * thing. The tree is intrusive: users embed struct rb_node, do their own
 * ordered descent, link the node with rb_link_node() and then rebalance.
 *
 * Augmented trees keep per-node data summarising the node's subtree. The
 * tree calls back into the user on every structural change so the summary
 * stays exact; on insertion the user must already have updated the summary
 * on the descent path before rb_insert_augmented() is called.
 */
#ifndef ANONRMAP_RBTREE_H
#define ANONRMAP_RBTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/list.h"	/* container_of */

/*
 * The parent pointer and the colour share one word: nodes are at least
 * word aligned, so bit 0 of a parent address is always free.
 */
struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_RED		0
#define RB_BLACK	1

#define RB_ROOT		((struct rb_root) { NULL })
#define RB_EMPTY_ROOT(root)	((root)->rb_node == NULL)

#define rb_parent(r)	((struct rb_node *)((r)->__rb_parent_color & ~3UL))
#define rb_color(r)	((int)((r)->__rb_parent_color & 1))
#define rb_is_red(r)	(rb_color(r) == RB_RED)
#define rb_is_black(r)	(rb_color(r) == RB_BLACK)

/*
 * A node that is not in any tree points at itself, which no linked node
 * can do; this lets code ask "is it linked?" without a separate flag.
 */
#define RB_EMPTY_NODE(node) \
	((node)->__rb_parent_color == (unsigned long)(node))
#define RB_CLEAR_NODE(node) \
	((node)->__rb_parent_color = (unsigned long)(node))

#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member) \
	({ typeof(ptr) ____ptr = (ptr); \
	   ____ptr ? rb_entry(____ptr, type, member) : NULL; })

/* Attach @node as a red leaf at *@rb_link below @parent; rebalance next. */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **rb_link)
{
	node->__rb_parent_color = (unsigned long)parent;	/* red */
	node->rb_left = node->rb_right = NULL;
	*rb_link = node;
}

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);

struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/*
 * Post-order walk: children before parents, so a whole tree can be freed
 * without rebalancing (the tree must not be used afterwards).
 */
struct rb_node *rb_first_postorder(const struct rb_root *root);
struct rb_node *rb_next_postorder(const struct rb_node *node);

#define rbtree_postorder_for_each_entry_safe(pos, n, root, field)		\
	for (pos = rb_entry_safe(rb_first_postorder(root), typeof(*pos), field); \
	     pos && ({ n = rb_entry_safe(rb_next_postorder(&pos->field),	\
					 typeof(*pos), field); 1; });		\
	     pos = n)

/*
 * Validate the red-black shape: black root, no red node with a red child,
 * one black height for every path, and parent pointers that match the
 * child pointers. Returns 0, or -1 with a one-line reason in @err (which
 * may be NULL). Costs O(n); meant for invariant checkers and tests.
 */
int rb_check(const struct rb_root *root, char *err, size_t errlen);

/* Augmented trees. */

struct rb_augment_callbacks {
	/* Recompute summaries from @node up to, not including, @stop. */
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	/* @new replaces @old in the tree: take over its summary. */
	void (*copy)(struct rb_node *old, struct rb_node *new);
	/*
	 * A rotation made @new the parent of @old, in @old's former place:
	 * @new now spans what @old spanned, and @old must be recomputed.
	 */
	void (*rotate)(struct rb_node *old, struct rb_node *new);
};

void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *augment);
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment);

/*
 * Generate callbacks @RBNAME for the common summary "largest RBCOMPUTE(x)
 * over the subtree", stored in field RBAUGMENTED of RBSTRUCT (embedding
 * the rb_node as RBFIELD). RBCOMPUTE is applied to a RBSTRUCT pointer.
 * Also generates RBNAME ## _compute_max(node, exit), which recomputes one
 * node's summary and, when @exit, reports whether it was already right.
 *
 * Propagation stops at the first ancestor whose summary does not change:
 * everything above it summarises the same set of values as before.
 */
#define RB_DECLARE_CALLBACKS_MAX(RBSTATIC, RBNAME, RBSTRUCT, RBFIELD,	\
				 RBTYPE, RBAUGMENTED, RBCOMPUTE)	\
static inline __attribute__((unused)) bool				\
RBNAME ## _compute_max(RBSTRUCT *node, bool exit)			\
{									\
	RBTYPE max = RBCOMPUTE(node);					\
	RBSTRUCT *child;						\
									\
	if (node->RBFIELD.rb_left) {					\
		child = rb_entry(node->RBFIELD.rb_left, RBSTRUCT, RBFIELD); \
		if (child->RBAUGMENTED > max)				\
			max = child->RBAUGMENTED;			\
	}								\
	if (node->RBFIELD.rb_right) {					\
		child = rb_entry(node->RBFIELD.rb_right, RBSTRUCT, RBFIELD); \
		if (child->RBAUGMENTED > max)				\
			max = child->RBAUGMENTED;			\
	}								\
	if (exit && node->RBAUGMENTED == max)				\
		return true;						\
	node->RBAUGMENTED = max;					\
	return false;							\
}									\
static void RBNAME ## _propagate(struct rb_node *rb, struct rb_node *stop) \
{									\
	for (; rb != stop; rb = rb_parent(rb)) {			\
		RBSTRUCT *node = rb_entry(rb, RBSTRUCT, RBFIELD);	\
		if (RBNAME ## _compute_max(node, true))			\
			break;						\
	}								\
}									\
static void RBNAME ## _copy(struct rb_node *rb_old, struct rb_node *rb_new) \
{									\
	rb_entry(rb_new, RBSTRUCT, RBFIELD)->RBAUGMENTED =		\
		rb_entry(rb_old, RBSTRUCT, RBFIELD)->RBAUGMENTED;	\
}									\
static void RBNAME ## _rotate(struct rb_node *rb_old, struct rb_node *rb_new) \
{									\
	RBNAME ## _copy(rb_old, rb_new);				\
	RBNAME ## _compute_max(rb_entry(rb_old, RBSTRUCT, RBFIELD), false); \
}									\
RBSTATIC const struct rb_augment_callbacks RBNAME				\
	__attribute__((unused)) = {					\
	.propagate = RBNAME ## _propagate,				\
	.copy = RBNAME ## _copy,					\
	.rotate = RBNAME ## _rotate					\
}

#endif
