/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Functions the mm files call in each other, with the kernel's names (the
 * counterpart of mm/internal.h and mm/vma.h). Errors are negative errnos.
 * Like the kernel's vma.h it pulls in only the types it names: the world
 * (mm/world.h) and the rmap interface (mm/anon_rmap.h) are included by the
 * files that use them.
 */
#ifndef ANONRMAP_MM_INTERNAL_H
#define ANONRMAP_MM_INTERNAL_H

#include <errno.h>
#include <stdbool.h>

#include "mm/mm_types.h"
#include "mm/mmap_lock.h"

#define PHYS_PFN(x) ((unsigned long)(x) >> PAGE_SHIFT)
#define PAGE_ALIGNED(x) (((unsigned long)(x) & (PAGE_SIZE - 1)) == 0)
#define TASK_SIZE (1UL << 47)

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

static inline pgoff_t linear_page_index(const struct vm_area_struct *vma, unsigned long address)
{
	return vma->vm_pgoff + ((address - vma->vm_start) >> PAGE_SHIFT);
}

static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_file;
}

/* vma.c: the VMA tree of an mm and the split/merge machinery. */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);
void vm_area_free(struct vm_area_struct *vma);
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);
/* In an RCU read-side section, without mmap_lock (the maple tree's promise). */
struct vm_area_struct *vma_lookup_rcu(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm, unsigned long address);
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm,
					     unsigned long start, unsigned long end);
struct vm_area_struct *vma_prev(struct vm_area_struct *vma);
struct vm_area_struct *vma_next(struct vm_area_struct *vma);
struct vm_area_struct *vma_first(struct mm_struct *mm);
struct vm_area_struct *vma_last(struct mm_struct *mm);
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink_tree(struct vm_area_struct *vma);
void vma_set_range(struct vm_area_struct *vma, unsigned long start,
		   unsigned long end, pgoff_t pgoff);
int split_vma(struct vm_area_struct *vma, unsigned long addr, bool new_below,
	      struct vm_area_struct **newp);
void remove_vma(struct vm_area_struct *vma);
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
int do_munmap_unlock(struct mm_struct *mm, unsigned long start, unsigned long len);

/* anon_vma.c: vma_prepare()/vma_complete()'s anon_vma lock around key changes */
struct anon_vma *anon_vma_lock_for_update(struct vm_area_struct *vma,
					  struct vm_area_struct *adjust);
void anon_vma_unlock_for_update(struct anon_vma *anon_vma);

/* vma_merge.c */
enum vma_merge_state {
	VMA_MERGE_START,
	VMA_MERGE_NOMERGE,
	VMA_MERGE_ERROR_NOMEM,
	VMA_MERGE_SUCCESS,
};

/*
 * One merge from question to outcome, as mm/vma.h's: the helpers decide
 * into the fields below the line, and commit_merge() carries them out.
 */
struct vma_merge_struct {
	struct mm_struct *mm;
	struct vm_area_struct *prev, *middle, *next, *target;
	unsigned long start, end;
	pgoff_t pgoff;
	vm_flags_t vm_flags;
	struct file *file;
	/* the VMA whose anon rmap state the range carries, or NULL */
	struct vm_area_struct *anon_state;
	bool just_expand;
	enum vma_merge_state state;

	/* decided: a VMA whose start moves to vmg->end, and what goes */
	struct vm_area_struct *adjust;
	pgoff_t adjust_pgoff;
	bool remove_middle, remove_next;
};
struct vm_area_struct *vma_merge_new_range(struct vma_merge_struct *vmg);
struct vm_area_struct *vma_modify_flags(struct vm_area_struct *prev, struct vm_area_struct *vma,
					unsigned long start, unsigned long end,
					vm_flags_t vm_flags, int *err);
struct vm_area_struct *vma_merge_extend(struct vm_area_struct *vma, unsigned long delta);
struct vm_area_struct *copy_vma(struct vm_area_struct **vmap, unsigned long addr,
				unsigned long len, pgoff_t pgoff);
/* The neighbour rules of find_mergeable_anon_vma(), shared by the designs. */
bool anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b);

extern const struct lock_class_key page_table_lock_key;

static inline struct world *vma_world(const struct vm_area_struct *vma)
{
	return vma->vm_mm->world;
}

/* pgtable.c */
pte_t *pte_lookup(struct mm_struct *mm, unsigned long addr);
pte_t *pte_alloc(struct mm_struct *mm, unsigned long addr);
void free_pgtables(struct mm_struct *mm);
void free_pgtables_range(struct mm_struct *mm, unsigned long start, unsigned long end);
void reclaim_empty_pgtables(struct mm_struct *mm, unsigned long start, unsigned long end);
bool pmd_none(struct mm_struct *mm, unsigned long addr);
bool pmd_trans_huge(struct mm_struct *mm, unsigned long addr);
void pmd_set_huge(struct mm_struct *mm, unsigned long addr, bool huge);
void pmd_clear(struct mm_struct *mm, unsigned long addr);
#define HPAGE_PMD_NR 512UL
#define HPAGE_PMD_SIZE (HPAGE_PMD_NR << PAGE_SHIFT)
#define HPAGE_PMD_MASK (~(HPAGE_PMD_SIZE - 1))
/* __split_huge_pmd(): a THP mapped by a PMD becomes 512 PTEs. */
static inline void split_huge_pmd(struct mm_struct *mm, unsigned long addr)
{
	pmd_set_huge(mm, addr, false);
}
typedef void (*pte_visit_fn)(struct mm_struct *mm, unsigned long addr, pte_t *pte, void *arg);
void walk_present_ptes(struct mm_struct *mm, unsigned long start, unsigned long end,
		       pte_visit_fn fn, void *arg);
static inline struct folio *pte_folio(pte_t pte)
{
	return (struct folio *)(pte.val & ~PTE_FLAGS);
}
static inline bool pte_present(pte_t pte)
{
	return pte.val & PTE_PRESENT;
}
static inline bool pte_write(pte_t pte)
{
	return pte.val & PTE_WRITE;
}
static inline pte_t mk_pte(struct folio *folio, bool write)
{
	return (pte_t){ (uintptr_t)folio | PTE_PRESENT | (write ? PTE_WRITE : 0) };
}
void set_pte(struct mm_struct *mm, unsigned long addr, pte_t pte);
void pte_clear(struct mm_struct *mm, unsigned long addr);

/* folio.c and filemap.c */
struct folio *folio_alloc_anon(struct world *w);
/* 1 << @order pages sharing one struct folio_large (none for order 0) */
int folio_alloc_anon_large(struct world *w, unsigned int order, struct folio **pages);
struct folio *folio_alloc_file(struct world *w, struct file *file, pgoff_t index);
struct folio *folio_alloc_zero(struct world *w);
void folio_get(struct folio *folio);
bool folio_try_get(struct folio *folio);
void folio_lock(struct folio *folio);
bool folio_trylock(struct folio *folio);
void folio_unlock(struct folio *folio);
bool folio_test_locked(struct folio *folio);
/* VM_BUG_ON_FOLIO(!folio_test_locked(folio)): held by someone, not us alone */
#define folio_assert_locked(folio) lockdep_assert(folio_test_locked(folio), "folio not locked")
void folio_put(struct folio *folio);
struct folio *filemap_get_folio(struct file *file, pgoff_t index);
int file_create(struct world *w, unsigned long len, struct file **out);
void file_destroy(struct file *file);
static inline bool folio_test_anon(const struct folio *folio)
{
	return folio->kind == FOLIO_ANON;
}
static inline bool is_zero_folio(const struct folio *folio)
{
	return folio->kind == FOLIO_ZERO;
}

/* folio_mapcount.c: a page's mapcount, and its large folio's counts */
void folio_add_mapcount(struct folio *folio, struct mm_struct *mm);
void folio_add_new_mapcount(struct folio *folio, struct mm_struct *mm);
void folio_sub_mapcount(struct folio *folio, struct mm_struct *mm);
bool folio_large_reusable(struct folio_large *l, const struct mm_struct *mm);
int folio_large_mapcount(struct folio_large *l);
static inline int folio_mapcount(const struct folio *folio)
{
	return __atomic_load_n(&folio->mapcount, __ATOMIC_RELAXED);
}
static inline bool folio_mapped(const struct folio *folio)
{
	return folio_mapcount(folio) > 0;
}
static inline int folio_ref_count(const struct folio *folio)
{
	return __atomic_load_n(&folio->refcount, __ATOMIC_RELAXED);
}

/* memory.c */
int handle_mm_fault(struct vm_area_struct *vma, unsigned long address, bool write);
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
int copy_page_range(struct vm_area_struct *dst, struct vm_area_struct *src);
int reserve_move_page_tables(struct mm_struct *mm, unsigned long old_addr,
			     unsigned long new_addr, unsigned long len);
void move_page_tables(struct vm_area_struct *vma, unsigned long old_addr,
		      struct vm_area_struct *new_vma, unsigned long new_addr,
		      unsigned long len);
void mprotect_ptes(struct vm_area_struct *vma, unsigned long start, unsigned long end);

/* mmap.c, mprotect.c, madvise.c, mremap.c, fork.c, migrate.c */
struct mm_struct *mm_alloc(struct world *w);
void mm_free(struct mm_struct *mm);
bool mmget_not_zero(struct mm_struct *mm);
void mmput(struct mm_struct *mm);
int do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len, int prot,
	    struct file *file, unsigned long off);
struct vm_area_struct *vma_create(struct mm_struct *mm, unsigned long start, unsigned long end,
				  pgoff_t pgoff, vm_flags_t vm_flags, struct file *file);
int do_mmap_flags(struct mm_struct *mm, unsigned long addr, unsigned long len, int prot,
		  struct file *file, unsigned long off, vm_flags_t extra, bool fixed);
int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, int prot);
int do_madvise(struct mm_struct *mm, unsigned long start, unsigned long len, int behavior);
int do_mremap(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
	      unsigned long new_len, int flags, unsigned long new_addr);
int do_touch(struct mm_struct *mm, unsigned long start, unsigned long len, bool write);
int dup_mm(struct mm_struct *parent, struct mm_struct **childp);
void exit_mmap(struct mm_struct *mm);
int migrate_range(struct mm_struct *mm, unsigned long start, unsigned long len);
/* migrate.c: one isolated folio, held by the caller (migrate_pages()) */
int migrate_isolated_folio(struct folio *folio);
/* vmscan.c */
int folio_referenced(struct folio *folio);
int reclaim_folio(struct folio *folio);

/* exec.c, stack.c, brk.c: what a recorded program's life adds (format v2) */
int setup_arg_pages(struct mm_struct *mm, unsigned long start, unsigned long end);
int install_special_mapping(struct mm_struct *mm, unsigned long start, unsigned long end,
			    int prot);
int expand_downwards(struct mm_struct *mm, unsigned long address);
int do_brk(struct mm_struct *mm, unsigned long old_end, unsigned long new_end);
int do_shared_fault(struct vm_area_struct *vma, unsigned long address, bool write);

#endif
