/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Seeded random scenarios: the same seed always gives the same file, so a
 * failing seed is a reproducible bug report and can be turned into a test.
 */
#ifndef ANONRMAP_GEN_H
#define ANONRMAP_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct gen_opts {
	unsigned int ops;	/* operations, default 60 */
	unsigned int max_procs;	/* live processes at most, default 5 */
	unsigned int pages;	/* size of the busy part of the window, default 128 */
	bool migrate;		/* also emit migrate (the kernel runner refuses it) */
	bool huge;		/* also map 2 MiB-aligned regions and advise hugepage */
	bool large;		/* also map regions where mTHP blocks of every size fit */
	/*
	 * One operation in ten is a sequence aimed at a behaviour rule
	 * (default on). The failure-injection test turns it off: its legal
	 * partial states are worked out for the plain generator's operations.
	 */
	bool rules;
};

void gen_opts_default(struct gen_opts *o);
/* Write a scenario for @seed to @out; it always parses. */
void scenario_generate(uint64_t seed, const struct gen_opts *o, FILE *out);

struct anonrmap_config;

/*
 * The kernel configuration a seed runs under when the caller names none:
 * upstream's, with THP at madvise so the generator's MADV_HUGEPAGE regions
 * decide where THPs form, and the zero page on for odd seeds.
 */
void gen_seed_config(uint64_t seed, struct anonrmap_config *cfg);

/*
 * Generate, parse and replay @seed in @mode under @cfg (NULL:
 * gen_seed_config()) with the checker after every operation, and check each
 * operation's result against what scenario_predict() says it must be.
 * Returns the number of violations plus wrong results (each reported on
 * @diag), a negative errno if the replay could not run, or -EINVAL if the
 * generator wrote a file that does not parse.
 */
int scenario_replay_seed(uint64_t seed, const struct gen_opts *o, const char *mode,
			 const struct anonrmap_config *cfg, FILE *diag);

#endif
