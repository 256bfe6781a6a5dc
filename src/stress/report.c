// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a stress run found, and with which thread and op: results of every
 * call by outcome, the library's race reports, failures of the run's own
 * checks, and crash signals. Reports arrive from inside the library's
 * locks, so they are only counted and copied here; printing waits for the
 * end of the run.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <anonrmap/config.h>

#include "lib/sanitizer.h"
#include "stress/stress.h"

static __thread struct stress_thread *current;

void stress_thread_enter(struct stress_thread *t)
{
	current = t;
}

static bool admitted(int err, const int *legit)
{
	for (; *legit; legit++)
		if (*legit == err)
			return true;
	return false;
}

/* "walker 1 iteration 42 migrate" with the op's arguments, into @buf. */
static void context(const struct stress_thread *t, char *buf, size_t len)
{
	int n;

	if (!t) {
		snprintf(buf, len, "outside any stress thread");
		return;
	}
	n = snprintf(buf, len, "%s %u iteration %llu %s", t->kind, t->index, t->iteration,
		     stress_op_name[t->op]);
	if (t->mm && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, " mm %u", anonrmap_mm_id(t->mm));
	if (t->len && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, " [%#llx, +%#llx)", (unsigned long long)t->addr,
			      (unsigned long long)t->len);
	if (t->how[0] && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " %s", t->how);
}

/* Races and failures are kept apart, so that many of one hide none of the other. */
static void keep(struct stress *s, struct stress_kept *k, const char *what,
		 const struct stress_thread *t)
{
	char ctx[200];

	pthread_mutex_lock(&s->report_lock);
	if (k->n < STRESS_KEEP_REPORTS) {
		context(t, ctx, sizeof(ctx));
		snprintf(k->line[k->n++], sizeof(k->line[0]), "%s (%s)", what, ctx);
	}
	pthread_mutex_unlock(&s->report_lock);
}

void stress_failure(struct stress_thread *t, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	atomic_fetch_add(&t->s->unexpected, 1);
	keep(t->s, &t->s->kept_failures, what, t);
}

void stress_result(struct stress_thread *t, int ret, const int *legit)
{
	enum stress_outcome out;

	if (ret >= 0)
		out = OUT_OK;
	else if (ret == -ESRCH && t->op != OP_EXIT && t->mm && mm_table_exited(&t->s->mms, t->mm))
		out = OUT_ESRCH;
	else if (admitted(-ret, legit))
		out = OUT_LEGIT;
	else if (t->op_races)
		out = OUT_AFTER_RACE;
	else
		out = OUT_UNEXPECTED;
	t->op_races = 0;
	atomic_fetch_add_explicit(&t->s->c.n[t->op][out], 1, memory_order_relaxed);
	if (out == OUT_UNEXPECTED)
		stress_failure(t, "%s returned %d (%s)", stress_op_name[t->op], ret, strerror(-ret));
}

void stress_race_report(const char *violation, void *arg)
{
	struct stress *s = arg;
	char what[200];

	atomic_fetch_add(&s->races, 1);
	if (current)
		current->op_races++;
	if (s->o->until_race)
		atomic_store(&s->stop, true);
	snprintf(what, sizeof(what), "race: %s", violation);
	keep(s, &s->kept_races, what, current);
}

/* Async-signal-safe: write() and hand-made numbers only. */
static void put(const char *str)
{
	ssize_t unused = write(STDERR_FILENO, str, strlen(str));

	(void)unused;
}

static void put_num(unsigned long long v)
{
	char buf[24];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v && i);
	put(buf + i);
}

static struct stress *crash_run;

static void put_kept(const struct stress_kept *k)
{
	for (unsigned int i = 0; i < k->n && i < STRESS_KEEP_REPORTS; i++) {
		put("  ");
		put(k->line[i]);
		put("\n");
	}
}

/*
 * What was kept before the crash is printed too, unlocked: a walker that
 * reported a freed anon_vma and then walked it crashes for the reason it
 * reported, and that report is the one to read.
 */
static void crash(int sig)
{
	struct stress *s = crash_run;

	put("anonrmap stress: crash: signal ");
	put_num(sig);
	if (current) {
		put(" in ");
		put(current->kind);
		put(" ");
		put_num(current->index);
		put(" iteration ");
		put_num(current->iteration);
		put(" ");
		put(stress_op_name[current->op]);
	}
	put("\n");
	if (s) {
		put_kept(&s->kept_races);
		put_kept(&s->kept_failures);
		put("race reports: ");
		put_num(atomic_load(&s->races));
		put(", unexpected results: ");
		put_num(atomic_load(&s->unexpected));
		put(", checker not run (crashed)\n");
	}
	_exit(1);
}

#if defined(ANONRMAP_ASAN) || defined(ANONRMAP_TSAN)
#define SANITIZED 1
#endif

void stress_crash_handlers(struct stress *s)
{
	/* a sanitizer's own report of a bad access says more than ours */
#ifdef SANITIZED
	static const int sigs[] = { SIGABRT };
#else
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#endif
	struct sigaction sa = { .sa_handler = crash };

	crash_run = s;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static unsigned long long count(struct stress *s, int op, int out)
{
	return atomic_load(&s->c.n[op][out]);
}

void stress_print_kept(const struct stress_kept *k)
{
	for (unsigned int i = 0; i < k->n; i++)
		printf("  %s\n", k->line[i]);
}

void stress_totals(struct stress *s, unsigned long long *mut, unsigned long long *grabs)
{
	*mut = *grabs = 0;
	for (int out = 0; out < NR_OUTCOMES; out++) {
		for (int op = 0; op < NR_MUTATOR_OPS; op++)
			*mut += count(s, op, out);
		*grabs += count(s, OP_GRAB, out);
	}
}

void stress_print_summary(struct stress *s, double elapsed, int violations)
{
	const struct stress_opts *o = s->o;
	unsigned long long mut, walk;
	char cfg[512];

	anonrmap_config_format(&o->cfg, cfg, sizeof(cfg));
	stress_totals(s, &mut, &walk);
	printf("anonrmap stress --mode %s --seed %llu --mutators %u --walkers %u --mms %u "
	       "--jitter %u %s\n",
	       o->mode, (unsigned long long)o->seed, o->mutators, o->walkers, o->mms, o->jitter,
	       cfg);
	printf("elapsed %.2f s: %llu mutator ops (%.0f/s), %llu folio grabs (%.0f/s), "
	       "%llu found none\n",
	       elapsed, mut, elapsed > 0 ? mut / elapsed : 0.0, walk,
	       elapsed > 0 ? walk / elapsed : 0.0, (unsigned long long)atomic_load(&s->c.no_folio));
	printf("%-12s %10s %10s %10s %10s %10s %10s\n", "op", "calls", "ok", "mm-exited",
	       "errno-ok", "after-race", "unexpected");
	for (int op = 0; op < NR_STRESS_OPS; op++) {
		unsigned long long n[NR_OUTCOMES], all = 0;

		for (int out = 0; out < NR_OUTCOMES; out++)
			all += n[out] = count(s, op, out);
		printf("%-12s %10llu %10llu %10llu %10llu %10llu %10llu\n", stress_op_name[op], all,
		       n[OUT_OK], n[OUT_ESRCH], n[OUT_LEGIT], n[OUT_AFTER_RACE], n[OUT_UNEXPECTED]);
	}
	printf("rmap walks handed out %llu (mm, address) pairs; ageing counted %llu mappings\n",
	       (unsigned long long)atomic_load(&s->c.candidates),
	       (unsigned long long)atomic_load(&s->c.referenced));
	stress_print_kept(&s->kept_races);
	stress_print_kept(&s->kept_failures);
	printf("race reports: %llu, unexpected results: %llu, ",
	       (unsigned long long)atomic_load(&s->races),
	       (unsigned long long)atomic_load(&s->unexpected));
	if (violations < 0)
		printf("checker not run or not finished (hung)\n");
	else
		printf("checker violations: %d\n", violations);
}
