// SPDX-License-Identifier: GPL-2.0-only
/*
 * The invariant checker must notice each kind of damage it exists for; a
 * checker that never fires would make every other test's "no violations"
 * worthless. Each test builds a small healthy world, damages one thing the
 * way a buggy rmap design would, and expects a report about exactly that.
 *
 *   P0:  [0x100000000000, +16K) rw-, pages 0 and 1 written
 *   C:   fork of P0 (shares both pages; own anon_vma, chain of two)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <anonrmap/anonrmap.h>

#include "mm/internal.h"
#include "mm/world.h"
#include "mm/interval_tree.h"

#define BASE 0x100000000000UL

struct fixture {
	struct anonrmap_world *world;
	struct anonrmap_mm *p0, *child;
	char last[512];
	int reports;
	const char *want;
	bool matched;
};

/* The page tables are written under their lock, even by a test that damages them. */
#define UNDER_PTL(mm, stmt)                                  \
	do {                                                 \
		spin_lock(&(mm)->page_table_lock);           \
		stmt;                                        \
		spin_unlock(&(mm)->page_table_lock);         \
	} while (0)

static void collect(const char *msg, void *arg)
{
	struct fixture *f = arg;

	f->reports++;
	snprintf(f->last, sizeof(f->last), "%s", msg);
	if (f->want && strstr(msg, f->want))
		f->matched = true;
}

static int setup(void **state)
{
	static struct fixture f;
	struct anonrmap_config cfg;

	memset(&f, 0, sizeof(f));
	anonrmap_config_init(&cfg);
	cfg.zero_page = false;
	assert_int_equal(anonrmap_world_create(&cfg, &f.world, &f.p0), 0);
	assert_int_equal(anonrmap_mmap(f.p0, BASE, 16384, ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE,
				       NULL, 0), 0);
	assert_int_equal(anonrmap_touch(f.p0, BASE, 8192, true), 0);
	assert_int_equal(anonrmap_fork(f.p0, &f.child), 0);
	assert_int_equal(anonrmap_check(f.world, collect, &f), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	anonrmap_world_destroy(f->world);
	return 0;
}

static struct vm_area_struct *child_vma(struct fixture *f)
{
	return vma_first((struct mm_struct *)f->child);
}

/* Expect violations, one of them mentioning @fragment. */
static void expect_report(struct fixture *f, const char *fragment)
{
	f->reports = 0;
	f->last[0] = '\0';
	f->want = fragment;
	f->matched = false;
	assert_true(anonrmap_check(f->world, collect, f) > 0);
	assert_true(f->matched);
}

/* An AVC missing from its anon_vma's tree hides the VMA from every walk. */
static void test_avc_missing_from_tree(void **state)
{
	struct fixture *f = *state;
	struct vm_area_struct *vma = child_vma(f);
	struct anon_vma_chain *avc = list_last_entry(&vma->anon_vma_chain,
						     struct anon_vma_chain, same_vma);

	anon_vma_interval_tree_remove(avc, &avc->anon_vma->rb_root);
	expect_report(f, "link missing from its anon_vma's tree");
	/* put it back so teardown unlinks cleanly */
	anon_vma_interval_tree_insert(avc, &avc->anon_vma->rb_root);
	assert_int_equal(anonrmap_check(f->world, NULL, NULL), 0);
}

/* The 2022 bug class: a counter that no longer matches the structure. */
static void test_num_active_vmas_wrong(void **state)
{
	struct fixture *f = *state;
	struct anon_vma *av = child_vma(f)->anon_vma;

	av->num_active_vmas++;
	expect_report(f, "num_active_vmas");
	av->num_active_vmas--;
}

static void test_num_children_wrong(void **state)
{
	struct fixture *f = *state;
	struct anon_vma *root = child_vma(f)->anon_vma->root;

	root->num_children = 1;	/* self-link plus the child's anon_vma makes 2 */
	expect_report(f, "num_children");
	root->num_children = 2;
}

/* A folio pointing at an anon_vma its mapper is not linked to is lost. */
static void test_folio_lost_from_rmap(void **state)
{
	struct fixture *f = *state;
	struct anonrmap_page_info info;
	struct folio *folio;
	unsigned long saved;

	assert_int_equal(anonrmap_page(f->p0, BASE, &info), 0);
	folio = (struct folio *)info.folio;
	saved = folio->mapping;
	/* the child's own anon_vma: P0's VMA is not in its tree */
	folio->mapping = (unsigned long)child_vma(f)->anon_vma | FOLIO_MAPPING_ANON;
	expect_report(f, "rmap: mm 0 100000000000");
	folio->mapping = saved;
	assert_int_equal(anonrmap_check(f->world, NULL, NULL), 0);
}

static void test_mapcount_wrong(void **state)
{
	struct fixture *f = *state;
	struct anonrmap_page_info info;

	assert_int_equal(anonrmap_page(f->child, BASE + 4096, &info), 0);
	((struct folio *)info.folio)->mapcount++;
	expect_report(f, "mapcount 3, but 2 PTEs map it");
	((struct folio *)info.folio)->mapcount--;
}

/*
 * A CoW bug that leaves both processes writing one page: the child's PTE
 * made writable with the folio still mapped by P0, and the model's own
 * anon_exclusive flag set as a buggy fork or reuse would set it. The
 * checker must see the sharing by recounting PTEs, not by the flag.
 */
static void test_writable_shared_page(void **state)
{
	struct fixture *f = *state;
	struct mm_struct *mm = (struct mm_struct *)f->child;
	struct anonrmap_page_info info;
	struct folio *folio;

	assert_int_equal(anonrmap_page(f->child, BASE, &info), 0);
	folio = (struct folio *)info.folio;
	folio->anon_exclusive = true;
	UNDER_PTL(mm, set_pte(mm, BASE, mk_pte(folio, true)));
	expect_report(f, "is writable but 2 PTEs map its folio");
	UNDER_PTL(mm, set_pte(mm, BASE, mk_pte(folio, false)));
	expect_report(f, "marked exclusive but 2 PTEs map it");
	folio->anon_exclusive = false;
	assert_int_equal(anonrmap_check(f->world, NULL, NULL), 0);
}

/* The zero page and the page cache are never mapped writable. */
static void test_writable_zero_page(void **state)
{
	struct fixture *f = *state;
	struct mm_struct *mm = (struct mm_struct *)f->p0;
	struct world *w = (struct world *)f->world;

	/* page 3 of P0 is unfaulted; map the zero page there writable */
	spin_lock(&mm->page_table_lock);
	assert_non_null(pte_alloc(mm, BASE + 3 * 4096));
	spin_unlock(&mm->page_table_lock);
	UNDER_PTL(mm, set_pte(mm, BASE + 3 * 4096, mk_pte(w->zero_folio, true)));
	expect_report(f, "maps a zero page writable");
	UNDER_PTL(mm, pte_clear(mm, BASE + 3 * 4096));
	assert_int_equal(anonrmap_check(f->world, NULL, NULL), 0);
}

/* A PMD-mapped THP that lost a page, as a zap that forgot to split would leave it. */
static void test_thp_damaged(void **state)
{
	struct fixture *f = *state;
	struct mm_struct *mm = (struct mm_struct *)f->p0;
	unsigned long huge = BASE + (64UL << 20);
	struct folio *folio;

	assert_int_equal(anonrmap_mmap(f->p0, huge, 2UL << 20, ANONRMAP_PROT_READ |
				       ANONRMAP_PROT_WRITE, NULL, 0), 0);
	assert_int_equal(anonrmap_madvise(f->p0, huge, 2UL << 20, ANONRMAP_MADV_HUGEPAGE), 0);
	assert_int_equal(anonrmap_touch(f->p0, huge, 4096, true), 0);
	assert_true(pmd_trans_huge(mm, huge));
	assert_int_equal(anonrmap_check(f->world, collect, f), 0);

	folio = pte_folio(*pte_lookup(mm, huge + 4096));
	UNDER_PTL(mm, pte_clear(mm, huge + 4096));
	expect_report(f, "THP at 100004000000 maps 0 zero and 511 anonymous pages of 512");
	UNDER_PTL(mm, set_pte(mm, huge + 4096, mk_pte(folio, true)));
	assert_int_equal(anonrmap_check(f->world, NULL, NULL), 0);
}

/* An object nothing reaches is a leak even if every reachable one is fine. */
static void test_leaked_avc(void **state)
{
	struct fixture *f = *state;
	struct world *w = (struct world *)f->world;
	void *avc = kmem_cache_alloc(&w->caches[CACHE_AVC]);

	expect_report(f, "anon_vma_chain leak: 4 live, 3 on chains");
	kmem_cache_free(&w->caches[CACHE_AVC], avc);
}

static void test_healthy_world_after_exits(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(anonrmap_exit(f->p0), 0);
	assert_int_equal(anonrmap_check(f->world, collect, f), 0);
	assert_int_equal(anonrmap_touch(f->child, BASE, 16384, true), 0);
	assert_int_equal(anonrmap_check(f->world, collect, f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_avc_missing_from_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_num_active_vmas_wrong, setup, teardown),
		cmocka_unit_test_setup_teardown(test_num_children_wrong, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folio_lost_from_rmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mapcount_wrong, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leaked_avc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writable_shared_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writable_zero_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thp_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_healthy_world_after_exits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
