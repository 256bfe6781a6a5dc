// SPDX-License-Identifier: GPL-2.0-only
/* The cover letter's table (Object | KB per design | Change), then the counts. */
#include <string.h>

#include <anonrmap/config.h>

#include "bench/report.h"
#include "record/report.h"

static void change_cell(char *buf, size_t len, double before, double after)
{
	double pct;

	if (!report_change(before, after, &pct))
		snprintf(buf, len, after == 0 ? "+0.0%%" : "n/a");
	else
		snprintf(buf, len, "%+.1f%%", pct);
}

static void print_kb_table(FILE *out, const struct bench_report *rep, unsigned int ph)
{
	const struct bench_result *base = report_baseline(rep);
	const struct bench_reference *ref = rep->w->reference;
	char h[64];

	fprintf(out, "%-14s", "Object");
	for (unsigned int d = 0; d < rep->nr_designs; d++) {
		snprintf(h, sizeof(h), "%s KB", rep->res[d].design);
		fprintf(out, " | %12s", h);
	}
	for (unsigned int d = 0; base && d < rep->nr_designs; d++)
		if (&rep->res[d] != base) {
			snprintf(h, sizeof(h), "Change %s", rep->res[d].design);
			fprintf(out, " | %12s", h);
		}
	if (ref)
		fprintf(out, " || %12s | %12s | %7s", "letter before", "letter after", "Change");
	fputc('\n', out);

	for (int c = 0; c < NR_BENCH_CACHES; c++) {
		fprintf(out, "%-14s", bench_caches[c].name);
		for (unsigned int d = 0; d < rep->nr_designs; d++) {
			if (rep->res[d].ran)
				fprintf(out, " | %12.2f", rep->res[d].snap[ph].st[c].live_kb);
			else
				fprintf(out, " | %12s", "-");
		}
		for (unsigned int d = 0; base && d < rep->nr_designs; d++) {
			const struct bench_result *r = &rep->res[d];
			char cell[32] = "-";

			if (r == base)
				continue;
			if (r->ran)
				change_cell(cell, sizeof(cell), base->snap[ph].st[c].live_kb,
					    r->snap[ph].st[c].live_kb);
			fprintf(out, " | %12s", cell);
		}
		if (ref && c < 3) {
			char cell[32];

			change_cell(cell, sizeof(cell), ref->kb[ph][c][0], ref->kb[ph][c][1]);
			fprintf(out, " || %12.2f | %12.2f | %7s", ref->kb[ph][c][0], ref->kb[ph][c][1],
				cell);
		}
		fputc('\n', out);
	}
}

/*
 * Objects only some designs have (cowctx's contexts, maple nodes, remap
 * arrays), and each design's rmap total: anon_vma_chain + anon_vma + these.
 */
static void print_design_objects(FILE *out, const struct bench_report *rep, unsigned int ph)
{
	const struct bench_result *ref = report_baseline(rep);
	double ref_kb = 0;
	bool any = false;

	for (unsigned int d = 0; d < rep->nr_designs; d++)
		any |= rep->res[d].ran && rep->res[d].snap[ph].nr_extra;
	if (!any)
		return;
	fprintf(out, "\n%-11s | %-14s | %9s | %12s\n", "Design", "Object", "live", "KB");
	for (unsigned int d = 0; d < rep->nr_designs; d++) {
		const struct bench_snapshot *s = &rep->res[d].snap[ph];

		for (unsigned int i = 0; rep->res[d].ran && i < s->nr_extra; i++)
			fprintf(out, "%-11s | %-14s | %9ld | %12.2f%s\n", rep->res[d].design,
				s->extra[i].name, s->extra[i].live, s->extra[i].kb,
				strcmp(s->extra[i].name, "maple_node") ? "" : "  (estimate, dense nodes)");
	}
	if (ref)
		ref_kb = ref->snap[ph].st[BC_AVC].live_kb + ref->snap[ph].st[BC_ANON_VMA].live_kb;
	fprintf(out, "rmap total KB (anon_vma_chain + anon_vma + the objects above):");
	for (unsigned int d = 0; d < rep->nr_designs; d++) {
		const struct bench_snapshot *s = &rep->res[d].snap[ph];
		double kb = s->st[BC_AVC].live_kb + s->st[BC_ANON_VMA].live_kb, pct;

		if (!rep->res[d].ran)
			continue;
		for (unsigned int i = 0; i < s->nr_extra; i++)
			kb += s->extra[i].kb;
		fprintf(out, " %s %.2f", rep->res[d].design, kb);
		if (ref && report_change(ref_kb, kb, &pct))
			fprintf(out, " (%+.1f%%)", pct);
		fputc(d + 1 < rep->nr_designs ? ',' : '\n', out);
	}
}

static void print_counts(FILE *out, const struct bench_opts *o, const struct bench_report *rep,
			 unsigned int ph)
{
	fprintf(out, "\n%-11s | %-14s | %9s | %9s | %9s\n", "Design", "Object", "live", "peak",
		"allocs");
	for (unsigned int d = 0; d < rep->nr_designs; d++) {
		const struct bench_result *r = &rep->res[d];

		if (!r->ran)
			continue;
		for (int c = 0; c < NR_BENCH_CACHES; c++) {
			const struct anonrmap_slab_stats *st = &r->snap[ph].st[c];

			fprintf(out, "%-11s | %-14s | %9ld | %9ld | %9ld\n", r->design,
				bench_caches[c].name, st->live, st->peak, st->allocs);
		}
	}
	print_design_objects(out, rep, ph);
	for (unsigned int d = 0; d < rep->nr_designs; d++) {
		const struct bench_snapshot *s = &rep->res[d].snap[ph];

		if (!rep->res[d].ran)
			continue;
		if (rep->recording && !strcmp(rep->w->phases[ph].label, "peak"))
			fprintf(out, "%s: the recording creates %u address spaces; invariant "
				"violations: ", rep->res[d].design, s->mms);
		else
			fprintf(out, "%s: %u address spaces, the largest with %lu VMAs; invariant "
				"violations: ", rep->res[d].design, s->mms, s->max_mm_vmas);
		if (s->violations < 0)
			fprintf(out, "%s\n", rep->recording && o->check ? "counted at the end" :
				"not checked");
		else
			fprintf(out, "%d\n", s->violations);
	}
}

static void print_workload(FILE *out, const struct bench_opts *o, const struct bench_report *rep)
{
	const struct bench_workload *w = rep->w;

	fprintf(out, "== %s: %s\n", w->name, w->summary);
	if (rep->recording) {
		fprintf(out, "recording: %s\n", rep->recording);
	} else {
		fprintf(out, "parameters (--scale %s):", o->scale);
		for (unsigned int i = 0; i < w->nr_params; i++)
			fprintf(out, "%s --%s %u", i ? "," : "", w->params[i].name, rep->val[i]);
		fprintf(out, "\n");
	}
	for (unsigned int ph = 0; ph < w->nr_phases; ph++) {
		fprintf(out, "\n%s (KB = live objects x object size / 1024):\n", w->phases[ph].title);
		print_kb_table(out, rep, ph);
		print_counts(out, o, rep, ph);
	}
	if (w->reference)
		fprintf(out, "\nletter: %s, active KB; before = classic, after = ANON_VMA_LAZY\n",
			w->reference->source);
	if (rep->recording && o->check) {
		fprintf(out, "\nChecker findings over the replay (at every exec and exit, and the "
			"end), by class:\n");
		for (unsigned int d = 0; d < rep->nr_designs; d++)
			if (rep->res[d].ran && rep->res[d].recorded)
				record_print_findings(out, rep->res[d].recorded);
	}
	fprintf(out, "\nWall time, %s, median of %u (min, max):\n",
		rep->recording ? "loading and replaying the file" : "workload + teardown", o->reps);
	for (unsigned int d = 0; d < rep->nr_designs; d++) {
		const struct bench_result *r = &rep->res[d];

		if (r->ran)
			fprintf(out, "  %-11s %10.1f ms (%.1f, %.1f)\n", r->design, r->median * 1e3,
				r->min * 1e3, r->max * 1e3);
		else
			fprintf(out, "  %-11s did not run: %s\n", r->design, r->err);
	}
	fprintf(out, "\n");
}

void report_table(FILE *out, const struct bench_opts *o, const struct bench_report *reps,
		  unsigned int n)
{
	size_t sz[NR_BENCH_CACHES];
	struct anonrmap_config cfg = o->cfg;

	char kernel[512];

	anonrmap_config_format(&cfg, kernel, sizeof(kernel));
	fprintf(out, "libanonrmap %s slab benchmark (anonrmap bench)\n", ANONRMAP_VERSION);
	fprintf(out, "kernel configuration: %s\n", kernel);
	fprintf(out, "seed %llu, %u repetitions; object sizes:", (unsigned long long)o->seed,
		o->reps);
	sz[BC_VMA] = cfg.vma_bytes;
	sz[BC_AVC] = cfg.avc_bytes;
	sz[BC_ANON_VMA] = cfg.anon_vma_bytes;
	sz[BC_FOLIO] = cfg.folio_bytes;
	for (int c = 0; c < NR_BENCH_CACHES; c++)
		fprintf(out, " %s %zu B%s", bench_caches[c].name, sz[c],
			c + 1 < NR_BENCH_CACHES ? "," : "\n\n");
	for (unsigned int i = 0; i < n; i++)
		print_workload(out, o, &reps[i]);
}
