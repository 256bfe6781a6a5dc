// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rmap walk cost: time per anonrmap_rmap_walk() and interval-tree nodes
 * looked at, against the number of AVCs in the folio's anon_vma tree (with
 * the hits held fixed), against fork depth, and against fork breadth.
 */
#include <errno.h>
#include <stdlib.h>

#include "mm/interval_tree.h"
#include "speed.h"

#define WALKS 100000UL		/* walks per repetition */
#define CHAIN_PAGES 16UL

struct walk_cost {
	double ns;		/* median time per walk */
	double visited;		/* tree nodes looked at per walk */
	double hits;		/* candidate VMAs handed to the callback per walk */
	long avcs;		/* live anon_vma_chain objects in the world */
};

static int count_hit(struct anonrmap_mm *mm, uint64_t addr, void *arg)
{
	(*(unsigned long *)arg)++;
	return 0;
}

static struct anonrmap_folio *folio_at(struct anonrmap_mm *mm, uint64_t addr)
{
	struct anonrmap_page_info info;
	int err = anonrmap_page(mm, addr, &info);

	if (err || info.kind != ANONRMAP_PAGE_ANON)
		speed_die("walk: no anonymous page", err ? err : ENOENT);
	return info.folio;
}

/* One repetition: WALKS walks of the @nr folios round robin, ns per walk. */
static double walk_rep(struct anonrmap_folio **folios, unsigned long nr, struct walk_cost *count)
{
	unsigned long hits = 0, visits = anon_vma_interval_tree_visits();
	double t0 = speed_cpu_now(), t;

	for (unsigned long i = 0; i < WALKS; i++)
		anonrmap_rmap_walk(folios[i % nr], count_hit, &hits);
	t = (speed_cpu_now() - t0) / WALKS * 1e9;
	if (count) {
		count->hits = (double)hits / WALKS;
		count->visited = (double)(anon_vma_interval_tree_visits() - visits) / WALKS;
	}
	return t;
}

static long live_avcs(struct anonrmap_world *w)
{
	struct anonrmap_slab_stats st;

	anonrmap_slab_stats(w, ANONRMAP_CACHE_ANON_VMA_CHAIN, &st);
	return st.live;
}

static struct walk_cost time_walks(struct anonrmap_world *w, struct anonrmap_folio **folios,
				   unsigned long nr, unsigned int reps)
{
	double *t = calloc(reps, sizeof(double));
	struct walk_cost c = { 0 };

	if (!t)
		speed_die("walk", ENOMEM);
	for (unsigned int r = 0; r < reps; r++)
		t[r] = walk_rep(folios, nr, r ? NULL : &c);
	c.ns = speed_median(t, reps);
	c.avcs = live_avcs(w);
	free(t);
	return c;
}

#define AVC_MIN 1024UL
#define NR_AVC_SIZES 6	/* 1024 .. 32768: under vm.max_map_count in one mm */

struct avc_world {
	struct anonrmap_world *w;
	struct anonrmap_folio **folios;
	unsigned long nr;
};

/*
 * K pages written by P0, forked once, then every other page of P0
 * mprotected read-only: K VMAs (each linked into the one anon_vma) plus the
 * child's, so a folio always has 2 candidates however large K grows.
 */
static void avc_world(const char *mode, unsigned long k, bool hot, struct avc_world *a)
{
	struct anonrmap_mm *p0, *child;
	int err;

	a->w = speed_world(mode, &p0);
	a->folios = calloc(k, sizeof(*a->folios));
	if (!a->folios)
		speed_die("walk", ENOMEM);
	err = anonrmap_mmap(p0, SPEED_BASE, k * SPEED_PAGE,
			    ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE, NULL, 0);
	if (!err)
		err = anonrmap_touch(p0, SPEED_BASE, k * SPEED_PAGE, true);
	if (!err)
		err = anonrmap_fork(p0, &child);
	for (unsigned long i = 1; i < k && !err; i += 2)
		err = anonrmap_mprotect(p0, SPEED_BASE + i * SPEED_PAGE, SPEED_PAGE,
					ANONRMAP_PROT_READ);
	if (err)
		speed_die("walk layout", err);
	/*
	 * Scattered: a fixed scatter over the range, each walk down another
	 * path, so a tree larger than the caches is read from memory. Hot: the
	 * middle folio only, so what grows is the nodes looked at alone.
	 */
	a->nr = hot ? 1 : k;
	for (unsigned long i = 0; i < a->nr; i++)
		a->folios[i] = folio_at(p0, SPEED_BASE +
					(hot ? k / 2 : (i * 2654435761UL) % k) * SPEED_PAGE);
}

/*
 * Every size's world is built first and the repetitions go round all of
 * them, so that a busy spell of the machine falls on every size alike.
 */
static void sweep_avcs(const char *mode, bool hot, unsigned int reps,
		       struct walk_cost c[NR_AVC_SIZES])
{
	struct avc_world a[NR_AVC_SIZES];
	double *t = calloc((size_t)reps * NR_AVC_SIZES, sizeof(double));

	if (!t)
		speed_die("walk", ENOMEM);
	for (int i = 0; i < NR_AVC_SIZES; i++)
		avc_world(mode, AVC_MIN << i, hot, &a[i]);
	for (unsigned int r = 0; r < reps; r++)
		for (int i = 0; i < NR_AVC_SIZES; i++)
			t[i * reps + r] = walk_rep(a[i].folios, a[i].nr, r ? NULL : &c[i]);
	for (int i = 0; i < NR_AVC_SIZES; i++) {
		c[i].ns = speed_median(&t[i * reps], reps);
		c[i].avcs = live_avcs(a[i].w);
		anonrmap_world_destroy(a[i].w);
		free(a[i].folios);
	}
	free(t);
}

/*
 * P0 writes CHAIN_PAGES pages; then either each new process forks from the
 * last (depth) or all fork from P0 (breadth). P0's folios are mapped by
 * every process, so the walk has @n + 1 candidates either way; what differs
 * is how many anon_vmas and AVCs the family holds.
 */
static struct walk_cost walk_family(const char *mode, unsigned long n, bool chain,
				    unsigned int reps)
{
	struct anonrmap_mm *p0, *last, *child;
	struct anonrmap_world *w = speed_world(mode, &p0);
	struct anonrmap_folio *folios[CHAIN_PAGES];
	struct walk_cost c;
	int err;

	err = anonrmap_mmap(p0, SPEED_BASE, CHAIN_PAGES * SPEED_PAGE,
			    ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE, NULL, 0);
	if (!err)
		err = anonrmap_touch(p0, SPEED_BASE, CHAIN_PAGES * SPEED_PAGE, true);
	last = p0;
	for (unsigned long i = 0; i < n && !err; i++) {
		err = anonrmap_fork(chain ? last : p0, &child);
		last = child;
	}
	if (err)
		speed_die("walk layout", err);
	for (unsigned long i = 0; i < CHAIN_PAGES; i++)
		folios[i] = folio_at(p0, SPEED_BASE + i * SPEED_PAGE);
	c = time_walks(w, folios, CHAIN_PAGES, reps);
	anonrmap_world_destroy(w);
	return c;
}

static void print_cost(FILE *csv, const char *what, unsigned long x, const char *mode,
		       struct walk_cost c)
{
	printf("%-8s | %7lu | %8ld | %6.1f | %9.1f | %9.1f\n", mode, x, c.avcs, c.hits,
	       c.visited, c.ns);
	if (csv)
		fprintf(csv, "%s,%lu,%s,%ld,%.2f,%.2f,%.2f\n", what, x, mode, c.avcs, c.hits,
			c.visited, c.ns);
}

int speed_walk(const struct speed_opts *o)
{
	FILE *csv = speed_csv(o, "walk", "sweep,x,design,avcs,hits,visited,ns_per_walk");
	static const char *const head = "%-8s | %7s | %8s | %6s | %9s | %9s\n";

	printf("\nRmap walk, %lu walks per repetition, median of %u (CPU ns per walk;\n"
	       "visited = interval-tree nodes looked at per walk):\n", WALKS, o->reps);
	for (int hot = 1; hot >= 0; hot--) {
		printf("\nAgainst AVC count, hits fixed at 2 (K one-page VMAs of P0, forked once),\n"
		       "%s:\n", hot ? "one folio walked again and again (cache-hot)" :
		       "the K folios in a scattered order (the tree from memory)");
		printf(head, "design", "K", "AVCs", "hits", "visited", "ns/walk");
		for (unsigned int d = 0; d < speed_nr_designs(); d++) {
			const char *mode = speed_design(d);
			struct walk_cost c[NR_AVC_SIZES];
			double worst = 0;
			unsigned long worst_k = 0;
			char goal[96], measured[96];

			speed_progress("walk: %s, AVC sweep (%s)", mode, hot ? "hot" : "scattered");
			sweep_avcs(mode, hot, o->reps, c);
			for (int i = 0; i < NR_AVC_SIZES; i++) {
				print_cost(csv, hot ? "avcs-hot" : "avcs", AVC_MIN << i, mode, c[i]);
				if (i && c[i].ns / c[i - 1].ns > worst) {
					worst = c[i].ns / c[i - 1].ns;
					worst_k = AVC_MIN << i;
				}
			}
			snprintf(goal, sizeof(goal), "walk x per AVC doubling, %s, %s", mode,
				 hot ? "hot" : "scattered");
			snprintf(measured, sizeof(measured), "worst %.2f (K %lu->%lu)", worst,
				 worst_k / 2, worst_k);
			speed_goal(goal, measured, "< 1.2", worst < 1.2);
		}
	}
	for (int chain = 1; chain >= 0; chain--) {
		printf("\nAgainst fork %s (P0's %lu written pages, never copied):\n",
		       chain ? "depth (each child forks the last)" : "breadth (all fork from P0)",
		       CHAIN_PAGES);
		printf(head, "design", chain ? "depth" : "breadth", "AVCs", "hits", "visited",
		       "ns/walk");
		for (unsigned int d = 0; d < speed_nr_designs(); d++) {
			const char *mode = speed_design(d);

			speed_progress("walk: %s, %s sweep", mode, chain ? "depth" : "breadth");
			for (unsigned long n = 1; n <= 256; n *= 2)
				print_cost(csv, chain ? "depth" : "breadth", n, mode,
					   walk_family(mode, n, chain, o->reps));
		}
	}
	if (csv)
		fclose(csv);
	return 0;
}
