// SPDX-License-Identifier: GPL-2.0-only
#include "mm/anon_rmap.h"

#include <string.h>

/* A new design adds one line here and one file of its own. */
static const struct anon_rmap_ops *const designs[] = {
	&classic_anon_rmap_ops,
	&lazy_anon_rmap_ops,
};

const struct anon_rmap_ops *anon_rmap_lookup(const char *name)
{
	if (!name)
		return designs[0];
	for (size_t i = 0; i < sizeof(designs) / sizeof(designs[0]); i++)
		if (!strcmp(designs[i]->name, name))
			return designs[i];
	return NULL;
}

const char *anon_rmap_names(void)
{
	return "classic, lazy";
}

const struct anon_rmap_ops *anon_rmap_design(size_t i)
{
	return i < sizeof(designs) / sizeof(designs[0]) ? designs[i] : NULL;
}
