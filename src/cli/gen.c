// SPDX-License-Identifier: GPL-2.0-only
/*
 * anonrmap gen: print the random scenario for a seed.
 * anonrmap fuzz: generate and replay many seeds with the checker on, and
 * name every seed that breaks an invariant, so it can be replayed alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <anonrmap/world.h>

#include "cli/commands.h"
#include "mm/anon_rmap.h"
#include "scenario/gen.h"

/* Options both subcommands share; returns 1 if @argv[*i] was one of them. */
static int gen_option(const char *cmd, int argc, char **argv, int *i, struct gen_opts *o,
		      int *bad)
{
	static const char *const names[] = { "--ops", "--procs", "--pages" };
	unsigned long long v;

	if (!strcmp(argv[*i], "--migrate")) {
		o->migrate = true;
		return 1;
	}
	if (!strcmp(argv[*i], "--huge")) {
		o->huge = true;
		return 1;
	}
	if (!strcmp(argv[*i], "--large-folios")) {
		o->large = true;
		return 1;
	}
	for (int k = 0; k < 3; k++) {
		if (strcmp(argv[*i], names[k]))
			continue;
		if (*i + 1 >= argc || cli_parse_uint(cmd, names[k], argv[*i + 1], &v) ||
		    v == 0 || v > 100000 || (k == 1 && v > 64)) {
			if (*i + 1 < argc && v == 0)
				fprintf(stderr, "anonrmap %s: %s out of range\n", cmd, names[k]);
			*bad = 1;
			return 1;
		}
		(*i)++;
		if (k == 0)
			o->ops = v;
		else if (k == 1)
			o->max_procs = v;
		else
			o->pages = v;
		return 1;
	}
	return 0;
}

int cmd_gen(int argc, char **argv)
{
	struct gen_opts o;
	unsigned long long seed = 0;
	bool have_seed = false;
	int bad = 0;

	gen_opts_default(&o);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: anonrmap gen [--ops N] [--procs N] [--pages N] [--migrate] [--huge]\n"
			       "                    [--large-folios] SEED\n\n"
			       "Print the random scenario for SEED (the same seed always gives the\n"
			       "same file). Defaults: --ops 60 --procs 5 --pages 128; --migrate adds\n"
			       "migrate lines, which the kernel runner refuses; --huge adds 2 MiB-aligned\n"
			       "regions where transparent huge pages can form, moved whole, aligned or\n"
			       "not; --large-folios adds regions 64 KiB-aligned or a few pages off, where\n"
			       "mTHP folios form when a size is enabled (replay with --mthp 64K=always).\n");
			return 0;
		}
		if (gen_option("gen", argc, argv, &i, &o, &bad)) {
			if (bad)
				return 2;
		} else if (!have_seed && !cli_parse_uint("gen", "SEED", argv[i], &seed)) {
			have_seed = true;
		} else {
			fprintf(stderr, "anonrmap gen: unexpected argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!have_seed) {
		fprintf(stderr, "usage: anonrmap gen [--ops N] [--procs N] [--pages N] [--migrate] SEED\n");
		return 2;
	}
	scenario_generate(seed, &o, stdout);
	return 0;
}

/*
 * The seed's own configuration unless the command line named one; the
 * zero page alternates with the seed unless --zero-page was given.
 */
static int fuzz_one(unsigned long long seed, const struct gen_opts *o, const char *mode,
		    const struct anonrmap_config *cfg, bool zero_page_given, bool verbose)
{
	FILE *quiet = verbose ? NULL : fopen("/dev/null", "w");
	struct anonrmap_config c;
	int ret;

	if (cfg) {
		c = *cfg;
		if (!zero_page_given)
			c.zero_page = seed & 1;
	}
	ret = scenario_replay_seed(seed, o, mode, cfg ? &c : NULL,
				   verbose || !quiet ? stderr : quiet);

	if (quiet)
		fclose(quiet);
	return ret;
}

int cmd_fuzz(int argc, char **argv)
{
	unsigned long long start = 1, count = 1000, v;
	const char *mode = "classic";
	bool verbose = false;
	struct gen_opts o;
	unsigned long long failed = 0;
	time_t last = time(NULL);
	int bad = 0, c;
	const char *opt;
	struct anonrmap_config cfg;
	bool have_cfg = false, zero_page_given = false;

	gen_opts_default(&o);
	anonrmap_config_init(&cfg);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: anonrmap fuzz [--mode MODE] [--start SEED] [--seeds N] [--verbose]\n"
			       "                    [--ops N] [--procs N] [--pages N] [--migrate] [--huge]\n"
			       "                    [--large-folios] [KERNEL CONFIGURATION]\n\n"
			       "Replay the generated scenarios of N seeds (default 1000, from 1) with\n"
			       "the invariant checker after every operation. An operation whose result\n"
			       "differs from what the page-level state implies (a write touch of rw-\n"
			       "pages that fails, an mmap over a mapping that succeeds) fails the seed\n"
			       "too. Prints each failing seed\n"
			       "(replay it with 'anonrmap gen SEED | anonrmap replay --check /dev/stdin'\n"
			       "in the same configuration) and ends with 'N passed, M failed'.\n"
			       "Modes: %s.\n\n"
			       "Without configuration options each seed runs with THP at madvise and,\n"
			       "on odd seeds, the zero page on; with any, upstream's defaults changed\n"
			       "by them (the zero page still alternating unless --zero-page is given).\n\n%s",
			       anon_rmap_names(), cli_config_help);
			return 0;
		}
		opt = argv[i];
		c = cli_config_option("fuzz", argc, argv, &i, &cfg);
		if (c < 0)
			return 2;
		if (c > 0) {
			have_cfg = true;
			zero_page_given |= !strncmp(opt, "--zero-page", 11);
			continue;
		}
		if (gen_option("fuzz", argc, argv, &i, &o, &bad)) {
			if (bad)
				return 2;
		} else if (!strcmp(argv[i], "--verbose")) {
			verbose = true;
		} else if ((!strcmp(argv[i], "--start") || !strcmp(argv[i], "--seeds") ||
			    !strcmp(argv[i], "--mode")) && i + 1 < argc) {
			if (!strcmp(argv[i], "--mode")) {
				mode = argv[++i];
				if (!anon_rmap_lookup(mode)) {
					fprintf(stderr, "anonrmap fuzz: unknown mode '%s' (known: %s)\n",
						mode, anon_rmap_names());
					return 2;
				}
			} else if (cli_parse_uint("fuzz", argv[i], argv[i + 1], &v)) {
				return 2;
			} else {
				*(!strcmp(argv[i], "--start") ? &start : &count) = v;
				i++;
			}
		} else {
			fprintf(stderr, "anonrmap fuzz: unexpected argument '%s'\n", argv[i]);
			return 2;
		}
	}
	for (unsigned long long s = start; s < start + count; s++) {
		int ret = fuzz_one(s, &o, mode, have_cfg ? &cfg : NULL, zero_page_given, verbose);

		if (ret) {
			failed++;
			printf("seed %llu: %s\n", s, ret < 0 ? strerror(-ret) :
			       "invariant violated or unexpected result");
		}
		if (isatty(STDERR_FILENO) && time(NULL) != last) {
			last = time(NULL);
			fprintf(stderr, "\r%llu/%llu seeds, %llu failed", s - start + 1, count, failed);
		}
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\n");
	printf("%llu passed, %llu failed\n", count - failed, failed);
	return failed ? 1 : 0;
}
