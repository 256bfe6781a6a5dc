// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page faults, unmapping, and the page-table copy of fork (mm/memory.c).
 *
 * A fault either succeeds or changes nothing: the anon rmap state and the
 * page table slot are reserved before a folio is mapped.
 */
#include <anonrmap/world.h>

#include "lib/compiler.h"
#include "mm/internal.h"
#include "mm/world.h"

/*
 * Map the pages of a new exclusive anonymous folio from @addr on (the end of
 * every anonymous fault and every CoW): folio_add_new_anon_rmap() and
 * set_ptes(). The anon rmap and the page table are ready, so nothing fails.
 */
static void map_anon_pages(struct vm_area_struct *vma, unsigned long addr,
			   struct folio **pages, unsigned long nr)
{
	struct world *w = vma_world(vma);

	assert_spin_locked(&vma->vm_mm->page_table_lock);
	for (unsigned long i = 0; i < nr; i++) {
		unsigned long a = addr + (i << PAGE_SHIFT);

		WRITE_ONCE(pages[i]->anon_exclusive, true);
		/* mapping before mapcount: a walker that sees it mapped finds it set */
		w->rmap->folio_set_anon(pages[i], vma, a, true);
		folio_add_new_mapcount(pages[i], vma->vm_mm);
		set_pte(vma->vm_mm, a, mk_pte(pages[i], vma->vm_flags & VM_WRITE));
	}
}

/*
 * What a fault saw at @address before it let the PTE lock go: the entry,
 * and whether the PMD had a table and whether that stood for a THP.
 */
struct fault_snapshot {
	uintptr_t pte;
	bool table, huge;
};

static struct fault_snapshot fault_snap(struct mm_struct *mm, unsigned long address)
{
	pte_t *pte = pte_lookup(mm, address);

	return (struct fault_snapshot){ .pte = pte ? pte->val : 0,
					.table = !pmd_none(mm, address),
					.huge = pmd_trans_huge(mm, address) };
}

/*
 * anon_vma_prepare() from inside a fault. The fast path is the kernel's
 * inline one: a VMA with anon state needs nothing. Otherwise the design
 * takes the anon_vma lock, which ranks above the PTE lock, so the fault
 * lets the PTE lock go around it, and afterwards, as the kernel's faults
 * do with pte_same(), gives up with -EAGAIN (the access is retried) if
 * another thread changed the entry meanwhile.
 */
static int fault_prepare(struct vm_area_struct *vma, unsigned long address, bool pmd_fault)
{
	struct mm_struct *mm = vma->vm_mm;
	const struct anon_rmap_ops *rmap = vma_world(vma)->rmap;
	int (*prepare)(struct vm_area_struct *vma) = rmap->prepare;
	struct fault_snapshot before, after;
	int err;

	assert_spin_locked(&mm->page_table_lock);
	/*
	 * __vmf_anon_prepare() sees an empty PMD on a PMD fault (@pmd_fault):
	 * a design may want more than some anon state then (prepare_huge).
	 */
	if (pmd_fault && rmap->prepare_huge)
		prepare = rmap->prepare_huge;
	else if (rmap->vma_has_anon(vma))
		return 0;
	before = fault_snap(mm, address);
	spin_unlock(&mm->page_table_lock);
	err = prepare(vma);
	spin_lock(&mm->page_table_lock);
	if (err)
		return err;
	after = fault_snap(mm, address);
	if (before.pte != after.pte || before.table != after.table || before.huge != after.huge)
		return -EAGAIN;
	return 0;
}

/* Map a new exclusive order-0 anonymous folio at @address. */
static int map_new_anon_folio(struct vm_area_struct *vma, unsigned long address)
{
	struct world *w = vma_world(vma);
	struct folio *folio;
	int err;

	err = fault_prepare(vma, address, false);
	if (err)
		return err;
	folio = pte_alloc(vma->vm_mm, address) ? folio_alloc_anon(w) : NULL;
	if (!folio)
		return -ENOMEM;
	map_anon_pages(vma, address, &folio, 1);
	return 0;
}

/* Drop @vma's mapping of one page (the zero page is not counted). */
static void folio_remove_rmap(struct folio *folio, struct vm_area_struct *vma)
{
	if (is_zero_folio(folio))
		return;
	folio_sub_mapcount(folio, vma->vm_mm);
	folio_put(folio);
}

/*
 * thp_vma_allowable_orders() for a fault in an anonymous VMA: the large
 * folio orders sysfs allows here, as a bitmask. A per-size `always` needs no
 * madvise and holds even with the top-level switch at never; `inherit`
 * follows the top level.
 */
static unsigned long thp_vma_allowable_orders(struct vm_area_struct *vma)
{
	struct world *w = vma_world(vma);
	bool madvised = vma->vm_flags & VM_HUGEPAGE;
	unsigned long orders = 0;

	if (!vma_is_anonymous(vma) || (vma->vm_flags & VM_NOHUGEPAGE))
		return 0;
	for (int order = ANONRMAP_MTHP_MIN_ORDER; order <= PMD_ORDER; order++) {
		switch (w->mthp[order]) {
		case ANONRMAP_MTHP_ALWAYS:
			break;
		case ANONRMAP_MTHP_MADVISE:
			if (madvised)
				break;
			continue;
		case ANONRMAP_MTHP_INHERIT:
			if (w->thp == ANONRMAP_THP_ALWAYS ||
			    (madvised && w->thp == ANONRMAP_THP_MADVISE))
				break;
			continue;
		default:
			continue;
		}
		orders |= 1UL << order;
	}
	return orders;
}

/*
 * thp_vma_suitable_order(): the aligned block of 2^order pages around
 * @address lies inside @vma. For anonymous memory Linux does not ask that
 * vm_pgoff be aligned too: a VMA that mremap moved off its 2 MiB alignment
 * still gets THPs where a PMD has no page table yet (scenario 94).
 */
static bool thp_vma_suitable_order(const struct vm_area_struct *vma, unsigned long address,
				   int order)
{
	unsigned long size = PAGE_SIZE << order;
	unsigned long haddr = address & ~(size - 1);

	return haddr >= vma->vm_start && haddr + size <= vma->vm_end;
}

static bool pte_range_none(struct mm_struct *mm, unsigned long addr, unsigned long nr)
{
	for (unsigned long i = 0; i < nr; i++) {
		pte_t *pte = pte_lookup(mm, addr + (i << PAGE_SHIFT));

		if (pte && pte_present(*pte))
			return false;
	}
	return true;
}

/*
 * do_huge_pmd_anonymous_page(). The anon_vma is prepared before the huge
 * zero page is chosen, so a read fault here leaves the VMA an anon_vma
 * although it maps no anonymous page, and a fork then copies its page
 * tables. A PMD-mapped THP is an order-9 large folio whose 512 pages sit in
 * a PTE table marked as standing for the PMD. Returns 1 to fall back to
 * small pages, as the kernel does when no THP can be allocated.
 * @pmd_was_none is false for the write to a huge zero page
 * (do_huge_zero_wp_pmd()), which relies on the anon state the read fault
 * that mapped it prepared.
 */
static int do_huge_pmd_anonymous_page(struct vm_area_struct *vma, unsigned long address,
				      bool write, bool pmd_was_none)
{
	struct world *w = vma_world(vma);
	unsigned long haddr = address & HPAGE_PMD_MASK;
	struct folio *pages[HPAGE_PMD_NR];
	int err;

	assert_spin_locked(&vma->vm_mm->page_table_lock);
	err = fault_prepare(vma, address, pmd_was_none);
	if (err)
		return err;
	if (!pte_alloc(vma->vm_mm, haddr))
		return -ENOMEM;
	if (!write && w->zero_page && w->huge_zero_page) {
		for (unsigned long a = haddr; a < haddr + HPAGE_PMD_SIZE; a += PAGE_SIZE)
			set_pte(vma->vm_mm, a, mk_pte(w->zero_folio, false));
		pmd_set_huge(vma->vm_mm, haddr, true);
		return 0;
	}
	if (folio_alloc_anon_large(w, PMD_ORDER, pages))
		return 1;
	/* a write to the huge zero page replaces it whole (do_huge_zero_wp_pmd) */
	map_anon_pages(vma, haddr, pages, HPAGE_PMD_NR);
	pmd_set_huge(vma->vm_mm, haddr, true);
	return 0;
}

/*
 * alloc_anon_folio(): the largest allowed order whose aligned block lies in
 * the VMA with every PTE empty, falling back order by order when none is
 * free or an allocation fails, down to a single page.
 */
static int do_anonymous_large(struct vm_area_struct *vma, unsigned long address,
			      unsigned long orders)
{
	struct world *w = vma_world(vma);
	struct folio *pages[HPAGE_PMD_NR];
	int err;

	err = fault_prepare(vma, address, false);
	if (err)
		return err;
	if (!pte_alloc(vma->vm_mm, address))
		return -ENOMEM;
	for (int order = PMD_ORDER - 1; order >= ANONRMAP_MTHP_MIN_ORDER; order--) {
		unsigned long nr = 1UL << order;
		unsigned long addr = address & ~((PAGE_SIZE << order) - 1);

		if (!(orders & (1UL << order)) || !thp_vma_suitable_order(vma, address, order) ||
		    !pte_range_none(vma->vm_mm, addr, nr))
			continue;
		if (folio_alloc_anon_large(w, (unsigned int)order, pages))
			continue;
		map_anon_pages(vma, addr, pages, nr);
		return 0;
	}
	return map_new_anon_folio(vma, address);
}

/*
 * do_anonymous_page(), with the PMD attempt of __handle_mm_fault() before
 * it. Whether a read fault maps the zero page is a property of the machine,
 * not of the rmap, so it is a world setting; where it does not, a read
 * allocates just as a write does.
 */
static int do_anonymous_page(struct vm_area_struct *vma, unsigned long address, bool write)
{
	struct world *w = vma_world(vma);
	unsigned long orders = thp_vma_allowable_orders(vma);

	assert_spin_locked(&vma->vm_mm->page_table_lock);
	if ((orders & (1UL << PMD_ORDER)) && pmd_none(vma->vm_mm, address) &&
	    thp_vma_suitable_order(vma, address, PMD_ORDER)) {
		int ret = do_huge_pmd_anonymous_page(vma, address, write, true);

		if (ret <= 0)
			return ret;
	}
	if (!write && w->zero_page) {
		if (!pte_alloc(vma->vm_mm, address))
			return -ENOMEM;
		set_pte(vma->vm_mm, address, mk_pte(w->zero_folio, false));
		return 0;
	}
	orders &= (1UL << PMD_ORDER) - 1;
	if (orders)
		return do_anonymous_large(vma, address, orders);
	return map_new_anon_folio(vma, address);
}

static void map_file_folio(struct vm_area_struct *vma, unsigned long address,
			   struct folio *folio)
{
	folio_get(folio);
	folio_add_mapcount(folio, vma->vm_mm);
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

	assert_spin_locked(&vma->vm_mm->page_table_lock);
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
	int err = fault_prepare(vma, address, false);

	assert_spin_locked(&vma->vm_mm->page_table_lock);
	if (err)
		return err;
	if (!filemap_get_folio(vma->vm_file, linear_page_index(vma, address)))
		return -EFAULT;
	return map_new_anon_folio(vma, address);
}

/*
 * Does the page at @address in @vma, which lost AnonExclusive at fork, now
 * belong to this mapping alone? A small folio with one reference does, and
 * moves to this VMA's anon_vma. A PMD-mapped THP does when that PMD is its
 * only reference (do_huge_pmd_wp_page()), and moves whole. A PTE-mapped
 * large folio does when all its mappings are in this mm; 6.18 reuses it
 * without moving it.
 */
static bool wp_can_reuse_anon_folio(struct vm_area_struct *vma, unsigned long address,
				    struct folio *folio)
{
	const struct anon_rmap_ops *rmap = vma_world(vma)->rmap;
	unsigned long haddr = address & HPAGE_PMD_MASK;

	if (READ_ONCE(folio->anon_exclusive))
		return true;
	if (!folio->large) {
		/* a folio someone else has locked is busy: copy rather than wait */
		if (folio_ref_count(folio) != 1 || !folio_trylock(folio))
			return false;
		rmap->folio_move(folio, vma);
		folio_unlock(folio);
	} else if (pmd_trans_huge(vma->vm_mm, address)) {
		if (!folio_large_reusable(folio->large, vma->vm_mm) ||
		    folio_large_mapcount(folio->large) != (int)HPAGE_PMD_NR)
			return false;
		/*
		 * One lock for the 512 pages, as for the kernel's one folio.
		 * Under the PTE lock it may only be tried: a walker holding it
		 * makes this a copy instead.
		 */
		struct folio *head = pte_folio(*pte_lookup(vma->vm_mm, haddr));

		if (!folio_trylock(head))
			return false;
		for (unsigned long a = haddr; a < haddr + HPAGE_PMD_SIZE; a += PAGE_SIZE)
			rmap->folio_move(pte_folio(*pte_lookup(vma->vm_mm, a)), vma);
		folio_unlock(head);
	} else if (!folio_large_reusable(folio->large, vma->vm_mm)) {
		return false;
	}
	WRITE_ONCE(folio->anon_exclusive, true);
	return true;
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

	assert_spin_locked(&vma->vm_mm->page_table_lock);
	/*
	 * A write to the huge zero page gets a whole THP (do_huge_zero_wp_pmd,
	 * Linux 6.13 on), or, when none can be had, a copy of one page after
	 * the PMD is split.
	 */
	if (huge && is_zero_folio(folio)) {
		err = do_huge_pmd_anonymous_page(vma, address, true, false);
		if (err <= 0)
			return err;
	} else if (folio_test_anon(folio) && wp_can_reuse_anon_folio(vma, address, folio)) {
		pte->val |= PTE_WRITE;
		return 0;
	}
	/* wp_page_copy() */
	if (huge)
		split_huge_pmd(vma->vm_mm, address);
	err = fault_prepare(vma, address, false);
	if (err)
		return err;
	/* the new folio's PTE replaces the old one in place */
	err = map_new_anon_folio(vma, address);
	if (err)
		return err;
	folio_remove_rmap(folio, vma);
	return 0;
}

/*
 * The whole fault runs under the PTE lock (mm->page_table_lock: the
 * kernel's lock for PTEs when page tables have no split locks), which
 * serialises it against faults of other threads in this mm and against the
 * rmap walkers of reclaim and migration; the fault lets it go only to
 * prepare the anon rmap (fault_prepare()).
 */
static int handle_pte_fault(struct vm_area_struct *vma, unsigned long address, bool write)
{
	pte_t *pte = pte_lookup(vma->vm_mm, address);

	assert_spin_locked(&vma->vm_mm->page_table_lock);
	if (vma->vm_flags & VM_SHARED)
		return do_shared_fault(vma, address, write);
	if (!pte || !pte_present(*pte)) {
		if (vma_is_anonymous(vma))
			return do_anonymous_page(vma, address, write);
		return write ? do_cow_fault(vma, address) : do_read_fault(vma, address);
	}
	if (write && !pte_write(*pte))
		return do_wp_page(vma, address, pte);
	return 0;
}

int handle_mm_fault(struct vm_area_struct *vma, unsigned long address, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	int err;

	mmap_assert_locked(mm);
	spin_lock(&mm->page_table_lock);
	err = handle_pte_fault(vma, address, write);
	spin_unlock(&mm->page_table_lock);
	return err;
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

	mmap_read_lock(mm);
	for (unsigned long a = start; a < start + len; a += PAGE_SIZE) {
		struct vm_area_struct *vma = vma_lookup(mm, a);

		if (!vma || access_error(vma, write)) {
			err = -EFAULT;
			break;
		}
		err = handle_mm_fault(vma, a, write);
		/* the entry changed while the fault prepared: try the access again */
		if (err == -EAGAIN) {
			a -= PAGE_SIZE;
			err = 0;
			continue;
		}
		if (err)
			break;
	}
	mmap_read_unlock(mm);
	return err;
}

static void zap_pte(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	struct folio *folio = pte_folio(*pte);

	pte_clear(mm, addr);
	folio_remove_rmap(folio, arg);
}

/* zap_page_range_single(): unmap every page of [start, end) in @vma. */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;

	mmap_assert_locked(mm);
	spin_lock(&mm->page_table_lock);
	/* a THP only partly zapped is split; a whole one goes with its PMD */
	for (unsigned long a = start & HPAGE_PMD_MASK; a < end; a += HPAGE_PMD_SIZE)
		if (pmd_trans_huge(mm, a) && (a < start || a + HPAGE_PMD_SIZE > end))
			split_huge_pmd(mm, a);
	walk_present_ptes(mm, start, end, zap_pte, vma);
	for (unsigned long a = start & HPAGE_PMD_MASK; a < end; a += HPAGE_PMD_SIZE)
		if (pmd_trans_huge(mm, a))
			pmd_clear(mm, a);
	spin_unlock(&mm->page_table_lock);
}

/* The child's page tables for every entry the copy will write. */
struct pt_reserve {
	struct mm_struct *dst;
	int err;
};

static void reserve_pte(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	struct pt_reserve *r = arg;

	if (!r->err && !pte_alloc(r->dst, addr))
		r->err = -ENOMEM;
}

struct pte_copy {
	struct vm_area_struct *dst, *src;
};

static void copy_present_pte(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	struct pte_copy *c = arg;
	const struct anon_rmap_ops *rmap = vma_world(c->src)->rmap;
	struct folio *folio = pte_folio(*pte);

	if (folio_test_anon(folio)) {
		if (rmap->fork_folio)
			rmap->fork_folio(folio, c->dst, c->src);
		/* a page flag, changed atomically: other mms' forks share the folio */
		WRITE_ONCE(folio->anon_exclusive, false);
	}
	if (!is_zero_folio(folio)) {
		folio_get(folio);
		folio_add_mapcount(folio, c->dst->vm_mm);
	}
	pte->val &= ~PTE_WRITE;
	set_pte(c->dst->vm_mm, addr, mk_pte(folio, false));
}

/*
 * copy_page_range(): the child maps what the parent maps. Private writable
 * pages become write-protected on both sides and lose AnonExclusive, so the
 * first write on either side copies. The kernel allocates the child's tables
 * as it copies, so a failure leaves the VMAs copied before it
 * write-protected in the parent; here the tables are had first, which gives
 * the same result for the VMAs before and nothing half-copied in this one.
 */
int copy_page_range(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct pt_reserve r = { .dst = dst->vm_mm };
	struct pte_copy c = { .dst = dst, .src = src };

	mmap_assert_write_locked(src->vm_mm);
	mmap_assert_write_locked(dst->vm_mm);

	/* copy_pte_range(): the child's lock, then the parent's nested in it */
	spin_lock(&dst->vm_mm->page_table_lock);
	spin_lock_nested(&src->vm_mm->page_table_lock, SINGLE_DEPTH_NESTING);
	walk_present_ptes(src->vm_mm, src->vm_start, src->vm_end, reserve_pte, &r);
	if (!r.err) {
		walk_present_ptes(src->vm_mm, src->vm_start, src->vm_end, copy_present_pte, &c);
		/* copy_huge_pmd(): the child maps the THP with a PMD too */
		for (unsigned long a = src->vm_start & HPAGE_PMD_MASK; a < src->vm_end;
		     a += HPAGE_PMD_SIZE)
			if (pmd_trans_huge(src->vm_mm, a))
				pmd_set_huge(dst->vm_mm, a, true);
	}
	spin_unlock(&src->vm_mm->page_table_lock);
	spin_unlock(&dst->vm_mm->page_table_lock);
	return r.err;
}

/*
 * The page tables move_page_tables() will write at @new_addr, had before
 * anything moves. move_page_tables() walks in extents that end at a PMD
 * boundary of either side, and gives the new side a PTE table for every
 * extent whose old PMD has one, present entries or not: which PMDs have
 * tables decides where later faults may map a THP. The kernel allocates
 * them as it goes and, when it runs out, moves the entries back and unmaps
 * the new VMA; asking for every table before the new VMA exists ends in
 * the same place (-ENOMEM, the source untouched) without the way back. A
 * failure gives back the tables it made.
 */
int reserve_move_page_tables(struct mm_struct *mm, unsigned long old_addr,
			     unsigned long new_addr, unsigned long len)
{
	for (unsigned long off = 0, extent; off < len; off += extent) {
		unsigned long o = old_addr + off, n = new_addr + off;

		extent = HPAGE_PMD_SIZE - (o & ~HPAGE_PMD_MASK);
		if (extent > HPAGE_PMD_SIZE - (n & ~HPAGE_PMD_MASK))
			extent = HPAGE_PMD_SIZE - (n & ~HPAGE_PMD_MASK);
		if (extent > len - off)
			extent = len - off;
		spin_lock(&mm->page_table_lock);
		if (!pmd_none(mm, o) && !pte_alloc(mm, n)) {
			spin_unlock(&mm->page_table_lock);
			free_pgtables_range(mm, new_addr, new_addr + len);
			return -ENOMEM;
		}
		spin_unlock(&mm->page_table_lock);
	}
	return 0;
}

static void move_pte(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	long shift = *(long *)arg;
	pte_t moved = *pte;

	pte_clear(mm, addr);
	set_pte(mm, addr + shift, moved);
}

/*
 * move_ptes(): the folios keep their index; the new VMA's pgoff matches it.
 * The destination's tables come from reserve_move_page_tables().
 */
void move_page_tables(struct vm_area_struct *vma, unsigned long old_addr,
		      struct vm_area_struct *new_vma, unsigned long new_addr,
		      unsigned long len)
{
	struct mm_struct *mm = vma->vm_mm;
	bool aligned = !(old_addr & ~HPAGE_PMD_MASK) && !(new_addr & ~HPAGE_PMD_MASK);
	unsigned long huge_len = aligned ? len & HPAGE_PMD_MASK : 0;
	long shift = (long)(new_addr - old_addr);

	mmap_assert_write_locked(mm);
	spin_lock(&mm->page_table_lock);
	/*
	 * move_huge_pmd() carries a whole PMD when both sides are aligned;
	 * anything else splits the THP and moves its PTEs.
	 */
	for (unsigned long a = old_addr & HPAGE_PMD_MASK; a < old_addr + len; a += HPAGE_PMD_SIZE)
		if (pmd_trans_huge(mm, a) && (a < old_addr || a + HPAGE_PMD_SIZE > old_addr + huge_len))
			split_huge_pmd(mm, a);
	/* source and destination never overlap, so the walk meets no moved entry */
	walk_present_ptes(mm, old_addr, old_addr + len, move_pte, &shift);
	for (unsigned long off = 0; off < huge_len; off += HPAGE_PMD_SIZE) {
		if (pmd_trans_huge(mm, old_addr + off)) {
			pmd_clear(mm, old_addr + off);
			pmd_set_huge(mm, new_addr + off, true);
		}
	}
	spin_unlock(&mm->page_table_lock);
}

/* change_protection(): dropping write access write-protects every page. */
static void wrprotect_pte(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	pte->val &= ~PTE_WRITE;
}

void mprotect_ptes(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	if (!(vma->vm_flags & VM_WRITE)) {
		spin_lock(&vma->vm_mm->page_table_lock);
		walk_present_ptes(vma->vm_mm, start, end, wrprotect_pte, NULL);
		spin_unlock(&vma->vm_mm->page_table_lock);
	}
}
