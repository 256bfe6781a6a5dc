// SPDX-License-Identifier: GPL-2.0-only
/*
 * Resident memory the model spends per (VMA + AVC + anon_vma + page),
 * against what the kernel's objects cost: vm_area_struct 192 B,
 * anon_vma_chain 64 B, anon_vma 104 B (Linux 6.18 x86_64 slab sizes) and a
 * struct page of 64 B. A fresh process (the probe) maps N one-page VMAs
 * with one-page gaps and writes each page, so every set is one of each;
 * the growth of its resident set is divided by what the kernel would need
 * for the objects the world then holds. The model's page tables are
 * included in its figure; the kernel's are not in the target.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "speed.h"

#define MEM_VMAS SPEED_VMAS_PER_MM	/* one address space: vm.max_map_count */

static const struct {
	enum anonrmap_cache cache;
	size_t kernel_bytes;
} objs[] = {
	{ ANONRMAP_CACHE_VMA, 192 },
	{ ANONRMAP_CACHE_ANON_VMA_CHAIN, 64 },
	{ ANONRMAP_CACHE_ANON_VMA, 104 },
	{ ANONRMAP_CACHE_FOLIO, 64 },
};
#define NR_OBJS (sizeof(objs) / sizeof(objs[0]))

static long resident_bytes(void)
{
	long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		speed_die("/proc/self/statm", errno);
	if (fscanf(f, "%ld %ld", &size, &resident) != 2)
		speed_die("/proc/self/statm", EIO);
	fclose(f);
	return resident * sysconf(_SC_PAGESIZE);
}

/* __memory MODE N: prints "rss_delta live_vma live_avc live_anon_vma live_folio". */
int speed_memory_probe(int argc, char **argv)
{
	struct anonrmap_mm *mm;
	struct anonrmap_world *w;
	unsigned long n;
	long before;

	if (argc != 4)
		return 2;
	n = strtoul(argv[3], NULL, 0);
	before = resident_bytes();
	w = speed_world(argv[2], &mm);
	for (unsigned long i = 0; i < n; i++) {
		uint64_t a = SPEED_BASE + 2 * i * SPEED_PAGE;
		int err = anonrmap_mmap(mm, a, SPEED_PAGE, ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE,
					NULL, 0);

		if (!err)
			err = anonrmap_touch(mm, a, SPEED_PAGE, true);
		if (err)
			speed_die("memory layout", err);
	}
	printf("%ld", resident_bytes() - before);
	for (size_t i = 0; i < NR_OBJS; i++) {
		struct anonrmap_slab_stats st;

		anonrmap_slab_stats(w, objs[i].cache, &st);
		printf(" %ld", st.live);
	}
	printf("\n");
	anonrmap_world_destroy(w);
	return 0;
}

int speed_memory(const struct speed_opts *o)
{
	FILE *csv = speed_csv(o, "memory", "design,rss_bytes,kernel_bytes,ratio");
	char nbuf[32];

	snprintf(nbuf, sizeof(nbuf), "%lu", MEM_VMAS);
	printf("\nResident memory, %lu one-page written VMAs in a fresh process, median of %u\n"
	       "(kernel = live objects x 192/64/104/64 B):\n", MEM_VMAS, o->reps);
	printf("%-8s | %8s | %8s | %8s | %8s | %12s | %12s | %6s\n", "design", "VMAs", "AVCs",
	       "anon_vma", "folios", "model B/set", "kernel B/set", "ratio");
	for (unsigned int d = 0; d < speed_nr_designs(); d++) {
		const char *mode = speed_design(d);
		char *args[] = { "__memory", (char *)mode, nbuf, NULL }, buf[256];
		double *ratio = calloc(o->reps, sizeof(double)), *rss = calloc(o->reps, sizeof(double));
		long live[NR_OBJS] = { 0 }, delta;
		double kernel = 0, r;
		char goal[96], measured[96];

		if (!ratio || !rss)
			speed_die("memory", ENOMEM);
		speed_progress("memory: %s", mode);
		for (unsigned int i = 0; i < o->reps; i++) {
			if (speed_run_self(o, args, buf, sizeof(buf)) ||
			    sscanf(buf, "%ld %ld %ld %ld %ld", &delta, &live[0], &live[1], &live[2],
				   &live[3]) != 5)
				speed_die("memory probe", EIO);
			kernel = 0;
			for (size_t k = 0; k < NR_OBJS; k++)
				kernel += live[k] * objs[k].kernel_bytes;
			ratio[i] = delta / kernel;
			rss[i] = delta;
		}
		r = speed_median(ratio, o->reps);
		printf("%-8s | %8ld | %8ld | %8ld | %8ld | %12.1f | %12.1f | %6.2f\n", mode, live[0],
		       live[1], live[2], live[3], speed_median(rss, o->reps) / MEM_VMAS,
		       kernel / MEM_VMAS, r);
		if (csv)
			fprintf(csv, "%s,%.0f,%.0f,%.3f\n", mode, speed_median(rss, o->reps), kernel, r);
		snprintf(goal, sizeof(goal), "resident memory / kernel objects, %s", mode);
		snprintf(measured, sizeof(measured), "%.2f x", r);
		speed_goal(goal, measured, "<= 2 x", r <= 2);
		free(ratio);
		free(rss);
	}
	if (csv)
		fclose(csv);
	return 0;
}
