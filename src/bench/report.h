/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The three ways `anonrmap bench` prints its results: the cover letter's
 * table for eyes, JSON and CSV for tools (docs/bench.md gives the schemas).
 */
#ifndef ANONRMAP_BENCH_REPORT_H
#define ANONRMAP_BENCH_REPORT_H

#include <stdio.h>

#include "bench/runner.h"

#define BENCH_JSON_SCHEMA "anonrmap-bench/1"

void report_table(FILE *out, const struct bench_opts *o, const struct bench_report *reps,
		  unsigned int n);
void report_json(FILE *out, const struct bench_opts *o, const struct bench_report *reps,
		 unsigned int n);
void report_csv(FILE *out, const struct bench_opts *o, const struct bench_report *reps,
		unsigned int n);

/*
 * The result of the reference design (the first registered, classic) in
 * @rep, or NULL when it did not run.
 */
const struct bench_result *report_baseline(const struct bench_report *rep);
/* (after - before) / before in percent; false when before is 0. */
bool report_change(double before, double after, double *pct);

#endif
