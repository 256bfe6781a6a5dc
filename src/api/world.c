// SPDX-License-Identifier: GPL-2.0-only
/*
 * Public API: worlds, address spaces, files. The public handles are the
 * internal objects under other names, so a call costs one cast.
 */
#include <errno.h>
#include <stdlib.h>

#include <anonrmap/world.h>

#include "mm/internal.h"
#include "mm/world.h"

#define to_mm(p) ((struct mm_struct *)(p))
#define from_mm(p) ((struct anonrmap_mm *)(p))

void anonrmap_config_init(struct anonrmap_config *cfg)
{
	cfg->mode = "classic";
	cfg->zero_page = true;
	/* Linux 6.18, x86_64, as read from /sys/kernel/slab on our machines */
	cfg->vma_bytes = 192;
	cfg->anon_vma_bytes = 104;
	cfg->avc_bytes = 64;
	cfg->folio_bytes = 64;	/* one struct page per base page */
	cfg->thp = ANONRMAP_THP_ALWAYS;
	cfg->huge_zero_page = true;
	for (int order = 0; order <= ANONRMAP_PMD_ORDER; order++)
		cfg->mthp[order] = ANONRMAP_MTHP_NEVER;
	cfg->mthp[ANONRMAP_PMD_ORDER] = ANONRMAP_MTHP_INHERIT;
	cfg->max_map_count = 65530;	/* DEFAULT_MAX_MAP_COUNT */
	cfg->fail_nth = 0;
	cfg->fail_site = NULL;
	cfg->typesafe_poison = false;
}

static bool config_valid(const struct anonrmap_config *cfg)
{
	if ((int)cfg->thp < ANONRMAP_THP_MADVISE || cfg->thp > ANONRMAP_THP_ALWAYS)
		return false;
	for (int order = ANONRMAP_MTHP_MIN_ORDER; order <= ANONRMAP_PMD_ORDER; order++)
		if ((int)cfg->mthp[order] < ANONRMAP_MTHP_NEVER ||
		    cfg->mthp[order] > ANONRMAP_MTHP_INHERIT)
			return false;
	return cfg->max_map_count > 0 && cfg->max_map_count <= 0x7fffffffUL;
}

int anonrmap_world_create(const struct anonrmap_config *cfg,
			  struct anonrmap_world **world, struct anonrmap_mm **p0)
{
	struct anonrmap_config def;
	const struct anon_rmap_ops *rmap;
	size_t sizes[NR_WORLD_CACHES];
	struct world *w;
	struct mm_struct *mm;

	if (!cfg) {
		anonrmap_config_init(&def);
		cfg = &def;
	}
	rmap = anon_rmap_lookup(cfg->mode);
	if (!rmap)
		return -EINVAL;
	sizes[CACHE_VMA] = cfg->vma_bytes;
	sizes[CACHE_ANON_VMA] = cfg->anon_vma_bytes;
	sizes[CACHE_AVC] = cfg->avc_bytes;
	sizes[CACHE_FOLIO] = cfg->folio_bytes;
	if (!config_valid(cfg))
		return -EINVAL;
	if (fault_site_index(world_fault_sites, NR_FAULT_SITES, cfg->fail_site) == FAULT_NO_SITE)
		return -EINVAL;
	w = world_create(rmap, cfg->zero_page, sizes);
	if (!w)
		return -ENOMEM;
	w->thp = cfg->thp;
	w->huge_zero_page = cfg->huge_zero_page;
	/* orders below 2 have no sysfs control and never get large folios */
	for (int order = ANONRMAP_MTHP_MIN_ORDER; order <= ANONRMAP_PMD_ORDER; order++)
		w->mthp[order] = cfg->mthp[order];
	w->max_map_count = cfg->max_map_count;
	if (cfg->typesafe_poison)
		world_set_typesafe_poison(w, true);
	mm = mm_alloc(w);
	if (!mm) {
		world_destroy(w);
		return -ENOMEM;
	}
	fault_arm(world_fail(w), fault_site_lookup(world_fail(w), cfg->fail_site),
		  cfg->fail_nth);
	*world = (struct anonrmap_world *)w;
	if (p0)
		*p0 = from_mm(mm);
	return 0;
}

void anonrmap_world_destroy(struct anonrmap_world *world)
{
	if (world)
		world_destroy((struct world *)world);
}

const char *anonrmap_world_mode(const struct anonrmap_world *world)
{
	return ((const struct world *)world)->rmap->name;
}

int anonrmap_file_create(struct anonrmap_world *world, uint64_t len,
			 struct anonrmap_file **file)
{
	return file_create((struct world *)world, len, (struct file **)file);
}

static struct anonrmap_mm *live_from(struct world *w, struct list_head *pos)
{
	for (; pos != &w->mms; pos = pos->next) {
		struct mm_struct *mm = list_entry(pos, struct mm_struct, mmlist);

		if (!mm->exited)
			return from_mm(mm);
	}
	return NULL;
}

struct anonrmap_mm *anonrmap_mm_first(struct anonrmap_world *world)
{
	struct world *w = (struct world *)world;

	return live_from(w, w->mms.next);
}

struct anonrmap_mm *anonrmap_mm_next(struct anonrmap_mm *mm)
{
	return live_from(to_mm(mm)->world, to_mm(mm)->mmlist.next);
}

unsigned int anonrmap_mm_id(const struct anonrmap_mm *mm)
{
	return ((const struct mm_struct *)mm)->id;
}
