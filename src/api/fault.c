// SPDX-License-Identifier: GPL-2.0-only
/* Public API: allocation failure injection, over the world's fault_attr. */
#include <errno.h>

#include <anonrmap/fault.h>

#include "mm/world.h"

const char *const *anonrmap_fault_sites(unsigned int *nr)
{
	if (nr)
		*nr = NR_FAULT_SITES;
	return world_fault_sites;
}

int anonrmap_fail_nth(struct anonrmap_world *world, const char *site, unsigned long nth)
{
	struct fault_attr *fa = world_fail((struct world *)world);
	int i = fault_site_lookup(fa, site);

	if (i == FAULT_NO_SITE)
		return -EINVAL;
	fault_arm(fa, i, nth);
	return 0;
}

static unsigned long sum(const unsigned long *counts, const struct fault_attr *fa,
			 const char *site)
{
	int i = fault_site_lookup(fa, site);
	unsigned long n = 0;

	if (i >= 0)
		return counts[i];
	if (i == FAULT_NO_SITE)
		return 0;
	for (i = 0; i < fa->nr_sites; i++)
		n += counts[i];
	return n;
}

unsigned long anonrmap_fault_calls(const struct anonrmap_world *world, const char *site)
{
	const struct fault_attr *fa = &((const struct world *)world)->fail;

	return sum(fa->calls, fa, site);
}

unsigned long anonrmap_fault_injected(const struct anonrmap_world *world, const char *site)
{
	const struct fault_attr *fa = &((const struct world *)world)->fail;

	return sum(fa->failed, fa, site);
}
