// SPDX-License-Identifier: GPL-2.0-only
#include "lib/fault_inject.h"

#include <string.h>

#include "lib/atomic.h"

void fault_attr_init(struct fault_attr *fa, const char *const *site_names, int nr_sites)
{
	memset(fa, 0, sizeof(*fa));
	fa->site_names = site_names;
	fa->nr_sites = nr_sites < FAULT_MAX_SITES ? nr_sites : FAULT_MAX_SITES;
	fa->site = FAULT_ANY_SITE;
}

int fault_site_index(const char *const *names, int nr, const char *name)
{
	if (!name)
		return FAULT_ANY_SITE;
	for (int i = 0; i < nr; i++)
		if (!strcmp(names[i], name))
			return i;
	return FAULT_NO_SITE;
}

void fault_arm(struct fault_attr *fa, int site, unsigned long nth)
{
	fa->nth = nth;
	fa->site = site;
	fa->seen = 0;
}

/*
 * Any thread may allocate; fail_nth fires for exactly one call even when
 * several reach the nth at once.
 */
bool should_fail(struct fault_attr *fa, int site)
{
	unsigned long nth;

	if (!fa || atomic_read(&fa->suspended) || site < 0 || site >= fa->nr_sites)
		return false;
	/*
	 * The census of calls is exact from one thread and may lose counts
	 * from several; a locked increment on every allocation is too dear
	 * for a figure only single-threaded runs print.
	 */
	atomic_set(&fa->calls[site], atomic_read(&fa->calls[site]) + 1);
	nth = atomic_read(&fa->nth);
	if (!nth || (fa->site != FAULT_ANY_SITE && fa->site != site))
		return false;
	if (atomic_add_return(&fa->seen, 1) != nth)
		return false;
	if (atomic_cmpxchg(&fa->nth, nth, 0UL) != nth)
		return false;
	atomic_inc(&fa->failed[site]);
	return true;
}

void fault_suspend(struct fault_attr *fa)
{
	atomic_inc(&fa->suspended);
}

void fault_resume(struct fault_attr *fa)
{
	atomic_dec(&fa->suspended);
}
