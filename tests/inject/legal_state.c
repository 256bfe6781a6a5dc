// SPDX-License-Identifier: GPL-2.0-only
/* The world as text and the legal states of a failed call (legal_state.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "legal_state.h"

/* ---- the world as text: VMAs, pages with canonical folio numbers, slabs ---- */

struct vma_list {
	struct anonrmap_vma_info *v;
	size_t nr, cap;
};

static int add_vma(const struct anonrmap_vma_info *vma, void *arg)
{
	struct vma_list *l = arg;

	if (l->nr == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->nr++] = *vma;
	return 0;
}

struct folio_ids {
	const void **p;
	size_t nr, cap;
};

static size_t folio_id(struct folio_ids *ids, const void *folio)
{
	for (size_t i = 0; i < ids->nr; i++)
		if (ids->p[i] == folio)
			return i;
	if (ids->nr == ids->cap) {
		ids->cap = ids->cap ? 2 * ids->cap : 64;
		ids->p = realloc(ids->p, ids->cap * sizeof(*ids->p));
		assert_non_null(ids->p);
	}
	ids->p[ids->nr] = folio;
	return ids->nr++;
}

/* Two VMAs a split could have made out of one. */
static bool one_before_split(const struct anonrmap_vma_info *a, const struct anonrmap_vma_info *b)
{
	return a->end == b->start && a->vm_flags == b->vm_flags && a->file == b->file &&
	       a->has_anon_rmap == b->has_anon_rmap &&
	       b->pgoff == a->pgoff + (a->end - a->start) / PG;
}

char *world_view(struct anonrmap_world *w, unsigned int flags)
{
	static const enum anonrmap_cache caches[] = {
		ANONRMAP_CACHE_VMA, ANONRMAP_CACHE_ANON_VMA,
		ANONRMAP_CACHE_ANON_VMA_CHAIN, ANONRMAP_CACHE_FOLIO,
	};
	struct folio_ids ids = { 0 };
	long raw_vmas = 0;
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	for (struct anonrmap_mm *mm = anonrmap_mm_first(w); mm; mm = anonrmap_mm_next(mm)) {
		struct vma_list l = { 0 };

		fprintf(f, "mm %u\n", anonrmap_mm_id(mm));
		anonrmap_vma_foreach(mm, add_vma, &l);
		raw_vmas += (long)l.nr;
		for (size_t i = 0; i < l.nr; i++) {
			struct anonrmap_vma_info v = l.v[i];

			while ((flags & V_COALESCE) && i + 1 < l.nr &&
			       one_before_split(&l.v[i], &l.v[i + 1]))
				v.end = l.v[++i].end;
			fprintf(f, " vma %llx-%llx pgoff %llx flags %lx file %d anon %d\n",
				(unsigned long long)v.start, (unsigned long long)v.end,
				(unsigned long long)v.pgoff, v.vm_flags, v.file,
				(flags & V_NO_ANON) ? -1 : v.has_anon_rmap);
			for (uint64_t a = v.start; a < v.end; a += PG) {
				struct anonrmap_page_info p;

				if (anonrmap_page(mm, a, &p) || p.kind == ANONRMAP_PAGE_NONE)
					continue;
				fprintf(f, "  %llx k%d f%zu w%d m%d i%llx\n", (unsigned long long)a,
					p.kind, folio_id(&ids, p.folio),
					(flags & V_NO_WRITE) ? -1 : p.writable, p.mapcount,
					(unsigned long long)p.index);
			}
		}
		free(l.v);
	}
	for (size_t i = 0; i < sizeof(caches) / sizeof(caches[0]); i++) {
		struct anonrmap_slab_stats st;

		if ((flags & V_NO_ANON) && (caches[i] == ANONRMAP_CACHE_ANON_VMA ||
					    caches[i] == ANONRMAP_CACHE_ANON_VMA_CHAIN))
			continue;
		assert_int_equal(anonrmap_slab_stats(w, caches[i], &st), 0);
		/*
		 * Coalesced, a split left behind is one more VMA and its
		 * clone of the chain: count the VMAs no tree holds instead,
		 * and leave the chains to the checker, which recounts them.
		 */
		if ((flags & V_COALESCE) && caches[i] == ANONRMAP_CACHE_VMA)
			fprintf(f, "slab %s outside trees %ld\n", st.name, st.live - raw_vmas);
		else if (!(flags & V_COALESCE) || caches[i] != ANONRMAP_CACHE_ANON_VMA_CHAIN)
			fprintf(f, "slab %s live %ld\n", st.name, st.live);
	}
	fclose(f);
	free(ids.p);
	return buf;
}

/* ---- the states a failed operation may leave ---- */


static void chain_add(struct chain *c, struct scn_op op)
{
	assert_true(c->nr < sizeof(c->ops) / sizeof(c->ops[0]));
	c->ops[c->nr++] = op;
}

struct scn_op munmap_op(const struct scn_op *from, uint64_t addr, uint64_t len)
{
	struct scn_op op = *from;

	op.op = SCN_MUNMAP;
	op.addr = addr;
	op.len = len;
	return op;
}

/*
 * Linux's documented partial states, as a chain of smaller calls whose
 * every intermediate state is legal:
 *  - touch is one fault per page, lowest first: the pages before the one
 *    that failed stay mapped (a process would meet the OOM killer there);
 *  - mprotect and madvise change VMA by VMA and stop at the first error;
 *  - mremap to a new place unmaps the target (and a shrunk source's tail)
 *    before moving, and a multi-VMA move moves VMA by VMA (6.17 on);
 *  - munmap, mremap, mprotect and madvise may leave the splits they made
 *    (vms_gather_munmap_vmas(), vma_modify()): compared with VMAs coalesced;
 *  - fork write-protects the parent's pages as it copies them, and a failed
 *    fork does not undo that (copy_present_pte());
 *  - a fault prepares the anon rmap before it allocates the folio, and a
 *    failed fault keeps it (__anon_vma_prepare()): anon state not compared,
 *    but the checker still finds any leaked object.
 * mmap, exit, migrate and file declaration have no partial state.
 */
void legal_chain(const struct scn_op *op, struct anonrmap_mm *mm, struct chain *c)
{
	struct vma_list l = { 0 };

	memset(c, 0, sizeof(*c));
	if (mm)
		anonrmap_vma_foreach(mm, add_vma, &l);
	switch (op->op) {
	case SCN_TOUCH:
		c->flags = V_NO_ANON;
		for (uint64_t a = op->addr; a < op->addr + op->len && c->nr < 64; a += PG) {
			struct scn_op t = *op;

			t.addr = a;
			t.len = PG;
			chain_add(c, t);
		}
		/* a touch too long to chain is compared page by page as far as it goes */
		c->last_is_success = op->len / PG <= 64;
		break;
	case SCN_MPROTECT:
	case SCN_MADVISE:
		c->flags = V_COALESCE;
		for (size_t i = 0; i < l.nr; i++) {
			struct scn_op t = *op;
			uint64_t end = op->addr + op->len;

			if (l.v[i].end <= op->addr || l.v[i].start >= end)
				continue;
			t.len = (l.v[i].end < end ? l.v[i].end : end) - op->addr;
			chain_add(c, t);
		}
		c->last_is_success = true;
		break;
	case SCN_MUNMAP:
		c->flags = V_COALESCE;
		break;
	case SCN_MREMAP:
		c->flags = V_COALESCE;
		if (!op->fixed)
			break;
		if (op->len != op->new_len) {
			chain_add(c, munmap_op(op, op->new_addr, op->new_len));
			if (op->len > op->new_len)
				chain_add(c, munmap_op(op, op->addr + op->new_len,
						       op->len - op->new_len));
			break;
		}
		for (size_t i = 0, seen = 0, target = 0, last_end = 0; i < l.nr; i++) {
			uint64_t end = op->addr + op->len, from, to;
			struct scn_op t = *op;

			if (l.v[i].end <= op->addr || l.v[i].start >= end)
				continue;
			from = l.v[i].start > op->addr ? l.v[i].start : op->addr;
			to = l.v[i].end < end ? l.v[i].end : end;
			if (!seen)
				target = op->new_addr;
			else
				target += l.v[i].start - last_end;
			last_end = l.v[i].end;
			seen = 1;
			chain_add(c, munmap_op(op, target, to - from));
			t.addr = from;
			t.len = t.new_len = to - from;
			t.new_addr = target;
			chain_add(c, t);
			target += to - from;
		}
		break;
	case SCN_FORK:
		c->flags = V_NO_WRITE;
		break;
	default:
		break;
	}
	free(l.v);
}
