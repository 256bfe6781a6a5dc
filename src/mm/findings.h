/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kinds of checker violation a design is known to show, each tied to a
 * finding in docs/findings.md. Fuzzers and corpus tests accept these and
 * fail on anything else, so a new kind of breakage cannot hide among the
 * known ones. Classic has none: every violation in classic is a bug.
 */
#ifndef ANONRMAP_FINDINGS_H
#define ANONRMAP_FINDINGS_H

#include <stdbool.h>

/* Is @violation (one checker line) a documented flaw of design @mode? */
bool violation_is_documented(const char *mode, const char *violation);

/*
 * Judge a replay's diagnostics (lines "FILE:LINE: ..."). Only the first
 * operation that reports anything is judged: once a design has shown a
 * documented flaw its world is corrupt (a freed VMA still in the tree, say)
 * and what later operations report is the echo of it. Each line that is
 * not a documented violation goes to @bad; returns how many there were.
 */
int findings_judge_diag(const char *mode, const char *diag,
			void (*bad)(const char *line, void *arg), void *arg);

#endif
