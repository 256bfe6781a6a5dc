/* SPDX-License-Identifier: GPL-2.0-only */
/* Running a parsed scenario on the simulator. */
#ifndef ANONRMAP_REPLAY_H
#define ANONRMAP_REPLAY_H

#include <stdbool.h>
#include <stdio.h>

#include <anonrmap/ops.h>
#include <anonrmap/world.h>

#include "scenario/expect.h"
#include "scenario/scenario.h"

struct anonrmap_config;
struct anonrmap_world;
struct replay;

struct replay_opts {
	const char *mode;	/* "classic" (default when NULL) or another rmap design */
	/* the kernel configuration to simulate; NULL: upstream's defaults */
	const struct anonrmap_config *config;
	bool check;		/* run the invariant checker after every operation */
	FILE *diag;		/* where checker violations go (stderr when NULL) */
	/* version 2 */
	bool check_at_expect;	/* run the checker at each expect checkpoint and at the end */
	struct recording_stats *stats;	/* if set: expect lines and events are compared */
	bool progress;		/* a line on stderr every 100000 operations */
	/* called with the world just before it is destroyed, after the last operation */
	void (*at_end)(struct anonrmap_world *world, void *arg);
	void *at_end_arg;
	/* if set, checker violations come here instead of @diag (line: where the check ran) */
	void (*violation)(unsigned int line, const char *msg, void *arg);
	void *violation_arg;
	/*
	 * Instead of the observations, print the world's caches at the end in
	 * /proc/slabinfo format, for tools that read slabinfo.
	 */
	bool slabinfo;
	/*
	 * With @at_stop, nothing is printed: the run stops at the observe line
	 * labelled @stop_at (after the last line when NULL) and hands the replay
	 * (replay_world(), replay_mm_name()) to @at_stop, whose return value
	 * scenario_replay() then returns.
	 */
	const char *stop_at;
	int (*at_stop)(struct replay *r, void *arg);
	void *stop_arg;
	/* if set, called with each operation's index in scn->ops and its result */
	void (*on_result)(size_t op, int err, void *arg);
	void *on_result_arg;
};



/*
 * Run @scn and print its observation blocks to @out. Returns the number of
 * invariant violations found (0 without --check), or a negative errno if the
 * simulator could not run at all (unknown mode, out of memory).
 */
int scenario_replay(const struct scenario *scn, const struct replay_opts *opts, FILE *out);

/*
 * The same, one operation at a time, for a caller that wants to look at the
 * world between operations (the failure-injection test). replay_start()
 * makes the world; replay_op() runs one operation, any operation, not only
 * those of @scn (its process and file indexes are @scn's), and returns what
 * the API returned, setting *@fatal if the simulator itself failed.
 */
int replay_start(const struct scenario *scn, const struct replay_opts *opts, struct replay **rp);
int replay_op(struct replay *r, const struct scn_op *op, FILE *out, int *fatal);
struct anonrmap_world *replay_world(struct replay *r);
/* The scenario's name for the world's address space @id (creation order). */
const char *replay_mm_name(struct replay *r, unsigned int id);
/* The address space of scenario process @proc, NULL before it exists. */
struct anonrmap_mm *replay_proc(struct replay *r, int proc);
void replay_end(struct replay *r);

/* The API's name for a scenario's madvise advice. */
enum anonrmap_advice scn_advice_api(enum scn_advice advice);

#endif
