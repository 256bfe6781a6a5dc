/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libanonrmap: the system calls a process can make, and page faults.
 *
 * Each returns 0 or a negative errno with the kernel's meaning (-EEXIST for
 * mmap over a mapping, -ENOMEM for mprotect of a hole, ...). Where the kernel
 * applies part of a call before failing (mprotect or madvise across a hole),
 * so does the library, because the point is to reproduce Linux.
 */
#ifndef ANONRMAP_PUBLIC_OPS_H
#define ANONRMAP_PUBLIC_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include <anonrmap/world.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ANONRMAP_PROT_READ 0x1
#define ANONRMAP_PROT_WRITE 0x2
#define ANONRMAP_PROT_EXEC 0x4

#define ANONRMAP_MREMAP_MAYMOVE 0x1
#define ANONRMAP_MREMAP_FIXED 0x2

enum anonrmap_advice {
	ANONRMAP_MADV_DONTNEED,
	ANONRMAP_MADV_DONTFORK,
	ANONRMAP_MADV_DOFORK,
	ANONRMAP_MADV_WIPEONFORK,
	ANONRMAP_MADV_KEEPONFORK,
	ANONRMAP_MADV_HUGEPAGE,
	ANONRMAP_MADV_NOHUGEPAGE,
};

/* mmap(addr, len, prot, MAP_PRIVATE|MAP_FIXED_NOREPLACE[|MAP_ANONYMOUS], file, off) */
int anonrmap_mmap(struct anonrmap_mm *mm, uint64_t addr, uint64_t len, int prot,
		  struct anonrmap_file *file, uint64_t off);
int anonrmap_munmap(struct anonrmap_mm *mm, uint64_t addr, uint64_t len);
int anonrmap_mprotect(struct anonrmap_mm *mm, uint64_t addr, uint64_t len, int prot);
/* flags: 0, or ANONRMAP_MREMAP_MAYMOVE|ANONRMAP_MREMAP_FIXED with @new_addr */
int anonrmap_mremap(struct anonrmap_mm *mm, uint64_t old_addr, uint64_t old_len,
		    uint64_t new_len, int flags, uint64_t new_addr);
int anonrmap_madvise(struct anonrmap_mm *mm, uint64_t addr, uint64_t len,
		     enum anonrmap_advice advice);
/*
 * Access one byte of every page in [addr, addr + len), lowest first. A page
 * that cannot be accessed that way ends the touch with -EFAULT (where a
 * process would take SIGSEGV, or SIGBUS past the end of a file).
 */
int anonrmap_touch(struct anonrmap_mm *mm, uint64_t addr, uint64_t len, bool write);
/* fork(): the child's address space in @child. */
int anonrmap_fork(struct anonrmap_mm *mm, struct anonrmap_mm **child);
/*
 * The process exits and is reaped. The handle stays valid until the world
 * is destroyed, and every call on it returns -ESRCH.
 */
int anonrmap_exit(struct anonrmap_mm *mm);
/* Migrate every anonymous folio mapped in the range to a new folio. */
int anonrmap_migrate(struct anonrmap_mm *mm, uint64_t addr, uint64_t len);

#ifdef __cplusplus
}
#endif
#endif
