/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `expect` lines (format version 2): what a recording saw of a process at
 * an exec or exit stop, compared with the simulator's mm at the same point.
 */
#ifndef ANONRMAP_SCENARIO_EXPECT_H
#define ANONRMAP_SCENARIO_EXPECT_H

#include <stdio.h>

#include <anonrmap/anonrmap.h>

#include "scenario/scenario.h"

struct recording_stats {
	unsigned long checkpoints;
	unsigned long vmas, vmas_matched, vmas_extra;
	unsigned long pages, pages_matched, pages_extra;	/* present anonymous pages */
	unsigned long events, events_matched;	/* operations that succeeded when recorded */
	unsigned long reported;			/* mismatch lines printed so far */
};

/*
 * Compare @mm with the run of expect lines for one process that starts at
 * @ops[0]; returns how many lines the run has. Mismatches are counted in
 * @st and the first few printed to @diag as FILE:LINE.
 */
size_t recording_check(struct recording_stats *st, const struct scenario *scn,
		    const struct scn_op *ops, size_t n, struct anonrmap_mm *mm, FILE *diag);
/* One line: "vmas 99.9% (a/b, c extra), pages ..., events ...". */
void recording_print(FILE *out, const struct recording_stats *st);
/* Should a mismatch be printed? Only the first RECORDING_REPORT_MAX are. */
bool recording_report(struct recording_stats *st);
#define RECORDING_REPORT_MAX 20

#endif
