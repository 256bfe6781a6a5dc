// SPDX-License-Identifier: GPL-2.0-only
/*
 * The failure-injection API by itself: fail-nth counts from the moment it
 * is armed, fires exactly once, counts only its site when given one, and a
 * bad site name changes nothing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <anonrmap/anonrmap.h>

#define A 0x100000000000ULL
#define PG 4096ULL
#define RW (ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE)

static struct anonrmap_world *make(struct anonrmap_config *cfg, struct anonrmap_mm **p0)
{
	struct anonrmap_world *w;

	assert_int_equal(anonrmap_world_create(cfg, &w, p0), 0);
	return w;
}

static void test_sites_listed_once(void **state)
{
	unsigned int nr;
	const char *const *sites = anonrmap_fault_sites(&nr);

	(void)state;
	assert_true(nr >= 11);
	for (unsigned int i = 0; i < nr; i++)
		for (unsigned int j = i + 1; j < nr; j++)
			assert_string_not_equal(sites[i], sites[j]);
}

static void test_unknown_site(void **state)
{
	struct anonrmap_config cfg;
	struct anonrmap_world *w;
	struct anonrmap_mm *p0;

	(void)state;
	anonrmap_config_init(&cfg);
	cfg.fail_site = "no_such_cache";
	cfg.fail_nth = 1;
	w = (struct anonrmap_world *)&cfg;	/* must stay untouched */
	assert_int_equal(anonrmap_world_create(&cfg, &w, &p0), -EINVAL);
	assert_ptr_equal(w, (struct anonrmap_world *)&cfg);

	w = make(NULL, &p0);
	assert_int_equal(anonrmap_fail_nth(w, "no_such_cache", 1), -EINVAL);
	/* not armed by the refused call: the mmap's VMA allocation succeeds */
	assert_int_equal(anonrmap_mmap(p0, A, PG, RW, NULL, 0), 0);
	assert_int_equal(anonrmap_fault_calls(w, "no_such_cache"), 0);
	anonrmap_world_destroy(w);
}

static void test_nth_fires_once(void **state)
{
	struct anonrmap_world *w;
	struct anonrmap_mm *p0;
	unsigned long vmas;

	(void)state;
	w = make(NULL, &p0);
	vmas = anonrmap_fault_calls(w, "vm_area_struct");
	assert_int_equal(anonrmap_fail_nth(w, "vm_area_struct", 2), 0);
	assert_int_equal(anonrmap_mmap(p0, A, PG, RW, NULL, 0), 0);
	assert_int_equal(anonrmap_mmap(p0, A + 4 * PG, PG, RW, NULL, 0), -ENOMEM);
	assert_int_equal(anonrmap_mmap(p0, A + 4 * PG, PG, RW, NULL, 0), 0);
	assert_int_equal(anonrmap_fault_calls(w, "vm_area_struct"), vmas + 3);
	assert_int_equal(anonrmap_fault_injected(w, "vm_area_struct"), 1);
	assert_int_equal(anonrmap_fault_injected(w, NULL), 1);
	assert_int_equal(anonrmap_check(w, NULL, NULL), 0);
	anonrmap_world_destroy(w);
}

/* A site-restricted count ignores the other sites' allocations. */
static void test_site_counts_only_its_own(void **state)
{
	struct anonrmap_config cfg;
	struct anonrmap_world *w;
	struct anonrmap_mm *p0;
	struct anonrmap_page_info p;

	(void)state;
	anonrmap_config_init(&cfg);
	cfg.zero_page = false;
	cfg.fail_site = "folio";
	cfg.fail_nth = 2;
	w = make(&cfg, &p0);
	assert_int_equal(anonrmap_mmap(p0, A, 4 * PG, RW, NULL, 0), 0);
	/* VMA, page tables, AVC and anon_vma come and go uncounted by nth */
	assert_int_equal(anonrmap_touch(p0, A, 4 * PG, true), -ENOMEM);
	assert_int_equal(anonrmap_page(p0, A, &p), 0);
	assert_int_equal(p.kind, ANONRMAP_PAGE_ANON);
	assert_int_equal(anonrmap_page(p0, A + PG, &p), 0);
	assert_int_equal(p.kind, ANONRMAP_PAGE_NONE);
	assert_int_equal(anonrmap_touch(p0, A + PG, 3 * PG, true), 0);
	assert_int_equal(anonrmap_fault_injected(w, "folio"), 1);
	assert_int_equal(anonrmap_fault_injected(w, "anon_vma"), 0);
	assert_int_equal(anonrmap_check(w, NULL, NULL), 0);
	anonrmap_world_destroy(w);
}

/* Disarming with 0 means nothing fails however many allocations follow. */
static void test_disarm(void **state)
{
	struct anonrmap_world *w;
	struct anonrmap_mm *p0, *c;

	(void)state;
	w = make(NULL, &p0);
	assert_int_equal(anonrmap_fail_nth(w, NULL, 1), 0);
	assert_int_equal(anonrmap_fail_nth(w, NULL, 0), 0);
	assert_int_equal(anonrmap_mmap(p0, A, 8 * PG, RW, NULL, 0), 0);
	assert_int_equal(anonrmap_touch(p0, A, 8 * PG, true), 0);
	assert_int_equal(anonrmap_fork(p0, &c), 0);
	assert_int_equal(anonrmap_fault_injected(w, NULL), 0);
	anonrmap_world_destroy(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sites_listed_once),
		cmocka_unit_test(test_unknown_site),
		cmocka_unit_test(test_nth_fires_once),
		cmocka_unit_test(test_site_counts_only_its_own),
		cmocka_unit_test(test_disarm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
