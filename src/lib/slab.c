// SPDX-License-Identifier: GPL-2.0-only
#include "lib/slab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#endif
#endif
#ifndef ASAN_POISON_MEMORY_REGION
#define ASAN_POISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

#define SLAB_OBJ_MAGIC 0x51ab0b1ec7UL
#define SLAB_OBJ_FREED 0xf7eedUL
#define POISON_FREE 0x6b	/* the kernel's byte for freed slab memory */

struct slab_hdr {
	unsigned long state;	/* SLAB_OBJ_MAGIC while allocated */
	struct kmem_cache *cache;
	void *next_free;
	bool constructed;
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
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	struct slab_chunk *p = c->chunks;

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

/*
 * The poison must be intact when a freed object is handed out again: a byte
 * that changed was written through a stale pointer. That is a bug in the
 * model, found too late to say where, so stop here rather than go on.
 */
static void unpoison_on_reuse(struct kmem_cache *c, struct slab_hdr *h)
{
	const unsigned char *b = (const unsigned char *)(h + 1);

	if (!c->poison)
		return;
	ASAN_UNPOISON_MEMORY_REGION(b, c->size);
	for (size_t i = 0; i < c->size; i++) {
		if (b[i] != POISON_FREE) {
			fprintf(stderr, "slab %s: object %p written after free (byte %zu is 0x%02x)\n",
				c->name, (void *)b, i, b[i]);
			abort();
		}
	}
	h->constructed = false;	/* the poison overwrote what the constructor set */
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	struct slab_hdr *h;
	bool zeroed = false;

	if (should_fail(c->fail, c->fail_site))
		return NULL;
	if (c->freelist) {
		h = c->freelist;
		c->freelist = h->next_free;
		unpoison_on_reuse(c, h);
	} else {
		h = fresh_obj(c);
		if (!h)
			return NULL;
		zeroed = true;
	}
	h->state = SLAB_OBJ_MAGIC;
	h->next_free = NULL;
	if (c->ctor) {
		if (!h->constructed)
			c->ctor(h + 1);
		h->constructed = true;
	} else if (!zeroed) {
		memset(h + 1, 0, c->size);
	}
	c->allocs++;
	if (++c->live > c->peak)
		c->peak = c->live;
	return h + 1;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct slab_hdr *h = hdr_of(obj);

	if (h->state != SLAB_OBJ_MAGIC || h->cache != c)
		abort();	/* double free or wrong cache: a bug in the model */
	h->state = SLAB_OBJ_FREED;
	if (c->poison) {
		memset(obj, POISON_FREE, c->size);
		ASAN_POISON_MEMORY_REGION(obj, c->size);
	}
	h->next_free = c->freelist;
	c->freelist = h;
	c->frees++;
	c->live--;
}

bool kmem_obj_live(const void *obj)
{
	return obj && hdr_of(obj)->state == SLAB_OBJ_MAGIC;
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
