// SPDX-License-Identifier: GPL-2.0-only
#include "mm/anon_rmap.h"
#include "mm/internal.h"
#include "mm/world.h"

#include <stdio.h>
#include <string.h>

/*
 * A new design adds one line here and one file of its own; everything that
 * lists designs (--help texts, `anonrmap bench` columns) asks this table.
 */
static const struct anon_rmap_ops *const designs[] = {
	&classic_anon_rmap_ops,
	&lazy_anon_rmap_ops,
	&cowctx_anon_rmap_ops,
};

/*
 * Variants that every command accepts by name but that nothing iterates:
 * they are known to break, and exist to demonstrate it.
 */
static const struct anon_rmap_ops *const variants[] = {
	&cowctx_poc_anon_rmap_ops,
};

#define NR_DESIGNS (sizeof(designs) / sizeof(designs[0]))

const struct anon_rmap_ops *anon_rmap_lookup(const char *name)
{
	if (!name)
		return designs[0];
	for (size_t i = 0; i < NR_DESIGNS; i++)
		if (!strcmp(designs[i]->name, name))
			return designs[i];
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		if (!strcmp(variants[i]->name, name))
			return variants[i];
	return NULL;
}

const struct anon_rmap_ops *anon_rmap_nth(size_t i)
{
	return i < NR_DESIGNS ? designs[i] : NULL;
}

int rmap_walk(struct folio *folio, rmap_one_fn fn, void *arg)
{
	struct rmap_walk_control rwc = { .rmap_one = fn, .arg = arg };

	return folio_world(folio)->rmap->walk(folio, &rwc);
}

long anon_rmap_count(struct world *w, const char *name)
{
	const struct anon_rmap_ops *ops = w->rmap;

	for (unsigned int i = 0; i < ops->nr_counters; i++)
		if (!strcmp(ops->counters[i].name, name))
			return ops->counters[i].count(w);
	return -1;
}

/* Built once from the table; not thread-safe, it is for --help and messages. */
const char *anon_rmap_names(void)
{
	static char names[256];

	if (!names[0]) {
		size_t len = 0;

		for (size_t i = 0; i < NR_DESIGNS && len < sizeof(names); i++)
			len += snprintf(names + len, sizeof(names) - len, "%s%s",
					i ? ", " : "", designs[i]->name);
	}
	return names;
}
