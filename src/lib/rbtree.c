/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Red-black tree rebalancing, written once for both directions: a node's
 * children are addressed by side (0 = left, 1 = right), so each case of
 * insert and erase fix-up exists once and its mirror image comes from
 * flipping the side. The simulator values obvious correctness over the
 * last few branches the kernel's hand-unrolled version saves.
 */
#include <stdio.h>

#include "lib/rbtree.h"

enum { LEFT = 0, RIGHT = 1 };

static inline struct rb_node **child_slot(struct rb_node *n, int side)
{
	return side == LEFT ? &n->rb_left : &n->rb_right;
}

#define CHILD(n, side) (*child_slot((n), (side)))

static inline bool is_red(const struct rb_node *n)
{
	/* Absent children count as black leaves. */
	return n && rb_is_red(n);
}

static inline void set_parent(struct rb_node *n, struct rb_node *parent)
{
	n->__rb_parent_color = (unsigned long)parent | (n->__rb_parent_color & 1);
}

static inline void set_color(struct rb_node *n, int color)
{
	n->__rb_parent_color = (n->__rb_parent_color & ~1UL) | (unsigned long)color;
}

/* Make whatever pointed at @old (a parent's slot or the root) point at @new. */
static void replace_child(struct rb_node *old, struct rb_node *new,
			  struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/*
 * Lift the child of @x on the side opposite @side into @x's place; @x goes
 * down on @side. Colours stay with their nodes: the callers recolour.
 */
static void rotate(struct rb_node *x, int side, struct rb_root *root,
		   const struct rb_augment_callbacks *aug)
{
	struct rb_node *y = CHILD(x, !side);
	struct rb_node *moved = CHILD(y, side);
	struct rb_node *parent = rb_parent(x);

	CHILD(x, !side) = moved;
	if (moved)
		set_parent(moved, x);
	CHILD(y, side) = x;
	set_parent(y, parent);
	set_parent(x, y);
	replace_child(x, y, parent, root);
	aug->rotate(x, y);
}

static void noop_propagate(struct rb_node *node, struct rb_node *stop)
{
	(void)node;
	(void)stop;
}

static void noop_pair(struct rb_node *old, struct rb_node *new)
{
	(void)old;
	(void)new;
}

/* A plain tree is an augmented tree with nothing to maintain. */
static const struct rb_augment_callbacks no_augment = {
	.propagate = noop_propagate,
	.copy = noop_pair,
	.rotate = noop_pair,
};

/*
 * @node was just linked red. The only possible violation is a red node
 * under a red parent; each round either fixes it with at most two
 * rotations or pushes it two levels up by recolouring.
 */
static void insert_fixup(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *aug)
{
	struct rb_node *parent, *gparent, *uncle;
	int side;

	while ((parent = rb_parent(node)) && rb_is_red(parent)) {
		/* A red parent is never the root, so the grandparent exists. */
		gparent = rb_parent(parent);
		side = gparent->rb_right == parent ? RIGHT : LEFT;
		uncle = CHILD(gparent, !side);

		if (is_red(uncle)) {
			set_color(parent, RB_BLACK);
			set_color(uncle, RB_BLACK);
			set_color(gparent, RB_RED);
			node = gparent;
			continue;
		}

		if (CHILD(parent, !side) == node) {
			/* Inner grandchild: turn it into the outer one first. */
			rotate(parent, side, root, aug);
			node = parent;
			parent = rb_parent(node);
		}
		rotate(gparent, !side, root, aug);
		set_color(parent, RB_BLACK);
		set_color(gparent, RB_RED);
		break;
	}
	set_color(root->rb_node, RB_BLACK);
}

/*
 * A black node was removed from below @parent, on the side where @x (maybe
 * NULL) now hangs: that path is one black short. Either borrow a red from
 * the sibling's side by rotating, or make the sibling red and move the
 * shortage up to @parent.
 */
static void erase_fixup(struct rb_node *x, struct rb_node *parent,
			struct rb_root *root,
			const struct rb_augment_callbacks *aug)
{
	struct rb_node *sib, *near, *far;
	int side;

	while (parent && !is_red(x)) {
		/*
		 * The sibling cannot be absent (its side has a black height
		 * of at least one), so a NULL slot identifies @x's side.
		 */
		side = parent->rb_left == x ? LEFT : RIGHT;
		sib = CHILD(parent, !side);

		if (rb_is_red(sib)) {
			/* Rotate so that @x gets a black sibling. */
			rotate(parent, side, root, aug);
			set_color(sib, RB_BLACK);
			set_color(parent, RB_RED);
			sib = CHILD(parent, !side);
		}

		near = CHILD(sib, side);
		far = CHILD(sib, !side);
		if (!is_red(near) && !is_red(far)) {
			set_color(sib, RB_RED);
			x = parent;
			parent = rb_parent(x);
			continue;
		}

		if (!is_red(far)) {
			/*
			 * Make the red nephew the far one; the recolouring
			 * below then fixes the colours of both.
			 */
			rotate(sib, !side, root, aug);
			far = sib;
			sib = near;
		}
		rotate(parent, side, root, aug);
		set_color(sib, rb_color(parent));
		set_color(parent, RB_BLACK);
		set_color(far, RB_BLACK);
		return;
	}
	if (x)
		set_color(x, RB_BLACK);
}

static void erase(struct rb_node *node, struct rb_root *root,
		  const struct rb_augment_callbacks *aug)
{
	struct rb_node *left = node->rb_left, *right = node->rb_right;
	struct rb_node *parent = rb_parent(node);
	struct rb_node *child, *hole_parent, *succ;
	bool removed_black;

	if (!left || !right) {
		child = left ? left : right;
		removed_black = rb_is_black(node);
		replace_child(node, child, parent, root);
		if (child)
			set_parent(child, parent);
		hole_parent = parent;
		aug->propagate(parent, NULL);
	} else {
		/*
		 * Two children: the in-order successor (leftmost of the right
		 * subtree, so it has no left child) takes @node's place and
		 * colour, and the removal happens at the successor's old spot.
		 */
		succ = right;
		while (succ->rb_left)
			succ = succ->rb_left;
		child = succ->rb_right;
		removed_black = rb_is_black(succ);

		if (succ == right) {
			hole_parent = succ;
		} else {
			hole_parent = rb_parent(succ);
			hole_parent->rb_left = child;
			if (child)
				set_parent(child, hole_parent);
			succ->rb_right = right;
			set_parent(right, succ);
		}
		succ->rb_left = left;
		set_parent(left, succ);
		succ->__rb_parent_color = node->__rb_parent_color;
		replace_child(node, succ, parent, root);

		aug->copy(node, succ);
		if (hole_parent != succ)
			aug->propagate(hole_parent, succ);
		aug->propagate(succ, NULL);
	}

	/* A red child standing in for a black node just turns black. */
	if (removed_black)
		erase_fixup(child, hole_parent, root, aug);
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	insert_fixup(node, root, &no_augment);
}

void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *augment)
{
	insert_fixup(node, root, augment);
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	erase(node, root, &no_augment);
}

void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment)
{
	erase(node, root, augment);
}

static struct rb_node *extreme(struct rb_node *n, int side)
{
	if (n)
		while (CHILD(n, side))
			n = CHILD(n, side);
	return n;
}

/* In-order neighbour of @node on @side: next for RIGHT, previous for LEFT. */
static struct rb_node *neighbour(const struct rb_node *cnode, int side)
{
	struct rb_node *node = (struct rb_node *)cnode;
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (CHILD(node, side))
		return extreme(CHILD(node, side), !side);
	/* Climb while we are on @side of our parent: those come earlier. */
	while ((parent = rb_parent(node)) && CHILD(parent, side) == node)
		node = parent;
	return parent;
}

struct rb_node *rb_first(const struct rb_root *root)
{
	return extreme(root->rb_node, LEFT);
}

struct rb_node *rb_last(const struct rb_root *root)
{
	return extreme(root->rb_node, RIGHT);
}

struct rb_node *rb_next(const struct rb_node *node)
{
	return neighbour(node, RIGHT);
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	return neighbour(node, LEFT);
}

/* The first node in post-order below @n: keep descending, left first. */
static struct rb_node *deepest_left(struct rb_node *n)
{
	for (;;) {
		if (n->rb_left)
			n = n->rb_left;
		else if (n->rb_right)
			n = n->rb_right;
		else
			return n;
	}
}

struct rb_node *rb_first_postorder(const struct rb_root *root)
{
	return root->rb_node ? deepest_left(root->rb_node) : NULL;
}

struct rb_node *rb_next_postorder(const struct rb_node *node)
{
	struct rb_node *parent;

	if (!node)
		return NULL;
	parent = rb_parent(node);
	if (parent && node == parent->rb_left && parent->rb_right)
		return deepest_left(parent->rb_right);
	return parent;
}

/*
 * A valid tree of n nodes is at most 2*log2(n+1) deep, and n is bounded by
 * the address space, so anything deeper than this is corrupt. The bound
 * also keeps the recursive check from running away on a damaged tree.
 */
#define RB_MAX_DEPTH (2 * 8 * (int)sizeof(void *))

struct rb_check_state {
	char *err;
	size_t errlen;
};

static int check_fail(struct rb_check_state *st, const char *fmt,
		      const struct rb_node *n)
{
	if (st->err && st->errlen)
		snprintf(st->err, st->errlen, fmt, (const void *)n);
	return -1;
}

/* Returns the black height of @n's subtree (NULL counts 0), or -1. */
static int check_subtree(struct rb_check_state *st, const struct rb_node *n,
			 const struct rb_node *parent, int depth)
{
	int lh, rh;

	if (!n)
		return 0;
	if (depth > RB_MAX_DEPTH)
		return check_fail(st, "rbtree: deeper than any valid tree at node %p", n);
	if (rb_parent(n) != parent)
		return check_fail(st, "rbtree: node %p has a wrong parent pointer", n);
	if (n->__rb_parent_color & 2)
		return check_fail(st, "rbtree: node %p has a stray bit in its parent word", n);
	if (rb_is_red(n) && (is_red(n->rb_left) || is_red(n->rb_right)))
		return check_fail(st, "rbtree: red node %p has a red child", n);

	lh = check_subtree(st, n->rb_left, n, depth + 1);
	if (lh < 0)
		return -1;
	rh = check_subtree(st, n->rb_right, n, depth + 1);
	if (rh < 0)
		return -1;
	if (lh != rh)
		return check_fail(st, "rbtree: unequal black heights below node %p", n);
	return lh + rb_is_black(n);
}

int rb_check(const struct rb_root *root, char *err, size_t errlen)
{
	struct rb_check_state st = { err, errlen };
	const struct rb_node *top = root->rb_node;

	if (err && errlen)
		err[0] = '\0';
	if (!top)
		return 0;
	if (rb_is_red(top))
		return check_fail(&st, "rbtree: root %p is red", top);
	return check_subtree(&st, top, NULL, 0) < 0 ? -1 : 0;
}
