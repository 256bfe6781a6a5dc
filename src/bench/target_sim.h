/* SPDX-License-Identifier: GPL-2.0-only */
/* A benchmark target that runs the calls on a simulated world. */
#ifndef ANONRMAP_BENCH_TARGET_SIM_H
#define ANONRMAP_BENCH_TARGET_SIM_H

#include "bench/bench.h"

struct sim_target {
	struct bench_target t;
	struct anonrmap_world *world;
	struct anonrmap_mm **procs;
	struct anonrmap_file **files;
	int procs_cap, files_cap;
	bool check;			/* run anonrmap_check() at each phase */
	struct bench_snapshot *snap;	/* one per phase of the workload */
	double phase_secs;		/* spent taking snapshots, not in the workload */
};

/* 0, or a negative errno from anonrmap_world_create() (-EINVAL: unknown mode). */
int sim_target_init(struct sim_target *s, const struct anonrmap_config *cfg, bool check,
		    struct bench_snapshot *snap);
/* Destroys the world; returns the seconds that took. */
double sim_target_release(struct sim_target *s);

#endif
