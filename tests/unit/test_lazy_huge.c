// SPDX-License-Identifier: GPL-2.0-only
/*
 * ANON_VMA_LAZY patch 11 (a lazy VMA is upgraded to a regular anon_vma
 * before a fault that may map a PMD) and the large folios it leaves out, run
 * in classic and lazy with the checker after every step. Classic stays
 * clean; lazy must show findings 9 and 10 of docs/findings.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <anonrmap/anonrmap.h>

#include "mm/internal.h"
#include "mm/lazy_rmap.h"

#define PG 4096UL
#define HUGE (2UL << 20)
#define B 0x100000200000UL	/* 2 MiB aligned */
#define RW (ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE)

struct t {
	const char *mode;
	struct anonrmap_world *world;
	struct anonrmap_mm *p0;
	char msgs[8192];
	int nr;
};

static void collect(const char *msg, void *arg)
{
	struct t *t = arg;
	size_t len = strlen(t->msgs);

	t->nr++;
	snprintf(t->msgs + len, sizeof(t->msgs) - len, "%s\n", msg);
}

static bool lazy(const struct t *t)
{
	return !strcmp(t->mode, "lazy");
}

/* zero page and huge zero page as asked, THP on madvise, mTHP 64K as asked */
static void start(struct t *t, const char *mode, bool zero_page, enum anonrmap_mthp m64k)
{
	struct anonrmap_config cfg;

	memset(t, 0, sizeof(*t));
	t->mode = mode;
	anonrmap_config_init(&cfg);
	cfg.mode = mode;
	cfg.zero_page = zero_page;
	cfg.huge_zero_page = zero_page;
	cfg.thp = ANONRMAP_THP_MADVISE;
	cfg.mthp[4] = m64k;
	assert_int_equal(anonrmap_world_create(&cfg, &t->world, &t->p0), 0);
}

static int run_check(struct t *t)
{
	t->msgs[0] = '\0';
	t->nr = 0;
	return anonrmap_check(t->world, collect, t);
}

static void clean(struct t *t)
{
	int n = run_check(t);

	if (n)
		print_error("%s: unexpected violations:\n%s", t->mode, t->msgs);
	assert_int_equal(n, 0);
}

#define STEP(t, op) do { assert_int_equal((op), 0); clean(t); } while (0)

/* Classic clean; lazy reports @fragment. */
static void lazy_reports(struct t *t, const char *fragment)
{
	if (!lazy(t)) {
		clean(t);
		return;
	}
	assert_true(run_check(t) > 0);
	if (!strstr(t->msgs, fragment))
		print_error("missing \"%s\" in:\n%s", fragment, t->msgs);
	assert_non_null(strstr(t->msgs, fragment));
}

static struct vm_area_struct *vma_at(struct anonrmap_mm *mm, unsigned long addr)
{
	return vma_lookup((struct mm_struct *)mm, addr);
}

static struct folio *folio_at(struct anonrmap_mm *mm, unsigned long addr)
{
	struct anonrmap_page_info pi;

	assert_int_equal(anonrmap_page(mm, addr, &pi), 0);
	assert_int_equal(pi.kind, ANONRMAP_PAGE_ANON);
	return (struct folio *)pi.folio;
}

static const char *const modes[] = { "classic", "lazy" };

/*
 * Patch 11 as posted: a lazy VMA meets a PMD fault and is upgraded; a VMA
 * without state gets a regular anon_vma at once. Its small folios from
 * before keep naming it lazily, which resolves while it stays.
 */
static void pmd_fault_upgrades(const char *mode)
{
	struct t t;
	struct vm_area_struct *vma;

	start(&t, mode, false, ANONRMAP_MTHP_NEVER);
	STEP(&t, anonrmap_mmap(t.p0, B, 2 * HUGE, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, B, PG, true));
	vma = vma_at(t.p0, B);
	if (lazy(&t))
		assert_true(anon_vma_tree_is_vma(vma->rmap_state));
	STEP(&t, anonrmap_madvise(t.p0, B, 2 * HUGE, ANONRMAP_MADV_HUGEPAGE));
	STEP(&t, anonrmap_touch(t.p0, B + HUGE, PG, true));
	assert_int_equal(anon_vma_tree_type(vma->rmap_state), ANON_VMA_TREE_REGULAR);
	assert_false(folio_test_anon_vma_lazy(folio_at(t.p0, B + HUGE)));
	if (lazy(&t)) {
		assert_true(folio_test_anon_vma_lazy(folio_at(t.p0, B)));
		/* the mm's reference only: the upgrade dropped the root's pin on itself */
		assert_int_equal(refcount_read(&vma->vm_lazy_refs), 1);
	}
	STEP(&t, anonrmap_migrate(t.p0, B, PG));

	/* a fresh VMA whose first fault is a PMD fault is regular from the start */
	STEP(&t, anonrmap_mmap(t.p0, B + 4 * HUGE, HUGE, RW, NULL, 0));
	STEP(&t, anonrmap_madvise(t.p0, B + 4 * HUGE, HUGE, ANONRMAP_MADV_HUGEPAGE));
	STEP(&t, anonrmap_touch(t.p0, B + 4 * HUGE, PG, true));
	assert_int_equal(anon_vma_tree_type(vma_at(t.p0, B + 4 * HUGE)->rmap_state),
			 ANON_VMA_TREE_REGULAR);
	anonrmap_world_destroy(t.world);
}

/*
 * Finding 9. The upgrade of a piece split off a lazy root drops the piece's
 * pin on the root, and rewrites none of the piece's folios, which keep
 * naming the root. Unmapping the root then frees it under them.
 */
static void piece_upgrade_frees_root(const char *mode)
{
	struct t t;
	struct vm_area_struct *root, *piece;
	struct folio *folio;

	start(&t, mode, false, ANONRMAP_MTHP_NEVER);
	STEP(&t, anonrmap_mmap(t.p0, B - 2 * PG, HUGE + 4 * PG, RW, NULL, 0));
	STEP(&t, anonrmap_madvise(t.p0, B - 2 * PG, HUGE + 4 * PG, ANONRMAP_MADV_HUGEPAGE));
	/* its PMD is not inside the VMA: a small folio */
	STEP(&t, anonrmap_touch(t.p0, B + HUGE, PG, true));
	folio = folio_at(t.p0, B + HUGE);
	STEP(&t, anonrmap_mprotect(t.p0, B - 2 * PG, 2 * PG, ANONRMAP_PROT_READ));
	root = vma_at(t.p0, B - 2 * PG);
	piece = vma_at(t.p0, B);
	if (lazy(&t)) {
		assert_ptr_equal(folio_lazy_root(folio), root);
		assert_ptr_equal(anon_vma_tree_vma(piece->rmap_state), root);
		/* its mm, itself, the piece */
		assert_int_equal(refcount_read(&root->vm_lazy_refs), 3);
	}
	STEP(&t, anonrmap_touch(t.p0, B, PG, true));	/* PMD fault in the piece */
	if (lazy(&t)) {
		assert_int_equal(anon_vma_tree_type(piece->rmap_state), ANON_VMA_TREE_REGULAR);
		assert_int_equal(refcount_read(&root->vm_lazy_refs), 2);
		assert_ptr_equal(folio_lazy_root(folio), root);
	}
	assert_int_equal(anonrmap_munmap(t.p0, B - 2 * PG, 2 * PG), 0);
	lazy_reports(&t, "mapping names a freed VMA");
	anonrmap_world_destroy(t.world);
}

/*
 * Finding 10. An mTHP fault allocates its page table before it prepares
 * the anon rmap, so patch 11's test (an empty PMD) never holds: a 64K folio
 * is mapped in a lazy VMA and named through it, and splitting it would
 * need a write lock the lazy rmap does not have.
 */
static void mthp_in_lazy_vma(const char *mode)
{
	struct t t;

	start(&t, mode, false, ANONRMAP_MTHP_ALWAYS);
	STEP(&t, anonrmap_mmap(t.p0, B, 64 * 1024, RW, NULL, 0));
	assert_int_equal(anonrmap_touch(t.p0, B, PG, true), 0);
	if (lazy(&t))
		assert_true(folio_test_anon_vma_lazy(folio_at(t.p0, B)));
	lazy_reports(&t, "an order-4 folio named through a lazy VMA");
	anonrmap_world_destroy(t.world);
}

/*
 * Finding 10 with a THP. A read fault maps the huge zero page after
 * patch 11 gave the VMA a regular anon_vma; the fork child's VMA is
 * PARENT, lazy, and copies the huge zero PMD; the child's write replaces it
 * with a THP (do_huge_zero_wp_pmd(), which prepares nothing) named through
 * the child's VMA.
 */
static void huge_zero_cow_in_parent_vma(const char *mode)
{
	struct t t;
	struct anonrmap_mm *c;

	start(&t, mode, true, ANONRMAP_MTHP_NEVER);
	STEP(&t, anonrmap_mmap(t.p0, B, HUGE, RW, NULL, 0));
	STEP(&t, anonrmap_madvise(t.p0, B, HUGE, ANONRMAP_MADV_HUGEPAGE));
	STEP(&t, anonrmap_touch(t.p0, B, PG, false));
	STEP(&t, anonrmap_fork(t.p0, &c));
	if (lazy(&t))
		assert_true(anon_vma_tree_is_parent(vma_at(c, B)->rmap_state));
	assert_int_equal(anonrmap_touch(c, B, PG, true), 0);
	lazy_reports(&t, "an order-9 folio named through a lazy VMA");
	anonrmap_world_destroy(t.world);
}

#define BOTH(fn)							\
	static void test_##fn(void **state)				\
	{								\
		(void)state;						\
		for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) \
			fn(modes[i]);					\
	}
BOTH(pmd_fault_upgrades)
BOTH(piece_upgrade_frees_root)
BOTH(mthp_in_lazy_vma)
BOTH(huge_zero_cow_in_parent_vma)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pmd_fault_upgrades),
		cmocka_unit_test(test_piece_upgrade_frees_root),
		cmocka_unit_test(test_mthp_in_lazy_vma),
		cmocka_unit_test(test_huge_zero_cow_in_parent_vma),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
