/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The red-black tree against a brute-force model: a sorted array that
 * places equal keys in insertion order, which is what "ties go right"
 * promises for the tree's in-order walk. Seeds are fixed so a failure
 * replays exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rbtree.h"

struct item {
	struct rb_node rb;
	unsigned long key;
	bool linked;
};

static uint64_t rng_state;

/* splitmix64: the same sequence on every platform, unlike rand(). */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned long rng_below(unsigned long n)
{
	return (unsigned long)(rng() % n);
}

struct model {
	struct item **v;
	size_t n;
};

static void item_insert(struct rb_root *root, struct item *it)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (it->key < rb_entry(parent, struct item, rb)->key)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&it->rb, parent, link);
	rb_insert_color(&it->rb, root);
	it->linked = true;
}

static void item_erase(struct rb_root *root, struct item *it)
{
	rb_erase(&it->rb, root);
	RB_CLEAR_NODE(&it->rb);
	it->linked = false;
}

static void model_insert(struct model *m, struct item *it)
{
	size_t pos = m->n;

	/* After every key <= it->key: equal keys keep insertion order. */
	while (pos > 0 && m->v[pos - 1]->key > it->key)
		pos--;
	memmove(&m->v[pos + 1], &m->v[pos], (m->n - pos) * sizeof(m->v[0]));
	m->v[pos] = it;
	m->n++;
}

static void model_erase(struct model *m, struct item *it)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->v[i] == it) {
			memmove(&m->v[i], &m->v[i + 1],
				(m->n - i - 1) * sizeof(m->v[0]));
			m->n--;
			return;
		}
	}
	fail_msg("item %p not in the model", (void *)it);
}

static void assert_valid(const struct rb_root *root)
{
	char err[160] = "";

	if (rb_check(root, err, sizeof(err)) != 0)
		fail_msg("rb_check: %s", err);
}

static void assert_matches(const struct rb_root *root, const struct model *m)
{
	const struct rb_node *rb;
	size_t i;

	assert_valid(root);
	assert_int_equal(RB_EMPTY_ROOT(root), m->n == 0);

	i = 0;
	for (rb = rb_first(root); rb; rb = rb_next(rb)) {
		assert_true(i < m->n);
		assert_ptr_equal(rb, &m->v[i]->rb);
		i++;
	}
	assert_int_equal(i, m->n);

	i = m->n;
	for (rb = rb_last(root); rb; rb = rb_prev(rb)) {
		assert_true(i > 0);
		i--;
		assert_ptr_equal(rb, &m->v[i]->rb);
	}
	assert_int_equal(i, 0);

	if (m->n) {
		assert_ptr_equal(rb_first(root), &m->v[0]->rb);
		assert_ptr_equal(rb_last(root), &m->v[m->n - 1]->rb);
	} else {
		assert_null(rb_first(root));
		assert_null(rb_last(root));
	}
}

/*
 * Random inserts and erases over a pool, growing for the first half and
 * shrinking for the second so that both deep trees and near-empty trees
 * get exercised; everything is checked after every step.
 */
static void run_random(uint64_t seed, size_t pool, unsigned long key_range,
		       unsigned int steps)
{
	struct item *items = calloc(pool, sizeof(*items));
	struct model m = { calloc(pool, sizeof(struct item *)), 0 };
	struct rb_root root = RB_ROOT;
	unsigned int step;
	size_t i;

	assert_non_null(items);
	assert_non_null(m.v);
	rng_state = seed;
	for (i = 0; i < pool; i++)
		RB_CLEAR_NODE(&items[i].rb);

	for (step = 0; step < steps; step++) {
		unsigned int insert_pct = step < steps / 2 ? 70 : 30;
		struct item *it = &items[rng_below(pool)];

		if (!it->linked && rng_below(100) < insert_pct) {
			it->key = rng_below(key_range);
			item_insert(&root, it);
			model_insert(&m, it);
		} else if (it->linked && rng_below(100) >= insert_pct) {
			item_erase(&root, it);
			model_erase(&m, it);
			assert_true(RB_EMPTY_NODE(&it->rb));
			assert_null(rb_next(&it->rb));
			assert_null(rb_prev(&it->rb));
		}
		assert_matches(&root, &m);
	}

	/* Drain in a random order, checking as the tree empties. */
	while (m.n) {
		struct item *it = m.v[rng_below(m.n)];

		item_erase(&root, it);
		model_erase(&m, it);
		assert_matches(&root, &m);
	}
	assert_true(RB_EMPTY_ROOT(&root));
	free(m.v);
	free(items);
}

static void test_random_many_duplicates(void **state)
{
	(void)state;
	run_random(0x5eed0001, 300, 40, 30000);
}

static void test_random_wide_keys(void **state)
{
	(void)state;
	run_random(0x5eed0002, 600, 1000000, 30000);
}

static void test_random_small_pool(void **state)
{
	(void)state;
	/* Tiny trees hit the root and near-root cases over and over. */
	run_random(0x5eed0003, 7, 5, 20000);
}

/* Sorted input is what degenerates an unbalanced tree. */
static void test_monotonic_inserts(void **state)
{
	enum { N = 2048 };
	struct item *items = calloc(N, sizeof(*items));
	struct model m = { calloc(N, sizeof(struct item *)), 0 };
	struct rb_root root = RB_ROOT;
	int dir, i, depth, maxdepth;
	struct rb_node *rb;

	(void)state;
	assert_non_null(items);
	assert_non_null(m.v);
	rng_state = 0x5eed0004;
	for (dir = 0; dir < 2; dir++) {
		for (i = 0; i < N; i++) {
			items[i].key = dir ? (unsigned long)(N - i) : (unsigned long)i;
			item_insert(&root, &items[i]);
			model_insert(&m, &items[i]);
		}
		assert_matches(&root, &m);

		/* Height bound of a red-black tree: 2 * log2(N + 1) < 24. */
		maxdepth = 0;
		for (rb = rb_first(&root); rb; rb = rb_next(rb)) {
			const struct rb_node *up = rb;

			for (depth = 0; up; up = rb_parent(up))
				depth++;
			if (depth > maxdepth)
				maxdepth = depth;
		}
		assert_true(maxdepth <= 24);

		for (i = 0; i < N; i++) {
			/* Erase from alternating ends: first, last, first... */
			struct item *it = i & 1 ? m.v[m.n - 1] : m.v[0];

			item_erase(&root, it);
			model_erase(&m, it);
			if (i % 64 == 0)
				assert_matches(&root, &m);
		}
		assert_matches(&root, &m);
	}
	free(m.v);
	free(items);
}

static void test_postorder(void **state)
{
	enum { N = 500 };
	struct item *items = calloc(N, sizeof(*items));
	bool *seen = calloc(N, sizeof(*seen));
	struct rb_root root = RB_ROOT;
	struct item *pos, *n;
	int i, count = 0;

	(void)state;
	assert_non_null(items);
	assert_non_null(seen);
	rng_state = 0x5eed0005;
	assert_null(rb_first_postorder(&root));
	for (i = 0; i < N; i++) {
		items[i].key = rng_below(100);
		item_insert(&root, &items[i]);
	}
	rbtree_postorder_for_each_entry_safe(pos, n, &root, rb) {
		size_t idx = (size_t)(pos - items);
		struct rb_node *l = pos->rb.rb_left, *r = pos->rb.rb_right;

		assert_true(idx < N);
		assert_false(seen[idx]);
		/* Children come before their parent. */
		if (l)
			assert_true(seen[rb_entry(l, struct item, rb) - items]);
		if (r)
			assert_true(seen[rb_entry(r, struct item, rb) - items]);
		seen[idx] = true;
		count++;
	}
	assert_int_equal(count, N);
	assert_null(pos);
	free(seen);
	free(items);
}

/* Hand-built trees: set one node's links and colour directly. */
static void set_node(struct rb_node *n, struct rb_node *parent, int color,
		     struct rb_node *left, struct rb_node *right)
{
	n->__rb_parent_color = (unsigned long)parent | (unsigned long)color;
	n->rb_left = left;
	n->rb_right = right;
}

static void expect_check_fails(const struct rb_root *root, const char *why)
{
	char err[160] = "";

	assert_int_equal(rb_check(root, err, sizeof(err)), -1);
	if (!strstr(err, why))
		fail_msg("expected \"%s\" in \"%s\"", why, err);
	/* A NULL buffer must be fine too. */
	assert_int_equal(rb_check(root, NULL, 0), -1);
}

static void test_check_hand_built(void **state)
{
	struct rb_node a, b, c, d;
	struct rb_root root = { &a };

	(void)state;
	/*
	 *       a(B)
	 *      /    \
	 *    b(R)   c(R)
	 *    /
	 *  d(R)        red under red, black heights all equal
	 */
	set_node(&a, NULL, RB_BLACK, &b, &c);
	set_node(&b, &a, RB_RED, &d, NULL);
	set_node(&c, &a, RB_RED, NULL, NULL);
	set_node(&d, &b, RB_RED, NULL, NULL);
	expect_check_fails(&root, "red child");

	/* Same shape with d black: left-left path has one black too many. */
	set_node(&d, &b, RB_BLACK, NULL, NULL);
	expect_check_fails(&root, "black heights");

	/* Valid: b and c black, d red. */
	set_node(&b, &a, RB_BLACK, &d, NULL);
	set_node(&c, &a, RB_BLACK, NULL, NULL);
	set_node(&d, &b, RB_RED, NULL, NULL);
	assert_int_equal(rb_check(&root, NULL, 0), 0);

	/* Root turned red. */
	set_node(&a, NULL, RB_RED, &b, &c);
	expect_check_fails(&root, "root");
	set_node(&a, NULL, RB_BLACK, &b, &c);

	/* d claims c as its parent although b points at it. */
	set_node(&d, &c, RB_RED, NULL, NULL);
	expect_check_fails(&root, "parent");
	set_node(&d, &b, RB_RED, NULL, NULL);

	/* Root with a parent. */
	set_node(&a, &c, RB_BLACK, &b, &c);
	expect_check_fails(&root, "parent");
	set_node(&a, NULL, RB_BLACK, &b, &c);

	/* A cycle: the leaf d points back at the root. Must terminate. */
	d.rb_right = &a;
	expect_check_fails(&root, "parent");
	d.rb_right = NULL;
	assert_int_equal(rb_check(&root, NULL, 0), 0);

	/* The empty tree is valid. */
	root.rb_node = NULL;
	assert_int_equal(rb_check(&root, NULL, 0), 0);
}

/* Corrupt one node of a large, valid tree built by the code under test. */
static void test_check_corrupted_random_tree(void **state)
{
	enum { N = 400 };
	struct item *items = calloc(N, sizeof(*items));
	struct rb_root root = RB_ROOT;
	struct rb_node *victim = NULL, *rb;
	unsigned long saved;
	int i;

	(void)state;
	assert_non_null(items);
	rng_state = 0x5eed0006;
	for (i = 0; i < N; i++) {
		items[i].key = rng_below(10000);
		item_insert(&root, &items[i]);
	}
	assert_valid(&root);

	/* A red leaf turned black: its path gains a black. */
	for (rb = rb_first(&root); rb; rb = rb_next(rb))
		if (rb_is_red(rb) && !rb->rb_left && !rb->rb_right)
			victim = rb;
	assert_non_null(victim);
	victim->__rb_parent_color |= RB_BLACK;
	expect_check_fails(&root, "black heights");
	victim->__rb_parent_color &= ~1UL;
	assert_valid(&root);

	/* A grandchild that names its grandparent as parent. */
	victim = NULL;
	for (rb = rb_first(&root); rb && !victim; rb = rb_next(rb))
		if (rb_parent(rb) && rb_parent(rb_parent(rb)))
			victim = rb;
	assert_non_null(victim);
	saved = victim->__rb_parent_color;
	victim->__rb_parent_color = (unsigned long)rb_parent(rb_parent(victim)) |
				    (saved & 1);
	expect_check_fails(&root, "parent");
	victim->__rb_parent_color = saved;
	assert_valid(&root);

	/* A black node with a red parent turned red: red under red. */
	victim = NULL;
	for (rb = rb_first(&root); rb; rb = rb_next(rb))
		if (rb_is_black(rb) && rb_parent(rb) && rb_is_red(rb_parent(rb)))
			victim = rb;
	assert_non_null(victim);
	victim->__rb_parent_color &= ~1UL;
	assert_int_equal(rb_check(&root, NULL, 0), -1);
	victim->__rb_parent_color |= RB_BLACK;
	assert_valid(&root);
	free(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_many_duplicates),
		cmocka_unit_test(test_random_wide_keys),
		cmocka_unit_test(test_random_small_pool),
		cmocka_unit_test(test_monotonic_inserts),
		cmocka_unit_test(test_postorder),
		cmocka_unit_test(test_check_hand_built),
		cmocka_unit_test(test_check_corrupted_random_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
