// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generator's corpus (src/scenario/gen.c) as one workload: seeds
 * 1..SEEDS, each scenario run in a process tree of its own, forked from an
 * empty P0, all in one world. The generator crowds its operations into a
 * few hundred pages so that VMAs keep meeting: merges, splits, mremap next
 * to faulted memory, forks and exits in any order, which the hand-written
 * workloads do not reach. Calls the kernel refuses are part of the corpus
 * and are not errors here.
 */
#include <errno.h>
#include <stdlib.h>

#include "bench/bench.h"
#include "scenario/gen.h"

enum { P_SEEDS, P_OPS, P_PROCS, P_PAGES };

static const struct bench_param params[] = {
	[P_SEEDS] = { "seeds", "generated scenarios, seeds 1..SEEDS (anonrmap gen SEED)",
		      { 20, 400, 8000 }, 1, 1000000, true },
	[P_OPS] = { "ops", "operations per scenario (anonrmap gen --ops)",
		    { 60, 60, 400 }, 1, 100000, false },
	[P_PROCS] = { "procs", "live processes per scenario at most (--procs)",
		      { 5, 5, 5 }, 1, 64, false },
	[P_PAGES] = { "pages", "pages the operations crowd into (--pages)",
		      { 128, 128, 2048 }, 1, 100000, false },
};

static const struct bench_phase phases[] = {
	{ "half", "After the first half of the seeds" },
	{ "end", "After every seed" },
};

/* Seed scenario process k is target process map[k]. */
static int run_ops(struct bench_target *t, const struct scenario *scn, int *map)
{
	const struct bench_target_ops *o = t->ops;

	for (size_t i = 0; i < scn->nr_ops; i++) {
		const struct scn_op *op = &scn->ops[i];
		int p = op->proc >= 0 ? map[op->proc] : -1, rc = 0;

		switch (op->op) {
		case SCN_FILE:
			rc = bench_file(t, op->len, &map[scn->nr_procs + op->file]);
			break;
		case SCN_MMAP:
			rc = o->mmap(t, p, op->addr, op->len, op->prot,
				     op->file >= 0 ? map[scn->nr_procs + op->file] : -1, op->off);
			break;
		case SCN_MUNMAP:
			rc = o->munmap(t, p, op->addr, op->len);
			break;
		case SCN_MPROTECT:
			rc = o->mprotect(t, p, op->addr, op->len, op->prot);
			break;
		case SCN_MREMAP:
			rc = o->mremap(t, p, op->addr, op->len, op->new_len, op->fixed, op->new_addr);
			break;
		case SCN_MADVISE:
			rc = o->madvise(t, p, op->addr, op->len, op->advice);
			break;
		case SCN_TOUCH:
			rc = o->touch(t, p, op->addr, op->len, op->write);
			break;
		case SCN_FORK:
			rc = bench_fork(t, p, &map[op->child]);
			break;
		case SCN_EXIT:
			rc = o->exit(t, p);
			break;
		case SCN_MIGRATE:
		case SCN_OBSERVE:
			/* the workload observes at its own phases */
			break;
		default:
			/* version 2 words (exec, brk, ...): the generator writes version 1 */
			rc = -EINVAL;
			break;
		}
		/*
		 * Refusals are the corpus. A process or file that could not be
		 * made would leave later operations acting on the wrong one.
		 */
		if (rc < 0 && (op->op == SCN_FORK || op->op == SCN_FILE))
			return bench_fail(t, rc, "seed operation", __FILE__, __LINE__);
	}
	return 0;
}

static int run_seed(struct bench_ctx *c, uint64_t seed, const struct gen_opts *o)
{
	char *text = NULL, err[200];
	size_t len = 0;
	struct scenario scn;
	FILE *f = open_memstream(&text, &len);
	int *map, rc;

	if (!f)
		return bench_fail(c->t, -errno, "open_memstream", __FILE__, __LINE__);
	scenario_generate(seed, o, f);
	fclose(f);
	if (scenario_parse_buffer("generated", text, len, &scn, err, sizeof(err))) {
		free(text);
		snprintf(c->t->err, sizeof(c->t->err), "seed %llu: %s",
			 (unsigned long long)seed, err);
		return -EINVAL;
	}
	free(text);
	map = calloc(scn.nr_procs + scn.nr_files + 1, sizeof(*map));
	if (!map) {
		rc = bench_fail(c->t, -ENOMEM, "calloc", __FILE__, __LINE__);
	} else {
		rc = bench_fork(c->t, 0, &map[0]);
		if (rc < 0)
			bench_fail(c->t, rc, "fork", __FILE__, __LINE__);
		else
			rc = run_ops(c->t, &scn, map);
	}
	free(map);
	scenario_free(&scn);
	return rc;
}

static int random_run(struct bench_ctx *c)
{
	unsigned int seeds = c->p[P_SEEDS];
	struct gen_opts o;

	gen_opts_default(&o);
	o.ops = c->p[P_OPS];
	o.max_procs = c->p[P_PROCS];
	o.pages = c->p[P_PAGES];
	for (unsigned int s = 1; s <= seeds; s++) {
		BENCH_TRY(c->t, run_seed(c, s, &o));
		if (s == seeds / 2)
			BENCH_TRY(c->t, c->t->ops->phase(c->t, 0));
		if (c->progress && !(s % 100))
			c->progress(c, "seed %u of %u", s, seeds);
	}
	if (seeds < 2)
		BENCH_TRY(c->t, c->t->ops->phase(c->t, 0));
	return c->t->ops->phase(c->t, 1);
}

const struct bench_workload bench_random = {
	.name = "random",
	.summary = "the generator's corpus: seeds 1..SEEDS, each in its own processes",
	.describe =
		"For each seed, the scenario `anonrmap gen SEED --ops OPS --procs PROCS\n"
		"--pages PAGES` prints is run in a process tree of its own, whose root\n"
		"is forked from an empty P0; every tree stays alive. Operations the\n"
		"kernel refuses fail as in the scenario, and the workload goes on. The\n"
		"workload's own seed (--seed) is not used: the corpus is the seeds.",
	.params = params,
	.nr_params = sizeof(params) / sizeof(params[0]),
	.phases = phases,
	.nr_phases = 2,
	.run = random_run,
};
