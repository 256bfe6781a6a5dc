// SPDX-License-Identifier: GPL-2.0-only
#include "lib/ptr_set.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t slot_of(const void *p, size_t nr_slots)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 20) & (nr_slots - 1);
}

long ptr_set_find(const struct ptr_set *s, const void *p)
{
	if (!s->nr_slots)
		return -1;
	for (size_t i = slot_of(p, s->nr_slots);; i = (i + 1) & (s->nr_slots - 1)) {
		long idx = s->slots[i];

		if (!idx)
			return -1;
		if (s->p[idx - 1] == p)
			return idx - 1;
	}
}

static void rehash(struct ptr_set *s, size_t nr_slots)
{
	long *slots = calloc(nr_slots, sizeof(*slots));

	if (!slots)
		abort();	/* the checker cannot report half a result */
	for (size_t k = 0; k < s->nr; k++) {
		size_t i = slot_of(s->p[k], nr_slots);

		while (slots[i])
			i = (i + 1) & (nr_slots - 1);
		slots[i] = (long)k + 1;
	}
	free(s->slots);
	s->slots = slots;
	s->nr_slots = nr_slots;
}

long ptr_set_add(struct ptr_set *s, void *p)
{
	long i = ptr_set_find(s, p);
	size_t slot;

	if (i >= 0)
		return i;
	if (s->nr == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;

		s->p = realloc(s->p, cap * sizeof(*s->p));
		if (!s->p)
			abort();
		for (int k = 0; k < PTR_SET_COUNTS; k++) {
			s->count[k] = realloc(s->count[k], cap * sizeof(long));
			if (!s->count[k])
				abort();
		}
		s->cap = cap;
	}
	s->p[s->nr] = p;
	for (int k = 0; k < PTR_SET_COUNTS; k++)
		s->count[k][s->nr] = 0;
	s->nr++;
	if (2 * s->nr > s->nr_slots) {
		rehash(s, s->nr_slots ? 2 * s->nr_slots : 64);
	} else {
		for (slot = slot_of(p, s->nr_slots); s->slots[slot]; slot = (slot + 1) & (s->nr_slots - 1))
			;
		s->slots[slot] = (long)s->nr;
	}
	return (long)s->nr - 1;
}

void ptr_set_bump(struct ptr_set *s, void *p, int which)
{
	long i = ptr_set_add(s, p);

	s->count[which][i]++;
}

void ptr_set_free(struct ptr_set *s)
{
	free(s->p);
	for (int k = 0; k < PTR_SET_COUNTS; k++)
		free(s->count[k]);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}
