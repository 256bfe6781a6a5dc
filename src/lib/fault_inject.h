/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deterministic allocation failure, after the kernel's fault-injection
 * framework as a test uses it through /proc/self/fail-nth: count the
 * allocations a piece of code makes and fail exactly the n-th one, either
 * of all of them or of those at one named site (failslab restricted to one
 * cache). It fires once and disarms, so the code's error path runs with
 * every later allocation succeeding, as in tools/testing/vma's
 * fail_prealloc.
 *
 * The engine knows nothing of the model: its owner hands it the list of
 * site names, and every allocation asks should_fail() with the index of
 * its site. Counting goes on whether armed or not, so a caller can first
 * measure how many allocations an operation makes and then fail each.
 */
#ifndef ANONRMAP_FAULT_INJECT_H
#define ANONRMAP_FAULT_INJECT_H

#include <stdbool.h>

#define FAULT_MAX_SITES 16
#define FAULT_ANY_SITE (-1)

struct fault_attr {
	const char *const *site_names;
	int nr_sites;
	/* armed: fail the nth counted call (1-based) at @site; 0 when off */
	unsigned long nth;
	int site;			/* a site index, or FAULT_ANY_SITE */
	unsigned long seen;		/* calls counted since arming */
	unsigned int suspended;		/* nesting of fault_suspend() */
	unsigned long calls[FAULT_MAX_SITES];	/* every call, armed or not */
	unsigned long failed[FAULT_MAX_SITES];	/* failures injected */
};

void fault_attr_init(struct fault_attr *fa, const char *const *site_names, int nr_sites);
/* The index of @name in @names, FAULT_ANY_SITE for NULL, FAULT_NO_SITE if unknown. */
#define FAULT_NO_SITE (FAULT_ANY_SITE - 1)
int fault_site_index(const char *const *names, int nr, const char *name);
static inline int fault_site_lookup(const struct fault_attr *fa, const char *name)
{
	return fault_site_index(fa->site_names, fa->nr_sites, name);
}
/* Fail the @nth call from now at @site (FAULT_ANY_SITE: any); 0 disarms. */
void fault_arm(struct fault_attr *fa, int site, unsigned long nth);
/* Count one call at @site; true when it is the one to fail. */
bool should_fail(struct fault_attr *fa, int site);
/*
 * Calls between suspend and resume are counted under no site and never
 * fail: for allocations that stand for one kernel allocation already
 * decided (the 512 base folios of a THP).
 */
void fault_suspend(struct fault_attr *fa);
void fault_resume(struct fault_attr *fa);

#endif
