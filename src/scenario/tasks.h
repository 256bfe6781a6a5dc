/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Replay of the version-2 operations: tasks that share an mm (threads,
 * vfork children), exec, brk, stacks, special and flagged mappings.
 */
#ifndef ANONRMAP_SCENARIO_TASKS_H
#define ANONRMAP_SCENARIO_TASKS_H

#include <anonrmap/anonrmap.h>

#include "scenario/scenario.h"

struct tasks {
	const struct scenario *scn;
	struct anonrmap_world *world;
	struct anonrmap_mm **procs;	/* by task index: the mm it runs in */
	unsigned int *users;		/* by mm id: tasks still running in it */
	const char **mm_name;		/* by mm id: the task that created it */
	size_t cap;			/* of users[] and mm_name[] */
};

int tasks_init(struct tasks *t, const struct scenario *scn, struct anonrmap_world *world,
	       struct anonrmap_mm **procs);
void tasks_release(struct tasks *t);
/* Does tasks_run() handle @op (rather than the version-1 replay)? */
bool tasks_handles(const struct tasks *t, const struct scn_op *op);
/* Run @op; 0 or the negative errno the kernel would give. */
int tasks_run(struct tasks *t, struct anonrmap_file **files, const struct scn_op *op);
/* Name of mm @id for observation blocks. */
const char *tasks_mm_name(const struct tasks *t, unsigned int id);

#endif
