/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every public call on an address space holds a user of it while it runs
 * (mmget_not_zero()/mmput()), as a thread of the process would, so that an
 * exit asked for meanwhile by another thread tears the mm down only after
 * the call is out, and a call on an exited mm fails with -ESRCH. A design
 * not built for concurrency has its world's calls taken one at a time
 * (world_enter()).
 */
#ifndef ANONRMAP_API_MM_ENTER_H
#define ANONRMAP_API_MM_ENTER_H

#include "mm/internal.h"
#include "mm/world.h"

static inline struct mm_struct *mm_enter(struct anonrmap_mm *p)
{
	struct mm_struct *mm = (struct mm_struct *)p;

	if (!mm)
		return NULL;
	world_enter(mm->world);
	if (!mmget_not_zero(mm)) {
		world_leave(mm->world);
		return NULL;
	}
	return mm;
}

static inline int mm_leave(struct mm_struct *mm, int ret)
{
	struct world *w = mm->world;

	mmput(mm);
	world_leave(w);
	return ret;
}

#endif
