/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live-kernel runner: executes a scenario with real system calls in real
 * processes on the running kernel and prints the same observation the
 * simulator prints (docs/kernel-runner.md).
 */
#ifndef ANONRMAP_KERNEL_RUNNER_H
#define ANONRMAP_KERNEL_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "scenario/scenario.h"

/* Results, also the exit statuses of `anonrmap kernel` and `anonrmap compare`. */
enum kernel_status {
	KERNEL_OK = 0,
	KERNEL_FAILED = 1,	/* runner error; for compare: some file differed */
	KERNEL_USAGE = 2,	/* bad arguments or a file that does not parse */
	KERNEL_UNSUPPORTED = 3,	/* the scenario uses migrate */
	KERNEL_UNOBSERVABLE = 4, /* not root, no /proc/kpageflags, no slab sysfs */
};

#define KERNEL_DEFAULT_REPS 5

struct kernel_opts {
	/*
	 * Runs of the scenario, each paired with a run of its skeleton; 0
	 * means KERNEL_DEFAULT_REPS. When the counts vary, batches of this
	 * many more follow until two successive batches give the same counts
	 * and each measured step has a clear most frequent value, up to
	 * max_reps pairs in all (0: 30 * reps).
	 */
	unsigned int reps;
	unsigned int max_reps;
	bool verbose;		/* progress, samples and every measurement on diag */
	FILE *diag;		/* warnings and progress; stderr when NULL */
};

/*
 * Whether this process can observe the kernel at all: KERNEL_OK, or
 * KERNEL_UNOBSERVABLE with what is missing written into @why.
 */
int kernel_observable(char *why, size_t len);

/*
 * 1 if a read fault on untouched private anonymous memory maps the shared
 * zero page on this kernel, 0 if it allocates a private page, or a negative
 * errno if that could not be found out.
 */
int kernel_zero_page(void);
/* One line for users, without the program name or newline. */
const char *kernel_zero_page_message(int zero_page);

struct anonrmap_config;
/*
 * The configuration of the kernel whose sysfs and procfs are mounted under
 * @root (NULL: this machine's), with @zero_page as kernel_zero_page() found
 * it, as a config the simulator takes: `anonrmap replay` with these
 * settings is the simulator of that host. Returns 0, or -EPROTO with the
 * file that could not be read in @why.
 */
int kernel_host_config(const char *root, int zero_page, struct anonrmap_config *cfg,
		       char *why, size_t len);

/*
 * Run @scn on the live kernel and print its observation blocks to @out.
 * Returns KERNEL_OK, KERNEL_UNSUPPORTED (migrate), KERNEL_UNOBSERVABLE or
 * KERNEL_FAILED, with a message on the diag stream for all but KERNEL_OK.
 * Sets the process's malloc mmap threshold to its maximum, and for the
 * duration of the call makes the process a real-time (SCHED_FIFO) task
 * when allowed, for the reasons given in runner.c; takes a lock file so
 * that two runners on one machine take turns.
 */
int kernel_run_scenario(const struct scenario *scn, const struct kernel_opts *opts, FILE *out);

/* What a run found out about itself, beyond its observation. */
struct kernel_report {
	unsigned int runs;	/* pairs of runs it took */
	/*
	 * Some count never became clear within max_reps pairs (a warning
	 * says so): the machine was too busy, and a rerun may well print
	 * other counts. VMAs, pages and fail lines are not affected.
	 */
	bool unclear;
};

/* kernel_run_scenario(), also filling @report (may be NULL). */
int kernel_run_scenario_report(const struct scenario *scn, const struct kernel_opts *opts,
			       FILE *out, struct kernel_report *report);

/*
 * The subcommands. @argv[0] is the subcommand's own name ("kernel",
 * "compare"), options and files follow, as main() would hand them on with
 * (argc - 1, argv + 1). Each prints its own --help and usage errors and
 * returns the process exit status (enum kernel_status).
 *
 *   anonrmap kernel [--reps N] [--verbose] FILE
 *   anonrmap kernel --show-config
 *   anonrmap compare [--mode MODE] [--reps N] [--verbose] FILE...
 */
int kernel_run_cmd(int argc, char **argv);
int kernel_compare_cmd(int argc, char **argv);

#endif
