// SPDX-License-Identifier: GPL-2.0-only
/* `anonrmap record`: record a command, check a recording, report on recordings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "mm/anon_rmap.h"
#include "record/record.h"
#include "record/report.h"

static void record_usage(FILE *f)
{
	fprintf(f,
		"usage: anonrmap record [-o FILE] [--check] [--timeout S] [--max-lines N] -- COMMAND [ARGS]\n"
		"       anonrmap record --check [--mode DESIGN] FILE\n"
		"       anonrmap record --report FILE...\n\n"
		"Runs COMMAND and everything it starts under ptrace (root needed) and writes\n"
		"their memory-management history as a version-2 scenario: each exec's layout,\n"
		"mmap/munmap/mprotect/mremap/madvise/brk with their results, the pages each\n"
		"process faulted in between, fork/vfork/clone/exec/exit, and at every exec\n"
		"and exit the VMAs and anonymous pages the kernel showed (expect lines).\n"
		"Wrap recording in `flock /tmp/anonrmap-live.lock` on shared machines.\n\n"
		"  -o FILE        write the scenario to FILE (default: standard output)\n"
		"  --check        after recording (or on FILE): replay in classic mode and\n"
		"                 report how many VMAs, anonymous pages and events it reproduced\n"
		"  --mode DESIGN  replay --check in DESIGN instead of classic\n"
		"  --report       replay each FILE (.scn or .scn.gz) in every rmap design with\n"
		"                 the checker at every exec/exit point: peak slab KB per object\n"
		"                 and which docs/findings.md findings fire\n"
		"  --timeout S    kill the traced tasks after S seconds (default 600)\n"
		"  --max-lines N  kill them when the scenario passes N lines (default 20000000)\n"
		"docs/record.md explains the design and its limits.\n");
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o = { .out = stdout, .out_name = "standard output", .timeout = 600,
				 .max_lines = 20000000 };
	bool check = false, report = false;
	const char *out = NULL, *mode = "classic";
	int i, rc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			record_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--check")) {
			check = true;
		} else if (!strcmp(a, "--report")) {
			report = true;
		} else if (!strcmp(a, "--mode")) {
			if (i + 1 >= argc || !anon_rmap_lookup(argv[i + 1])) {
				fprintf(stderr, "anonrmap record: --mode needs a design (%s)\n",
					anon_rmap_names());
				return 2;
			}
			mode = argv[++i];
		} else if (!strcmp(a, "-o") || !strcmp(a, "--timeout") || !strcmp(a, "--max-lines")) {
			char *end;
			unsigned long v;

			if (i + 1 >= argc) {
				fprintf(stderr, "anonrmap record: %s needs a value\n", a);
				return 2;
			}
			if (!strcmp(a, "-o")) {
				out = argv[++i];
				continue;
			}
			v = strtoul(argv[++i], &end, 10);
			if (*end || !v) {
				fprintf(stderr, "anonrmap record: %s takes a positive number, not '%s'\n",
					a, argv[i]);
				return 2;
			}
			if (!strcmp(a, "--timeout"))
				o.timeout = (unsigned int)v;
			else
				o.max_lines = v;
		} else if (a[0] == '-') {
			fprintf(stderr, "anonrmap record: unknown option '%s'\n", a);
			record_usage(stderr);
			return 2;
		} else {
			break;
		}
	}
	if (report) {
		if (i >= argc) {
			fprintf(stderr, "anonrmap record --report: no FILE\n");
			return 2;
		}
		return record_report((const char *const *)argv + i, argc - i, stdout);
	}
	if (check && i == argc - 1 && strcmp(argv[i - 1], "--"))
		return record_check(argv[i], mode, stdout);
	if (i >= argc) {
		record_usage(stderr);
		return 2;
	}
	if (check && !out) {
		fprintf(stderr, "anonrmap record: --check with a command needs -o FILE\n");
		return 2;
	}
	if (out) {
		o.out = fopen(out, "w");
		o.out_name = out;
		if (!o.out) {
			perror(out);
			return 1;
		}
	}
	rc = record_run(&o, argv + i);
	if (out && fclose(o.out)) {
		perror(out);
		rc = 1;
	}
	/* no half-written recording left behind */
	if (rc && out)
		unlink(out);
	if (!rc && check)
		rc = record_check(out, mode, stdout);
	return rc;
}
