/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What each operation of a scenario must return, where that follows from the
 * plain page-level state of the address spaces: a write touch of pages all
 * mapped rw- must succeed, an mmap over a mapped page must fail with EEXIST,
 * an mprotect of a hole with ENOMEM. The model's answer is then checked
 * against it, so an operation that fails where it should succeed (or the
 * reverse) is a bug even when every invariant holds.
 *
 * Only what is certain is predicted: the state is tracked per page, and a
 * page whose state depends on VMA boundaries (after an mremap) is unknown
 * until an munmap or mmap makes it known again.
 */
#ifndef ANONRMAP_PREDICT_H
#define ANONRMAP_PREDICT_H

#include <stddef.h>

#include "scenario/scenario.h"

#define PREDICT_ANY 1	/* not predicted; otherwise 0 or a negative errno */

/*
 * Fill @predict (scn->nr_ops entries) for @scn. Pages are tracked in the
 * first @busy_pages of the window and in the 16 MiB at window + 64 MiB
 * (where the generator puts THP regions); operations elsewhere are not
 * predicted. Returns 0 or -ENOMEM.
 */
int scenario_predict(const struct scenario *scn, unsigned int busy_pages, int *predict);

#endif
