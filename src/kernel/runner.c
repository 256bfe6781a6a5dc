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
#include "kernel/kernel_runner.h"
#include "kernel/kernel_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static int read_counts(struct runner *r, struct slab_counts *c)
{
	int err = slab_read_counts(c);

	if (err)
		fprintf(r->diag, "anonrmap: kernel: reading /sys/kernel/slab: %s\n", strerror(-err));
	return err;
}

/* Starts a new step here: what happened since the last reading is not measured. */
static int rebase(struct runner *r, struct run_result *res)
{
	return read_counts(r, &res->last);
}

/* Ends a step: records how the counts moved since the last reading. */
static int step(struct runner *r, struct run_result *res)
{
	struct slab_counts now;
	int err = read_counts(r, &now);

	if (err)
		return err;
	if (res->nr_steps == res->cap_steps) {
		size_t cap = res->cap_steps ? res->cap_steps * 2 : 32;
		struct slab_counts *nd = realloc(res->delta, cap * sizeof(*nd));

		if (!nd)
			return -ENOMEM;
		res->delta = nd;
		res->cap_steps = cap;
	}
	res->delta[res->nr_steps].anon_vma = now.anon_vma - res->last.anon_vma;
	res->delta[res->nr_steps].anon_vma_chain = now.anon_vma_chain - res->last.anon_vma_chain;
	res->nr_steps++;
	res->last = now;
	return 0;
}

/*
 * The counts for this block are the steps measured so far; reading /proc
 * happens between steps, outside every measurement, and the next step
 * starts afresh after it.
 */
static int observe(struct runner *r, const char *label, struct run_result *res)
{
	struct obs_block *b;
	size_t n = 0;
	int i, err;

	if (res->nr_seen >= r->nr_blocks)
		return -EPROTO;
	res->block_at[res->nr_seen] = res->nr_steps;
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

/*
 * A long touch is measured a piece at a time: faulting a megabyte takes
 * about as long as reading the counts, while faulting a gigabyte in one step
 * would leave a window of a second for other processes to disturb. Almost
 * every piece changes nothing, and counts.c judges each piece on its own.
 * The worker stops at the first fault as before; the pieces after it are
 * not sent, in every run alike.
 */
static int touch_in_pieces(struct runner *r, const struct scn_op *op, pid_t pid,
			   struct run_result *res)
{
	const uint64_t piece = TOUCH_PIECE_PAGES * KR_PAGE_SIZE;
	struct kw_cmd c;
	struct kw_reply rep;
	uint64_t done;
	int err = 0;

	build_cmd(r, op, &c);
	for (done = 0; done < op->len && !err; done += piece) {
		c.addr = op->addr + done;
		c.len = op->len - done < piece ? op->len - done : piece;
		err = command(r, op->proc, pid, &c, &rep);
		if (!err)
			err = step(r, res);
		if (!err && rep.err)
			return add_fail(res, op->line, rep.err);
	}
	return err;
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
		err = observe(r, op->label, res);
		return err ? err : rebase(r, res);
	case SCN_MIGRATE:
		return -EOPNOTSUPP;
	default:
		break;
	}

	pid = r->pids[op->proc];
	if (pid && op->op == SCN_TOUCH)
		return touch_in_pieces(r, op, pid, res);
	if (!pid) {
		/* Only after a fork the kernel refused. */
		err = add_fail(res, op->line, ESRCH);
	} else if (op->op == SCN_EXIT) {
		c = (struct kw_cmd){ .op = KW_EXIT };
		err = send_cmd(r, op->proc, &c);
		if (!err)
			err = reap(r, pid);
	} else {
		build_cmd(r, op, &c);
		err = command(r, op->proc, pid, &c, &rep);
		if (!err && op->op == SCN_FORK && !rep.err)
			r->pids[op->child] = rep.pid;
		if (!err && rep.err)
			err = add_fail(res, op->line, rep.err);
	}
	return err ? err : step(r, res);
}

static int run_once(struct runner *r, const struct scenario *s, struct run_result *res)
{
	struct kw_cmd c = { .op = KW_FORK, .child = 0 };
	struct kw_reply rep;
	size_t i;
	int err, idx;

	err = command(r, r->zygote, r->zygote_pid, &c, &rep);
	if (!err && rep.err)
		err = -rep.err;
	if (err) {
		fprintf(r->diag, "anonrmap: kernel: cannot start P0: %s\n", strerror(-err));
		return err;
	}
	r->pids[0] = rep.pid;
	/*
	 * P0 is cloned alike in both runs, so its cost cancels exactly and is
	 * not measured: of all steps it takes longest, and so is the most
	 * often disturbed.
	 */
	err = rebase(r, res);

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
	free(res->block_at);
	free(res->delta);
	free(res->fails);
	memset(res, 0, sizeof(*res));
}

static int init_result(struct run_result *res, size_t nr_blocks, bool pages)
{
	memset(res, 0, sizeof(*res));
	res->pages = pages;
	res->block_at = calloc(nr_blocks, sizeof(*res->block_at));
	if (pages)
		res->blocks = calloc(nr_blocks, sizeof(*res->blocks));
	if (!res->block_at || (pages && !res->blocks)) {
		release_result(res, nr_blocks);
		return -ENOMEM;
	}
	return 0;
}

/*
 * The controller allocates while it measures (the arrays of measurements
 * grow between one step's reading and the next step). A large malloc()
 * would get its own mmap(), and that VMA its own anon_vma on first touch,
 * counted in whatever step comes next. With the threshold at its maximum,
 * every allocation comes from the brk heap, whose single VMA has had its
 * anon_vma since the first malloc.
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
 * A step is measured from one slab reading to the next, and whatever other
 * processes allocate meanwhile is counted with it. On a loaded machine the
 * worker that performs a step may wait milliseconds for a CPU while a
 * compiler forks and maps; as a real-time task it runs at once, and the
 * step's window shrinks to the step itself. The zygote and the workers
 * inherit the policy. Lowest real-time priority: nothing here spins, and
 * the kernel's RT throttling bounds the harm of a bug anyway.
 */
static bool go_realtime(struct sched_param *old_param, int *old_policy)
{
	struct sched_param rt = { .sched_priority = sched_get_priority_min(SCHED_FIFO) };

	*old_policy = sched_getscheduler(0);
	if (*old_policy < 0 || sched_getparam(0, old_param))
		return false;
	return sched_setscheduler(0, SCHED_FIFO, &rt) == 0;
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

/* ---- repetitions ---- */

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

static void progress(struct progress *pg, FILE *diag, const char *path, size_t runs, size_t max)
{
	/* Progress is for runs long enough to wonder about. */
	if (!pg->on && !(pg->tty && now() - pg->start > 2.0))
		return;
	if (pg->tty)
		fprintf(diag, "\ranonrmap: kernel: %s: run %zu (at most %zu) ", path, runs + 1, max);
	else
		fprintf(diag, "anonrmap: kernel: %s: run %zu (at most %zu)\n", path, runs + 1, max);
	pg->shown = true;
}

static size_t count_blocks(const struct scenario *scn)
{
	size_t i, n = 0;

	for (i = 0; i < scn->nr_ops; i++)
		n += scn->ops[i].op == SCN_OBSERVE;
	return scn->has_observe ? n : 1;
}

struct measurement {
	struct count_series scn, skel;
	struct run_result first;	/* the scenario run whose blocks are printed */
	bool warned_tokens;
};

/*
 * One run of the scenario and one of its skeleton, right after each other.
 * With @look, the scenario run also reads VMAs and pages, to print them or
 * to check that they come out the same every time; reading a large
 * scenario's page tables every time would cost more than the runs.
 */
static int one_pair(struct runner *r, const struct scenario *skel, struct measurement *m,
		    bool look)
{
	struct run_result scn_res, skel_res;
	size_t which;
	int err;

	err = init_result(&scn_res, r->nr_blocks, look || !m->first.blocks);
	if (err)
		return err;
	err = init_result(&skel_res, r->nr_blocks, false);
	if (!err)
		err = run_once(r, r->scn, &scn_res);
	if (!err)
		err = run_once(r, skel, &skel_res);
	if (!err)
		err = series_add(&m->scn, scn_res.delta, scn_res.nr_steps, scn_res.block_at,
				 r->nr_blocks);
	if (!err)
		err = series_add(&m->skel, skel_res.delta, skel_res.nr_steps, skel_res.block_at,
				 r->nr_blocks);
	if (!err && !m->first.blocks) {
		m->first = scn_res;
		memset(&scn_res, 0, sizeof(scn_res));
	} else if (!err && scn_res.pages && !m->warned_tokens &&
		   !same_blocks(&m->first, &scn_res, r->nr_blocks, &which)) {
		fprintf(r->diag,
			"anonrmap: kernel: %s: warning: observe %s: VMAs or pages differ between runs "
			"(THP, khugepaged or reclaim at work?); printing the first run's\n",
			r->scn->path, m->first.blocks[which].label);
		m->warned_tokens = true;
	}
	release_result(&scn_res, r->nr_blocks);
	release_result(&skel_res, r->nr_blocks);
	return err;
}

/* A short random pause, so that runs do not keep step with periodic activity. */
static void jitter(unsigned int *seed)
{
	struct timespec ts = { 0, 0 };

	*seed = *seed * 1103515245u + 12345u;
	ts.tv_nsec = (long)((*seed >> 16) % 500) * 1000;
	nanosleep(&ts, NULL);
}

/*
 * reps pairs of runs, then, if any step measured differently in different
 * runs, batches of reps more until the counts are clear, or max pairs have
 * run. Clear means: for every step, the value taken outnumbers the
 * runner-up by more than chance would explain (see counts.c), and the
 * counts to print did not change over the last two batches, so that a burst
 * of activity that spoils a batch shows as a change. Most runs need not
 * agree on a step: on a busy machine most runs of a long step can be
 * disturbed, each in its own way.
 */
static int measure(struct runner *r, const struct scenario *skel, const struct kernel_opts *o,
		   struct measurement *m, long *est, bool *clear)
{
	unsigned int reps = o->reps ? o->reps : KERNEL_DEFAULT_REPS;
	unsigned int max = o->max_reps ? o->max_reps : 30 * reps, i;
	unsigned int seed = (unsigned int)getpid(), stable = 0;
	struct progress pg = { .on = o->verbose, .tty = isatty(fileno(r->diag)), .start = now() };
	size_t n = 2 * r->nr_blocks;
	struct series_quality q;
	bool settled = false;
	long *prev;
	int err = 0;

	if (max < reps)
		max = reps;
	prev = calloc(n ? n : 1, sizeof(long));
	if (!prev)
		return -ENOMEM;
	for (;;) {
		for (i = 0; i < reps && !err; i++) {
			progress(&pg, r->diag, r->scn->path, m->scn.nr_runs, max);
			err = one_pair(r, skel, m, m->scn.nr_runs < reps);
			jitter(&seed);
		}
		if (err)
			break;
		if (m->scn.nr_runs > reps)
			memcpy(prev, est, n * sizeof(long));
		err = series_estimate(&m->scn, &m->skel, est, &q);
		if (err)
			break;
		if (!series_varies(&m->scn) && !series_varies(&m->skel)) {
			settled = true;
			break;
		}
		if (m->scn.nr_runs > reps && !memcmp(prev, est, n * sizeof(long)))
			stable++;
		else
			stable = 0;
		settled = stable >= 2 && q.clear;
		if (settled || m->scn.nr_runs + reps > max)
			break;
	}
	if (pg.shown && pg.tty)
		fputc('\n', r->diag);
	*clear = settled;
	if (!err && !settled)
		fprintf(r->diag,
			"anonrmap: kernel: %s: warning: after %zu runs the counts are still not "
			"clear (in the least clear step, %zu runs measured the value taken and "
			"%zu the next most frequent one); the machine is too busy for them to "
			"be trusted\n",
			r->scn->path, m->scn.nr_runs, q.votes, q.runner_up);
	free(prev);
	return err;
}

/* Names each count that was not the same in every run, with its range. */
static void report_counts(struct runner *r, const struct measurement *m, const long *est,
			  bool verbose)
{
	static const char *const names[] = { "anon_vma", "anon_vma_chain" };
	size_t nr = m->scn.nr_runs, b, k, run;
	long t[2], lo[2] = { 0, 0 }, hi[2] = { 0, 0 };

	for (b = 0; b < r->nr_blocks; b++) {
		for (run = 0; run < nr; run++) {
			series_run_total(&m->scn, &m->skel, run, b, t);
			for (k = 0; k < 2; k++) {
				if (!run || t[k] < lo[k])
					lo[k] = t[k];
				if (!run || t[k] > hi[k])
					hi[k] = t[k];
			}
		}
		for (k = 0; k < 2; k++) {
			long printed = est[k * r->nr_blocks + b];

			if (lo[k] != hi[k])
				fprintf(r->diag,
					"anonrmap: kernel: %s: warning: observe %s: count %s varied "
					"over %zu runs (%ld to %ld); printed %ld, what most runs "
					"measured for each step\n",
					r->scn->path, m->first.blocks[b].label, names[k], nr, lo[k],
					hi[k], printed);
			if (!verbose)
				continue;
			fprintf(r->diag, "anonrmap: kernel: %s: observe %s: count %s per run:",
				r->scn->path, m->first.blocks[b].label, names[k]);
			for (run = 0; run < nr; run++) {
				series_run_total(&m->scn, &m->skel, run, b, t);
				fprintf(r->diag, " %ld", t[k]);
			}
			fputc('\n', r->diag);
		}
	}
}

/* Every measurement, for finding out what a noisy machine does to them. */
static void dump_steps(struct runner *r, const char *what, const struct count_series *s)
{
	size_t run, st;

	for (run = 0; run < s->nr_runs; run++) {
		fprintf(r->diag, "anonrmap: kernel: %s: %s run %zu, anon_vma/chain per step:",
			r->scn->path, what, run + 1);
		for (st = 0; st < s->nr_steps; st++)
			fprintf(r->diag, " %ld/%ld", s->av[run * s->nr_steps + st],
				s->avc[run * s->nr_steps + st]);
		fputc('\n', r->diag);
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
	r.nr_blocks = count_blocks(scn);

	set_up_malloc();
	/* Workers are reaped with waitpid(); an inherited SIG_IGN would prevent that. */
	sigemptyset(&dfl.sa_mask);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGCHLD, &dfl, &old_chld);
	sigaction(SIGPIPE, &ign, &old_pipe);

	lock_fd = take_lock();
	realtime = go_realtime(&old_param, &old_policy);
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
	err = make_files(&r);
	if (!err)
		err = make_channels(&r);
	if (!err)
		err = start_zygote(&r);
	if (!err)
		err = measure(&r, &skel, &o, &m, est, &clear);
	if (err)
		goto out;
	if (report) {
		report->runs = (unsigned int)m.scn.nr_runs;
		report->unclear = !clear;
	}
	report_counts(&r, &m, est, o.verbose);
	if (o.verbose) {
		dump_steps(&r, "scenario", &m.scn);
		dump_steps(&r, "skeleton", &m.skel);
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
		kill_workers(&r);
	stop_zygote(&r);
	close_channels(&r);
	close_files(&r);
	if (r.kpf_fd >= 0)
		close(r.kpf_fd);
	if (realtime)
		sched_setscheduler(0, old_policy, &old_param);
	if (lock_fd >= 0)
		close(lock_fd);
	sigaction(SIGCHLD, &old_chld, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	release_result(&m.first, r.nr_blocks);
	series_free(&m.scn);
	series_free(&m.skel);
	free(est);
	free(r.pids);
	if (have_skel)
		scenario_free(&skel);
	return status;
}
