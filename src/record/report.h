/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Replaying a recording: `record --check` (does the classic replay give back
 * what the kernel showed?) and `record --report` (what does each design
 * spend on it, and what does the invariant checker find?).
 */
#ifndef ANONRMAP_RECORD_REPORT_H
#define ANONRMAP_RECORD_REPORT_H

#include <stdio.h>

#include <anonrmap/anonrmap.h>

#include "scenario/expect.h"

/* Kinds of checker findings, after docs/findings.md. */
enum finding_class {
	FIND_LOST_MAPPING,	/* an rmap walk misses a PTE: findings 1 and 2 */
	FIND_UNLINKED_ROOT,	/* folios resolve through an unlinked lazy root: finding 1 */
	FIND_MERGE_REMOVED,	/* a merge removed or freed a VMA still in use: finding 3 */
	FIND_LEAK,		/* objects alive that nothing reaches: finding 5 */
	FIND_OTHER,
	NR_FINDING_CLASSES,
};

struct design_run {
	const char *mode;
	struct recording_stats st;
	struct anonrmap_slab_stats slab[4];	/* at the end: peak and allocation counts */
	unsigned long checks;			/* checker runs: checkpoints and the end */
	unsigned long checks_with[NR_FINDING_CLASSES];
	unsigned long violations[NR_FINDING_CLASSES];
	char first[NR_FINDING_CLASSES][160];	/* the first one, FILE:LINE: message */
	int status;				/* scenario_replay()'s result */
	const char *path;
	unsigned int cur_line;			/* of the check being tallied */
	bool seen[NR_FINDING_CLASSES];		/* in that check */
	unsigned long mms;			/* address spaces the recording creates */
	unsigned long mms_with[NR_FINDING_CLASSES];	/* ... named in a finding of the class */
	unsigned char *mm_seen[NR_FINDING_CLASSES];	/* bitmaps by mm id */
	unsigned long end_mms;			/* address spaces still live at the end */
	unsigned long end_max_mm_vmas;		/* VMAs of the largest of them */
};

/*
 * Replay @path in @mode; the checker runs at checkpoints when @checker.
 * Returns 0, -EBADMSG when the file does not load (the reason on @diag), or
 * the replay's negative errno.
 */
int record_replay(const char *path, const char *mode, bool checker, bool progress,
		  struct design_run *run, FILE *diag);
/* `record --check`: replay in @mode, reproduction figures to @out. Returns 0, 1, or 2 for a bad file. */
int record_check(const char *path, const char *mode, FILE *out);
/* `record --report`: each registered design, tables to @out. Returns 0 or 1. */
int record_report(const char *const *paths, int n, FILE *out);
const char *finding_class_name(enum finding_class c);
/* The class as a JSON key: lost_mapping, unlinked_root, merge_removed, leak, other. */
const char *finding_class_key(enum finding_class c);
/* The reproduction figures and the findings by class of @run, a few lines. */
void record_print_findings(FILE *out, const struct design_run *run);

#endif
