// SPDX-License-Identifier: GPL-2.0-only
/*
 * anonrmap bench --walk-cost: what one rmap walk costs in each design, on
 * fork trees of depth D and breadth B with CoW, mremap moves and exits in
 * the middle (docs/cowctx.md "Walk-cost benchmark"). The question it
 * answers is wangtao's: the cow-context walk visits every descendant
 * context of the folio's, where classic visits only the VMAs that still
 * take part in the folio's anon_vma tree.
 *
 * Figures per walk come from struct rmap_walk_stats and from the walk's
 * own callback (hits: the page table really maps the folio there). A walk
 * that finds fewer mappings than the folio's mapcount "missed".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anonrmap/ops.h>
#include <anonrmap/world.h>

#include "bench/clock.h"
#include "bench/rng.h"
#include "mm/internal.h"
#include "mm/world.h"

#define REGION_BASE	0x100000000000UL
#define MOVED_BASE	0x140000000000UL
#define REGION_STRIDE	(1UL << 20)
#define MAX_PROCS	4096

struct wc_opts {
	unsigned int regions, pages, cow, move, exit_pct, reps, max_procs;
	unsigned int depth, breadth;	/* --shape D,B: that one shape only */
	bool file, sparse, quick;
	uint64_t seed;
};

/* One column: a design, and the walk flags it runs with. */
struct wc_design {
	const char *label, *mode;
	unsigned int flags;
};

static const struct wc_design designs[] = {
	{ "classic", "classic", 0 },
	{ "lazy", "lazy", 0 },
	{ "cowctx", "cowctx", 0 },
	{ "cowctx-nostop", "cowctx", RMAP_WALK_NO_EARLY_STOP },
	{ "cowctx-poc", "cowctx-poc", 0 },
};

struct wc_world {
	struct world *w;
	struct mm_struct *procs[MAX_PROCS];
	unsigned int nr;
	unsigned long first_fork_serial;	/* folios up to it are the root's */
};

static int tree_fork(struct wc_world *ww, unsigned int parent)
{
	struct mm_struct *child;
	int err;

	if (ww->nr == MAX_PROCS)
		return -E2BIG;
	err = dup_mm(ww->procs[parent], &child);
	if (!err)
		ww->procs[ww->nr++] = child;
	return err;
}

static unsigned long region(unsigned int i)
{
	return REGION_BASE + i * REGION_STRIDE;
}

static int build_tree(struct wc_world *ww, const struct wc_opts *o, unsigned int depth,
		      unsigned int breadth, struct rng *rng)
{
	struct file *file = NULL;
	unsigned int level_start = 0, level_end = 1;
	unsigned long len = (unsigned long)o->pages * PAGE_SIZE;
	bool interior[MAX_PROCS] = { false };
	int err = 0;

	if (o->file && (err = file_create(ww->w, o->regions * len, &file)))
		return err;
	for (unsigned int i = 0; i < o->regions && !err; i++) {
		err = do_mmap(ww->procs[0], region(i), len, ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE,
			      file, file ? i * len : 0);
		if (!err)
			err = do_touch(ww->procs[0], region(i), len, true);
	}
	ww->first_fork_serial = ww->w->folio_serial;
	for (unsigned int d = 0; d < depth && !err; d++) {
		for (unsigned int p = level_start; p < level_end && !err; p++)
			for (unsigned int b = 0; b < breadth && !err; b++) {
				err = tree_fork(ww, p);
				interior[p] = true;
			}
		level_start = level_end;
		level_end = ww->nr;
	}
	/* churn: each process writes some inherited pages and moves some regions */
	for (unsigned int p = 1; p < ww->nr && !err; p++)
		for (unsigned int i = 0; i < o->regions && !err; i++) {
			if (chance(rng, o->cow))
				err = do_touch(ww->procs[p], region(i), PAGE_SIZE, true);
			if (!err && chance(rng, o->move))
				err = do_mremap(ww->procs[p], region(i), len, len,
						ANONRMAP_MREMAP_MAYMOVE | ANONRMAP_MREMAP_FIXED,
						MOVED_BASE + i * REGION_STRIDE);
		}
	/* exits in the middle: interior processes, whose children live on */
	for (unsigned int p = 1; p < ww->nr && !err; p++)
		if (interior[p] && chance(rng, o->exit_pct))
			exit_mmap(ww->procs[p]);
	return err;
}

/* tao's case: child k keeps only region k of the parent's B. */
static int build_sparse(struct wc_world *ww, const struct wc_opts *o, unsigned int breadth)
{
	int err = 0;

	for (unsigned int i = 0; i < breadth && !err; i++) {
		err = do_mmap(ww->procs[0], region(i), PAGE_SIZE,
			      ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE, NULL, 0);
		if (!err)
			err = do_touch(ww->procs[0], region(i), PAGE_SIZE, true);
	}
	ww->first_fork_serial = ww->w->folio_serial;
	for (unsigned int k = 0; k < breadth && !err; k++)
		err = tree_fork(ww, 0);
	for (unsigned int k = 0; k < breadth && !err; k++)
		for (unsigned int i = 0; i < breadth && !err; i++)
			if (i != k)
				err = do_munmap(ww->procs[k + 1], region(i), PAGE_SIZE);
	(void)o;
	return err;
}

struct group {
	unsigned long walks, missed, early;
	double nodes, dead, lookups, vmas, hits, ns;
	unsigned long max_nodes, max_vmas;
};

struct walk_hits {
	unsigned long hits;
};

static int count_hit(struct folio *folio, struct vm_area_struct *vma, unsigned long address,
		     void *arg)
{
	struct walk_hits *h = arg;
	pte_t *pte = pte_lookup(vma->vm_mm, address);

	if (pte && pte_present(*pte) && pte_folio(*pte) == folio)
		h->hits++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Every mapped anonymous folio, walked once for the counts, @reps times for the clock. */
static void measure(struct wc_world *ww, unsigned int flags, unsigned int reps,
		    struct group g[2])
{
	double times[2][16];
	struct folio *folio;

	memset(g, 0, 2 * sizeof(*g));
	list_for_each_entry(folio, &ww->w->folios, lru) {
		struct rmap_walk_stats st = { 0 };
		struct walk_hits h = { 0 };
		struct rmap_walk_control rwc = { .rmap_one = count_hit, .arg = &h,
						 .flags = flags, .stats = &st };
		struct group *gr;

		if (folio->kind != FOLIO_ANON || folio->mapcount <= 0)
			continue;
		gr = &g[folio->serial > ww->first_fork_serial];
		ww->w->rmap->walk(folio, &rwc);
		gr->walks++;
		gr->nodes += st.nodes;
		gr->dead += st.dead_nodes;
		gr->lookups += st.lookups;
		gr->vmas += st.vmas;
		gr->hits += h.hits;
		gr->early += st.early_stops;
		gr->missed += h.hits < (unsigned long)folio->mapcount;
		if (st.nodes > gr->max_nodes)
			gr->max_nodes = st.nodes;
		if (st.vmas > gr->max_vmas)
			gr->max_vmas = st.vmas;
	}
	if (reps > 16)
		reps = 16;
	for (unsigned int r = 0; r < reps; r++) {
		double t[2] = { 0, 0 };

		list_for_each_entry(folio, &ww->w->folios, lru) {
			struct walk_hits h = { 0 };
			struct rmap_walk_control rwc = { .rmap_one = count_hit, .arg = &h,
							 .flags = flags };
			double t0;

			if (folio->kind != FOLIO_ANON || folio->mapcount <= 0)
				continue;
			t0 = bench_now();
			ww->w->rmap->walk(folio, &rwc);
			t[folio->serial > ww->first_fork_serial] += bench_now() - t0;
		}
		times[0][r] = t[0];
		times[1][r] = t[1];
	}
	for (int i = 0; i < 2; i++) {
		qsort(times[i], reps, sizeof(double), cmp_double);
		g[i].ns = g[i].walks ? times[i][reps / 2] * 1e9 / g[i].walks : 0;
	}
}

static void print_group(const char *shape, unsigned int procs, const char *design,
			const char *gname, const struct group *g)
{
	double n = g->walks ? (double)g->walks : 1;

	if (!g->walks)
		return;
	printf("%-14s %5u  %-13s %-5s %7lu %8.1f %6lu %7.1f %8.1f %7.1f %6lu %6.1f %6.1f %6lu %9.0f\n",
	       shape, procs, design, gname, g->walks, g->nodes / n, g->max_nodes, g->dead / n,
	       g->lookups / n, g->vmas / n, g->max_vmas, g->hits / n,
	       100.0 * g->early / n, g->missed, g->ns);
}

static int run_shape(const struct wc_opts *o, unsigned int depth, unsigned int breadth)
{
	char shape[32];

	if (o->sparse)
		snprintf(shape, sizeof(shape), "sparse B=%u", breadth);
	else
		snprintf(shape, sizeof(shape), "D=%u B=%u", depth, breadth);
	for (size_t d = 0; d < sizeof(designs) / sizeof(designs[0]); d++) {
		static const size_t sizes[NR_WORLD_CACHES] = { 192, 104, 64, 64 };
		struct wc_world *ww = calloc(1, sizeof(*ww));
		struct rng rng = { o->seed };
		struct group g[2];
		int err;

		if (!ww)
			return -ENOMEM;
		ww->w = world_create(anon_rmap_lookup(designs[d].mode), false, sizes);
		if (!ww->w) {
			free(ww);
			return -ENOMEM;
		}
		ww->w->thp = ANONRMAP_THP_NEVER;
		ww->procs[0] = mm_alloc(ww->w);
		ww->nr = 1;
		err = ww->procs[0] ? 0 : -ENOMEM;
		if (!err)
			err = o->sparse ? build_sparse(ww, o, breadth)
					: build_tree(ww, o, depth, breadth, &rng);
		if (err) {
			fprintf(stderr, "anonrmap bench --walk-cost: %s in %s: %s\n", shape,
				designs[d].label, strerror(-err));
		} else {
			measure(ww, designs[d].flags, o->reps, g);
			print_group(shape, ww->nr, designs[d].label, "root", &g[0]);
			print_group(shape, ww->nr, designs[d].label, "later", &g[1]);
		}
		world_destroy(ww->w);
		free(ww);
		if (err)
			return err;
	}
	fflush(stdout);
	return 0;
}

static unsigned long tree_procs(unsigned int depth, unsigned int breadth)
{
	unsigned long n = 1, level = 1;

	for (unsigned int d = 0; d < depth; d++) {
		level *= breadth;
		n += level;
		if (n > MAX_PROCS)
			return n;
	}
	return n;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: anonrmap bench --walk-cost [--regions N] [--pages N] [--cow-percent N]\n"
		"                      [--move-percent N] [--exit-percent N] [--file] [--sparse]\n"
		"                      [--reps N] [--seed N] [--quick] [--shape D,B]\n\n"
		"Per rmap walk, in each design: nodes visited (anon_vmas, or cow contexts,\n"
		"dead ones counted apart), lookups (interval-tree queries, or (context,\n"
		"offset) VMA lookups), candidate VMAs, hits (the page table maps the folio\n"
		"there), early stops, walks that missed a mapping, and ns per walk (median\n"
		"of --reps passes). Fork trees: depth D and breadth B in 1..64 with at most\n"
		"%d processes, plus a chain (D=64, B=1) and a star (D=1, B=64); P0 maps\n"
		"--regions regions of --pages pages (default 8 x 4), anonymous or (--file)\n"
		"private file mappings, and writes them; each child then writes the first\n"
		"page of a region with --cow-percent (30) and moves a region with\n"
		"--move-percent (20); --exit-percent (50) of the interior processes exit.\n"
		"--sparse: tao's case, P0 maps B one-page regions, forks B children, child\n"
		"k unmaps all but region k. Groups: root = folios P0 wrote before the\n"
		"first fork, later = CoW copies. --quick: a few shapes only; --shape D,B:\n"
		"that one (with --sparse, B children).\n"
		"Columns: cowctx-nostop is cowctx with RMAP_WALK_NO_EARLY_STOP; cowctx-poc\n"
		"is the proof of concept's own early stop and bookkeeping.\n", MAX_PROCS);
}

static int parse_uint(const char *opt, const char *val, unsigned int lo, unsigned int hi,
		      unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!val) {
		fprintf(stderr, "anonrmap bench --walk-cost: %s needs a value\n", opt);
		return -1;
	}
	v = strtoul(val, &end, 10);
	if (*end || v < lo || v > hi) {
		fprintf(stderr, "anonrmap bench --walk-cost: %s %s: not in %u..%u\n", opt, val, lo, hi);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

int walk_cost_main(int argc, char **argv);
int walk_cost_main(int argc, char **argv)
{
	static const unsigned int grid[] = { 1, 2, 4, 8, 16, 32, 64 };
	struct wc_opts o = { .regions = 8, .pages = 4, .cow = 30, .move = 20, .exit_pct = 50,
			     .reps = 5, .seed = 1 };
	unsigned int seed = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int rc = 0;

		if (!strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--file")) {
			o.file = true;
			continue;
		} else if (!strcmp(a, "--sparse")) {
			o.sparse = true;
			continue;
		} else if (!strcmp(a, "--quick")) {
			o.quick = true;
			continue;
		} else if (!strcmp(a, "--shape")) {
			if (!v || sscanf(v, "%u,%u", &o.depth, &o.breadth) != 2 || !o.depth ||
			    !o.breadth || o.depth > 64 || o.breadth > 64) {
				fprintf(stderr, "anonrmap bench --walk-cost: --shape D,B with D, B "
					"in 1..64\n");
				return 2;
			}
		} else if (!strcmp(a, "--regions")) {
			rc = parse_uint(a, v, 1, 64, &o.regions);
		} else if (!strcmp(a, "--pages")) {
			rc = parse_uint(a, v, 1, 256, &o.pages);
		} else if (!strcmp(a, "--cow-percent")) {
			rc = parse_uint(a, v, 0, 100, &o.cow);
		} else if (!strcmp(a, "--move-percent")) {
			rc = parse_uint(a, v, 0, 100, &o.move);
		} else if (!strcmp(a, "--exit-percent")) {
			rc = parse_uint(a, v, 0, 100, &o.exit_pct);
		} else if (!strcmp(a, "--reps")) {
			rc = parse_uint(a, v, 1, 16, &o.reps);
		} else if (!strcmp(a, "--seed")) {
			rc = parse_uint(a, v, 0, ~0u, &seed);
		} else {
			fprintf(stderr, "anonrmap bench --walk-cost: unknown option %s\n", a);
			usage(stderr);
			return 2;
		}
		if (rc)
			return 2;
		i++;
	}
	o.seed = seed;
	printf("walk cost per rmap walk; regions %u x %u pages (%s), cow %u%%, move %u%%, "
	       "exit %u%% of interior, seed %u, median of %u passes\n",
	       o.regions, o.pages, o.file ? "private file" : "anonymous", o.cow, o.move,
	       o.exit_pct, seed, o.reps);
	printf("%-14s %5s  %-13s %-5s %7s %8s %6s %7s %8s %7s %6s %6s %6s %6s %9s\n", "shape",
	       "procs", "design", "group", "walks", "nodes", "max", "dead", "lookups", "vmas",
	       "max", "hits", "stop%", "missed", "ns/walk");
	if (o.depth) {
		if (!o.sparse && tree_procs(o.depth, o.breadth) > MAX_PROCS) {
			fprintf(stderr, "anonrmap bench --walk-cost: --shape %u,%u makes more than %d "
				"processes\n", o.depth, o.breadth, MAX_PROCS);
			return 2;
		}
		return run_shape(&o, o.depth, o.breadth) ? 1 : 0;
	}
	if (o.sparse) {
		for (size_t b = 0; b < sizeof(grid) / sizeof(grid[0]); b++)
			if ((!o.quick || grid[b] == 64) && run_shape(&o, 1, grid[b]))
				return 1;
		return 0;
	}
	for (size_t d = 0; d < sizeof(grid) / sizeof(grid[0]); d++)
		for (size_t b = 0; b < sizeof(grid) / sizeof(grid[0]); b++) {
			unsigned int depth = grid[d], breadth = grid[b];
			bool extreme = (depth == 64 && breadth == 1) || (depth == 1 && breadth == 64);

			if (!extreme && tree_procs(depth, breadth) > MAX_PROCS)
				continue;
			if (o.quick && !extreme && !(depth == 2 && breadth == 8) &&
			    !(depth == 4 && breadth == 4))
				continue;
			fprintf(stderr, "walk-cost: D=%u B=%u\n", depth, breadth);
			if (run_shape(&o, depth, breadth))
				return 1;
		}
	return 0;
}
