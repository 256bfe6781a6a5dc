/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a real program's life needs beyond ops.h (scenario format version
 * 2): exec's fresh address space, its stack and special mappings, stack
 * growth, brk, and mmap with MAP_SHARED, MAP_NORESERVE or MAP_FIXED.
 */
#ifndef ANONRMAP_PUBLIC_PROCESS_H
#define ANONRMAP_PUBLIC_PROCESS_H

#include <stdint.h>

#include <anonrmap/world.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ANONRMAP_MAP_SHARED 0x1		/* VM_SHARED: no anonymous pages, no anon rmap */
#define ANONRMAP_MAP_NORESERVE 0x2	/* not charged: never VM_ACCOUNT */
#define ANONRMAP_MAP_FIXED 0x4		/* replace whatever is mapped in the range */
#define ANONRMAP_MAP_STACK 0x8		/* VM_NOHUGEPAGE, as calc_vm_flag_bits() makes it */

/* exec: a new, empty address space in the same world (the caller exits the old one). */
int anonrmap_mm_create(struct anonrmap_world *world, struct anonrmap_mm **mm);
/* mmap with @flags from ANONRMAP_MAP_*; @file may be NULL (anonymous). */
int anonrmap_mmap_flags(struct anonrmap_mm *mm, uint64_t addr, uint64_t len, int prot,
			struct anonrmap_file *file, uint64_t off, int flags);
/* The stack exec leaves, [start, end), growing down. */
int anonrmap_stack_setup(struct anonrmap_mm *mm, uint64_t start, uint64_t end);
/* A fault just below the stack: it grows down to @addr (expand_downwards). */
int anonrmap_stack_grow(struct anonrmap_mm *mm, uint64_t addr);
/* vdso, vvar: a VMA that never has anonymous pages nor merges. */
int anonrmap_special_mapping(struct anonrmap_mm *mm, uint64_t start, uint64_t end, int prot);
/* brk(): the heap's page-aligned end moves from @old_end to @new_end. */
int anonrmap_brk(struct anonrmap_mm *mm, uint64_t old_end, uint64_t new_end);

#ifdef __cplusplus
}
#endif
#endif
