/* SPDX-License-Identifier: GPL-2.0-only */
/* `anonrmap kernel`: one scenario on the live kernel, observation on stdout. */
#include "kernel/kernel_runner.h"
#include "kernel/cmd_args.h"

#include <stdio.h>
#include <string.h>

#include <anonrmap/config.h>

static const char kernel_usage[] =
	"usage: anonrmap kernel [--reps N] [--verbose] FILE\n"
	"       anonrmap kernel --show-config\n";

static const char kernel_help[] =
	"Run the scenario FILE with real system calls in real processes on the\n"
	"running kernel and print its observation, in the same form as\n"
	"`anonrmap replay`.\n"
	"\n"
	"  --reps N     pairs of runs, of the scenario and of its skeleton, that\n"
	"               the anon_vma counts are taken from (default 5; batches of\n"
	"               N more while the counts vary, until they settle, at most\n"
	"               30 * N pairs)\n"
	"  --verbose    progress, and every measurement, on stderr\n"
	"  --show-config\n"
	"               print this kernel's configuration as the options\n"
	"               `anonrmap replay` takes (--zero-page, --thp,\n"
	"               --huge-zero-page, --mthp, --max-map-count), so that\n"
	"               `anonrmap replay $(anonrmap kernel --show-config) FILE`\n"
	"               simulates this host; the zero page is found by a probe\n"
	"  --help       this text\n"
	"\n"
	"Needs root, /proc/kpageflags and /sys/kernel/slab. Exit status: 0 done,\n"
	"1 runner error, 2 bad usage or malformed FILE, 3 FILE uses migrate,\n"
	"4 the kernel cannot be observed here.\n";

static int show_config(void)
{
	struct anonrmap_config cfg;
	char why[4600], line[512];
	int zp = kernel_zero_page();

	if (zp < 0) {
		fprintf(stderr, "anonrmap: kernel: %s (the probe needs root and /proc/kpageflags)\n",
			kernel_zero_page_message(zp));
		return KERNEL_UNOBSERVABLE;
	}
	if (kernel_host_config(NULL, zp, &cfg, why, sizeof(why))) {
		fprintf(stderr, "anonrmap: kernel: %s\n", why);
		return KERNEL_UNOBSERVABLE;
	}
	anonrmap_config_format(&cfg, line, sizeof(line));
	printf("%s\n", line);
	return KERNEL_OK;
}

int kernel_run_cmd(int argc, char **argv)
{
	struct kernel_opts opts = { 0 };
	struct cmd_args a;
	struct scenario scn;
	char err[SCN_LINE_MAX + 256], why[4600];
	int zp, status;

	status = cmd_args_parse(argc, argv, false, &a);
	if (status == CMD_ARGS_HELP) {
		fputs(kernel_usage, stdout);
		fputs(kernel_help, stdout);
		return KERNEL_OK;
	}
	if (status == CMD_ARGS_OK && a.show_config) {
		if (a.nr_files) {
			fprintf(stderr, "anonrmap: kernel: --show-config takes no FILE\n");
			return KERNEL_USAGE;
		}
		return show_config();
	}
	if (status == CMD_ARGS_BAD || a.nr_files != 1) {
		if (status != CMD_ARGS_BAD)
			fprintf(stderr, "anonrmap: kernel: expects exactly one FILE\n");
		fputs(kernel_usage, stderr);
		return KERNEL_USAGE;
	}
	opts.reps = a.reps;
	opts.verbose = a.verbose;

	if (scenario_parse_file(a.files[0], &scn, err, sizeof(err))) {
		fprintf(stderr, "anonrmap: %s\n", err);
		return KERNEL_USAGE;
	}
	/* Refused before anything else is asked of the machine. */
	if (scn.uses_migrate) {
		status = kernel_run_scenario(&scn, &opts, stdout);
		scenario_free(&scn);
		return status;
	}
	if (kernel_observable(why, sizeof(why)) != KERNEL_OK) {
		fprintf(stderr, "anonrmap: kernel: %s\n", why);
		scenario_free(&scn);
		return KERNEL_UNOBSERVABLE;
	}
	zp = kernel_zero_page();
	fprintf(stderr, "anonrmap: %s\n", kernel_zero_page_message(zp));
	status = kernel_run_scenario(&scn, &opts, stdout);
	scenario_free(&scn);
	return status;
}
