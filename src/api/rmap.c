// SPDX-License-Identifier: GPL-2.0-only
/* Public API: the concurrent rmap users of <anonrmap/rmap.h>. */
#include <errno.h>

#include <anonrmap/rmap.h>

#include "lib/preempt.h"
#include "mm/internal.h"
#include "mm/world.h"

/*
 * isolate_lru_folio(): under the LRU lock a folio on the list has not been
 * freed, since freeing takes it off under the same lock, but its count may
 * already be zero; folio_try_get() refuses those.
 */
struct anonrmap_folio *anonrmap_folio_grab(struct anonrmap_world *world, unsigned long n)
{
	struct world *w = (struct world *)world;
	struct folio *folio, *found = NULL;
	unsigned long skip;

	world_enter(w);
	spin_lock(&w->lru_lock);
	if (!w->nr_folios) {
		spin_unlock(&w->lru_lock);
		world_leave(w);
		return NULL;
	}
	skip = n % w->nr_folios;
	list_for_each_entry(folio, &w->folios, lru) {
		if (skip) {
			skip--;
			continue;
		}
		if (folio_test_anon(folio) && folio_try_get(folio)) {
			found = folio;
			break;
		}
	}
	spin_unlock(&w->lru_lock);
	world_leave(w);
	return (struct anonrmap_folio *)found;
}

/* One call on a held folio, inside its world (world_enter()). */
static int folio_call(struct anonrmap_folio *p, int (*fn)(struct folio *folio))
{
	struct folio *folio = (struct folio *)p;
	struct world *w;
	int ret;

	if (!folio)
		return -EINVAL;
	w = folio_world(folio);
	world_enter(w);
	ret = fn(folio);
	world_leave(w);
	return ret;
}

static int folio_release(struct folio *folio)
{
	folio_put(folio);
	return 0;
}

void anonrmap_folio_release(struct anonrmap_folio *folio)
{
	folio_call(folio, folio_release);
}

int anonrmap_folio_referenced(struct anonrmap_folio *folio)
{
	return folio_call(folio, folio_referenced);
}

int anonrmap_reclaim_folio(struct anonrmap_folio *folio)
{
	return folio_call(folio, reclaim_folio);
}

int anonrmap_migrate_folio(struct anonrmap_folio *folio)
{
	return folio_call(folio, migrate_isolated_folio);
}

void anonrmap_world_set_race_report(struct anonrmap_world *world, anonrmap_race_fn fn, void *arg)
{
	struct world *w = (struct world *)world;

	w->race_arg = arg;
	w->race_report = fn;
}

void anonrmap_preempt_jitter(unsigned int per_mille, uint64_t seed)
{
	preempt_set_jitter(per_mille, seed);
}
