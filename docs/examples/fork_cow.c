// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault, fork and copy-on-write through the public API, checked against
 * what Linux does (../shared/scenarios/01-fault-fork-cow.kernel.obs):
 *
 *   P0:  [0x100000000000, +16K) rw-, pages 0 and 1 written
 *   C1:  fork of P0; writes page 1, which gives it a private copy
 *
 * Exits 0 when every result matches the kernel, 1 otherwise.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <anonrmap/anonrmap.h>

#define BASE 0x100000000000ULL
#define PAGE 4096ULL

static int failures;

static void expect(bool ok, const char *what)
{
	printf("%s %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		failures++;
}

/*
 * What an rmap walk visited: up to 4 (address space, address) pairs, and
 * whether the page table there still maps the folio. The walk visits every
 * VMA linked to the folio's anon_vma, like rmap_walk_anon(); as in the
 * kernel's rmap_one callbacks, the PTE has the last word.
 */
struct hits {
	struct anonrmap_folio *folio;
	int n;
	unsigned int id[4];
	uint64_t addr[4];
	bool mapped[4];
};

static int record_hit(struct anonrmap_mm *mm, uint64_t addr, void *arg)
{
	struct hits *h = arg;
	struct anonrmap_page_info page;

	if (h->n < 4) {
		h->id[h->n] = anonrmap_mm_id(mm);
		h->addr[h->n] = addr;
		h->mapped[h->n] = !anonrmap_page(mm, addr, &page) && page.folio == h->folio;
	}
	h->n++;
	return 0;
}

static int walk(struct anonrmap_folio *folio, struct hits *h)
{
	*h = (struct hits){ .folio = folio };
	return anonrmap_rmap_walk(folio, record_hit, h);
}

/* Was (@id, @addr) visited, and did it map the folio as @mapped says? */
static bool hit(const struct hits *h, unsigned int id, uint64_t addr, bool mapped)
{
	for (int i = 0; i < h->n && i < 4; i++)
		if (h->id[i] == id && h->addr[i] == addr)
			return h->mapped[i] == mapped;
	return false;
}

static void print_hits(const char *name, const struct hits *h)
{
	printf("rmap walk of %s:", name);
	for (int i = 0; i < h->n && i < 4; i++)
		printf(" P%u@%#llx%s", h->id[i], (unsigned long long)h->addr[i],
		       h->mapped[i] ? "" : "(not mapped)");
	printf("\n");
}

static long live(struct anonrmap_world *world, enum anonrmap_cache cache)
{
	struct anonrmap_slab_stats st;

	if (anonrmap_slab_stats(world, cache, &st))
		return -1;
	printf("slab %-16s live %ld peak %ld (%.2f KB at %zu bytes each)\n",
	       st.name, st.live, st.peak, st.live_kb, st.object_bytes);
	return st.live;
}

/* What @mm maps at @addr; an empty page if the lookup fails. */
static struct anonrmap_page_info page_at(struct anonrmap_mm *mm, uint64_t addr)
{
	struct anonrmap_page_info info;

	if (anonrmap_page(mm, addr, &info))
		memset(&info, 0, sizeof(info));
	return info;
}

static void report(const char *violation, void *arg)
{
	fprintf(stderr, "violation: %s\n", violation);
}

int main(void)
{
	struct anonrmap_config cfg;
	struct anonrmap_world *world;
	struct anonrmap_mm *p0, *child;
	struct anonrmap_page_info parent0, child0, parent1, child1;
	struct hits shared, kept, copied;
	unsigned int cid;
	int err;

	anonrmap_config_init(&cfg);
	/* The kernel the expected counts come from runs with the zero page off. */
	cfg.zero_page = false;
	err = anonrmap_world_create(&cfg, &world, &p0);
	if (err) {
		fprintf(stderr, "anonrmap_world_create: %s\n", strerror(-err));
		return 1;
	}

	if ((err = anonrmap_mmap(p0, BASE, 4 * PAGE, ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE,
				 NULL, 0)) ||
	    (err = anonrmap_touch(p0, BASE, 2 * PAGE, true)) ||
	    (err = anonrmap_fork(p0, &child)) ||
	    (err = anonrmap_touch(child, BASE + PAGE, PAGE, true))) {
		fprintf(stderr, "setting up: %s\n", strerror(-err));
		anonrmap_world_destroy(world);
		return 1;
	}
	cid = anonrmap_mm_id(child);

	parent0 = page_at(p0, BASE);
	child0 = page_at(child, BASE);
	parent1 = page_at(p0, BASE + PAGE);
	child1 = page_at(child, BASE + PAGE);

	/* Page 0 was never written after the fork: one folio, two mappings. */
	expect(parent0.kind == ANONRMAP_PAGE_ANON && parent0.folio == child0.folio,
	       "page 0 is one anonymous folio shared by P0 and the child");
	expect(parent0.mapcount == 2 && !parent0.writable && !child0.writable,
	       "page 0 is mapped twice, write-protected in both");
	/* Page 1: the child's write fault copied it. */
	expect(child1.kind == ANONRMAP_PAGE_ANON && child1.folio != parent1.folio,
	       "page 1 in the child is a new folio");
	expect(child1.mapcount == 1 && child1.writable,
	       "the child's copy is mapped once, writable");
	expect(parent1.mapcount == 1, "P0's page 1 is now mapped only by P0");

	/* The rmap walk must find every mapping, at the same virtual address. */
	err = walk(parent0.folio, &shared);
	print_hits("page 0", &shared);
	expect(!err && shared.n == 2 && hit(&shared, 0, BASE, true) &&
	       hit(&shared, cid, BASE, true),
	       "walk of page 0 finds P0 and the child at the same address");
	/* The copy belongs to the child's own anon_vma, which P0 is not in. */
	err = walk(child1.folio, &copied);
	print_hits("the child's page 1", &copied);
	expect(!err && copied.n == 1 && hit(&copied, cid, BASE + PAGE, true),
	       "walk of the child's copy finds only the child");
	/*
	 * P0's page 1 is in P0's anon_vma, to which the child's VMA stays
	 * linked: the walk visits the child too and finds nothing mapped
	 * there. That wasted visit is the price of the anon_vma design.
	 */
	err = walk(parent1.folio, &kept);
	print_hits("P0's page 1", &kept);
	expect(!err && kept.n == 2 && hit(&kept, 0, BASE + PAGE, true) &&
	       hit(&kept, cid, BASE + PAGE, false),
	       "walk of P0's page 1 finds it mapped only in P0");

	/*
	 * The kernel's counts after fork + CoW: one anon_vma each, and three
	 * chains (P0 -> own; child -> own and P0's).
	 */
	expect(live(world, ANONRMAP_CACHE_VMA) == 2, "2 vm_area_structs");
	expect(live(world, ANONRMAP_CACHE_ANON_VMA) == 2, "2 anon_vmas");
	expect(live(world, ANONRMAP_CACHE_ANON_VMA_CHAIN) == 3, "3 anon_vma_chains");

	expect(anonrmap_check(world, report, NULL) == 0, "the invariant checker finds nothing");
	anonrmap_observe(world, "after_cow", stdout);

	anonrmap_world_destroy(world);
	printf("%s\n", failures ? "MISMATCH with the kernel" : "as the kernel has it");
	return failures ? 1 : 0;
}
