/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pieces of the live-kernel runner shared between its files; not part of the
 * library's interface (see kernel_runner.h for that).
 *
 * Processes involved in one `anonrmap kernel` invocation:
 *
 *   controller   the anonrmap process itself: parses, reads /proc and /sys,
 *                prints; it never maps anything into the scenario window.
 *   zygote       forked once by the controller before the first run; the
 *                frozen process image every scenario's P0 is cloned from.
 *   workers      one per scenario process; P0 is cloned from the zygote, a
 *                scenario `fork` is a clone of the forking worker.
 *
 * Every worker is created with CLONE_PARENT, so the controller is the parent
 * of all of them and can reap each `exit` itself, knowing that once
 * waitpid() returns the exiting mm has been torn down and its anon_vmas are
 * back in the slab.
 */
#ifndef ANONRMAP_KERNEL_INTERNAL_H
#define ANONRMAP_KERNEL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "scenario/scenario.h"

#define KR_PAGE_SIZE 4096ULL

/* ---- worker.c: what travels over the pipes ---- */

enum kw_opcode {
	KW_MMAP = 1,
	KW_MUNMAP,
	KW_MPROTECT,
	KW_MREMAP,
	KW_MADVISE,
	KW_TOUCH,
	KW_FORK,
	KW_EXIT,
};

/*
 * Fixed size and well under PIPE_BUF, so each write is atomic and a worker
 * reads a whole command into a buffer it already owns.
 */
struct kw_cmd {
	int32_t op;
	int32_t child;		/* KW_FORK: channel index of the new worker */
	int32_t prot;		/* PROT_* */
	int32_t fd;		/* KW_MMAP: -1 or the inherited memfd */
	int32_t advice;		/* MADV_* */
	int32_t write;		/* KW_TOUCH */
	int32_t fixed;		/* KW_MREMAP */
	int32_t pad;
	uint64_t addr, len, new_len, new_addr, off;
};

struct kw_reply {
	int32_t err;		/* 0 or a positive errno */
	int32_t pid;		/* KW_FORK: the child's pid */
};

/* One command pipe and one reply pipe per channel index. */
struct kw_channels {
	int nr;
	int (*cmd)[2];
	int (*rep)[2];
};

/*
 * Everything a worker writes to must have been written once before the
 * zygote is forked: a first write to a VMA without an anon_vma would create
 * one in the scenario run and maybe not in the skeleton run.
 */
void worker_prefault(void);
/* Body of the zygote and of every worker; never returns. */
__attribute__((noreturn)) void worker_main(const struct kw_channels *ch, int self,
					   pid_t controller);

/* ---- procfs.c ---- */

/*
 * Fill @proc->vmas with the VMAs of @pid inside the scenario window and
 * their page tokens. @kpf_fd is an open /proc/kpageflags. Returns 0 or a
 * negative errno; @proc->name is left to the caller.
 */
int procfs_read_proc(pid_t pid, int kpf_fd, struct obs_proc *proc);
/*
 * Whether this process can see page frames: 0, or -1 with the reason in
 * @why (what is missing, in words for a user).
 */
int procfs_check(char *why, size_t len);

/* ---- slab.c ---- */

struct slab_counts {
	long anon_vma;
	long anon_vma_chain;
};

/* Shrink both caches and read their object counts. 0 or a negative errno. */
int slab_read_counts(struct slab_counts *c);
int slab_check(char *why, size_t len);

/* ---- counts.c ---- */

/*
 * The change in both counts over each measured step of a run (each
 * operation after P0 exists), for many runs of one scenario or of its
 * skeleton.
 * Every run of the same file takes the same steps, so step i of one run
 * and step i of another measure the same thing.
 */
struct count_series {
	size_t nr_steps;
	size_t nr_blocks;
	size_t *block_at;	/* per observe block: steps taken before it */
	size_t nr_runs, cap_runs;
	long *av, *avc;		/* [run * nr_steps + step] */
};

int series_add(struct count_series *s, const struct slab_counts *delta, size_t nr_steps,
	       const size_t *block_at, size_t nr_blocks);
void series_free(struct count_series *s);
/* Whether any step measured differently in different runs. */
bool series_varies(const struct count_series *s);
/* How clearly the values taken stood out, in the least clear step. */
struct series_quality {
	bool clear;		/* in every step, by more than chance explains */
	size_t votes;		/* runs that measured the value taken */
	size_t runner_up;	/* runs that measured the next most frequent one */
};

/*
 * The counts to print for each block, [block] for anon_vma and
 * [nr_blocks + block] for anon_vma_chain: for every step up to the block,
 * the change most runs measured, summed, scenario minus skeleton.
 */
int series_estimate(const struct count_series *scn, const struct count_series *skel, long *out,
		    struct series_quality *q);
/* What run @run alone says for @block: out[0] anon_vma, out[1] anon_vma_chain. */
void series_run_total(const struct count_series *scn, const struct count_series *skel,
		      size_t run, size_t block, long out[2]);

/* ---- zeropage.c ---- */

/* 1: read faults map the zero page; 0: they allocate a page; <0: -errno. */
int zeropage_detect(void);

#endif
