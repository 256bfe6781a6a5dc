// SPDX-License-Identifier: GPL-2.0-only
/*
 * --format csv: one row per workload, phase, design and object, so that a
 * spreadsheet or gnuplot can pivot it any way; the columns are in
 * docs/bench.md ("CSV output").
 */
#include "bench/report.h"

#define CSV_HEADER "workload,phase,design,object,object_bytes,live,peak,allocs,frees," \
		   "live_kb,change_pct,mms,max_mm_vmas,violations,seconds_median"

void report_csv(FILE *out, const struct bench_opts *o, const struct bench_report *reps,
		unsigned int n)
{
	fprintf(out, "%s\n", CSV_HEADER);
	for (unsigned int i = 0; i < n; i++) {
		const struct bench_report *rep = &reps[i];
		const struct bench_result *base = report_baseline(rep);

		for (unsigned int ph = 0; ph < rep->w->nr_phases; ph++)
			for (unsigned int d = 0; d < rep->nr_designs; d++) {
				const struct bench_result *r = &rep->res[d];
				const struct bench_snapshot *s = &r->snap[ph];

				if (!r->ran)
					continue;
				for (int c = 0; c < NR_BENCH_CACHES; c++) {
					const struct anonrmap_slab_stats *st = &s->st[c];
					double pct;

					fprintf(out, "%s,%s,%s,%s,%zu,%ld,%ld,%ld,%ld,%.2f,",
						rep->w->name, rep->w->phases[ph].label, r->design,
						bench_caches[c].name, st->object_bytes, st->live,
						st->peak, st->allocs, st->frees, st->live_kb);
					if (base && base != r &&
					    report_change(base->snap[ph].st[c].live_kb, st->live_kb, &pct))
						fprintf(out, "%.3f", pct);
					fprintf(out, ",%u,%lu,", s->mms, s->max_mm_vmas);
					if (s->violations >= 0)
						fprintf(out, "%d", s->violations);
					fprintf(out, ",%.6f\n", r->median);
				}
				/* the design's own objects: no fixed size, no classic to compare */
				for (unsigned int x = 0; x < s->nr_extra; x++) {
					fprintf(out, "%s,%s,%s,%s,,%ld,,,,%.2f,,%u,%lu,", rep->w->name,
						rep->w->phases[ph].label, r->design, s->extra[x].name,
						s->extra[x].live, s->extra[x].kb, s->mms, s->max_mm_vmas);
					if (s->violations >= 0)
						fprintf(out, "%d", s->violations);
					fprintf(out, ",%.6f\n", r->median);
				}
			}
	}
	(void)o;
}
