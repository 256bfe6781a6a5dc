// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm.max_map_count, as Linux 6.18 applies it. Each call that may add VMAs
 * checks the count its own way, and the differences are visible:
 *   do_mmap()                 refuses when map_count >  max (so max + 1 VMAs)
 *   split_vma() (mprotect,    refuses when map_count >= max
 *   madvise)
 *   munmap punching a hole    refuses when map_count >= max; trimming an end
 *                             is let through
 *   mremap move               refuses when map_count + 5 >= max
 * A refused call changes nothing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <anonrmap/anonrmap.h>

#define B 0x100000000000ULL
#define PAGE 4096ULL
#define RW (ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE)
#define LIMIT 10

static int count_one(const struct anonrmap_vma_info *vma, void *arg)
{
	(void)vma;
	++*(int *)arg;
	return 0;
}

static int nr_vmas(struct anonrmap_mm *mm)
{
	int n = 0;

	assert_int_equal(anonrmap_vma_foreach(mm, count_one, &n), 0);
	return n;
}

/* @n separate 4-page VMAs, each written, with a 4-page hole after each. */
static struct anonrmap_world *layout(int n, struct anonrmap_mm **mm)
{
	struct anonrmap_config cfg;
	struct anonrmap_world *w;

	anonrmap_config_init(&cfg);
	cfg.max_map_count = LIMIT;
	assert_int_equal(anonrmap_world_create(&cfg, &w, mm), 0);
	for (int i = 0; i < n; i++) {
		assert_int_equal(anonrmap_mmap(*mm, B + i * 8 * PAGE, 4 * PAGE, RW, NULL, 0), 0);
		assert_int_equal(anonrmap_touch(*mm, B + i * 8 * PAGE, 4 * PAGE, true), 0);
	}
	assert_int_equal(nr_vmas(*mm), n);
	return w;
}

static void test_mmap_allows_one_past(void **state)
{
	struct anonrmap_mm *mm;
	struct anonrmap_world *w = layout(LIMIT, &mm);

	(void)state;
	assert_int_equal(anonrmap_mmap(mm, B + 100 * 8 * PAGE, PAGE, RW, NULL, 0), 0);
	assert_int_equal(nr_vmas(mm), LIMIT + 1);
	/* even a mapping that would merge into its neighbour is refused */
	assert_int_equal(anonrmap_mmap(mm, B + 4 * PAGE, PAGE, RW, NULL, 0), -ENOMEM);
	assert_int_equal(anonrmap_mmap(mm, B + 200 * 8 * PAGE, PAGE, RW, NULL, 0), -ENOMEM);
	assert_int_equal(nr_vmas(mm), LIMIT + 1);
	anonrmap_world_destroy(w);
}

static void test_split_at_limit(void **state)
{
	struct anonrmap_mm *mm;
	struct anonrmap_world *w = layout(LIMIT - 1, &mm);

	(void)state;
	/* one below: a split to LIMIT works, the next one does not */
	assert_int_equal(anonrmap_mprotect(mm, B, PAGE, ANONRMAP_PROT_READ), 0);
	assert_int_equal(nr_vmas(mm), LIMIT);
	assert_int_equal(anonrmap_mprotect(mm, B + 8 * PAGE, PAGE, ANONRMAP_PROT_READ), -ENOMEM);
	assert_int_equal(anonrmap_madvise(mm, B + 8 * PAGE, PAGE, ANONRMAP_MADV_DONTFORK),
			 -ENOMEM);
	/* a change that needs no split still works */
	assert_int_equal(anonrmap_mprotect(mm, B + 8 * PAGE, 4 * PAGE, ANONRMAP_PROT_READ), 0);
	assert_int_equal(nr_vmas(mm), LIMIT);
	assert_int_equal(anonrmap_check(w, NULL, NULL), 0);
	anonrmap_world_destroy(w);
}

static void test_munmap_hole_refused_trim_allowed(void **state)
{
	struct anonrmap_mm *mm;
	struct anonrmap_world *w = layout(LIMIT, &mm);
	struct anonrmap_page_info pi;

	(void)state;
	assert_int_equal(anonrmap_munmap(mm, B + PAGE, PAGE), -ENOMEM);
	assert_int_equal(anonrmap_page(mm, B + PAGE, &pi), 0);
	assert_int_equal(pi.kind, ANONRMAP_PAGE_ANON);
	/* trimming an end splits too, but adds no VMA */
	assert_int_equal(anonrmap_munmap(mm, B + 3 * PAGE, PAGE), 0);
	assert_int_equal(anonrmap_munmap(mm, B + 8 * PAGE, PAGE), 0);
	assert_int_equal(nr_vmas(mm), LIMIT);
	assert_int_equal(anonrmap_check(w, NULL, NULL), 0);
	anonrmap_world_destroy(w);
}

static void test_mremap_move_needs_room(void **state)
{
	struct anonrmap_mm *mm;
	struct anonrmap_world *w = layout(LIMIT - 5, &mm);
	struct anonrmap_world *w2;
	const int flags = ANONRMAP_MREMAP_MAYMOVE | ANONRMAP_MREMAP_FIXED;

	(void)state;
	/* map_count + 5 >= max: refused though the move would add nothing */
	assert_int_equal(anonrmap_mremap(mm, B, 4 * PAGE, 4 * PAGE, flags, B + 1000 * PAGE),
			 -ENOMEM);
	assert_int_equal(nr_vmas(mm), LIMIT - 5);
	anonrmap_world_destroy(w);
	w2 = layout(LIMIT - 6, &mm);
	assert_int_equal(anonrmap_mremap(mm, B, 4 * PAGE, 4 * PAGE, flags, B + 1000 * PAGE), 0);
	assert_int_equal(nr_vmas(mm), LIMIT - 6);
	assert_int_equal(anonrmap_check(w2, NULL, NULL), 0);
	anonrmap_world_destroy(w2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmap_allows_one_past),
		cmocka_unit_test(test_split_at_limit),
		cmocka_unit_test(test_munmap_hole_refused_trim_allowed),
		cmocka_unit_test(test_mremap_move_needs_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
