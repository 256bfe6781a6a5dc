/* SPDX-License-Identifier: GPL-2.0-only */
/* Running workloads in each design, and writing them out as scenarios. */
#ifndef ANONRMAP_BENCH_RUNNER_H
#define ANONRMAP_BENCH_RUNNER_H

#include <stdio.h>

#include "bench/bench.h"

#define BENCH_MAX_DESIGNS 8

struct bench_opts {
	struct anonrmap_config cfg;	/* .mode is set per design */
	uint64_t seed;
	unsigned int reps;
	bool check;			/* run the checker at each phase of the first repetition */
	const char *scale;		/* as given: "small", "default", "phone" or a number */
	const char *designs[BENCH_MAX_DESIGNS];
	unsigned int nr_designs;
	bool quiet;			/* no progress on stderr */
};

struct design_run;

/* One workload in one design. */
struct bench_result {
	const char *design;
	bool ran;
	struct bench_snapshot snap[BENCH_MAX_PHASES];
	double *secs;			/* per repetition: workload + teardown */
	double median, min, max;
	char err[256];			/* why it did not run, or "" */
	struct design_run *recorded;	/* a recorded workload's replay, findings included */
};

/* One workload in every design. */
struct bench_report {
	const struct bench_workload *w;
	const char *recording;		/* the file a recorded workload replays */
	unsigned int val[BENCH_MAX_PARAMS];
	struct bench_result res[BENCH_MAX_DESIGNS];
	unsigned int nr_designs;
};

/*
 * Fill @rep->res for each design of @o. Returns 0, or 1 when a run failed,
 * repetitions disagreed, or the reference design (classic) broke an
 * invariant. A design under examination that breaks one is reported, not
 * failed: its figures are what was asked for (docs/findings.md says why).
 */
int bench_run(const struct bench_opts *o, struct bench_report *rep);
void bench_report_release(struct bench_report *rep);
/* Did two repetitions count the same objects? */
bool bench_same_counts(const struct bench_snapshot *a, const struct bench_snapshot *b);
/* Sort @res->secs (@o->reps of them) into median, min and max; mark it run. */
void bench_result_summarise(const struct bench_opts *o, struct bench_result *res);

/* Write @rep->w with @rep->val as a scenario to @out; 0 or a negative errno. */
int bench_emit(const struct bench_opts *o, const struct bench_report *rep, const char *cmdline,
	       FILE *out);

#endif
