// SPDX-License-Identifier: GPL-2.0-only
/*
 * folio_lock_anon_vma_read(): how a walker that holds neither a pin on the
 * anon_vma nor any mmap_lock gets a folio's anon_vma locked (mm/rmap.c).
 *
 * The folio names its anon_vma in a field nobody locks, and the anon_vma
 * can be freed and handed out again at any moment: its cache is
 * SLAB_TYPESAFE_BY_RCU, so under rcu_read_lock() the memory stays an
 * anon_vma, but not necessarily this folio's. What makes the lock taken
 * trustworthy is the re-check after it: while the folio is still mapped,
 * some VMA that maps it is linked to this anon_vma, and unlinking that VMA
 * needs the lock we now hold. Without the re-check a walker can lock an
 * anon_vma that was freed and reused by another family since it read
 * folio->mapping (the 2010 bug); this file alone is built a second time
 * with ANONRMAP_TEETH_NO_MAPPED_RECHECK, to prove the stress test notices.
 */
#include "lib/compiler.h"
#include "lib/rcu.h"
#include "mm/internal.h"
#include "mm/world.h"
#include "mm/rmap.h"

/*
 * The lockless first step of both: under rcu_read_lock(), the anon_vma a
 * still-mapped anonymous folio names, or NULL. Only a candidate: it may be
 * freed and reused the moment after, until the caller re-checks.
 */
struct anon_vma *folio_mapped_anon_vma_rcu(struct folio *folio)
{
	unsigned long anon_mapping;

	lockdep_assert_in_rcu_read_lock();
	anon_mapping = READ_ONCE(folio->mapping);
	if ((anon_mapping & FOLIO_MAPPING_FLAGS) != FOLIO_MAPPING_ANON)
		return NULL;
	if (!folio_mapped(folio))
		return NULL;
	return (struct anon_vma *)(anon_mapping - FOLIO_MAPPING_ANON);
}

struct anon_vma *folio_lock_anon_vma_read(struct folio *folio, struct rmap_walk_control *rwc)
{
	struct anon_vma *anon_vma, *root_anon_vma;

	rcu_read_lock();
	anon_vma = folio_mapped_anon_vma_rcu(folio);
	if (!anon_vma)
		goto out;
	root_anon_vma = READ_ONCE(anon_vma->root);
	if (down_read_trylock(&root_anon_vma->rwsem)) {
#ifndef ANONRMAP_TEETH_NO_MAPPED_RECHECK
		/* unmapped meanwhile: the anon_vma may be anyone's by now */
		if (!folio_mapped(folio)) {
			up_read(&root_anon_vma->rwsem);
			anon_vma = NULL;
		}
#endif
		goto out;
	}

	if (rwc && rwc->try_lock) {
		anon_vma = NULL;
		rwc->contended = true;
		goto out;
	}

	/* Sleeping for the lock needs a reference, and one on a live object. */
	if (!refcount_inc_not_zero(&anon_vma->refcount)) {
		anon_vma = NULL;
		goto out;
	}
	if (!folio_mapped(folio)) {
		rcu_read_unlock();
		put_anon_vma(anon_vma);
		return NULL;
	}
	rcu_read_unlock();
	anon_vma_lock_read(anon_vma);

	/*
	 * Ours may have been the last reference: every VMA went while we
	 * slept. put_anon_vma() would take the lock we hold, so free by hand.
	 */
	if (refcount_dec_and_test(&anon_vma->refcount)) {
		anon_vma_unlock_read(anon_vma);
		__put_anon_vma(anon_vma);
		anon_vma = NULL;
	}
	return anon_vma;
out:
	rcu_read_unlock();
	return anon_vma;
}
