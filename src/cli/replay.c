// SPDX-License-Identifier: GPL-2.0-only
/*
 * anonrmap replay: exit status 0 when the scenario ran (and, with --check,
 * every invariant held), 1 on a violation or simulator failure, 2 for bad
 * usage or a scenario that does not parse.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "mm/anon_rmap.h"
#include "scenario/replay.h"
#include "scenario/scenario.h"

static void replay_usage(FILE *f)
{
	fprintf(f,
		"usage: anonrmap replay [--mode MODE] [--zero-page on|off] [--thp MODE] [--check] FILE\n\n"
		"Run the scenario FILE on the simulator and print its observation\n"
		"(../shared/scenario-format.md).\n\n"
		"  --mode MODE         rmap design: %s (default classic)\n"
		"  --zero-page on|off  read faults map the shared zero page (default on,\n"
		"                      as upstream Linux; our machines behave as off)\n"
		"  --thp madvise|never|always\n"
		"                      transparent huge pages (default madvise, as on our\n"
		"                      machines: a fault in a MADV_HUGEPAGE VMA maps 2 MiB)\n"
		"  --check             run the invariant checker after every operation;\n"
		"                      violations go to stderr as FILE:LINE: ...\n\n"
		"Exit status: 0 success, 1 invariant violation or simulator failure,\n"
		"2 usage error or malformed scenario (FILE:LINE: reason on stderr).\n",
		anon_rmap_names());
}

int cmd_replay(int argc, char **argv)
{
	struct replay_opts opts = { .mode = "classic", .zero_page = true };
	const char *path = NULL;
	struct scenario scn;
	char err[512];
	int ret;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			replay_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--check")) {
			opts.check = true;
		} else if (!strcmp(a, "--thp")) {
			static const char *const thp[] = { "madvise", "never", "always" };
			int k;

			for (k = 0; k < 3 && (i + 1 >= argc || strcmp(argv[i + 1], thp[k])); k++)
				;
			if (k == 3) {
				fprintf(stderr, "anonrmap replay: --thp takes madvise, never or always\n");
				return 2;
			}
			opts.thp = k;
			i++;
		} else if (!strcmp(a, "--mode") || !strcmp(a, "--zero-page")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "anonrmap replay: %s needs a value\n", a);
				return 2;
			}
			if (!strcmp(a, "--mode")) {
				opts.mode = argv[++i];
				if (!anon_rmap_lookup(opts.mode)) {
					fprintf(stderr, "anonrmap replay: unknown mode '%s' (known: %s)\n",
						opts.mode, anon_rmap_names());
					return 2;
				}
			} else if (!strcmp(argv[i + 1], "on") || !strcmp(argv[i + 1], "off")) {
				opts.zero_page = !strcmp(argv[++i], "on");
			} else {
				fprintf(stderr, "anonrmap replay: --zero-page takes on or off, not '%s'\n",
					argv[i + 1]);
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
	if (scenario_parse_file(path, &scn, err, sizeof(err))) {
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
