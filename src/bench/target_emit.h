/* SPDX-License-Identifier: GPL-2.0-only */
/* A benchmark target that writes the calls out as a scenario file. */
#ifndef ANONRMAP_BENCH_TARGET_EMIT_H
#define ANONRMAP_BENCH_TARGET_EMIT_H

#include <stdio.h>

#include "bench/bench.h"

struct emit_target {
	struct bench_target t;
	const struct bench_workload *w;	/* for the phase labels */
	FILE *out;
};

void emit_target_init(struct emit_target *e, const struct bench_workload *w, FILE *out);

#endif
