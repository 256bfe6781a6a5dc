/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libanonrmap: allocation failure injection (docs/failure-injection.md).
 *
 * Every allocation the model makes where the kernel allocates, and so may
 * fail, is counted at a named site: the slab caches, each page-table level,
 * the PMD-sized folio of a THP fault, the fork child's mm_struct, munmap's
 * detach tree. Arming a world makes exactly one later allocation fail, the
 * n-th of all or the n-th at one site, like /proc/self/fail-nth with
 * failslab; it then disarms, so the error path runs with every other
 * allocation succeeding.
 */
#ifndef ANONRMAP_PUBLIC_FAULT_H
#define ANONRMAP_PUBLIC_FAULT_H

#include <anonrmap/world.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The names of every allocation site, in a fixed order; *@nr gets the count. */
const char *const *anonrmap_fault_sites(unsigned int *nr);

/*
 * Fail the @nth allocation from now (1: the next one) at @site, or at any
 * site when @site is NULL. @nth 0 disarms. Returns 0, or -EINVAL for an
 * unknown site (nothing changes then).
 */
int anonrmap_fail_nth(struct anonrmap_world *world, const char *site, unsigned long nth);

/*
 * Allocations counted at @site (all sites when NULL) since the world was
 * made, whether armed or not, and failures injected there. An unknown site
 * counts 0.
 */
unsigned long anonrmap_fault_calls(const struct anonrmap_world *world, const char *site);
unsigned long anonrmap_fault_injected(const struct anonrmap_world *world, const char *site);

#ifdef __cplusplus
}
#endif
#endif
