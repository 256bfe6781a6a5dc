// SPDX-License-Identifier: GPL-2.0-only
/*
 * A tree of forks, BREADTH children per process and DEPTH levels, as a
 * process supervisor or a parallel build forks: one anon_vma gains many
 * children at each level, so the interval trees of the upper anon_vmas
 * fill with the VMAs of every descendant.
 */
#include <errno.h>
#include <stdlib.h>

#include "bench/image.h"

enum { P_BREADTH, P_DEPTH, P_REGIONS, P_COW_PCT };

static const struct bench_param params[] = {
	[P_BREADTH] = { "breadth", "children of each process", { 2, 3, 4 }, 1, 64, false },
	[P_DEPTH] = { "depth", "levels below P0", { 2, 3, 4 }, 1, 12, false },
	[P_REGIONS] = { "regions", "anonymous regions each process maps",
			{ 16, 64, 650 }, 1, 60000, true },
	[P_COW_PCT] = { "cow-percent", "share of the inherited regions each child writes into",
			{ 30, 30, 30 }, 0, 100, false },
};

static const struct bench_phase phases[] = {
	{ "tree", "With the whole tree alive" },
	{ "leaves", "After every process that has children exited" },
};

struct tree {
	struct bench_ctx *c;
	struct regions regions;	/* of the current node and its ancestors */
	struct proc *parents;	/* processes that forked, to exit at the end */
	unsigned int nr_parents, done, total;
};

static int node(struct tree *tr, struct proc *pr, unsigned int level)
{
	struct bench_ctx *c = tr->c;
	size_t inherited = tr->regions.n;

	if (level)
		BENCH_TRY(c->t, cow_some(c, pr, &tr->regions, c->p[P_COW_PCT]));
	BENCH_TRY(c->t, anon_regions(c, pr, c->p[P_REGIONS], &tr->regions));
	if (c->progress && !(++tr->done % 16))
		c->progress(c, "process %u of %u", tr->done, tr->total);
	if (level < c->p[P_DEPTH]) {
		for (unsigned int i = 0; i < c->p[P_BREADTH]; i++) {
			struct proc child;

			BENCH_TRY(c->t, spawn(c, pr, &child));
			BENCH_TRY(c->t, node(tr, &child, level + 1));
		}
		tr->parents[tr->nr_parents++] = *pr;
	}
	tr->regions.n = inherited;
	return 0;
}

static int tree_run(struct bench_ctx *c)
{
	struct tree tr = { .c = c, .total = 1 };
	struct bench_target *t = c->t;
	struct proc root;
	int rc;

	for (unsigned int l = 0, n = 1; l < c->p[P_DEPTH]; l++)
		tr.total += (n *= c->p[P_BREADTH]);
	tr.parents = calloc(tr.total, sizeof(*tr.parents));
	if (!tr.parents)
		return bench_fail(t, -ENOMEM, "calloc", __FILE__, __LINE__);
	proc_init(&root);
	rc = node(&tr, &root, 0);
	if (!rc)
		rc = t->ops->phase(t, 0);
	for (unsigned int i = 0; !rc && i < tr.nr_parents; i++)
		rc = proc_exit(c, &tr.parents[i]);
	if (!rc)
		rc = t->ops->phase(t, 1);
	free(tr.parents);
	free(tr.regions.v);
	return rc;
}

const struct bench_workload bench_fork_tree = {
	.name = "fork-tree",
	.summary = "every process forks BREADTH children, DEPTH levels deep",
	.describe =
		"P0 maps REGIONS anonymous regions (~40% partly written, ~15% partly\n"
		"read) and forks BREADTH children; each child writes a few pages into\n"
		"COW-PERCENT % of the regions it inherited, maps REGIONS of its own and\n"
		"forks BREADTH children in turn, down to DEPTH levels below P0 (depth\n"
		"first). Then every process that has children exits, leaving the leaves.",
	.params = params,
	.nr_params = sizeof(params) / sizeof(params[0]),
	.phases = phases,
	.nr_phases = 2,
	.run = tree_run,
};
