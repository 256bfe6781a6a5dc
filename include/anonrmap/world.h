/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libanonrmap: worlds, address spaces and files.
 *
 * A world is one simulated machine. Its address spaces may be driven from
 * any number of threads at once (<anonrmap/rmap.h> says how, and which
 * designs allow it); creating and destroying the world itself is not
 * thread-safe.
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
 * /sys/kernel/mm/transparent_hugepage/enabled. Upstream's Kconfig default is
 * always; our machines run madvise, where only a fault in a MADV_HUGEPAGE
 * VMA maps a whole 2 MiB page.
 */
enum anonrmap_thp {
	ANONRMAP_THP_MADVISE = 0,
	ANONRMAP_THP_NEVER,
	ANONRMAP_THP_ALWAYS,
};

/*
 * /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/enabled for the
 * anonymous folio orders the kernel offers on x86_64: 16 KiB (order 2) up
 * to 2 MiB (order 9). INHERIT follows the top-level setting above.
 */
enum anonrmap_mthp {
	ANONRMAP_MTHP_NEVER = 0,
	ANONRMAP_MTHP_ALWAYS,
	ANONRMAP_MTHP_MADVISE,
	ANONRMAP_MTHP_INHERIT,
};
#define ANONRMAP_MTHP_MIN_ORDER 2
#define ANONRMAP_PMD_ORDER 9

struct anonrmap_config {
	/* rmap design: "classic" (the default when NULL), or "lazy": the
	 * ANON_VMA_LAZY v1 series as posted, flaws included */
	const char *mode;
	/* object sizes used for KB figures; defaults are Linux 6.18 x86_64 */
	size_t vma_bytes, anon_vma_bytes, avc_bytes, folio_bytes;

	/*
	 * The kernel configuration, each defaulting to upstream Linux 6.18.
	 * anonrmap_config_set() and anonrmap_config_format() give them the
	 * names `anonrmap replay` and `anonrmap kernel --show-config` use.
	 */
	/* --zero-page: read faults on anonymous memory map the shared zero
	 * page; false allocates a private page, as on kernels booted with
	 * pvm_no_zero_page=1, which act as if mm_forbids_zeropage() */
	bool zero_page;
	/* --thp: transparent_hugepage/enabled */
	enum anonrmap_thp thp;
	/* --huge-zero-page: transparent_hugepage/use_zero_page; a read fault
	 * that may map a PMD maps the huge zero page (needs zero_page too) */
	bool huge_zero_page;
	/* --mthp: indexed by folio order, ANONRMAP_MTHP_MIN_ORDER to
	 * ANONRMAP_PMD_ORDER; upstream has all never but 2 MiB, which inherits */
	enum anonrmap_mthp mthp[ANONRMAP_PMD_ORDER + 1];
	/* --max-map-count: vm.max_map_count, VMAs one mm may hold */
	unsigned long max_map_count;
	/*
	 * Allocation failure injection (anonrmap/fault.h), armed once the
	 * world and P0 exist, so the count starts at the first operation:
	 * fail the fail_nth-th allocation (0: none) at fail_site (NULL: any).
	 */
	unsigned long fail_nth;
	const char *fail_site;
	/*
	 * Debug: poison the freed objects of the SLAB_TYPESAFE_BY_RCU caches
	 * (anon_vma, vm_area_struct) until they are reused, all but the
	 * fields a correct RCU reader may still read, so that a reader that
	 * skips its re-check reads poison. Off by default: lazy mode as
	 * posted reads freed VMAs even from one thread.
	 */
	bool typesafe_poison;
};

/*
 * Fill @cfg with the defaults: classic, 192/104/64/64 bytes, and upstream
 * Linux 6.18's configuration: zero page and huge zero page on, THP always,
 * no mTHP size but 2 MiB (inherit), max_map_count 65530; no failure
 * injection.
 */
void anonrmap_config_init(struct anonrmap_config *cfg);

/*
 * Create a world with one address space, P0, returned in @p0 (may be NULL).
 * Returns 0, -EINVAL for an unknown mode or fail_site, or -ENOMEM.
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
