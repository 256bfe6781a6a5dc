// SPDX-License-Identifier: GPL-2.0-only
/*
 * anonrmap replay: exit status 0 when the scenario ran (and, with --check,
 * every invariant held), 1 on a violation or simulator failure, 2 for bad
 * usage or a scenario that does not parse.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <anonrmap/fault.h>
#include <anonrmap/world.h>

#include "cli/commands.h"
#include "record/load.h"
#include "mm/anon_rmap.h"
#include "scenario/replay.h"
#include "scenario/scenario.h"

/* The sites on one line, for --help and for a site that does not exist. */
static const char *fault_site_list(void)
{
	static char buf[256];
	unsigned int nr;
	const char *const *sites = anonrmap_fault_sites(&nr);
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < nr; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? ", " : "", sites[i]);
	return buf;
}

static bool fault_site_valid(const char *name)
{
	unsigned int nr;
	const char *const *sites = anonrmap_fault_sites(&nr);

	for (unsigned int i = 0; i < nr; i++)
		if (!strcmp(sites[i], name))
			return true;
	return false;
}

static void replay_usage(FILE *f)
{
	fprintf(f,
		"usage: anonrmap replay [--mode MODE] [KERNEL CONFIGURATION] [--check]\n"
		"                       [--fail-nth N] [--fail-site SITE] [--slabinfo] FILE\n\n"
		"Run the scenario FILE on the simulator and print its observation\n"
		"(../shared/scenario-format.md).\n\n"
		"  --mode MODE         rmap design: %s (default classic)\n"
		"  --check             run the invariant checker after every operation;\n"
		"                      violations go to stderr as FILE:LINE: ...\n"
		"  --fail-nth N        make the N-th allocation of the run fail (counted\n"
		"                      from the first operation), once; the operation that\n"
		"                      meets it is named on stderr as FILE:LINE\n"
		"  --fail-site SITE    count only allocations at SITE (N defaults to 1):\n"
		"                      %s\n"
		"                      (docs/failure-injection.md)\n"
		"  --slabinfo          instead of the observations, print the world's slab\n"
		"                      caches at the end in /proc/slabinfo format (2.1)\n\n"
		"%s\n"
		"Exit status: 0 success, 1 invariant violation or simulator failure,\n"
		"2 usage error or malformed scenario (FILE:LINE: reason on stderr).\n",
		anon_rmap_names(), fault_site_list(), cli_config_help);
}

int cmd_replay(int argc, char **argv)
{
	struct anonrmap_config cfg;
	struct replay_opts opts = { .mode = "classic", .config = &cfg };
	const char *path = NULL;
	struct scenario scn;
	char err[512];
	int ret;

	anonrmap_config_init(&cfg);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int c = cli_config_option("replay", argc, argv, &i, &cfg);

		if (c < 0)
			return 2;
		if (c > 0)
			continue;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			replay_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--check")) {
			opts.check = true;
		} else if (!strcmp(a, "--slabinfo")) {
			opts.slabinfo = true;
		} else if (!strcmp(a, "--fail-nth")) {
			char *end;

			if (i + 1 >= argc || !*argv[i + 1] || argv[i + 1][0] == '-' ||
			    !(cfg.fail_nth = strtoul(argv[i + 1], &end, 0)) || *end) {
				fprintf(stderr, "anonrmap replay: --fail-nth takes a number from 1\n");
				return 2;
			}
			i++;
		} else if (!strcmp(a, "--fail-site")) {
			if (i + 1 >= argc || !fault_site_valid(argv[i + 1])) {
				fprintf(stderr, "anonrmap replay: --fail-site takes one of: %s\n",
					fault_site_list());
				return 2;
			}
			cfg.fail_site = argv[++i];
		} else if (!strcmp(a, "--mode")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "anonrmap replay: %s needs a value\n", a);
				return 2;
			}
			opts.mode = argv[++i];
			if (!anon_rmap_lookup(opts.mode)) {
				fprintf(stderr, "anonrmap replay: unknown mode '%s' (known: %s)\n",
					opts.mode, anon_rmap_names());
				return 2;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "anonrmap replay: unknown option '%s'\n", a);
			replay_usage(stderr);
			return 2;
		} else if (path) {
			fprintf(stderr, "anonrmap replay: one FILE only\n");
			return 2;
		} else {
			path = a;
		}
	}
	if (!path) {
		replay_usage(stderr);
		return 2;
	}
	if (cfg.fail_site && !cfg.fail_nth)
		cfg.fail_nth = 1;
	if (scenario_load(path, &scn, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	ret = scenario_replay(&scn, &opts, stdout);
	scenario_free(&scn);
	fflush(stdout);
	if (ret < 0) {
		fprintf(stderr, "anonrmap replay: simulator failed: %s\n", strerror(-ret));
		return 1;
	}
	if (ret > 0) {
		fprintf(stderr, "anonrmap replay: %d invariant violation%s\n", ret, ret == 1 ? "" : "s");
		return 1;
	}
	return 0;
}
