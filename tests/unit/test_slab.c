// SPDX-License-Identifier: GPL-2.0-only
/*
 * The slab must make a use of freed memory show: a write to a freed object
 * aborts when the object is handed out again, and under ASan a read of one
 * is reported at once. Each misuse runs in a child process, which must die.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit/dies.h"

#include "lib/slab.h"

struct obj {
	long a, b;
	void *p;
};

static int ctor_runs;

static void obj_ctor(void *p)
{
	ctor_runs++;
	((struct obj *)p)->a = 42;
}


/* A poisoning cache with one object allocated and freed; returns that object. */
static struct obj *freed_object(struct kmem_cache *c, void (*ctor)(void *))
{
	struct obj *o;

	kmem_cache_init(c, "t", sizeof(struct obj), sizeof(struct obj), ctor);
	c->poison = true;
	o = kmem_cache_alloc(c);
	kmem_cache_free(c, o);
	return o;
}

static void write_after_free(void)
{
	struct kmem_cache c;
	struct obj *o = freed_object(&c, NULL);

	o->b = 1;		/* ASan reports this write itself... */
	kmem_cache_alloc(&c);	/* ...and without ASan the reuse must notice */
}

static void test_write_after_free_aborts(void **state)
{
	assert_true(dies(write_after_free));
}

static void reuse_untouched(void)
{
	struct kmem_cache c;
	struct obj *o;

	freed_object(&c, NULL);
	o = kmem_cache_alloc(&c);
	if (o->a || o->b || o->p)
		abort();	/* a reused object comes back zeroed */
	kmem_cache_destroy(&c);
}

/* The checker itself must not kill a correct program. */
static void test_clean_reuse_survives(void **state)
{
	assert_false(dies(reuse_untouched));
}

/* Poison overwrites what the constructor set, so reuse constructs again. */
static void test_poisoned_ctor_cache_reconstructs(void **state)
{
	struct kmem_cache c;
	struct obj *o;

	ctor_runs = 0;
	freed_object(&c, obj_ctor);
	o = kmem_cache_alloc(&c);
	assert_int_equal(o->a, 42);
	assert_int_equal(ctor_runs, 2);
	kmem_cache_destroy(&c);
}

/* Without poison (a type-stable cache read by lockless lookups) a freed object keeps its fields. */
static void test_typesafe_cache_keeps_fields(void **state)
{
	struct kmem_cache c;
	struct obj *o;

	kmem_cache_init(&c, "t", sizeof(struct obj), sizeof(struct obj), obj_ctor);
	ctor_runs = 0;
	o = kmem_cache_alloc(&c);
	o->b = 7;
	kmem_cache_free(&c, o);
	assert_false(kmem_obj_live(o));
	assert_int_equal(o->b, 7);
	assert_ptr_equal(kmem_cache_alloc(&c), o);
	assert_int_equal(ctor_runs, 1);	/* constructed state survives, as in SLUB */
	kmem_cache_destroy(&c);
}

#ifdef __SANITIZE_ADDRESS__
static void read_after_free(void)
{
	struct kmem_cache c;
	volatile long v = freed_object(&c, NULL)->a;

	(void)v;
}
#endif

static void test_read_after_free_under_asan(void **state)
{
#ifdef __SANITIZE_ADDRESS__
	assert_true(dies(read_after_free));
#else
	skip();
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_after_free_aborts),
		cmocka_unit_test(test_clean_reuse_survives),
		cmocka_unit_test(test_poisoned_ctor_cache_reconstructs),
		cmocka_unit_test(test_typesafe_cache_keeps_fields),
		cmocka_unit_test(test_read_after_free_under_asan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
