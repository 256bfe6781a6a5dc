// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lock-order checker and the kernel-named primitives. Order breaks must
 * be reported with both locks named; trylocks are not ordered; nesting the
 * same class needs a higher subclass; downgrade keeps the lock held for
 * reading; the held-lock assertions see what this thread holds. The
 * checker's state is per thread, so a lock another thread holds does not
 * count as held here. What the lock wrappers record needs a build with
 * ANONRMAP_LOCKDEP (Debug, so the asan and tsan presets); elsewhere those
 * checks skip and the locks' own behaviour is still tested.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/lockdep.h"
#include "lib/rcu.h"
#include "lib/refcount.h"
#include "lib/rwsem.h"
#include "lib/spinlock.h"

#ifdef ANONRMAP_LOCKDEP
#define TRACKED 1
#else
#define TRACKED 0
#endif

static char last[512];
static int reports;

static void catch_report(const char *msg, void *arg)
{
	(void)arg;
	snprintf(last, sizeof(last), "%s", msg);
	reports++;
}

static const struct lock_class_key outer_key = { "outer_sem", LOCK_RANK_MMAP_LOCK };
static const struct lock_class_key inner_key = { "inner_lock", LOCK_RANK_PTL };

static int setup(void **state)
{
	(void)state;
	lockdep_set_report(catch_report, NULL);
	reports = 0;
	last[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(lockdep_depth(), 0);
	lockdep_set_report(NULL, NULL);
	return 0;
}

static void test_order_broken_names_both(void **state)
{
	struct lockdep_map outer, inner;

	(void)state;
	lockdep_init_map(&outer, &outer_key);
	lockdep_init_map(&inner, &inner_key);
	lock_acquire(&outer, 0, false, false);
	lock_acquire(&inner, 0, false, false);
	assert_int_equal(reports, 0);
	lock_release(&inner);
	lock_release(&outer);

	lock_acquire(&inner, 0, false, false);
	lock_acquire(&outer, 0, false, false);
	assert_int_equal(reports, 1);
	assert_non_null(strstr(last, "outer_sem"));
	assert_non_null(strstr(last, "inner_lock"));
	/* the refused acquisition is not recorded, so only inner is held */
	assert_int_equal(lockdep_depth(), 1);
	lock_release(&inner);
}

static void test_trylock_is_not_ordered(void **state)
{
	struct lockdep_map outer, inner;

	(void)state;
	lockdep_init_map(&outer, &outer_key);
	lockdep_init_map(&inner, &inner_key);
	lock_acquire(&inner, 0, false, false);
	lock_acquire(&outer, 0, true, true);
	assert_int_equal(reports, 0);
	assert_int_equal(lock_held_type(&outer), 2);
	lock_release(&outer);
	lock_release(&inner);
}

static void test_nesting_needs_subclass(void **state)
{
	struct lockdep_map a, b;

	(void)state;
	lockdep_init_map(&a, &outer_key);
	lockdep_init_map(&b, &outer_key);
	lock_acquire(&a, 0, false, false);
	lock_acquire(&b, SINGLE_DEPTH_NESTING, false, false);
	assert_int_equal(reports, 0);
	lock_release(&b);
	lock_acquire(&b, 0, false, false);
	assert_int_equal(reports, 1);
	lock_release(&a);
}

static void test_recursion_and_bad_release(void **state)
{
	struct lockdep_map a;

	(void)state;
	lockdep_init_map(&a, &outer_key);
	lock_release(&a);
	assert_int_equal(reports, 1);
	assert_non_null(strstr(last, "does not hold"));
	lock_acquire(&a, 0, false, true);
	lock_acquire(&a, 0, false, true);
	assert_int_equal(reports, 2);
	assert_non_null(strstr(last, "again"));
	lock_release(&a);
}

static void test_rwsem_downgrade(void **state)
{
	struct rw_semaphore sem;

	(void)state;
	init_rwsem(&sem, &outer_key);
	down_write(&sem);
	assert_int_equal(lock_held_type(&sem.dep_map), TRACKED ? 1 : 0);
	assert_false(down_read_trylock(&sem));
	downgrade_write(&sem);
	assert_int_equal(lock_held_type(&sem.dep_map), TRACKED ? 2 : 0);
	assert_true(rwsem_is_locked(&sem));
	assert_false(down_write_trylock(&sem));
	up_read(&sem);
	assert_false(rwsem_is_locked(&sem));
	assert_true(down_write_trylock(&sem));
	up_write(&sem);
	destroy_rwsem(&sem);
}

struct held_elsewhere {
	spinlock_t *lock;
	int type_seen;
};

static void *look(void *arg)
{
	struct held_elsewhere *h = arg;

	h->type_seen = lock_held_type(&h->lock->dep_map);
	return NULL;
}

static void test_held_is_per_thread(void **state)
{
	spinlock_t l;
	struct held_elsewhere h = { .lock = &l, .type_seen = -1 };
	pthread_t t;

	(void)state;
	if (!TRACKED)
		skip();
	spin_lock_init(&l, &inner_key);
	spin_lock(&l);
	assert_int_equal(pthread_create(&t, NULL, look, &h), 0);
	pthread_join(t, NULL);
	assert_int_equal(h.type_seen, 0);
	assert_int_equal(lock_held_type(&l.dep_map), 1);
	spin_unlock(&l);
	spin_lock_destroy(&l);
}

static void test_rcu_depth(void **state)
{
	(void)state;
	if (!TRACKED)
		skip();
	assert_false(rcu_read_lock_held());
	rcu_read_lock();
	rcu_read_lock();
	assert_true(rcu_read_lock_held());
	rcu_read_unlock();
	assert_true(rcu_read_lock_held());
	rcu_read_unlock();
	assert_false(rcu_read_lock_held());
}

static void test_refcount_not_from_zero(void **state)
{
	refcount_t r;

	(void)state;
	refcount_set(&r, 1);
	assert_true(refcount_inc_not_zero(&r));
	assert_false(refcount_dec_and_test(&r));
	assert_true(refcount_dec_and_test(&r));
	assert_false(refcount_inc_not_zero(&r));
	assert_int_equal(refcount_read(&r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_broken_names_both, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trylock_is_not_ordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nesting_needs_subclass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recursion_and_bad_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rwsem_downgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_is_per_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rcu_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refcount_not_from_zero, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
