/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `anonrmap bench`: workloads, their parameters, and what a run measures.
 *
 * A workload is a deterministic program of system calls (every decision is
 * drawn from a PRNG seeded with --seed, never from the result of a call),
 * so every design and every repetition sees the same calls and only the
 * rmap bookkeeping differs.
 */
#ifndef ANONRMAP_BENCH_H
#define ANONRMAP_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <anonrmap/anonrmap.h>

#include "bench/rng.h"
#include "bench/target.h"

#define BENCH_MAX_PARAMS 12
#define BENCH_MAX_PHASES 4

/* The sizes a parameter takes under --scale small|default|phone. */
enum bench_preset {
	BENCH_SMALL,	/* what the live-kernel runner handles in a minute or so */
	BENCH_DEFAULT,
	BENCH_PHONE,	/* the cover letter's absolute sizes */
	NR_BENCH_PRESETS
};

struct bench_param {
	const char *name;	/* the option, without "--" */
	const char *help;
	unsigned int preset[NR_BENCH_PRESETS];
	unsigned int min, max;	/* the max keeps a typo from running for hours */
	bool scales;		/* multiplied by --scale N */
};

struct bench_phase {
	const char *label;	/* scenario `observe` label, JSON key */
	const char *title;	/* table heading */
};

/* The series' phone figures, active KB before (classic) and after (lazy). */
struct bench_reference {
	const char *source;
	double kb[BENCH_MAX_PHASES][3][2];	/* [phase][vma, avc, anon_vma][before, after] */
};

struct bench_ctx;
struct bench_opts;
struct bench_report;
struct bench_result;

struct bench_workload {
	const char *name;
	const char *summary;	/* one line */
	const char *describe;	/* paragraph for --help and the report */
	const struct bench_param *params;
	unsigned int nr_params;
	const struct bench_phase *phases;
	unsigned int nr_phases;
	const struct bench_reference *reference;	/* may be NULL */
	int (*run)(struct bench_ctx *c);
	/*
	 * A recorded workload (wl_recorded.c) is a scenario file, not a program
	 * against a bench_target: its exec, brk, threads and shared mappings
	 * are version-2 operations the target cannot express, and the replay
	 * that runs them already exists. So it sets @measure instead of @run,
	 * and fills one design's result of @rep itself. @recording is its
	 * file name in the source tree's workloads/.
	 */
	const char *recording;
	int (*measure)(const struct bench_opts *o, const struct bench_report *rep,
		       struct bench_result *res);
};

struct bench_ctx {
	struct bench_target *t;
	const struct bench_workload *w;
	const unsigned int *p;	/* parameter values, in the workload's order */
	struct rng rng;
	/* called now and then on long runs; may be NULL */
	void (*progress)(struct bench_ctx *c, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
	void *progress_arg;
};

/* The workloads, in the order --help and the reports list them. */
extern const struct bench_workload *const bench_workloads[];
extern const unsigned int bench_nr_workloads;
/* The recorded workloads, all of which `--workload recorded` selects. */
extern const struct bench_workload *const bench_recorded[];
extern const unsigned int bench_nr_recorded;
extern const struct bench_workload bench_recording_template;	/* for --recording FILE */
const struct bench_workload *bench_workload_find(const char *name);
/* Index of parameter @name in @w, or -1. */
int bench_param_index(const struct bench_workload *w, const char *name);

/* The caches the tables show: the cover letter's order, then folio. */
enum { BC_VMA, BC_AVC, BC_ANON_VMA, BC_FOLIO, NR_BENCH_CACHES };
extern const struct bench_cache {
	enum anonrmap_cache cache;
	const char *name;
} bench_caches[NR_BENCH_CACHES];

#define BENCH_MAX_DESIGN_OBJECTS 4

struct bench_snapshot {
	struct anonrmap_slab_stats st[NR_BENCH_CACHES];
	/* the design's own objects, as anonrmap_design_object() lists them */
	struct anonrmap_design_object extra[BENCH_MAX_DESIGN_OBJECTS];
	unsigned int nr_extra;
	unsigned int mms;		/* live address spaces */
	unsigned long max_mm_vmas;	/* VMAs of the largest one (max_map_count is 65530) */
	int violations;			/* -1: the checker did not run */
};

#endif
