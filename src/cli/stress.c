// SPDX-License-Identifier: GPL-2.0-only
/*
 * anonrmap stress: the command line of src/stress/. Its exit status is
 * what a test or a bisection needs: 0 clean, 1 for anything found (race
 * report, checker violation, unexpected errno, crash), 2 for bad usage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "mm/anon_rmap.h"
#include "stress/stress.h"

static void usage(FILE *f)
{
	char ops[256] = "                     ";

	for (int op = 0; op < NR_STRESS_OPS; op++) {
		if (op == OP_GRAB)
			continue;
		if (op == OP_WALK)
			strcat(ops, "\n                     ");
		strcat(ops, stress_op_name[op]);
		strcat(ops, op + 1 < NR_STRESS_OPS ? op + 1 == OP_GRAB ? "" : "," : "");
	}
	fprintf(f,
		"usage: anonrmap stress [--mode MODE] [--seed N] [--mutators N] [--walkers N]\n"
		"                       [--iterations N] [--seconds S] [--jitter PER_MILLE]\n"
		"                       [--mms N] [--ops OP,...] [--trace FILE] [--until-race]\n"
		"                       [--quiet]\n"
		"                       [KERNEL CONFIGURATION]\n\n"
		"Run mutator threads (read and write faults, mmap, munmap, mprotect, mremap,\n"
		"madvise, fork, exit) against walker threads (rmap walk, folio_referenced\n"
		"ageing, lazyfree reclaim, migration) on one world, all in one 2 MiB window\n"
		"at %#llx so that they collide. The world poisons freed objects of its\n"
		"type-stable caches, and the library checks every (VMA, address) a walk\n"
		"hands out; each failed check is a race report. When every thread is done\n"
		"the full invariant checker runs.\n\n"
		"  --mode MODE        rmap design: %s (classic)\n"
		"  --seed N           seeds every thread's own generator: each thread's\n"
		"                     sequence of ops is the seed's, their interleaving is not (1)\n"
		"  --mutators N       mutator threads (2)\n"
		"  --walkers N        walker threads (2)\n"
		"  --iterations N     ops per thread (1000000)\n"
		"  --seconds S        stop after S seconds, whichever bound comes first (10)\n"
		"  --jitter PER_MILLE yield the CPU at that many of every thousand preemption\n"
		"                     points of the library (locks, RCU, refcounts) (0)\n"
		"  --mms N            address spaces alive at once, at most (8)\n"
		"  --ops OP,...       draw only these ops, to corner a failure:\n%s\n"
		"  --trace FILE       write each mutator call to FILE as a version-2 scenario\n"
		"                     line, before it is made: with --mutators 1 --walkers 0\n"
		"                     'anonrmap replay' repeats the run exactly\n"
		"  --until-race       stop at the first race report: a long --seconds then\n"
		"                     costs time only when no race is found\n"
		"  --quiet            no progress on stderr\n\n"
		"Prints a summary (ops per kind and outcome, walks, race reports with the\n"
		"thread and op each hit, checker violations, elapsed time).\n"
		"Exit status: 0 clean; 1 race report, checker violation, unexpected errno\n"
		"or crash; 2 bad usage or a run that could not start.\n\n%s",
		STRESS_BASE, anon_rmap_names(), ops, cli_config_help);
}

/* --NAME N with lo <= N <= hi, into *v. */
static int number(char **argv, int argc, int *i, unsigned long long lo, unsigned long long hi,
		  unsigned long long *v)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "anonrmap stress: %s needs a value\n", argv[*i]);
		return -1;
	}
	if (cli_parse_uint("stress", argv[*i], argv[*i + 1], v))
		return -1;
	if (*v < lo || *v > hi) {
		fprintf(stderr, "anonrmap stress: %s must be from %llu to %llu\n", argv[*i], lo, hi);
		return -1;
	}
	++*i;
	return 0;
}

static int seconds(char **argv, int argc, int *i, double *v)
{
	char *end;

	if (*i + 1 >= argc) {
		fprintf(stderr, "anonrmap stress: %s needs a value\n", argv[*i]);
		return -1;
	}
	errno = 0;
	*v = strtod(argv[*i + 1], &end);
	if (errno || end == argv[*i + 1] || *end || !(*v > 0)) {
		fprintf(stderr, "anonrmap stress: --seconds needs a positive number, not '%s'\n",
			argv[*i + 1]);
		return -1;
	}
	++*i;
	return 0;
}

int cmd_stress(int argc, char **argv)
{
	struct stress_opts o;
	unsigned long long v;
	int c;

	stress_opts_default(&o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		}
		c = cli_config_option("stress", argc, argv, &i, &o.cfg);
		if (c < 0)
			return 2;
		if (c > 0)
			continue;
		if (!strcmp(a, "--quiet")) {
			o.quiet = true;
		} else if (!strcmp(a, "--until-race")) {
			o.until_race = true;
		} else if (!strcmp(a, "--mode") && i + 1 < argc) {
			o.mode = argv[++i];
			if (!anon_rmap_lookup(o.mode)) {
				fprintf(stderr, "anonrmap stress: unknown mode '%s' (known: %s)\n",
					o.mode, anon_rmap_names());
				return 2;
			}
		} else if (!strcmp(a, "--ops") && i + 1 < argc) {
			if (stress_parse_ops(argv[++i], o.weight))
				return 2;
		} else if (!strcmp(a, "--trace") && i + 1 < argc) {
			o.trace = argv[++i];
		} else if (!strcmp(a, "--seconds")) {
			if (seconds(argv, argc, &i, &o.seconds))
				return 2;
		} else if (!strcmp(a, "--seed")) {
			if (number(argv, argc, &i, 0, UINT64_MAX, &v))
				return 2;
			o.seed = v;
		} else if (!strcmp(a, "--iterations")) {
			if (number(argv, argc, &i, 1, UINT64_MAX, &o.iterations))
				return 2;
		} else if (!strcmp(a, "--mutators") || !strcmp(a, "--walkers")) {
			if (number(argv, argc, &i, !strcmp(a, "--mutators"), 256, &v))
				return 2;
			*(!strcmp(a, "--mutators") ? &o.mutators : &o.walkers) = v;
		} else if (!strcmp(a, "--jitter")) {
			if (number(argv, argc, &i, 0, 1000, &v))
				return 2;
			o.jitter = v;
		} else if (!strcmp(a, "--mms")) {
			if (number(argv, argc, &i, 1, 4096, &v))
				return 2;
			o.mms = v;
		} else {
			fprintf(stderr, "anonrmap stress: unexpected argument '%s' (see --help)\n", a);
			return 2;
		}
	}
	return stress_run(&o);
}
