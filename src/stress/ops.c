// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ops of a stress run, their names and how often each is drawn. The
 * frequencies are the run's, not the threads': --ops narrows a run to a
 * few kinds, which is how a failure found with all of them is cornered.
 */
#include <stdio.h>
#include <string.h>

#include "stress/stress.h"

const char *const stress_op_name[NR_STRESS_OPS] = {
	[OP_TOUCH_READ] = "touch-read", [OP_TOUCH_WRITE] = "touch-write",
	[OP_MMAP] = "mmap", [OP_MUNMAP] = "munmap", [OP_MPROTECT] = "mprotect",
	[OP_MREMAP] = "mremap", [OP_MADVISE] = "madvise", [OP_FORK] = "fork",
	[OP_EXIT] = "exit", [OP_GRAB] = "grab", [OP_WALK] = "rmap-walk",
	[OP_REFERENCED] = "referenced", [OP_RECLAIM] = "reclaim", [OP_MIGRATE] = "migrate",
};

/*
 * Faults dominate, as they create what walkers find, and mmap outweighs
 * munmap so that the window stays mostly mapped. Walkers' ops are drawn
 * among themselves; grab is not drawn: every walker iteration grabs.
 */
const unsigned int stress_default_weight[NR_STRESS_OPS] = {
	[OP_TOUCH_READ] = 15, [OP_TOUCH_WRITE] = 25, [OP_MMAP] = 14, [OP_MUNMAP] = 4,
	[OP_MPROTECT] = 8, [OP_MREMAP] = 6, [OP_MADVISE] = 10, [OP_FORK] = 6, [OP_EXIT] = 6,
	[OP_WALK] = 40, [OP_REFERENCED] = 25, [OP_RECLAIM] = 15, [OP_MIGRATE] = 20,
};

unsigned int stress_weight_total(const unsigned int *weight, enum stress_op first,
				 enum stress_op last)
{
	unsigned int total = 0;

	for (int i = first; i <= (int)last; i++)
		total += weight[i];
	return total;
}

enum stress_op stress_pick_op(const unsigned int *weight, enum stress_op first,
			      enum stress_op last, struct rng *r)
{
	unsigned int x = rnd(r, 0, stress_weight_total(weight, first, last) - 1);

	for (int i = first; i < (int)last; i++) {
		if (x < weight[i])
			return i;
		x -= weight[i];
	}
	return last;
}

int stress_parse_ops(const char *list, unsigned int *weight)
{
	char buf[512], *save, *name;
	unsigned int keep[NR_STRESS_OPS] = { 0 };

	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	for (name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		int op;

		for (op = 0; op < NR_STRESS_OPS; op++)
			if (op != OP_GRAB && !strcmp(name, stress_op_name[op]))
				break;
		if (op == NR_STRESS_OPS) {
			fprintf(stderr, "anonrmap stress: --ops: unknown op '%s'\n", name);
			return -1;
		}
		keep[op] = 1;
	}
	for (int op = 0; op < NR_STRESS_OPS; op++)
		if (!keep[op])
			weight[op] = 0;
	return 0;
}
