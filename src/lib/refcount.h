/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * refcount_t on the atomics of lib/atomic.h (C11, which ThreadSanitizer can
 * see; liburcu's uatomic it cannot). inc_not_zero is the one a lockless
 * reader may use on an object that can be freed under it: it never brings a
 * count back from zero, which is what makes a SLAB_TYPESAFE_BY_RCU lookup
 * safe once the reader re-checks what it found.
 */
#ifndef ANONRMAP_REFCOUNT_H
#define ANONRMAP_REFCOUNT_H

#include <stdbool.h>
#include "lib/atomic.h"

#include "lib/preempt.h"

typedef struct {
	long refs;
} refcount_t;

static inline void refcount_set(refcount_t *r, long n)
{
	__atomic_store_n(&r->refs, n, __ATOMIC_RELAXED);
}

static inline long refcount_read(const refcount_t *r)
{
	return __atomic_load_n(&r->refs, __ATOMIC_RELAXED);
}

static inline void refcount_inc(refcount_t *r)
{
	atomic_inc(&r->refs);
}

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	preempt_point();
	return atomic_inc_not_zero(&r->refs);
}

/* True when this drop took the count to zero: the caller frees. */
static inline bool refcount_dec_and_test(refcount_t *r)
{
	preempt_point();
	return atomic_sub_return(&r->refs, 1) == 0;
}

#endif
