// SPDX-License-Identifier: GPL-2.0-only
/*
 * A walker thread: the rmap's users from outside any address space, as
 * reclaim and migration reach a folio. It takes a folio as reclaim
 * isolates one (anonrmap_folio_grab), then walks, ages, reclaims or
 * migrates it while mutators fault, fork, unmap and exit around it. The
 * library checks each (VMA, address) a walk hands out (its race report);
 * the callback here adds what only the run knows: that the address space
 * is one of its own and the address lies in the window it works in.
 */
#include <errno.h>
#include <sched.h>

#include <anonrmap/inspect.h>
#include <anonrmap/rmap.h>

#include "stress/stress.h"

static int walk_one(struct anonrmap_mm *mm, uint64_t addr, void *arg)
{
	struct stress_thread *t = arg;

	atomic_fetch_add_explicit(&t->s->c.candidates, 1, memory_order_relaxed);
	if (!mm_table_known(&t->s->mms, mm))
		stress_failure(t, "rmap walk handed out an address space this run never created (%p)",
			       (void *)mm);
	else if (addr < STRESS_BASE || addr >= STRESS_BASE + STRESS_PAGES * STRESS_PAGE ||
		 addr % STRESS_PAGE)
		stress_failure(t, "rmap walk handed out address %#llx in mm %u, outside the window",
			       (unsigned long long)addr, anonrmap_mm_id(mm));
	return 0;
}

static const int legit_referenced[] = { EAGAIN, 0 };
static const int legit_reclaim[] = { EBUSY, EAGAIN, 0 };
static const int legit_migrate[] = { EBUSY, EAGAIN, ENOMEM, 0 };
static const int legit_none[] = { 0 };

static void use_folio(struct stress_thread *t, struct anonrmap_folio *folio)
{
	int ret;

	switch (t->op) {
	case OP_WALK:
		stress_result(t, anonrmap_rmap_walk(folio, walk_one, t), legit_none);
		break;
	case OP_REFERENCED:
		ret = anonrmap_folio_referenced(folio);
		if (ret > 0)
			atomic_fetch_add_explicit(&t->s->c.referenced, ret, memory_order_relaxed);
		stress_result(t, ret, legit_referenced);
		break;
	case OP_RECLAIM:
		stress_result(t, anonrmap_reclaim_folio(folio), legit_reclaim);
		break;
	case OP_MIGRATE:
		stress_result(t, anonrmap_migrate_folio(folio), legit_migrate);
		break;
	default:
		break;
	}
}

/*
 * Reclaim isolates a batch of folios from the LRU and only then works
 * through it (shrink_folio_list()); a walker does the same, so that a folio
 * is often unmapped, and its anon_vma freed and reused, between the grab
 * and the walk: the window the folio_mapped() re-check exists for.
 */
#define BATCH 8

void *stress_walker(void *arg)
{
	struct stress_thread *t = arg;
	struct anonrmap_folio *batch[BATCH];
	enum stress_op ops[BATCH];
	const struct stress_opts *o = t->s->o;
	unsigned int n, i;
	uint64_t first;

	stress_thread_enter(t);
	if (!stress_weight_total(o->weight, OP_WALK, NR_STRESS_OPS - 1))
		t->iteration = o->iterations;	/* --ops left the walkers nothing */
	for (; t->iteration < o->iterations; t->iteration++) {
		if (atomic_load_explicit(&t->s->stop, memory_order_relaxed))
			break;
		/* drawn even without a folio, to keep the thread's sequence its seed's */
		n = rnd(&t->rng, 1, BATCH);
		for (i = 0; i < n; i++)
			ops[i] = stress_pick_op(o->weight, OP_WALK, NR_STRESS_OPS - 1, &t->rng);
		t->op = OP_GRAB;
		first = rng_next(&t->rng);
		for (i = 0; i < n; i++) {
			batch[i] = anonrmap_folio_grab(t->s->world, first + i);
			stress_result(t, 0, legit_none);
			if (!batch[i])
				break;
		}
		if (!i) {
			atomic_fetch_add_explicit(&t->s->c.no_folio, 1, memory_order_relaxed);
			sched_yield();
		}
		for (n = i, i = 0; i < n; i++) {
			t->op = ops[i];
			use_folio(t, batch[i]);
		}
		t->op = OP_GRAB;
		for (i = 0; i < n; i++)
			anonrmap_folio_release(batch[i]);
	}
	atomic_store(&t->done, true);
	atomic_fetch_sub(&t->s->running, 1);
	return NULL;
}
