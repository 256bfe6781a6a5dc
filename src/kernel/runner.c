/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Orchestrating a scenario on the live kernel: one worker process per
 * scenario process, driven over pipes, observed from /proc and /sys.
 *
 * The anon_vma counts are machine-wide, so each scenario run is paired with
 * a run of its skeleton (fork, exit and observe only) and the difference is
 * taken; whatever the runner's own process images cost cancels out, as long
 * as both runs build exactly the same processes. Other processes on the
 * machine do not cancel: counts.c explains how the repetitions deal with
 * them.
 */
#define _GNU_SOURCE
#include "kernel/run.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int kernel_observable(char *why, size_t len)
{
	if (procfs_check(why, len) || slab_check(why, len))
		return KERNEL_UNOBSERVABLE;
	return KERNEL_OK;
}

int kernel_zero_page(void)
{
	return zeropage_detect();
}

const char *kernel_zero_page_message(int zero_page)
{
	if (zero_page > 0)
		return "this kernel maps the shared zero page on read faults";
	if (zero_page == 0)
		return "this kernel allocates a private page on read faults (no zero page)";
	return "could not find out whether this kernel maps the zero page on read faults";
}

int kernel_run_scenario(const struct scenario *scn, const struct kernel_opts *opts, FILE *out)
{
	return kernel_run_scenario_report(scn, opts, out, NULL);
}

int kernel_run_scenario_report(const struct scenario *scn, const struct kernel_opts *opts,
			       FILE *out, struct kernel_report *report)
{
	struct kernel_opts o = opts ? *opts : (struct kernel_opts){ 0 };
	struct sigaction dfl = { .sa_handler = SIG_DFL }, ign = { .sa_handler = SIG_IGN };
	struct sigaction old_chld, old_pipe;
	struct runner r = { .scn = scn, .kpf_fd = -1 };
	struct measurement m = { 0 };
	struct scenario skel = { 0 };
	struct sched_param old_param;
	int old_policy;
	bool have_skel = false, realtime = false, clear = false;
	long *est = NULL;
	char why[256];
	int lock_fd = -1, err = 0, status = KERNEL_OK;
	size_t b;

	r.diag = o.diag ? o.diag : stderr;
	if (report)
		*report = (struct kernel_report){ 0 };
	if (scn->uses_migrate) {
		fprintf(r.diag,
			"anonrmap: kernel: %s: uses migrate, which a process cannot ask of the "
			"kernel for chosen folios; not run\n",
			scn->path);
		return KERNEL_UNSUPPORTED;
	}
	if (scn->version >= 2) {
		fprintf(r.diag,
			"anonrmap: kernel: %s: format version 2 (exec, brk, stacks, threads) is "
			"a recording of the kernel, not a program for it; not run\n",
			scn->path);
		return KERNEL_UNSUPPORTED;
	}
	if (kernel_observable(why, sizeof(why)) != KERNEL_OK) {
		fprintf(r.diag, "anonrmap: kernel: %s\n", why);
		return KERNEL_UNOBSERVABLE;
	}
	if (scenario_skeleton(scn, &skel)) {
		fprintf(r.diag, "anonrmap: kernel: %s\n", strerror(errno));
		return KERNEL_FAILED;
	}
	have_skel = true;
	r.nr_blocks = kr_count_blocks(scn);

	kr_set_up_malloc();
	/* Workers are reaped with waitpid(); an inherited SIG_IGN would prevent that. */
	sigemptyset(&dfl.sa_mask);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGCHLD, &dfl, &old_chld);
	sigaction(SIGPIPE, &ign, &old_pipe);

	lock_fd = kr_take_lock();
	realtime = kr_go_realtime(&old_param, &old_policy);
	if (o.verbose && !realtime)
		fprintf(r.diag, "anonrmap: kernel: cannot run as a real-time task (%s); counts "
			"may be noisier\n", strerror(errno));
	r.pids = calloc(scn->nr_procs ? (size_t)scn->nr_procs : 1, sizeof(*r.pids));
	est = calloc(2 * r.nr_blocks, sizeof(long));
	if (!r.pids || !est) {
		err = -ENOMEM;
		goto out;
	}
	r.kpf_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (r.kpf_fd < 0) {
		err = -errno;
		goto out;
	}
	err = kr_make_files(&r);
	if (!err)
		err = kr_make_channels(&r);
	if (!err)
		err = kr_start_zygote(&r);
	if (!err)
		err = kr_measure(&r, &skel, &o, &m, est, &clear);
	if (err)
		goto out;
	if (report) {
		report->runs = (unsigned int)m.scn.nr_runs;
		report->unclear = !clear;
	}
	kr_report_counts(&r, &m, est, o.verbose);
	if (o.verbose) {
		kr_dump_steps(&r, "scenario", &m.scn);
		kr_dump_steps(&r, "skeleton", &m.skel);
	}
	for (b = 0; b < r.nr_blocks; b++) {
		m.first.blocks[b].count_anon_vma = est[b];
		m.first.blocks[b].count_anon_vma_chain = est[r.nr_blocks + b];
		obs_print(out, &m.first.blocks[b]);
	}
	fflush(out);

out:
	if (err) {
		/* ECHILD and ETIMEDOUT were explained where they happened. */
		if (err != -ECHILD && err != -ETIMEDOUT)
			fprintf(r.diag, "anonrmap: kernel: %s: %s\n", scn->path, strerror(-err));
		status = KERNEL_FAILED;
	}
	if (r.pids)
		kr_kill_workers(&r);
	kr_stop_zygote(&r);
	kr_close_channels(&r);
	kr_close_files(&r);
	if (r.kpf_fd >= 0)
		close(r.kpf_fd);
	if (realtime)
		sched_setscheduler(0, old_policy, &old_param);
	if (lock_fd >= 0)
		close(lock_fd);
	sigaction(SIGCHLD, &old_chld, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	kr_release_result(&m.first, r.nr_blocks);
	series_free(&m.scn);
	series_free(&m.skel);
	free(est);
	free(r.pids);
	if (have_skel)
		scenario_free(&skel);
	return status;
}

