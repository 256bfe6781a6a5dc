/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's atomic operations on plain integer fields, as C11 atomics
 * (the GNU __atomic builtins). liburcu's uatomic is inline assembly on
 * x86, which ThreadSanitizer cannot see: every count it changed would be
 * reported as a race, and the order it gives would be invisible. Fully
 * ordered, as the kernel's value-returning atomics are.
 */
#ifndef ANONRMAP_ATOMIC_H
#define ANONRMAP_ATOMIC_H

#define atomic_read(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define atomic_set(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define atomic_inc(p) ((void)__atomic_add_fetch((p), 1, __ATOMIC_SEQ_CST))
#define atomic_dec(p) ((void)__atomic_sub_fetch((p), 1, __ATOMIC_SEQ_CST))
#define atomic_add_return(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define atomic_sub_return(p, v) __atomic_sub_fetch((p), (v), __ATOMIC_SEQ_CST)
/* The value found, as the kernel's atomic_cmpxchg() returns it. */
#define atomic_cmpxchg(p, old, new)                                                   \
	({                                                                            \
		__typeof__(*(p)) __old = (old);                                       \
		__atomic_compare_exchange_n((p), &__old, (new), false, __ATOMIC_SEQ_CST, \
					    __ATOMIC_SEQ_CST);                        \
		__old;                                                                \
	})

/*
 * smp_mb(): a full barrier. As on x86 Linux, a locked add to memory no
 * other CPU touches (the kernel uses the stack; here a thread's own word),
 * because gcc's ThreadSanitizer refuses atomic_thread_fence().
 */
extern __thread int smp_mb_word;
#define smp_mb() ((void)__atomic_fetch_add(&smp_mb_word, 0, __ATOMIC_SEQ_CST))

/*
 * atomic_inc_not_zero(): take a reference only on an object whose count
 * has not reached zero, the one way a lockless reader may take one.
 */
#define atomic_inc_not_zero(p)                                                        \
	({                                                                            \
		__typeof__(*(p)) __c = atomic_read(p);                                \
		while (__c > 0 && !__atomic_compare_exchange_n((p), &__c, __c + 1, false, \
							      __ATOMIC_SEQ_CST,       \
							      __ATOMIC_RELAXED))      \
			;                                                             \
		__c > 0;                                                              \
	})

#endif
