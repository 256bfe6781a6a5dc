// SPDX-License-Identifier: GPL-2.0-only
/*
 * A pre-forking server (Apache prefork, PHP-FPM, a Python WSGI master): a
 * long-lived parent with a large heap forks workers that each write into
 * part of it, serve for a while and exit, and are replaced. Every worker
 * links to the parent's anon_vmas; what the kernel reuses or keeps after a
 * generation of workers has gone is what this workload shows.
 */
#include <errno.h>
#include <stdlib.h>

#include "bench/image.h"

enum { P_REGIONS, P_LIBS, P_WORKERS, P_ROUNDS, P_COW_PCT, P_OWN };

static const struct bench_param params[] = {
	[P_REGIONS] = { "regions", "anonymous regions in the parent",
			{ 200, 2000, 60000 }, 1, 65000, true },
	[P_LIBS] = { "libs", "libraries the parent loads", { 4, 16, 64 }, 0, 1000, false },
	[P_WORKERS] = { "workers", "workers alive at a time", { 4, 16, 16 }, 1, 10000, false },
	[P_ROUNDS] = { "rounds", "times each worker is replaced after the first generation",
		       { 2, 4, 2 }, 0, 1000, false },
	[P_COW_PCT] = { "cow-percent", "share of the parent's regions a worker writes into",
			{ 20, 20, 20 }, 0, 100, false },
	[P_OWN] = { "own", "anonymous regions a worker maps for itself",
		    { 4, 16, 16 }, 0, 1000, false },
};

static const struct bench_phase phases[] = {
	{ "workers", "First generation of workers running" },
	{ "recycled", "After the workers were replaced ROUNDS times" },
};

struct prefork {
	struct bench_ctx *c;
	struct proc parent;
	struct regions heap;
	struct proc *workers;
};

static int worker_start(struct prefork *s, struct proc *w)
{
	struct bench_ctx *c = s->c;

	BENCH_TRY(c->t, spawn(c, &s->parent, w));
	BENCH_TRY(c->t, cow_some(c, w, &s->heap, c->p[P_COW_PCT]));
	return anon_regions(c, w, c->p[P_OWN], NULL);
}

static int prefork_body(struct prefork *s)
{
	struct bench_ctx *c = s->c;
	struct bench_target *t = c->t;
	unsigned int n = c->p[P_WORKERS];
	struct lib *libs = calloc(c->p[P_LIBS] ? c->p[P_LIBS] : 1, sizeof(*libs));
	int rc = 0;

	if (!libs)
		return bench_fail(t, -ENOMEM, "calloc", __FILE__, __LINE__);
	for (unsigned int i = 0; !rc && i < c->p[P_LIBS]; i++) {
		rc = lib_create(c, &libs[i]);
		if (!rc)
			rc = lib_load(c, &s->parent, &libs[i]);
	}
	free(libs);
	if (rc)
		return rc;
	BENCH_TRY(t, anon_regions(c, &s->parent, c->p[P_REGIONS], &s->heap));
	BENCH_TRY(t, stacks(c, &s->parent, 4));

	for (unsigned int i = 0; i < n; i++)
		BENCH_TRY(t, worker_start(s, &s->workers[i]));
	BENCH_TRY(t, t->ops->phase(t, 0));

	for (unsigned int round = 0; round < c->p[P_ROUNDS]; round++) {
		for (unsigned int i = 0; i < n; i++) {
			BENCH_TRY(t, proc_exit(c, &s->workers[i]));
			BENCH_TRY(t, worker_start(s, &s->workers[i]));
		}
		if (c->progress)
			c->progress(c, "round %u of %u", round + 1, c->p[P_ROUNDS]);
	}
	return t->ops->phase(t, 1);
}

static int prefork_run(struct bench_ctx *c)
{
	struct prefork s = { .c = c };
	int rc;

	proc_init(&s.parent);
	s.workers = calloc(c->p[P_WORKERS], sizeof(*s.workers));
	if (!s.workers)
		return bench_fail(c->t, -ENOMEM, "calloc", __FILE__, __LINE__);
	rc = prefork_body(&s);
	free(s.workers);
	free(s.heap.v);
	return rc;
}

const struct bench_workload bench_prefork = {
	.name = "prefork-server",
	.summary = "a parent with many regions; workers that CoW, exit and are replaced",
	.describe =
		"The parent (P0) loads LIBS libraries, maps REGIONS anonymous regions\n"
		"(~40% partly written, ~15% partly read) and 4 stacks, then forks\n"
		"WORKERS workers. Each writes a few pages into COW-PERCENT % of the\n"
		"parent's regions and maps OWN regions of its own. Then, ROUNDS times,\n"
		"every worker exits and a new one is forked in its place.",
	.params = params,
	.nr_params = sizeof(params) / sizeof(params[0]),
	.phases = phases,
	.nr_phases = 2,
	.run = prefork_run,
};
