// SPDX-License-Identifier: GPL-2.0-only
/*
 * Anonymous write faults per second: one large private anonymous VMA,
 * written one byte per page from its first page to its last. The model's
 * figure is anonrmap_touch() over the range (mmap excluded, then included);
 * the kernel's is the same loop in a fresh process.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "speed.h"

#define FAULT_PAGES 262144UL	/* 1 GiB: large enough that setup is noise */
#define SMALL_PAGES 64UL	/* the mmap-included variant maps this much at a time */

/*
 * Faults/s of one pass over the range. A warm pass runs in a world whose
 * slab caches already hold the objects from an earlier pass that was
 * unmapped, as a running kernel has its memory already; a cold pass is the
 * world's first, and also pays for malloc and the host's first touch.
 */
static double sim_pass(struct anonrmap_mm *mm, bool with_mmap)
{
	int prot = ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE;
	uint64_t span = FAULT_PAGES / SMALL_PAGES * (SMALL_PAGES + 1) * SPEED_PAGE;
	double t0, t;
	int err = 0;

	if (!with_mmap) {
		if ((err = anonrmap_mmap(mm, SPEED_BASE, FAULT_PAGES * SPEED_PAGE, prot, NULL, 0)))
			speed_die("mmap", err);
		t0 = speed_cpu_now();
		err = anonrmap_touch(mm, SPEED_BASE, FAULT_PAGES * SPEED_PAGE, true);
	} else {
		t0 = speed_cpu_now();
		/* one-page gaps, so every mmap makes a VMA and an anon_vma of its own */
		for (unsigned long i = 0; i < FAULT_PAGES / SMALL_PAGES && !err; i++) {
			uint64_t a = SPEED_BASE + i * (SMALL_PAGES + 1) * SPEED_PAGE;

			err = anonrmap_mmap(mm, a, SMALL_PAGES * SPEED_PAGE, prot, NULL, 0);
			if (!err)
				err = anonrmap_touch(mm, a, SMALL_PAGES * SPEED_PAGE, true);
		}
	}
	t = speed_cpu_now() - t0;
	if (!err)
		err = anonrmap_munmap(mm, SPEED_BASE, with_mmap ? span : FAULT_PAGES * SPEED_PAGE);
	if (err)
		speed_die("touch", err);
	return FAULT_PAGES / t;
}

/* rates[0]: cold, [1]: warm, [2]: warm with mmap included */
static void sim_faults(const char *mode, double rates[3])
{
	struct anonrmap_mm *mm;
	struct anonrmap_world *w = speed_world(mode, &mm);

	rates[0] = sim_pass(mm, false);
	rates[1] = sim_pass(mm, false);
	sim_pass(mm, true);
	rates[2] = sim_pass(mm, true);
	anonrmap_world_destroy(w);
}

/* __live-fault REPS: the same loop on the live kernel, one line per rep. */
int speed_live_fault_worker(int argc, char **argv)
{
	unsigned int reps;

	if (argc != 3)
		return 2;
	reps = strtoul(argv[2], NULL, 0);
	for (unsigned int r = 0; r < reps; r++) {
		char *p = mmap(NULL, FAULT_PAGES * SPEED_PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		double t0;

		if (p == MAP_FAILED)
			return 1;
		/* no THP: the model's VMA is not MADV_HUGEPAGE either */
		madvise(p, FAULT_PAGES * SPEED_PAGE, MADV_NOHUGEPAGE);
		t0 = speed_cpu_now();
		for (unsigned long i = 0; i < FAULT_PAGES; i++)
			p[i * SPEED_PAGE] = 1;
		printf("%.9f\n", FAULT_PAGES / (speed_cpu_now() - t0));
		munmap(p, FAULT_PAGES * SPEED_PAGE);
	}
	return 0;
}

static bool live_faults(const struct speed_opts *o, double *rate)
{
	double *v = calloc(o->reps, sizeof(double));
	char buf[4096], rbuf[16], *args[] = { "__live-fault", rbuf, NULL }, *p = buf;
	bool ok;
	int lock, used;

	if (!v)
		speed_die("fault", ENOMEM);
	snprintf(rbuf, sizeof(rbuf), "%u", o->reps);
	lock = speed_live_lock();
	ok = !speed_run_self(o, args, buf, sizeof(buf));
	speed_live_unlock(lock);
	for (unsigned int r = 0; ok && r < o->reps; r++, p += used)
		ok = sscanf(p, "%lf%n", &v[r], &used) == 1;
	if (ok)
		*rate = speed_median(v, o->reps);
	free(v);
	return ok;
}

int speed_fault(const struct speed_opts *o)
{
	FILE *csv = speed_csv(o, "fault", "design,cold_per_s,warm_per_s,warm_with_mmap_per_s");
	double *v[3];
	double kernel;
	bool have_k = false;

	for (int i = 0; i < 3; i++)
		if (!(v[i] = calloc(o->reps, sizeof(double))))
			speed_die("fault", ENOMEM);
	printf("\nAnonymous write faults, %lu pages (1 GiB) in page order, median of %u\n"
	       "(M faults per CPU second; cold: a new world; warm: after the same range was faulted\n"
	       "and unmapped; mmap included: %lu-page VMAs mapped and faulted in turn):\n",
	       FAULT_PAGES, o->reps, SMALL_PAGES);
	printf("%-8s | %8s | %8s | %14s\n", "design", "cold", "warm", "warm, mmap too");
	if (o->live) {
		speed_progress("fault: live kernel");
		have_k = live_faults(o, &kernel);
	}
	for (unsigned int d = 0; d < speed_nr_designs(); d++) {
		const char *mode = speed_design(d);
		double med[3], rates[3];
		char goal[96], measured[96];

		speed_progress("fault: %s", mode);
		for (unsigned int r = 0; r < o->reps; r++) {
			sim_faults(mode, rates);
			for (int i = 0; i < 3; i++)
				v[i][r] = rates[i];
		}
		for (int i = 0; i < 3; i++)
			med[i] = speed_median(v[i], o->reps);
		printf("%-8s | %8.2f | %8.2f | %14.2f\n", mode, med[0] / 1e6, med[1] / 1e6,
		       med[2] / 1e6);
		if (csv)
			fprintf(csv, "%s,%.0f,%.0f,%.0f\n", mode, med[0], med[1], med[2]);
		snprintf(goal, sizeof(goal), "anonymous faults/s (warm), %s", mode);
		snprintf(measured, sizeof(measured), "%.2f M/s (cold %.2f)", med[1] / 1e6,
			 med[0] / 1e6);
		speed_goal(goal, measured, ">= 10 M/s", med[1] >= 10e6);
	}
	if (have_k) {
		printf("%-8s | %8s | %8.2f | %14s\n", "kernel", "-", kernel / 1e6, "-");
		if (csv)
			fprintf(csv, "kernel,,%.0f,\n", kernel);
	}
	if (csv)
		fclose(csv);
	for (int i = 0; i < 3; i++)
		free(v[i]);
	return 0;
}
