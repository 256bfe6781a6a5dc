// SPDX-License-Identifier: GPL-2.0-only
/* Repetition: pairs of scenario and skeleton runs until every counted step has a clear most frequent value, and the warnings when one never does. */
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

size_t kr_count_blocks(const struct scenario *scn)
{
	size_t i, n = 0;

	for (i = 0; i < scn->nr_ops; i++)
		n += scn->ops[i].op == SCN_OBSERVE;
	return scn->has_observe ? n : 1;
}


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

	err = kr_init_result(&scn_res, r->nr_blocks, look || !m->first.blocks);
	if (err)
		return err;
	err = kr_init_result(&skel_res, r->nr_blocks, false);
	if (!err)
		err = kr_run_once(r, r->scn, &scn_res);
	if (!err)
		err = kr_run_once(r, skel, &skel_res);
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
	kr_release_result(&scn_res, r->nr_blocks);
	kr_release_result(&skel_res, r->nr_blocks);
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
int kr_measure(struct runner *r, const struct scenario *skel, const struct kernel_opts *o,
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
void kr_report_counts(struct runner *r, const struct measurement *m, const long *est,
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
void kr_dump_steps(struct runner *r, const char *what, const struct count_series *s)
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

