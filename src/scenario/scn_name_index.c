// SPDX-License-Identifier: GPL-2.0-only
/* The hash index from process and file names to their slots. */
#include "scenario/parser.h"

/* ---- name index ---- */

static uint64_t hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int scn_ni_find(const struct name_index *ni, char (*names)[SCN_NAME_MAX], const char *s)
{
	size_t i;

	if (!ni->cap)
		return -1;
	for (i = hash_name(s) & (ni->cap - 1); ni->slot[i]; i = (i + 1) & (ni->cap - 1))
		if (!strcmp(names[ni->slot[i] - 1], s))
			return ni->slot[i] - 1;
	return -1;
}

static void ni_put(struct name_index *ni, char (*names)[SCN_NAME_MAX], int idx)
{
	size_t i = hash_name(names[idx]) & (ni->cap - 1);

	while (ni->slot[i])
		i = (i + 1) & (ni->cap - 1);
	ni->slot[i] = idx + 1;
	ni->used++;
}

/* @names[@idx] must not be in the index yet. */
int scn_ni_add(struct name_index *ni, char (*names)[SCN_NAME_MAX], int idx)
{
	if ((ni->used + 1) * 2 > ni->cap) {
		struct name_index bigger = { .cap = ni->cap ? ni->cap * 2 : 16 };
		size_t i;

		bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
		if (!bigger.slot)
			return -ENOMEM;
		for (i = 0; i < ni->cap; i++)
			if (ni->slot[i])
				ni_put(&bigger, names, ni->slot[i] - 1);
		free(ni->slot);
		*ni = bigger;
	}
	ni_put(ni, names, idx);
	return 0;
}

void scn_ni_free(struct name_index *ni)
{
	free(ni->slot);
	memset(ni, 0, sizeof(*ni));
}

/*
 * Returns @arr (of *@cap elements of @size) grown to hold at least @need, or
 * NULL with @arr untouched; *@cap is updated only on success.
 */
void *scn_grow_array(void *arr, size_t size, size_t *cap, size_t need)
{
	size_t ncap = *cap ? *cap : 8;
	void *n;

	if (need <= *cap)
		return arr;
	while (ncap < need)
		ncap *= 2;
	n = realloc(arr, ncap * size);
	if (n)
		*cap = ncap;
	return n;
}

