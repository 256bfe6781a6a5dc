/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Slab caches with the kernel's accounting (mm/slub.c, seen from outside).
 *
 * Objects are never returned to malloc while the world lives: a freed object
 * goes back on its cache's free list and may be handed out again, which is
 * what SLAB_TYPESAFE_BY_RCU guarantees for anon_vma. Each object carries a
 * header saying whether it is allocated, so the checker can tell a pointer to
 * a freed object from a live one instead of crashing on it.
 *
 * A cache with poison set fills each freed object with POISON_FREE, checks
 * on reuse that nothing wrote it since (abort if so), and under ASan marks
 * it unaddressable until then, so a read of freed memory shows too. The
 * world leaves poison off only where the kernel's readers may look at a
 * freed object: a SLAB_TYPESAFE_BY_RCU cache in a design whose lockless
 * lookups do (see anon_rmap_ops.typesafe_reads); SLUB does not poison such
 * caches either.
 */
#ifndef ANONRMAP_SLAB_H
#define ANONRMAP_SLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/fault_inject.h"

struct kmem_cache {
	const char *name;
	size_t size;		/* bytes of the simulated object */
	size_t kernel_size;	/* bytes the kernel's object costs, for KB figures */
	void (*ctor)(void *obj);	/* run once per object's first allocation */
	bool poison;		/* poison freed objects; may be set after init */
	long live, peak, allocs, frees;
	void *freelist;
	void *chunks;		/* every chunk of objects ever made, to release at the end */
	char *fresh;		/* next never-used object of the newest chunk */
	size_t nr_fresh;	/* how many follow it */
	/* failslab: NULL, or where this cache's allocations are counted */
	struct fault_attr *fail;
	int fail_site;
};

void kmem_cache_init(struct kmem_cache *c, const char *name, size_t size,
		     size_t kernel_size, void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *c);
/* Zeroed unless the cache has a constructor, as the kernel does. */
void *kmem_cache_alloc(struct kmem_cache *c);
void kmem_cache_free(struct kmem_cache *c, void *obj);
bool kmem_obj_live(const void *obj);
/*
 * /proc/slabinfo (version 2.1): the header, and one line per cache as SLUB
 * prints it, with the kernel's object size. Caches without one are skipped.
 */
void slabinfo_header(FILE *out);
void kmem_cache_slabinfo(const struct kmem_cache *c, FILE *out);
struct kmem_cache *kmem_obj_cache(const void *obj);

#endif
