// SPDX-License-Identifier: GPL-2.0-only
/*
 * The design-independent invariants: VMA trees, page tables against folio
 * counts, and rmap completeness, which is the property every design must
 * keep: for every present anonymous page, an rmap walk from its folio finds
 * every (mm, address) whose page table maps it. Design-specific invariants
 * (anon_vma counters and trees for classic) are the design's check hook.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mm/check.h"
#include "mm/internal.h"
#include "mm/world.h"

void check_report(struct check_ctx *ctx, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->violations++;
	if (ctx->report)
		ctx->report(buf, ctx->arg);
}

static void check_vma_tree(struct check_ctx *ctx, struct mm_struct *mm)
{
	struct vm_area_struct *vma, *prev = NULL;
	unsigned long count = 0;
	char err[128];

	if (rb_check(&mm->mm_rb, err, sizeof(err)))
		check_report(ctx, "mm %u: VMA tree: %s", mm->id, err);
	for (vma = vma_first(mm); vma; prev = vma, vma = vma_next(vma)) {
		count++;
		if (!kmem_obj_live(vma))
			check_report(ctx, "mm %u: freed VMA %p in the tree", mm->id, (void *)vma);
		if (vma->vm_mm != mm)
			check_report(ctx, "mm %u: VMA %lx-%lx belongs to another mm",
				     mm->id, vma->vm_start, vma->vm_end);
		if (vma->vm_start >= vma->vm_end || !PAGE_ALIGNED(vma->vm_start) ||
		    !PAGE_ALIGNED(vma->vm_end))
			check_report(ctx, "mm %u: VMA %lx-%lx is malformed",
				     mm->id, vma->vm_start, vma->vm_end);
		if (prev && prev->vm_end > vma->vm_start)
			check_report(ctx, "mm %u: VMAs %lx-%lx and %lx-%lx overlap", mm->id,
				     prev->vm_start, prev->vm_end, vma->vm_start, vma->vm_end);
	}
	if (count != mm->map_count)
		check_report(ctx, "mm %u: map_count %lu but %lu VMAs", mm->id, mm->map_count, count);
}

struct rmap_probe {
	struct mm_struct *mm;
	unsigned long addr;
	bool found;
};

static int probe_one(struct folio *folio, struct vm_area_struct *vma,
		     unsigned long address, void *arg)
{
	struct rmap_probe *p = arg;

	if (vma->vm_mm == p->mm && address == p->addr) {
		p->found = true;
		return 1;
	}
	return 0;
}

/*
 * A PMD-mapped THP, recomputed from its 512 PTEs: the whole aligned 2 MiB
 * inside one anonymous VMA (Linux asks an anonymous VMA for no aligned
 * pgoff, so a moved VMA may hold one anywhere), every page present, and
 * either the huge zero page throughout or anonymous pages with consecutive
 * indexes.
 */
static void check_thp(struct check_ctx *ctx, struct mm_struct *mm, unsigned long haddr)
{
	struct vm_area_struct *vma = vma_lookup(mm, haddr);
	int zero = 0, anon = 0;

	if (!vma || vma->vm_end < haddr + HPAGE_PMD_SIZE || !vma_is_anonymous(vma)) {
		check_report(ctx, "mm %u: THP at %lx is not inside one anonymous VMA", mm->id, haddr);
		return;
	}
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t *pte = pte_lookup(mm, haddr + i * PAGE_SIZE);
		struct folio *folio = pte && pte_present(*pte) ? pte_folio(*pte) : NULL;

		if (!folio || !kmem_obj_live(folio))
			continue;
		if (is_zero_folio(folio))
			zero++;
		else if (folio_test_anon(folio) &&
			 folio->index == linear_page_index(vma, haddr) + i)
			anon++;
	}
	if (zero != (int)HPAGE_PMD_NR && anon != (int)HPAGE_PMD_NR)
		check_report(ctx, "mm %u: THP at %lx maps %d zero and %d anonymous pages of 512",
			     mm->id, haddr, zero, anon);
}

static void check_pte(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	struct check_ctx *ctx = arg;
	struct folio *folio = pte_folio(*pte);
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	struct rmap_probe probe = { mm, addr, false };

	if (pmd_trans_huge(mm, addr) && ctx->thp_checked != (addr & HPAGE_PMD_MASK) + 1) {
		ctx->thp_checked = (addr & HPAGE_PMD_MASK) + 1;
		check_thp(ctx, mm, addr & HPAGE_PMD_MASK);
	}
	if (!kmem_obj_live(folio)) {
		check_report(ctx, "mm %u: %lx maps a freed folio", mm->id, addr);
		return;
	}
	if (!vma) {
		check_report(ctx, "mm %u: %lx is mapped outside any VMA", mm->id, addr);
		return;
	}
	if (pte_write(*pte) && !(vma->vm_flags & VM_WRITE))
		check_report(ctx, "mm %u: %lx is writable in a read-only VMA", mm->id, addr);
	/*
	 * Only an anonymous page mapped once may be written: the zero page and
	 * the page cache never are (a private mapping copies first), and a
	 * page shared after fork must be copied on write. The sharing is
	 * recounted from the page tables (check_mapcount), not read from
	 * anon_exclusive, so a model that forgets to clear the flag still shows.
	 */
	if (pte_write(*pte) && (is_zero_folio(folio) ||
				(!folio_test_anon(folio) && !(vma->vm_flags & VM_SHARED))))
		check_report(ctx, "mm %u: %lx maps a %s page writable", mm->id, addr,
			     is_zero_folio(folio) ? "zero" : "private page-cache");
	if (pte_write(*pte) && folio_test_anon(folio) && folio->check_mapcount != 1)
		check_report(ctx, "mm %u: %lx is writable but %d PTEs map its folio #%lu",
			     mm->id, addr, folio->check_mapcount, folio->serial);
	if (pte_write(*pte) && folio_test_anon(folio) && !folio->anon_exclusive)
		check_report(ctx, "mm %u: %lx is writable but its folio is not marked exclusive",
			     mm->id, addr);
	if (!folio_test_anon(folio))
		return;
	if (folio->index != linear_page_index(vma, addr))
		check_report(ctx, "mm %u: %lx: folio index %lx, VMA expects %lx",
			     mm->id, addr, folio->index, linear_page_index(vma, addr));
	rmap_walk(folio, probe_one, &probe);
	if (!probe.found)
		check_report(ctx, "rmap: mm %u %lx maps folio #%lu but an rmap walk from it "
			     "does not find it", mm->id, addr, folio->serial);
}

static void count_mapping(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	struct folio *folio = pte_folio(*pte);

	if (kmem_obj_live(folio))
		folio->check_mapcount++;
}

/* How many PTEs map each folio, from every page table, before any check. */
static void recount_mappings(struct world *w)
{
	struct folio *folio;
	struct mm_struct *mm;

	list_for_each_entry(folio, &w->folios, lru)
		folio->check_mapcount = 0;
	list_for_each_entry(mm, &w->mms, mmlist)
		if (!mm->exited)
			walk_present_ptes(mm, 0, TASK_SIZE, count_mapping, NULL);
}

/* Each folio's stored mapcount and refcount against the recount. */
static void check_folio_counts(struct check_ctx *ctx)
{
	struct world *w = ctx->world;
	struct folio *folio;

	list_for_each_entry(folio, &w->folios, lru) {
		int expect;

		if (is_zero_folio(folio))
			continue;
		if (folio->mapcount != folio->check_mapcount)
			check_report(ctx, "folio #%lu: mapcount %d, but %d PTEs map it",
				     folio->serial, folio->mapcount, folio->check_mapcount);
		expect = folio->mapcount + (folio->kind == FOLIO_FILE ? 1 : 0);
		if (folio->refcount != expect)
			check_report(ctx, "folio #%lu: refcount %d, expected %d",
				     folio->serial, folio->refcount, expect);
		if (folio->kind == FOLIO_ANON && folio->mapcount == 0)
			check_report(ctx, "folio #%lu: anonymous and unmapped, yet alive",
				     folio->serial);
		if (folio->kind == FOLIO_ANON && folio->anon_exclusive && folio->check_mapcount > 1)
			check_report(ctx, "folio #%lu: marked exclusive but %d PTEs map it",
				     folio->serial, folio->check_mapcount);
	}
}

int check_world(struct world *w, void (*report)(const char *, void *), void *arg)
{
	struct check_ctx ctx = { .world = w, .report = report, .arg = arg };
	struct mm_struct *mm;

	recount_mappings(w);
	list_for_each_entry(mm, &w->mms, mmlist) {
		if (mm->exited)
			continue;
		check_vma_tree(&ctx, mm);
		walk_present_ptes(mm, 0, TASK_SIZE, check_pte, &ctx);
	}
	check_folio_counts(&ctx);
	if (w->rmap->check)
		w->rmap->check(&ctx);
	return ctx.violations;
}
