/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * refcount_t on liburcu's uatomic. inc_not_zero is the one a lockless
 * reader may use on an object that can be freed under it: it never brings a
 * count back from zero, which is what makes a SLAB_TYPESAFE_BY_RCU lookup
 * safe once the reader re-checks what it found.
 */
#ifndef ANONRMAP_REFCOUNT_H
#define ANONRMAP_REFCOUNT_H

#include <stdbool.h>
#include <urcu/uatomic.h>

typedef struct {
	long refs;
} refcount_t;

static inline void refcount_set(refcount_t *r, long n)
{
	uatomic_set(&r->refs, n);
}

static inline long refcount_read(const refcount_t *r)
{
	return uatomic_read(&r->refs);
}

static inline void refcount_inc(refcount_t *r)
{
	uatomic_inc(&r->refs);
}

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	long old = uatomic_read(&r->refs);

	while (old > 0) {
		long seen = uatomic_cmpxchg(&r->refs, old, old + 1);

		if (seen == old)
			return true;
		old = seen;
	}
	return false;
}

/* True when this drop took the count to zero: the caller frees. */
static inline bool refcount_dec_and_test(refcount_t *r)
{
	return uatomic_sub_return(&r->refs, 1) == 0;
}

#endif
