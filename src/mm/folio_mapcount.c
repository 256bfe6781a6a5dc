// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mapcounts of anonymous pages, and the per-mm counts a large folio keeps
 * (include/linux/rmap.h, CONFIG_MM_ID). The two mm slots and the "maybe
 * mapped shared" bit are modelled as the kernel updates them, lazily: the bit
 * is only re-evaluated when an mm gives up its slot or an untracked mm
 * unmaps, so a CoW fault can refuse reuse where a precise count would allow
 * it, exactly when the kernel's does.
 */
#include "lib/atomic.h"

#include "mm/internal.h"
#include "mm/world.h"

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

/*
 * Callers hold the PTE lock of @mm's mapping; the page's own count is
 * atomic because the other mms that map it hold other PTE locks.
 */
void folio_add_mapcount(struct folio *folio, struct mm_struct *mm)
{
	assert_spin_locked(&mm->page_table_lock);
	atomic_inc(&folio->mapcount);
	if (folio->large) {
		spin_lock(&folio->large->mapcount_lock);
		large_add(folio->large, mm);
		spin_unlock(&folio->large->mapcount_lock);
	}
}

/*
 * The first mapping of a new folio: nobody else can map it yet, so the
 * count is set, not incremented, as folio_add_new_anon_rmap() sets it.
 */
void folio_add_new_mapcount(struct folio *folio, struct mm_struct *mm)
{
	assert_spin_locked(&mm->page_table_lock);
	atomic_set(&folio->mapcount, 1);
	if (folio->large) {
		spin_lock(&folio->large->mapcount_lock);
		large_add(folio->large, mm);
		spin_unlock(&folio->large->mapcount_lock);
	}
}

void folio_sub_mapcount(struct folio *folio, struct mm_struct *mm)
{
	assert_spin_locked(&mm->page_table_lock);
	if (folio->large) {
		spin_lock(&folio->large->mapcount_lock);
		large_sub(folio->large, mm);
		spin_unlock(&folio->large->mapcount_lock);
	}
	atomic_dec(&folio->mapcount);
}

/*
 * __wp_can_reuse_large_anon_folio(): every reference is a mapping and every
 * mapping is in @mm. A folio with one page mapped is not reused: the kernel
 * prefers to copy that page and let the large folio go.
 */
bool folio_large_reusable(struct folio_large *l, const struct mm_struct *mm)
{
	bool reuse;

	spin_lock(&l->mapcount_lock);
	reuse = l->large_mapcount > 1 &&
		l->large_mapcount == __atomic_load_n(&l->refcount, __ATOMIC_RELAXED) &&
		!l->maybe_mapped_shared && (l->mm_id[0] == mm || l->mm_id[1] == mm);
	spin_unlock(&l->mapcount_lock);
	return reuse;
}

int folio_large_mapcount(struct folio_large *l)
{
	int n;

	spin_lock(&l->mapcount_lock);
	n = l->large_mapcount;
	spin_unlock(&l->mapcount_lock);
	return n;
}
