/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a benchmark workload sends its system calls. A workload is written
 * once against this interface and runs two ways: on a simulated world in
 * any rmap design (target_sim.c), or written out as a scenario file
 * (target_emit.c) that `anonrmap compare` runs on the live kernel. So the
 * classic column of the benchmark and the kernel check see one sequence
 * of calls, and cannot drift apart.
 *
 * Processes and files are numbered as the scenario format numbers them:
 * process 0 is P0, each fork's child takes the next number, files count
 * from 0 in order of declaration.
 */
#ifndef ANONRMAP_BENCH_TARGET_H
#define ANONRMAP_BENCH_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "scenario/scenario.h"

struct bench_target;

struct bench_target_ops {
	int (*file)(struct bench_target *t, int file, uint64_t len);
	/* @file < 0: anonymous */
	int (*mmap)(struct bench_target *t, int proc, uint64_t addr, uint64_t len, int prot,
		    int file, uint64_t off);
	int (*munmap)(struct bench_target *t, int proc, uint64_t addr, uint64_t len);
	int (*mprotect)(struct bench_target *t, int proc, uint64_t addr, uint64_t len, int prot);
	/* in place when !fixed, else MREMAP_MAYMOVE|MREMAP_FIXED to @new_addr */
	int (*mremap)(struct bench_target *t, int proc, uint64_t addr, uint64_t old_len,
		      uint64_t new_len, bool fixed, uint64_t new_addr);
	int (*madvise)(struct bench_target *t, int proc, uint64_t addr, uint64_t len,
		       enum scn_advice advice);
	int (*touch)(struct bench_target *t, int proc, uint64_t addr, uint64_t len, bool write);
	int (*fork)(struct bench_target *t, int proc, int child);
	int (*exit)(struct bench_target *t, int proc);
	/* The end of the workload's phase @phase (an index into its phase table). */
	int (*phase)(struct bench_target *t, unsigned int phase);
};

struct bench_target {
	const struct bench_target_ops *ops;
	int nr_procs;		/* ever created, P0 included */
	int nr_files;
	/* the first failure, as "call failed: reason (file.c:line)" */
	char err[256];
};

/* Records the first failure in @t->err; returns @rc. */
int bench_fail(struct bench_target *t, int rc, const char *call, const char *file, int line);

/* Return from the calling function with the failure noted, if @call fails. */
#define BENCH_TRY(t, call)							\
	do {									\
		int rc_ = (call);						\
		if (rc_ < 0)							\
			return bench_fail((t), rc_, #call, __FILE__, __LINE__);	\
	} while (0)

static inline int bench_file(struct bench_target *t, uint64_t len, int *file)
{
	*file = t->nr_files++;
	return t->ops->file(t, *file, len);
}

static inline int bench_fork(struct bench_target *t, int proc, int *child)
{
	*child = t->nr_procs++;
	return t->ops->fork(t, proc, *child);
}

#endif
