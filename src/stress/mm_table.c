// SPDX-License-Identifier: GPL-2.0-only
/*
 * The address spaces of a stress run, shared by its mutators. The table
 * only decides who may still pick an mm: a thread that picked one calls on
 * it without the table's lock held, so an exit can land in the middle of
 * its call, which the library must then answer with -ESRCH. Slots are
 * indexed by anonrmap_mm_id(), so a walker's callback can tell in O(1)
 * whether an mm it was handed is one this run created.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <anonrmap/ops.h>

#include "stress/stress.h"

static int table_grow(struct mm_table *t, unsigned int id)
{
	unsigned int cap = t->cap ? t->cap : 64;
	struct stress_mm *slot;

	while (cap <= id)
		cap *= 2;
	if (cap == t->cap)
		return 0;
	slot = realloc(t->slot, cap * sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	for (unsigned int i = t->cap; i < cap; i++)
		slot[i] = (struct stress_mm){ 0 };
	t->slot = slot;
	t->cap = cap;
	return 0;
}

/* Called with t->lock held. */
static int table_add(struct mm_table *t, struct anonrmap_mm *mm, const char *name)
{
	unsigned int id = anonrmap_mm_id(mm);
	int ret = table_grow(t, id);

	if (ret)
		return ret;
	t->slot[id].mm = mm;
	snprintf(t->slot[id].name, sizeof(t->slot[id].name), "%s", name);
	t->live_ids[t->live++] = id;
	if (id >= t->nr)
		t->nr = id + 1;
	return 0;
}

int mm_table_init(struct mm_table *t, unsigned int max_live, struct anonrmap_mm *p0)
{
	*t = (struct mm_table){ .max_live = max_live };
	pthread_mutex_init(&t->lock, NULL);
	t->live_ids = calloc(max_live, sizeof(*t->live_ids));
	if (!t->live_ids)
		return -ENOMEM;
	return table_add(t, p0, "P0");
}

void mm_table_destroy(struct mm_table *t)
{
	free(t->slot);
	free(t->live_ids);
	pthread_mutex_destroy(&t->lock);
}

struct anonrmap_mm *mm_table_pick(struct mm_table *t, uint64_t which)
{
	struct anonrmap_mm *mm = NULL;

	pthread_mutex_lock(&t->lock);
	if (t->live)
		mm = t->slot[t->live_ids[which % t->live]].mm;
	pthread_mutex_unlock(&t->lock);
	return mm;
}

static struct stress_mm *slot_of(struct mm_table *t, struct anonrmap_mm *mm)
{
	unsigned int id = anonrmap_mm_id(mm);

	return id < t->nr && t->slot[id].mm == mm ? &t->slot[id] : NULL;
}

bool mm_table_exited(struct mm_table *t, struct anonrmap_mm *mm)
{
	struct stress_mm *slot;
	bool exited;

	pthread_mutex_lock(&t->lock);
	slot = slot_of(t, mm);
	exited = slot && slot->exited;
	pthread_mutex_unlock(&t->lock);
	return exited;
}

bool mm_table_known(struct mm_table *t, struct anonrmap_mm *mm)
{
	bool known;

	pthread_mutex_lock(&t->lock);
	known = slot_of(t, mm) || t->forking;
	pthread_mutex_unlock(&t->lock);
	return known;
}

/*
 * A live slot is reserved before the fork runs, so that concurrent forks
 * cannot overshoot --mms; a failed fork gives it back.
 */
int stress_fork(struct stress_thread *t, uint64_t which)
{
	struct mm_table *tab = &t->s->mms;
	struct anonrmap_mm *child = NULL;
	char name[24];
	int ret;

	pthread_mutex_lock(&tab->lock);
	if (tab->live + tab->forking >= tab->max_live) {
		pthread_mutex_unlock(&tab->lock);
		return 1;
	}
	tab->forking++;
	t->mm = tab->slot[tab->live_ids[which % tab->live]].mm;
	pthread_mutex_unlock(&tab->lock);

	snprintf(name, sizeof(name), "C%u_%llu", t->index, t->iteration);
	stress_trace(t, "fork %s %s", stress_mm_name(t->s, t->mm), name);
	ret = anonrmap_fork(t->mm, &child);

	pthread_mutex_lock(&tab->lock);
	tab->forking--;
	if (!ret && table_add(tab, child, name))
		ret = -ENOMEM;
	pthread_mutex_unlock(&tab->lock);
	return ret;
}

/* The last live address space is never exited: the mutators need one. */
int stress_exit(struct stress_thread *t, uint64_t which)
{
	struct mm_table *tab = &t->s->mms;
	unsigned int k, id;

	pthread_mutex_lock(&tab->lock);
	if (tab->live <= 1) {
		pthread_mutex_unlock(&tab->lock);
		return 1;
	}
	k = which % tab->live;
	id = tab->live_ids[k];
	tab->live_ids[k] = tab->live_ids[--tab->live];
	tab->slot[id].exited = true;
	t->mm = tab->slot[id].mm;
	pthread_mutex_unlock(&tab->lock);

	stress_trace(t, "exit %s", stress_mm_name(t->s, t->mm));
	return anonrmap_exit(t->mm);
}
