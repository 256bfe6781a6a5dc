// SPDX-License-Identifier: GPL-2.0-only
/*
 * --trace FILE: every mutator call, as a line of a version-2 scenario
 * (docs/scenario-format.md), written before the call is made. With one
 * mutator and no walkers the file is the run itself, and `anonrmap replay`
 * repeats it exactly, so a failure found by stress can be cut down to its
 * smallest scenario; with more threads the lines are in the order the
 * calls started, which is only one of the orders they ran in.
 */
#include <stdarg.h>
#include <stdio.h>

#include "stress/stress.h"

void stress_trace(struct stress_thread *t, const char *fmt, ...)
{
	struct stress *s = t->s;
	va_list ap;

	if (!s->trace)
		return;
	pthread_mutex_lock(&s->trace_lock);
	va_start(ap, fmt);
	vfprintf(s->trace, fmt, ap);
	va_end(ap);
	fputc('\n', s->trace);
	/* a crash must not lose the line of the call that crashed */
	fflush(s->trace);
	pthread_mutex_unlock(&s->trace_lock);
}

const char *stress_prot(int prot)
{
	static const char *const names[] = { "---", "r--", "-w-", "rw-" };

	return names[prot & 3];
}

/*
 * The mm's name in the trace: P0, then the name its fork line gave it.
 * The names are written once, before any thread reads them.
 */
const char *stress_mm_name(struct stress *s, struct anonrmap_mm *mm)
{
	const char *name = NULL;

	pthread_mutex_lock(&s->mms.lock);
	if (anonrmap_mm_id(mm) < s->mms.nr)
		name = s->mms.slot[anonrmap_mm_id(mm)].name;
	pthread_mutex_unlock(&s->mms.lock);
	return name ? name : "P?";
}
