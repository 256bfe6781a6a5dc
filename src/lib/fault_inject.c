// SPDX-License-Identifier: GPL-2.0-only
#include "lib/fault_inject.h"

#include <string.h>

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

bool should_fail(struct fault_attr *fa, int site)
{
	if (!fa || fa->suspended || site < 0 || site >= fa->nr_sites)
		return false;
	fa->calls[site]++;
	if (!fa->nth || (fa->site != FAULT_ANY_SITE && fa->site != site))
		return false;
	if (++fa->seen < fa->nth)
		return false;
	fa->nth = 0;	/* fail_nth fires once */
	fa->failed[site]++;
	return true;
}

void fault_suspend(struct fault_attr *fa)
{
	fa->suspended++;
}

void fault_resume(struct fault_attr *fa)
{
	fa->suspended--;
}
