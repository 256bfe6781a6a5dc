// SPDX-License-Identifier: GPL-2.0-only
/*
 * A chain of forks: each process forks the next and often exits, as shells
 * running scripts, daemons that double-fork and build systems do. Every
 * generation's VMAs link to the anon_vmas of all generations above them,
 * so the chain is where anon_vma_chain counts grow with depth and where
 * the kernel's anon_vma reuse has to keep them bounded.
 */
#include <errno.h>
#include <stdlib.h>

#include "bench/image.h"

enum { P_DEPTH, P_REGIONS, P_COW_PCT, P_EXIT_PCT };

static const struct bench_param params[] = {
	[P_DEPTH] = { "depth", "generations below P0", { 6, 16, 32 }, 1, 10000, false },
	[P_REGIONS] = { "regions", "anonymous regions each generation maps",
			{ 16, 64, 1800 }, 1, 60000, true },
	[P_COW_PCT] = { "cow-percent", "share of the inherited regions each generation writes into",
			{ 30, 30, 30 }, 0, 100, false },
	[P_EXIT_PCT] = { "exit-percent", "chance that a parent exits once its child has forked",
			 { 50, 50, 50 }, 0, 100, false },
};

static const struct bench_phase phases[] = {
	{ "chain", "After the chain is built" },
	{ "leaf", "After every process but the last has exited" },
};

static int chain_body(struct bench_ctx *c, struct proc *procs, struct regions *all)
{
	struct bench_target *t = c->t;
	unsigned int depth = c->p[P_DEPTH];

	proc_init(&procs[0]);
	BENCH_TRY(t, anon_regions(c, &procs[0], c->p[P_REGIONS], all));
	for (unsigned int d = 1; d <= depth; d++) {
		struct proc *pr = &procs[d];

		BENCH_TRY(t, spawn(c, &procs[d - 1], pr));
		BENCH_TRY(t, cow_some(c, pr, all, c->p[P_COW_PCT]));
		BENCH_TRY(t, anon_regions(c, pr, c->p[P_REGIONS], all));
		if (chance(&c->rng, c->p[P_EXIT_PCT]))
			BENCH_TRY(t, proc_exit(c, &procs[d - 1]));
		if (c->progress)
			c->progress(c, "generation %u of %u", d, depth);
	}
	BENCH_TRY(t, t->ops->phase(t, 0));
	for (unsigned int d = 0; d < depth; d++)
		if (procs[d].id >= 0)
			BENCH_TRY(t, proc_exit(c, &procs[d]));
	return t->ops->phase(t, 1);
}

static int chain_run(struct bench_ctx *c)
{
	struct proc *procs = calloc(c->p[P_DEPTH] + 1, sizeof(*procs));
	struct regions all = { 0 };
	int rc;

	if (!procs)
		return bench_fail(c->t, -ENOMEM, "calloc", __FILE__, __LINE__);
	rc = chain_body(c, procs, &all);
	free(all.v);
	free(procs);
	return rc;
}

const struct bench_workload bench_fork_chain = {
	.name = "fork-chain",
	.summary = "each process forks the next, DEPTH deep, parents often exit",
	.describe =
		"P0 maps REGIONS anonymous regions (~40% partly written, ~15% partly\n"
		"read). Each of DEPTH generations is forked by the one before, writes a\n"
		"few pages into COW-PERCENT % of every region it inherited, and maps\n"
		"REGIONS of its own; its parent then exits with EXIT-PERCENT % chance.\n"
		"Finally every process but the last generation exits.",
	.params = params,
	.nr_params = sizeof(params) / sizeof(params[0]),
	.phases = phases,
	.nr_phases = 2,
	.run = chain_run,
};
