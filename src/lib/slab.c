// SPDX-License-Identifier: GPL-2.0-only
#include "lib/slab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rcu.h"
#include "lib/sanitizer.h"

#define SLAB_OBJ_MAGIC 0x51ab0b1ec7UL
#define SLAB_OBJ_FREED 0xf7eedUL

/*
 * Every slab lock is a leaf: nothing is allocated or locked while one is
 * held, so it comes after every lock of the mm in the hierarchy, as any of
 * them may be held around an allocation.
 */
static const struct lock_class_key slab_lock_key = { "kmem_cache->lock", LOCK_RANK_LEAF };

struct slab_hdr {
	/*
	 * SLAB_OBJ_MAGIC while allocated. Read with no lock (kmem_obj_live()
	 * on an object another thread may be freeing), so accessed atomically.
	 */
	unsigned long state;
	struct kmem_cache *cache;
	void *next_free;
	bool constructed;
	/* freed while its cache poisoned: what reuse must find intact */
	bool poisoned;
	/* keep the object 16-byte aligned so tag bits and atomics behave */
	max_align_t align[];
};

/*
 * Objects are carved from chunks, as SLUB carves them from slab pages: one
 * malloc per chunk instead of per object keeps faults and forks off the
 * allocator's slow paths and saves malloc's own header on every object.
 */
struct slab_chunk {
	struct slab_chunk *next;
	max_align_t objs[];
};

#define SLAB_CHUNK_BYTES (64 * 1024)

static struct slab_hdr *hdr_of(const void *obj)
{
	return (struct slab_hdr *)obj - 1;
}

static size_t obj_stride(const struct kmem_cache *c)
{
	size_t a = _Alignof(max_align_t);

	return sizeof(struct slab_hdr) + (c->size + a - 1) / a * a;
}

/* Objects per chunk: as many as fit in SLAB_CHUNK_BYTES, at least one. */
static size_t chunk_objs(const struct kmem_cache *c)
{
	size_t nr = SLAB_CHUNK_BYTES / obj_stride(c);

	return nr ? nr : 1;
}

void kmem_cache_init(struct kmem_cache *c, const char *name, size_t size,
		     size_t kernel_size, void (*ctor)(void *))
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->size = size;
	c->kernel_size = kernel_size;
	c->ctor = ctor;
	c->spans[0] = (struct kmem_range){ 0, size };
	c->nr_spans = size ? 1 : 0;
	spin_lock_init(&c->lock, &slab_lock_key);
}

static void slab_bug(const struct kmem_cache *c, const char *what, size_t offset)
{
	fprintf(stderr, "slab %s: %s (byte %zu)\n", c->name, what, offset);
	abort();
}

/*
 * The constructor's work must survive reuse, so every byte it writes must
 * be kept. Run it on a poisoned scratch object and look: a field it sets
 * that no one listed would be poisoned on free and never set again. The
 * scratch object is freed with no destructor: a constructor may set up
 * locks but must not allocate (anon_vma_ctor() does not).
 */
static void check_ctor_kept(const struct kmem_cache *c)
{
	unsigned char *b;
	unsigned int s = 0;

	if (!c->ctor)
		return;
	b = malloc(c->size);
	if (!b)
		slab_bug(c, "no memory to check the constructor", 0);
	memset(b, POISON_FREE, c->size);
	c->ctor(b);
	for (size_t i = 0; i < c->size; i++) {
		while (s < c->nr_spans && i >= c->spans[s].offset + c->spans[s].size)
			s++;
		if (s < c->nr_spans && i >= c->spans[s].offset && b[i] != POISON_FREE)
			slab_bug(c, "the constructor writes a field that is not kept", i);
	}
	free(b);
}

void kmem_cache_typesafe_by_rcu(struct kmem_cache *c, const struct kmem_range *keep,
				unsigned int nr_keep)
{
	struct kmem_range k[KMEM_MAX_KEEP];
	size_t at = 0;

	if (nr_keep > KMEM_MAX_KEEP)
		slab_bug(c, "too many kept fields", 0);
	if (c->allocs)
		slab_bug(c, "made type-stable after its first allocation", 0);
	/* in address order, so the spans between them come out in one pass */
	for (unsigned int i = 0; i < nr_keep; i++) {
		unsigned int j = i;

		while (j && k[j - 1].offset > keep[i].offset) {
			k[j] = k[j - 1];
			j--;
		}
		k[j] = keep[i];
	}
	c->typesafe_by_rcu = true;
	c->nr_spans = 0;
	for (unsigned int i = 0; i < nr_keep; i++) {
		if (k[i].offset < at || k[i].offset + k[i].size > c->size)
			slab_bug(c, "kept fields overlap or lie outside the object", k[i].offset);
		if (k[i].offset > at)
			c->spans[c->nr_spans++] = (struct kmem_range){ at, k[i].offset - at };
		at = k[i].offset + k[i].size;
	}
	if (at < c->size)
		c->spans[c->nr_spans++] = (struct kmem_range){ at, c->size - at };
	check_ctor_kept(c);
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	struct slab_chunk *p;

	if (c->typesafe_by_rcu) {
		synchronize_rcu();
		rcu_barrier();
	}
	p = c->chunks;
	while (p) {
		struct slab_chunk *next = p->next;

		/* poisoned objects inside go back to malloc addressable */
		ASAN_UNPOISON_MEMORY_REGION(p->objs, chunk_objs(c) * obj_stride(c));
		free(p);
		p = next;
	}
	c->chunks = NULL;
	c->freelist = NULL;
	c->fresh = NULL;
	c->nr_fresh = 0;
	spin_lock_destroy(&c->lock);
}

/* A never-used object, zeroed: from the newest chunk, or a new one. */
static struct slab_hdr *fresh_obj(struct kmem_cache *c)
{
	size_t stride = obj_stride(c);
	struct slab_hdr *h;

	if (!c->nr_fresh) {
		size_t nr = chunk_objs(c);
		struct slab_chunk *chunk;

		chunk = calloc(1, sizeof(*chunk) + nr * stride);
		if (!chunk)
			return NULL;
		chunk->next = c->chunks;
		c->chunks = chunk;
		c->fresh = (char *)chunk->objs;
		c->nr_fresh = nr;
	}
	h = (struct slab_hdr *)c->fresh;
	c->fresh += stride;
	c->nr_fresh--;
	h->cache = c;
	return h;
}

static void for_each_span(const struct kmem_cache *c, unsigned char *obj,
			  void (*fn)(const struct kmem_cache *c, unsigned char *b, size_t n,
				     size_t offset))
{
	for (unsigned int i = 0; i < c->nr_spans; i++)
		fn(c, obj + c->spans[i].offset, c->spans[i].size, c->spans[i].offset);
}

static void span_poison(const struct kmem_cache *c, unsigned char *b, size_t n, size_t offset)
{
	(void)c;
	(void)offset;
	memset(b, POISON_FREE, n);
	ASAN_POISON_MEMORY_REGION(b, n);
}

/*
 * The poison must be intact when a freed object is handed out again: a byte
 * that changed was written through a stale pointer. That is a bug in the
 * model, found too late to say where, so stop here rather than go on.
 */
static size_t poison_intact_upto(const unsigned char *b, size_t n)
{
	const uint64_t pattern = 0x0101010101010101ULL * POISON_FREE;
	size_t i = 0;

	/* eight bytes at a time: this check is most of a warm fault's cost */
	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, b + i, 8);
		if (w != pattern)
			break;
	}
	while (i < n && b[i] == POISON_FREE)
		i++;
	return i;
}

static void span_check(const struct kmem_cache *c, unsigned char *b, size_t n, size_t offset)
{
	size_t i;

	ASAN_UNPOISON_MEMORY_REGION(b, n);
	i = poison_intact_upto(b, n);
	if (i < n) {
		fprintf(stderr, "slab %s: object %p written after free (byte %zu is 0x%02x)\n",
			c->name, (void *)(b - offset), offset + i, b[i]);
		abort();
	}
}

static void span_clear(const struct kmem_cache *c, unsigned char *b, size_t n, size_t offset)
{
	(void)c;
	(void)offset;
	memset(b, 0, n);
}

/*
 * Takes an object off the free list, or a fresh one from the newest chunk
 * (zeroed by calloc), with the lock held: nothing else happens under it.
 */
static struct slab_hdr *slab_get(struct kmem_cache *c, bool *fresh)
{
	struct slab_hdr *h;

	spin_lock(&c->lock);
	h = c->freelist;
	if (h) {
		c->freelist = h->next_free;
		*fresh = false;
	} else {
		h = fresh_obj(c);
		*fresh = true;
	}
	if (h) {
		c->allocs++;
		if (++c->live > c->peak)
			c->peak = c->live;
	}
	spin_unlock(&c->lock);
	return h;
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	struct slab_hdr *h;
	bool fresh;

	if (should_fail(c->fail, c->fail_site))
		return NULL;
	h = slab_get(c, &fresh);
	if (!h)
		return NULL;
	if (!fresh && h->poisoned) {
		for_each_span(c, (unsigned char *)(h + 1), span_check);
		__atomic_store_n(&h->poisoned, false, __ATOMIC_RELAXED);
		/* the poison overwrote what the constructor set, unless that is kept */
		if (!c->typesafe_by_rcu)
			h->constructed = false;
	}
	h->next_free = NULL;
	if (c->ctor) {
		if (!h->constructed)
			c->ctor(h + 1);
		h->constructed = true;
	} else if (!fresh) {
		for_each_span(c, (unsigned char *)(h + 1), span_clear);
	}
	__atomic_store_n(&h->state, SLAB_OBJ_MAGIC, __ATOMIC_RELEASE);
	return h + 1;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct slab_hdr *h = hdr_of(obj);

	if (__atomic_load_n(&h->state, __ATOMIC_RELAXED) != SLAB_OBJ_MAGIC || h->cache != c)
		abort();	/* double free or wrong cache: a bug in the model */
	if (c->poison)
		for_each_span(c, obj, span_poison);
	__atomic_store_n(&h->poisoned, c->poison, __ATOMIC_RELAXED);
	/* after the poison, so whoever sees the object freed sees it poisoned */
	__atomic_store_n(&h->state, SLAB_OBJ_FREED, __ATOMIC_RELEASE);
	spin_lock(&c->lock);
	h->next_free = c->freelist;
	c->freelist = h;
	c->frees++;
	c->live--;
	spin_unlock(&c->lock);
}

bool kmem_obj_live(const void *obj)
{
	return obj && __atomic_load_n(&hdr_of(obj)->state, __ATOMIC_ACQUIRE) == SLAB_OBJ_MAGIC;
}

bool kmem_obj_poisoned(const void *obj)
{
	return obj && __atomic_load_n(&hdr_of(obj)->state, __ATOMIC_ACQUIRE) == SLAB_OBJ_FREED &&
	       __atomic_load_n(&hdr_of(obj)->poisoned, __ATOMIC_RELAXED);
}

struct kmem_cache *kmem_obj_cache(const void *obj)
{
	return hdr_of(obj)->cache;
}

#define SLABINFO_PAGE 4096UL

void slabinfo_header(FILE *out)
{
	fputs("slabinfo - version: 2.1\n"
	      "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
	      " : tunables <limit> <batchcount> <sharedfactor>"
	      " : slabdata <active_slabs> <num_slabs> <sharedavail>\n", out);
}

/*
 * SLUB gives objects this small order-0 slabs (our machines show 21
 * vm_area_struct, 39 anon_vma and 64 anon_vma_chain per 4 KiB slab); a
 * larger object gets the smallest order that holds 8 of them, at most 3.
 * The model packs live objects densely, so num_objs is active_objs rounded
 * up to whole slabs: a kernel's partly used slabs make its num_objs larger.
 * SLUB has no tunables and no shared arrays, and prints zeroes for them.
 */
void kmem_cache_slabinfo(const struct kmem_cache *c, FILE *out)
{
	unsigned int order = 0, per;
	unsigned long slabs;

	if (!c->kernel_size)
		return;
	while (order < 3 && (SLABINFO_PAGE << order) / c->kernel_size < 8)
		order++;
	per = (SLABINFO_PAGE << order) / c->kernel_size;
	if (!per)
		per = 1;
	slabs = ((unsigned long)c->live + per - 1) / per;
	fprintf(out, "%-17s %6lu %6lu %6zu %4u %4d", c->name, (unsigned long)c->live,
		slabs * per, c->kernel_size, per, 1 << order);
	fprintf(out, " : tunables %4u %4u %4u", 0, 0, 0);
	fprintf(out, " : slabdata %6lu %6lu %6lu\n", slabs, slabs, 0UL);
}
