// SPDX-License-Identifier: GPL-2.0-only
/*
 * Calls the kernel refuses must fail through the public API with the
 * kernel's errno and leave the world as it was: same VMAs, same pages, no
 * slab object allocated or freed, and a clean invariant check. A refusal
 * that half-applies would make every later comparison with Linux drift.
 *
 * Only <anonrmap/anonrmap.h> is used, as an application would.
 *
 * Every test starts from this layout in P0 (zero page off):
 *
 *   A   [B,        B+16K)   rw- anon, pages 0 and 1 written
 *   A2  [B+16K,    B+32K)   r-- anon, adjacent to A, unmerged (prot differs)
 *   F   [B+1M,     B+1M+16K) rw- private mapping of a 16K file, page 0 read
 *   D   [B+3M,     B+3M+16K) rw- anon, untouched
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <anonrmap/anonrmap.h>

#define B 0x100000000000ULL
#define K 1024ULL
#define M (1024ULL * K)
#define PAGE (4 * K)
#define RW (ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE)
#define RO ANONRMAP_PROT_READ

#define MAX_VMAS 32
#define MAX_PAGES 256
#define NR_CACHES 4

struct vma_state {
	unsigned int mm;
	struct anonrmap_vma_info info;
};

struct page_state {
	unsigned int mm;
	uint64_t addr;
	struct anonrmap_page_info info;
};

/* Everything a failed call could have touched, as the API shows it. */
struct snapshot {
	int nr_vmas, nr_pages;
	struct vma_state vmas[MAX_VMAS];
	struct page_state pages[MAX_PAGES];
	struct anonrmap_slab_stats slab[NR_CACHES];
};

struct fixture {
	struct anonrmap_world *world;
	struct anonrmap_mm *p0;
	struct anonrmap_file *file;
	struct snapshot before, after;
};

struct collect_arg {
	struct snapshot *s;
	unsigned int mm;
};

static int collect_vma(const struct anonrmap_vma_info *vma, void *p)
{
	struct collect_arg *a = p;

	if (a->s->nr_vmas >= MAX_VMAS)
		return -ENOSPC;
	a->s->vmas[a->s->nr_vmas++] = (struct vma_state){ a->mm, *vma };
	return 0;
}

static void take_snapshot(struct anonrmap_world *world, struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	for (struct anonrmap_mm *mm = anonrmap_mm_first(world); mm; mm = anonrmap_mm_next(mm)) {
		struct collect_arg a = { s, anonrmap_mm_id(mm) };
		int first = s->nr_vmas;

		assert_int_equal(anonrmap_vma_foreach(mm, collect_vma, &a), 0);
		for (int i = first; i < s->nr_vmas; i++) {
			for (uint64_t addr = s->vmas[i].info.start; addr < s->vmas[i].info.end;
			     addr += PAGE) {
				struct page_state *p = &s->pages[s->nr_pages++];

				assert_true(s->nr_pages <= MAX_PAGES);
				p->mm = a.mm;
				p->addr = addr;
				assert_int_equal(anonrmap_page(mm, addr, &p->info), 0);
			}
		}
	}
	for (int c = 0; c < NR_CACHES; c++)
		assert_int_equal(anonrmap_slab_stats(world, (enum anonrmap_cache)c, &s->slab[c]), 0);
}

/* Field by field: the structs have padding, so memcmp() would be wrong. */
static bool same_snapshot(const struct snapshot *a, const struct snapshot *b)
{
	bool same = a->nr_vmas == b->nr_vmas && a->nr_pages == b->nr_pages;

	if (!same) {
		print_error("%d VMAs and %d pages became %d and %d\n",
			    a->nr_vmas, a->nr_pages, b->nr_vmas, b->nr_pages);
		return false;
	}
	for (int i = 0; i < a->nr_vmas; i++) {
		const struct vma_state *x = &a->vmas[i], *y = &b->vmas[i];

		if (x->mm != y->mm || x->info.start != y->info.start ||
		    x->info.end != y->info.end || x->info.pgoff != y->info.pgoff ||
		    x->info.prot != y->info.prot || x->info.vm_flags != y->info.vm_flags ||
		    x->info.file != y->info.file || x->info.has_anon_rmap != y->info.has_anon_rmap) {
			print_error("P%u VMA %#llx-%#llx flags %#lx changed\n", x->mm,
				    (unsigned long long)x->info.start,
				    (unsigned long long)x->info.end, x->info.vm_flags);
			same = false;
		}
	}
	for (int i = 0; i < a->nr_pages; i++) {
		const struct page_state *x = &a->pages[i], *y = &b->pages[i];

		if (x->mm != y->mm || x->addr != y->addr || x->info.kind != y->info.kind ||
		    x->info.folio != y->info.folio || x->info.writable != y->info.writable ||
		    x->info.mapcount != y->info.mapcount || x->info.index != y->info.index) {
			print_error("P%u page %#llx changed\n", x->mm, (unsigned long long)x->addr);
			same = false;
		}
	}
	for (int c = 0; c < NR_CACHES; c++) {
		const struct anonrmap_slab_stats *x = &a->slab[c], *y = &b->slab[c];

		/* allocs and frees too: a refusal must not even churn objects */
		if (x->live != y->live || x->allocs != y->allocs || x->frees != y->frees) {
			print_error("%s: live %ld allocs %ld frees %ld became %ld %ld %ld\n",
				    x->name, x->live, x->allocs, x->frees,
				    y->live, y->allocs, y->frees);
			same = false;
		}
	}
	return same;
}

static void report(const char *violation, void *arg)
{
	print_error("violation: %s\n", violation);
}

/* A macro, so that a failure names the line of the call that changed things. */
#define assert_nothing_changed(f)                                        \
	do {                                                             \
		take_snapshot((f)->world, &(f)->after);                  \
		assert_true(same_snapshot(&(f)->before, &(f)->after));   \
		assert_int_equal(anonrmap_check((f)->world, report, NULL), 0); \
	} while (0)

static int setup(void **state)
{
	static struct fixture f;
	struct anonrmap_config cfg;

	memset(&f, 0, sizeof(f));
	anonrmap_config_init(&cfg);
	cfg.zero_page = false;
	assert_int_equal(anonrmap_world_create(&cfg, &f.world, &f.p0), 0);
	assert_int_equal(anonrmap_mmap(f.p0, B, 16 * K, RW, NULL, 0), 0);
	assert_int_equal(anonrmap_touch(f.p0, B, 2 * PAGE, true), 0);
	assert_int_equal(anonrmap_mmap(f.p0, B + 16 * K, 16 * K, RO, NULL, 0), 0);
	assert_int_equal(anonrmap_file_create(f.world, 16 * K, &f.file), 0);
	assert_int_equal(anonrmap_mmap(f.p0, B + M, 16 * K, RW, f.file, 0), 0);
	assert_int_equal(anonrmap_touch(f.p0, B + M, PAGE, false), 0);
	assert_int_equal(anonrmap_mmap(f.p0, B + 3 * M, 16 * K, RW, NULL, 0), 0);
	take_snapshot(f.world, &f.before);
	assert_int_equal(f.before.nr_vmas, 4);
	assert_int_equal(anonrmap_check(f.world, report, NULL), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	anonrmap_world_destroy(f->world);
	return 0;
}

/* MAP_FIXED_NOREPLACE: any overlap with a mapping is -EEXIST. */
static void test_mmap_over_mapping(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(anonrmap_mmap(f->p0, B, 16 * K, RW, NULL, 0), -EEXIST);
	assert_nothing_changed(f);
	/* overlapping only the last page of A2, and a hole after it */
	assert_int_equal(anonrmap_mmap(f->p0, B + 28 * K, 16 * K, RW, NULL, 0), -EEXIST);
	assert_nothing_changed(f);
	/* starting in the hole before A */
	assert_int_equal(anonrmap_mmap(f->p0, B - PAGE, 2 * PAGE, RW, NULL, 0), -EEXIST);
	assert_nothing_changed(f);
	/* wholly containing F */
	assert_int_equal(anonrmap_mmap(f->p0, B + M - PAGE, 32 * K, RW, NULL, 0), -EEXIST);
	assert_nothing_changed(f);
	assert_int_equal(anonrmap_mmap(f->p0, B + 3 * M + PAGE, PAGE, RO, f->file, 0), -EEXIST);
	assert_nothing_changed(f);
}

/* mprotect() checks that the start is mapped before it changes anything. */
static void test_mprotect_hole(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(anonrmap_mprotect(f->p0, B + 2 * M, PAGE, RO), -ENOMEM);
	assert_nothing_changed(f);
	/* a hole at the start refuses the whole call, A included */
	assert_int_equal(anonrmap_mprotect(f->p0, B - PAGE, 2 * PAGE, RO), -ENOMEM);
	assert_nothing_changed(f);
}

/* munmap() of nothing succeeds: POSIX lets an unmapped range be unmapped. */
static void test_munmap_hole(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(anonrmap_munmap(f->p0, B + 2 * M, 64 * K), 0);
	assert_nothing_changed(f);
	assert_int_equal(anonrmap_munmap(f->p0, B + 32 * K, M - 32 * K), 0);
	assert_nothing_changed(f);
}

/*
 * Resizing, or moving to a new size, needs the range it keeps inside one
 * VMA. Each case was checked against Linux 6.18 with real mremap() calls.
 */
static void test_mremap_not_one_vma(void **state)
{
	struct fixture *f = *state;
	const int move = ANONRMAP_MREMAP_MAYMOVE | ANONRMAP_MREMAP_FIXED;

	/* in a hole */
	assert_int_equal(anonrmap_mremap(f->p0, B + 2 * M, PAGE, 2 * PAGE, 0, 0), -EFAULT);
	assert_nothing_changed(f);
	/* growing in place across A and A2 */
	assert_int_equal(anonrmap_mremap(f->p0, B + 8 * K, 16 * K, 32 * K, 0, 0), -EFAULT);
	assert_nothing_changed(f);
	/* the source is checked before the destination is unmapped: D survives */
	assert_int_equal(anonrmap_mremap(f->p0, B + 8 * K, 16 * K, 32 * K, move, B + 3 * M),
			 -EFAULT);
	assert_nothing_changed(f);
	assert_int_equal(anonrmap_mremap(f->p0, B + 2 * M, PAGE, 2 * PAGE, move, B + 3 * M),
			 -EFAULT);
	assert_nothing_changed(f);
	/* a shrinking move whose kept 12K still crosses from A into A2 */
	assert_int_equal(anonrmap_mremap(f->p0, B + 8 * K, 16 * K, 12 * K, move, B + 3 * M),
			 -EFAULT);
	assert_nothing_changed(f);
	/* a same-size move may span VMAs (6.17), but not start in a hole */
	assert_int_equal(anonrmap_mremap(f->p0, B - PAGE, 2 * PAGE, 2 * PAGE, move, B + 3 * M),
			 -EFAULT);
	assert_nothing_changed(f);
}

/* MADV_WIPEONFORK has no meaning for file pages, private or not. */
static void test_madvise_wipeonfork_file(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(anonrmap_madvise(f->p0, B + M, 16 * K, ANONRMAP_MADV_WIPEONFORK),
			 -EINVAL);
	assert_nothing_changed(f);
	/* a hole is -ENOMEM, and there is nothing to apply the advice to */
	assert_int_equal(anonrmap_madvise(f->p0, B + 2 * M, PAGE, ANONRMAP_MADV_DONTFORK),
			 -ENOMEM);
	assert_nothing_changed(f);
}

/*
 * A process writing past the end of D takes SIGSEGV on the first page
 * outside it, after the pages before it have faulted in: those stay.
 */
static void test_touch_beyond_vma(void **state)
{
	struct fixture *f = *state;
	struct anonrmap_page_info page;
	struct anonrmap_slab_stats st;

	assert_int_equal(anonrmap_touch(f->p0, B + 3 * M, 32 * K, true), -EFAULT);
	for (uint64_t addr = B + 3 * M; addr < B + 3 * M + 16 * K; addr += PAGE) {
		assert_int_equal(anonrmap_page(f->p0, addr, &page), 0);
		assert_int_equal(page.kind, ANONRMAP_PAGE_ANON);
		assert_true(page.writable);
		assert_int_equal(page.mapcount, 1);
	}
	assert_int_equal(anonrmap_page(f->p0, B + 3 * M + 16 * K, &page), 0);
	assert_int_equal(page.kind, ANONRMAP_PAGE_NONE);

	/* the layout is as it was; D gained its anon_vma, one chain, 4 folios */
	take_snapshot(f->world, &f->after);
	assert_int_equal(f->after.nr_vmas, f->before.nr_vmas);
	for (int i = 0; i < f->before.nr_vmas; i++) {
		assert_int_equal(f->after.vmas[i].info.start, f->before.vmas[i].info.start);
		assert_int_equal(f->after.vmas[i].info.end, f->before.vmas[i].info.end);
		assert_int_equal(f->after.vmas[i].info.prot, f->before.vmas[i].info.prot);
	}
	assert_true(f->after.vmas[3].info.has_anon_rmap);
	assert_int_equal(anonrmap_slab_stats(f->world, ANONRMAP_CACHE_ANON_VMA, &st), 0);
	assert_int_equal(st.live, f->before.slab[ANONRMAP_CACHE_ANON_VMA].live + 1);
	assert_int_equal(anonrmap_slab_stats(f->world, ANONRMAP_CACHE_ANON_VMA_CHAIN, &st), 0);
	assert_int_equal(st.live, f->before.slab[ANONRMAP_CACHE_ANON_VMA_CHAIN].live + 1);
	assert_int_equal(anonrmap_slab_stats(f->world, ANONRMAP_CACHE_FOLIO, &st), 0);
	assert_int_equal(st.live, f->before.slab[ANONRMAP_CACHE_FOLIO].live + 4);
	assert_int_equal(anonrmap_check(f->world, report, NULL), 0);

	/* a write to read-only A2 faults on its first page, after A's */
	assert_int_equal(anonrmap_touch(f->p0, B + 8 * K, 16 * K, true), -EFAULT);
	assert_int_equal(anonrmap_page(f->p0, B + 12 * K, &page), 0);
	assert_int_equal(page.kind, ANONRMAP_PAGE_ANON);
	assert_int_equal(anonrmap_page(f->p0, B + 16 * K, &page), 0);
	assert_int_equal(page.kind, ANONRMAP_PAGE_NONE);
	assert_int_equal(anonrmap_check(f->world, report, NULL), 0);

	/* a touch that starts outside every VMA faults at once */
	take_snapshot(f->world, &f->before);
	assert_int_equal(anonrmap_touch(f->p0, B + 2 * M, PAGE, false), -EFAULT);
	assert_nothing_changed(f);
}

/* After exit the handle is a dead process: every call is -ESRCH. */
static void test_exited_mm(void **state)
{
	struct fixture *f = *state;
	struct anonrmap_mm *child, *grandchild = NULL;
	struct anonrmap_page_info page;
	struct collect_arg arg = { &f->after, 0 };

	assert_int_equal(anonrmap_fork(f->p0, &child), 0);
	assert_int_equal(anonrmap_exit(child), 0);
	/* exit gave back everything fork took; only the alloc/free totals moved */
	take_snapshot(f->world, &f->after);
	for (int c = 0; c < NR_CACHES; c++)
		assert_int_equal(f->after.slab[c].live, f->before.slab[c].live);
	assert_ptr_equal(anonrmap_mm_first(f->world), f->p0);
	assert_null(anonrmap_mm_next(f->p0));
	f->before = f->after;

	assert_int_equal(anonrmap_mmap(child, B + 2 * M, PAGE, RW, NULL, 0), -ESRCH);
	assert_int_equal(anonrmap_munmap(child, B, 16 * K), -ESRCH);
	assert_int_equal(anonrmap_mprotect(child, B, 16 * K, RO), -ESRCH);
	assert_int_equal(anonrmap_mremap(child, B, 16 * K, 32 * K, 0, 0), -ESRCH);
	assert_int_equal(anonrmap_madvise(child, B, 16 * K, ANONRMAP_MADV_DONTNEED), -ESRCH);
	assert_int_equal(anonrmap_touch(child, B, 16 * K, true), -ESRCH);
	assert_int_equal(anonrmap_fork(child, &grandchild), -ESRCH);
	assert_null(grandchild);
	assert_int_equal(anonrmap_migrate(child, B, 16 * K), -ESRCH);
	assert_int_equal(anonrmap_exit(child), -ESRCH);
	assert_int_equal(anonrmap_vma_foreach(child, collect_vma, &arg), -ESRCH);
	assert_int_equal(anonrmap_page(child, B, &page), -ESRCH);
	assert_nothing_changed(f);
}

static void test_unknown_mode(void **state)
{
	static char sentinel;
	struct anonrmap_config cfg;
	struct anonrmap_world *world = (struct anonrmap_world *)&sentinel;
	struct anonrmap_mm *p0 = (struct anonrmap_mm *)&sentinel;

	anonrmap_config_init(&cfg);
	cfg.mode = "no-such-design";
	assert_int_equal(anonrmap_world_create(&cfg, &world, &p0), -EINVAL);
	/* the outputs are only written on success */
	assert_ptr_equal(world, &sentinel);
	assert_ptr_equal(p0, &sentinel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mmap_over_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mprotect_hole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_munmap_hole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mremap_not_one_vma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madvise_wipeonfork_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_touch_beyond_vma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exited_mm, setup, teardown),
		cmocka_unit_test(test_unknown_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
