// SPDX-License-Identifier: GPL-2.0-only
/*
 * The world's caches are type-stable where 6.18's are: anon_vma and
 * vm_area_struct, not anon_vma_chain or folio. A freed anon_vma keeps the
 * fields folio_lock_anon_vma_read() and folio_get_anon_vma() touch before
 * their re-checks, and poison covers the rest when the debug mode is on:
 * by default for classic, on request for lazy, whose lookups read freed
 * objects as posted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mm/internal.h"
#include "mm/world.h"
#include "mm/rmap.h"

#include "lib/sanitizer.h"

static const size_t no_sizes[NR_WORLD_CACHES];

static bool all_poison(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != POISON_FREE)
			return false;
	return true;
}

/* Frees a fresh anon_vma of @w and says whether its unkept fields read poison. */
static bool freed_anon_vma_poisoned(struct world *w)
{
	struct anon_vma *av = anon_vma_alloc(w), *again;
	bool poisoned;

	assert_non_null(av);
	put_anon_vma(av);
	assert_false(kmem_obj_live(av));
	/* what a stale reader may still use */
	assert_ptr_equal(av->root, av);
	assert_int_equal(refcount_read(&av->refcount), 0);
	assert_false(rwsem_is_locked(&av->rwsem));
	poisoned = kmem_obj_poisoned(av);
#ifdef ANONRMAP_ASAN
	assert_int_equal(__asan_address_is_poisoned(&av->num_children), poisoned);
#endif
	/* poisoned bytes are unaddressable: make them readable to look at them */
	ASAN_UNPOISON_MEMORY_REGION(av, sizeof(*av));
	assert_int_equal(all_poison(&av->num_children, sizeof(av->num_children)), poisoned);
	assert_int_equal(all_poison(&av->parent, sizeof(av->parent)), poisoned);
	/* reuse takes the same object, with a working lock */
	again = anon_vma_alloc(w);
	assert_ptr_equal(again, av);
	anon_vma_lock_write(again);
	anon_vma_unlock_write(again);
	put_anon_vma(again);
	return poisoned;
}

static void test_typesafe_caches_are_the_kernels(void **state)
{
	struct world *w = world_create(&classic_anon_rmap_ops, false, no_sizes);

	(void)state;
	assert_non_null(w);
	assert_true(anon_vma_cachep(w)->typesafe_by_rcu);
	assert_true(vm_area_cachep(w)->typesafe_by_rcu);
	assert_false(anon_vma_chain_cachep(w)->typesafe_by_rcu);
	assert_false(folio_cachep(w)->typesafe_by_rcu);
	world_destroy(w);
}

static void test_classic_poisons_by_default(void **state)
{
	struct world *w = world_create(&classic_anon_rmap_ops, false, no_sizes);

	(void)state;
	assert_true(freed_anon_vma_poisoned(w));
	world_destroy(w);
}

static void test_lazy_poisons_only_when_asked(void **state)
{
	struct world *w = world_create(&lazy_anon_rmap_ops, false, no_sizes);

	(void)state;
	assert_false(freed_anon_vma_poisoned(w));
	world_set_typesafe_poison(w, true);
	assert_true(freed_anon_vma_poisoned(w));
	world_destroy(w);
}

/* A freed VMA keeps the count a reader tries first, and nothing else. */
static void test_freed_vma_keeps_its_count(void **state)
{
	struct world *w = world_create(&lazy_anon_rmap_ops, false, no_sizes);
	struct vm_area_struct *vma;

	(void)state;
	world_set_typesafe_poison(w, true);
	vma = kmem_cache_alloc(vm_area_cachep(w));
	refcount_set(&vma->vm_lazy_refs, 0);
	vma->vm_start = 0x1000;
	kmem_cache_free(vm_area_cachep(w), vma);
	assert_true(kmem_obj_poisoned(vma));
	assert_false(refcount_inc_not_zero(&vma->vm_lazy_refs));
#ifdef ANONRMAP_ASAN
	assert_true(__asan_address_is_poisoned(&vma->vm_start));
#endif
	ASAN_UNPOISON_MEMORY_REGION(vma, sizeof(*vma));
	assert_true(all_poison(&vma->vm_start, sizeof(vma->vm_start)));
	assert_true(all_poison(&vma->vm_mm, sizeof(vma->vm_mm)));
	world_destroy(w);
}

/*
 * A stale reader holds the rwsem of an anon_vma that is freed and handed
 * out again meanwhile: the lock must still be held, and release, after.
 * Constructing the object again on reuse would reset it under the reader.
 */
static void test_reuse_leaves_a_held_rwsem_alone(void **state)
{
	struct world *w = world_create(&classic_anon_rmap_ops, false, no_sizes);
	struct kmem_cache *c;
	struct anon_vma *av;

	(void)state;
	c = anon_vma_cachep(w);
	av = kmem_cache_alloc(c);
	down_read(&av->rwsem);
	kmem_cache_free(c, av);
	assert_ptr_equal(kmem_cache_alloc(c), av);
	assert_true(rwsem_is_locked(&av->rwsem));
	up_read(&av->rwsem);
	assert_false(rwsem_is_locked(&av->rwsem));
	assert_true(down_write_trylock(&av->rwsem));
	up_write(&av->rwsem);
	kmem_cache_free(c, av);
	world_destroy(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typesafe_caches_are_the_kernels),
		cmocka_unit_test(test_classic_poisons_by_default),
		cmocka_unit_test(test_lazy_poisons_only_when_asked),
		cmocka_unit_test(test_freed_vma_keeps_its_count),
		cmocka_unit_test(test_reuse_leaves_a_held_rwsem_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
