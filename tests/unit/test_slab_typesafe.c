// SPDX-License-Identifier: GPL-2.0-only
/*
 * SLAB_TYPESAFE_BY_RCU caches: reuse keeps what the constructor set and the
 * kept fields, poison covers everything else and catches a write to it on
 * reuse, and destroy waits for the readers that may still hold an object.
 * Misuse that must abort runs in a child process.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit/dies.h"

#include "lib/rcu.h"
#include "lib/slab.h"

#include "lib/sanitizer.h"

struct obj {
	long a;
	long lock;		/* what the constructor sets up: kept */
	long b;
	long refs;		/* tried by readers on freed objects: kept */
	char tail[5];
};

static const struct kmem_range obj_kept[] = {
	KMEM_FIELD(struct obj, refs),	/* out of order on purpose */
	KMEM_FIELD(struct obj, lock),
};

#define LOCK_READY 0x10c4L

static int ctor_runs;

static void obj_ctor(void *p)
{
	ctor_runs++;
	((struct obj *)p)->lock = LOCK_READY;
}

/* Writes a field no one listed as kept. */
static void bad_ctor(void *p)
{
	((struct obj *)p)->b = 1;
}

static void typesafe_cache(struct kmem_cache *c, void (*ctor)(void *), bool poison)
{
	kmem_cache_init(c, "typesafe", sizeof(struct obj), sizeof(struct obj), ctor);
	kmem_cache_typesafe_by_rcu(c, obj_kept, 2);
	c->poison = poison;
	ctor_runs = 0;
}


static bool all_poison(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != POISON_FREE)
			return false;
	return true;
}

/* Reuse hands the same object back constructed once, kept fields as left. */
static void test_reuse_keeps_ctor_and_kept_fields(void **state)
{
	struct kmem_cache c;
	struct obj *o, *again;

	(void)state;
	typesafe_cache(&c, obj_ctor, true);
	o = kmem_cache_alloc(&c);
	assert_int_equal(o->lock, LOCK_READY);
	o->lock = 77;		/* a reader's lock state, live across the free */
	o->refs = 0;
	kmem_cache_free(&c, o);
	again = kmem_cache_alloc(&c);
	assert_ptr_equal(again, o);
	assert_int_equal(ctor_runs, 1);
	assert_int_equal(again->lock, 77);
	assert_int_equal(again->refs, 0);
	kmem_cache_destroy(&c);
}

/* Without a constructor, reuse clears all but the kept fields. */
static void test_reuse_clears_the_rest(void **state)
{
	struct kmem_cache c;
	struct obj *o;

	(void)state;
	typesafe_cache(&c, NULL, false);
	o = kmem_cache_alloc(&c);
	*o = (struct obj){ .a = 1, .lock = 2, .b = 3, .refs = 4, .tail = "xyzw" };
	kmem_cache_free(&c, o);
	assert_ptr_equal(kmem_cache_alloc(&c), o);
	assert_int_equal(o->a, 0);
	assert_int_equal(o->b, 0);
	assert_true(!memcmp(o->tail, "\0\0\0\0\0", 5));
	assert_int_equal(o->lock, 2);
	assert_int_equal(o->refs, 4);
	kmem_cache_destroy(&c);
}

/*
 * A freed object reads POISON_FREE outside the kept fields. Under ASan
 * those bytes are unaddressable instead, and the kept ones stay readable.
 */
static void test_freed_object_is_poisoned_but_kept(void **state)
{
	struct kmem_cache c;
	struct obj *o;

	(void)state;
	typesafe_cache(&c, obj_ctor, true);
	o = kmem_cache_alloc(&c);
	o->refs = 0;
	assert_false(kmem_obj_poisoned(o));
	kmem_cache_free(&c, o);
	assert_true(kmem_obj_poisoned(o));
	assert_int_equal(o->lock, LOCK_READY);
	assert_int_equal(o->refs, 0);
#ifdef ANONRMAP_ASAN
	assert_true(__asan_address_is_poisoned(&o->a));
	assert_true(__asan_address_is_poisoned(&o->b));
	assert_true(__asan_address_is_poisoned(&o->tail[4]));
	assert_ptr_equal(__asan_region_is_poisoned(&o->lock, sizeof(o->lock)), NULL);
	assert_ptr_equal(__asan_region_is_poisoned(&o->refs, sizeof(o->refs)), NULL);
	/* to look at the bytes too; reuse makes them addressable anyway */
	__asan_unpoison_memory_region(o, sizeof(*o));
#endif
	assert_true(all_poison(&o->a, sizeof(o->a)));
	assert_true(all_poison(&o->b, sizeof(o->b)));
	assert_true(all_poison(o->tail, sizeof(o->tail)));
	assert_ptr_equal(kmem_cache_alloc(&c), o);
	assert_false(kmem_obj_poisoned(o));
	kmem_cache_destroy(&c);
}

/* The same free without poison: the object is freed, but not poisoned. */
static void test_unpoisoned_cache_reports_no_poison(void **state)
{
	struct kmem_cache c;
	struct obj *o;

	(void)state;
	typesafe_cache(&c, obj_ctor, false);
	o = kmem_cache_alloc(&c);
	o->b = 5;
	kmem_cache_free(&c, o);
	assert_false(kmem_obj_live(o));
	assert_false(kmem_obj_poisoned(o));
	assert_int_equal(o->b, 5);
	kmem_cache_destroy(&c);
}

static struct obj *freed(struct kmem_cache *c)
{
	struct obj *o;

	typesafe_cache(c, obj_ctor, true);
	o = kmem_cache_alloc(c);
	kmem_cache_free(c, o);
	return o;
}

static void write_poisoned_field(void)
{
	struct kmem_cache c;
	struct obj *o = freed(&c);

	o->tail[4] = 0;		/* past the last kept field: ASan or the reuse check */
	kmem_cache_alloc(&c);
}

static void write_kept_field(void)
{
	struct kmem_cache c;
	struct obj *o = freed(&c);

	o->lock = 0;		/* a stale reader taking and dropping the lock */
	o->refs = 1;		/* and one whose inc_not_zero raced the free */
	kmem_cache_alloc(&c);
	kmem_cache_destroy(&c);
}

static void test_write_to_poison_is_caught(void **state)
{
	(void)state;
	assert_true(dies(write_poisoned_field));
}

static void test_write_to_kept_field_is_allowed(void **state)
{
	(void)state;
	assert_false(dies(write_kept_field));
}

static void ctor_outside_kept(void)
{
	struct kmem_cache c;

	kmem_cache_init(&c, "typesafe", sizeof(struct obj), 0, bad_ctor);
	kmem_cache_typesafe_by_rcu(&c, obj_kept, 2);
}

/* Poison would wipe that field and no constructor would set it again. */
static void test_ctor_outside_kept_fields_refused(void **state)
{
	(void)state;
	assert_true(dies(ctor_outside_kept));
}

struct reader {
	int entered, left;	/* set with atomics: the test reads them from another thread */
};

/*
 * Stays in a read-side section for a while. It does not touch the cache's
 * memory itself: ThreadSanitizer cannot see the ordering liburcu's grace
 * period gives, and would report the free that destroy then does.
 */
static void *hold_under_rcu(void *arg)
{
	struct reader *r = arg;
	struct timespec nap = { 0, 100 * 1000 * 1000 };

	rcu_read_lock();
	__atomic_store_n(&r->entered, 1, __ATOMIC_SEQ_CST);
	nanosleep(&nap, NULL);
	__atomic_store_n(&r->left, 1, __ATOMIC_SEQ_CST);
	rcu_read_unlock();
	return NULL;
}

/* A reader that may have found an object before destroy began finishes first. */
static void test_destroy_waits_for_readers(void **state)
{
	struct kmem_cache c;
	struct reader r = { 0 };
	pthread_t t;

	(void)state;
	typesafe_cache(&c, obj_ctor, false);
	kmem_cache_free(&c, kmem_cache_alloc(&c));
	assert_int_equal(pthread_create(&t, NULL, hold_under_rcu, &r), 0);
	while (!__atomic_load_n(&r.entered, __ATOMIC_SEQ_CST))
		sched_yield();
	kmem_cache_destroy(&c);
	assert_int_equal(__atomic_load_n(&r.left, __ATOMIC_SEQ_CST), 1);
	assert_int_equal(pthread_join(t, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reuse_keeps_ctor_and_kept_fields),
		cmocka_unit_test(test_reuse_clears_the_rest),
		cmocka_unit_test(test_freed_object_is_poisoned_but_kept),
		cmocka_unit_test(test_unpoisoned_cache_reports_no_poison),
		cmocka_unit_test(test_write_to_poison_is_caught),
		cmocka_unit_test(test_write_to_kept_field_is_allowed),
		cmocka_unit_test(test_ctor_outside_kept_fields_refused),
		cmocka_unit_test(test_destroy_waits_for_readers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
