// SPDX-License-Identifier: GPL-2.0-only
/*
 * anonrmap bench: every workload in every registered rmap design, printed
 * as the ANON_VMA_LAZY cover letter's table, or written out as a scenario
 * for the live kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/report.h"
#include "bench/runner.h"
#include "cli/commands.h"
#include "mm/anon_rmap.h"

#define MAX_SETTINGS 32

enum format { FMT_TABLE, FMT_JSON, FMT_CSV };

struct setting {
	const char *name;	/* parameter name, without "--" */
	const char *value;
	bool used;
};

struct args {
	struct bench_opts o;
	const struct bench_workload *w[16];
	const char *recording[16];	/* of each recorded workload in w */
	struct bench_workload given[16];	/* one per --recording FILE */
	unsigned int nr_w, nr_given;
	enum format format;
	const char *emit;
	bool reps_given, check_given;
	enum bench_preset preset;
	unsigned int factor;	/* --scale N */
	struct setting set[MAX_SETTINGS];
	unsigned int nr_set;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: anonrmap bench [OPTIONS] [--PARAMETER N ...]\n\n"
		"Run workloads in every rmap design and print what each design spends on\n"
		"vm_area_struct, anon_vma_chain, anon_vma and folio, in the shape of the\n"
		"ANON_VMA_LAZY cover letter's table (Object | KB per design | Change), with\n"
		"object counts and wall time. docs/bench.md explains the output.\n\n"
		"  --workload W[,W...]  workloads to run (default: all, the synthetic ones),\n"
		"                       see below; `recorded` is the five recordings\n"
		"  --recording FILE     also run the recording FILE (.scn or .scn.gz, as\n"
		"                       written by `anonrmap record`); may be repeated\n"
		"  --mode M[,M...]      rmap designs (default: every registered one: %s);\n"
		"                       Change is relative to %s\n"
		"  --scale S            small (what the live-kernel runner handles), default,\n"
		"                       phone (the cover letter's absolute sizes: ~600 k VMAs\n"
		"                       after boot, ~1 M after 24 apps), or a number N that\n"
		"                       multiplies the default of every parameter marked *\n"
		"  --format F           table (default), json or csv\n"
		"  --seed N             PRNG seed of the workloads (default 1)\n"
		"  --reps N             repetitions per design for the wall time (default 3,\n"
		"                       1 at --scale phone); the counts must match in each\n"
		"  --check, --no-check  run the invariant checker at the end of each phase of\n"
		"                       the first repetition, untimed (default: on, but off\n"
		"                       at --scale phone, where it takes longer than the\n"
		"                       workload)\n"
		"  --emit-scenario FILE write the one selected workload as a scenario for\n"
		"                       `anonrmap compare` instead of running it\n"
		"  --help               this text\n\n%s\n"
		"Workloads and their parameters (--NAME N; small/default/phone values):\n",
		anon_rmap_names(), anon_rmap_nth(0)->name, cli_config_help);
	for (unsigned int i = 0; i < bench_nr_workloads; i++) {
		const struct bench_workload *w = bench_workloads[i];

		fprintf(f, "\n  %s: %s\n", w->name, w->summary);
		for (unsigned int k = 0; k < w->nr_params; k++) {
			const struct bench_param *p = &w->params[k];

			fprintf(f, "    --%-13s %-6s %s (%u/%u/%u)\n", p->name, p->scales ? "N *" : "N",
				p->help, p->preset[BENCH_SMALL], p->preset[BENCH_DEFAULT],
				p->preset[BENCH_PHONE]);
		}
	}
	fprintf(f,
		"\nRecorded workloads (anonrmap record, docs/record.md), replayed from\n"
		"%s/; phases peak and end; checker findings by class:\n",
		ANONRMAP_WORKLOADS_DIR);
	for (unsigned int i = 0; i < bench_nr_recorded; i++)
		fprintf(f, "  %-9s %s\n", bench_recorded[i]->name, bench_recorded[i]->summary);
	fprintf(f,
		"\nExit status: 0 success; 1 a workload failed, repetitions disagreed, or\n"
		"the reference design broke an invariant (other designs' violations are\n"
		"reported, not failed: they are under examination); 2 usage error.\n");
}

static int __attribute__((format(printf, 1, 2))) bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "anonrmap bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(anonrmap bench --help lists the options)\n");
	return -1;
}

static bool parse_u(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end && *v <= max;
}

static int parse_list(char *list, const char *what, int (*add)(struct args *, const char *),
		      struct args *a)
{
	for (char *save = NULL, *s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save))
		if (add(a, s))
			return bad("unknown %s '%s'", what, s);
	return 0;
}

static int add_workload(struct args *a, const char *name)
{
	const struct bench_workload *w = bench_workload_find(name);

	if (!strcmp(name, "all")) {
		for (unsigned int i = 0; i < bench_nr_workloads && a->nr_w < 16; i++)
			a->w[a->nr_w++] = bench_workloads[i];
		return 0;
	}
	if (!strcmp(name, "recorded")) {
		for (unsigned int i = 0; i < bench_nr_recorded && a->nr_w < 16; i++)
			a->w[a->nr_w++] = bench_recorded[i];
		return 0;
	}
	for (unsigned int i = 0; !w && i < bench_nr_recorded; i++)
		if (!strcmp(bench_recorded[i]->name, name))
			w = bench_recorded[i];
	if (!w || a->nr_w >= 16)
		return -1;
	a->w[a->nr_w++] = w;
	return 0;
}

/* --recording FILE: a workload named after the file, without .scn[.gz]. */
static int add_recording(struct args *a, const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct bench_workload *w;
	size_t len = strlen(base);
	char *name;

	if (a->nr_w >= 16)
		return bad("too many workloads");
	if (access(path, R_OK))
		return bad("--recording %s: %s", path, strerror(errno));
	if (len > 3 && !strcmp(base + len - 3, ".gz"))
		len -= 3;
	if (len > 4 && !strncmp(base + len - 4, ".scn", 4))
		len -= 4;
	name = strndup(base, len);
	if (!name)
		return bad("out of memory");
	w = &a->given[a->nr_given++];
	*w = bench_recording_template;
	w->name = name;
	a->recording[a->nr_w] = path;
	a->w[a->nr_w++] = w;
	return 0;
}

static int add_design(struct args *a, const char *name)
{
	const struct anon_rmap_ops *ops = anon_rmap_lookup(name);

	if (!ops || a->o.nr_designs >= BENCH_MAX_DESIGNS)
		return -1;
	a->o.designs[a->o.nr_designs++] = ops->name;
	return 0;
}

static int parse_scale(struct args *a, const char *s)
{
	static const char *const names[NR_BENCH_PRESETS] = { "small", "default", "phone" };
	unsigned long long v;

	a->o.scale = s;
	a->factor = 1;
	for (int p = 0; p < NR_BENCH_PRESETS; p++)
		if (!strcmp(s, names[p])) {
			a->preset = p;
			return 0;
		}
	if (!parse_u(s, 1000, &v) || !v)
		return bad("--scale takes small, default, phone or a number 1..1000, not '%s'", s);
	a->preset = BENCH_DEFAULT;
	a->factor = v;
	return 0;
}

static int parse_option(struct args *a, int argc, char **argv, int *i)
{
	const char *opt = argv[*i], *val = *i + 1 < argc ? argv[*i + 1] : NULL;
	unsigned long long v;
	int rc = cli_config_option("bench", argc, argv, i, &a->o.cfg);

	if (rc)
		return rc < 0 ? -1 : 0;
	if (!strcmp(opt, "--check") || !strcmp(opt, "--no-check")) {
		a->o.check = !strcmp(opt, "--check");
		a->check_given = true;
		return 0;
	}
	if (strncmp(opt, "--", 2) || !opt[2])
		return bad("unexpected argument '%s'", opt);
	if (!val)
		return bad("%s needs a value", opt);
	(*i)++;
	if (!strcmp(opt, "--workload"))
		return parse_list(argv[*i], "workload", add_workload, a);
	if (!strcmp(opt, "--recording"))
		return add_recording(a, val);
	if (!strcmp(opt, "--mode"))
		return parse_list(argv[*i], "rmap design", add_design, a);
	if (!strcmp(opt, "--scale"))
		return parse_scale(a, val);
	if (!strcmp(opt, "--emit-scenario")) {
		a->emit = val;
		return 0;
	}
	if (!strcmp(opt, "--format")) {
		static const char *const f[] = { "table", "json", "csv" };

		for (int k = 0; k < 3; k++)
			if (!strcmp(val, f[k])) {
				a->format = k;
				return 0;
			}
		return bad("--format takes table, json or csv, not '%s'", val);
	}
	if (!strcmp(opt, "--seed")) {
		if (!parse_u(val, UINT64_MAX, &v))
			return bad("--seed needs a non-negative number, not '%s'", val);
		a->o.seed = v;
		return 0;
	}
	if (!strcmp(opt, "--reps")) {
		if (!parse_u(val, 1000, &v) || !v)
			return bad("--reps takes a number 1..1000, not '%s'", val);
		a->o.reps = v;
		a->reps_given = true;
		return 0;
	}
	/* a workload parameter; which workloads have it is checked later */
	if (a->nr_set == MAX_SETTINGS)
		return bad("too many parameters");
	a->set[a->nr_set++] = (struct setting){ opt + 2, val, false };
	return 0;
}

/* The parameter values of @w: the preset, scaled, then what was given. */
static int resolve(struct args *a, const struct bench_workload *w, unsigned int *val)
{
	for (unsigned int k = 0; k < w->nr_params; k++) {
		const struct bench_param *p = &w->params[k];
		unsigned long long v = p->preset[a->preset];

		if (p->scales)
			v *= a->factor;
		for (unsigned int s = 0; s < a->nr_set; s++) {
			if (strcmp(a->set[s].name, p->name))
				continue;
			a->set[s].used = true;
			if (!parse_u(a->set[s].value, UINT32_MAX, &v))
				return bad("--%s needs a non-negative number, not '%s'", p->name,
					   a->set[s].value);
		}
		if (v < p->min || v > p->max) {
			fprintf(stderr, "anonrmap bench: %s --%s %llu is outside %u..%u%s\n", w->name,
				p->name, v, p->min, p->max,
				p->scales && a->factor > 1 ? " (--scale multiplied it)" : "");
			return -1;
		}
		val[k] = v;
	}
	return 0;
}

/*
 * The files of the named recorded workloads, looked for in the source tree
 * this binary was built from; a copy elsewhere is given with --recording.
 */
static int find_recordings(struct args *a)
{
	for (unsigned int i = 0; i < a->nr_w; i++) {
		size_t len;
		char *path;

		if (!a->w[i]->recording || a->recording[i])
			continue;
		len = strlen(ANONRMAP_WORKLOADS_DIR) + strlen(a->w[i]->recording) + 2;
		path = malloc(len);
		if (!path)
			return bad("out of memory");
		snprintf(path, len, "%s/%s", ANONRMAP_WORKLOADS_DIR, a->w[i]->recording);
		a->recording[i] = path;
		if (access(path, R_OK))
			return bad("%s: %s: %s (give a copy with --recording FILE)", a->w[i]->name,
				   path, strerror(errno));
	}
	return 0;
}

static int parse_args(struct args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			exit(0);
		}
		if (parse_option(a, argc, argv, &i))
			return -1;
	}
	if (!a->nr_w)
		add_workload(a, "all");
	/* every registered design, so a new one becomes a column by itself */
	if (!a->o.nr_designs)
		for (size_t d = 0; anon_rmap_nth(d) && a->o.nr_designs < BENCH_MAX_DESIGNS; d++)
			a->o.designs[a->o.nr_designs++] = anon_rmap_nth(d)->name;
	/* at a million VMAs the checker takes longer than the workload */
	if (!a->reps_given)
		a->o.reps = a->preset == BENCH_PHONE ? 1 : 3;
	if (!a->check_given)
		a->o.check = a->preset != BENCH_PHONE;
	if (a->emit && a->nr_w != 1)
		return bad("--emit-scenario writes one workload: choose it with --workload");
	if (a->emit && a->w[0]->measure)
		return bad("--emit-scenario: %s is a recording already; replay it with "
			   "`anonrmap replay`", a->w[0]->name);
	return find_recordings(a);
}

static char *join_args(int argc, char **argv)
{
	size_t len = 16;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, "anonrmap");
	for (int i = 0; i < argc; i++)
		strcat(strcat(s, " "), argv[i]);
	return s;
}

/* Written to a temporary name and renamed, so a failure leaves no half file. */
static int emit(struct args *a, struct bench_report *rep, int argc, char **argv)
{
	size_t len = strlen(a->emit) + 8;
	char *tmp = malloc(len), *cmd = join_args(argc, argv);
	FILE *f = NULL;
	int rc = -ENOMEM;

	if (tmp && cmd) {
		snprintf(tmp, len, "%s.tmp", a->emit);
		f = fopen(tmp, "w");
		rc = f ? bench_emit(&a->o, rep, cmd, f) : -errno;
	}
	if (f && fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, a->emit))
		rc = -errno;
	if (rc) {
		fprintf(stderr, "anonrmap bench: cannot write %s: %s\n", a->emit, strerror(-rc));
		if (f)
			unlink(tmp);
	}
	free(tmp);
	free(cmd);
	return rc ? 1 : 0;
}

static void release_args(struct args *a)
{
	for (unsigned int i = 0; i < a->nr_w; i++)
		if (a->w[i]->recording)
			free((char *)a->recording[i]);
	for (unsigned int i = 0; i < a->nr_given; i++)
		free((char *)a->given[i].name);
}

int walk_cost_main(int argc, char **argv);

int cmd_bench(int argc, char **argv)
{
	struct args a = { .o = { .seed = 1, .check = true, .scale = "default" },
			  .preset = BENCH_DEFAULT, .factor = 1 };
	struct bench_report *reps;
	int status = 0;

	/* a program of its own (src/bench/walk_cost.c): walks, not slabs */
	if (argc > 1 && !strcmp(argv[1], "--walk-cost"))
		return walk_cost_main(argc - 1, argv + 1);
	anonrmap_config_init(&a.o.cfg);
	if (parse_args(&a, argc, argv)) {
		release_args(&a);
		return 2;
	}
	reps = calloc(a.nr_w, sizeof(*reps));
	if (!reps) {
		release_args(&a);
		return 1;
	}
	for (unsigned int i = 0; i < a.nr_w; i++) {
		reps[i].w = a.w[i];
		reps[i].recording = a.recording[i];
		if (resolve(&a, a.w[i], reps[i].val)) {
			free(reps);
			release_args(&a);
			return 2;
		}
	}
	for (unsigned int s = 0; s < a.nr_set; s++)
		if (!a.set[s].used) {
			bad("unknown option --%s (no selected workload has that parameter)",
			    a.set[s].name);
			free(reps);
			release_args(&a);
			return 2;
		}
	if (a.emit) {
		status = emit(&a, &reps[0], argc, argv);
		free(reps);
		release_args(&a);
		return status;
	}
	for (unsigned int i = 0; i < a.nr_w; i++)
		status |= bench_run(&a.o, &reps[i]);
	if (a.format == FMT_JSON)
		report_json(stdout, &a.o, reps, a.nr_w);
	else if (a.format == FMT_CSV)
		report_csv(stdout, &a.o, reps, a.nr_w);
	else
		report_table(stdout, &a.o, reps, a.nr_w);
	for (unsigned int i = 0; i < a.nr_w; i++)
		bench_report_release(&reps[i]);
	free(reps);
	release_args(&a);
	return status;
}
