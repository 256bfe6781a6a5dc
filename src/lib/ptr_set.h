/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A set of pointers, each with a few counters, for the invariant checkers:
 * they recount what the structure implies (active VMAs, children,
 * references) per object and then compare with the stored counters. Lookup
 * is hashed because a checker runs after every operation of every test.
 */
#ifndef ANONRMAP_PTR_SET_H
#define ANONRMAP_PTR_SET_H

#include <stddef.h>

#define PTR_SET_COUNTS 3

struct ptr_set {
	void **p;			/* members, in insertion order */
	long *count[PTR_SET_COUNTS];	/* count[k][i]: counter k of member i */
	size_t nr, cap;
	long *slots;			/* open addressing: member index + 1, 0 free */
	size_t nr_slots;
};

/* Index of @p, or -1. */
long ptr_set_find(const struct ptr_set *s, const void *p);
/* Index of @p, added with zero counters if new. Aborts when out of memory. */
long ptr_set_add(struct ptr_set *s, void *p);
/* Add @p if needed and increment its counter @which. */
void ptr_set_bump(struct ptr_set *s, void *p, int which);
void ptr_set_free(struct ptr_set *s);

#endif
