// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lifetimes the observation format cannot show: whether a write fault
 * reused the folio it hit or copied it (a token numbers pages within one
 * block only), and whether a cycle of forks and exits gives back every
 * object it allocated.
 *
 * Expected values come from the kernel's rules: do_wp_page() reuses an
 * anonymous folio that only the faulting mapping holds (after the other
 * mappers exited or copied it away); dup_mmap()/anon_vma_fork() allocate one
 * vm_area_struct per VMA, one AVC per anon_vma of the parent VMA's chain and,
 * unless an old anon_vma is reused, one anon_vma plus its AVC; __split_vma()
 * allocates a VMA and clones the chain; a merge frees the VMAs it removes.
 *
 * The invariant checker runs after every operation (OP()).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <anonrmap/anonrmap.h>

#include "scenario/behaviour.h"


static struct anonrmap_page_info page_at(struct anonrmap_mm *mm, uint64_t addr)
{
	struct anonrmap_page_info pi;

	assert_int_equal(anonrmap_page(mm, addr, &pi), 0);
	assert_int_equal(pi.kind, ANONRMAP_PAGE_ANON);
	return pi;
}

struct walk_count {
	struct anonrmap_folio *folio;
	struct anonrmap_mm *mm;
	uint64_t addr;
	int mapped, match;
};

/*
 * A walk offers candidate VMAs; as the kernel's rmap_one does, count a
 * visit only where the page table maps the folio.
 */
static int count_hit(struct anonrmap_mm *mm, uint64_t addr, void *arg)
{
	struct walk_count *w = arg;
	struct anonrmap_page_info pi;

	if (anonrmap_page(mm, addr, &pi) || pi.folio != w->folio)
		return 0;
	w->mapped++;
	if (mm == w->mm && addr == w->addr)
		w->match++;
	return 0;
}

/* The walk of @folio finds @mm at @addr and no other mapping. */
static void expect_only(struct anonrmap_folio *folio, struct anonrmap_mm *mm, uint64_t addr)
{
	struct walk_count w = { .folio = folio, .mm = mm, .addr = addr };

	assert_int_equal(anonrmap_rmap_walk(folio, count_hit, &w), 0);
	assert_int_equal(w.mapped, 1);
	assert_int_equal(w.match, 1);
}

enum { NR_CACHES = 4 };
static const enum anonrmap_cache caches[NR_CACHES] = {
	ANONRMAP_CACHE_VMA, ANONRMAP_CACHE_ANON_VMA, ANONRMAP_CACHE_ANON_VMA_CHAIN,
	ANONRMAP_CACHE_FOLIO,
};

struct snap {
	long live[NR_CACHES], allocs[NR_CACHES], frees[NR_CACHES];
};

static struct snap snapshot(void)
{
	struct snap s;
	int i;

	for (i = 0; i < NR_CACHES; i++) {
		struct anonrmap_slab_stats st;

		assert_int_equal(anonrmap_slab_stats(world, caches[i], &st), 0);
		s.live[i] = st.live;
		s.allocs[i] = st.allocs;
		s.frees[i] = st.frees;
	}
	return s;
}

/*
 * Between @before and @after, cache i allocated want[i] objects and freed
 * as many: nothing leaked and nothing was allocated beyond what the kernel
 * allocates for the same calls.
 */
static void expect_cycle(const struct snap *before, const struct snap *after,
			 const long want[NR_CACHES])
{
	int i;

	for (i = 0; i < NR_CACHES; i++) {
		if (after->live[i] != before->live[i] ||
		    after->allocs[i] - before->allocs[i] != want[i] ||
		    after->frees[i] - before->frees[i] != want[i])
			fail_msg("cache %d: live %ld -> %ld, allocs +%ld, frees +%ld, want +%ld each",
				 i, before->live[i], after->live[i],
				 after->allocs[i] - before->allocs[i],
				 after->frees[i] - before->frees[i], want[i]);
	}
}

/*
 * P0 ->fork-> C; C exits. The shared page is then P0's alone, so P0's
 * write reuses it in place: same folio, now writable, one mapping.
 *
 *   P0  A [a0]        P0  A [a0]  (rw again, no copy)
 *   C   A [a0]   ->   C   exited
 */
static void test_reuse_after_other_mapper_exits(void **state)
{
	struct anonrmap_mm *p0 = start(), *c;
	struct anonrmap_page_info before, after;
	struct snap s0, s1;

	(void)state;
	OP(anonrmap_mmap(p0, A, PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, PG, true));
	OP(anonrmap_fork(p0, &c));
	before = page_at(p0, A);
	/* fork write-protects a private writable page in both */
	assert_false(before.writable);
	assert_false(page_at(c, A).writable);
	assert_int_equal(before.mapcount, 2);
	OP(anonrmap_exit(c));
	assert_int_equal(page_at(p0, A).mapcount, 1);

	s0 = snapshot();
	OP(anonrmap_touch(p0, A, PG, true));
	s1 = snapshot();
	after = page_at(p0, A);
	assert_ptr_equal(after.folio, before.folio);
	assert_true(after.writable);
	assert_int_equal(after.mapcount, 1);
	assert_int_equal(s1.allocs[3], s0.allocs[3]);	/* FOLIO: nothing copied */
	expect_only(after.folio, p0, A);
	finish();
}

/*
 * C copies the shared page away first; P0's write then finds the original
 * mapped by P0 alone and reuses it.
 *
 *   P0  A [a0]          P0  A [a0]  (reused)
 *   C   A [a0]  -> C w  C   A [c0]
 */
static void test_reuse_after_other_mapper_copies(void **state)
{
	struct anonrmap_mm *p0 = start(), *c;
	struct anonrmap_folio *orig, *copy;

	(void)state;
	OP(anonrmap_mmap(p0, A, PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, PG, true));
	OP(anonrmap_fork(p0, &c));
	orig = page_at(p0, A).folio;
	OP(anonrmap_touch(c, A, PG, true));
	copy = page_at(c, A).folio;
	assert_ptr_not_equal(copy, orig);

	OP(anonrmap_touch(p0, A, PG, true));
	assert_ptr_equal(page_at(p0, A).folio, orig);
	assert_true(page_at(p0, A).writable);
	expect_only(orig, p0, A);
	expect_only(copy, c, A);
	finish();
}

/*
 * While C still maps the page, P0's write must copy: the two processes
 * must not see each other's writes.
 */
static void test_copy_while_shared(void **state)
{
	struct anonrmap_mm *p0 = start(), *c;
	struct anonrmap_folio *orig;

	(void)state;
	OP(anonrmap_mmap(p0, A, PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, PG, true));
	OP(anonrmap_fork(p0, &c));
	orig = page_at(p0, A).folio;
	OP(anonrmap_touch(p0, A, PG, true));

	assert_ptr_not_equal(page_at(p0, A).folio, orig);
	assert_ptr_equal(page_at(c, A).folio, orig);
	assert_false(page_at(c, A).writable);
	expect_only(orig, c, A);
	finish();
}

/*
 * The parent exits; the child's write reuses the page, which moves to the
 * child's own anon_vma (folio_move_anon_rmap). A grandchild forked after
 * that still shares it, and the walk finds both.
 *
 *   P0 A [a0] (exits)    C A [a0] (reused)  ->fork-> D A [a0]
 */
static void test_reuse_in_child_after_parent_exits(void **state)
{
	struct anonrmap_mm *p0 = start(), *c, *d;
	struct anonrmap_folio *orig;
	struct walk_count w;

	(void)state;
	OP(anonrmap_mmap(p0, A, PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, PG, true));
	OP(anonrmap_fork(p0, &c));
	orig = page_at(c, A).folio;
	OP(anonrmap_exit(p0));
	OP(anonrmap_touch(c, A, PG, true));
	assert_ptr_equal(page_at(c, A).folio, orig);
	assert_true(page_at(c, A).writable);
	expect_only(orig, c, A);

	OP(anonrmap_fork(c, &d));
	w = (struct walk_count){ .folio = orig, .mm = d, .addr = A };
	assert_int_equal(anonrmap_rmap_walk(orig, count_hit, &w), 0);
	assert_int_equal(w.mapped, 2);
	assert_int_equal(w.match, 1);
	finish();
}

/*
 * fork, CoW in the child, exit of the child: every object the cycle
 * allocated is freed again.
 *
 *   P0 A [a0 a1]  ->fork-> C A [a0 a1] -> C writes a1 -> C exits
 *
 * fork: 1 VMA, 1 anon_vma, 2 AVCs (one into P0's anon_vma, one into C's);
 * the write: 1 folio.
 */
static void test_slab_fork_exit_cycle(void **state)
{
	static const long want[NR_CACHES] = { 1, 1, 2, 1 };
	struct anonrmap_mm *p0 = start(), *c;
	struct snap s0, s1;

	(void)state;
	OP(anonrmap_mmap(p0, A, 2 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 2 * PG, true));
	s0 = snapshot();
	OP(anonrmap_fork(p0, &c));
	OP(anonrmap_touch(c, A + PG, PG, true));
	OP(anonrmap_exit(c));
	s1 = snapshot();
	expect_cycle(&s0, &s1, want);
	finish();
}

/*
 * A fork chain with reuse: P0 -> M -> G, M exits, G forks K (K reuses M's
 * anon_vma: no active VMA, one child), then G and K exit.
 *
 * anon_vmas: M 1 + G 1 + K 0; AVCs: M 2 + G 3 + K 3 (clone of G's chain);
 * VMAs: one per fork.
 */
static void test_slab_fork_chain_cycle(void **state)
{
	static const long want[NR_CACHES] = { 3, 2, 8, 0 };
	struct anonrmap_mm *p0 = start(), *m, *g, *k;
	struct snap s0, s1;

	(void)state;
	OP(anonrmap_mmap(p0, A, 4 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 4 * PG, true));
	s0 = snapshot();
	OP(anonrmap_fork(p0, &m));
	OP(anonrmap_fork(m, &g));
	OP(anonrmap_exit(m));
	OP(anonrmap_fork(g, &k));
	OP(anonrmap_exit(g));
	OP(anonrmap_exit(k));
	s1 = snapshot();
	expect_cycle(&s0, &s1, want);
	finish();
}

/*
 * mprotect of the middle of a faulted VMA and back:
 *
 *   [rw- rw- rw-] -> [rw-][r--][rw-] -> [rw- rw- rw-]
 *
 * two splits (a VMA and a cloned AVC each), then a merge that removes the
 * two VMAs it absorbs with their AVCs. No anon_vma and no folio changes.
 */
static void test_slab_split_merge_cycle(void **state)
{
	static const long want[NR_CACHES] = { 2, 0, 2, 0 };
	struct anonrmap_mm *p0 = start();
	struct snap s0, s1;

	(void)state;
	OP(anonrmap_mmap(p0, A, 3 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 3 * PG, true));
	s0 = snapshot();
	OP(anonrmap_mprotect(p0, A + PG, PG, ANONRMAP_PROT_READ));
	OP(anonrmap_mprotect(p0, A + PG, PG, RW));
	s1 = snapshot();
	expect_cycle(&s0, &s1, want);
	finish();
}

/*
 * Once every process has exited, the caches hold what they held before the
 * first one mapped anything (the world's own objects, such as the zero
 * folio), and every allocation since has been freed.
 */
static void test_slab_all_exit(void **state)
{
	struct anonrmap_mm *p0 = start(), *c;
	struct snap s0, s1;
	int i;

	(void)state;
	s0 = snapshot();
	OP(anonrmap_mmap(p0, A, 4 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 4 * PG, true));
	OP(anonrmap_fork(p0, &c));
	OP(anonrmap_touch(c, A, 2 * PG, true));
	OP(anonrmap_exit(c));
	OP(anonrmap_exit(p0));
	s1 = snapshot();
	for (i = 0; i < NR_CACHES; i++) {
		if (s1.live[i] != s0.live[i] ||
		    s1.allocs[i] - s0.allocs[i] != s1.frees[i] - s0.frees[i])
			fail_msg("cache %d: live %ld -> %ld, allocs +%ld, frees +%ld", i,
				 s0.live[i], s1.live[i], s1.allocs[i] - s0.allocs[i],
				 s1.frees[i] - s0.frees[i]);
	}
	finish();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reuse_after_other_mapper_exits),
		cmocka_unit_test(test_reuse_after_other_mapper_copies),
		cmocka_unit_test(test_copy_while_shared),
		cmocka_unit_test(test_reuse_in_child_after_parent_exits),
		cmocka_unit_test(test_slab_fork_exit_cycle),
		cmocka_unit_test(test_slab_fork_chain_cycle),
		cmocka_unit_test(test_slab_split_merge_cycle),
		cmocka_unit_test(test_slab_all_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
