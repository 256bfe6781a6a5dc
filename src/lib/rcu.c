// SPDX-License-Identifier: GPL-2.0-only
#include "lib/rcu.h"

#include <pthread.h>
#include <urcu/urcu-memb.h>

/* liburcu maps the generic names onto its flavour; ours are functions */
#undef rcu_read_lock
#undef rcu_read_unlock
#undef synchronize_rcu
#undef rcu_barrier

/*
 * <urcu/call-rcu.h> came in unmapped through lib/rcu.h; these are the
 * memb flavour's own entry points, which the map would have named.
 */
void urcu_memb_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
void urcu_memb_barrier(void);

#include "lib/lockdep.h"
#include "lib/preempt.h"
#include "lib/sanitizer.h"

/*
 * liburcu 0.13 (Debian 12) carries no ThreadSanitizer annotations, so TSan
 * cannot see that a grace period orders every read-side section before it
 * against what the updater does after: a reader's last load and the free
 * that follows synchronize_rcu() look like a race. Each unlock releases,
 * and the end of a grace period acquires, one shared address, which is the
 * ordering RCU guarantees and no more.
 */
#ifdef ANONRMAP_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
static char rcu_tsan_gp;
#define rcu_tsan_release() __tsan_release(&rcu_tsan_gp)
#define rcu_tsan_acquire() __tsan_acquire(&rcu_tsan_gp)
#else
#define rcu_tsan_release() do { } while (0)
#define rcu_tsan_acquire() do { } while (0)
#endif

static pthread_key_t rcu_key;
static pthread_once_t rcu_key_once = PTHREAD_ONCE_INIT;
static __thread int rcu_registered;

/* A reader thread that exits must leave the grace-period machinery. */
static void rcu_thread_exit(void *unused)
{
	(void)unused;
	urcu_memb_unregister_thread();
}

static void rcu_make_key(void)
{
	pthread_key_create(&rcu_key, rcu_thread_exit);
}

static void rcu_register_once(void)
{
	if (rcu_registered)
		return;
	pthread_once(&rcu_key_once, rcu_make_key);
	urcu_memb_register_thread();
	/* any non-NULL value makes the destructor run at thread exit */
	pthread_setspecific(rcu_key, &rcu_registered);
	rcu_registered = 1;
}

void rcu_read_lock(void)
{
	rcu_register_once();
	urcu_memb_read_lock();
	preempt_point();
#ifdef ANONRMAP_LOCKDEP
	lockdep_rcu_read_lock();
#endif
}

void rcu_read_unlock(void)
{
	preempt_point();
	rcu_tsan_release();
#ifdef ANONRMAP_LOCKDEP
	lockdep_rcu_read_unlock();
#endif
	urcu_memb_read_unlock();
}

void synchronize_rcu(void)
{
	lockdep_assert(!rcu_read_lock_held(), "synchronize_rcu() inside a read-side section");
	urcu_memb_synchronize_rcu();
	rcu_tsan_acquire();
}

void anonrmap_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	rcu_register_once();
	urcu_memb_call_rcu(head, func);
}

void rcu_barrier(void)
{
	urcu_memb_barrier();
	rcu_tsan_acquire();
}
