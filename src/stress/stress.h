/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * anonrmap stress: mutator threads (faults and the memory system calls,
 * fork, exit) against walker threads (the concurrent rmap users of
 * <anonrmap/rmap.h>) on one world, over a small address range so that
 * they meet. Only the public API is used: the point is to hold the
 * library to its promise that any thread may call anything at any time.
 */
#ifndef ANONRMAP_STRESS_H
#define ANONRMAP_STRESS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <anonrmap/world.h>

#include "bench/rng.h"

/*
 * The range every mutator works in: one 2 MiB-aligned PMD, so that a THP
 * fault is possible there, and a hot head of a few pages where most
 * operations land, so that threads collide on the same VMAs and folios.
 */
#define STRESS_BASE 0x40000000ULL
#define STRESS_PAGES 512u
#define STRESS_HOT_PAGES 32u
#define STRESS_PAGE 4096ULL

/* What each thread does, in the order the summary prints them. */
enum stress_op {
	OP_TOUCH_READ,
	OP_TOUCH_WRITE,
	OP_MMAP,
	OP_MUNMAP,
	OP_MPROTECT,
	OP_MREMAP,
	OP_MADVISE,
	OP_FORK,
	OP_EXIT,
	OP_GRAB,
	OP_WALK,
	OP_REFERENCED,
	OP_RECLAIM,
	OP_MIGRATE,
	NR_STRESS_OPS,
};
#define NR_MUTATOR_OPS OP_GRAB

struct stress_opts {
	const char *mode;
	uint64_t seed;
	unsigned int mutators, walkers;
	unsigned long long iterations;	/* per thread */
	double seconds;
	unsigned int jitter;		/* per mille, anonrmap_preempt_jitter() */
	unsigned int mms;		/* live address spaces at most */
	bool quiet;
	bool until_race;		/* --until-race: stop at the first race report */
	const char *trace;		/* --trace FILE, or NULL */
	struct anonrmap_config cfg;
	unsigned int weight[NR_STRESS_OPS];	/* how often each op is drawn */
};

/* One op's outcomes: success, and each errno it may legitimately return. */
enum stress_outcome {
	OUT_OK,
	OUT_ESRCH,	/* the address space exited under the call */
	OUT_LEGIT,	/* an errno the operation documents for these arguments */
	OUT_AFTER_RACE,	/* an error of an op that made a race report: its consequence */
	OUT_UNEXPECTED,
	NR_OUTCOMES,
};

struct stress_counts {
	atomic_ullong n[NR_STRESS_OPS][NR_OUTCOMES];
	atomic_ullong candidates;	/* (mm, address) pairs walks handed out */
	atomic_ullong referenced;	/* mappings anonrmap_folio_referenced() counted */
	atomic_ullong no_folio;		/* grabs that found no anonymous folio */
};

/* Address spaces the mutators share; its mutex is a leaf lock of ours. */
struct stress_mm {
	struct anonrmap_mm *mm;
	bool exited;		/* anonrmap_exit() was called (or is running) */
	char name[24];		/* its process name in --trace */
};

struct mm_table {
	pthread_mutex_t lock;
	struct stress_mm *slot;		/* every mm ever created, by anonrmap_mm_id() */
	unsigned int nr, cap;		/* slots used and allocated */
	unsigned int *live_ids;		/* ids of the mms still picked, live of them */
	unsigned int live, max_live;
	unsigned int forking;		/* forks under way: their child is not in yet */
};

/* The one thread-local fact a race report or a crash is printed with. */
struct stress_thread {
	struct stress *s;
	const char *kind;	/* "mutator" or "walker" */
	unsigned int index;
	struct rng rng;
	pthread_t tid;
	atomic_bool done;	/* the thread has left its loop */
	/* the op under way, for reports: what it was called on */
	unsigned long long iteration;
	enum stress_op op;
	struct anonrmap_mm *mm;
	uint64_t addr, len;
	char how[64];		/* the op's other arguments, in words */
	unsigned int op_races;	/* race reports the op under way has made */
};

#define STRESS_KEEP_REPORTS 5

/* The first few reports of one kind, with their context, for the summary. */
struct stress_kept {
	char line[STRESS_KEEP_REPORTS][320];
	unsigned int n;
};

struct stress {
	const struct stress_opts *o;
	struct anonrmap_world *world;
	struct mm_table mms;
	struct stress_counts c;
	atomic_bool stop;
	atomic_uint running;
	/* race reports, with the thread and op each came from */
	pthread_mutex_t report_lock;
	atomic_ullong races, unexpected;
	struct stress_kept kept_races, kept_failures;
	FILE *trace;
	pthread_mutex_t trace_lock;
};

/* ops.c */
extern const char *const stress_op_name[NR_STRESS_OPS];
extern const unsigned int stress_default_weight[NR_STRESS_OPS];
unsigned int stress_weight_total(const unsigned int *weight, enum stress_op first,
				 enum stress_op last);
/* An op of [@first, @last] drawn by @weight; the total must not be 0. */
enum stress_op stress_pick_op(const unsigned int *weight, enum stress_op first,
			      enum stress_op last, struct rng *r);
/* --ops: keep only the ops named in @list (comma-separated); -1 if one is unknown. */
int stress_parse_ops(const char *list, unsigned int *weight);

/* mm_table.c */
int mm_table_init(struct mm_table *t, unsigned int max_live, struct anonrmap_mm *p0);
void mm_table_destroy(struct mm_table *t);
/* The live address space @which selects (modulo their number), or NULL. */
struct anonrmap_mm *mm_table_pick(struct mm_table *t, uint64_t which);
/* Was @mm handed to anonrmap_exit()? Tells a legitimate -ESRCH apart. */
bool mm_table_exited(struct mm_table *t, struct anonrmap_mm *mm);
/*
 * Is @mm one this run created (an rmap walk must not hand out another)?
 * A child whose fork has not returned yet is not in the table; while a
 * fork is under way an unknown mm may be that child, and counts as known.
 */
bool mm_table_known(struct mm_table *t, struct anonrmap_mm *mm);
/*
 * fork() and exit() keep the table in step with the world. Each returns
 * the call's result, or 1 when the table had no room for a child (or no
 * mm but the last to exit) and nothing was called.
 */
int stress_fork(struct stress_thread *t, uint64_t which);
int stress_exit(struct stress_thread *t, uint64_t which);

/* trace.c: --trace, each mutator call as a scenario line (@fmt without "\n") */
void stress_trace(struct stress_thread *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *stress_prot(int prot);
const char *stress_mm_name(struct stress *s, struct anonrmap_mm *mm);

/* mutator.c, walker.c: the thread bodies */
void *stress_mutator(void *arg);
void *stress_walker(void *arg);

/* report.c */
/*
 * Count the result @ret of the op @t has under way: success (>= 0), -ESRCH
 * from an address space that was exited, an errno of @legit (positive,
 * 0-terminated: what the operation may return for such arguments), or else
 * a failure, reported with the op's arguments.
 */
void stress_result(struct stress_thread *t, int ret, const int *legit);
/* Report a failure that is not a race report: counted as unexpected. */
void stress_failure(struct stress_thread *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* anonrmap_race_fn: counted, and the first few kept with their context. */
void stress_race_report(const char *violation, void *arg);
/* A crash signal names the thread and op it hit and what @s kept, then exits with 1. */
void stress_crash_handlers(struct stress *s);
/* Make @t the calling thread's context for reports and crashes. */
void stress_thread_enter(struct stress_thread *t);
void stress_print_kept(const struct stress_kept *k);
/* Calls made so far by the mutators, and folio grabs by the walkers. */
void stress_totals(struct stress *s, unsigned long long *mut, unsigned long long *grabs);
/* Print the kept reports and the per-op table; @violations < 0: checker not run. */
void stress_print_summary(struct stress *s, double elapsed, int violations);

/* run.c: 0 clean, 1 for any failure, 2 when the run could not start */
int stress_run(const struct stress_opts *o);
void stress_opts_default(struct stress_opts *o);

#endif
