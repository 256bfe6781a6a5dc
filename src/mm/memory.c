// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page faults, unmapping, and the page-table copy of fork (mm/memory.c).
 *
 * A fault either succeeds or changes nothing: the anon rmap state and the
 * page table slot are reserved before a folio is mapped.
 */
#include <stdlib.h>

#include <anonrmap/world.h>

#include "mm/internal.h"

static struct world *vma_world(const struct vm_area_struct *vma)
{
	return vma->vm_mm->world;
}

/* Map a new exclusive anonymous folio at @address (the end of every CoW). */
static int map_new_anon_folio(struct vm_area_struct *vma, unsigned long address)
{
	struct world *w = vma_world(vma);
	struct folio *folio;
	pte_t *pte;
	int err;

	err = w->rmap->prepare(vma);
	if (err)
		return err;
	pte = pte_alloc(vma->vm_mm, address);
	folio = pte ? folio_alloc_anon(w) : NULL;
	if (!folio)
		return -ENOMEM;
	folio->anon_exclusive = true;
	folio->mapcount = 1;
	w->rmap->folio_set_anon(folio, vma, address, true);
	pthread_mutex_lock(&vma->vm_mm->page_table_lock);
	set_pte(vma->vm_mm, address, mk_pte(folio, vma->vm_flags & VM_WRITE));
	pthread_mutex_unlock(&vma->vm_mm->page_table_lock);
	return 0;
}

/* Drop one mapping of @folio (the zero page is not counted). */
static void folio_remove_rmap(struct folio *folio)
{
	if (is_zero_folio(folio))
		return;
	folio->mapcount--;
	folio_put(folio);
}

/*
 * thp_vma_allowable_order() and thp_vma_suitable_order() for a PMD: the
 * whole aligned 2 MiB must lie in the VMA, with page offsets aligned too,
 * and nothing may be mapped there yet (the kernel needs an empty PMD).
 */
static bool thp_fault_allowed(struct vm_area_struct *vma, unsigned long address)
{
	struct world *w = vma_world(vma);
	unsigned long haddr = address & HPAGE_PMD_MASK;

	if (!vma_is_anonymous(vma) || (vma->vm_flags & VM_NOHUGEPAGE) ||
	    w->thp == ANONRMAP_THP_NEVER)
		return false;
	if (w->thp == ANONRMAP_THP_MADVISE && !(vma->vm_flags & VM_HUGEPAGE))
		return false;
	if (haddr < vma->vm_start || haddr + HPAGE_PMD_SIZE > vma->vm_end)
		return false;
	if (((vma->vm_start >> PAGE_SHIFT) - vma->vm_pgoff) % HPAGE_PMD_NR)
		return false;
	return pmd_none(vma->vm_mm, haddr);
}

/*
 * do_huge_pmd_anonymous_page(). A PMD-mapped THP is modelled as 512 base
 * folios mapped at once: every page the kernel would show is there, with its
 * own physical identity, and the later per-page behaviour (CoW after fork
 * splits the PMD and copies one page) is what base folios do anyway. A read
 * with the zero page on maps the huge zero page.
 */
static int do_huge_anonymous_page(struct vm_area_struct *vma, unsigned long address, bool write)
{
	struct world *w = vma_world(vma);
	unsigned long haddr = address & HPAGE_PMD_MASK;
	int err;

	for (unsigned long a = haddr; a < haddr + HPAGE_PMD_SIZE; a += PAGE_SIZE)
		if (!pte_alloc(vma->vm_mm, a))
			return -ENOMEM;
	if (!write && w->zero_page) {
		for (unsigned long a = haddr; a < haddr + HPAGE_PMD_SIZE; a += PAGE_SIZE)
			set_pte(vma->vm_mm, a, mk_pte(w->zero_folio, false));
		pmd_set_huge(vma->vm_mm, haddr, true);
		return 0;
	}
	for (unsigned long a = haddr; a < haddr + HPAGE_PMD_SIZE; a += PAGE_SIZE) {
		pte_t *pte = pte_lookup(vma->vm_mm, a);

		/* replacing the huge zero page: drop it as each page is mapped */
		if (pte_present(*pte) && !is_zero_folio(pte_folio(*pte)))
			return -EEXIST;
		err = map_new_anon_folio(vma, a);
		if (err)
			return err;
	}
	pmd_set_huge(vma->vm_mm, haddr, true);
	return 0;
}

/*
 * do_anonymous_page(). Whether a read fault maps the zero page is a property
 * of the machine, not of the rmap, so it is a world setting.
 */
static int do_anonymous_page(struct vm_area_struct *vma, unsigned long address, bool write)
{
	struct world *w = vma_world(vma);

	if (thp_fault_allowed(vma, address))
		return do_huge_anonymous_page(vma, address, write);
	if (!write && w->zero_page) {
		if (!pte_alloc(vma->vm_mm, address))
			return -ENOMEM;
		set_pte(vma->vm_mm, address, mk_pte(w->zero_folio, false));
		return 0;
	}
	return map_new_anon_folio(vma, address);
}

static void map_file_folio(struct vm_area_struct *vma, unsigned long address,
			   struct folio *folio)
{
	folio_get(folio);
	folio->mapcount++;
	/* a private mapping never writes through to the page cache */
	set_pte(vma->vm_mm, address, mk_pte(folio, false));
}

/*
 * do_read_fault() with fault-around: map the cached pages of the window that
 * holds @address (fault_around_pages, aligned in the page table, clipped to
 * the VMA and the page table), then the page itself. Past the end of the
 * file there is no page: SIGBUS, reported as -EFAULT.
 */
static int do_read_fault(struct vm_area_struct *vma, unsigned long address)
{
	struct world *w = vma_world(vma);
	unsigned long nr = w->fault_around_pages;
	unsigned long pte_off = (address >> PAGE_SHIFT) & (PT_ENTRIES - 1);
	unsigned long vma_off = (address - vma->vm_start) >> PAGE_SHIFT;
	unsigned long table = address - (pte_off << PAGE_SHIFT);
	unsigned long from = pte_off - (pte_off < vma_off ? pte_off : vma_off);
	unsigned long to;
	struct folio *folio;

	if (nr > 1) {
		unsigned long aligned = pte_off & ~(nr - 1);

		if (aligned > from)
			from = aligned;
		to = from + nr;
		if (to > PT_ENTRIES)
			to = PT_ENTRIES;
		if (to > pte_off + vma_pages(vma) - vma_off)
			to = pte_off + vma_pages(vma) - vma_off;
		for (unsigned long i = from; i < to; i++) {
			unsigned long a = table + (i << PAGE_SHIFT);
			pte_t *pte = pte_lookup(vma->vm_mm, a);

			if (pte && pte_present(*pte))
				continue;
			folio = filemap_get_folio(vma->vm_file, linear_page_index(vma, a));
			if (!folio)
				continue;
			if (!pte_alloc(vma->vm_mm, a))
				return -ENOMEM;
			map_file_folio(vma, a, folio);
		}
		if (pte_lookup(vma->vm_mm, address) &&
		    pte_present(*pte_lookup(vma->vm_mm, address)))
			return 0;
	}
	folio = filemap_get_folio(vma->vm_file, linear_page_index(vma, address));
	if (!folio)
		return -EFAULT;
	if (!pte_alloc(vma->vm_mm, address))
		return -ENOMEM;
	map_file_folio(vma, address, folio);
	return 0;
}

/*
 * do_cow_fault(): a write to an unmapped page of a private file mapping. The
 * anon rmap is prepared before the page cache is consulted, as in the kernel,
 * so a write past the end of the file still leaves an anon_vma behind.
 */
static int do_cow_fault(struct vm_area_struct *vma, unsigned long address)
{
	int err = vma_world(vma)->rmap->prepare(vma);

	if (err)
		return err;
	if (!filemap_get_folio(vma->vm_file, linear_page_index(vma, address)))
		return -EFAULT;
	return map_new_anon_folio(vma, address);
}

/*
 * do_wp_page(): a write to a present, write-protected page. An anonymous
 * folio that only this mapping holds is reused, and moved to this VMA's
 * anon_vma if it was not known to be exclusive; anything else is copied.
 */
static int do_wp_page(struct vm_area_struct *vma, unsigned long address, pte_t *pte)
{
	struct folio *folio = pte_folio(*pte);
	bool huge = pmd_trans_huge(vma->vm_mm, address);
	int err;

	/*
	 * A write to the huge zero page gets a whole THP (do_huge_zero_wp_pmd,
	 * Linux 6.13 on); a copy out of any other THP splits its PMD first.
	 */
	if (huge && is_zero_folio(folio))
		return do_huge_anonymous_page(vma, address, true);

	if (folio_test_anon(folio)) {
		if (!folio->anon_exclusive && folio->refcount == 1) {
			vma_world(vma)->rmap->folio_move(folio, vma);
			folio->anon_exclusive = true;
		}
		if (folio->anon_exclusive) {
			pte->val |= PTE_WRITE;
			return 0;
		}
	}
	/* wp_page_copy() */
	if (huge)
		split_huge_pmd(vma->vm_mm, address);
	err = vma_world(vma)->rmap->prepare(vma);
	if (err)
		return err;
	/* the new folio's PTE replaces the old one in place */
	err = map_new_anon_folio(vma, address);
	if (err)
		return err;
	folio_remove_rmap(folio);
	return 0;
}

int handle_mm_fault(struct vm_area_struct *vma, unsigned long address, bool write)
{
	pte_t *pte = pte_lookup(vma->vm_mm, address);

	if (!pte || !pte_present(*pte)) {
		if (vma_is_anonymous(vma))
			return do_anonymous_page(vma, address, write);
		return write ? do_cow_fault(vma, address) : do_read_fault(vma, address);
	}
	if (write && !pte_write(*pte))
		return do_wp_page(vma, address, pte);
	return 0;
}

/*
 * An x86 page table cannot express write-only or execute-only (without
 * protection keys), so any access right makes a page readable.
 */
static bool access_error(const struct vm_area_struct *vma, bool write)
{
	if (write)
		return !(vma->vm_flags & VM_WRITE);
	return !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC));
}

int do_touch(struct mm_struct *mm, unsigned long start, unsigned long len, bool write)
{
	int err = 0;

	pthread_rwlock_rdlock(&mm->mmap_lock);
	for (unsigned long a = start; a < start + len; a += PAGE_SIZE) {
		struct vm_area_struct *vma = vma_lookup(mm, a);

		if (!vma || access_error(vma, write)) {
			err = -EFAULT;
			break;
		}
		err = handle_mm_fault(vma, a, write);
		if (err)
			break;
	}
	pthread_rwlock_unlock(&mm->mmap_lock);
	return err;
}

struct pte_list {
	unsigned long *addr;
	size_t nr, cap;
};

static void collect_pte(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	struct pte_list *l = arg;

	if (l->nr == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		unsigned long *a = realloc(l->addr, cap * sizeof(*a));

		if (!a)
			abort();	/* no way to report a half-done unmap */
		l->addr = a;
		l->cap = cap;
	}
	l->addr[l->nr++] = addr;
}

static struct pte_list present_ptes(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct pte_list l = { 0 };

	walk_present_ptes(mm, start, end, collect_pte, &l);
	return l;
}

/* zap_page_range_single(): unmap every page of [start, end) in @vma. */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct pte_list l;

	/* a THP only partly zapped is split; a whole one goes with its PMD */
	for (unsigned long a = start & HPAGE_PMD_MASK; a < end; a += HPAGE_PMD_SIZE)
		if (pmd_trans_huge(mm, a) && (a < start || a + HPAGE_PMD_SIZE > end))
			split_huge_pmd(mm, a);
	l = present_ptes(mm, start, end);

	for (size_t i = 0; i < l.nr; i++) {
		pte_t *pte = pte_lookup(mm, l.addr[i]);
		struct folio *folio = pte_folio(*pte);

		pte_clear(mm, l.addr[i]);
		folio_remove_rmap(folio);
	}
	free(l.addr);
	for (unsigned long a = start & HPAGE_PMD_MASK; a < end; a += HPAGE_PMD_SIZE)
		if (pmd_trans_huge(mm, a))
			pmd_clear(mm, a);
}

/*
 * copy_page_range(): the child maps what the parent maps. Private writable
 * pages become write-protected on both sides and lose AnonExclusive, so the
 * first write on either side copies.
 */
int copy_page_range(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	const struct anon_rmap_ops *rmap = vma_world(src)->rmap;
	struct pte_list l = present_ptes(src->vm_mm, src->vm_start, src->vm_end);

	for (size_t i = 0; i < l.nr; i++) {
		if (!pte_alloc(dst->vm_mm, l.addr[i])) {
			free(l.addr);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < l.nr; i++) {
		pte_t *pte = pte_lookup(src->vm_mm, l.addr[i]);
		struct folio *folio = pte_folio(*pte);

		if (folio_test_anon(folio)) {
			if (rmap->fork_folio)
				rmap->fork_folio(folio, dst, src);
			folio->anon_exclusive = false;
		}
		if (!is_zero_folio(folio)) {
			folio_get(folio);
			folio->mapcount++;
		}
		pte->val &= ~PTE_WRITE;
		set_pte(dst->vm_mm, l.addr[i], mk_pte(folio, false));
	}
	free(l.addr);
	/* copy_huge_pmd(): the child maps the THP with a PMD too */
	for (unsigned long a = src->vm_start & HPAGE_PMD_MASK; a < src->vm_end; a += HPAGE_PMD_SIZE)
		if (pmd_trans_huge(src->vm_mm, a))
			pmd_set_huge(dst->vm_mm, a, true);
	return 0;
}

/* move_ptes(): the folios keep their index; the new VMA's pgoff matches it. */
void move_page_tables(struct vm_area_struct *vma, unsigned long old_addr,
		      struct vm_area_struct *new_vma, unsigned long new_addr,
		      unsigned long len)
{
	struct mm_struct *mm = vma->vm_mm;
	bool aligned = !(old_addr & ~HPAGE_PMD_MASK) && !(new_addr & ~HPAGE_PMD_MASK);
	unsigned long huge_len = aligned ? len & HPAGE_PMD_MASK : 0;
	struct pte_list l;

	/*
	 * move_huge_pmd() carries a whole PMD when both sides are aligned;
	 * anything else splits the THP and moves its PTEs.
	 */
	for (unsigned long a = old_addr & HPAGE_PMD_MASK; a < old_addr + len; a += HPAGE_PMD_SIZE)
		if (pmd_trans_huge(mm, a) && (a < old_addr || a + HPAGE_PMD_SIZE > old_addr + huge_len))
			split_huge_pmd(mm, a);
	l = present_ptes(mm, old_addr, old_addr + len);
	for (size_t i = 0; i < l.nr; i++) {
		pte_t pte = *pte_lookup(mm, l.addr[i]);

		pte_clear(mm, l.addr[i]);
		if (!pte_alloc(mm, new_addr + (l.addr[i] - old_addr)))
			abort();	/* the model's tables are malloc'd; OOM here is fatal */
		set_pte(mm, new_addr + (l.addr[i] - old_addr), pte);
	}
	free(l.addr);
	for (unsigned long off = 0; off < huge_len; off += HPAGE_PMD_SIZE) {
		if (pmd_trans_huge(mm, old_addr + off)) {
			pmd_clear(mm, old_addr + off);
			pmd_set_huge(mm, new_addr + off, true);
		}
	}
}

/* change_protection(): dropping write access write-protects every page. */
static void wrprotect_pte(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	pte->val &= ~PTE_WRITE;
}

void mprotect_ptes(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	if (!(vma->vm_flags & VM_WRITE))
		walk_present_ptes(vma->vm_mm, start, end, wrprotect_pte, NULL);
}
