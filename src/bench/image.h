/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a process maps, for the workloads to build address spaces from:
 * shared libraries as a dynamic loader leaves them, heap-like anonymous
 * regions, thread stacks with guard pages.
 */
#ifndef ANONRMAP_BENCH_IMAGE_H
#define ANONRMAP_BENCH_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "bench/bench.h"

#define PAGE 4096ULL
#define PROT_R ANONRMAP_PROT_READ
#define PROT_RW (ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE)
#define PROT_RX (ANONRMAP_PROT_READ | ANONRMAP_PROT_EXEC)
#define STACK_PAGES 64

struct region {
	uint64_t addr;
	unsigned int pages;
};

struct regions {
	struct region *v;
	size_t n, cap;
};

struct lib {
	int file;
	unsigned int ro, text, data, bss;	/* segment sizes in pages */
};

struct proc {
	int id;			/* -1 when not running */
	uint64_t next;		/* where this process's next mapping goes */
};

/* Mostly small regions with a long tail, as in a real /proc/PID/maps. */
unsigned int region_pages(struct rng *r);

/*
 * Reserve @pages (+ @headroom for later growth) at @pr's next address. A
 * one-page hole after every mapping keeps neighbours from merging, so VMA
 * counts follow the workload rather than address-space luck.
 */
uint64_t place(struct proc *pr, unsigned int pages, unsigned int headroom);

/* The first process: P0, mapping from the start of the scenario window. */
void proc_init(struct proc *pr);
/* fork(); the child maps after everything the parent had placed. */
int spawn(struct bench_ctx *c, const struct proc *parent, struct proc *child);
int proc_exit(struct bench_ctx *c, struct proc *pr);

int lib_create(struct bench_ctx *c, struct lib *lib);
int lib_load(struct bench_ctx *c, struct proc *pr, const struct lib *lib);

/*
 * @count anonymous regions: ~40 % partly written, ~15 % partly read, the
 * rest never touched. Each is added to @keep when it is not NULL.
 */
int anon_regions(struct bench_ctx *c, struct proc *pr, unsigned int count,
		 struct regions *keep);
/* Write a few pages of about @percent % of @rs, as a forked child does (CoW). */
int cow_some(struct bench_ctx *c, struct proc *pr, const struct regions *rs,
	     unsigned int percent);
int stacks(struct bench_ctx *c, struct proc *pr, unsigned int count);

int regions_add(struct bench_ctx *c, struct regions *rs, uint64_t addr, unsigned int pages);

#endif
