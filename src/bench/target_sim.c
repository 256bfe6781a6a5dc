// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "bench/clock.h"
#include "bench/target_sim.h"
#include "scenario/replay.h"

#define SIM(t) ((struct sim_target *)(t))
#define MM(t, p) (SIM(t)->procs[p])

static int grow(void **v, int *cap, int need, size_t size)
{
	int n = *cap ? *cap : 64;
	void *p;

	if (need < *cap)
		return 0;
	while (n <= need)
		n *= 2;
	p = realloc(*v, (size_t)n * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = n;
	return 0;
}

static int sim_file(struct bench_target *t, int file, uint64_t len)
{
	if (grow((void **)&SIM(t)->files, &SIM(t)->files_cap, file, sizeof(void *)))
		return -ENOMEM;
	return anonrmap_file_create(SIM(t)->world, len, &SIM(t)->files[file]);
}

static int sim_mmap(struct bench_target *t, int p, uint64_t addr, uint64_t len, int prot,
		    int file, uint64_t off)
{
	return anonrmap_mmap(MM(t, p), addr, len, prot, file >= 0 ? SIM(t)->files[file] : NULL,
			     off);
}

static int sim_munmap(struct bench_target *t, int p, uint64_t addr, uint64_t len)
{
	return anonrmap_munmap(MM(t, p), addr, len);
}

static int sim_mprotect(struct bench_target *t, int p, uint64_t addr, uint64_t len, int prot)
{
	return anonrmap_mprotect(MM(t, p), addr, len, prot);
}

static int sim_mremap(struct bench_target *t, int p, uint64_t addr, uint64_t old_len,
		      uint64_t new_len, bool fixed, uint64_t new_addr)
{
	return anonrmap_mremap(MM(t, p), addr, old_len, new_len,
			       fixed ? ANONRMAP_MREMAP_MAYMOVE | ANONRMAP_MREMAP_FIXED : 0,
			       new_addr);
}

static int sim_madvise(struct bench_target *t, int p, uint64_t addr, uint64_t len,
		       enum scn_advice advice)
{
	return anonrmap_madvise(MM(t, p), addr, len, scn_advice_api(advice));
}

static int sim_touch(struct bench_target *t, int p, uint64_t addr, uint64_t len, bool write)
{
	return anonrmap_touch(MM(t, p), addr, len, write);
}

static int sim_fork(struct bench_target *t, int p, int child)
{
	if (grow((void **)&SIM(t)->procs, &SIM(t)->procs_cap, child, sizeof(void *)))
		return -ENOMEM;
	return anonrmap_fork(MM(t, p), &SIM(t)->procs[child]);
}

static int sim_exit(struct bench_target *t, int p)
{
	return anonrmap_exit(MM(t, p));
}

static int count_vma(const struct anonrmap_vma_info *vma, void *arg)
{
	(*(unsigned long *)arg)++;
	return 0;
}

/* The first few, to say what kind; the count is in the report. */
static void report_violation(const char *violation, void *arg)
{
	int *shown = arg;

	if ((*shown)++ < 3)
		fprintf(stderr, "anonrmap bench: violation: %s\n", violation);
}

/* Its cost is the checker's and the statistics', not the design's: untimed. */
static int sim_phase(struct bench_target *t, unsigned int phase)
{
	struct sim_target *s = SIM(t);
	struct bench_snapshot *snap = &s->snap[phase];
	double t0 = bench_now();
	int shown = 0;

	for (int c = 0; c < NR_BENCH_CACHES; c++)
		anonrmap_slab_stats(s->world, bench_caches[c].cache, &snap->st[c]);
	for (snap->nr_extra = 0; snap->nr_extra < BENCH_MAX_DESIGN_OBJECTS &&
	     !anonrmap_design_object(s->world, snap->nr_extra, &snap->extra[snap->nr_extra]);)
		snap->nr_extra++;
	snap->mms = 0;
	snap->max_mm_vmas = 0;
	for (struct anonrmap_mm *mm = anonrmap_mm_first(s->world); mm; mm = anonrmap_mm_next(mm)) {
		unsigned long n = 0;

		anonrmap_vma_foreach(mm, count_vma, &n);
		snap->mms++;
		if (n > snap->max_mm_vmas)
			snap->max_mm_vmas = n;
	}
	snap->violations = s->check ? anonrmap_check(s->world, report_violation, &shown) : -1;
	s->phase_secs += bench_now() - t0;
	return 0;
}

static const struct bench_target_ops sim_ops = {
	.file = sim_file,
	.mmap = sim_mmap,
	.munmap = sim_munmap,
	.mprotect = sim_mprotect,
	.mremap = sim_mremap,
	.madvise = sim_madvise,
	.touch = sim_touch,
	.fork = sim_fork,
	.exit = sim_exit,
	.phase = sim_phase,
};

int sim_target_init(struct sim_target *s, const struct anonrmap_config *cfg, bool check,
		    struct bench_snapshot *snap)
{
	*s = (struct sim_target){ .t = { .ops = &sim_ops, .nr_procs = 1 }, .check = check,
				  .snap = snap };
	if (grow((void **)&s->procs, &s->procs_cap, 0, sizeof(void *)))
		return -ENOMEM;
	return anonrmap_world_create(cfg, &s->world, &s->procs[0]);
}

double sim_target_release(struct sim_target *s)
{
	double t0 = bench_now();

	if (s->world)
		anonrmap_world_destroy(s->world);
	s->world = NULL;
	t0 = bench_now() - t0;
	free(s->procs);
	free(s->files);
	s->procs = NULL;
	s->files = NULL;
	return t0;
}
