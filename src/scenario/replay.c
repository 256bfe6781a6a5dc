// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replay: drive a world with a parsed scenario through the public API, the
 * same calls a test program makes, and print the observation blocks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <anonrmap/anonrmap.h>

#include "mm/world.h"
#include "scenario/observe_sim.h"
#include "scenario/replay.h"
#include "scenario/tasks.h"

struct replay {
	const struct scenario *scn;
	struct anonrmap_world *world;
	struct anonrmap_mm **procs;	/* by scenario process index */
	struct anonrmap_file **files;
	struct obs_fail *fails;
	size_t nr_fails, cap_fails;
	FILE *diag;
	bool quiet;			/* observations are not printed (--slabinfo) */
	unsigned int line;		/* of the operation just run, for reports */
	int violations;
	struct tasks tasks;		/* version 2: tasks sharing mms */
	/* replay_opts.violation: where checker reports go instead of diag */
	void (*violation)(unsigned int line, const char *msg, void *arg);
	void *violation_arg;
};

static const char *proc_name(unsigned int id, void *arg)
{
	struct replay *r = arg;

	if (r->scn->version >= 2)
		return tasks_mm_name(&r->tasks, id);
	/* worlds number address spaces in creation order, as the parser does */
	return id < (unsigned int)r->scn->nr_procs ? r->scn->procs[id] : "?";
}

const char *replay_mm_name(struct replay *r, unsigned int id)
{
	return proc_name(id, r);
}

static int note_fail(struct replay *r, unsigned int line, int err)
{
	if (r->nr_fails == r->cap_fails) {
		size_t cap = r->cap_fails ? 2 * r->cap_fails : 8;
		struct obs_fail *f = realloc(r->fails, cap * sizeof(*f));

		if (!f)
			return -ENOMEM;
		r->fails = f;
		r->cap_fails = cap;
	}
	r->fails[r->nr_fails++] = (struct obs_fail){ line, -err };
	return 0;
}

static int observe(struct replay *r, const char *label, FILE *out)
{
	struct obs_block b;

	if (sim_observe_range((struct world *)r->world, label, proc_name, r,
			      r->scn->version >= 2 ? 0 : SCN_WINDOW_START,
			      r->scn->version >= 2 ? SCN_USER_END : SCN_WINDOW_END, &b))
		return -ENOMEM;
	b.fails = r->fails;
	b.nr_fails = r->nr_fails;
	if (!r->quiet)
		obs_print(out, &b);
	b.fails = NULL;
	b.nr_fails = 0;
	obs_block_release(&b);
	r->nr_fails = 0;
	return 0;
}

enum anonrmap_advice scn_advice_api(enum scn_advice advice)
{
	static const enum anonrmap_advice map[] = {
		[SCN_MADV_DONTNEED] = ANONRMAP_MADV_DONTNEED,
		[SCN_MADV_DONTFORK] = ANONRMAP_MADV_DONTFORK,
		[SCN_MADV_DOFORK] = ANONRMAP_MADV_DOFORK,
		[SCN_MADV_WIPEONFORK] = ANONRMAP_MADV_WIPEONFORK,
		[SCN_MADV_KEEPONFORK] = ANONRMAP_MADV_KEEPONFORK,
		[SCN_MADV_HUGEPAGE] = ANONRMAP_MADV_HUGEPAGE,
		[SCN_MADV_NOHUGEPAGE] = ANONRMAP_MADV_NOHUGEPAGE,
	};

	return map[advice];
}

/* Returns the operation's result: 0 or a negative errno the kernel would give. */
static int run_op(struct replay *r, const struct scn_op *op, FILE *out, int *fatal)
{
	struct anonrmap_mm *mm = op->proc >= 0 ? r->procs[op->proc] : NULL;

	if (tasks_handles(&r->tasks, op))
		return tasks_run(&r->tasks, r->files, op);
	switch (op->op) {
	case SCN_FILE:
		return anonrmap_file_create(r->world, op->len, &r->files[op->file]);
	case SCN_MMAP:
		return anonrmap_mmap(mm, op->addr, op->len, op->prot,
				     op->file >= 0 ? r->files[op->file] : NULL, op->off);
	case SCN_MUNMAP:
		return anonrmap_munmap(mm, op->addr, op->len);
	case SCN_MPROTECT:
		return anonrmap_mprotect(mm, op->addr, op->len, op->prot);
	case SCN_MREMAP:
		return anonrmap_mremap(mm, op->addr, op->len, op->new_len,
				       op->fixed ? ANONRMAP_MREMAP_MAYMOVE | ANONRMAP_MREMAP_FIXED : 0,
				       op->new_addr);
	case SCN_MADVISE:
		return anonrmap_madvise(mm, op->addr, op->len, scn_advice_api(op->advice));
	case SCN_TOUCH:
		return anonrmap_touch(mm, op->addr, op->len, op->write);
	case SCN_FORK:
		return anonrmap_fork(mm, &r->procs[op->child]);
	case SCN_EXIT:
		return anonrmap_exit(mm);
	case SCN_MIGRATE:
		return anonrmap_migrate(mm, op->addr, op->len);
	case SCN_OBSERVE:
		*fatal = observe(r, op->label, out);
		return 0;
	default:
		break;
	}
	return -EINVAL;
}

static void report_violation(const char *msg, void *arg)
{
	struct replay *r = arg;

	if (r->violation) {
		r->violation(r->line, msg, r->violation_arg);
		return;
	}
	fprintf(r->diag, "%s:%u: invariant violated: %s\n", r->scn->path, r->line, msg);
}

static void report_race(const char *msg, void *arg)
{
	struct replay *r = arg;

	r->violations++;
	report_violation(msg, r);
}

/* A recorded event the replay could not repeat is named and the replay goes on. */
static void count_event(struct replay *r, struct recording_stats *st, const struct scn_op *op,
			int err)
{
	st->events++;
	if (!err) {
		st->events_matched++;
		return;
	}
	if (recording_report(st))
		fprintf(r->diag, "%s:%u: %s not reproduced: the replay got %s\n", r->scn->path,
			op->line, scn_op_name(op->op), obs_errno_name(-err));
}

/* A run of expect lines; returns how many operations it spans. */
static size_t checkpoint(struct replay *r, const struct replay_opts *opts,
			 const struct scn_op *op, size_t left)
{
	size_t n = 1;

	if (opts->stats)
		n = recording_check(opts->stats, r->scn, op, left, r->procs[op->proc], r->diag);
	else
		while (n < left && op[n].op == SCN_EXPECT && op[n].proc == op->proc)
			n++;
	if (opts->check_at_expect) {
		r->line = op->line;
		r->violations += anonrmap_check(r->world, report_violation, r);
	}
	return n;
}

int replay_start(const struct scenario *scn, const struct replay_opts *opts, struct replay **rp)
{
	struct anonrmap_config cfg;
	struct replay *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->scn = scn;
	r->diag = opts->diag ? opts->diag : stderr;
	r->violation = opts->violation;
	r->violation_arg = opts->violation_arg;
	r->quiet = opts->slabinfo || opts->at_stop;
	if (opts->config)
		cfg = *opts->config;
	else
		anonrmap_config_init(&cfg);
	cfg.mode = opts->mode ? opts->mode : "classic";
	r->procs = calloc(scn->nr_procs ? scn->nr_procs : 1, sizeof(*r->procs));
	r->files = calloc(scn->nr_files ? scn->nr_files : 1, sizeof(*r->files));
	err = r->procs && r->files ? anonrmap_world_create(&cfg, &r->world, &r->procs[0]) : -ENOMEM;
	/*
	 * From one thread a walk can still be handed what it must not be (a
	 * design whose folios outlive their VMAs): that is a violation of the
	 * operation that walked, reported and counted as the checker's are.
	 */
	if (!err)
		anonrmap_world_set_race_report(r->world, report_race, r);
	if (!err)
		err = tasks_init(&r->tasks, scn, r->world, r->procs);
	if (err) {
		replay_end(r);
		return err;
	}
	*rp = r;
	return 0;
}

int replay_op(struct replay *r, const struct scn_op *op, FILE *out, int *fatal)
{
	return run_op(r, op, out, fatal);
}

struct anonrmap_world *replay_world(struct replay *r)
{
	return r->world;
}

struct anonrmap_mm *replay_proc(struct replay *r, int proc)
{
	return proc >= 0 && proc < r->scn->nr_procs ? r->procs[proc] : NULL;
}

void replay_end(struct replay *r)
{
	tasks_release(&r->tasks);
	anonrmap_world_destroy(r->world);
	free(r->procs);
	free(r->files);
	free(r->fails);
	free(r);
}

/* Say which operation met the injected failure, and what it returned. */
static void report_injection(struct replay *r, unsigned long *injected, unsigned int line, int err)
{
	unsigned long now = anonrmap_fault_injected(r->world, NULL);

	if (now == *injected)
		return;
	*injected = now;
	fprintf(r->diag, "%s:%u: injected allocation failure; the operation returned %s\n",
		r->scn->path, line, err ? obs_errno_name(-err) : "0");
}

int scenario_replay(const struct scenario *scn, const struct replay_opts *opts, FILE *out)
{
	struct replay *r;
	unsigned long injected = 0;
	unsigned long fail_nth = opts->config ? opts->config->fail_nth : 0;
	const char *fail_site = opts->config ? opts->config->fail_site : NULL;
	int err, fatal = 0;

	err = replay_start(scn, opts, &r);
	if (err)
		return err;
	for (size_t i = 0; i < scn->nr_ops && !fatal; i++) {
		const struct scn_op *op = &scn->ops[i];

		if (opts->at_stop && opts->stop_at && op->op == SCN_OBSERVE &&
		    !strcmp(op->label, opts->stop_at))
			break;
		if (opts->progress && i && !(i % 100000))
			fprintf(stderr, "anonrmap: replay %s (%s): %zu of %zu operations\n",
				scn->path, opts->mode ? opts->mode : "classic", i, scn->nr_ops);
		if (op->op == SCN_EXPECT) {
			i += checkpoint(r, opts, op, scn->nr_ops - i) - 1;
			continue;
		}
		err = run_op(r, op, out, &fatal);
		if (opts->on_result)
			opts->on_result(i, err, opts->on_result_arg);
		if (opts->stats && op->op != SCN_FILE && op->op != SCN_OBSERVE)
			count_event(r, opts->stats, op, err);
		if (fail_nth)
			report_injection(r, &injected, op->line, err);
		if (err && op->op == SCN_FILE) {
			fatal = err;
			break;
		}
		if (err && note_fail(r, op->line, err)) {
			fatal = -ENOMEM;
			break;
		}
		if (opts->check) {
			r->line = op->line;
			r->violations += anonrmap_check(r->world, report_violation, r);
		}
	}
	if (!fatal && opts->check_at_expect) {
		r->line = scn->nr_ops ? scn->ops[scn->nr_ops - 1].line : 0;
		r->violations += anonrmap_check(r->world, report_violation, r);
	}
	if (!fatal && !scn->has_observe)
		fatal = observe(r, "end", out);
	if (!fatal && opts->slabinfo)
		world_slabinfo((struct world *)r->world, out);
	if (!fatal && opts->at_stop)
		fatal = opts->at_stop(r, opts->stop_arg);
	if (fail_nth && !injected)
		fprintf(r->diag, "%s: no allocation failed: the scenario makes fewer than %lu%s%s\n",
			scn->path, fail_nth, fail_site ? " at " : "", fail_site ? fail_site : "");
	err = fatal ? fatal : r->violations;
	if (!fatal && opts->at_end)
		opts->at_end(r->world, opts->at_end_arg);
	replay_end(r);
	return err;
}
