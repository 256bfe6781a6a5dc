/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ANONRMAP_OBSERVE_SIM_H
#define ANONRMAP_OBSERVE_SIM_H

#include "mm/world.h"
#include "scenario/scenario.h"

/* Name of the process whose address space has creation index @id. */
typedef const char *(*proc_name_fn)(unsigned int id, void *arg);

/*
 * Fill @b from the world's live address spaces (creation order). The fail
 * list is the caller's. Returns 0, or -1 when out of memory.
 */
int sim_observe(struct world *w, const char *label, proc_name_fn name, void *arg,
		struct obs_block *b);
/* The same for the VMAs that meet [lo, hi) (version 2: all user space). */
int sim_observe_range(struct world *w, const char *label, proc_name_fn name, void *arg,
		      unsigned long lo, unsigned long hi, struct obs_block *b);

#endif
