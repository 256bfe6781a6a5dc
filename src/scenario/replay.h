/* SPDX-License-Identifier: GPL-2.0-only */
/* Running a parsed scenario on the simulator. */
#ifndef ANONRMAP_REPLAY_H
#define ANONRMAP_REPLAY_H

#include <stdbool.h>
#include <stdio.h>

#include "scenario/scenario.h"

struct anonrmap_config;

struct replay_opts {
	const char *mode;	/* "classic" (default when NULL) or another rmap design */
	/* the kernel configuration to simulate; NULL: upstream's defaults */
	const struct anonrmap_config *config;
	bool check;		/* run the invariant checker after every operation */
	FILE *diag;		/* where checker violations go (stderr when NULL) */
};

/*
 * Run @scn and print its observation blocks to @out. Returns the number of
 * invariant violations found (0 without --check), or a negative errno if the
 * simulator could not run at all (unknown mode, out of memory).
 */
int scenario_replay(const struct scenario *scn, const struct replay_opts *opts, FILE *out);

#endif
