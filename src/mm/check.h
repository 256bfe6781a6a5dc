/* SPDX-License-Identifier: GPL-2.0-only */
/* The invariant checker's shared context: where violations go. */
#ifndef ANONRMAP_CHECK_H
#define ANONRMAP_CHECK_H

#include <stdbool.h>

#include "mm/world.h"

struct check_ctx {
	struct world *world;
	void (*report)(const char *msg, void *arg);
	void *arg;
	int violations;
	unsigned long thp_checked;	/* last PMD range check_thp() looked at, + 1 */
};

void check_report(struct check_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Run the generic checks and then the rmap design's own. */
int check_world(struct world *w, void (*report)(const char *, void *), void *arg);

struct ptr_set;
/*
 * Check the anon_vma_chain links of @vma; each anon_vma met is added to
 * @avs and each link counted in *nr_avc. Returns whether @own (the VMA's
 * own anon_vma, or NULL) is among them.
 */
bool check_vma_avcs(struct check_ctx *ctx, struct vm_area_struct *vma, struct anon_vma *own,
		    struct ptr_set *avs, long *nr_avc);

#endif
