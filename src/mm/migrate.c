// SPDX-License-Identifier: GPL-2.0-only
/*
 * Folio migration (mm/migrate.c), reduced to what the rmap decides: every
 * mapping of the folio must be found by an rmap walk. The kernel replaces
 * each mapping it finds with a migration entry and gives up, restoring them,
 * if the folio is still mapped afterwards; the model does the same in one
 * pass, so a design whose walk misses a mapping makes migration fail
 * (-EAGAIN) instead of silently leaving a stale PTE.
 */
#include "lib/compiler.h"
#include "mm/internal.h"
#include "mm/world.h"

/*
 * Two passes of the rmap walk stand for the kernel's try_to_migrate() and
 * remove_migration_ptes(): the first counts the mappings it can find, the
 * second, once the new folio exists, points each of them at it. Nothing is
 * allocated for the bookkeeping, so the new folio is the one allocation
 * that can fail, as in the kernel. Each entry is read and moved under its
 * mm's PTE lock, since faults, forks and unmaps of those mms go on.
 */
struct remap {
	struct folio *dst;	/* NULL in the counting pass */
	long found;
};

static int remap_mapping(struct folio *folio, struct vm_area_struct *vma,
			 unsigned long address, void *arg)
{
	struct remap *r = arg;
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pte;

	if (!rmap_one_check(folio, vma, address))
		return 0;
	spin_lock(&mm->page_table_lock);
	pte = pte_lookup(mm, address);
	if (pte && pte_present(*pte) && pte_folio(*pte) == folio) {
		r->found++;
		if (r->dst) {
			pte->val = (uintptr_t)r->dst | (pte->val & PTE_FLAGS);
			/* fork may have shared the entry since the copy began */
			WRITE_ONCE(r->dst->anon_exclusive, READ_ONCE(folio->anon_exclusive));
			folio_get(r->dst);
			folio_add_mapcount(r->dst, mm);
			/* the reference goes after the walk, which still reads the folio */
			folio_sub_mapcount(folio, mm);
		}
	}
	spin_unlock(&mm->page_table_lock);
	return 0;
}

/* The caller holds @folio locked and referenced. */
static int migrate_folio(struct world *w, struct folio *folio)
{
	struct remap r = { 0 };
	struct folio *dst;
	void *pin;
	int err;

	folio_assert_locked(folio);
	pin = w->rmap->folio_trylock_get ? w->rmap->folio_trylock_get(folio)
					 : w->rmap->folio_get(folio);
	if (!pin)
		return -EAGAIN;
	err = rmap_walk(folio, remap_mapping, &r);
	if (!err && r.found != folio_mapcount(folio))
		err = -EAGAIN;
	dst = err ? NULL : folio_alloc_anon(w);
	if (!err && !dst)
		err = -ENOMEM;
	if (!err) {
		/* walkers isolating from the LRU may see dst: mapping goes last */
		dst->index = folio->index;
		dst->anon_vma_gen = folio->anon_vma_gen;
		__atomic_store_n(&dst->mapping, READ_ONCE(folio->mapping), __ATOMIC_RELEASE);
		dst->anon_exclusive = READ_ONCE(folio->anon_exclusive);
		dst->split_from_large = folio->large || folio->split_from_large;
		if (w->rmap->folio_migrate)
			w->rmap->folio_migrate(dst, folio);
		r = (struct remap){ .dst = dst };
		/*
		 * The source's mapcount drops as its entries move, so it no
		 * longer says how many mms map it: no design may stop early.
		 */
		w->rmap->walk(folio, &(struct rmap_walk_control){
			.rmap_one = remap_mapping, .arg = &r, .flags = RMAP_WALK_NO_EARLY_STOP });
		for (long i = 0; i < r.found; i++)
			folio_put(folio);
		/* the allocation's own reference: the mappings hold theirs */
		folio_put(dst);
		/* a mapping made after the walk passed it still names the source */
		if (folio_mapped(folio))
			err = -EAGAIN;
	}
	if (w->rmap->unlock_put)
		w->rmap->unlock_put(pin);
	else
		w->rmap->folio_put(pin);
	return err;
}

/*
 * migrate_pages() of one folio its caller isolated: lock it without
 * waiting, as MIGRATE_ASYNC does. Large folios are left alone.
 */
int migrate_isolated_folio(struct folio *folio)
{
	int err;

	if (!folio_test_anon(folio) || folio->large)
		return -EBUSY;
	if (!folio_trylock(folio))
		return -EBUSY;
	err = folio_mapped(folio) ? migrate_folio(folio_world(folio), folio) : -EAGAIN;
	folio_unlock(folio);
	return err;
}

/*
 * move_pages() over a range of @mm: each anonymous folio mapped there is
 * isolated (a reference taken under the PTE lock), then locked and
 * migrated with the lock dropped, since the folio lock ranks above it.
 * Holes are skipped; the first failure is returned after trying every
 * folio, as migrate_pages() counts failures rather than stopping. A
 * migrated folio is not met again: its entries name the new one.
 */
int migrate_range(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	int first_err = 0;

	if (!PAGE_ALIGNED(start) || !len)
		return -EINVAL;
	mmap_read_lock(mm);
	for (unsigned long a = start; a < start + len; a += PAGE_SIZE) {
		struct folio *folio = NULL;
		pte_t *pte;
		int err;

		spin_lock(&mm->page_table_lock);
		pte = pte_lookup(mm, a);
		if (pte && pte_present(*pte) && folio_test_anon(pte_folio(*pte)))
			folio = pte_folio(*pte);
		if (folio)
			folio_get(folio);
		spin_unlock(&mm->page_table_lock);
		if (!folio)
			continue;
		/*
		 * migrate_pages() locks the source before its rmap walks; the
		 * last mapping going must not free the folio under its lock.
		 */
		folio_lock(folio);
		err = migrate_folio(mm->world, folio);
		folio_unlock(folio);
		folio_put(folio);
		if (err && !first_err)
			first_err = err;
	}
	mmap_read_unlock(mm);
	return first_err;
}
