/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * READ_ONCE()/WRITE_ONCE() for fields a lockless reader looks at. The
 * kernel's are volatile accesses that KCSAN knows to be intended races;
 * ThreadSanitizer knows only the C11 atomics, so these are relaxed atomic
 * accesses: the same single load or store, and no report for a race that
 * the code means to have.
 */
#ifndef ANONRMAP_COMPILER_H
#define ANONRMAP_COMPILER_H

#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
/* smp_load_acquire()/smp_store_release(): publish an object with its contents. */
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

#endif
