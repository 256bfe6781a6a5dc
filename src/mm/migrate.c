// SPDX-License-Identifier: GPL-2.0-only
/*
 * Folio migration (mm/migrate.c), reduced to what the rmap decides: every
 * mapping of the folio must be found by an rmap walk. The kernel replaces
 * each mapping it finds with a migration entry and gives up, restoring them,
 * if the folio is still mapped afterwards; the model does the same in one
 * pass, so a design whose walk misses a mapping makes migration fail
 * (-EAGAIN) instead of silently leaving a stale PTE.
 */
#include "mm/internal.h"

/*
 * Two passes of the rmap walk stand for the kernel's try_to_migrate() and
 * remove_migration_ptes(): the first counts the mappings it can find, the
 * second, once the new folio exists, points each of them at it. Nothing is
 * allocated for the bookkeeping, so the new folio is the one allocation
 * that can fail, as in the kernel.
 */
struct remap {
	struct folio *dst;	/* NULL in the counting pass */
	long found;
};

static int remap_mapping(struct folio *folio, struct vm_area_struct *vma,
			 unsigned long address, void *arg)
{
	struct remap *r = arg;
	pte_t *pte = pte_lookup(vma->vm_mm, address);

	if (!pte || !pte_present(*pte) || pte_folio(*pte) != folio)
		return 0;
	r->found++;
	if (r->dst) {
		pte->val = (uintptr_t)r->dst | (pte->val & PTE_FLAGS);
		/* the reference goes after the walk, which still reads the folio */
		folio_sub_mapcount(folio, vma->vm_mm);
	}
	return 0;
}

static int migrate_folio(struct world *w, struct folio *folio)
{
	struct remap r = { 0 };
	struct folio *dst;
	void *pin;
	long nr;
	int err;

	pin = w->rmap->folio_get(folio);
	if (!pin)
		return -EAGAIN;
	err = rmap_walk(folio, remap_mapping, &r);
	if (!err && r.found != folio->mapcount)
		err = -EAGAIN;
	dst = err ? NULL : folio_alloc_anon(w);
	if (!err && !dst)
		err = -ENOMEM;
	if (!err) {
		dst->mapping = folio->mapping;
		dst->index = folio->index;
		dst->anon_exclusive = folio->anon_exclusive;
		dst->split_from_large = folio->large || folio->split_from_large;
		dst->mapcount = folio->mapcount;
		dst->refcount = folio->mapcount;
		if (w->rmap->folio_migrate)
			w->rmap->folio_migrate(dst, folio);
		nr = r.found;
		r = (struct remap){ .dst = dst };
		/*
		 * The source's mapcount drops as its entries move, so it no
		 * longer says how many mms map it: no design may stop early.
		 */
		w->rmap->walk(folio, &(struct rmap_walk_control){
			.rmap_one = remap_mapping, .arg = &r, .flags = RMAP_WALK_NO_EARLY_STOP });
		for (long i = 0; i < nr; i++)
			folio_put(folio);
	}
	w->rmap->folio_put(pin);
	return err;
}

struct migrate_walk {
	struct world *w;
	int err;
};

/*
 * Each anonymous folio is migrated as the walk meets it: a migrated one is
 * not met again, since its entries name the new folio from then on.
 */
static void migrate_pte(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	struct migrate_walk *m = arg;
	struct folio *folio = pte_folio(*pte);
	int err;

	if (!folio_test_anon(folio))
		return;
	/*
	 * Isolation holds a reference, and migrate_pages() locks the source
	 * folio before its rmap walks; the last mapping going must not free
	 * the folio under its own lock.
	 */
	folio_get(folio);
	folio_lock(folio);
	err = migrate_folio(m->w, folio);
	folio_unlock(folio);
	folio_put(folio);
	if (err && !m->err)
		m->err = err;
}

/*
 * Migrate every anonymous folio mapped in the range; holes are skipped. The
 * first failure is returned after trying every folio, as migrate_pages()
 * counts failures rather than stopping.
 */
int migrate_range(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	struct migrate_walk m = { .w = mm->world };

	if (!PAGE_ALIGNED(start) || !len)
		return -EINVAL;
	mmap_read_lock(mm);
	walk_present_ptes(mm, start, start + len, migrate_pte, &m);
	mmap_read_unlock(mm);
	return m.err;
}
