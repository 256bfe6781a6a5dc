/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What both fuzzers call a failure: any checker violation in classic, and in
 * any other design a violation that docs/findings.md does not explain.
 * Failures abort, so libFuzzer saves the input as a crash.
 */
#ifndef ANONRMAP_FUZZ_COMMON_H
#define ANONRMAP_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "mm/findings.h"

static inline void fuzz_judge_violation(const char *mode, const char *violation)
{
	if (violation_is_documented(mode, violation))
		return;
	fprintf(stderr, "%s: undocumented invariant violation: %s\n", mode, violation);
	abort();
}

static inline void fuzz_fail(const char *mode, const char *what)
{
	fprintf(stderr, "%s: %s\n", mode, what);
	abort();
}

#endif
