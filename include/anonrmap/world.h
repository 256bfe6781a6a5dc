/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libanonrmap: worlds, address spaces and files.
 *
 * A world is one simulated machine. Its functions are not thread-safe with
 * respect to each other: drive one world from one thread at a time (several
 * worlds may run in parallel threads).
 */
#ifndef ANONRMAP_PUBLIC_WORLD_H
#define ANONRMAP_PUBLIC_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct anonrmap_world;
struct anonrmap_mm;
struct anonrmap_file;
struct anonrmap_folio;

/*
 * /sys/kernel/mm/transparent_hugepage/enabled. Zero is madvise, the setting
 * on our machines: a fault in a MADV_HUGEPAGE VMA maps a whole 2 MiB page.
 */
enum anonrmap_thp {
	ANONRMAP_THP_MADVISE = 0,
	ANONRMAP_THP_NEVER,
	ANONRMAP_THP_ALWAYS,
};

struct anonrmap_config {
	/* rmap design: "classic" (the default when NULL), or "lazy": the
	 * ANON_VMA_LAZY v1 series as posted, flaws included */
	const char *mode;
	/* read faults on anonymous memory map the shared zero page (upstream
	 * default); false allocates a private page, as our machines do */
	bool zero_page;
	/* object sizes used for KB figures; defaults are Linux 6.18 x86_64 */
	size_t vma_bytes, anon_vma_bytes, avc_bytes, folio_bytes;
	enum anonrmap_thp thp;
};

/* Fill @cfg with the defaults: classic, zero page on, 192/104/64/64 bytes. */
void anonrmap_config_init(struct anonrmap_config *cfg);

/*
 * Create a world with one address space, P0, returned in @p0 (may be NULL).
 * Returns 0, -EINVAL for an unknown mode, or -ENOMEM.
 */
int anonrmap_world_create(const struct anonrmap_config *cfg,
			  struct anonrmap_world **world, struct anonrmap_mm **p0);
/* Exit every live address space and free everything the world owns. */
void anonrmap_world_destroy(struct anonrmap_world *world);
/* The rmap design the world runs, e.g. "classic". */
const char *anonrmap_world_mode(const struct anonrmap_world *world);

/* Declare a file of @len bytes (a multiple of 4096), fully in the page cache. */
int anonrmap_file_create(struct anonrmap_world *world, uint64_t len,
			 struct anonrmap_file **file);

/* Address spaces in creation order; exited ones are skipped. */
struct anonrmap_mm *anonrmap_mm_first(struct anonrmap_world *world);
struct anonrmap_mm *anonrmap_mm_next(struct anonrmap_mm *mm);
/* Creation index: 0 for P0, then one per fork. */
unsigned int anonrmap_mm_id(const struct anonrmap_mm *mm);

#ifdef __cplusplus
}
#endif
#endif
