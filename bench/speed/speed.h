/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * anonrmap-speed: how fast the model runs, against the kernel it models.
 * Each part (fork, fault, walk, split/merge, memory) is one file; this
 * header holds what they share: options, timing, the design list, the
 * goals table, CSV output and the self-exec used for clean measurements.
 */
#ifndef ANONRMAP_BENCH_SPEED_H
#define ANONRMAP_BENCH_SPEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <anonrmap/anonrmap.h>

#define SPEED_PAGE 4096ULL
/* Where layouts start: the scenario window, free in the worker and the model. */
#define SPEED_BASE 0x100000000000ULL
/*
 * VMAs per address space: under vm.max_map_count (65530 by default) with
 * room for the worker's own mappings, so 10^6 VMAs are 20 address spaces.
 */
#define SPEED_VMAS_PER_MM 50000UL

struct speed_opts {
	unsigned int reps;		/* repetitions; figures are medians */
	unsigned long max_vmas;		/* largest N of the fork sweep */
	bool live;			/* also time the live kernel */
	const char *csv_dir;		/* write one CSV per table there, or NULL */
	const char *self;		/* this program, for the clean sub-runs */
};

/* The designs to run: every registered one, or the one --mode names. */
unsigned int speed_nr_designs(void);
const char *speed_design(unsigned int i);
void speed_only_design(const char *name);

double speed_now(void);			/* CLOCK_MONOTONIC seconds */
/*
 * CPU seconds of this thread, system time included: for figures of one
 * process, so that other work on a shared machine does not count in them.
 */
double speed_cpu_now(void);
double speed_median(double *v, size_t n);	/* sorts @v */

/* World of @mode with P0 in *p0: THP never, the library defaults otherwise. */
struct anonrmap_world *speed_world(const char *mode, struct anonrmap_mm **p0);
void speed_die(const char *what, int err);
void speed_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* CSV file NAME.csv in --csv DIR with @header, or NULL without --csv. */
FILE *speed_csv(const struct speed_opts *o, const char *name, const char *header);

/*
 * Run "SELF ARGS..." and read its stdout into @buf (NUL-terminated). Used
 * for the live-kernel worker and the memory probe, which must start from a
 * fresh address space. Returns 0 when it exited 0.
 */
int speed_run_self(const struct speed_opts *o, char *const args[], char *buf, size_t len);

/* Goals: each part records its measurements; main prints them together. */
/* @met: 1 yes, 0 no, -1 not measured (e.g. no live kernel). */
void speed_goal(const char *goal, const char *measured, const char *target, int met);
/* The goals table; returns how many goals were missed. */
int speed_print_goals(void);

/* The live-kernel lock every runner of the project takes (HELPER-BRIEF). */
int speed_live_lock(void);
void speed_live_unlock(int fd);

int speed_fork(const struct speed_opts *o);
int speed_fault(const struct speed_opts *o);
int speed_walk(const struct speed_opts *o);
int speed_split_merge(const struct speed_opts *o);
int speed_memory(const struct speed_opts *o);

/* Hidden sub-runs (argv[1] starts with "__"). */
int speed_live_fork_worker(int argc, char **argv);
int speed_live_fault_worker(int argc, char **argv);
int speed_memory_probe(int argc, char **argv);

#endif
