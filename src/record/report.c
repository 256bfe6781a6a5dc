// SPDX-License-Identifier: GPL-2.0-only
/* Replaying recordings in each rmap design: reproduction, memory, findings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/anon_rmap.h"
#include "record/load.h"
#include "record/report.h"
#include "scenario/replay.h"

static const char *const class_names[] = {
	[FIND_LOST_MAPPING] = "rmap walk misses a mapped page (findings 1, 2)",
	[FIND_UNLINKED_ROOT] = "folios resolve through an unlinked lazy root (finding 1)",
	[FIND_MERGE_REMOVED] = "merge removed or freed a VMA in use (finding 3)",
	[FIND_LEAK] = "objects leaked (finding 5)",
	[FIND_OTHER] = "other invariant violations",
};

/* JSON keys of the classes (`anonrmap bench --format json`, docs/bench.md). */
static const char *const class_keys[] = {
	[FIND_LOST_MAPPING] = "lost_mapping",
	[FIND_UNLINKED_ROOT] = "unlinked_root",
	[FIND_MERGE_REMOVED] = "merge_removed",
	[FIND_LEAK] = "leak",
	[FIND_OTHER] = "other",
};

const char *finding_class_name(enum finding_class c)
{
	return class_names[c];
}

const char *finding_class_key(enum finding_class c)
{
	return class_keys[c];
}

static enum finding_class classify(const char *msg)
{
	if (strstr(msg, "does not find it"))
		return FIND_LOST_MAPPING;
	if (strstr(msg, "has been unlinked"))
		return FIND_UNLINKED_ROOT;
	if (strstr(msg, "removed by a merge") || strstr(msg, "names a freed VMA") ||
	    strstr(msg, "vm_area_struct leak"))
		return FIND_MERGE_REMOVED;
	if (strstr(msg, "leak"))
		return FIND_LEAK;
	return FIND_OTHER;
}

/* One checker line; a new line number means a new check (one per checkpoint). */
static void tally(unsigned int line, const char *msg, void *arg)
{
	struct design_run *run = arg;
	enum finding_class c = classify(msg);
	const char *mm;
	unsigned int id;

	if (line != run->cur_line) {
		memset(run->seen, 0, sizeof(run->seen));
		run->cur_line = line;
	}
	run->violations[c]++;
	mm = strstr(msg, "mm ");
	if (mm && sscanf(mm, "mm %u", &id) == 1 && id < run->mms && run->mm_seen[c] &&
	    !(run->mm_seen[c][id / 8] & (1u << (id % 8)))) {
		run->mm_seen[c][id / 8] |= (unsigned char)(1u << (id % 8));
		run->mms_with[c]++;
	}
	if (!run->seen[c])
		run->checks_with[c]++;
	run->seen[c] = true;
	if (!run->first[c][0])
		snprintf(run->first[c], sizeof(run->first[c]), "%s:%u: %s", run->path, line, msg);
}

static int count_vma(const struct anonrmap_vma_info *vma, void *arg)
{
	(void)vma;
	(*(unsigned long *)arg)++;
	return 0;
}

static void at_end(struct anonrmap_world *w, void *arg)
{
	struct design_run *run = arg;

	for (int c = 0; c < 4; c++)
		anonrmap_slab_stats(w, (enum anonrmap_cache)c, &run->slab[c]);
	/* a recording whose processes all exited leaves none: more is worth seeing */
	for (struct anonrmap_mm *mm = anonrmap_mm_first(w); mm; mm = anonrmap_mm_next(mm)) {
		unsigned long n = 0;

		anonrmap_vma_foreach(mm, count_vma, &n);
		run->end_mms++;
		if (n > run->end_max_mm_vmas)
			run->end_max_mm_vmas = n;
	}
}

int record_replay(const char *path, const char *mode, bool checker, bool progress,
		  struct design_run *run, FILE *diag)
{
	struct replay_opts opts = { 0 };
	struct anonrmap_config cfg;
	struct scenario scn;
	char err[512];
	FILE *sink;

	memset(run, 0, sizeof(*run));
	run->mode = mode;
	run->path = path;
	if (scenario_load(path, &scn, err, sizeof(err))) {
		fprintf(diag, "%s\n", err);
		return -EBADMSG;
	}
	sink = fopen("/dev/null", "w");
	if (!sink) {
		scenario_free(&scn);
		return -ENOMEM;
	}
	run->mms = 1;
	for (size_t i = 0; i < scn.nr_ops; i++)
		run->mms += scn.ops[i].op == SCN_EXEC || scn.ops[i].op == SCN_FORK;
	for (int c = 0; c < NR_FINDING_CLASSES; c++)
		run->mm_seen[c] = calloc(run->mms / 8 + 1, 1);
	opts.mode = mode;
	scenario_recorded_config(path, &cfg);
	cfg.mode = mode;
	opts.config = &cfg;
	opts.stats = &run->st;
	opts.check_at_expect = checker;
	opts.progress = progress;
	opts.diag = diag;
	opts.violation = tally;
	opts.violation_arg = run;
	opts.at_end = at_end;
	opts.at_end_arg = run;
	run->status = scenario_replay(&scn, &opts, sink);
	fclose(sink);
	run->checks = checker ? run->st.checkpoints + 1 : 0;
	for (int c = 0; c < NR_FINDING_CLASSES; c++) {
		free(run->mm_seen[c]);
		run->mm_seen[c] = NULL;
	}
	scenario_free(&scn);
	return run->status < 0 ? run->status : 0;
}

int record_check(const char *path, const char *mode, FILE *out)
{
	struct design_run run;
	int err = record_replay(path, mode, false, true, &run, stderr);

	if (err == -EBADMSG)
		return 2;	/* the file did not load; record_replay() said why */
	if (err) {
		fprintf(stderr, "anonrmap: record --check: %s: replay failed: %s\n", path,
			strerror(-err));
		return 1;
	}
	fprintf(out, "%s: %s replay against the recording\n", path, mode);
	recording_print(out, &run.st);
	return 0;
}

static double change(double a, double b)
{
	return a ? 100.0 * (b - a) / a : 0.0;
}

void record_print_findings(FILE *out, const struct design_run *run)
{
	fprintf(out, "%s: %lu checker runs; VMAs %.2f%%, pages %.2f%%, events %.2f%% reproduced\n",
		run->mode, run->checks,
		run->st.vmas ? 100.0 * (double)run->st.vmas_matched / (double)run->st.vmas : 100.0,
		run->st.pages ? 100.0 * (double)run->st.pages_matched / (double)run->st.pages : 100.0,
		run->st.events ? 100.0 * (double)run->st.events_matched / (double)run->st.events : 100.0);
	for (int c = 0; c < NR_FINDING_CLASSES; c++)
		if (run->violations[c])
			fprintf(out, "  %s: in %lu of %lu address spaces, at %lu of %lu checks "
				"(%lu lines); first: %s\n", class_names[c], run->mms_with[c],
				run->mms, run->checks_with[c], run->checks, run->violations[c],
				run->first[c]);
}

static void print_design_table(FILE *out, const char *path, struct design_run *runs, int n)
{
	fprintf(out, "\n%s\n\n| object | ", path);
	for (int d = 0; d < n; d++)
		fprintf(out, "%s peak KB | ", runs[d].mode);
	for (int d = 1; d < n; d++)
		fprintf(out, "%s change | ", runs[d].mode);
	fprintf(out, "\n|---|");
	for (int d = 0; d < 2 * n - 1; d++)
		fprintf(out, "---:|");
	fprintf(out, "\n");
	for (int c = 0; c < 4; c++) {
		fprintf(out, "| %s | ", runs[0].slab[c].name);
		for (int d = 0; d < n; d++)
			fprintf(out, "%.1f | ", runs[d].slab[c].peak_kb);
		for (int d = 1; d < n; d++)
			fprintf(out, "%+.1f%% | ", change(runs[0].slab[c].peak_kb, runs[d].slab[c].peak_kb));
		fprintf(out, "\n");
	}
	fprintf(out, "| allocations (anon_vma + chain) | ");
	for (int d = 0; d < n; d++)
		fprintf(out, "%ld | ", runs[d].slab[1].allocs + runs[d].slab[2].allocs);
	for (int d = 1; d < n; d++)
		fprintf(out, "%+.1f%% | ",
			change((double)(runs[0].slab[1].allocs + runs[0].slab[2].allocs),
			       (double)(runs[d].slab[1].allocs + runs[d].slab[2].allocs)));
	fprintf(out, "\n\n");
	for (int d = 0; d < n; d++)
		record_print_findings(out, &runs[d]);
}

int record_report(const char *const *paths, int n, FILE *out)
{
	struct design_run runs[8];
	int rc = 0;

	for (int i = 0; i < n; i++) {
		int nd = 0;

		for (const struct anon_rmap_ops *ops; nd < 8 && (ops = anon_rmap_nth((size_t)nd));
		     nd++) {
			fprintf(stderr, "anonrmap: record --report: %s in %s\n", paths[i], ops->name);
			if (record_replay(paths[i], ops->name, true, true, &runs[nd], stderr)) {
				rc = 1;
				break;
			}
		}
		if (nd)
			print_design_table(out, paths[i], runs, nd);
	}
	return rc;
}
