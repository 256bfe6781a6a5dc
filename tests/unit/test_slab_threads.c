// SPDX-License-Identifier: GPL-2.0-only
/*
 * Threads allocating and freeing on one cache at once: no object may be
 * handed to two threads, and the counters must add up exactly, whether the
 * objects are fresh, reused, poisoned or type-stable. Run under the tsan
 * preset as well, where a missing lock is a report, not a lucky pass.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/slab.h"

#define NR_THREADS 4
#define ROUNDS 20000
#define BATCH 8		/* objects a thread holds at once */

struct obj {
	long owner;		/* stamped by the thread holding it */
	long round;
	long refs;		/* a kept field in the type-stable cache */
};

struct worker {
	pthread_t thread;
	struct kmem_cache *cache;
	long id;
	long clashes;		/* objects that changed hands while held */
};

/*
 * Holds BATCH objects at a time and checks that nobody else stamped them
 * meanwhile: two threads given one object would overwrite each other.
 */
static void *churn(void *arg)
{
	struct worker *wk = arg;
	struct obj *held[BATCH];

	for (long r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < BATCH; i++) {
			held[i] = kmem_cache_alloc(wk->cache);
			held[i]->owner = wk->id;
			held[i]->round = r;
		}
		for (int i = 0; i < BATCH; i++) {
			if (held[i]->owner != wk->id || held[i]->round != r)
				wk->clashes++;
			kmem_cache_free(wk->cache, held[i]);
		}
	}
	return NULL;
}

static void run_workers(struct kmem_cache *c)
{
	struct worker wk[NR_THREADS];

	for (long i = 0; i < NR_THREADS; i++) {
		wk[i] = (struct worker){ .cache = c, .id = i + 1 };
		assert_int_equal(pthread_create(&wk[i].thread, NULL, churn, &wk[i]), 0);
	}
	for (int i = 0; i < NR_THREADS; i++) {
		assert_int_equal(pthread_join(wk[i].thread, NULL), 0);
		assert_int_equal(wk[i].clashes, 0);
	}
	assert_int_equal(c->allocs, (long)NR_THREADS * ROUNDS * BATCH);
	assert_int_equal(c->frees, (long)NR_THREADS * ROUNDS * BATCH);
	assert_int_equal(c->live, 0);
	/* never more held than the threads hold together, and at least one batch */
	assert_true(c->peak >= BATCH && c->peak <= NR_THREADS * BATCH);
}

static void test_plain_cache(void **state)
{
	struct kmem_cache c;

	(void)state;
	kmem_cache_init(&c, "threads", sizeof(struct obj), 0, NULL);
	run_workers(&c);
	kmem_cache_destroy(&c);
}

/* Poisoning and its write-after-free check on every reuse, from all threads. */
static void test_poisoned_cache(void **state)
{
	struct kmem_cache c;

	(void)state;
	kmem_cache_init(&c, "threads", sizeof(struct obj), 0, NULL);
	c.poison = true;
	run_workers(&c);
	kmem_cache_destroy(&c);
}

static void test_typesafe_poisoned_cache(void **state)
{
	static const struct kmem_range keep[] = { KMEM_FIELD(struct obj, refs) };
	struct kmem_cache c;

	(void)state;
	kmem_cache_init(&c, "threads", sizeof(struct obj), 0, NULL);
	kmem_cache_typesafe_by_rcu(&c, keep, 1);
	c.poison = true;
	run_workers(&c);
	kmem_cache_destroy(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_cache),
		cmocka_unit_test(test_poisoned_cache),
		cmocka_unit_test(test_typesafe_poisoned_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
