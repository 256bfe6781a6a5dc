/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For the failure-injection test: the world as comparable text, and the
 * states Linux may leave after a failed call, as a chain of smaller calls.
 */
#ifndef ANONRMAP_TESTS_LEGAL_STATE_H
#define ANONRMAP_TESTS_LEGAL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <anonrmap/anonrmap.h>

#include "scenario/scenario.h"

#define PG 4096ULL

/* What a comparison may ignore, each for a kernel reason given where used. */
enum {
	V_COALESCE = 1,		/* a failed call may leave VMAs split */
	V_NO_WRITE = 2,		/* a failed fork leaves the parent write-protected */
	V_NO_ANON = 4,		/* a failed fault may leave the anon rmap prepared */
};

/* The calls whose every intermediate state is legal (legal_chain()). */
struct chain {
	struct scn_op ops[64];
	size_t nr;
	/* the last state is the full operation, which a failure cannot leave */
	bool last_is_success;
	unsigned int flags;	/* what comparisons of this call may ignore */
};

/*
 * Every VMA, every present page (folios numbered by first appearance, so
 * two worlds compare) and the live slab counts, less what @flags ignores.
 */
char *world_view(struct anonrmap_world *w, unsigned int flags);
void legal_chain(const struct scn_op *op, struct anonrmap_mm *mm, struct chain *c);
struct scn_op munmap_op(const struct scn_op *from, uint64_t addr, uint64_t len);

#endif
