// SPDX-License-Identifier: GPL-2.0-only
/*
 * The workload the ANON_VMA_LAZY cover letter measured on a phone: boot,
 * then launch 24 apps. Android starts every app by forking the zygote, a
 * process that has preloaded the system libraries, so an app's address
 * space begins as a copy of the zygote's and everything it writes there is
 * copy-on-write. What the app maps itself is never shared, unless the app
 * forks in turn (a helper that execs), which is when a lazy design has to
 * create the anon_vmas it put off.
 */
#include <errno.h>
#include <stdlib.h>

#include "bench/image.h"

enum { P_APPS, P_SIZE, P_SERVICES, P_BOOT_APPS, P_FORK_PCT, P_KILL_PCT };

/* Per-process counts at --size 1; --size multiplies all of them. */
#define INIT_LIBS 8
#define INIT_ANON 32
#define INIT_STACKS 4
#define SERVICE_ANON 16
#define SERVICE_STACKS 2
#define SYSTEM_LIBS 24
#define ZYGOTE_ANON 64
#define ZYGOTE_STACKS 8
#define APP_LIBS 3
#define APP_ANON 64
#define APP_STACKS 8
/* of the zygote heap regions, the share an app writes into */
#define APP_COW_PCT 30

static const struct bench_param params[] = {
	[P_APPS] = { "apps", "apps launched from the zygote after boot",
		     { 4, 24, 24 }, 0, 10000, false },
	[P_SIZE] = { "size", "multiplies every per-process library, region and stack count",
		     { 1, 1, 54 }, 1, 200, true },
	[P_SERVICES] = { "services", "native daemons forked from init at boot",
			 { 2, 3, 40 }, 0, 10000, false },
	[P_BOOT_APPS] = { "boot-apps", "zygote children started at boot (system_server, launcher, ...)",
			  { 1, 2, 23 }, 0, 10000, false },
	[P_FORK_PCT] = { "fork-percent", "share of apps that fork a helper at runtime",
			 { 41, 41, 41 }, 0, 100, false },
	[P_KILL_PCT] = { "kill-percent", "chance, from the 5th launch on, that the low-memory "
			 "killer takes an earlier app, which is launched again",
			 { 25, 25, 25 }, 0, 100, false },
};

static const struct bench_phase phases[] = {
	{ "boot", "After boot" },
	{ "apps", "After launching the apps" },
};

/* ANON_VMA_LAZY v1 cover letter, "Memory impact" (active KB). */
static const struct bench_reference cover_letter = {
	"ANON_VMA_LAZY v1 cover letter (phone)",
	{
		{ { 117035, 118176 }, { 18865.8, 8112.06 }, { 20426.4, 613.75 } },
		{ { 196873, 197345 }, { 31477.1, 15576.8 }, { 33280, 2648.12 } },
	},
};

struct app {
	struct proc proc;
	struct lib *libs;	/* NULL until the first launch */
};

struct android {
	struct bench_ctx *c;
	unsigned int s;
	struct lib *libs;	/* the system libraries */
	struct proc init, zygote;
	struct regions zygote_heap;
	struct app *apps;	/* boot apps first, then launched apps */
	unsigned int launches;
};

/*
 * A helper process: fork, write a page of the heap the way the code between
 * fork and exec does, then exec, which for the rmap is the child's address
 * space going away.
 */
static int fork_helper(struct android *a, struct proc *pr, uint64_t heap)
{
	struct bench_ctx *c = a->c;
	struct proc child;

	BENCH_TRY(c->t, spawn(c, pr, &child));
	BENCH_TRY(c->t, c->t->ops->touch(c->t, child.id, heap, PAGE, true));
	return proc_exit(c, &child);
}

/*
 * The churn a running app causes in its own regions: mprotect of part of
 * one (one VMA becomes three), MADV_DONTNEED, munmap.
 */
static int app_churn(struct android *a, struct proc *pr, const struct regions *own)
{
	struct bench_target *t = a->c->t;
	struct rng *r = &a->c->rng;

	for (size_t i = 0; i < own->n; i++) {
		const struct region *g = &own->v[i];
		unsigned int roll = rnd(r, 0, 99);

		if (roll < 10 && g->pages >= 3) {
			unsigned int n = rnd(r, 1, g->pages - 2);
			unsigned int off = rnd(r, 1, g->pages - 1 - n);

			BENCH_TRY(t, t->ops->mprotect(t, pr->id, g->addr + off * PAGE, n * PAGE,
						      PROT_R));
		} else if (roll < 20) {
			BENCH_TRY(t, t->ops->madvise(t, pr->id, g->addr, g->pages * PAGE,
						     SCN_MADV_DONTNEED));
		} else if (roll < 25) {
			BENCH_TRY(t, t->ops->munmap(t, pr->id, g->addr, g->pages * PAGE));
		}
	}
	return 0;
}

static int app_body(struct android *a, struct app *app, struct regions *own)
{
	struct bench_ctx *c = a->c;
	struct bench_target *t = c->t;
	struct proc *pr = &app->proc;
	unsigned int s = a->s;
	uint64_t heap;

	BENCH_TRY(t, cow_some(c, pr, &a->zygote_heap, APP_COW_PCT));
	/* An app's native libraries are the same files at every launch. */
	if (!app->libs) {
		app->libs = calloc(APP_LIBS * s, sizeof(*app->libs));
		if (!app->libs)
			return bench_fail(t, -ENOMEM, "calloc", __FILE__, __LINE__);
		for (unsigned int i = 0; i < APP_LIBS * s; i++)
			BENCH_TRY(t, lib_create(c, &app->libs[i]));
	}
	for (unsigned int i = 0; i < APP_LIBS * s; i++)
		BENCH_TRY(t, lib_load(c, pr, &app->libs[i]));
	BENCH_TRY(t, anon_regions(c, pr, APP_ANON * s, own));
	BENCH_TRY(t, stacks(c, pr, APP_STACKS * s));
	BENCH_TRY(t, app_churn(a, pr, own));

	/* brk-like: grow in place into reserved headroom, then use the growth */
	heap = place(pr, 16, 48);
	BENCH_TRY(t, t->ops->mmap(t, pr->id, heap, 16 * PAGE, PROT_RW, -1, 0));
	BENCH_TRY(t, t->ops->touch(t, pr->id, heap, 16 * PAGE, true));
	BENCH_TRY(t, t->ops->mremap(t, pr->id, heap, 16 * PAGE, 64 * PAGE, false, 0));
	BENCH_TRY(t, t->ops->touch(t, pr->id, heap + 16 * PAGE, rnd(&c->rng, 1, 48) * PAGE,
				   true));

	if (chance(&c->rng, c->p[P_FORK_PCT]))
		BENCH_TRY(t, fork_helper(a, pr, heap));
	return 0;
}

/*
 * One app start: fork from the zygote, dirty part of the inherited heap,
 * load the app's own libraries, map and use its own heap and stacks.
 */
static int app_launch(struct android *a, struct app *app)
{
	struct regions own = { 0 };
	int rc;

	BENCH_TRY(a->c->t, spawn(a->c, &a->zygote, &app->proc));
	a->launches++;
	rc = app_body(a, app, &own);
	free(own.v);
	return rc;
}

static int boot(struct android *a)
{
	struct bench_ctx *c = a->c;
	struct bench_target *t = c->t;
	unsigned int s = a->s, nr_libs = SYSTEM_LIBS * s;

	for (unsigned int i = 0; i < nr_libs; i++)
		BENCH_TRY(t, lib_create(c, &a->libs[i]));
	for (unsigned int i = 0; i < INIT_LIBS * s; i++)
		BENCH_TRY(t, lib_load(c, &a->init, &a->libs[i]));
	BENCH_TRY(t, anon_regions(c, &a->init, INIT_ANON * s, NULL));
	BENCH_TRY(t, stacks(c, &a->init, INIT_STACKS * s));

	for (unsigned int i = 0; i < c->p[P_SERVICES]; i++) {
		struct proc sv;

		BENCH_TRY(t, spawn(c, &a->init, &sv));
		BENCH_TRY(t, anon_regions(c, &sv, SERVICE_ANON * s, NULL));
		BENCH_TRY(t, stacks(c, &sv, SERVICE_STACKS * s));
		if (c->progress)
			c->progress(c, "boot: service %u of %u", i + 1, c->p[P_SERVICES]);
	}

	/* The zygote preloads the other system libraries and its own heap. */
	BENCH_TRY(t, spawn(c, &a->init, &a->zygote));
	for (unsigned int i = INIT_LIBS * s; i < nr_libs; i++)
		BENCH_TRY(t, lib_load(c, &a->zygote, &a->libs[i]));
	BENCH_TRY(t, anon_regions(c, &a->zygote, ZYGOTE_ANON * s, &a->zygote_heap));
	BENCH_TRY(t, stacks(c, &a->zygote, ZYGOTE_STACKS * s));

	for (unsigned int i = 0; i < c->p[P_BOOT_APPS]; i++) {
		BENCH_TRY(t, app_launch(a, &a->apps[i]));
		if (c->progress)
			c->progress(c, "boot: app %u of %u", i + 1, c->p[P_BOOT_APPS]);
	}
	return t->ops->phase(t, 0);
}

static int launch_apps(struct android *a)
{
	struct bench_ctx *c = a->c;
	struct bench_target *t = c->t;
	struct app *apps = a->apps + c->p[P_BOOT_APPS];
	unsigned int n = c->p[P_APPS];

	for (unsigned int i = 0; i < n; i++) {
		BENCH_TRY(t, app_launch(a, &apps[i]));
		/* The low-memory killer takes an earlier app; the user reopens it. */
		if (i >= 4 && chance(&c->rng, c->p[P_KILL_PCT])) {
			struct app *victim = &apps[rnd(&c->rng, 0, i - 1)];

			BENCH_TRY(t, proc_exit(c, &victim->proc));
			BENCH_TRY(t, app_launch(a, victim));
		}
		if (c->progress)
			c->progress(c, "app %u of %u", i + 1, n);
	}
	return t->ops->phase(t, 1);
}

static int android_run(struct bench_ctx *c)
{
	unsigned int nr_apps = c->p[P_BOOT_APPS] + c->p[P_APPS];
	struct android a = { .c = c, .s = c->p[P_SIZE] };
	int rc = -ENOMEM;

	proc_init(&a.init);
	a.libs = calloc(SYSTEM_LIBS * a.s, sizeof(*a.libs));
	a.apps = calloc(nr_apps ? nr_apps : 1, sizeof(*a.apps));
	if (!a.libs || !a.apps)
		rc = bench_fail(c->t, -ENOMEM, "calloc", __FILE__, __LINE__);
	else if (!(rc = boot(&a)))
		rc = launch_apps(&a);
	for (unsigned int i = 0; a.apps && i < nr_apps; i++)
		free(a.apps[i].libs);
	free(a.apps);
	free(a.libs);
	free(a.zygote_heap.v);
	return rc;
}

const struct bench_workload bench_android = {
	.name = "android",
	.summary = "boot a phone, then launch apps from the zygote (the cover letter's case)",
	.describe =
		"Boot: init loads 8 x size of 24 x size system libraries (r--, r-x, rw- file\n"
		"segments + anonymous bss, RELRO split off), maps 32 x size anonymous regions\n"
		"and 4 x size thread stacks; SERVICES daemons fork from init (16 x size\n"
		"regions, 2 x size stacks each); the zygote forks from init, preloads the\n"
		"other libraries, 64 x size heap regions and 8 x size stacks; BOOT-APPS\n"
		"apps start from it. Then APPS apps start: each forks from the zygote,\n"
		"writes into ~30% of the zygote heap (CoW), loads 3 x size libraries, maps\n"
		"64 x size regions, 8 x size stacks and a heap grown by mremap; ~10% of its\n"
		"regions are split by mprotect, ~10% get MADV_DONTNEED, ~5% are unmapped;\n"
		"FORK-PERCENT % of apps then fork a helper that writes one page and execs\n"
		"(exits). From the 5th app on, each launch kills an earlier app with\n"
		"KILL-PERCENT % chance and launches it again. Of anonymous regions ~40%\n"
		"are partly written, ~15% partly read, the rest never touched.",
	.params = params,
	.nr_params = sizeof(params) / sizeof(params[0]),
	.phases = phases,
	.nr_phases = 2,
	.reference = &cover_letter,
	.run = android_run,
};
