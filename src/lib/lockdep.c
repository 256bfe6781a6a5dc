// SPDX-License-Identifier: GPL-2.0-only
#include "lib/lockdep.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Deeper than any path of the model: fork holds five at most. */
#define MAX_LOCK_DEPTH 32

struct held_lock {
	struct lockdep_map *map;
	unsigned int subclass;
	bool read;
};

static __thread struct held_lock held[MAX_LOCK_DEPTH];
static __thread int depth;
static __thread int rcu_depth;

static lockdep_report_fn report_fn;
static void *report_arg;

void lockdep_set_report(lockdep_report_fn fn, void *arg)
{
	report_fn = fn;
	report_arg = arg;
}

void lockdep_report(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (report_fn) {
		report_fn(msg, report_arg);
		return;
	}
	fprintf(stderr, "lockdep: %s\n", msg);
	abort();
}

void lockdep_init_map(struct lockdep_map *map, const struct lock_class_key *key)
{
	map->key = key;
}

static const char *name_of(const struct lockdep_map *map)
{
	return map->key ? map->key->name : "(uninitialised lock)";
}

void lock_acquire(struct lockdep_map *map, unsigned int subclass, bool trylock, bool read)
{
	if (!map->key) {
		lockdep_report("taking %s", name_of(map));
		return;
	}
	for (int i = 0; i < depth && !trylock; i++) {
		const struct held_lock *h = &held[i];
		enum lock_rank hr = h->map->key->rank, nr = map->key->rank;

		if (h->map == map) {
			lockdep_report("taking %s (rank %d) again while holding it", name_of(map),
				       nr);
			return;
		}
		if (nr < hr || (nr == hr && subclass <= h->subclass)) {
			lockdep_report("lock order: taking %s (rank %d, subclass %u) while holding "
				       "%s (rank %d, subclass %u)",
				       name_of(map), nr, subclass, name_of(h->map), hr, h->subclass);
			return;
		}
	}
	if (depth == MAX_LOCK_DEPTH) {
		lockdep_report("more than %d locks held", MAX_LOCK_DEPTH);
		return;
	}
	held[depth++] = (struct held_lock){ .map = map, .subclass = subclass, .read = read };
}

static int find_held(const struct lockdep_map *map)
{
	for (int i = depth - 1; i >= 0; i--)
		if (held[i].map == map)
			return i;
	return -1;
}

void lock_release(struct lockdep_map *map)
{
	int i = find_held(map);

	if (i < 0) {
		lockdep_report("releasing %s, which this thread does not hold", name_of(map));
		return;
	}
	for (; i < depth - 1; i++)
		held[i] = held[i + 1];
	depth--;
}

void lock_downgrade(struct lockdep_map *map)
{
	int i = find_held(map);

	if (i < 0 || held[i].read) {
		lockdep_report("downgrading %s, which this thread does not hold for writing",
			       name_of(map));
		return;
	}
	held[i].read = true;
}

int lock_held_type(const struct lockdep_map *map)
{
	int i = find_held(map);

	if (i < 0)
		return 0;
	return held[i].read ? 2 : 1;
}

int lockdep_depth(void)
{
	return depth;
}

void lockdep_rcu_read_lock(void)
{
	rcu_depth++;
}

void lockdep_rcu_read_unlock(void)
{
	if (rcu_depth == 0) {
		lockdep_report("rcu_read_unlock() outside a read-side section");
		return;
	}
	rcu_depth--;
}

bool rcu_read_lock_held(void)
{
	return rcu_depth > 0;
}
