// SPDX-License-Identifier: GPL-2.0-only
/*
 * anonrmap-speed: the model's speed and resident memory against the live
 * kernel, every part in one run so that ratios compare like with like.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mm/anon_rmap.h"
#include "speed.h"

static const struct {
	const char *name;
	int (*run)(const struct speed_opts *o);
} parts[] = {
	{ "fork", speed_fork },
	{ "fault", speed_fault },
	{ "walk", speed_walk },
	{ "split-merge", speed_split_merge },
	{ "memory", speed_memory },
};
#define NR_PARTS (sizeof(parts) / sizeof(parts[0]))

static void usage(FILE *f)
{
	fprintf(f,
		"usage: anonrmap-speed [options] [PART...]\n\n"
		"Time the model in every registered rmap design (%s) and, side by\n"
		"side, the live kernel doing the same thing; print each issue-11 goal\n"
		"as measured next to its target. PARTs (default: all):\n"
		"  fork         fork of N VMAs of 4 written pages, N = 100 .. --max-vmas\n"
		"  fault        anonymous write faults per second\n"
		"  walk         rmap walk time and tree nodes against AVC count, fork\n"
		"               depth and fork breadth\n"
		"  split-merge  mprotect and mremap split/merge rates\n"
		"  memory       resident bytes per VMA + AVC + anon_vma + page\n\n"
		"options:\n"
		"  --reps N       repetitions, figures are medians (default 7)\n"
		"  --max-vmas N   largest fork size, a power of ten (default 1000000)\n"
		"  --no-live      do not time the live kernel\n"
		"  --mode MODE    run one design only\n"
		"  --csv DIR      also write each table as DIR/PART.csv (for bench/plot.sh)\n"
		"  --help         this text\n\n"
		"The live-kernel parts hold /tmp/anonrmap-live.lock while they run.\n"
		"Exit status: 0 when every goal measured is met, 1 when one is not,\n"
		"2 on a usage error.\n", anon_rmap_names());
}

static bool parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return !errno && !*end && *v;
}

int main(int argc, char **argv)
{
	struct speed_opts o = { .reps = 7, .max_vmas = 1000000, .live = true, .self = "/proc/self/exe" };
	bool want[NR_PARTS] = { false }, any = false;
	char self[4096];
	ssize_t len;

	if (argc > 1 && !strcmp(argv[1], "__live-fork"))
		return speed_live_fork_worker(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "__live-fault"))
		return speed_live_fault_worker(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "__memory"))
		return speed_memory_probe(argc, argv);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		unsigned long v;
		size_t p;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--no-live")) {
			o.live = false;
		} else if (!strcmp(a, "--reps") || !strcmp(a, "--max-vmas")) {
			if (!parse_ulong(i + 1 < argc ? argv[i + 1] : NULL, &v)) {
				fprintf(stderr, "anonrmap-speed: %s takes a positive number\n", a);
				return 2;
			}
			i++;
			if (!strcmp(a, "--reps"))
				o.reps = v;
			else
				o.max_vmas = v;
		} else if (!strcmp(a, "--mode") || !strcmp(a, "--csv")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "anonrmap-speed: %s needs a value\n", a);
				return 2;
			}
			if (!strcmp(a, "--csv")) {
				o.csv_dir = argv[++i];
			} else if (!anon_rmap_lookup(argv[i + 1])) {
				fprintf(stderr, "anonrmap-speed: unknown mode '%s' (known: %s)\n",
					argv[i + 1], anon_rmap_names());
				return 2;
			} else {
				speed_only_design(argv[++i]);
			}
		} else {
			for (p = 0; p < NR_PARTS && strcmp(a, parts[p].name); p++)
				;
			if (p == NR_PARTS) {
				fprintf(stderr, "anonrmap-speed: unknown part or option '%s'\n", a);
				usage(stderr);
				return 2;
			}
			want[p] = any = true;
		}
	}
	/* the sub-runs re-execute this binary, wherever it was started from */
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len > 0) {
		self[len] = 0;
		o.self = self;
	}
	printf("anonrmap-speed (libanonrmap %s): designs %s; live kernel %s\n", ANONRMAP_VERSION,
	       anon_rmap_names(), o.live ? "on" : "off");
	for (size_t p = 0; p < NR_PARTS; p++)
		if (!any || want[p])
			parts[p].run(&o);
	return speed_print_goals() ? 1 : 0;
}
