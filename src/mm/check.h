/* SPDX-License-Identifier: GPL-2.0-only */
/* The invariant checker's shared context: where violations go. */
#ifndef ANONRMAP_CHECK_H
#define ANONRMAP_CHECK_H

#include "mm/world.h"

struct check_ctx {
	struct world *world;
	void (*report)(const char *msg, void *arg);
	void *arg;
	int violations;
};

void check_report(struct check_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Run the generic checks and then the rmap design's own. */
int check_world(struct world *w, void (*report)(const char *, void *), void *arg);

#endif
