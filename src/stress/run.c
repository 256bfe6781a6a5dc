// SPDX-License-Identifier: GPL-2.0-only
/*
 * One stress run: a world with poisoned type-stable caches, P0 mapping the
 * window with a few folios faulted in, then the threads until their
 * iterations or the time run out, then the full checker on the quiescent
 * world. The main thread only watches: it prints progress and ends the
 * run when time is up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <anonrmap/inspect.h>
#include <anonrmap/ops.h>
#include <anonrmap/rmap.h>

#include "stress/stress.h"

void stress_opts_default(struct stress_opts *o)
{
	*o = (struct stress_opts){
		.mode = "classic", .seed = 1, .mutators = 2, .walkers = 2,
		.iterations = 1000000, .seconds = 10, .mms = 8,
	};
	anonrmap_config_init(&o->cfg);
	memcpy(o->weight, stress_default_weight, sizeof(o->weight));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* P0 maps the whole window and faults its hot head, so walkers start with work. */
static int setup_world(struct stress *s, struct anonrmap_mm **p0)
{
	struct anonrmap_config cfg = s->o->cfg;
	int ret;

	cfg.mode = s->o->mode;
	cfg.typesafe_poison = true;
	ret = anonrmap_world_create(&cfg, &s->world, p0);
	if (ret) {
		fprintf(stderr, "anonrmap stress: cannot create a %s world: %s\n", s->o->mode,
			strerror(-ret));
		return ret;
	}
	anonrmap_world_set_race_report(s->world, stress_race_report, s);
	if (s->trace)
		fprintf(s->trace, "# anonrmap stress --trace: the mutators' calls, in the order they started\n"
			"version 2\nmmap P0 %#llx %#llx rw-\ntouch P0 %#llx %#llx w\n",
			STRESS_BASE, STRESS_PAGES * STRESS_PAGE, STRESS_BASE,
			STRESS_HOT_PAGES * STRESS_PAGE);
	ret = anonrmap_mmap(*p0, STRESS_BASE, STRESS_PAGES * STRESS_PAGE,
			    ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE, NULL, 0);
	if (!ret)
		ret = anonrmap_touch(*p0, STRESS_BASE, STRESS_HOT_PAGES * STRESS_PAGE, true);
	if (ret)
		fprintf(stderr, "anonrmap stress: setting up P0 failed: %s\n", strerror(-ret));
	return ret;
}

static void seed_thread(struct stress_thread *t, struct stress *s, const char *kind,
			unsigned int index)
{
	/* one stream per (seed, kind, index); splitmix64 decorrelates them */
	struct rng mix = { s->o->seed * 0x100000001b3ULL + (kind[0] == 'w') * 0x10000 + index };

	*t = (struct stress_thread){ .s = s, .kind = kind, .index = index };
	t->rng.s = rng_next(&mix);
}

/*
 * How long threads may take to notice the stop and leave their op: an op
 * is microseconds, so a thread still in one this long after is stuck.
 */
#define STRESS_GRACE_SECONDS 10.0

/* Returns false when threads are still running long after the stop: a hang. */
static bool watch(struct stress *s, double start)
{
	const struct timespec tick = { .tv_nsec = 20 * 1000 * 1000 };
	double last = start, stopped = 0;
	unsigned long long mut, grabs;

	while (atomic_load(&s->running)) {
		double t = now();

		if (t - start >= s->o->seconds)
			atomic_store(&s->stop, true);
		/* the stop may come from a race report too (--until-race) */
		if (!stopped && atomic_load(&s->stop))
			stopped = t;
		if (stopped && t - stopped >= STRESS_GRACE_SECONDS)
			return false;
		if (!s->o->quiet && t - last >= 1.0) {
			last = t;
			stress_totals(s, &mut, &grabs);
			fprintf(stderr, "stress: %.0f s, %llu mutator ops, %llu folio grabs, "
				"%llu race reports, %llu unexpected\n", t - start, mut, grabs,
				(unsigned long long)atomic_load(&s->races),
				(unsigned long long)atomic_load(&s->unexpected));
		}
		nanosleep(&tick, NULL);
	}
	return true;
}

/*
 * A hang cannot be joined nor checked: say where each unfinished thread
 * is, with what was found so far, and leave without touching the world.
 */
static void report_hang(struct stress *s, struct stress_thread *threads, unsigned int nr,
			double elapsed)
{
	stress_print_summary(s, elapsed, -1);
	for (unsigned int i = 0; i < nr; i++) {
		struct stress_thread *t = &threads[i];

		if (!atomic_load(&t->done))
			printf("  hang: %s %u still in iteration %llu %s, %.0f s after the stop\n",
			       t->kind, t->index, t->iteration, stress_op_name[t->op],
			       STRESS_GRACE_SECONDS);
	}
	printf("FAILED\n");
	fflush(stdout);
	_exit(1);
}

/*
 * The checker and the teardown take the world's locks: after a race (a
 * walker that unlocked another family's lock leaves a lock held for ever)
 * they can block. A thread of its own says so and ends the run.
 */
struct teardown {
	struct stress *s;
	double elapsed;
	atomic_bool checked, done;
};

static void *watch_teardown(void *arg)
{
	struct teardown *td = arg;
	const struct timespec tick = { .tv_nsec = 20 * 1000 * 1000 };
	double start = now();

	while (!atomic_load(&td->done)) {
		if (now() - start >= STRESS_GRACE_SECONDS) {
			if (!atomic_load(&td->checked))
				stress_print_summary(td->s, td->elapsed, -1);
			printf("  hang: the %s did not finish within %.0f s\nFAILED\n",
			       atomic_load(&td->checked) ? "world's teardown" : "checker",
			       STRESS_GRACE_SECONDS);
			fflush(stdout);
			_exit(1);
		}
		nanosleep(&tick, NULL);
	}
	return NULL;
}

struct violations {
	int n;
	struct stress_kept kept;
};

static void keep_violation(const char *violation, void *arg)
{
	struct violations *v = arg;
	struct stress_kept *k = &v->kept;

	if (k->n < STRESS_KEEP_REPORTS)
		snprintf(k->line[k->n++], sizeof(k->line[0]), "checker: %s", violation);
	v->n++;
}

int stress_run(const struct stress_opts *o)
{
	unsigned int nr = o->mutators + o->walkers;
	struct stress s = { .o = o };
	struct stress_thread *threads = calloc(nr ? nr : 1, sizeof(*threads));
	struct anonrmap_mm *p0;
	struct violations v = { 0 };
	int ret = 2;
	unsigned int started = 0;
	double start;

	pthread_mutex_init(&s.report_lock, NULL);
	pthread_mutex_init(&s.trace_lock, NULL);
	if (o->trace && !(s.trace = fopen(o->trace, "w"))) {
		fprintf(stderr, "anonrmap stress: %s: %s\n", o->trace, strerror(errno));
		goto out;
	}
	if (!threads || setup_world(&s, &p0))
		goto out;
	if (mm_table_init(&s.mms, o->mms, p0))
		goto out_world;
	stress_crash_handlers(&s);
	anonrmap_preempt_jitter(o->jitter, o->seed);
	start = now();
	for (; started < nr; started++) {
		struct stress_thread *t = &threads[started];
		bool mutator = started < o->mutators;

		seed_thread(t, &s, mutator ? "mutator" : "walker",
			    mutator ? started : started - o->mutators);
		atomic_fetch_add(&s.running, 1);
		errno = pthread_create(&t->tid, NULL, mutator ? stress_mutator : stress_walker, t);
		if (errno) {
			atomic_fetch_sub(&s.running, 1);
			perror("anonrmap stress: pthread_create");
			atomic_store(&s.stop, true);
			break;
		}
	}
	if (!watch(&s, start))
		report_hang(&s, threads, started, now() - start);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(threads[i].tid, NULL);
	anonrmap_preempt_jitter(0, 0);
	if (started == nr) {
		/* static: the detached watchdog may look at it after we return */
		static struct teardown td;
		pthread_t watchdog;

		td = (struct teardown){ .s = &s, .elapsed = now() - start };
		if (!pthread_create(&watchdog, NULL, watch_teardown, &td))
			pthread_detach(watchdog);
		anonrmap_check(s.world, keep_violation, &v);
		atomic_store(&td.checked, true);
		stress_print_summary(&s, td.elapsed, v.n);
		stress_print_kept(&v.kept);
		ret = v.n || atomic_load(&s.races) || atomic_load(&s.unexpected);
		printf("%s\n", ret ? "FAILED" : "clean");
		fflush(stdout);
		anonrmap_world_destroy(s.world);
		atomic_store(&td.done, true);
		s.world = NULL;
	}
	mm_table_destroy(&s.mms);
out_world:
	if (s.world)
		anonrmap_world_destroy(s.world);
out:
	if (s.trace)
		fclose(s.trace);
	free(threads);
	pthread_mutex_destroy(&s.report_lock);
	return ret;
}
