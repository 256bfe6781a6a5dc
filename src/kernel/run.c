// SPDX-License-Identifier: GPL-2.0-only
/* One run of a scenario (or of its skeleton): each operation sent to its worker, the counts read after every step, observe blocks read from /proc. */
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
		err = kr_command(r, op->proc, pid, &c, &rep);
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
		/* Created before the first run: see kr_make_files(). */
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
		err = kr_send_cmd(r, op->proc, &c);
		if (!err)
			err = kr_reap(r, pid);
	} else {
		build_cmd(r, op, &c);
		err = kr_command(r, op->proc, pid, &c, &rep);
		if (!err && op->op == SCN_FORK && !rep.err)
			r->pids[op->child] = rep.pid;
		if (!err && rep.err)
			err = add_fail(res, op->line, rep.err);
	}
	return err ? err : step(r, res);
}

int kr_run_once(struct runner *r, const struct scenario *s, struct run_result *res)
{
	struct kw_cmd c = { .op = KW_FORK, .child = 0 };
	struct kw_reply rep;
	size_t i;
	int err, idx;

	err = kr_command(r, r->zygote, r->zygote_pid, &c, &rep);
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
		kr_kill_workers(r);
		return err;
	}
	for (idx = 0; idx < r->scn->nr_procs; idx++) {
		if (r->pids[idx]) {
			int e = kr_stop_worker(r, idx, r->pids[idx]);

			if (e && !err)
				err = e;
		}
	}
	free(res->fails);
	res->fails = NULL;
	res->nr_fails = res->cap_fails = 0;
	return err;
}

void kr_release_result(struct run_result *res, size_t nr_blocks)
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

int kr_init_result(struct run_result *res, size_t nr_blocks, bool pages)
{
	memset(res, 0, sizeof(*res));
	res->pages = pages;
	res->block_at = calloc(nr_blocks, sizeof(*res->block_at));
	if (pages)
		res->blocks = calloc(nr_blocks, sizeof(*res->blocks));
	if (!res->block_at || (pages && !res->blocks)) {
		kr_release_result(res, nr_blocks);
		return -ENOMEM;
	}
	return 0;
}

