// SPDX-License-Identifier: GPL-2.0-only
/* --format json; the schema is in docs/bench.md ("JSON output"). */
#include <anonrmap/config.h>

#include "bench/report.h"
#include "record/report.h"

static void jstr(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void jchange(FILE *out, double before, double after)
{
	double pct;

	if (report_change(before, after, &pct))
		fprintf(out, "%.3f", pct);
	else
		fprintf(out, "null");
}

static void json_reference(FILE *out, const struct bench_workload *w)
{
	const struct bench_reference *ref = w->reference;

	if (!ref) {
		fprintf(out, "null");
		return;
	}
	fprintf(out, "{\"source\": ");
	jstr(out, ref->source);
	fprintf(out, ", \"phases\": {");
	for (unsigned int ph = 0; ph < w->nr_phases; ph++) {
		fprintf(out, "%s\"%s\": {", ph ? ", " : "", w->phases[ph].label);
		for (int c = 0; c < 3; c++) {
			fprintf(out, "%s\"%s\": {\"before_kb\": %.2f, \"after_kb\": %.2f, "
				"\"change_pct\": ", c ? ", " : "", bench_caches[c].name,
				ref->kb[ph][c][0], ref->kb[ph][c][1]);
			jchange(out, ref->kb[ph][c][0], ref->kb[ph][c][1]);
			fputc('}', out);
		}
		fputc('}', out);
	}
	fprintf(out, "}}");
}

static void json_phase(FILE *out, const struct bench_result *r, const struct bench_result *base,
		       unsigned int ph)
{
	const struct bench_snapshot *s = &r->snap[ph];

	fprintf(out, "{\"mms\": %u, \"max_mm_vmas\": %lu, \"violations\": ", s->mms,
		s->max_mm_vmas);
	if (s->violations < 0)
		fprintf(out, "null");
	else
		fprintf(out, "%d", s->violations);
	fprintf(out, ", \"objects\": {");
	for (int c = 0; c < NR_BENCH_CACHES; c++) {
		const struct anonrmap_slab_stats *st = &s->st[c];

		fprintf(out, "%s\n            \"%s\": {\"object_bytes\": %zu, \"live\": %ld, "
			"\"peak\": %ld, \"allocs\": %ld, \"frees\": %ld, \"live_kb\": %.2f, "
			"\"change_pct\": ", c ? "," : "", bench_caches[c].name, st->object_bytes,
			st->live, st->peak, st->allocs, st->frees, st->live_kb);
		if (base && base != r)
			jchange(out, base->snap[ph].st[c].live_kb, st->live_kb);
		else
			fprintf(out, "null");
		fputc('}', out);
	}
	/* the design's own objects: sizes vary (arrays) or are estimates (maple nodes) */
	for (unsigned int i = 0; i < s->nr_extra; i++)
		fprintf(out, ",\n            \"%s\": {\"object_bytes\": null, \"live\": %ld, "
			"\"peak\": null, \"allocs\": null, \"frees\": null, \"live_kb\": %.2f, "
			"\"change_pct\": null}", s->extra[i].name, s->extra[i].live, s->extra[i].kb);
	fprintf(out, "}}");
}

/* A recorded workload's checker findings, by the classes of record/report.h. */
static void json_findings(FILE *out, const struct design_run *run)
{
	fprintf(out, ",\n          \"findings\": {\"checks\": %lu, \"address_spaces\": %lu, "
		"\"classes\": {", run->checks, run->mms);
	for (int c = 0; c < NR_FINDING_CLASSES; c++) {
		fprintf(out, "%s\n            \"%s\": {\"lines\": %lu, \"checks\": %lu, "
			"\"address_spaces\": %lu, \"first\": ", c ? "," : "", finding_class_key(c),
			run->violations[c], run->checks_with[c], run->mms_with[c]);
		if (run->first[c][0])
			jstr(out, run->first[c]);
		else
			fprintf(out, "null");
		fputc('}', out);
	}
	fprintf(out, "}}");
}

static void json_result(FILE *out, const struct bench_report *rep, const struct bench_result *r)
{
	const struct bench_result *base = report_baseline(rep);

	fprintf(out, "{\"design\": ");
	jstr(out, r->design);
	fprintf(out, ", \"ran\": %s, \"error\": ", r->ran ? "true" : "false");
	if (r->err[0])
		jstr(out, r->err);
	else
		fprintf(out, "null");
	if (!r->ran) {
		fputc('}', out);
		return;
	}
	fprintf(out, ",\n          \"seconds\": {\"median\": %.6f, \"min\": %.6f, \"max\": %.6f}",
		r->median, r->min, r->max);
	fprintf(out, ",\n          \"phases\": {");
	for (unsigned int ph = 0; ph < rep->w->nr_phases; ph++) {
		fprintf(out, "%s\n          \"%s\": ", ph ? "," : "", rep->w->phases[ph].label);
		json_phase(out, r, base, ph);
	}
	fprintf(out, "}");
	if (r->recorded && r->recorded->checks)
		json_findings(out, r->recorded);
	fprintf(out, "}");
}

static void json_workload(FILE *out, const struct bench_report *rep)
{
	const struct bench_workload *w = rep->w;

	fprintf(out, "    {\"name\": \"%s\",\n      \"params\": {", w->name);
	for (unsigned int i = 0; i < w->nr_params; i++)
		fprintf(out, "%s\"%s\": %u", i ? ", " : "", w->params[i].name, rep->val[i]);
	fprintf(out, "},\n      \"phases\": [");
	for (unsigned int ph = 0; ph < w->nr_phases; ph++)
		fprintf(out, "%s\"%s\"", ph ? ", " : "", w->phases[ph].label);
	fprintf(out, "],\n      \"recording\": ");
	if (rep->recording)
		jstr(out, rep->recording);
	else
		fprintf(out, "null");
	fprintf(out, ",\n      \"reference\": ");
	json_reference(out, w);
	fprintf(out, ",\n      \"results\": [");
	for (unsigned int d = 0; d < rep->nr_designs; d++) {
		fprintf(out, "%s\n        ", d ? "," : "");
		json_result(out, rep, &rep->res[d]);
	}
	fprintf(out, "]}");
}

void report_json(FILE *out, const struct bench_opts *o, const struct bench_report *reps,
		 unsigned int n)
{
	const struct bench_result *base = n ? report_baseline(&reps[0]) : NULL;
	char kernel[512];

	fprintf(out, "{\n  \"schema\": \"%s\",\n  \"version\": \"%s\",\n", BENCH_JSON_SCHEMA,
		ANONRMAP_VERSION);
	fprintf(out, "  \"seed\": %llu,\n  \"reps\": %u,\n  \"scale\": ",
		(unsigned long long)o->seed, o->reps);
	jstr(out, o->scale);
	anonrmap_config_format(&o->cfg, kernel, sizeof(kernel));
	fprintf(out, ",\n  \"zero_page\": %s,\n  \"kernel_config\": ",
		o->cfg.zero_page ? "true" : "false");
	jstr(out, kernel);
	fprintf(out, ",\n  \"baseline\": ");
	if (base)
		jstr(out, base->design);
	else
		fprintf(out, "null");
	fprintf(out, ",\n  \"designs\": [");
	for (unsigned int d = 0; d < o->nr_designs; d++)
		fprintf(out, "%s\"%s\"", d ? ", " : "", o->designs[d]);
	fprintf(out, "],\n  \"workloads\": [\n");
	for (unsigned int i = 0; i < n; i++) {
		json_workload(out, &reps[i]);
		fprintf(out, "%s\n", i + 1 < n ? "," : "");
	}
	fprintf(out, "  ]\n}\n");
}
