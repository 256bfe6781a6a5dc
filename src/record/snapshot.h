/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the recorder reads of a live process at a stop: its VMAs from
 * /proc/PID/maps and, for each page, whether /proc/PID/pagemap shows it
 * present and as what (anonymous, page cache, the zero page).
 */
#ifndef ANONRMAP_RECORD_SNAPSHOT_H
#define ANONRMAP_RECORD_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum snap_kind {
	SNAP_ANON,	/* private or shared memory without a file name */
	SNAP_FILE,	/* a file (device and inode known) */
	SNAP_STACK,	/* [stack] */
	SNAP_SPECIAL,	/* [vdso], [vvar], ... */
	SNAP_HEAP,	/* [heap] */
};

/* page entries: 0 not present, else pfn << 2 | PG_* */
#define PG_ANON 1
#define PG_FILE 2
#define PG_ZERO 3
#define PG_KIND(e) ((e) & 3)

struct snap_vma {
	uint64_t start, end, off, ino;
	uint32_t dev;			/* major << 20 | minor */
	char perm[5];			/* "rw-p" */
	enum snap_kind kind;
	char special[24];		/* "vdso" for [vdso] */
	uint64_t *pages;		/* (end - start) / 4096 entries, NULL if not read */
};

struct snapshot {
	struct snap_vma *v;
	size_t n;
};

/*
 * Read @pid's maps and pagemap. VMAs without access rights and VMAs larger
 * than SNAP_MAX_SCAN are listed but their pages not read: nothing a
 * program does can fault them in, and reading them would not be bounded.
 */
#define SNAP_MAX_SCAN (1ULL << 32)
int snapshot_read(pid_t pid, uint64_t zero_pfn, struct snapshot *s);
void snapshot_free(struct snapshot *s);
/* The VMA containing @addr, or NULL. */
const struct snap_vma *snapshot_find(const struct snapshot *s, uint64_t addr);
/* The page entry at @addr (0 when not mapped or not read). */
uint64_t snapshot_page(const struct snapshot *s, uint64_t addr);
/* The PFN of the zero page, or 0 when read faults get private pages here. */
uint64_t zero_pfn_probe(void);
/* Size of the file mapped at [start, end) in @pid (map_files), or 0. */
uint64_t mapped_file_size(pid_t pid, uint64_t start, uint64_t end);

#endif
