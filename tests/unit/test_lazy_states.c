// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ANON_VMA_LAZY states (the v1 series of May 2026) and each transition
 * between them, run in both designs with the invariant checker after every
 * operation. Classic must stay clean throughout. Lazy must stay clean where
 * the series is sound; where the series as posted loses a reverse mapping,
 * leaks, or leaves something pointing at a freed object, the test asserts
 * that the checker reports it, and says which patch is responsible.
 *
 * The states, in vma->rmap_state (the series' tagged vma->anon_vma):
 *   0                       no anonymous memory yet
 *   anon_vma                regular, with anon_vma_chains (classic layout)
 *   vma | TREE_VMA          lazy root, or a piece split from one
 *   anon_vma | TREE_PARENT  fork child borrowing its parent's anon_vma
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
#include "mm/lazy_rmap.h"

#define BASE 0x100000000000UL
#define PG 4096UL
#define RW (ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE)
#define RO ANONRMAP_PROT_READ
#define RWX (RW | ANONRMAP_PROT_EXEC)

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

/* @zero_page also sets the huge zero page; THP on madvise; mTHP 64K as asked. */
static void start_huge(struct t *t, const char *mode, bool zero_page, enum anonrmap_mthp m64k)
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

static void start(struct t *t, const char *mode)
{
	start_huge(t, mode, false, ANONRMAP_MTHP_NEVER);
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

/* An operation that must succeed and leave the world consistent. */
#define STEP(t, op) do { assert_int_equal((op), 0); clean(t); } while (0)

/*
 * An operation that succeeds in both designs but that the lazy series gets
 * wrong: classic stays clean, lazy must report each fragment.
 */
static void expect_lazy_broken(struct t *t, const char *const *fragments)
{
	if (!lazy(t)) {
		clean(t);
		return;
	}
	assert_true(run_check(t) > 0);
	for (; *fragments; fragments++) {
		if (!strstr(t->msgs, *fragments))
			print_error("missing \"%s\" in:\n%s", *fragments, t->msgs);
		assert_non_null(strstr(t->msgs, *fragments));
	}
}

#define BROKEN(t, op, ...) do {						\
	static const char *const frag_[] = { __VA_ARGS__, NULL };	\
	assert_int_equal((op), 0);					\
	expect_lazy_broken(t, frag_);					\
} while (0)

static struct mm_struct *mm_of(struct anonrmap_mm *mm)
{
	return (struct mm_struct *)mm;
}

static struct vm_area_struct *vma_at(struct anonrmap_mm *mm, unsigned long addr)
{
	return vma_lookup(mm_of(mm), addr);
}

static struct folio *folio_at(struct anonrmap_mm *mm, unsigned long addr)
{
	struct anonrmap_page_info pi;

	assert_int_equal(anonrmap_page(mm, addr, &pi), 0);
	assert_int_equal(pi.kind, ANONRMAP_PAGE_ANON);
	return (struct folio *)pi.folio;
}

static long live(struct t *t, enum anonrmap_cache cache)
{
	struct anonrmap_slab_stats st;

	assert_int_equal(anonrmap_slab_stats(t->world, cache, &st), 0);
	return st.live;
}

static int nr_vmas(struct anonrmap_mm *mm)
{
	return (int)mm_of(mm)->map_count;
}

static void finish(struct t *t)
{
	anonrmap_world_destroy(t->world);
}

static const char *const modes[] = { "classic", "lazy" };

/* NULL -> TREE_VMA: the first fault allocates nothing and pins the VMA. */
static void first_fault(const char *mode)
{
	struct t t;
	struct vm_area_struct *vma;
	struct folio *folio;

	start(&t, mode);
	STEP(&t, anonrmap_mmap(t.p0, BASE, 2 * PG, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, BASE, PG, true));
	vma = vma_at(t.p0, BASE);
	folio = folio_at(t.p0, BASE);
	if (lazy(&t)) {
		assert_true(anon_vma_tree_is_vma(vma->rmap_state));
		assert_ptr_equal(anon_vma_tree_vma(vma->rmap_state), vma);
		assert_int_equal(refcount_read(&vma->vm_lazy_refs), 2);	/* its mm, and itself */
		assert_ptr_equal(folio_lazy_root(folio), vma);
		assert_int_equal(live(&t, ANONRMAP_CACHE_ANON_VMA), 0);
		assert_int_equal(live(&t, ANONRMAP_CACHE_ANON_VMA_CHAIN), 0);
	} else {
		assert_non_null(vma->anon_vma);
		assert_int_equal(live(&t, ANONRMAP_CACHE_ANON_VMA), 1);
	}
	/* a second fault in the same VMA changes nothing */
	STEP(&t, anonrmap_touch(t.p0, BASE + PG, PG, true));
	if (lazy(&t))
		assert_int_equal(refcount_read(&vma->vm_lazy_refs), 2);
	STEP(&t, anonrmap_migrate(t.p0, BASE, 2 * PG));
	finish(&t);
}

/*
 * TREE_VMA -> regular in the parent on fork, child PARENT; the copied
 * folios are rewritten to the parent's new anon_vma (patch 13).
 */
static void fork_upgrade(const char *mode)
{
	struct t t;
	struct anonrmap_mm *c;
	struct vm_area_struct *pv, *cv;
	struct anon_vma *av;

	start(&t, mode);
	STEP(&t, anonrmap_mmap(t.p0, BASE, 2 * PG, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, BASE, 2 * PG, true));
	STEP(&t, anonrmap_fork(t.p0, &c));
	pv = vma_at(t.p0, BASE);
	cv = vma_at(c, BASE);
	if (lazy(&t)) {
		assert_int_equal(anon_vma_tree_type(pv->rmap_state), ANON_VMA_TREE_REGULAR);
		av = lazy_vma_anon_vma(pv);
		assert_non_null(av);
		assert_int_equal(refcount_read(&pv->vm_lazy_refs), 1);	/* the pin on itself went */
		assert_true(anon_vma_tree_is_parent(cv->rmap_state));
		assert_ptr_equal(anon_vma_tree_anon_vma(cv->rmap_state), av);
		assert_int_equal(folio_at(t.p0, BASE)->mapping,
				 (unsigned long)av | FOLIO_MAPPING_ANON);
		/* one anon_vma, one link each: the child allocated nothing */
		assert_int_equal(live(&t, ANONRMAP_CACHE_ANON_VMA), 1);
		assert_int_equal(live(&t, ANONRMAP_CACHE_ANON_VMA_CHAIN), 2);
	} else {
		assert_int_equal(live(&t, ANONRMAP_CACHE_ANON_VMA), 2);
		assert_int_equal(live(&t, ANONRMAP_CACHE_ANON_VMA_CHAIN), 3);
	}
	STEP(&t, anonrmap_migrate(t.p0, BASE, 2 * PG));
	finish(&t);
}

/*
 * PARENT stays PARENT on the child's first CoW: the new folio names the
 * child VMA itself (patch 13), without a reference. The child's own fork
 * is what upgrades it (patch 10).
 */
static void parent_cow_then_fork(const char *mode)
{
	struct t t;
	struct anonrmap_mm *c, *g;
	struct vm_area_struct *cv;
	struct folio *copy;

	start(&t, mode);
	STEP(&t, anonrmap_mmap(t.p0, BASE, 2 * PG, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, BASE, 2 * PG, true));
	STEP(&t, anonrmap_fork(t.p0, &c));
	STEP(&t, anonrmap_touch(c, BASE + PG, PG, true));
	cv = vma_at(c, BASE);
	copy = folio_at(c, BASE + PG);
	if (lazy(&t)) {
		assert_true(anon_vma_tree_is_parent(cv->rmap_state));
		assert_ptr_equal(folio_lazy_root(copy), cv);
		assert_int_equal(refcount_read(&cv->vm_lazy_refs), 1);
	}
	STEP(&t, anonrmap_fork(c, &g));
	if (lazy(&t)) {
		struct anon_vma *own = lazy_vma_anon_vma(cv);

		assert_non_null(own);
		assert_ptr_equal(own->parent, lazy_vma_anon_vma(vma_at(t.p0, BASE)));
		assert_int_equal(copy->mapping, (unsigned long)own | FOLIO_MAPPING_ANON);
	}
	STEP(&t, anonrmap_touch(g, BASE, 2 * PG, true));
	STEP(&t, anonrmap_exit(c));
	STEP(&t, anonrmap_exit(t.p0));
	STEP(&t, anonrmap_exit(g));
	assert_int_equal(live(&t, ANONRMAP_CACHE_ANON_VMA), 0);
	assert_int_equal(live(&t, ANONRMAP_CACHE_VMA), 0);
	finish(&t);
}

/*
 * Split of a lazy root: each piece names the root and pins it; folios in
 * the pieces are found by looking the piece up at the root's geometry
 * (patch 09). A piece merging into the root keeps the root. Unmapping the
 * piece that holds the root's own struct (and munmap always leaves the
 * struct on the unmapped part) unlinks the root: vma_unlink_anon_vma_lazy()
 * of patch 10 clears its state, and folio_resolve_anon_vma_lazy() gives up
 * on a root without one. Every folio of the other pieces is lost to the
 * rmap, and migrating them fails.
 */
static void split_lazy_root(const char *mode)
{
	struct t t;
	struct vm_area_struct *root;

	start(&t, mode);
	STEP(&t, anonrmap_mmap(t.p0, BASE, 3 * PG, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, BASE, 3 * PG, true));
	root = vma_at(t.p0, BASE);
	/* __split_vma() leaves the root's struct on the changed range */
	STEP(&t, anonrmap_mprotect(t.p0, BASE + PG, PG, RO));
	assert_int_equal(nr_vmas(t.p0), 3);
	assert_ptr_equal(vma_at(t.p0, BASE + PG), root);
	if (lazy(&t)) {
		assert_ptr_equal(anon_vma_tree_vma(vma_at(t.p0, BASE)->rmap_state), root);
		assert_ptr_equal(anon_vma_tree_vma(vma_at(t.p0, BASE + 2 * PG)->rmap_state), root);
		assert_int_equal(refcount_read(&root->vm_lazy_refs), 4);
		assert_int_equal(live(&t, ANONRMAP_CACHE_ANON_VMA), 0);
	}
	STEP(&t, anonrmap_migrate(t.p0, BASE, 3 * PG));
	/* the piece below merges into the root, which is the target anyway */
	STEP(&t, anonrmap_mprotect(t.p0, BASE, PG, RO));
	assert_int_equal(nr_vmas(t.p0), 2);
	assert_ptr_equal(vma_at(t.p0, BASE), root);
	if (lazy(&t))
		assert_int_equal(refcount_read(&root->vm_lazy_refs), 3);
	BROKEN(&t, anonrmap_munmap(t.p0, BASE, PG),
	       "rmap: mm 0 100000001000 maps folio",
	       "rmap: mm 0 100000002000 maps folio",
	       "has been unlinked, so its folios resolve to nothing");
	if (lazy(&t)) {
		/* the unmapped root lives on, pinned by the two pieces */
		assert_true(kmem_obj_live(root));
		assert_int_equal(refcount_read(&root->vm_lazy_refs), 2);
		assert_int_equal(live(&t, ANONRMAP_CACHE_VMA), 3);
		assert_int_equal(anonrmap_migrate(t.p0, BASE + PG, PG), -EAGAIN);
	} else {
		STEP(&t, anonrmap_migrate(t.p0, BASE + PG, PG));
	}
	/* exit drops the last pins: nothing leaks */
	assert_int_equal(anonrmap_exit(t.p0), 0);
	assert_int_equal(live(&t, ANONRMAP_CACHE_VMA), 0);
	finish(&t);
}

/* Split of a PARENT VMA upgrades it first (anon_vma_clone(), patch 10). */
static void split_parent(const char *mode)
{
	struct t t;
	struct anonrmap_mm *c;
	struct vm_area_struct *lo, *hi;

	start(&t, mode);
	STEP(&t, anonrmap_mmap(t.p0, BASE, 2 * PG, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, BASE, 2 * PG, true));
	STEP(&t, anonrmap_fork(t.p0, &c));
	STEP(&t, anonrmap_mprotect(c, BASE, PG, RO));
	lo = vma_at(c, BASE);
	hi = vma_at(c, BASE + PG);
	if (lazy(&t)) {
		assert_int_equal(anon_vma_tree_type(lo->rmap_state), ANON_VMA_TREE_REGULAR);
		assert_int_equal(lo->rmap_state, hi->rmap_state);
		assert_ptr_equal(lazy_vma_anon_vma(lo)->parent,
				 lazy_vma_anon_vma(vma_at(t.p0, BASE)));
	}
	STEP(&t, anonrmap_touch(c, BASE + PG, PG, true));
	STEP(&t, anonrmap_migrate(t.p0, BASE, 2 * PG));
	finish(&t);
}

/*
 * A PARENT VMA's CoW folio names the VMA itself with no reference held
 * (patch 13, __folio_set_anon()). Splitting the VMA keeps the struct on
 * the lower piece; unmapping that piece frees it while the folio, still
 * mapped in the upper piece, names it. The walk then visits whatever VMA
 * reuses the struct, in whichever process (patch 09 trusts vma_get()).
 */
struct hits {
	int n;
	struct anonrmap_mm *mm[4];
	uint64_t addr[4];
};

static int hit(struct anonrmap_mm *mm, uint64_t addr, void *arg)
{
	struct hits *h = arg;

	if (h->n < 4) {
		h->mm[h->n] = mm;
		h->addr[h->n] = addr;
	}
	h->n++;
	return 0;
}

static void parent_cow_split_frees_named_vma(const char *mode)
{
	struct t t;
	struct anonrmap_mm *c;
	struct folio *copy;
	struct hits h = { 0 };

	start(&t, mode);
	STEP(&t, anonrmap_mmap(t.p0, BASE, 2 * PG, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, BASE, 2 * PG, true));
	STEP(&t, anonrmap_fork(t.p0, &c));
	STEP(&t, anonrmap_touch(c, BASE + PG, PG, true));
	copy = folio_at(c, BASE + PG);
	BROKEN(&t, anonrmap_munmap(c, BASE, PG),
	       "rmap: mm 1 100000001000 maps folio",
	       "mapping names a freed VMA");
	/*
	 * The cache is type-stable: the next VMA allocated, here in P0, is
	 * the freed struct; once it is a lazy root, C's folio resolves into P0,
 * at the address C's folio has in C.
	 */
	BROKEN(&t, anonrmap_mmap(t.p0, BASE + 256 * PG, PG, RW, NULL, 0),
	       "mapping names a VMA of mm 0");
	BROKEN(&t, anonrmap_touch(t.p0, BASE + 256 * PG, PG, true),
	       "mapping names a VMA of mm 0");
	assert_int_equal(anonrmap_rmap_walk((struct anonrmap_folio *)copy, hit, &h), 0);
	assert_int_equal(h.n, 1);
	assert_ptr_equal(h.mm[0], lazy(&t) ? t.p0 : c);
	assert_int_equal(h.addr[0], BASE + PG);
	if (lazy(&t))
		assert_int_equal(anonrmap_migrate(c, BASE + PG, PG), -EAGAIN);
	else
		STEP(&t, anonrmap_migrate(c, BASE + PG, PG));
	finish(&t);
}

/*
 * Merge removing a lazy root (patch 14): the swap of vmg->target makes the
 * root the survivor, but the removal still follows vmg->middle, which is
 * the root. The root is unlinked and put while it stays in the tree; the
 * original target is dropped from the tree and leaked.
 */
static void merge_removes_lazy_root(const char *mode)
{
	struct t t;

	start(&t, mode);
	STEP(&t, anonrmap_mmap(t.p0, BASE, 2 * PG, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, BASE, PG, true));
	STEP(&t, anonrmap_mprotect(t.p0, BASE, PG, RO));
	assert_int_equal(nr_vmas(t.p0), 2);
	BROKEN(&t, anonrmap_mprotect(t.p0, BASE, PG, RW),
	       "rmap: mm 0 100000000000 maps folio",
	       "in the tree but removed by a merge",
	       "vm_area_struct leak");
	assert_int_equal(nr_vmas(t.p0), 1);
	finish(&t);
}

/*
 * The same swap in vma_expand() (patch 14) when a new mapping fills the
 * gap between an empty VMA and a lazy root: the root survives as target,
 * is removed as next, and is freed while still in the tree.
 */
static void merge_new_frees_lazy_root(const char *mode)
{
	struct t t;

	start(&t, mode);
	STEP(&t, anonrmap_mmap(t.p0, BASE + 2 * PG, PG, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, BASE + 2 * PG, PG, true));
	STEP(&t, anonrmap_mmap(t.p0, BASE, PG, RW, NULL, 0));
	BROKEN(&t, anonrmap_mmap(t.p0, BASE + PG, PG, RW, NULL, 0),
	       "freed VMA",
	       "mapping names a freed VMA",
	       "rmap: mm 0 100000002000 maps folio");
	finish(&t);
}

/*
 * mremap of a faulted lazy VMA: the moved VMA names the old root, which
 * the unmap of the source unlinks; and the root's geometry would point at
 * the old address anyway (patch 09's lookup).
 */
static void mremap_lazy(const char *mode)
{
	struct t t;

	start(&t, mode);
	STEP(&t, anonrmap_mmap(t.p0, BASE, PG, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, BASE, PG, true));
	BROKEN(&t, anonrmap_mremap(t.p0, BASE, PG, PG, ANONRMAP_MREMAP_MAYMOVE |
				   ANONRMAP_MREMAP_FIXED, BASE + 256 * PG),
	       "rmap: mm 0 100000100000 maps folio",
	       "has been unlinked");
	finish(&t);
}

/*
 * vma_prepare_anon_vma() (patch 10) takes a reference on the root whenever
 * the anon_vma it settles on is not a root, even one found next door by
 * find_mergeable_anon_vma(), which only an allocation should pay for. The
 * family's root anon_vma then outlives every process.
 */
static void upgrade_reuse_leaks_root(const char *mode)
{
	struct t t;
	struct anonrmap_mm *c, *g;

	start(&t, mode);
	STEP(&t, anonrmap_mmap(t.p0, BASE, PG, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, BASE, PG, true));
	STEP(&t, anonrmap_fork(t.p0, &c));
	/* flags differing only in access bits: no VMA merge, anon_vma reuse */
	STEP(&t, anonrmap_mmap(c, BASE + PG, PG, RWX, NULL, 0));
	STEP(&t, anonrmap_touch(c, BASE + PG, PG, true));
	BROKEN(&t, anonrmap_fork(c, &g), "refcount 3, recomputed 2");
	BROKEN(&t, anonrmap_exit(g), "refcount");
	BROKEN(&t, anonrmap_exit(c), "refcount");
	BROKEN(&t, anonrmap_exit(t.p0), "anon_vma leak: 1 live, 0 reachable");
	finish(&t);
}

/*
 * A PARENT VMA has a single chain link, so the patched vma_is_fork_child()
 * no longer keeps it apart: a new mapping next to it merges in the lazy
 * design and not in classic. A user-visible layout difference.
 */
static void parent_merges_where_classic_does_not(const char *mode)
{
	struct t t;
	struct anonrmap_mm *c;

	start(&t, mode);
	STEP(&t, anonrmap_mmap(t.p0, BASE, PG, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, BASE, PG, true));
	STEP(&t, anonrmap_fork(t.p0, &c));
	STEP(&t, anonrmap_mmap(c, BASE + PG, PG, RW, NULL, 0));
	assert_int_equal(nr_vmas(c), lazy(&t) ? 1 : 2);
	STEP(&t, anonrmap_touch(c, BASE, 2 * PG, true));
	finish(&t);
}

/*
 * Unlink and exit while folios name a lazy root: pieces keep the unmapped
 * root allocated (it still counts as a vm_area_struct), and the last exit
 * frees everything.
 */
static void exit_with_pinned_root(const char *mode)
{
	struct t t;
	struct anonrmap_mm *c;

	start(&t, mode);
	STEP(&t, anonrmap_mmap(t.p0, BASE, 4 * PG, RW, NULL, 0));
	STEP(&t, anonrmap_touch(t.p0, BASE, 4 * PG, true));
	STEP(&t, anonrmap_mprotect(t.p0, BASE + PG, PG, RO));
	STEP(&t, anonrmap_madvise(t.p0, BASE + 2 * PG, 2 * PG, ANONRMAP_MADV_DONTFORK));
	STEP(&t, anonrmap_fork(t.p0, &c));
	STEP(&t, anonrmap_touch(c, BASE, PG, true));
	STEP(&t, anonrmap_exit(t.p0));
	STEP(&t, anonrmap_exit(c));
	assert_int_equal(live(&t, ANONRMAP_CACHE_VMA), 0);
	assert_int_equal(live(&t, ANONRMAP_CACHE_ANON_VMA), 0);
	assert_int_equal(live(&t, ANONRMAP_CACHE_ANON_VMA_CHAIN), 0);
	finish(&t);
}

/* Classic clean; lazy reports @fragment. */
static void lazy_reports(struct t *t, const char *fragment)
{
	expect_lazy_broken(t, (const char *const[]){ fragment, NULL });
}

/*
 * ANON_VMA_LAZY patch 11 (a lazy VMA is upgraded to a regular anon_vma
 * before a fault that may map a PMD) and the large folios it leaves out:
 * findings 9 and 10 of docs/findings.md.
 */
#define HUGE (2UL << 20)
#define B (BASE + HUGE)	/* 2 MiB aligned, with room below */

/*
 * Patch 11 as posted: a lazy VMA meets a PMD fault and is upgraded; a VMA
 * without state gets a regular anon_vma at once. Its small folios from
 * before keep naming it lazily, which resolves while it stays.
 */
static void pmd_fault_upgrades(const char *mode)
{
	struct t t;
	struct vm_area_struct *vma;

	start_huge(&t, mode, false, ANONRMAP_MTHP_NEVER);
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

	start_huge(&t, mode, false, ANONRMAP_MTHP_NEVER);
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

	start_huge(&t, mode, false, ANONRMAP_MTHP_ALWAYS);
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

	start_huge(&t, mode, true, ANONRMAP_MTHP_NEVER);
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
BOTH(first_fault)
BOTH(fork_upgrade)
BOTH(parent_cow_then_fork)
BOTH(split_lazy_root)
BOTH(split_parent)
BOTH(parent_cow_split_frees_named_vma)
BOTH(merge_removes_lazy_root)
BOTH(merge_new_frees_lazy_root)
BOTH(mremap_lazy)
BOTH(upgrade_reuse_leaks_root)
BOTH(parent_merges_where_classic_does_not)
BOTH(exit_with_pinned_root)
BOTH(pmd_fault_upgrades)
BOTH(piece_upgrade_frees_root)
BOTH(mthp_in_lazy_vma)
BOTH(huge_zero_cow_in_parent_vma)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_fault),
		cmocka_unit_test(test_fork_upgrade),
		cmocka_unit_test(test_parent_cow_then_fork),
		cmocka_unit_test(test_split_lazy_root),
		cmocka_unit_test(test_split_parent),
		cmocka_unit_test(test_parent_cow_split_frees_named_vma),
		cmocka_unit_test(test_merge_removes_lazy_root),
		cmocka_unit_test(test_merge_new_frees_lazy_root),
		cmocka_unit_test(test_mremap_lazy),
		cmocka_unit_test(test_upgrade_reuse_leaks_root),
		cmocka_unit_test(test_parent_merges_where_classic_does_not),
		cmocka_unit_test(test_exit_with_pinned_root),
		cmocka_unit_test(test_pmd_fault_upgrades),
		cmocka_unit_test(test_piece_upgrade_frees_root),
		cmocka_unit_test(test_mthp_in_lazy_vma),
		cmocka_unit_test(test_huge_zero_cow_in_parent_vma),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
