// SPDX-License-Identifier: GPL-2.0-only
/*
 * Folio migration (mm/migrate.c), reduced to what the rmap decides: every
 * mapping of the folio must be found by an rmap walk. The kernel replaces
 * each mapping it finds with a migration entry and gives up, restoring them,
 * if the folio is still mapped afterwards; the model does the same in one
 * pass, so a design whose walk misses a mapping makes migration fail
 * (-EAGAIN) instead of silently leaving a stale PTE.
 */
#include <stdlib.h>

#include "mm/internal.h"

struct found {
	struct mm_struct **mm;
	unsigned long *addr;
	size_t nr, cap;
};

static int note_mapping(struct folio *folio, struct vm_area_struct *vma,
			unsigned long address, void *arg)
{
	struct found *f = arg;
	pte_t *pte = pte_lookup(vma->vm_mm, address);

	if (!pte || !pte_present(*pte) || pte_folio(*pte) != folio)
		return 0;
	if (f->nr == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 8;
		struct mm_struct **m = realloc(f->mm, cap * sizeof(*m));
		unsigned long *a = m ? realloc(f->addr, cap * sizeof(*a)) : NULL;

		if (m)
			f->mm = m;
		if (!a)
			return -ENOMEM;
		f->addr = a;
		f->cap = cap;
	}
	f->mm[f->nr] = vma->vm_mm;
	f->addr[f->nr++] = address;
	return 0;
}

static int migrate_folio(struct world *w, struct folio *folio)
{
	struct found f = { 0 };
	struct folio *dst;
	void *pin;
	int err;

	pin = w->rmap->folio_get(folio);
	if (!pin)
		return -EAGAIN;
	err = w->rmap->walk(folio, note_mapping, &f);
	if (!err && (long)f.nr != folio->mapcount)
		err = -EAGAIN;
	dst = err ? NULL : folio_alloc_anon(w);
	if (!err && !dst)
		err = -ENOMEM;
	if (!err) {
		dst->mapping = folio->mapping;
		dst->index = folio->index;
		dst->anon_exclusive = folio->anon_exclusive;
		dst->mapcount = folio->mapcount;
		dst->refcount = folio->mapcount;
		for (size_t i = 0; i < f.nr; i++) {
			pte_t *pte = pte_lookup(f.mm[i], f.addr[i]);

			pte->val = (uintptr_t)dst | (pte->val & PTE_FLAGS);
		}
		for (size_t i = 0; i < f.nr; i++) {
			folio_sub_mapcount(folio, f.mm[i]);
			folio_put(folio);
		}
	}
	w->rmap->folio_put(pin);
	free(f.mm);
	free(f.addr);
	return err;
}

struct folio_set {
	struct folio **folios;
	size_t nr, cap;
};

static void collect_anon(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	struct folio_set *s = arg;
	struct folio *folio = pte_folio(*pte);

	if (!folio_test_anon(folio))
		return;
	for (size_t i = 0; i < s->nr; i++)
		if (s->folios[i] == folio)
			return;
	if (s->nr == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct folio **n = realloc(s->folios, cap * sizeof(*n));

		if (!n)
			return;
		s->folios = n;
		s->cap = cap;
	}
	s->folios[s->nr++] = folio;
}

/*
 * Migrate every anonymous folio mapped in the range; holes are skipped. The
 * first failure is returned after trying every folio, as migrate_pages()
 * counts failures rather than stopping.
 */
int migrate_range(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	struct folio_set s = { 0 };
	int err = 0;

	if (!PAGE_ALIGNED(start) || !len)
		return -EINVAL;
	mmap_read_lock(mm);
	walk_present_ptes(mm, start, start + len, collect_anon, &s);
	for (size_t i = 0; i < s.nr; i++) {
		int e;

		/*
		 * Isolation holds a reference, and migrate_pages() locks the
		 * source folio before its rmap walks; the last mapping going
		 * must not free the folio under its own lock.
		 */
		folio_get(s.folios[i]);
		folio_lock(s.folios[i]);
		e = migrate_folio(mm->world, s.folios[i]);
		folio_unlock(s.folios[i]);
		folio_put(s.folios[i]);

		if (e && !err)
			err = e;
	}
	mmap_read_unlock(mm);
	free(s.folios);
	return err;
}
