// SPDX-License-Identifier: GPL-2.0-only
/*
 * A mutator thread: faults and the system calls that reshape the anon
 * rmap (fork, exit, munmap, mprotect, mremap, madvise, and mmap to refill
 * the holes they leave), on address spaces picked from the shared table.
 * Ranges are drawn mostly from the hot head of the window, so that two
 * mutators in one mm split and merge the same VMAs, and walkers find the
 * folios they fault.
 */
#include <errno.h>
#include <stdio.h>

#include <anonrmap/ops.h>
#include <anonrmap/process.h>

#include "stress/stress.h"

/*
 * A page-aligned range inside the window; now and then the whole PMD, for
 * the ops that build (a munmap of it all would leave nothing to walk).
 */
static void pick_range(struct rng *r, enum stress_op op, uint64_t *addr, uint64_t *len)
{
	unsigned int first, n;

	if (chance(r, 4) && op != OP_MUNMAP && op != OP_MREMAP) {
		first = 0;
		n = STRESS_PAGES;
	} else {
		first = chance(r, 80) ? rnd(r, 0, STRESS_HOT_PAGES - 1) : rnd(r, 0, STRESS_PAGES - 1);
		/* short touches: a longer one would mostly stop at a hole */
		n = rnd(r, 1, op == OP_TOUCH_READ || op == OP_TOUCH_WRITE ? 2 : 8);
		if (first + n > STRESS_PAGES)
			n = STRESS_PAGES - first;
	}
	*addr = STRESS_BASE + first * STRESS_PAGE;
	*len = n * STRESS_PAGE;
}

#define RW (ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE)
static const int prots[] = { RW, RW, RW, ANONRMAP_PROT_READ, 0 };

static const enum anonrmap_advice advices[] = {
	ANONRMAP_MADV_DONTNEED, ANONRMAP_MADV_DONTNEED, ANONRMAP_MADV_DONTFORK,
	ANONRMAP_MADV_DOFORK, ANONRMAP_MADV_WIPEONFORK, ANONRMAP_MADV_KEEPONFORK,
	ANONRMAP_MADV_HUGEPAGE, ANONRMAP_MADV_NOHUGEPAGE,
};
static const char *const advice_name[] = {
	"MADV_DONTNEED", "MADV_DONTNEED", "MADV_DONTFORK", "MADV_DOFORK",
	"MADV_WIPEONFORK", "MADV_KEEPONFORK", "MADV_HUGEPAGE", "MADV_NOHUGEPAGE",
};
/* as a scenario spells them */
static const char *const advice_word[] = {
	"dontneed", "dontneed", "dontfork", "dofork",
	"wipeonfork", "keeponfork", "hugepage", "nohugepage",
};

/* "OP P ADDR LEN ARG[EXTRA]" for --trace */
#define trace_range(t, op, arg, ...)							\
	stress_trace(t, "%s %s %#llx %#llx %s%s", op, stress_mm_name((t)->s, (t)->mm),	\
		     (unsigned long long)(t)->addr, (unsigned long long)(t)->len, arg,	\
		     "" __VA_ARGS__)

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The errnos each call may return for arguments drawn as above: a touch of
 * a hole or of a page its protection forbids, mmap over a mapping,
 * mprotect or madvise over a hole, mremap that cannot grow in place or
 * finds no VMA at its source. vm.max_map_count (-ENOMEM from a split or a
 * new VMA) can be reached only when it is below the window's page count
 * (plus slack), as no other VMA exists.
 */
static const int legit_touch[] = { EFAULT, 0 };
static const int legit_mmap[] = { EEXIST, 0 };
static const int legit_mmap_limited[] = { EEXIST, ENOMEM, 0 };
static const int legit_map_count[] = { ENOMEM, 0 };
static const int legit_hole[] = { ENOMEM, 0 };
static const int legit_mremap[] = { EFAULT, ENOMEM, 0 };
static const int legit_none[] = { 0 };

static bool map_count_reachable(const struct stress_thread *t)
{
	return t->s->o->cfg.max_map_count < 2 * STRESS_PAGES;
}

/*
 * mremap either resizes in place or moves to a range of the window that
 * does not overlap its source (an overlap is -EINVAL by definition, and
 * would only test the argument check).
 */
static int do_mremap(struct stress_thread *t)
{
	struct rng *r = &t->rng;
	uint64_t new_len = rnd(r, 1, 8) * STRESS_PAGE, dst;

	if (t->addr + new_len > STRESS_BASE + STRESS_PAGES * STRESS_PAGE)
		new_len = STRESS_BASE + STRESS_PAGES * STRESS_PAGE - t->addr;
	if (chance(r, 50)) {
		snprintf(t->how, sizeof(t->how), "in place, new length %#llx",
			 (unsigned long long)new_len);
		stress_trace(t, "mremap %s %#llx %#llx %#llx", stress_mm_name(t->s, t->mm),
			     (unsigned long long)t->addr, (unsigned long long)t->len,
			     (unsigned long long)new_len);
		return anonrmap_mremap(t->mm, t->addr, t->len, new_len, 0, 0);
	}
	dst = STRESS_BASE + rnd(r, 0, STRESS_PAGES - 8) * STRESS_PAGE;
	if (dst < t->addr + t->len && t->addr < dst + new_len)
		dst = t->addr >= STRESS_BASE + new_len ? t->addr - new_len : t->addr + t->len;
	if (dst + new_len > STRESS_BASE + STRESS_PAGES * STRESS_PAGE)
		return 1;
	snprintf(t->how, sizeof(t->how), "MAYMOVE|FIXED to %#llx, new length %#llx",
		 (unsigned long long)dst, (unsigned long long)new_len);
	stress_trace(t, "mremap %s %#llx %#llx %#llx %#llx", stress_mm_name(t->s, t->mm),
		     (unsigned long long)t->addr, (unsigned long long)t->len,
		     (unsigned long long)new_len, (unsigned long long)dst);
	return anonrmap_mremap(t->mm, t->addr, t->len, new_len,
			       ANONRMAP_MREMAP_MAYMOVE | ANONRMAP_MREMAP_FIXED, dst);
}

/* One op; 1 when it was skipped (nothing to fork into, nothing to exit). */
static int mutate(struct stress_thread *t, const int **legit)
{
	struct rng *r = &t->rng;
	/* drawn whatever the op, so that a thread's sequence of ops and
	 * ranges depends on its seed alone, not on what others did */
	uint64_t which = rng_next(r);
	unsigned int advice;
	int prot;

	pick_range(r, t->op, &t->addr, &t->len);
	*legit = legit_none;
	if (t->op == OP_FORK)
		return stress_fork(t, which);
	if (t->op == OP_EXIT)
		return stress_exit(t, which);
	t->mm = mm_table_pick(&t->s->mms, which);
	switch (t->op) {
	case OP_TOUCH_READ:
	case OP_TOUCH_WRITE:
		*legit = legit_touch;
		trace_range(t, "touch", t->op == OP_TOUCH_WRITE ? "w" : "r");
		return anonrmap_touch(t->mm, t->addr, t->len, t->op == OP_TOUCH_WRITE);
	case OP_MMAP:
		prot = prots[rnd(r, 0, NELEM(prots) - 1)];
		/*
		 * MAP_FIXED half the time: it refills a fragmented window. It
		 * unmaps what it replaces under the same mmap_lock, so another
		 * thread's mapping can never make it fail with -EEXIST.
		 */
		if (chance(r, 50)) {
			*legit = map_count_reachable(t) ? legit_map_count : legit_none;
			snprintf(t->how, sizeof(t->how), "prot %d MAP_FIXED", prot);
			trace_range(t, "mmap", stress_prot(prot), " fixed");
			return anonrmap_mmap_flags(t->mm, t->addr, t->len, prot, NULL, 0,
						   ANONRMAP_MAP_FIXED);
		}
		*legit = map_count_reachable(t) ? legit_mmap_limited : legit_mmap;
		snprintf(t->how, sizeof(t->how), "prot %d", prot);
		trace_range(t, "mmap", stress_prot(prot));
		return anonrmap_mmap(t->mm, t->addr, t->len, prot, NULL, 0);
	case OP_MUNMAP:
		*legit = map_count_reachable(t) ? legit_map_count : legit_none;
		trace_range(t, "munmap", "");
		return anonrmap_munmap(t->mm, t->addr, t->len);
	case OP_MPROTECT:
		*legit = legit_hole;
		prot = prots[rnd(r, 0, NELEM(prots) - 1)];
		snprintf(t->how, sizeof(t->how), "prot %d", prot);
		trace_range(t, "mprotect", stress_prot(prot));
		return anonrmap_mprotect(t->mm, t->addr, t->len, prot);
	case OP_MREMAP:
		*legit = legit_mremap;
		return do_mremap(t);
	case OP_MADVISE:
		*legit = legit_hole;
		advice = rnd(r, 0, NELEM(advices) - 1);
		snprintf(t->how, sizeof(t->how), "%s", advice_name[advice]);
		trace_range(t, "madvise", advice_word[advice]);
		return anonrmap_madvise(t->mm, t->addr, t->len, advices[advice]);
	default:
		return 1;
	}
}

void *stress_mutator(void *arg)
{
	struct stress_thread *t = arg;
	const struct stress_opts *o = t->s->o;
	const int *legit;
	int ret;

	stress_thread_enter(t);
	if (!stress_weight_total(o->weight, 0, NR_MUTATOR_OPS - 1))
		t->iteration = o->iterations;	/* --ops left the mutators nothing */
	for (; t->iteration < o->iterations; t->iteration++) {
		if (atomic_load_explicit(&t->s->stop, memory_order_relaxed))
			break;
		t->op = stress_pick_op(o->weight, 0, NR_MUTATOR_OPS - 1, &t->rng);
		t->mm = NULL;
		t->addr = t->len = 0;
		t->how[0] = 0;
		ret = mutate(t, &legit);
		if (ret != 1)
			stress_result(t, ret, legit);
	}
	atomic_store(&t->done, true);
	atomic_fetch_sub(&t->s->running, 1);
	return NULL;
}
