// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checking a replay against its recording. A checkpoint is the run of
 * expect lines for one process: its VMAs (start, end, protection, shared or
 * private) and which pages hold anonymous memory. A VMA matches when the
 * simulator has one with the same four; a page matches when the simulator
 * maps an anonymous page (not the zero page) at that address. File pages
 * are left out on purpose: which page-cache pages a process has mapped
 * depends on fault-around and on what the page cache held, not on rmap.
 */
#include <stdlib.h>

#include "mm/internal.h"
#include "mm/world.h"
#include "scenario/expect.h"

bool recording_report(struct recording_stats *st)
{
	return st->reported++ < RECORDING_REPORT_MAX;
}

static bool anon_present(struct mm_struct *mm, unsigned long addr)
{
	pte_t *pte = pte_lookup(mm, addr);
	struct folio *folio;

	if (!pte || !pte_present(*pte))
		return false;
	folio = pte_folio(*pte);
	return folio_test_anon(folio) && !is_zero_folio(folio);
}

static bool vma_matches(const struct vm_area_struct *vma, const struct scn_op *op)
{
	int prot = (vma->vm_flags & VM_READ ? SCN_PROT_R : 0) |
		   (vma->vm_flags & VM_WRITE ? SCN_PROT_W : 0) |
		   (vma->vm_flags & VM_EXEC ? SCN_PROT_X : 0);

	return vma->vm_start == op->addr && vma->vm_end == op->addr + op->len &&
	       prot == op->prot && !!(vma->vm_flags & VM_SHARED) == op->shared;
}

/* One expect line: its VMA (on the first line for that VMA) and its pages. */
static void check_line(struct recording_stats *st, const struct scenario *scn,
		       const struct scn_op *op, struct mm_struct *mm, bool first_of_vma,
		       FILE *diag)
{
	struct vm_area_struct *vma = find_vma(mm, op->addr);
	unsigned long missing = 0;

	if (first_of_vma) {
		st->vmas++;
		if (vma && vma_matches(vma, op))
			st->vmas_matched++;
		else if (recording_report(st))
			fprintf(diag, "%s:%u: VMA %llx-%llx not reproduced (simulator has %lx-%lx)\n",
				scn->path, op->line, (unsigned long long)op->addr,
				(unsigned long long)(op->addr + op->len),
				vma ? vma->vm_start : 0UL, vma ? vma->vm_end : 0UL);
	}
	for (uint32_t i = 0; i < op->nr_ranges; i++) {
		const struct scn_prange *r = &scn->ranges[op->ranges_at + i];

		for (uint64_t pg = r->first; pg <= r->last; pg++) {
			st->pages++;
			if (anon_present(mm, op->addr + (pg << PAGE_SHIFT)))
				st->pages_matched++;
			else
				missing++;
		}
	}
	if (missing && recording_report(st))
		fprintf(diag, "%s:%u: %lu anonymous pages of %llx-%llx not present in the replay\n",
			scn->path, op->line, missing, (unsigned long long)op->addr,
			(unsigned long long)(op->addr + op->len));
}

static void count_extra_page(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg)
{
	unsigned long *n = arg;
	struct folio *folio = pte_folio(*pte);

	(void)mm;
	(void)addr;
	if (folio_test_anon(folio) && !is_zero_folio(folio))
		n[0]++;
}

size_t recording_check(struct recording_stats *st, const struct scenario *scn,
		    const struct scn_op *ops, size_t n, struct anonrmap_mm *handle, FILE *diag)
{
	struct mm_struct *mm = (struct mm_struct *)handle;
	unsigned long sim_vmas = 0, sim_pages = 0, matched_before = st->vmas_matched;
	unsigned long pages_before = st->pages_matched;
	struct vm_area_struct *vma;
	size_t len = 0;

	while (len < n && ops[len].op == SCN_EXPECT && ops[len].proc == ops[0].proc)
		len++;
	st->checkpoints++;
	mmap_read_lock(mm);
	for (size_t i = 0; i < len; i++) {
		bool first = !i || ops[i - 1].addr != ops[i].addr || ops[i - 1].len != ops[i].len;

		check_line(st, scn, &ops[i], mm, first, diag);
	}
	for (vma = vma_first(mm); vma; vma = vma_next(vma)) {
		sim_vmas++;
		walk_present_ptes(mm, vma->vm_start, vma->vm_end, count_extra_page, &sim_pages);
	}
	mmap_read_unlock(mm);
	if (sim_vmas > st->vmas_matched - matched_before)
		st->vmas_extra += sim_vmas - (st->vmas_matched - matched_before);
	if (sim_pages > st->pages_matched - pages_before)
		st->pages_extra += sim_pages - (st->pages_matched - pages_before);
	return len ? len : 1;
}

static double pct(unsigned long a, unsigned long b)
{
	return b ? 100.0 * (double)a / (double)b : 100.0;
}

void recording_print(FILE *out, const struct recording_stats *st)
{
	fprintf(out, "checkpoints %lu\n", st->checkpoints);
	fprintf(out, "vmas   %6.2f%% reproduced (%lu of %lu; %lu more in the replay)\n",
		pct(st->vmas_matched, st->vmas), st->vmas_matched, st->vmas, st->vmas_extra);
	fprintf(out, "pages  %6.2f%% reproduced (%lu of %lu present anonymous pages; %lu more in the replay)\n",
		pct(st->pages_matched, st->pages), st->pages_matched, st->pages, st->pages_extra);
	fprintf(out, "events %6.2f%% reproduced (%lu of %lu operations succeeded as recorded)\n",
		pct(st->events_matched, st->events), st->events_matched, st->events);
}
