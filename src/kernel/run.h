/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pieces of one live-kernel run, shared by the files that hold them:
 * channel.c talks to the worker processes, run.c runs a scenario once,
 * setup.c builds and tears down what every run needs, repeat.c repeats
 * runs until the counts settle, and runner.c is the entry point.
 */
#ifndef ANONRMAP_KERNEL_RUN_H
#define ANONRMAP_KERNEL_RUN_H

#include "kernel/kernel_runner.h"
#include "kernel/kernel_internal.h"

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

/* Pages a touch step faults at most; see touch_in_pieces(). */
#define TOUCH_PIECE_PAGES 256
/* A worker that takes longer than this over one command is stuck. */
#define REPLY_TIMEOUT_MS (10 * 60 * 1000)
#define FILE_FILL_BYTE 0xa5

struct runner {
	const struct scenario *scn;
	FILE *diag;
	struct kw_channels ch;
	int zygote;		/* channel index of the zygote */
	pid_t zygote_pid;
	pid_t controller;
	int *file_fds;
	int kpf_fd;
	pid_t *pids;		/* by process index; 0 when not alive */
	size_t nr_blocks;
};

/* What one run of the scenario or of its skeleton saw. */
struct run_result {
	bool pages;			/* read VMAs and pages (scenario run) */
	struct obs_block *blocks;	/* when pages */
	size_t *block_at;		/* steps measured before each block */
	size_t nr_seen;
	struct slab_counts last;	/* the latest reading */
	struct slab_counts *delta;	/* change over each step */
	size_t nr_steps, cap_steps;
	struct obs_fail *fails;		/* since the last observe */
	size_t nr_fails, cap_fails;
};

struct measurement {
	struct count_series scn, skel;
	struct run_result first;	/* the scenario run whose blocks are printed */
	bool warned_tokens;
};

int kr_send_cmd(struct runner *r, int idx, const struct kw_cmd *c);
int kr_reap(struct runner *r, pid_t pid);
int kr_command(struct runner *r, int idx, pid_t pid, const struct kw_cmd *c,
		   struct kw_reply *rep);
int kr_stop_worker(struct runner *r, int idx, pid_t pid);
void kr_kill_workers(struct runner *r);
int kr_run_once(struct runner *r, const struct scenario *s, struct run_result *res);
void kr_release_result(struct run_result *res, size_t nr_blocks);
int kr_init_result(struct run_result *res, size_t nr_blocks, bool pages);
void kr_set_up_malloc(void);
int kr_make_files(struct runner *r);
void kr_close_files(struct runner *r);
int kr_make_channels(struct runner *r);
void kr_close_channels(struct runner *r);
int kr_start_zygote(struct runner *r);
void kr_stop_zygote(struct runner *r);
bool kr_go_realtime(struct sched_param *old_param, int *old_policy);
int kr_take_lock(void);
size_t kr_count_blocks(const struct scenario *scn);
int kr_measure(struct runner *r, const struct scenario *skel, const struct kernel_opts *o,
		   struct measurement *m, long *est, bool *clear);
void kr_report_counts(struct runner *r, const struct measurement *m, const long *est,
			  bool verbose);
void kr_dump_steps(struct runner *r, const char *what, const struct count_series *s);

#endif
