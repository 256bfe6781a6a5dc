/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The generic interval tree and its anon_vma_chain instantiation against
 * a brute-force model: an array sorted by start with equal starts in
 * insertion order. A query's expected answer is the model filtered by
 * overlap, in model order, since iteration follows the in-order walk.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/interval_tree_generic.h"
#include "mm/interval_tree.h"

struct itn {
	unsigned long start, last;
	struct rb_node rb;
	unsigned long subtree_last;
	bool linked;
};

#define ITN_START(n) ((n)->start)
#define ITN_LAST(n) ((n)->last)

INTERVAL_TREE_DEFINE(struct itn, rb, unsigned long, subtree_last,
		     ITN_START, ITN_LAST, static inline, itn)

static uint64_t rng_state;

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
	struct itn **v;
	size_t n;
};

static void model_insert(struct model *m, struct itn *it)
{
	size_t pos = m->n;

	while (pos > 0 && m->v[pos - 1]->start > it->start)
		pos--;
	memmove(&m->v[pos + 1], &m->v[pos], (m->n - pos) * sizeof(m->v[0]));
	m->v[pos] = it;
	m->n++;
}

static void model_erase(struct model *m, struct itn *it)
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
	fail_msg("node %p not in the model", (void *)it);
}

static void assert_itn_valid(struct rb_root *root)
{
	char err[160] = "";

	if (itn_check(root, err, sizeof(err)) != 0)
		fail_msg("itn_check: %s", err);
}

static void assert_query(struct rb_root *root, const struct model *m,
			 unsigned long qs, unsigned long ql)
{
	struct itn *got;
	size_t i = 0;

	got = itn_iter_first(root, qs, ql);
	for (; i < m->n; i++) {
		const struct itn *want = m->v[i];

		if (want->start > ql || want->last < qs)
			continue;
		if (got != want)
			fail_msg("[%lu, %lu]: expected [%lu, %lu] (#%zu), got %p",
				 qs, ql, want->start, want->last, i, (void *)got);
		got = itn_iter_next(got, qs, ql);
	}
	if (got)
		fail_msg("[%lu, %lu]: extra result [%lu, %lu]",
			 qs, ql, got->start, got->last);
}

static void assert_inorder(struct rb_root *root, const struct model *m)
{
	const struct rb_node *rb;
	size_t i = 0;

	for (rb = rb_first(root); rb; rb = rb_next(rb)) {
		assert_true(i < m->n);
		assert_ptr_equal(rb, &m->v[i]->rb);
		i++;
	}
	assert_int_equal(i, m->n);
}

/* Mostly short intervals, some long ones that cover many others. */
static unsigned long random_length(unsigned long range)
{
	switch (rng_below(4)) {
	case 0:
		return 0;
	case 1:
	case 2:
		return rng_below(8);
	default:
		return rng_below(range);
	}
}

static void random_queries(struct rb_root *root, const struct model *m,
			   unsigned long range, int count)
{
	int q;

	for (q = 0; q < count; q++) {
		unsigned long a = rng_below(range + 10);
		unsigned long b = a + random_length(range);

		assert_query(root, m, a, a);		/* stabbing */
		assert_query(root, m, a, b);		/* range */
	}
	assert_query(root, m, 0, ULONG_MAX);
}

static void run_random(uint64_t seed, size_t pool, unsigned long range,
		       unsigned int steps)
{
	struct itn *nodes = calloc(pool, sizeof(*nodes));
	struct model m = { calloc(pool, sizeof(struct itn *)), 0 };
	struct rb_root root = RB_ROOT;
	unsigned int step;

	assert_non_null(nodes);
	assert_non_null(m.v);
	rng_state = seed;
	for (step = 0; step < steps; step++) {
		unsigned int insert_pct = step < steps / 2 ? 70 : 30;
		struct itn *it = &nodes[rng_below(pool)];

		if (!it->linked && rng_below(100) < insert_pct) {
			it->start = rng_below(range);
			it->last = it->start + random_length(range);
			itn_insert(it, &root);
			model_insert(&m, it);
			it->linked = true;
		} else if (it->linked && rng_below(100) >= insert_pct) {
			itn_remove(it, &root);
			model_erase(&m, it);
			it->linked = false;
		}
		assert_itn_valid(&root);
		assert_inorder(&root, &m);
		random_queries(&root, &m, range, 3);
	}
	while (m.n) {
		struct itn *it = m.v[rng_below(m.n)];

		itn_remove(it, &root);
		model_erase(&m, it);
		assert_itn_valid(&root);
		random_queries(&root, &m, range, 1);
	}
	assert_true(RB_EMPTY_ROOT(&root));
	assert_null(itn_iter_first(&root, 0, ULONG_MAX));
	free(m.v);
	free(nodes);
}

static void test_random_dense(void **state)
{
	(void)state;
	/* Few distinct starts: many duplicates and heavy overlap. */
	run_random(0x17e40001, 200, 50, 20000);
}

static void test_random_sparse(void **state)
{
	(void)state;
	run_random(0x17e40002, 400, 100000, 20000);
}

static void test_random_tiny(void **state)
{
	(void)state;
	run_random(0x17e40003, 6, 8, 10000);
}

/* Keys at the top of the range: nothing may overflow on the way. */
static void test_extreme_keys(void **state)
{
	static const unsigned long bounds[][2] = {
		{ ULONG_MAX, ULONG_MAX }, { ULONG_MAX - 1, ULONG_MAX },
		{ 0, ULONG_MAX }, { 0, 0 }, { ULONG_MAX / 2, ULONG_MAX - 5 },
		{ ULONG_MAX - 5, ULONG_MAX - 5 }, { 7, 7 }, { 0, 1 },
	};
	enum { N = sizeof(bounds) / sizeof(bounds[0]) };
	struct itn nodes[N];
	struct itn *mv[N];
	struct model m = { mv, 0 };
	struct rb_root root = RB_ROOT;
	size_t i;

	(void)state;
	memset(nodes, 0, sizeof(nodes));
	for (i = 0; i < N; i++) {
		nodes[i].start = bounds[i][0];
		nodes[i].last = bounds[i][1];
		itn_insert(&nodes[i], &root);
		model_insert(&m, &nodes[i]);
		assert_itn_valid(&root);
	}
	assert_query(&root, &m, ULONG_MAX, ULONG_MAX);
	assert_query(&root, &m, ULONG_MAX - 1, ULONG_MAX - 1);
	assert_query(&root, &m, 0, 0);
	assert_query(&root, &m, 1, 6);
	assert_query(&root, &m, 8, ULONG_MAX - 6);
	assert_query(&root, &m, 0, ULONG_MAX);
	/* Spot-check the model itself on one query. */
	i = 0;
	for (struct itn *it = itn_iter_first(&root, ULONG_MAX, ULONG_MAX); it;
	     it = itn_iter_next(it, ULONG_MAX, ULONG_MAX))
		i++;
	assert_int_equal(i, 3);	/* [0,MAX], [MAX-1,MAX], [MAX,MAX] */
}

static void expect_itn_check_fails(struct rb_root *root, const char *why)
{
	char err[160] = "";

	assert_int_equal(itn_check(root, err, sizeof(err)), -1);
	if (!strstr(err, why))
		fail_msg("expected \"%s\" in \"%s\"", why, err);
}

static void build_random(struct itn *nodes, size_t n, struct rb_root *root,
			 uint64_t seed)
{
	size_t i;

	rng_state = seed;
	for (i = 0; i < n; i++) {
		nodes[i].start = rng_below(1000);
		nodes[i].last = nodes[i].start + random_length(1000);
		itn_insert(&nodes[i], root);
	}
	assert_itn_valid(root);
}

static void test_check_stale_subtree_last(void **state)
{
	enum { N = 300 };
	struct itn *nodes = calloc(N, sizeof(*nodes));
	struct rb_root root = RB_ROOT;
	struct itn *victim = NULL;
	struct rb_node *rb;
	size_t i;

	(void)state;
	assert_non_null(nodes);
	build_random(nodes, N, &root, 0x17e40004);

	/* Too large, on a leaf and on the root. */
	for (i = 0; i < N; i++)
		if (!nodes[i].rb.rb_left && !nodes[i].rb.rb_right)
			victim = &nodes[i];
	assert_non_null(victim);
	victim->subtree_last++;
	expect_itn_check_fails(&root, "subtree maximum");
	victim->subtree_last--;
	assert_itn_valid(&root);

	victim = rb_entry(root.rb_node, struct itn, rb);
	victim->subtree_last++;
	expect_itn_check_fails(&root, "subtree maximum");
	victim->subtree_last--;

	/* Too small: an inner node forgets a child's larger end. */
	victim = NULL;
	for (rb = rb_first(&root); rb && !victim; rb = rb_next(rb)) {
		struct itn *it = rb_entry(rb, struct itn, rb);

		if (it->subtree_last > it->last)
			victim = it;
	}
	assert_non_null(victim);
	victim->subtree_last = victim->last;
	expect_itn_check_fails(&root, "subtree maximum");
	free(nodes);
}

static void test_check_rb_and_order(void **state)
{
	enum { N = 300 };
	struct itn *nodes = calloc(N, sizeof(*nodes));
	struct itn a = { .start = 10, .last = 100 }, b = { .start = 20, .last = 100 };
	struct rb_root root = RB_ROOT;
	struct rb_node *rb, *victim = NULL;

	(void)state;
	assert_non_null(nodes);

	/* Red-black damage is reported through the interval tree check. */
	build_random(nodes, N, &root, 0x17e40005);
	for (rb = rb_first(&root); rb; rb = rb_next(rb))
		if (rb_is_black(rb) && rb_parent(rb) && rb_is_red(rb_parent(rb)))
			victim = rb;
	assert_non_null(victim);
	victim->__rb_parent_color &= ~1UL;	/* red under red */
	assert_int_equal(itn_check(&root, NULL, 0), -1);
	victim->__rb_parent_color |= RB_BLACK;
	assert_itn_valid(&root);

	victim = root.rb_node->rb_left;
	assert_non_null(victim);
	victim->__rb_parent_color = (unsigned long)victim | rb_color(victim);
	expect_itn_check_fails(&root, "parent");
	free(nodes);

	/*
	 * Out of order without touching any subtree maximum: a moves past
	 * b while keeping its end. The tree now lists 30 before 20.
	 */
	root = RB_ROOT;
	itn_insert(&a, &root);
	itn_insert(&b, &root);
	assert_itn_valid(&root);
	a.start = 30;
	expect_itn_check_fails(&root, "predecessor");

	/* An interval that ends before it starts. */
	a.start = 10;
	assert_itn_valid(&root);
	b.start = 101;
	expect_itn_check_fails(&root, "ends before");
}

/* The anon_vma_chain instantiation, keyed through real VMAs. */

struct avc_case {
	struct vm_area_struct vma;
	struct anon_vma_chain avc;
	unsigned long first, last;	/* expected page offsets, by hand */
	bool linked;
};

static void test_avc_pgoff(void **state)
{
	struct vm_area_struct vma = {
		.vm_start = 0x7f0000001000UL,
		.vm_end = 0x7f0000005000UL,	/* four pages */
		.vm_pgoff = 0x7f0000001UL,
	};
	struct anon_vma_chain avc = { .vma = &vma };

	(void)state;
	assert_int_equal(avc_start_pgoff(&avc), 0x7f0000001UL);
	assert_int_equal(avc_last_pgoff(&avc), 0x7f0000004UL);

	/* One page: first == last. */
	vma.vm_end = vma.vm_start + 4096;
	vma.vm_pgoff = 5;
	assert_int_equal(avc_start_pgoff(&avc), 5);
	assert_int_equal(avc_last_pgoff(&avc), 5);
}

static void avc_assert_query(struct rb_root *root, struct avc_case *cases,
			     size_t n, unsigned long qs, unsigned long ql)
{
	struct anon_vma_chain *avc;
	bool *want = calloc(n, sizeof(*want));
	size_t i, expected = 0, got = 0;

	assert_non_null(want);
	for (i = 0; i < n; i++) {
		if (cases[i].linked && cases[i].first <= ql && cases[i].last >= qs) {
			want[i] = true;
			expected++;
		}
	}
	anon_vma_interval_tree_foreach(avc, root, qs, ql) {
		struct avc_case *c = container_of(avc, struct avc_case, avc);
		size_t idx = (size_t)(c - cases);

		assert_true(idx < n);
		if (!want[idx])
			fail_msg("[%lu, %lu]: unexpected or repeated AVC [%lu, %lu]",
				 qs, ql, c->first, c->last);
		want[idx] = false;
		got++;
	}
	assert_int_equal(got, expected);
	free(want);
}

static void test_avc_random(void **state)
{
	enum { N = 250, STEPS = 5000, RANGE = 400 };
	struct avc_case *cases = calloc(N, sizeof(*cases));
	struct rb_root root = RB_ROOT;
	char err[160] = "";
	unsigned int step;
	int q;

	(void)state;
	assert_non_null(cases);
	rng_state = 0x17e40006;
	for (step = 0; step < STEPS; step++) {
		struct avc_case *c = &cases[rng_below(N)];

		if (!c->linked) {
			unsigned long pages = 1 + rng_below(rng_below(2) ? 4 : 64);

			c->first = rng_below(RANGE);
			c->last = c->first + pages - 1;
			c->vma.vm_start = (0x1000UL + rng_below(1000)) * 4096;
			c->vma.vm_end = c->vma.vm_start + pages * 4096;
			c->vma.vm_pgoff = c->first;
			c->avc.vma = &c->vma;
			anon_vma_interval_tree_insert(&c->avc, &root);
			c->linked = true;
		} else {
			anon_vma_interval_tree_remove(&c->avc, &root);
			c->linked = false;
		}
		if (anon_vma_interval_tree_check(&root, err, sizeof(err)))
			fail_msg("anon_vma_interval_tree_check: %s", err);
		for (q = 0; q < 3; q++) {
			unsigned long a = rng_below(RANGE + 70);

			avc_assert_query(&root, cases, N, a, a);
			avc_assert_query(&root, cases, N, a, a + rng_below(40));
		}
	}

	/* A stale cached maximum is caught by the exported check. */
	assert_false(RB_EMPTY_ROOT(&root));
	rb_entry(root.rb_node, struct anon_vma_chain, rb)->rb_subtree_last += 1;
	assert_int_equal(anon_vma_interval_tree_check(&root, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "subtree maximum"));
	free(cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_dense),
		cmocka_unit_test(test_random_sparse),
		cmocka_unit_test(test_random_tiny),
		cmocka_unit_test(test_extreme_keys),
		cmocka_unit_test(test_check_stale_subtree_last),
		cmocka_unit_test(test_check_rb_and_order),
		cmocka_unit_test(test_avc_pgoff),
		cmocka_unit_test(test_avc_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
