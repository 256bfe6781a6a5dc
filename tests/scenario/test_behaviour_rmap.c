// SPDX-License-Identifier: GPL-2.0-only
/*
 * What an rmap walk must find, which the observation format cannot show: a
 * token says two processes share a page, not that the page's anon_vma can
 * still reach every mapping after forks, CoW, moves, splits and exits.
 *
 * Every expected value here follows from the kernel's rules (kernel-notes.md,
 * "Life of an anonymous page"), not from what the simulator printed: an
 * anonymous folio keeps the index it was created with (the linear page index
 * vm_pgoff + (addr - vm_start) / PAGE_SIZE of its first VMA), a moved VMA
 * keeps its vm_pgoff, and a walk visits each (mm, address) mapping the folio
 * once.
 *
 * Like rmap_walk_anon(), anonrmap_rmap_walk() offers every VMA whose AVC
 * range covers the folio's index, including VMAs that have since copied the
 * page away; the kernel's rmap_one callbacks then check the page table
 * (page_vma_mapped_walk()). The tests do the same: a visit counts as finding
 * the folio only if that address in that mm maps it. What must hold is that
 * every mapping is visited, exactly once.
 *
 * The invariant checker runs after every operation (OP()); a test that only
 * asserted on the final state would miss a transient inconsistency.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <anonrmap/anonrmap.h>

#include "scenario/behaviour.h"

#define B 0x100000200000ULL	/* far enough from A to never be adjacent */
#define MOVE (ANONRMAP_MREMAP_MAYMOVE | ANONRMAP_MREMAP_FIXED)

static struct anonrmap_folio *anon_at(struct anonrmap_mm *mm, uint64_t addr)
{
	struct anonrmap_page_info pi;

	assert_int_equal(anonrmap_page(mm, addr, &pi), 0);
	assert_int_equal(pi.kind, ANONRMAP_PAGE_ANON);
	assert_non_null(pi.folio);
	return pi.folio;
}

static uint64_t index_at(struct anonrmap_mm *mm, uint64_t addr)
{
	struct anonrmap_page_info pi;

	assert_int_equal(anonrmap_page(mm, addr, &pi), 0);
	return pi.index;
}

struct hit {
	struct anonrmap_mm *mm;
	uint64_t addr;
};

struct hits {
	size_t n;
	struct hit h[16];
};

static int collect(struct anonrmap_mm *mm, uint64_t addr, void *arg)
{
	struct hits *hs = arg;

	if (hs->n < sizeof(hs->h) / sizeof(hs->h[0]))
		hs->h[hs->n] = (struct hit){ mm, addr };
	hs->n++;
	return 0;
}

static bool maps(struct anonrmap_mm *mm, uint64_t addr, struct anonrmap_folio *folio)
{
	struct anonrmap_page_info pi;

	return anonrmap_page(mm, addr, &pi) == 0 && pi.folio == folio;
}

/*
 * The walk of @folio visits each of the @n mappings in @want exactly once,
 * and any other visit is to an address that does not map @folio.
 */
static void expect_walk(struct anonrmap_folio *folio, size_t n, const struct hit *want)
{
	struct hits got = { 0 };
	size_t i, j, mapped = 0;

	assert_int_equal(anonrmap_rmap_walk(folio, collect, &got), 0);
	assert_true(got.n <= sizeof(got.h) / sizeof(got.h[0]));
	for (j = 0; j < got.n; j++)
		if (maps(got.h[j].mm, got.h[j].addr, folio))
			mapped++;
	for (i = 0; i < n; i++) {
		size_t found = 0;

		assert_true(maps(want[i].mm, want[i].addr, folio));
		for (j = 0; j < got.n; j++)
			if (got.h[j].mm == want[i].mm && got.h[j].addr == want[i].addr)
				found++;
		if (found != 1)
			fail_msg("mapping %zu (mm %u, %#llx) visited %zu times", i,
				 anonrmap_mm_id(want[i].mm), (unsigned long long)want[i].addr,
				 found);
	}
	if (mapped != n)
		fail_msg("the walk found %zu mappings of the folio, expected %zu", mapped, n);
}

#define WALK(folio, ...)                                                          \
	do {                                                                      \
		const struct hit want_[] = { __VA_ARGS__ };                        \
		expect_walk((folio), sizeof(want_) / sizeof(want_[0]), want_);     \
	} while (0)

/*
 * P0 ->fork-> C ->fork-> G; nobody writes after the forks.
 *
 *   P0  A [a0 a1 a2 a3]     a1: written by P0, then shared
 *   C   A [a0 a1 a2 a3]
 *   G   A [a0 a1 a2 a3]
 *
 * G's VMA links P0's anon_vma (via the chain it cloned), so the walk from
 * a1's anon_vma reaches all three at A + 4K.
 */
static void test_walk_three_generations(void **state)
{
	struct anonrmap_mm *p0 = start(), *c, *g;
	struct anonrmap_folio *f;

	(void)state;
	OP(anonrmap_mmap(p0, A, 4 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 4 * PG, true));
	OP(anonrmap_fork(p0, &c));
	OP(anonrmap_fork(c, &g));

	f = anon_at(p0, A + PG);
	assert_ptr_equal(anon_at(c, A + PG), f);
	assert_ptr_equal(anon_at(g, A + PG), f);
	WALK(f, { p0, A + PG }, { c, A + PG }, { g, A + PG });
	finish();
}

/*
 *   P0  A [a0 a1]
 *   C   A [a0 n1]    C writes A + 4K: n1 is a new folio in C's anon_vma
 *
 * The copy is mapped only by C; the original is now mapped only by P0. Both
 * carry the same index, since the index is the page's linear offset in the
 * VMA, not something per copy.
 */
static void test_walk_after_cow(void **state)
{
	struct anonrmap_mm *p0 = start(), *c;
	struct anonrmap_folio *orig, *copy;

	(void)state;
	OP(anonrmap_mmap(p0, A, 2 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 2 * PG, true));
	OP(anonrmap_fork(p0, &c));
	orig = anon_at(p0, A + PG);
	OP(anonrmap_touch(c, A + PG, PG, true));

	copy = anon_at(c, A + PG);
	assert_ptr_not_equal(copy, orig);
	assert_int_equal(index_at(c, A + PG), A / PG + 1);
	assert_int_equal(index_at(p0, A + PG), A / PG + 1);
	WALK(copy, { c, A + PG });
	WALK(orig, { p0, A + PG });
	/* the unwritten page is still shared and still found in both */
	WALK(anon_at(p0, A), { p0, A }, { c, A });
	finish();
}

/*
 * Grandchild G writes; the parent's copy stays shared by P0 and C.
 *
 *   P0  A [a0]
 *   C   A [a0]
 *   G   A [g0]
 */
static void test_walk_after_cow_in_grandchild(void **state)
{
	struct anonrmap_mm *p0 = start(), *c, *g;
	struct anonrmap_folio *orig;

	(void)state;
	OP(anonrmap_mmap(p0, A, PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, PG, true));
	OP(anonrmap_fork(p0, &c));
	OP(anonrmap_fork(c, &g));
	orig = anon_at(p0, A);
	OP(anonrmap_touch(g, A, PG, true));

	assert_ptr_not_equal(anon_at(g, A), orig);
	WALK(anon_at(g, A), { g, A });
	WALK(orig, { p0, A }, { c, A });
	finish();
}

struct vma_at {
	uint64_t addr;
	struct anonrmap_vma_info info;
	bool found;
};

static int find_vma(const struct anonrmap_vma_info *v, void *arg)
{
	struct vma_at *w = arg;

	if (v->start <= w->addr && w->addr < v->end) {
		w->info = *v;
		w->found = true;
		return 1;
	}
	return 0;
}

static struct anonrmap_vma_info vma_of(struct anonrmap_mm *mm, uint64_t addr)
{
	struct vma_at w = { .addr = addr };

	anonrmap_vma_foreach(mm, find_vma, &w);
	assert_true(w.found);
	return w.info;
}

/*
 * C moves the middle of its copy of the VMA to B:
 *
 *   P0  A [a0 a1 a2 a3]
 *   C   A [a0 a1] A+16K [a3]       B [a2]
 *
 * The moved VMA keeps vm_pgoff = A/PG + 2, so a2 (index A/PG + 2) is found
 * in C at B + (index - pgoff) * PG = B, and in P0 where it always was.
 */
static void test_walk_after_mremap_move(void **state)
{
	struct anonrmap_mm *p0 = start(), *c;
	struct anonrmap_folio *f;

	(void)state;
	OP(anonrmap_mmap(p0, A, 4 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 4 * PG, true));
	OP(anonrmap_fork(p0, &c));
	f = anon_at(p0, A + 2 * PG);
	OP(anonrmap_mremap(c, A + 2 * PG, PG, PG, MOVE, B));

	assert_int_equal(vma_of(c, B).pgoff, A / PG + 2);
	assert_ptr_equal(anon_at(c, B), f);
	WALK(f, { p0, A + 2 * PG }, { c, B });
	/* the pieces left behind are found where they were */
	WALK(anon_at(p0, A + 3 * PG), { p0, A + 3 * PG }, { c, A + 3 * PG });
	finish();
}

/*
 * A process without relatives moves its whole VMA; the walk follows it.
 *
 *   before: A [a0 a1]     after: B [a0 a1]
 */
static void test_walk_after_mremap_move_alone(void **state)
{
	struct anonrmap_mm *p0 = start();
	struct anonrmap_folio *f0, *f1;

	(void)state;
	OP(anonrmap_mmap(p0, A, 2 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 2 * PG, true));
	f0 = anon_at(p0, A);
	f1 = anon_at(p0, A + PG);
	OP(anonrmap_mremap(p0, A, 2 * PG, 2 * PG, MOVE, B));

	assert_ptr_equal(anon_at(p0, B), f0);
	assert_int_equal(index_at(p0, B + PG), A / PG + 1);
	WALK(f0, { p0, B });
	WALK(f1, { p0, B + PG });
	finish();
}

/*
 * Moving a piece away and back merges it again (pgoff linear once more);
 * the folios are found at their original addresses.
 */
static void test_walk_after_move_and_back(void **state)
{
	struct anonrmap_mm *p0 = start();
	struct anonrmap_folio *f;

	(void)state;
	OP(anonrmap_mmap(p0, A, 4 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 4 * PG, true));
	f = anon_at(p0, A + 3 * PG);
	OP(anonrmap_mremap(p0, A + 2 * PG, 2 * PG, 2 * PG, MOVE, B));
	WALK(f, { p0, B + PG });
	OP(anonrmap_mremap(p0, B, 2 * PG, 2 * PG, MOVE, A + 2 * PG));

	assert_int_equal(vma_of(p0, A + 3 * PG).start, A);
	assert_int_equal(vma_of(p0, A).end, A + 4 * PG);
	WALK(f, { p0, A + 3 * PG });
	finish();
}

/*
 * C unmaps the middle of its VMA; both remaining pieces link the whole
 * chain, so every page they still map is found in C and P0.
 *
 *   P0  A [a0 a1 a2 a3 a4 a5]
 *   C   A [a0 a1] .  .  [a4 a5]
 */
static void test_walk_after_munmap_middle(void **state)
{
	struct anonrmap_mm *p0 = start(), *c;
	int i;

	(void)state;
	OP(anonrmap_mmap(p0, A, 6 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 6 * PG, true));
	OP(anonrmap_fork(p0, &c));
	OP(anonrmap_munmap(c, A + 2 * PG, 2 * PG));

	for (i = 0; i < 6; i++) {
		uint64_t addr = A + (uint64_t)i * PG;
		struct anonrmap_folio *f = anon_at(p0, addr);

		if (i == 2 || i == 3) {
			WALK(f, { p0, addr });
		} else {
			assert_ptr_equal(anon_at(c, addr), f);
			WALK(f, { p0, addr }, { c, addr });
		}
	}
	finish();
}

/*
 * C splits its VMA with mprotect; the split pieces clone C's chain, so a
 * page in the read-only middle is found there.
 *
 *   P0  A [a0 a1 a2]  rw-
 *   C   A [a0] [a1] [a2]  rw- r-- rw-
 */
static void test_walk_after_mprotect_split(void **state)
{
	struct anonrmap_mm *p0 = start(), *c;
	struct anonrmap_folio *f;

	(void)state;
	OP(anonrmap_mmap(p0, A, 3 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 3 * PG, true));
	OP(anonrmap_fork(p0, &c));
	OP(anonrmap_mprotect(c, A + PG, PG, ANONRMAP_PROT_READ));

	f = anon_at(p0, A + PG);
	WALK(f, { p0, A + PG }, { c, A + PG });
	OP(anonrmap_touch(c, A + 2 * PG, PG, true));
	WALK(anon_at(c, A + 2 * PG), { c, A + 2 * PG });
	WALK(anon_at(p0, A + 2 * PG), { p0, A + 2 * PG });
	finish();
}

/*
 * P0 exits; its child keeps the pages it shared, found only in C now, at
 * the same address. Exit must neither copy nor lose them.
 *
 *   P0  A [a0 a1]  (exits)
 *   C   A [a0 a1]
 */
static void test_walk_after_parent_exit(void **state)
{
	struct anonrmap_mm *p0 = start(), *c;
	struct anonrmap_folio *f0, *f1;

	(void)state;
	OP(anonrmap_mmap(p0, A, 2 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 2 * PG, true));
	OP(anonrmap_fork(p0, &c));
	f0 = anon_at(p0, A);
	f1 = anon_at(p0, A + PG);
	OP(anonrmap_exit(p0));

	assert_ptr_equal(anon_at(c, A), f0);
	assert_ptr_equal(anon_at(c, A + PG), f1);
	WALK(f0, { c, A });
	WALK(f1, { c, A + PG });
	finish();
}

/*
 * The middle of P0 -> M -> G exits. M had copied one page before forking G,
 * so G shares it with M only; M's anon_vma must outlive M for that page to
 * stay findable, as G's chain still links to it.
 *
 *   P0  A [a0 a1]
 *   M   A [a0 m1]  (exits)
 *   G   A [a0 m1]
 */
static void test_walk_after_middle_exit(void **state)
{
	struct anonrmap_mm *p0 = start(), *m, *g;
	struct anonrmap_folio *shared, *mcopy;

	(void)state;
	OP(anonrmap_mmap(p0, A, 2 * PG, RW, NULL, 0));
	OP(anonrmap_touch(p0, A, 2 * PG, true));
	OP(anonrmap_fork(p0, &m));
	OP(anonrmap_touch(m, A + PG, PG, true));
	OP(anonrmap_fork(m, &g));
	shared = anon_at(p0, A);
	mcopy = anon_at(m, A + PG);
	WALK(mcopy, { m, A + PG }, { g, A + PG });
	OP(anonrmap_exit(m));

	WALK(shared, { p0, A }, { g, A });
	WALK(mcopy, { g, A + PG });
	finish();
}

/* A page-cache folio has no anon_vma to walk. */
static void test_walk_file_folio_refused(void **state)
{
	struct anonrmap_mm *p0 = start();
	struct anonrmap_file *file;
	struct anonrmap_page_info pi;

	(void)state;
	assert_int_equal(anonrmap_file_create(world, 4 * PG, &file), 0);
	OP(anonrmap_mmap(p0, A, 4 * PG, ANONRMAP_PROT_READ, file, 0));
	OP(anonrmap_touch(p0, A, PG, false));
	assert_int_equal(anonrmap_page(p0, A, &pi), 0);
	assert_int_equal(pi.kind, ANONRMAP_PAGE_FILE);
	assert_int_equal(anonrmap_rmap_walk(pi.folio, collect, &(struct hits){ 0 }), -EINVAL);
	finish();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_three_generations),
		cmocka_unit_test(test_walk_after_cow),
		cmocka_unit_test(test_walk_after_cow_in_grandchild),
		cmocka_unit_test(test_walk_after_mremap_move),
		cmocka_unit_test(test_walk_after_mremap_move_alone),
		cmocka_unit_test(test_walk_after_move_and_back),
		cmocka_unit_test(test_walk_after_munmap_middle),
		cmocka_unit_test(test_walk_after_mprotect_split),
		cmocka_unit_test(test_walk_after_parent_exit),
		cmocka_unit_test(test_walk_after_middle_exit),
		cmocka_unit_test(test_walk_file_folio_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
