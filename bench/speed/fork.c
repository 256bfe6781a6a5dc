// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fork of N VMAs of 4 written pages, in each design and on the live kernel.
 *
 * The layout is the same on both sides: VMA i at SPEED_BASE + 5 i pages,
 * so a one-page gap keeps neighbours from merging or sharing an anon_vma,
 * spread over as many address spaces as vm.max_map_count asks. Each
 * repetition forks every address space once and lets the child exit; the
 * kernel figure is fork() in the parent, then the child's _exit() and
 * waitpid(), and the model's is anonrmap_fork() then anonrmap_exit().
 *
 * Each is measured twice: wall time, and CPU time (the parent's thread
 * during fork(), plus what the reaped child used, which is its exit). On a
 * busy machine the wall time of the kernel's side also holds the wait for
 * the child to be scheduled; the CPU time holds only the work.
 */
#include <sys/resource.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "speed.h"

#define REGION_PAGES 4
#define STRIDE_PAGES 5

/* Medians over the repetitions. */
struct fork_times {
	double fork_s, total_s;	/* wall: fork, fork + exit (+ waitpid) */
	double cpu_s;		/* CPU: fork + exit */
};

/* One repetition's figures, summed over the address spaces. */
struct fork_reps {
	double *fork_s, *total_s, *cpu_s;
};

static void reps_alloc(struct fork_reps *r, unsigned int reps)
{
	r->fork_s = calloc(reps, sizeof(double));
	r->total_s = calloc(reps, sizeof(double));
	r->cpu_s = calloc(reps, sizeof(double));
	if (!r->fork_s || !r->total_s || !r->cpu_s)
		speed_die("fork", ENOMEM);
}

static struct fork_times reps_median(struct fork_reps *r, unsigned int reps)
{
	struct fork_times t = {
		.fork_s = speed_median(r->fork_s, reps),
		.total_s = speed_median(r->total_s, reps),
		.cpu_s = speed_median(r->cpu_s, reps),
	};

	free(r->fork_s);
	free(r->total_s);
	free(r->cpu_s);
	return t;
}

static unsigned long chunk(unsigned long n, unsigned long i)
{
	unsigned long left = n - i * SPEED_VMAS_PER_MM;

	return left < SPEED_VMAS_PER_MM ? left : SPEED_VMAS_PER_MM;
}

static void sim_layout(struct anonrmap_mm *mm, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		uint64_t a = SPEED_BASE + i * STRIDE_PAGES * SPEED_PAGE;
		int err = anonrmap_mmap(mm, a, REGION_PAGES * SPEED_PAGE,
					ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE, NULL, 0);

		if (!err)
			err = anonrmap_touch(mm, a, REGION_PAGES * SPEED_PAGE, true);
		if (err)
			speed_die("layout", err);
	}
}

static struct fork_times sim_fork(const char *mode, unsigned long n, unsigned int reps)
{
	unsigned long nr_mms = (n + SPEED_VMAS_PER_MM - 1) / SPEED_VMAS_PER_MM;
	struct anonrmap_mm **mms = calloc(nr_mms, sizeof(*mms));
	struct anonrmap_world *w;
	struct fork_times t;
	struct fork_reps rr;
	int err;

	if (!mms)
		speed_die("fork", ENOMEM);
	reps_alloc(&rr, reps);
	w = speed_world(mode, &mms[0]);
	/* more address spaces, empty when they are made, like exec'd processes */
	for (unsigned long i = 1; i < nr_mms; i++)
		if ((err = anonrmap_fork(mms[0], &mms[i])))
			speed_die("fork", err);
	for (unsigned long i = 0; i < nr_mms; i++)
		sim_layout(mms[i], chunk(n, i));
	for (unsigned int r = 0; r < reps; r++) {
		for (unsigned long i = 0; i < nr_mms; i++) {
			struct anonrmap_mm *child;
			double c0 = speed_cpu_now(), t0 = speed_now(), t1;

			if ((err = anonrmap_fork(mms[i], &child)))
				speed_die("fork", err);
			t1 = speed_now();
			if ((err = anonrmap_exit(child)))
				speed_die("exit", err);
			rr.fork_s[r] += t1 - t0;
			rr.total_s[r] += speed_now() - t0;
			rr.cpu_s[r] += speed_cpu_now() - c0;
		}
	}
	t = reps_median(&rr, reps);
	anonrmap_world_destroy(w);
	free(mms);
	return t;
}

static double rusage_s(const struct rusage *ru)
{
	return ru->ru_utime.tv_sec + ru->ru_stime.tv_sec +
	       (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1e-6;
}

/* __live-fork N REPS: lay out N VMAs here, then time REPS forks. */
int speed_live_fork_worker(int argc, char **argv)
{
	unsigned long n;
	unsigned int reps;

	if (argc != 4)
		return 2;
	n = strtoul(argv[2], NULL, 0);
	reps = strtoul(argv[3], NULL, 0);
	for (unsigned long i = 0; i < n; i++) {
		char *a = (char *)(uintptr_t)(SPEED_BASE + i * STRIDE_PAGES * SPEED_PAGE);
		void *p = mmap(a, REGION_PAGES * SPEED_PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p != a) {
			fprintf(stderr, "anonrmap-speed: mmap of VMA %lu: %s\n", i,
				p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
			return 1;
		}
		for (int k = 0; k < REGION_PAGES; k++)
			a[k * SPEED_PAGE] = 1;
	}
	for (unsigned int r = 0; r < reps; r++) {
		struct rusage before, after;
		double c0, c1, t0, t1;
		pid_t pid;
		int status;

		getrusage(RUSAGE_CHILDREN, &before);
		c0 = speed_cpu_now();
		t0 = speed_now();
		pid = fork();
		if (pid < 0)
			return 1;
		if (!pid)
			_exit(0);
		t1 = speed_now();
		c1 = speed_cpu_now();
		if (waitpid(pid, &status, 0) != pid)
			return 1;
		getrusage(RUSAGE_CHILDREN, &after);
		printf("%.9f %.9f %.9f\n", t1 - t0, speed_now() - t0,
		       c1 - c0 + rusage_s(&after) - rusage_s(&before));
	}
	return 0;
}

static bool live_fork(const struct speed_opts *o, unsigned long n, struct fork_times *t)
{
	unsigned long nr_mms = n ? (n + SPEED_VMAS_PER_MM - 1) / SPEED_VMAS_PER_MM : 1;
	char buf[8192], nbuf[32], rbuf[16];
	struct fork_reps rr;
	bool ok = true;
	int lock;

	reps_alloc(&rr, o->reps);
	snprintf(rbuf, sizeof(rbuf), "%u", o->reps);
	lock = speed_live_lock();
	for (unsigned long i = 0; i < nr_mms && ok; i++) {
		char *args[] = { "__live-fork", nbuf, rbuf, NULL }, *p = buf;

		snprintf(nbuf, sizeof(nbuf), "%lu", n ? chunk(n, i) : 0);
		if (speed_run_self(o, args, buf, sizeof(buf))) {
			ok = false;
			break;
		}
		for (unsigned int r = 0; r < o->reps; r++) {
			double f, tot, cpu;
			int used;

			if (sscanf(p, "%lf %lf %lf%n", &f, &tot, &cpu, &used) != 3) {
				ok = false;
				break;
			}
			p += used;
			rr.fork_s[r] += f;
			rr.total_s[r] += tot;
			rr.cpu_s[r] += cpu;
		}
	}
	speed_live_unlock(lock);
	*t = reps_median(&rr, o->reps);
	return ok;
}

static void print_row(FILE *csv, unsigned long n, const char *design, struct fork_times t,
		      const struct fork_times *kernel)
{
	unsigned long nr_mms = (n + SPEED_VMAS_PER_MM - 1) / SPEED_VMAS_PER_MM;

	printf("%8lu | %3lu | %-8s | %9.3f | %9.3f | %9.3f | %7.3f", n, nr_mms, design,
	       t.fork_s * 1e3, t.total_s * 1e3, t.cpu_s * 1e3, t.cpu_s * 1e6 / n);
	if (kernel)
		printf(" | %6.3f | %6.3f\n", t.total_s / kernel->total_s, t.cpu_s / kernel->cpu_s);
	else
		printf(" | %6s | %6s\n", "-", "-");
	if (csv)
		fprintf(csv, "%lu,%s,%.6f,%.6f,%.6f\n", n, design, t.fork_s * 1e3, t.total_s * 1e3,
			t.cpu_s * 1e3);
}

int speed_fork(const struct speed_opts *o)
{
	FILE *csv = speed_csv(o, "fork", "vmas,design,fork_ms,fork_exit_ms,fork_exit_cpu_ms");
	struct fork_times base;

	printf("\nFork of N VMAs, 4 written pages each, one-page gaps (%lu VMAs per mm),\n"
	       "median of %u; model: anonrmap_fork + anonrmap_exit; kernel: fork(),\n"
	       "child _exit(), waitpid() in a fresh process holding the same layout.\n"
	       "wall: fork alone, fork + exit; CPU: fork + exit (kernel: the parent's\n"
	       "fork() and the reaped child's CPU time); ratios to the kernel's:\n",
	       SPEED_VMAS_PER_MM, o->reps);
	if (o->live && live_fork(o, 0, &base))
		printf("kernel, empty layout (the process's own ~20 VMAs): fork %.3f ms, "
		       "fork+exit+wait %.3f ms, CPU %.3f ms\n", base.fork_s * 1e3,
		       base.total_s * 1e3, base.cpu_s * 1e3);
	printf("%8s | %3s | %-8s | %9s | %9s | %9s | %7s | %6s | %6s\n", "N", "mms", "design",
	       "fork ms", "+exit ms", "CPU ms", "CPU µs/VMA", "wall/k", "CPU/k");
	for (unsigned long n = 100; n <= o->max_vmas; n *= 10) {
		struct fork_times k;
		bool have_k = false;

		if (o->live) {
			speed_progress("fork: live kernel, %lu VMAs", n);
			have_k = live_fork(o, n, &k);
			if (!have_k)
				speed_progress("fork: live kernel run failed at %lu VMAs", n);
		}
		for (unsigned int d = 0; d < speed_nr_designs(); d++) {
			const char *mode = speed_design(d);
			struct fork_times t;

			speed_progress("fork: %s, %lu VMAs", mode, n);
			t = sim_fork(mode, n, o->reps);
			print_row(csv, n, mode, t, have_k ? &k : NULL);
			if (n == 10000 || n == 100000) {
				char goal[96], measured[96];

				snprintf(goal, sizeof(goal), "fork+exit CPU %s / kernel, %lu VMAs", mode, n);
				if (have_k)
					snprintf(measured, sizeof(measured), "%.3f (%.2f / %.2f ms)",
						 t.cpu_s / k.cpu_s, t.cpu_s * 1e3, k.cpu_s * 1e3);
				else
					snprintf(measured, sizeof(measured), "no live run");
				speed_goal(goal, measured, "<= 0.25",
					   have_k ? t.cpu_s <= 0.25 * k.cpu_s : -1);
				snprintf(goal, sizeof(goal), "fork+exit wall %s / kernel, %lu VMAs", mode, n);
				if (have_k)
					snprintf(measured, sizeof(measured), "%.3f (%.2f / %.2f ms)",
						 t.total_s / k.total_s, t.total_s * 1e3, k.total_s * 1e3);
				speed_goal(goal, measured, "<= 0.25",
					   have_k ? t.total_s <= 0.25 * k.total_s : -1);
			}
		}
		if (have_k)
			print_row(csv, n, "kernel", k, NULL);
	}
	if (csv)
		fclose(csv);
	return 0;
}
