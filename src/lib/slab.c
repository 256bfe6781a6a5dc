// SPDX-License-Identifier: GPL-2.0-only
#include "lib/slab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLAB_OBJ_MAGIC 0x51ab0b1ec7UL
#define SLAB_OBJ_FREED 0xf7eedUL

struct slab_hdr {
	unsigned long state;	/* SLAB_OBJ_MAGIC while allocated */
	struct kmem_cache *cache;
	void *next_free;
	void *next_chunk;
	bool constructed;
	/* keep the object 16-byte aligned so tag bits and atomics behave */
	max_align_t align[];
};

static struct slab_hdr *hdr_of(const void *obj)
{
	return (struct slab_hdr *)obj - 1;
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
	void *p = c->chunks;

	while (p) {
		struct slab_hdr *h = p;

		p = h->next_chunk;
		free(h);
	}
	c->chunks = NULL;
	c->freelist = NULL;
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	struct slab_hdr *h;

	if (should_fail(c->fail, c->fail_site))
		return NULL;
	if (c->freelist) {
		h = c->freelist;
		c->freelist = h->next_free;
	} else {
		h = calloc(1, sizeof(*h) + c->size);
		if (!h)
			return NULL;
		h->cache = c;
		h->next_chunk = c->chunks;
		c->chunks = h;
	}
	h->state = SLAB_OBJ_MAGIC;
	h->next_free = NULL;
	if (c->ctor) {
		if (!h->constructed)
			c->ctor(h + 1);
		h->constructed = true;
	} else {
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
