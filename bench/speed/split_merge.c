// SPDX-License-Identifier: GPL-2.0-only
/*
 * Split and merge rates: mprotect of one page in the middle of a written
 * VMA and back (a split into three, then a merge into one), mremap moving a
 * VMA away and back, and mremap growing and shrinking in place. Each runs
 * alone and after a fork, where the VMA has more than one AVC to carry.
 */
#include <errno.h>
#include <stdlib.h>

#include "speed.h"

#define REGION_PAGES 64UL
#define OPS 20000UL	/* operations per repetition */

enum sm_kind { SM_MPROTECT, SM_MREMAP_MOVE, SM_MREMAP_RESIZE, NR_SM };

static const char *const sm_names[NR_SM] = {
	"mprotect split+merge", "mremap move+back", "mremap grow+shrink",
};

static int count_vma(const struct anonrmap_vma_info *v, void *arg)
{
	(*(unsigned long *)arg)++;
	return 0;
}

static int sm_pair(struct anonrmap_mm *mm, enum sm_kind kind)
{
	const uint64_t a = SPEED_BASE, len = REGION_PAGES * SPEED_PAGE;
	const uint64_t away = SPEED_BASE + 64 * len;
	const int rw = ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE;
	const int fixed = ANONRMAP_MREMAP_MAYMOVE | ANONRMAP_MREMAP_FIXED;
	int err;

	switch (kind) {
	case SM_MPROTECT:
		err = anonrmap_mprotect(mm, a + len / 2, SPEED_PAGE, ANONRMAP_PROT_READ);
		return err ? err : anonrmap_mprotect(mm, a + len / 2, SPEED_PAGE, rw);
	case SM_MREMAP_MOVE:
		err = anonrmap_mremap(mm, a, len, len, fixed, away);
		return err ? err : anonrmap_mremap(mm, away, len, len, fixed, a);
	case SM_MREMAP_RESIZE:
		err = anonrmap_mremap(mm, a, len, len + SPEED_PAGE, 0, 0);
		return err ? err : anonrmap_mremap(mm, a, len + SPEED_PAGE, len, 0, 0);
	default:
		return -EINVAL;
	}
}

static double sm_rate(const char *mode, enum sm_kind kind, bool forked, unsigned int reps)
{
	double *t = calloc(reps, sizeof(double)), rate;
	struct anonrmap_mm *mm, *child;
	struct anonrmap_world *w = speed_world(mode, &mm);
	unsigned long vmas = 0;
	int err;

	if (!t)
		speed_die("split/merge", ENOMEM);
	err = anonrmap_mmap(mm, SPEED_BASE, REGION_PAGES * SPEED_PAGE,
			    ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE, NULL, 0);
	if (!err)
		err = anonrmap_touch(mm, SPEED_BASE, REGION_PAGES * SPEED_PAGE, true);
	if (!err && forked)
		err = anonrmap_fork(mm, &child);
	if (err)
		speed_die("split/merge layout", err);
	for (unsigned int r = 0; r < reps; r++) {
		double t0 = speed_cpu_now();

		for (unsigned long i = 0; i < OPS / 2; i++)
			if ((err = sm_pair(mm, kind)))
				speed_die(sm_names[kind], err);
		t[r] = speed_cpu_now() - t0;
	}
	/* the pairs must leave one VMA, or they did not merge what they split */
	anonrmap_vma_foreach(mm, count_vma, &vmas);
	if (vmas != 1)
		speed_progress("%s, %s: %lu VMAs left, not 1", mode, sm_names[kind], vmas);
	rate = OPS / speed_median(t, reps);
	anonrmap_world_destroy(w);
	free(t);
	return rate;
}

int speed_split_merge(const struct speed_opts *o)
{
	FILE *csv = speed_csv(o, "split_merge", "design,operation,forked,ops_per_s");

	printf("\nSplit and merge, %lu-page written VMA, %lu calls per repetition, median of %u\n"
	       "(k calls per CPU second; each pair of calls splits and merges, or moves and moves back):\n",
	       REGION_PAGES, OPS, o->reps);
	printf("%-8s | %-22s | %10s | %12s\n", "design", "operation", "alone", "after fork");
	for (unsigned int d = 0; d < speed_nr_designs(); d++) {
		const char *mode = speed_design(d);

		speed_progress("split/merge: %s", mode);
		for (int k = 0; k < NR_SM; k++) {
			double alone = sm_rate(mode, k, false, o->reps);
			double forked = sm_rate(mode, k, true, o->reps);

			printf("%-8s | %-22s | %10.1f | %12.1f\n", mode, sm_names[k], alone / 1e3,
			       forked / 1e3);
			if (csv)
				fprintf(csv, "%s,%s,0,%.0f\n%s,%s,1,%.0f\n", mode, sm_names[k], alone,
					mode, sm_names[k], forked);
		}
	}
	if (csv)
		fclose(csv);
	return 0;
}
