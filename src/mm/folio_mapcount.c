// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mapcounts of anonymous pages, and the per-mm counts a large folio keeps
 * (include/linux/rmap.h, CONFIG_MM_ID). The two mm slots and the "maybe
 * mapped shared" bit are modelled as the kernel updates them, lazily: the bit
 * is only re-evaluated when an mm gives up its slot or an untracked mm
 * unmaps, so a CoW fault can refuse reuse where a precise count would allow
 * it, exactly when the kernel's does.
 */
#include "mm/internal.h"

static void large_add(struct folio_large *l, struct mm_struct *mm)
{
	int before = l->large_mapcount++;

	for (int i = 0; i < 2; i++) {
		if (l->mm_id[i] == mm) {
			l->mm_id_mapcount[i]++;
			return;
		}
	}
	for (int i = 0; i < 2; i++) {
		if (!l->mm_id[i]) {
			l->mm_id[i] = mm;
			l->mm_id_mapcount[i] = 1;
			/* slot 1 is only taken while slot 0 maps something */
			if (i == 1 || before)
				l->maybe_mapped_shared = true;
			return;
		}
	}
	/* a third mm: both slots are busy, so the bit is set already */
}

static void large_sub(struct folio_large *l, struct mm_struct *mm)
{
	int now = --l->large_mapcount;

	for (int i = 0; i < 2; i++) {
		if (l->mm_id[i] != mm)
			continue;
		if (--l->mm_id_mapcount[i] > 0)
			return;
		l->mm_id[i] = NULL;
		l->mm_id_mapcount[i] = 0;
		break;
	}
	if (l->mm_id_mapcount[0] == now || l->mm_id_mapcount[1] == now)
		l->maybe_mapped_shared = false;
}

void folio_add_mapcount(struct folio *folio, struct mm_struct *mm)
{
	folio->mapcount++;
	if (folio->large)
		large_add(folio->large, mm);
}

void folio_sub_mapcount(struct folio *folio, struct mm_struct *mm)
{
	folio->mapcount--;
	if (folio->large)
		large_sub(folio->large, mm);
}

/*
 * __wp_can_reuse_large_anon_folio(): every reference is a mapping and every
 * mapping is in @mm. A folio with one page mapped is not reused: the kernel
 * prefers to copy that page and let the large folio go.
 */
bool folio_large_reusable(const struct folio_large *l, const struct mm_struct *mm)
{
	if (l->large_mapcount <= 1 || l->large_mapcount != l->refcount)
		return false;
	if (l->maybe_mapped_shared)
		return false;
	return l->mm_id[0] == mm || l->mm_id[1] == mm;
}
