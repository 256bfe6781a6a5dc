/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated kernel objects, with the kernel's names (include/linux/
 * mm_types.h, include/linux/rmap.h). Only what the anon rmap needs is kept.
 */
#ifndef ANONRMAP_MM_TYPES_H
#define ANONRMAP_MM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/list.h"
#include "lib/lockdep.h"
#include "lib/rbtree.h"
#include "lib/refcount.h"
#include "lib/rwsem.h"
#include "lib/spinlock.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

typedef unsigned long pgoff_t;
typedef unsigned long vm_flags_t;

/* vm_flags bits the model distinguishes; values as in include/linux/mm.h. */
#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_GROWSDOWN	0x00000100UL
#define VM_PFNMAP	0x00000400UL
#define VM_DONTCOPY	0x00020000UL
#define VM_DONTEXPAND	0x00040000UL
#define VM_ACCOUNT	0x00100000UL
#define VM_NORESERVE	0x00200000UL
#define VM_HUGEPAGE	0x20000000UL
#define VM_NOHUGEPAGE	0x40000000UL
#define VM_WIPEONFORK	0x02000000UL
#define VM_SOFTDIRTY	0x08000000UL
#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)

struct world;
struct mm_struct;
struct anon_vma;
struct folio;

/* A declared file: its page cache is fully populated at declaration. */
struct file {
	struct world *world;
	unsigned int id;
	unsigned long nr_pages;
	struct folio **page_cache;	/* nr_pages entries, each a FOLIO_FILE */
};

/*
 * Each field says what serialises changes to it. "mmap_lock" means held for
 * writing to change, for reading to rely on; the anon rmap side reads
 * vm_start, vm_end and vm_pgoff under the anon_vma lock instead, which is
 * why a range change leaves and re-enters the interval trees under it.
 */
struct vm_area_struct {
	struct mm_struct *vm_mm;		/* constant */
	unsigned long vm_start, vm_end;	/* [vm_start, vm_end); mmap_lock + anon_vma lock */
	pgoff_t vm_pgoff;			/* mmap_lock + anon_vma lock */
	vm_flags_t vm_flags;			/* mmap_lock */
	struct file *vm_file;			/* constant */
	/*
	 * The anon_vma new folios of this VMA go into. Classic mode keeps a
	 * plain pointer here; other designs keep their own state in
	 * rmap_state and leave this NULL, so classic code never has to ask
	 * which design it runs under. Set once by a fault under mmap_lock
	 * for reading plus page_table_lock (__anon_vma_prepare()), changed
	 * otherwise only under mmap_lock for writing.
	 */
	struct anon_vma *anon_vma;
	unsigned long rmap_state;		/* as anon_vma */
	/*
	 * CONFIG_VMA_REF (ANON_VMA_LAZY patch 06): a design whose folios
	 * point at VMAs keeps a VMA allocated past its removal while anything
	 * still names it. One reference is the address space's own; classic
	 * never takes another, so for it the VMA is freed when removed.
	 * Not the kernel's vm_refcnt (the per-VMA lock's count, 6.15 on).
	 */
	refcount_t vm_lazy_refs;
	/* AVCs, via same_vma: mmap_lock for writing, or for reading plus the anon_vma lock */
	struct list_head anon_vma_chain;
	struct rb_node vm_rb;			/* in mm->mm_rb, keyed by vm_start; mmap_lock */
	struct list_head vm_list;		/* in mm->mm_vmas, the same order; mmap_lock */
	bool vm_removed;			/* out of its mm, awaiting free; mmap_lock */
	/*
	 * The per-VMA lock (vma_start_read()/vma_start_write(), mm/vma_lock.h),
	 * reduced to what lock_vma_under_rcu() and lazy migration need: the
	 * mm_lock_seq of the mmap_lock write section that write-locked it, and
	 * vm_refcnt as 6.18 has it (0 detached, 1 attached, plus readers).
	 * Atomic; vm_lock_seq only written under mmap_lock for writing.
	 */
	unsigned long vm_lock_seq;
	refcount_t vm_refcnt;
	/*
	 * Readers counted in vm_refcnt that nothing will ever end (ANON_VMA_LAZY
	 * patch 12 ends a read lock on another VMA than the one it took). A
	 * writer would wait for them for ever; the model's writer does not
	 * wait for these, and counts the hang in mm->vma_lock_stuck.
	 */
	long vm_refcnt_leaked;
};

/* "anon_vma lock" is the root's rwsem: one lock for a whole fork family. */
struct anon_vma {
	struct anon_vma *root;		/* set at allocation, constant after */
	struct rw_semaphore rwsem;	/* only the root's is taken */
	refcount_t refcount;		/* atomic; children hold one on the root */
	struct anon_vma *parent;	/* constant after allocation */
	unsigned long num_children;	/* anon_vma lock */
	unsigned long num_active_vmas;	/* anon_vma lock */
	struct rb_root rb_root;		/* interval tree of anon_vma_chain; anon_vma lock */
	/*
	 * Not in the kernel: which allocation of this memory the object is,
	 * numbered world-wide, so that a walker that locked an anon_vma freed
	 * and handed out again since it read folio->mapping can be told from
	 * one that locked the folio's own (folio->anon_vma_gen).
	 */
	unsigned long gen;
};

/* Fields as the VMA's anon_vma_chain list, and the tree node as its anon_vma's tree. */
struct anon_vma_chain {
	struct vm_area_struct *vma;
	struct anon_vma *anon_vma;
	struct list_head same_vma;
	struct rb_node rb;
	unsigned long rb_subtree_last;
};

/* The tag in the low bits of folio->mapping, as in the kernel. */
#define FOLIO_MAPPING_ANON	0x1UL
/*
 * The second tag bit. Since 6.17 the kernel names it FOLIO_MAPPING_ANON_KSM
 * and a KSM folio carries both bits (FOLIO_MAPPING_KSM, 0x3); the model has
 * no KSM, and ANON_VMA_LAZY sets this bit alone to mark a lazy folio.
 */
#define FOLIO_MAPPING_ANON_KSM	0x2UL
#define FOLIO_MAPPING_FLAGS	(FOLIO_MAPPING_ANON | FOLIO_MAPPING_ANON_KSM)

enum folio_kind {
	FOLIO_ANON,
	FOLIO_FILE,
	FOLIO_ZERO,
};

struct folio_large;

/*
 * One page. An order-0 folio is one of these alone; the pages of a large
 * folio (mTHP, THP) each keep their own mapping, index and mapcount, as the
 * kernel's struct pages do, and share a struct folio_large with the counts
 * the kernel keeps for the whole folio.
 */
struct folio {
	enum folio_kind kind;		/* constant */
	/*
	 * tagged: anon_vma | FOLIO_MAPPING_ANON, or struct file *. Set under
	 * the PTE lock when first mapped, moved with the folio locked; read
	 * without locks (READ_ONCE) by folio_get_anon_vma().
	 */
	unsigned long mapping;
	pgoff_t index;			/* as mapping */
	/*
	 * Atomic, through folio_mapcount() and friends: a folio shared after
	 * fork is mapped under the PTE locks of several mms at once.
	 */
	int mapcount;		/* page table entries mapping it */
	int refcount;		/* mappings plus page cache plus transient holders */
	int locked;		/* folio_lock(), PG_locked; atomic */
	struct lockdep_map lock_dep_map;
	bool anon_exclusive;	/* PageAnonExclusive; the PTE lock, or the folio lock */
	unsigned long serial;	/* allocation order, a stable identity for output */
	int check_mapcount;	/* scratch for the checker's recount */
	struct list_head lru;	/* world->folios; world->lru_lock */
	struct folio_large *large;	/* NULL for an order-0 folio; constant */
	/*
	 * A page of a large folio that migration moved alone (the kernel
	 * moves the whole folio; the model splits it). Like the pages of a
	 * split large folio it keeps the large folio's mapping, which need not
	 * be its VMA's own anon_vma even while exclusive. Constant.
	 */
	bool split_from_large;
	/*
	 * The rmap design's own word beside mapping (cowctx: the cow_context
	 * the folio was created in or moved to); as mapping.
	 */
	unsigned long rmap_private;
	/*
	 * The gen of the anon_vma mapping names, stored before mapping
	 * whenever mapping is set (debug, as anon_vma->gen).
	 */
	unsigned long anon_vma_gen;
};

/*
 * What a large folio keeps for all its pages (CONFIG_MM_ID, 6.15 on): the
 * total mapcount and refcount, and which two mms map it with how many PTEs
 * each, so that a CoW fault can tell whether the folio is exclusive to the
 * faulting mm without walking the rmap. A page freed on its own (the deferred
 * split, done at once) drops out of the counts; the last one frees this.
 */
struct folio_large {
	unsigned int order;			/* constant */
	/*
	 * folio_lock_large_mapcount(): the kernel's bit spinlock in _mm_ids,
	 * taken under the PTE lock of whichever mm maps or unmaps a page.
	 */
	spinlock_t mapcount_lock;
	int large_mapcount;		/* PTEs mapping any of its pages; mapcount_lock */
	int refcount;			/* the pages' references, summed; atomic */
	struct mm_struct *mm_id[2];	/* NULL: slot free; mapcount_lock */
	int mm_id_mapcount[2];		/* mapcount_lock */
	bool maybe_mapped_shared;	/* FOLIO_MM_IDS_SHARED_BIT; mapcount_lock */
	unsigned int nr_pages_live;	/* atomic */
	/* PG_locked of the whole folio: folio_lock() on any page takes this */
	int locked;
	struct lockdep_map lock_dep_map;
};

/* Page tables: four levels of 512 entries, 4 KiB pages, 48-bit addresses. */
#define PT_LEVELS 4
#define PT_ENTRIES 512
#define PTE_PRESENT	0x1UL
#define PTE_WRITE	0x2UL
#define PTE_FLAGS	(PTE_PRESENT | PTE_WRITE)

typedef struct { uintptr_t val; } pte_t;

struct pt_table {
	union {
		struct pt_table *next[PT_ENTRIES];
		pte_t pte[PT_ENTRIES];
	};
	unsigned int used;	/* non-empty entries, to free empty tables */
	/*
	 * A PTE table standing for a PMD that maps a THP: the kernel has no
	 * table there, which decides whether the next fault gets a THP and
	 * whether a zap of the whole 2 MiB leaves a table behind.
	 */
	bool huge;
};

struct mm_struct {
	struct world *world;
	unsigned int id;		/* creation order */
	char name[64];
	struct rb_root mm_rb;		/* VMAs by address; mmap_lock */
	/*
	 * The same VMAs in the same order, so that stepping to the next VMA
	 * (fork, exit, munmap, merges) costs a pointer, as the maple tree's
	 * iterator does in the kernel, and not a climb of the rb tree.
	 */
	struct list_head mm_vmas;
	unsigned long map_count;	/* mmap_lock */
	struct pt_table *pgd;		/* tables: page_table_lock to change */
	struct rw_semaphore mmap_lock;
	/*
	 * mm_lock_seq (6.18): odd while mmap_lock is held for writing, bumped
	 * when the writer takes it and again when it lets go or downgrades.
	 * Lockless readers validate what they read with it
	 * (mmap_lock_speculate_try_begin()/_retry()), and a VMA is write-locked
	 * while its vm_lock_seq equals it. Atomic.
	 */
	unsigned long mm_lock_seq;
	/* vma_end_read() on a VMA nobody had read-locked: a lock imbalance */
	unsigned long vma_lock_imbalance;
	/* vma_start_write() that met a reader nothing will end: a hang */
	unsigned long vma_lock_stuck;
	/* PTEs and page tables, and the first vma->anon_vma of a fault */
	spinlock_t page_table_lock;
	struct list_head mmlist;	/* world->mms, creation order; the world's driver */
	void *rmap_mm;			/* the rmap design's per-mm state; mmap_lock */
	/*
	 * mm_users: the task's own reference, and one per API call running on
	 * the mm, so that exit_mmap() runs once, after the last call leaves,
	 * whichever thread asked for the exit (mmput()). Atomic.
	 */
	int mm_users;
	int task_exited;		/* anonrmap_exit() was called; atomic */
	bool exited;			/* exit_mmap() done; set under mmap_lock, read with READ_ONCE */
};

#endif
