// SPDX-License-Identifier: GPL-2.0-only
/*
 * The recorded workloads (the .scn.gz files in workloads/, docs/record.md) as benchmark
 * workloads. Each design's figures come from record_replay(), the replay
 * `record --report` uses, so the two commands cannot disagree; the
 * benchmark adds repetitions, timing and its three printers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench/clock.h"
#include "bench/runner.h"
#include "record/report.h"

/*
 * Every process of a recording has exited by its end, so the end alone
 * would show only what is left over (page cache, leaks): the peak is what
 * the design cost while the program ran.
 */
enum { PH_PEAK, PH_END, NR_RECORDED_PHASES };

static const struct bench_phase recorded_phases[NR_RECORDED_PHASES] = {
	[PH_PEAK] = { "peak", "Peak of each cache over the replay (the caches may peak at "
			      "different moments)" },
	[PH_END] = { "end", "At the end of the replay, every recorded process gone" },
};

/* record_replay() keeps the caches in enum anonrmap_cache order. */
static void fill(struct bench_snapshot snap[], const struct design_run *run, bool checked)
{
	for (int c = 0; c < NR_BENCH_CACHES; c++) {
		struct anonrmap_slab_stats st = run->slab[bench_caches[c].cache];

		snap[PH_END].st[c] = st;
		st.live = st.peak;
		st.live_kb = st.peak_kb;
		snap[PH_PEAK].st[c] = st;
	}
	/*
	 * The peak of live address spaces is not tracked; how many the recording
	 * creates bounds it (docs/bench.md says so). The end's count is exact.
	 */
	snap[PH_PEAK].mms = (unsigned int)run->mms;
	snap[PH_PEAK].max_mm_vmas = 0;
	snap[PH_PEAK].violations = -1;
	snap[PH_END].mms = (unsigned int)run->end_mms;
	snap[PH_END].max_mm_vmas = run->end_max_mm_vmas;
	snap[PH_END].violations = -1;
	if (checked) {
		unsigned long n = 0;

		for (int c = 0; c < NR_FINDING_CLASSES; c++)
			n += run->violations[c];
		snap[PH_END].violations = n > INT32_MAX ? INT32_MAX : (int)n;
	}
}

static int replay_failed(struct bench_result *res, const char *path, int rc)
{
	snprintf(res->err, sizeof(res->err), "%s: %s", path,
		 rc == -EBADMSG ? "does not load (the reason is above)" : strerror(-rc));
	return 1;
}

/*
 * The checker's replay is untimed and separate, as the synthetic workloads
 * keep anonrmap_check() out of their times: at every exec and exit it
 * costs more than the design under test. The timed repetitions include
 * loading the file, the same for every design. The replay's mismatch lines
 * (a design that does not reproduce the recording, docs/record.md) go to
 * stderr once, not once per repetition.
 */
static int replay_all(const struct bench_opts *o, const struct bench_report *rep,
		      struct bench_result *res, FILE *quiet)
{
	struct design_run *run = res->recorded, again;
	int rc;

	if (o->check) {
		rc = record_replay(rep->recording, res->design, true, !o->quiet, run, stderr);
		if (rc)
			return replay_failed(res, rep->recording, rc);
		fill(res->snap, run, true);
	}
	for (unsigned int r = 0; r < o->reps; r++) {
		struct bench_snapshot snap[NR_RECORDED_PHASES];
		double t0 = bench_now();

		rc = record_replay(rep->recording, res->design, false, !o->quiet, &again,
				   !o->check && !r ? stderr : quiet);
		res->secs[r] = bench_now() - t0;
		if (rc)
			return replay_failed(res, rep->recording, rc);
		fill(snap, &again, false);
		if (!o->check && !r) {
			*run = again;
			memcpy(res->snap, snap, sizeof(snap));
		} else if (!bench_same_counts(&snap[PH_PEAK], &res->snap[PH_PEAK]) ||
			   !bench_same_counts(&snap[PH_END], &res->snap[PH_END])) {
			/* a replay reads no clock and no PRNG: this is a library bug */
			snprintf(res->err, sizeof(res->err),
				 "replay %u counted different objects than the first", r + 1);
			bench_result_summarise(o, res);
			return 1;
		}
	}
	bench_result_summarise(o, res);
	return 0;
}

static int measure(const struct bench_opts *o, const struct bench_report *rep,
		   struct bench_result *res)
{
	FILE *quiet = fopen("/dev/null", "w");
	int rc;

	res->secs = calloc(o->reps, sizeof(double));
	res->recorded = calloc(1, sizeof(*res->recorded));
	if (!res->recorded || !res->secs || !quiet) {
		snprintf(res->err, sizeof(res->err), "out of memory");
		if (quiet)
			fclose(quiet);
		return 1;
	}
	rc = replay_all(o, rep, res, quiet);
	fclose(quiet);
	return rc;
}

#define RECORDED(id, file, sum, text)						\
	const struct bench_workload bench_rec_##id = {				\
		.name = #id,							\
		.summary = sum,							\
		.describe = text,						\
		.phases = recorded_phases,					\
		.nr_phases = NR_RECORDED_PHASES,				\
		.recording = file,						\
		.measure = measure,						\
	}

RECORDED(make, "make.scn.gz", "recorded: make -j2 building this project",
	 "make -j2 on a fresh clone of libanonrmap: package check, cmake, the build.");
RECORDED(pool, "pool.scn.gz", "recorded: a Python multiprocessing pool of 8 workers",
	 "python3 workloads/pool.py.");
RECORDED(git, "git.scn.gz", "recorded: git operations on this repository",
	 "git log, status, diff --stat, grep and gc on a clone of this repository.");
RECORDED(pipeline, "pipeline.scn.gz", "recorded: a shell pipeline",
	 "seq 1 200000 | sort -r | grep 7 | tr 0-9 a-j | sort | uniq -c | wc -l");
RECORDED(server, "server.scn.gz", "recorded: a forking server answering local requests",
	 "python3 workloads/forkserver.py (127.0.0.1 only, a fixed number of requests).");

/* --recording FILE: the caller copies this and names the copy after the file. */
const struct bench_workload bench_recording_template = {
	.name = "recording",
	.summary = "recorded: a recording given with --recording",
	.describe = "A scenario file given on the command line.",
	.phases = recorded_phases,
	.nr_phases = NR_RECORDED_PHASES,
	.measure = measure,
};

const struct bench_workload *const bench_recorded[] = {
	&bench_rec_pool, &bench_rec_git, &bench_rec_pipeline, &bench_rec_server, &bench_rec_make,
};
const unsigned int bench_nr_recorded = sizeof(bench_recorded) / sizeof(bench_recorded[0]);
