// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bench/clock.h"
#include "bench/runner.h"
#include "bench/target_emit.h"
#include "bench/target_sim.h"
#include "mm/anon_rmap.h"

struct progress {
	const char *workload, *design;
	unsigned int rep, reps;
	double start, last;
	bool quiet;
};

/* Silent for the first second so that short runs print only the report. */
static void progress(struct bench_ctx *c, const char *fmt, ...)
{
	struct progress *p = c->progress_arg;
	double now = bench_now();
	va_list ap;

	if (p->quiet || now - p->start < 1.0 || now - p->last < 1.0)
		return;
	p->last = now;
	fprintf(stderr, "anonrmap bench: %s, %s, repetition %u of %u, %.0f s: ", p->workload,
		p->design, p->rep, p->reps, now - p->start);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool bench_same_counts(const struct bench_snapshot *a, const struct bench_snapshot *b)
{
	for (int c = 0; c < NR_BENCH_CACHES; c++)
		if (a->st[c].live != b->st[c].live || a->st[c].peak != b->st[c].peak ||
		    a->st[c].allocs != b->st[c].allocs)
			return false;
	return a->mms == b->mms && a->max_mm_vmas == b->max_mm_vmas;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One repetition; the seconds exclude the snapshots and the checker. */
static int run_once(const struct bench_opts *o, const struct bench_report *rep,
		    struct bench_result *res, unsigned int r, struct bench_snapshot *snap)
{
	struct progress pr = { rep->w->name, res->design, r + 1, o->reps, bench_now(), 0, o->quiet };
	struct bench_ctx c = { .w = rep->w, .p = rep->val, .rng = { o->seed },
			       .progress = progress, .progress_arg = &pr };
	struct anonrmap_config cfg = o->cfg;
	struct sim_target s;
	double t0 = bench_now();
	int rc;

	cfg.mode = res->design;
	rc = sim_target_init(&s, &cfg, o->check && r == 0, snap);
	if (rc) {
		snprintf(res->err, sizeof(res->err), "anonrmap_world_create: %s", strerror(-rc));
		sim_target_release(&s);
		return rc;
	}
	c.t = &s.t;
	rc = rep->w->run(&c);
	if (rc)
		snprintf(res->err, sizeof(res->err), "%s", s.t.err[0] ? s.t.err : strerror(-rc));
	sim_target_release(&s);
	res->secs[r] = bench_now() - t0 - s.phase_secs;
	return rc;
}

static int run_design(const struct bench_opts *o, struct bench_report *rep,
		      struct bench_result *res)
{
	const struct bench_workload *w = rep->w;
	int status = 0;

	res->secs = calloc(o->reps, sizeof(double));
	if (!res->secs) {
		snprintf(res->err, sizeof(res->err), "out of memory");
		return 1;
	}
	for (unsigned int r = 0; r < o->reps; r++) {
		struct bench_snapshot snap[BENCH_MAX_PHASES];

		if (run_once(o, rep, res, r, r ? snap : res->snap))
			return 1;
		for (unsigned int ph = 0; r && ph < w->nr_phases; ph++)
			if (!bench_same_counts(&snap[ph], &res->snap[ph])) {
				/* every input is seeded, so this is a library bug */
				snprintf(res->err, sizeof(res->err),
					 "repetition %u counted different objects than repetition 1",
					 r + 1);
				status = 1;
			}
	}
	bench_result_summarise(o, res);
	return status;
}

void bench_result_summarise(const struct bench_opts *o, struct bench_result *res)
{
	qsort(res->secs, o->reps, sizeof(double), cmp_double);
	res->min = res->secs[0];
	res->max = res->secs[o->reps - 1];
	res->median = o->reps % 2 ? res->secs[o->reps / 2] :
		      (res->secs[o->reps / 2 - 1] + res->secs[o->reps / 2]) / 2;
	res->ran = true;
}

int bench_run(const struct bench_opts *o, struct bench_report *rep)
{
	int status = 0;

	rep->nr_designs = o->nr_designs;
	for (unsigned int d = 0; d < o->nr_designs; d++) {
		struct bench_result *res = &rep->res[d];

		res->design = o->designs[d];
		if (rep->w->measure ? rep->w->measure(o, rep, res) : run_design(o, rep, res)) {
			fprintf(stderr, "anonrmap bench: %s, %s: %s\n", rep->w->name, res->design,
				res->err);
			status = 1;
		}
		for (unsigned int ph = 0; res->ran && ph < rep->w->nr_phases; ph++) {
			if (res->snap[ph].violations <= 0)
				continue;
			fprintf(stderr, "anonrmap bench: %s, %s: %d invariant violations at %s\n",
				rep->w->name, res->design, res->snap[ph].violations,
				rep->w->phases[ph].label);
			/* the reference (classic) must hold: a violation is a model bug */
			if (!strcmp(res->design, anon_rmap_nth(0)->name))
				status = 1;
		}
	}
	return status;
}

void bench_report_release(struct bench_report *rep)
{
	for (unsigned int d = 0; d < rep->nr_designs; d++) {
		free(rep->res[d].secs);
		free(rep->res[d].recorded);
		rep->res[d].secs = NULL;
		rep->res[d].recorded = NULL;
	}
}

int bench_emit(const struct bench_opts *o, const struct bench_report *rep, const char *cmdline,
	       FILE *out)
{
	struct bench_ctx c = { .w = rep->w, .p = rep->val, .rng = { o->seed } };
	struct emit_target e;
	int rc;

	emit_target_init(&e, rep->w, out);
	c.t = &e.t;
	fprintf(out, "# anonrmap bench workload '%s', written by:\n#   %s\n# %s\n#\n",
		rep->w->name, cmdline, rep->w->summary);
	for (const char *s = rep->w->describe; *s;) {
		const char *nl = strchr(s, '\n');
		int len = nl ? (int)(nl - s) : (int)strlen(s);

		fprintf(out, "# %.*s\n", len, s);
		s += len + (nl != NULL);
	}
	fprintf(out, "# parameters: seed %llu", (unsigned long long)o->seed);
	for (unsigned int i = 0; i < rep->w->nr_params; i++)
		fprintf(out, ", %s %u", rep->w->params[i].name, rep->val[i]);
	fprintf(out, "\n");
	rc = rep->w->run(&c);
	if (rc && e.t.err[0])
		fprintf(stderr, "anonrmap bench: %s\n", e.t.err);
	return rc;
}
