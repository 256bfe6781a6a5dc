// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>

#include "bench/image.h"

unsigned int region_pages(struct rng *r)
{
	switch (rnd(r, 0, 9)) {
	case 0: case 1: case 2: case 3:
		return rnd(r, 1, 4);
	case 4: case 5: case 6:
		return rnd(r, 5, 32);
	case 7: case 8:
		return rnd(r, 33, 128);
	default:
		return rnd(r, 129, 512);
	}
}

uint64_t place(struct proc *pr, unsigned int pages, unsigned int headroom)
{
	uint64_t addr = pr->next;

	pr->next += (uint64_t)(pages + headroom + 1) * PAGE;
	return addr;
}

void proc_init(struct proc *pr)
{
	pr->id = 0;
	pr->next = SCN_WINDOW_START;
}

int spawn(struct bench_ctx *c, const struct proc *parent, struct proc *child)
{
	BENCH_TRY(c->t, bench_fork(c->t, parent->id, &child->id));
	child->next = parent->next;
	return 0;
}

int proc_exit(struct bench_ctx *c, struct proc *pr)
{
	BENCH_TRY(c->t, c->t->ops->exit(c->t, pr->id));
	pr->id = -1;
	return 0;
}

int regions_add(struct bench_ctx *c, struct regions *rs, uint64_t addr, unsigned int pages)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		struct region *v = realloc(rs->v, cap * sizeof(*v));

		if (!v)
			return bench_fail(c->t, -ENOMEM, "realloc", __FILE__, __LINE__);
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = (struct region){ addr, pages };
	return 0;
}

int lib_create(struct bench_ctx *c, struct lib *lib)
{
	struct rng *r = &c->rng;

	lib->ro = rnd(r, 1, 16);
	lib->text = region_pages(r);
	lib->data = rnd(r, 1, 12);
	lib->bss = chance(r, 70) ? rnd(r, 1, 16) : 0;
	BENCH_TRY(c->t, bench_file(c->t, (uint64_t)(lib->ro + lib->text + lib->data) * PAGE,
				   &lib->file));
	return 0;
}

/*
 * What a dynamic loader leaves behind: r--, r-x and rw- private file
 * segments, anonymous bss, data written by relocation and its RELRO head
 * made read-only again (a split). Text is only ever read.
 */
int lib_load(struct bench_ctx *c, struct proc *pr, const struct lib *lib)
{
	const struct bench_target_ops *op = c->t->ops;
	struct bench_target *t = c->t;
	struct rng *r = &c->rng;
	unsigned int total = lib->ro + lib->text + lib->data + lib->bss, n;
	uint64_t base = place(pr, total, 0);
	uint64_t text = base + lib->ro * PAGE;
	uint64_t data = text + lib->text * PAGE;
	uint64_t bss = data + lib->data * PAGE;
	int p = pr->id;

	BENCH_TRY(t, op->mmap(t, p, base, lib->ro * PAGE, PROT_R, lib->file, 0));
	BENCH_TRY(t, op->mmap(t, p, text, lib->text * PAGE, PROT_RX, lib->file, lib->ro * PAGE));
	BENCH_TRY(t, op->mmap(t, p, data, lib->data * PAGE, PROT_RW, lib->file,
			      (uint64_t)(lib->ro + lib->text) * PAGE));
	if (lib->bss)
		BENCH_TRY(t, op->mmap(t, p, bss, lib->bss * PAGE, PROT_RW, -1, 0));

	BENCH_TRY(t, op->touch(t, p, base, PAGE, false));
	n = rnd(r, 1, lib->text);
	BENCH_TRY(t, op->touch(t, p, text + (uint64_t)rnd(r, 0, lib->text - n) * PAGE,
			       n * PAGE, false));
	if (chance(r, 80)) {
		BENCH_TRY(t, op->touch(t, p, data, lib->data * PAGE, true));
		if (lib->data > 1 && chance(r, 60))
			BENCH_TRY(t, op->mprotect(t, p, data, rnd(r, 1, lib->data - 1) * PAGE,
						  PROT_R));
	} else {
		BENCH_TRY(t, op->touch(t, p, data, PAGE, false));
	}
	if (lib->bss && chance(r, 50))
		BENCH_TRY(t, op->touch(t, p, bss, rnd(r, 1, lib->bss) * PAGE, true));
	return 0;
}

/*
 * Some partly written, some only read, many never touched at all
 * (reservations, lazily used pools). With the zero page on, only the
 * written ones need anonymous rmap state.
 */
int anon_regions(struct bench_ctx *c, struct proc *pr, unsigned int count,
		 struct regions *keep)
{
	struct bench_target *t = c->t;
	struct rng *r = &c->rng;

	for (unsigned int i = 0; i < count; i++) {
		unsigned int pages = region_pages(r);
		uint64_t addr = place(pr, pages, 0);
		unsigned int roll = rnd(r, 0, 99);

		BENCH_TRY(t, t->ops->mmap(t, pr->id, addr, pages * PAGE, PROT_RW, -1, 0));
		if (roll < 55) {
			unsigned int n = rnd(r, 1, pages);
			unsigned int off = rnd(r, 0, pages - n);

			BENCH_TRY(t, t->ops->touch(t, pr->id, addr + (uint64_t)off * PAGE,
						   n * PAGE, roll < 40));
		}
		if (keep)
			BENCH_TRY(t, regions_add(c, keep, addr, pages));
	}
	return 0;
}

int cow_some(struct bench_ctx *c, struct proc *pr, const struct regions *rs,
	     unsigned int percent)
{
	struct bench_target *t = c->t;
	struct rng *r = &c->rng;

	for (size_t i = 0; i < rs->n; i++) {
		const struct region *z = &rs->v[i];

		if (chance(r, percent)) {
			unsigned int n = rnd(r, 1, z->pages < 8 ? z->pages : 8);
			uint64_t off = rnd(r, 0, z->pages - n);

			BENCH_TRY(t, t->ops->touch(t, pr->id, z->addr + off * PAGE, n * PAGE, true));
		}
	}
	return 0;
}

/* A PROT_NONE guard page split off the bottom, the top few pages written. */
int stacks(struct bench_ctx *c, struct proc *pr, unsigned int count)
{
	struct bench_target *t = c->t;

	for (unsigned int i = 0; i < count; i++) {
		uint64_t addr = place(pr, STACK_PAGES, 0);
		unsigned int used = rnd(&c->rng, 1, 8);

		BENCH_TRY(t, t->ops->mmap(t, pr->id, addr, STACK_PAGES * PAGE, PROT_RW, -1, 0));
		BENCH_TRY(t, t->ops->mprotect(t, pr->id, addr, PAGE, 0));
		BENCH_TRY(t, t->ops->touch(t, pr->id, addr + (uint64_t)(STACK_PAGES - used) * PAGE,
					   used * PAGE, true));
	}
	return 0;
}
