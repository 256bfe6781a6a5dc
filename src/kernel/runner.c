/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Orchestrating a scenario on the live kernel: one worker process per
 * scenario process, driven over pipes, observed from /proc and /sys.
 *
 * The anon_vma counts are machine-wide, so each scenario run is paired with
 * a run of its skeleton (fork, exit and observe only) and the difference is
 * taken; whatever the runner's own process images cost cancels out, as long
 * as both runs build exactly the same processes. Other processes on the
 * machine do not cancel, so the pairs are repeated and the median printed.
 */
#define _GNU_SOURCE
#include "kernel/kernel_runner.h"
#include "kernel/kernel_internal.h"

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
	struct slab_counts start;	/* before P0 is cloned */
	struct slab_counts *counts;	/* at each observe */
	struct slab_counts end;		/* after every worker is reaped */
	size_t nr_seen;
	struct obs_fail *fails;		/* since the last observe */
	size_t nr_fails, cap_fails;
};

static int send_cmd(struct runner *r, int idx, const struct kw_cmd *c)
{
	const char *p = (const char *)c;
	size_t left = sizeof(*c);

	while (left) {
		ssize_t n = write(r->ch.cmd[idx][1], p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

static void report_death(struct runner *r, pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		fprintf(r->diag, "anonrmap: kernel: %s: worker %d killed by signal %d\n",
			r->scn->path, (int)pid, WTERMSIG(status));
	else
		fprintf(r->diag, "anonrmap: kernel: %s: worker %d exited with status %d\n",
			r->scn->path, (int)pid, WEXITSTATUS(status));
}

/* Forget @pid wherever it is recorded, once it has been reaped. */
static void forget(struct runner *r, pid_t pid)
{
	int i;

	for (i = 0; r->pids && i < r->scn->nr_procs; i++)
		if (r->pids[i] == pid)
			r->pids[i] = 0;
	if (r->zygote_pid == pid)
		r->zygote_pid = 0;
}

/*
 * Nobody else holds the reply pipe's read end, but every worker holds its
 * write end, so a dead worker shows up as silence, not as EOF: poll and
 * check on the worker between waits.
 */
static int recv_reply(struct runner *r, int idx, pid_t pid, struct kw_reply *rep)
{
	struct pollfd pfd = { .fd = r->ch.rep[idx][0], .events = POLLIN };
	char *p = (char *)rep;
	size_t left = sizeof(*rep);
	int waited = 0, status;

	while (left) {
		int n = poll(&pfd, 1, 1000);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			if (waitpid(pid, &status, WNOHANG) == pid) {
				report_death(r, pid, status);
				forget(r, pid);
				return -ECHILD;
			}
			waited += 1000;
			if (waited >= REPLY_TIMEOUT_MS) {
				fprintf(r->diag, "anonrmap: kernel: %s: worker %d does not answer\n",
					r->scn->path, (int)pid);
				return -ETIMEDOUT;
			}
			continue;
		}
		{
			ssize_t got = read(pfd.fd, p, left);

			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				return got < 0 ? -errno : -EPIPE;
			p += got;
			left -= (size_t)got;
		}
	}
	return 0;
}

static int reap(struct runner *r, pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	forget(r, pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		report_death(r, pid, status);
		return -ECHILD;
	}
	return 0;
}

static int command(struct runner *r, int idx, pid_t pid, const struct kw_cmd *c,
		   struct kw_reply *rep)
{
	int err = send_cmd(r, idx, c);

	if (err)
		return err;
	return recv_reply(r, idx, pid, rep);
}

static int stop_worker(struct runner *r, int idx, pid_t pid)
{
	struct kw_cmd c = { .op = KW_EXIT };
	int err = send_cmd(r, idx, &c);

	if (err) {
		kill(pid, SIGKILL);
		reap(r, pid);
		return err;
	}
	return reap(r, pid);
}

/* On an error path: nothing of the run may survive into the next one. */
static void kill_workers(struct runner *r)
{
	int i;

	for (i = 0; i < r->scn->nr_procs; i++) {
		pid_t pid = r->pids[i];

		if (pid) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			r->pids[i] = 0;
		}
	}
}

static int add_fail(struct run_result *res, unsigned int line, int err)
{
	if (res->nr_fails == res->cap_fails) {
		size_t cap = res->cap_fails ? res->cap_fails * 2 : 8;
		struct obs_fail *nf = realloc(res->fails, cap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		res->fails = nf;
		res->cap_fails = cap;
	}
	res->fails[res->nr_fails].line = line;
	res->fails[res->nr_fails].err = err;
	res->nr_fails++;
	return 0;
}

static int observe(struct runner *r, const char *label, struct run_result *res)
{
	struct obs_block *b;
	size_t n = 0;
	int i, err;

	if (res->nr_seen >= r->nr_blocks)
		return -EPROTO;
	/*
	 * Counts first: everything below allocates in this process, and
	 * although none of it creates an anon_vma (see set_up_malloc()), it
	 * has no business happening between the operations and their count.
	 */
	err = slab_read_counts(&res->counts[res->nr_seen]);
	if (err) {
		fprintf(r->diag, "anonrmap: kernel: reading /sys/kernel/slab: %s\n", strerror(-err));
		return err;
	}
	if (!res->pages) {
		res->nr_fails = 0;
		res->nr_seen++;
		return 0;
	}

	b = &res->blocks[res->nr_seen];
	snprintf(b->label, sizeof(b->label), "%s", label);
	b->fails = res->fails;
	b->nr_fails = res->nr_fails;
	res->fails = NULL;
	res->nr_fails = res->cap_fails = 0;
	b->procs = calloc(r->scn->nr_procs ? (size_t)r->scn->nr_procs : 1, sizeof(*b->procs));
	if (!b->procs)
		return -ENOMEM;
	for (i = 0; i < r->scn->nr_procs; i++) {
		struct obs_proc *p;

		if (!r->pids[i])
			continue;
		p = &b->procs[n];
		snprintf(p->name, sizeof(p->name), "%s", r->scn->procs[i]);
		err = procfs_read_proc(r->pids[i], r->kpf_fd, p);
		if (err) {
			fprintf(r->diag, "anonrmap: kernel: reading /proc/%d: %s\n",
				(int)r->pids[i], strerror(-err));
			return err;
		}
		b->nr_procs = ++n;
	}
	res->nr_seen++;
	return 0;
}

static const int advice_values[] = {
	[SCN_MADV_DONTNEED] = MADV_DONTNEED,	[SCN_MADV_DONTFORK] = MADV_DONTFORK,
	[SCN_MADV_DOFORK] = MADV_DOFORK,	[SCN_MADV_WIPEONFORK] = MADV_WIPEONFORK,
	[SCN_MADV_KEEPONFORK] = MADV_KEEPONFORK, [SCN_MADV_HUGEPAGE] = MADV_HUGEPAGE,
	[SCN_MADV_NOHUGEPAGE] = MADV_NOHUGEPAGE,
};

static void build_cmd(const struct runner *r, const struct scn_op *op, struct kw_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->addr = op->addr;
	c->len = op->len;
	/* SCN_PROT_* are defined equal to PROT_*. */
	c->prot = op->prot;
	switch (op->op) {
	case SCN_MMAP:
		c->op = KW_MMAP;
		if (op->file >= 0) {
			c->fd = r->file_fds[op->file];
			c->off = op->off;
		}
		break;
	case SCN_MUNMAP:
		c->op = KW_MUNMAP;
		break;
	case SCN_MPROTECT:
		c->op = KW_MPROTECT;
		break;
	case SCN_MREMAP:
		c->op = KW_MREMAP;
		c->new_len = op->new_len;
		c->new_addr = op->new_addr;
		c->fixed = op->fixed;
		break;
	case SCN_MADVISE:
		c->op = KW_MADVISE;
		c->advice = advice_values[op->advice];
		break;
	case SCN_TOUCH:
		c->op = KW_TOUCH;
		c->write = op->write;
		break;
	case SCN_FORK:
		c->op = KW_FORK;
		c->child = op->child;
		break;
	default:
		c->op = 0;
		break;
	}
}

static int do_op(struct runner *r, const struct scn_op *op, struct run_result *res)
{
	struct kw_cmd c;
	struct kw_reply rep;
	pid_t pid;
	int err;

	switch (op->op) {
	case SCN_FILE:
		/* Created before the first run: see make_files(). */
		return 0;
	case SCN_OBSERVE:
		return observe(r, op->label, res);
	case SCN_MIGRATE:
		return -EOPNOTSUPP;
	default:
		break;
	}

	pid = r->pids[op->proc];
	if (!pid)
		/* Only after a fork the kernel refused. */
		return add_fail(res, op->line, ESRCH);
	if (op->op == SCN_EXIT) {
		c = (struct kw_cmd){ .op = KW_EXIT };
		err = send_cmd(r, op->proc, &c);
		return err ? err : reap(r, pid);
	}
	build_cmd(r, op, &c);
	err = command(r, op->proc, pid, &c, &rep);
	if (err)
		return err;
	if (op->op == SCN_FORK && !rep.err)
		r->pids[op->child] = rep.pid;
	if (rep.err)
		return add_fail(res, op->line, rep.err);
	return 0;
}

static int run_once(struct runner *r, const struct scenario *s, struct run_result *res)
{
	struct kw_cmd c = { .op = KW_FORK, .child = 0 };
	struct kw_reply rep;
	size_t i;
	int err, idx;

	err = slab_read_counts(&res->start);
	if (err) {
		fprintf(r->diag, "anonrmap: kernel: reading /sys/kernel/slab: %s\n", strerror(-err));
		return err;
	}
	err = command(r, r->zygote, r->zygote_pid, &c, &rep);
	if (!err && rep.err)
		err = -rep.err;
	if (err) {
		fprintf(r->diag, "anonrmap: kernel: cannot start P0: %s\n", strerror(-err));
		return err;
	}
	r->pids[0] = rep.pid;

	for (i = 0; i < s->nr_ops && !err; i++)
		err = do_op(r, &s->ops[i], res);
	if (!err && !s->has_observe)
		err = observe(r, "end", res);
	if (err) {
		kill_workers(r);
		return err;
	}
	for (idx = 0; idx < r->scn->nr_procs; idx++) {
		if (r->pids[idx]) {
			int e = stop_worker(r, idx, r->pids[idx]);

			if (e && !err)
				err = e;
		}
	}
	if (!err)
		err = slab_read_counts(&res->end);
	free(res->fails);
	res->fails = NULL;
	res->nr_fails = res->cap_fails = 0;
	return err;
}

static void release_result(struct run_result *res, size_t nr_blocks)
{
	size_t i;

	if (res->blocks)
		for (i = 0; i < nr_blocks; i++)
			obs_block_release(&res->blocks[i]);
	free(res->blocks);
	free(res->counts);
	free(res->fails);
	memset(res, 0, sizeof(*res));
}

static int init_result(struct run_result *res, size_t nr_blocks, bool pages)
{
	memset(res, 0, sizeof(*res));
	res->pages = pages;
	res->counts = calloc(nr_blocks, sizeof(*res->counts));
	if (pages)
		res->blocks = calloc(nr_blocks, sizeof(*res->blocks));
	if (!res->counts || (pages && !res->blocks)) {
		release_result(res, nr_blocks);
		return -ENOMEM;
	}
	return 0;
}

/*
 * The controller allocates while the workers live (VMA and page arrays,
 * output). A large malloc() would get its own mmap(), and that VMA its own
 * anon_vma on first touch, counted in one run but not in the other. With the
 * threshold at its maximum, every allocation comes from the brk heap, whose
 * single VMA has had its anon_vma since the first malloc.
 */
static void set_up_malloc(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
}

static int make_files(struct runner *r)
{
	static char fill[65536];
	size_t i;
	int f;

	memset(fill, FILE_FILL_BYTE, sizeof(fill));
	r->file_fds = calloc(r->scn->nr_files ? (size_t)r->scn->nr_files : 1, sizeof(int));
	if (!r->file_fds)
		return -ENOMEM;
	for (f = 0; f < r->scn->nr_files; f++)
		r->file_fds[f] = -1;
	for (i = 0; i < r->scn->nr_ops; i++) {
		const struct scn_op *op = &r->scn->ops[i];
		uint64_t done = 0;
		int fd;

		if (op->op != SCN_FILE)
			continue;
		fd = memfd_create(r->scn->files[op->file], MFD_CLOEXEC);
		if (fd < 0)
			return -errno;
		r->file_fds[op->file] = fd;
		/* Written, not truncated: every page must sit in the page cache. */
		while (done < op->len) {
			size_t want = op->len - done < sizeof(fill) ? (size_t)(op->len - done) : sizeof(fill);
			ssize_t n = write(fd, fill, want);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return n < 0 ? -errno : -EIO;
			done += (uint64_t)n;
		}
	}
	return 0;
}

static void close_files(struct runner *r)
{
	int f;

	if (!r->file_fds)
		return;
	for (f = 0; f < r->scn->nr_files; f++)
		if (r->file_fds[f] >= 0)
			close(r->file_fds[f]);
	free(r->file_fds);
	r->file_fds = NULL;
}

static int make_channels(struct runner *r)
{
	int i, n = r->scn->nr_procs + 1;

	r->ch.cmd = calloc((size_t)n, sizeof(*r->ch.cmd));
	r->ch.rep = calloc((size_t)n, sizeof(*r->ch.rep));
	if (!r->ch.cmd || !r->ch.rep)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		r->ch.cmd[i][0] = r->ch.cmd[i][1] = -1;
		r->ch.rep[i][0] = r->ch.rep[i][1] = -1;
	}
	for (i = 0; i < n; i++) {
		if (pipe2(r->ch.cmd[i], O_CLOEXEC) || pipe2(r->ch.rep[i], O_CLOEXEC))
			return -errno;
		r->ch.nr = i + 1;
	}
	r->zygote = n - 1;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_channels(struct runner *r)
{
	int i;

	for (i = 0; i < r->ch.nr; i++) {
		close_fd(&r->ch.cmd[i][0]);
		close_fd(&r->ch.cmd[i][1]);
		close_fd(&r->ch.rep[i][0]);
		close_fd(&r->ch.rep[i][1]);
	}
	free(r->ch.cmd);
	free(r->ch.rep);
	memset(&r->ch, 0, sizeof(r->ch));
}

/*
 * The zygote is forked once, before any run, and never changes: every P0 is
 * cloned from it, so every run starts from the same process image whatever
 * the controller has allocated in between.
 */
static int start_zygote(struct runner *r)
{
	pid_t pid;
	int i;

	r->controller = getpid();
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		for (i = 0; i < r->ch.nr; i++) {
			close(r->ch.cmd[i][1]);
			close(r->ch.rep[i][0]);
		}
		close(r->kpf_fd);
		worker_prefault();
		worker_main(&r->ch, r->zygote, r->controller);
	}
	r->zygote_pid = pid;
	/* The worker ends are the workers' business now. */
	for (i = 0; i < r->ch.nr; i++) {
		close_fd(&r->ch.cmd[i][0]);
		close_fd(&r->ch.rep[i][1]);
	}
	return 0;
}

static void stop_zygote(struct runner *r)
{
	if (r->zygote_pid)
		stop_worker(r, r->zygote, r->zygote_pid);
}

/*
 * Two runners on one machine would count each other's objects; a lock file
 * makes concurrent invocations (ctest -j) take turns. Without one the runner
 * still works, only noisier.
 */
static int take_lock(void)
{
	static const char *const paths[] = { "/run/lock/anonrmap-kernel.lock",
					     "/tmp/anonrmap-kernel.lock" };
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = open(paths[i], O_RDWR | O_CREAT | O_CLOEXEC, 0666);

		if (fd < 0)
			continue;
		while (flock(fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				close(fd);
				fd = -1;
				break;
			}
		}
		if (fd >= 0)
			return fd;
	}
	return -1;
}

/* ---- repetitions and medians ---- */

struct samples {
	size_t nr_blocks, nr, cap;
	long *av;		/* [run][block] scenario minus skeleton */
	long *avc;
};

static int samples_add(struct samples *s, const struct run_result *scn_res,
		       const struct run_result *skel_res)
{
	size_t b;

	if (s->nr == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		long *av = realloc(s->av, cap * s->nr_blocks * sizeof(long));
		long *avc;

		if (!av)
			return -ENOMEM;
		s->av = av;
		avc = realloc(s->avc, cap * s->nr_blocks * sizeof(long));
		if (!avc)
			return -ENOMEM;
		s->avc = avc;
		s->cap = cap;
	}
	/*
	 * Each run is measured from its own start, so that what the rest of
	 * the machine did between the two runs drops out too.
	 */
	for (b = 0; b < s->nr_blocks; b++) {
		s->av[s->nr * s->nr_blocks + b] =
			(scn_res->counts[b].anon_vma - scn_res->start.anon_vma) -
			(skel_res->counts[b].anon_vma - skel_res->start.anon_vma);
		s->avc[s->nr * s->nr_blocks + b] =
			(scn_res->counts[b].anon_vma_chain - scn_res->start.anon_vma_chain) -
			(skel_res->counts[b].anon_vma_chain - skel_res->start.anon_vma_chain);
	}
	s->nr++;
	return 0;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* Median of column @b over the first @n runs; the lower one when @n is even. */
static long median(const long *v, size_t nr_blocks, size_t b, size_t n, long *tmp)
{
	size_t i;

	for (i = 0; i < n; i++)
		tmp[i] = v[i * nr_blocks + b];
	qsort(tmp, n, sizeof(long), cmp_long);
	return tmp[(n - 1) / 2];
}

static bool column_varies(const long *v, size_t nr_blocks, size_t b, size_t n, long *lo,
			  long *hi)
{
	size_t i;

	*lo = *hi = v[b];
	for (i = 1; i < n; i++) {
		long x = v[i * nr_blocks + b];

		if (x < *lo)
			*lo = x;
		if (x > *hi)
			*hi = x;
	}
	return *lo != *hi;
}

static bool any_varies(const struct samples *s)
{
	long lo, hi;
	size_t b;

	for (b = 0; b < s->nr_blocks; b++)
		if (column_varies(s->av, s->nr_blocks, b, s->nr, &lo, &hi) ||
		    column_varies(s->avc, s->nr_blocks, b, s->nr, &lo, &hi))
			return true;
	return false;
}

/* Medians of every count over all runs so far, into @med ([2][nr_blocks]). */
static int medians(const struct samples *s, long *med)
{
	long *tmp = malloc(s->nr * sizeof(long));
	size_t b;

	if (!tmp)
		return -ENOMEM;
	for (b = 0; b < s->nr_blocks; b++) {
		med[b] = median(s->av, s->nr_blocks, b, s->nr, tmp);
		med[s->nr_blocks + b] = median(s->avc, s->nr_blocks, b, s->nr, tmp);
	}
	free(tmp);
	return 0;
}

/* The block as printed, counts left out, to see whether runs agree. */
static char *block_text(const struct obs_block *b)
{
	struct obs_block copy = *b;
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	copy.count_anon_vma = copy.count_anon_vma_chain = 0;
	obs_print(f, &copy);
	fclose(f);
	return text;
}

static bool same_blocks(const struct run_result *a, const struct run_result *b, size_t nr,
			size_t *which)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		char *x = block_text(&a->blocks[i]), *y = block_text(&b->blocks[i]);
		bool same = x && y && !strcmp(x, y);

		free(x);
		free(y);
		if (!same) {
			*which = i;
			return false;
		}
	}
	return true;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress {
	bool on;		/* --verbose */
	bool tty;
	double start;
	bool shown;
};

static void progress(struct progress *pg, FILE *diag, const char *path, size_t clean,
		     size_t noisy)
{
	/* Progress is for runs long enough to wonder about. */
	if (!pg->on && !(pg->tty && now() - pg->start > 2.0))
		return;
	if (pg->tty)
		fprintf(diag, "\ranonrmap: kernel: %s: %zu clean pairs of runs, %zu noisy ", path,
			clean, noisy);
	else
		fprintf(diag, "anonrmap: kernel: %s: %zu clean pairs of runs, %zu noisy\n", path,
			clean, noisy);
	pg->shown = true;
}

static int count_blocks(const struct scenario *scn)
{
	size_t i;
	int n = 0;

	for (i = 0; i < scn->nr_ops; i++)
		n += scn->ops[i].op == SCN_OBSERVE;
	return scn->has_observe ? n : 1;
}

static bool closed(const struct run_result *res)
{
	return res->start.anon_vma == res->end.anon_vma &&
	       res->start.anon_vma_chain == res->end.anon_vma_chain;
}

/*
 * One run of the scenario and one of its skeleton. A run ends with no worker
 * left, so it should end with the counts it started with; when it does not,
 * some other process allocated or freed meanwhile and the pair goes to
 * @noisy instead of @s.
 */
static int one_pair(struct runner *r, const struct scenario *skel, struct run_result *first,
		    struct samples *s, struct samples *noisy, bool *warned_tokens)
{
	struct run_result scn_res, skel_res;
	size_t which;
	int err;

	err = init_result(&scn_res, r->nr_blocks, true);
	if (err)
		return err;
	err = init_result(&skel_res, r->nr_blocks, false);
	if (!err)
		err = run_once(r, r->scn, &scn_res);
	if (!err)
		err = run_once(r, skel, &skel_res);
	if (!err)
		err = samples_add(closed(&scn_res) && closed(&skel_res) ? s : noisy, &scn_res,
				  &skel_res);
	if (!err && !first->blocks) {
		*first = scn_res;
		memset(&scn_res, 0, sizeof(scn_res));
	} else if (!err && !*warned_tokens && !same_blocks(first, &scn_res, r->nr_blocks, &which)) {
		fprintf(r->diag,
			"anonrmap: kernel: %s: warning: observe %s: VMAs or pages differ between runs "
			"(THP, khugepaged or reclaim at work?); printing the first run's\n",
			r->scn->path, first->blocks[which].label);
		*warned_tokens = true;
	}
	release_result(&scn_res, r->nr_blocks);
	release_result(&skel_res, r->nr_blocks);
	return err;
}

struct budget {
	unsigned int reps;	/* clean pairs per batch */
	unsigned int max;	/* clean pairs in all */
	unsigned int tries;	/* pairs in all, clean or not */
	unsigned int used;
};

/* Adds @n clean pairs to @s, or fewer when the budget runs out. */
static int batch(struct runner *r, const struct scenario *skel, struct budget *bu,
		 struct progress *pg, struct run_result *first, struct samples *s,
		 struct samples *noisy, bool *warned_tokens, unsigned int n)
{
	size_t want = s->nr + n;
	int err = 0;

	while (!err && s->nr < want && bu->used < bu->tries) {
		bu->used++;
		progress(pg, r->diag, r->scn->path, s->nr, noisy->nr);
		err = one_pair(r, skel, first, s, noisy, warned_tokens);
	}
	return err;
}

/*
 * Fills @s with at least reps clean pairs and then, while counts vary, adds
 * batches of reps more until the medians of two successive batches agree.
 * Only when no pair at all comes out clean are the noisy ones used.
 */
static int measure(struct runner *r, const struct scenario *skel, const struct kernel_opts *o,
		   struct run_result *first, struct samples *s)
{
	struct budget bu = { .reps = o->reps ? o->reps : KERNEL_DEFAULT_REPS };
	struct progress pg = { .on = o->verbose, .tty = isatty(fileno(r->diag)), .start = now() };
	struct samples noisy = { .nr_blocks = s->nr_blocks };
	bool warned_tokens = false, settled = true;
	long *prev = NULL, *cur = NULL;
	int err = 0;

	bu.max = o->max_reps ? o->max_reps : 6 * bu.reps;
	if (bu.max < bu.reps)
		bu.max = bu.reps;
	bu.tries = 4 * bu.max;
	prev = calloc(2 * r->nr_blocks, sizeof(long));
	cur = calloc(2 * r->nr_blocks, sizeof(long));
	if (!prev || !cur) {
		err = -ENOMEM;
		goto out;
	}
	err = batch(r, skel, &bu, &pg, first, s, &noisy, &warned_tokens, bu.reps);
	if (err || !s->nr || !any_varies(s))
		goto out;
	err = medians(s, prev);
	while (!err && s->nr + bu.reps <= bu.max && bu.used < bu.tries) {
		err = batch(r, skel, &bu, &pg, first, s, &noisy, &warned_tokens, bu.reps);
		if (!err)
			err = medians(s, cur);
		settled = !memcmp(prev, cur, 2 * r->nr_blocks * sizeof(long));
		if (err || settled)
			break;
		memcpy(prev, cur, 2 * r->nr_blocks * sizeof(long));
	}
	if (!err && !settled)
		fprintf(r->diag,
			"anonrmap: kernel: %s: warning: counts still moving after %zu runs; "
			"the machine is too busy for exact counts\n",
			r->scn->path, s->nr);
out:
	if (pg.shown && pg.tty)
		fputc('\n', r->diag);
	if (!err && o->verbose)
		fprintf(r->diag, "anonrmap: kernel: %s: %zu clean pairs of runs, %zu noisy ones left out\n",
			r->scn->path, s->nr, noisy.nr);
	if (!err && !s->nr) {
		fprintf(r->diag,
			"anonrmap: kernel: %s: warning: no run ended with the counts it started "
			"with; the counts printed are from noisy runs\n",
			r->scn->path);
		free(s->av);
		free(s->avc);
		*s = noisy;
		memset(&noisy, 0, sizeof(noisy));
	}
	free(noisy.av);
	free(noisy.avc);
	free(prev);
	free(cur);
	return err;
}

static void report_counts(struct runner *r, const struct samples *s, const long *med,
			  struct run_result *first, bool verbose)
{
	static const char *const names[] = { "anon_vma", "anon_vma_chain" };
	const long *cols[] = { s->av, s->avc };
	size_t b, k, i;
	long lo, hi;

	for (b = 0; b < s->nr_blocks; b++) {
		for (k = 0; k < 2; k++) {
			bool varied = column_varies(cols[k], s->nr_blocks, b, s->nr, &lo, &hi);

			if (!varied && !verbose)
				continue;
			if (varied)
				fprintf(r->diag,
					"anonrmap: kernel: %s: warning: observe %s: count %s varied "
					"over %zu runs (%ld to %ld); printed the median %ld\n",
					r->scn->path, first->blocks[b].label, names[k], s->nr, lo,
					hi, med[k * s->nr_blocks + b]);
			else
				fprintf(r->diag, "anonrmap: kernel: %s: observe %s: count %s:",
					r->scn->path, first->blocks[b].label, names[k]);
			if (verbose) {
				if (varied)
					fprintf(r->diag, "  samples:");
				for (i = 0; i < s->nr; i++)
					fprintf(r->diag, " %ld", cols[k][i * s->nr_blocks + b]);
				fputc('\n', r->diag);
			}
		}
	}
}

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
	struct kernel_opts o = opts ? *opts : (struct kernel_opts){ 0 };
	struct sigaction dfl = { .sa_handler = SIG_DFL }, ign = { .sa_handler = SIG_IGN };
	struct sigaction old_chld, old_pipe;
	struct runner r = { .scn = scn, .kpf_fd = -1 };
	struct run_result first = { 0 };
	struct samples s = { 0 };
	struct scenario skel = { 0 };
	bool have_skel = false;
	long *med = NULL;
	char why[256];
	int lock_fd = -1, err = 0, status = KERNEL_OK;
	size_t b;

	r.diag = o.diag ? o.diag : stderr;
	if (scn->uses_migrate) {
		fprintf(r.diag,
			"anonrmap: kernel: %s: uses migrate, which a process cannot ask of the "
			"kernel for chosen folios; not run\n",
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
	r.nr_blocks = (size_t)count_blocks(scn);
	s.nr_blocks = r.nr_blocks;

	set_up_malloc();
	/* Workers are reaped with waitpid(); an inherited SIG_IGN would prevent that. */
	sigemptyset(&dfl.sa_mask);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGCHLD, &dfl, &old_chld);
	sigaction(SIGPIPE, &ign, &old_pipe);

	lock_fd = take_lock();
	r.pids = calloc(scn->nr_procs ? (size_t)scn->nr_procs : 1, sizeof(*r.pids));
	med = calloc(2 * r.nr_blocks, sizeof(long));
	if (!r.pids || !med) {
		err = -ENOMEM;
		goto out;
	}
	r.kpf_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (r.kpf_fd < 0) {
		err = -errno;
		goto out;
	}
	err = make_files(&r);
	if (!err)
		err = make_channels(&r);
	if (!err)
		err = start_zygote(&r);
	if (err)
		goto out;

	err = measure(&r, &skel, &o, &first, &s);
	if (!err)
		err = medians(&s, med);
	if (err)
		goto out;
	report_counts(&r, &s, med, &first, o.verbose);
	for (b = 0; b < r.nr_blocks; b++) {
		first.blocks[b].count_anon_vma = med[b];
		first.blocks[b].count_anon_vma_chain = med[r.nr_blocks + b];
		obs_print(out, &first.blocks[b]);
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
		kill_workers(&r);
	stop_zygote(&r);
	close_channels(&r);
	close_files(&r);
	if (r.kpf_fd >= 0)
		close(r.kpf_fd);
	if (lock_fd >= 0)
		close(lock_fd);
	sigaction(SIGCHLD, &old_chld, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	release_result(&first, r.nr_blocks);
	free(s.av);
	free(s.avc);
	free(med);
	free(r.pids);
	if (have_skel)
		scenario_free(&skel);
	return status;
}
