// SPDX-License-Identifier: GPL-2.0-only
/*
 * Four-level page tables (the x86-64 layout: 9 bits per level, 4 KiB pages).
 * Tables are allocated on demand and freed when they empty, so the memory a
 * long random run needs stays proportional to what is mapped.
 */
#include <stdlib.h>

#include "mm/internal.h"
#include "mm/world.h"

static unsigned int pt_index(unsigned long addr, int level)
{
	/* level 0 is the PGD, level 3 the PTE table */
	return (addr >> (PAGE_SHIFT + 9 * (PT_LEVELS - 1 - level))) & (PT_ENTRIES - 1);
}

/* pgd_alloc() for level 0 down to pte_alloc_one() for level 3: each can fail. */
static struct pt_table *pt_new(struct mm_struct *mm, int level)
{
	if (should_fail(world_fail(mm->world), FAULT_PGD + level))
		return NULL;
	return calloc(1, sizeof(struct pt_table));
}

pte_t *pte_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct pt_table *t = mm->pgd;

	for (int level = 0; t && level < PT_LEVELS - 1; level++)
		t = t->next[pt_index(addr, level)];
	return t ? &t->pte[pt_index(addr, PT_LEVELS - 1)] : NULL;
}

pte_t *pte_alloc(struct mm_struct *mm, unsigned long addr)
{
	struct pt_table **slot = &mm->pgd, *parent = NULL;

	assert_spin_locked(&mm->page_table_lock);
	for (int level = 0; level < PT_LEVELS; level++) {
		if (!*slot) {
			*slot = pt_new(mm, level);
			if (!*slot)
				return NULL;
			if (parent)
				parent->used++;
		}
		parent = *slot;
		if (level == PT_LEVELS - 1)
			break;
		slot = &(*slot)->next[pt_index(addr, level)];
	}
	return &parent->pte[pt_index(addr, PT_LEVELS - 1)];
}

/*
 * Setting an entry never allocates: every caller reserves its tables with
 * pte_alloc() before it commits to anything, so that an allocation failure
 * is met where it can still be undone. A missing table here is a bug in the
 * model, not an out-of-memory condition.
 */
void set_pte(struct mm_struct *mm, unsigned long addr, pte_t pte)
{
	pte_t *p = pte_lookup(mm, addr);

	assert_spin_locked(&mm->page_table_lock);
	if (!p)
		abort();
	if (!pte_present(*p))
		container_of((void *)(p - pt_index(addr, PT_LEVELS - 1)),
			     struct pt_table, pte)->used++;
	*p = pte;
}

/* Free tables on the path to @addr that no longer hold anything. */
static void pt_prune(struct pt_table **slot, unsigned long addr, int level)
{
	struct pt_table *t = *slot;

	if (!t)
		return;
	if (level < PT_LEVELS - 1) {
		struct pt_table **child = &t->next[pt_index(addr, level)];

		if (*child) {
			pt_prune(child, addr, level + 1);
			if (!*child)
				t->used--;
		}
	}
	if (!t->used) {
		free(t);
		*slot = NULL;
	}
}

/*
 * Clearing an entry leaves its table in place, as zap does in the kernel:
 * whether a table exists decides if a later fault may map a THP, so tables
 * go only when free_pgtables_range() finds no VMA left over their span.
 */
void pte_clear(struct mm_struct *mm, unsigned long addr)
{
	pte_t *p = pte_lookup(mm, addr);

	assert_spin_locked(&mm->page_table_lock);
	if (!p || !pte_present(*p))
		return;
	p->val = 0;
	container_of((void *)(p - pt_index(addr, PT_LEVELS - 1)), struct pt_table, pte)->used--;
}

static struct pt_table *pte_table(struct mm_struct *mm, unsigned long addr)
{
	struct pt_table *t = mm->pgd;

	for (int level = 0; t && level < PT_LEVELS - 1; level++)
		t = t->next[pt_index(addr, level)];
	return t;
}

bool pmd_none(struct mm_struct *mm, unsigned long addr)
{
	return !pte_table(mm, addr);
}

bool pmd_trans_huge(struct mm_struct *mm, unsigned long addr)
{
	struct pt_table *t = pte_table(mm, addr);

	return t && t->huge;
}

void pmd_set_huge(struct mm_struct *mm, unsigned long addr, bool huge)
{
	struct pt_table *t = pte_table(mm, addr);

	assert_spin_locked(&mm->page_table_lock);
	if (t)
		t->huge = huge;
}

/* Drop the PTE table of the PMD at @addr, whatever it holds (a PMD zap). */
void pmd_clear(struct mm_struct *mm, unsigned long addr)
{
	struct pt_table *t = pte_table(mm, addr);

	assert_spin_locked(&mm->page_table_lock);
	if (!t)
		return;
	for (int i = 0; i < PT_ENTRIES; i++)
		t->pte[i].val = 0;
	t->used = 0;
	pt_prune(&mm->pgd, addr, 0);
}

/*
 * PT_RECLAIM (Linux 6.14 on): MADV_DONTNEED over at least a PMD's worth
 * frees the PTE tables it left empty, so the next fault may map a THP
 * again; a smaller zap leaves them.
 */
void reclaim_empty_pgtables(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	unsigned long span = PAGE_SIZE * PT_ENTRIES;

	assert_spin_locked(&mm->page_table_lock);
	if (end - start < span)
		return;
	for (unsigned long a = start & ~(span - 1); a < end; a += span) {
		struct pt_table *t = pte_table(mm, a);

		if (t && !t->used)
			pt_prune(&mm->pgd, a, 0);
	}
}

/*
 * free_pgtables() for [start, end): a PTE table goes once no VMA overlaps
 * the 2 MiB it covers; its entries must already be clear.
 */
void free_pgtables_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	unsigned long span = PAGE_SIZE * PT_ENTRIES;

	mmap_assert_locked(mm);
	spin_lock(&mm->page_table_lock);
	for (unsigned long a = start & ~(span - 1); a < end; a += span) {
		struct pt_table *t = pte_table(mm, a);

		if (t && !t->used && !find_vma_intersection(mm, a, a + span))
			pt_prune(&mm->pgd, a, 0);
	}
	spin_unlock(&mm->page_table_lock);
}

static void pt_free_level(struct pt_table *t, int level)
{
	if (!t)
		return;
	if (level < PT_LEVELS - 1)
		for (int i = 0; i < PT_ENTRIES; i++)
			pt_free_level(t->next[i], level + 1);
	free(t);
}

void free_pgtables(struct mm_struct *mm)
{
	mmap_assert_write_locked(mm);
	spin_lock(&mm->page_table_lock);
	pt_free_level(mm->pgd, 0);
	mm->pgd = NULL;
	spin_unlock(&mm->page_table_lock);
}

/*
 * Only the entries of @t that overlap [start, end) are looked at, and an
 * empty table not at all: a fork of a VMA of a few pages touches a few
 * entries per level instead of 512, which is most of what fork costs.
 */
static void walk_level(struct mm_struct *mm, struct pt_table *t, int level,
		       unsigned long base, unsigned long start, unsigned long end,
		       pte_visit_fn fn, void *arg)
{
	unsigned int shift = PAGE_SHIFT + 9 * (PT_LEVELS - 1 - level);
	unsigned long span = 1UL << shift;
	unsigned long first = start > base ? (start - base) >> shift : 0;
	unsigned long last = (end - 1 - base) >> shift;

	if (!t->used)
		return;
	if (last > PT_ENTRIES - 1)
		last = PT_ENTRIES - 1;
	for (unsigned long i = first; i <= last; i++) {
		unsigned long lo = base + i * span;

		if (level == PT_LEVELS - 1) {
			if (pte_present(t->pte[i]))
				fn(mm, lo, &t->pte[i], arg);
		} else if (t->next[i]) {
			walk_level(mm, t->next[i], level + 1, lo, start, end, fn, arg);
		}
	}
}

/*
 * Visit present PTEs in [start, end) in address order. The callback may
 * change or pte_clear() the entry it is given, and allocate tables outside
 * [start, end), but must free no table: the walk is still inside them.
 */
void walk_present_ptes(struct mm_struct *mm, unsigned long start, unsigned long end,
		       pte_visit_fn fn, void *arg)
{
	if (mm->pgd && start < end)
		walk_level(mm, mm->pgd, 0, 0, start, end, fn, arg);
}
