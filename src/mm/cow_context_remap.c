// SPDX-License-Identifier: GPL-2.0-only
/*
 * The remap tree of a cow_context, as the proof of concept shapes its
 * values (docs/cowctx.md "The remap tree"): adds are clipped to their range
 * by splitting the entries at both ends; removals and rewrites are clipped
 * only when asked, because the PoC applies them to whole overlapping
 * entries and that difference is one of its findings.
 *
 * The PoC stores into the maple tree from hooks that return nothing and
 * cannot unwind (mremap after the page tables moved, unlink on the way
 * out), so these allocations are not failure sites: malloc failing here
 * aborts, which is what a GFP_KERNEL | __GFP_NOFAIL store would do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/cow_context.h"

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		perror("cow_context remap tree");
		abort();
	}
	return p;
}

/* Index of the first entry whose last >= @pgoff. */
static int first_ending_at_or_after(const struct remap_tree *t, pgoff_t pgoff)
{
	int lo = 0, hi = t->nr;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (t->e[mid].last < pgoff)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void insert_at(struct remap_tree *t, int i, const struct remap_entry *e)
{
	if (t->nr == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 4;
		t->e = xrealloc(t->e, t->cap * sizeof(*t->e));
	}
	memmove(&t->e[i + 1], &t->e[i], (t->nr - i) * sizeof(*t->e));
	t->e[i] = *e;
	t->nr++;
}

static void delete_at(struct remap_tree *t, int i)
{
	free(t->e[i].offs);
	memmove(&t->e[i], &t->e[i + 1], (t->nr - i - 1) * sizeof(*t->e));
	t->nr--;
}

static struct remap_entry simple_entry(pgoff_t start, pgoff_t last, long off)
{
	struct remap_entry e = { .start = start, .last = last, .nr = 1, .cap = 1 };

	e.offs = xrealloc(NULL, sizeof(long));
	e.offs[0] = off;
	return e;
}

/* split_remap(): each half owns its own copy of a multi array. */
static void split_before(struct remap_tree *t, pgoff_t pgoff)
{
	int i = first_ending_at_or_after(t, pgoff);
	struct remap_entry hi;

	if (i == t->nr || t->e[i].start >= pgoff)
		return;
	hi = t->e[i];
	hi.start = pgoff;
	hi.offs = xrealloc(NULL, hi.cap * sizeof(long));
	memcpy(hi.offs, t->e[i].offs, hi.nr * sizeof(long));
	t->e[i].last = pgoff - 1;
	insert_at(t, i + 1, &hi);
}

static int find_off(const struct remap_entry *e, long off)
{
	for (int i = 0; i < e->nr; i++)
		if (e->offs[i] == off)
			return i;
	return -1;
}

/*
 * __dynarray_append_value(): a simple entry becomes a two-slot heap array
 * first, even when @off is already its offset; arrays double when full.
 */
static void entry_append(struct remap_entry *e, long off)
{
	int i;

	if (!e->multi) {
		e->multi = true;
		e->cap = 2;
		e->offs = xrealloc(e->offs, e->cap * sizeof(long));
	}
	if (find_off(e, off) >= 0)
		return;
	if (e->nr == e->cap) {
		e->cap *= 2;
		e->offs = xrealloc(e->offs, e->cap * sizeof(long));
	}
	for (i = e->nr; i > 0 && e->offs[i - 1] > off; i--)
		e->offs[i] = e->offs[i - 1];
	e->offs[i] = off;
	e->nr++;
}

/*
 * shrink_remaps(): from two offsets the array goes back to a simple entry,
 * from more it keeps its capacity. Returns false when the entry is empty.
 */
static bool entry_drop(struct remap_entry *e, int i)
{
	memmove(&e->offs[i], &e->offs[i + 1], (e->nr - i - 1) * sizeof(long));
	e->nr--;
	if (e->multi && e->nr == 1) {
		e->multi = false;
		e->cap = 1;
	}
	return e->nr > 0;
}

void remap_add(struct remap_tree *t, pgoff_t start, pgoff_t last, long off)
{
	pgoff_t next = start;
	int i;

	split_before(t, start);
	split_before(t, last + 1);
	i = first_ending_at_or_after(t, start);
	while (next <= last) {
		if (i < t->nr && t->e[i].start <= next) {
			entry_append(&t->e[i], off);
			next = t->e[i].last + 1;
			i++;
		} else {
			pgoff_t end = (i < t->nr && t->e[i].start <= last) ? t->e[i].start - 1 : last;
			struct remap_entry e = simple_entry(next, end, off);

			insert_at(t, i, &e);
			next = end + 1;
			i++;
		}
		if (next == 0)	/* wrapped past the last pgoff */
			break;
	}
}

void remap_remove(struct remap_tree *t, pgoff_t start, pgoff_t last, long off, bool clip)
{
	if (clip) {
		split_before(t, start);
		split_before(t, last + 1);
	}
	for (int i = first_ending_at_or_after(t, start); i < t->nr && t->e[i].start <= last;) {
		int j = find_off(&t->e[i], off);

		if (j >= 0 && !entry_drop(&t->e[i], j))
			delete_at(t, i);
		else
			i++;
	}
}

bool remap_rewrite(struct remap_tree *t, pgoff_t start, pgoff_t last, long old, long new,
		   bool clip)
{
	bool found = false;

	if (clip) {
		split_before(t, start);
		split_before(t, last + 1);
	}
	for (int i = first_ending_at_or_after(t, start); i < t->nr && t->e[i].start <= last; i++) {
		struct remap_entry *e = &t->e[i];
		int j = find_off(e, old);

		if (j < 0)
			continue;
		found = true;
		if (find_off(e, new) >= 0) {
			entry_drop(e, j);
		} else {
			e->offs[j] = new;
			/* keep the array sorted */
			while (j > 0 && e->offs[j - 1] > e->offs[j]) {
				long x = e->offs[j];

				e->offs[j] = e->offs[j - 1];
				e->offs[--j] = x;
			}
			while (j + 1 < e->nr && e->offs[j + 1] < e->offs[j]) {
				long x = e->offs[j];

				e->offs[j] = e->offs[j + 1];
				e->offs[++j] = x;
			}
		}
	}
	return found;
}

const struct remap_entry *remap_find(const struct remap_tree *t, pgoff_t pgoff)
{
	int i = first_ending_at_or_after(t, pgoff);

	return i < t->nr && t->e[i].start <= pgoff ? &t->e[i] : NULL;
}

bool remap_holds(const struct remap_tree *t, pgoff_t pgoff, long off)
{
	const struct remap_entry *e = remap_find(t, pgoff);

	return e && find_off(e, off) >= 0;
}

void remap_destroy(struct remap_tree *t)
{
	for (int i = 0; i < t->nr; i++)
		free(t->e[i].offs);
	free(t->e);
	*t = (struct remap_tree){ 0 };
}

/*
 * Dense maple tree nodes (docs/cowctx.md "Slab accounting"): 16 slots a
 * leaf, 10 an internal node, entries and the gaps around them each a slot.
 */
long remap_maple_nodes(const struct remap_tree *t)
{
	long slots = 0, nodes, level;

	if (!t->nr)
		return 0;
	for (int i = 0; i < t->nr; i++)
		slots += 1 + (i == 0 || t->e[i - 1].last + 1 != t->e[i].start);
	slots++;	/* the gap after the last entry */
	level = (slots + 15) / 16;
	nodes = level;
	while (level > 1) {
		level = (level + 9) / 10;
		nodes += level;
	}
	return nodes;
}

/* kmalloc size class of an array of @cap slots behind an int nr, cap header. */
static long kmalloc_size(long bytes)
{
	static const long classes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096 };

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (bytes <= classes[i])
			return classes[i];
	return (bytes + 4095) & ~4095L;
}

long remap_nr_arrays(const struct remap_tree *t)
{
	long n = 0;

	for (int i = 0; i < t->nr; i++)
		n += t->e[i].multi;
	return n;
}

long remap_array_bytes(const struct remap_tree *t)
{
	long bytes = 0;

	for (int i = 0; i < t->nr; i++)
		if (t->e[i].multi)
			bytes += kmalloc_size(8 + 8L * t->e[i].cap);
	return bytes;
}

bool remap_covers(const struct remap_tree *t, pgoff_t start, pgoff_t last, long off)
{
	pgoff_t next = start;

	for (int i = first_ending_at_or_after(t, start); i < t->nr && next <= last; i++) {
		if (t->e[i].start > next || find_off(&t->e[i], off) < 0)
			return false;
		next = t->e[i].last + 1;
		if (!next)
			return true;
	}
	return next > last;
}
