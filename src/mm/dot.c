// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>

#include "lib/ptr_set.h"
#include "mm/dot.h"
#include "mm/internal.h"
#include "mm/world.h"
#include "mm/rmap.h"

/* Counter 0 of each member: folios whose mapping names it. */
#define DOT_FOLIOS 0

struct dot_ctx {
	FILE *out;
	struct ptr_set vmas, anon_vmas;
	char names[4][24];
	unsigned int next_name;
	/* edges wait until every node is declared, so clusters stay whole */
	char *edges;
	size_t edges_len;
	FILE *edge_out;
};

static const char *node_name(struct dot_ctx *ctx, char kind, long index)
{
	char *n = ctx->names[ctx->next_name++ % 4];

	snprintf(n, sizeof(ctx->names[0]), "%c%ld", kind, index);
	return n;
}

const char *dot_vma_node(struct dot_ctx *ctx, const struct vm_area_struct *vma)
{
	return node_name(ctx, 'v', ptr_set_add(&ctx->vmas, (void *)vma));
}

const char *dot_anon_vma_node(struct dot_ctx *ctx, const struct anon_vma *anon_vma)
{
	return node_name(ctx, 'a', ptr_set_add(&ctx->anon_vmas, (void *)anon_vma));
}

void dot_edge(struct dot_ctx *ctx, const char *from, const char *to, const char *label,
	      const char *style)
{
	fprintf(ctx->edge_out, "  %s -> %s [label=\"%s\"%s%s];\n", from, to, label,
		style ? ", style=" : "", style ? style : "");
}

static void count_folios(struct world *w, struct dot_ctx *ctx)
{
	struct folio *folio;

	list_for_each_entry(folio, &w->folios, lru) {
		void *named = (void *)(folio->mapping & ~FOLIO_MAPPING_FLAGS);

		if (!folio_test_anon(folio) || !named)
			continue;
		/* classic's tag names an anon_vma; a design's other tag may name a VMA */
		if (folio_anon_vma(folio))
			ptr_set_bump(&ctx->anon_vmas, named, DOT_FOLIOS);
		else if (ptr_set_find(&ctx->vmas, named) >= 0)
			ptr_set_bump(&ctx->vmas, named, DOT_FOLIOS);
	}
}

static void print_vma(struct world *w, struct dot_ctx *ctx, struct vm_area_struct *vma)
{
	const char *v = dot_vma_node(ctx, vma);
	struct anon_vma_chain *avc;

	long folios = ctx->vmas.count[DOT_FOLIOS][ptr_set_find(&ctx->vmas, vma)];

	fprintf(ctx->out, "    %s [shape=box, label=\"%lx-%lx %c%c%cp%s", v, vma->vm_start,
		vma->vm_end, vma->vm_flags & VM_READ ? 'r' : '-',
		vma->vm_flags & VM_WRITE ? 'w' : '-', vma->vm_flags & VM_EXEC ? 'x' : '-',
		vma->vm_file ? " file" : "");
	if (folios)
		fprintf(ctx->out, "\\nfolios %ld", folios);
	fprintf(ctx->out, "\"];\n");
	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma) {
		char from[24];

		snprintf(from, sizeof(from), "%s", v);
		dot_edge(ctx, from, dot_anon_vma_node(ctx, avc->anon_vma), "avc", NULL);
	}
	if (w->rmap->dot_vma)
		w->rmap->dot_vma(ctx, vma);
}

/* The family of every anon_vma found so far: parents and roots join the set. */
static void print_anon_vmas(struct dot_ctx *ctx)
{
	for (size_t i = 0; i < ctx->anon_vmas.nr; i++) {
		struct anon_vma *av = ctx->anon_vmas.p[i];
		char self[24];

		snprintf(self, sizeof(self), "%s", node_name(ctx, 'a', i));
		if (av->parent && av->parent != av)
			dot_edge(ctx, self, dot_anon_vma_node(ctx, av->parent), "parent", "dashed");
		if (av->root && av->root != av && av->root != av->parent)
			dot_edge(ctx, self, dot_anon_vma_node(ctx, av->root), "root", "dotted");
	}
}

int world_dot(struct world *w, const char *title,
	      const char *(*proc_name)(unsigned int id, void *arg), void *arg, FILE *out)
{
	struct dot_ctx ctx = { .out = out };
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	int err = 0;

	ctx.edge_out = open_memstream(&ctx.edges, &ctx.edges_len);
	if (!ctx.edge_out)
		return -ENOMEM;
	/*
	 * Every VMA and the anon_vmas its chain links first, numbered in that
	 * order, so that folio counts can go into the labels.
	 */
	list_for_each_entry(mm, &w->mms, mmlist) {
		for (vma = mm->exited ? NULL : vma_first(mm); vma; vma = vma_next(vma)) {
			struct anon_vma_chain *avc;

			ptr_set_add(&ctx.vmas, vma);
			list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
				ptr_set_add(&ctx.anon_vmas, avc->anon_vma);
		}
	}
	count_folios(w, &ctx);
	fprintf(out, "digraph anonrmap {\n  label=\"%s (%s)\";\n  labelloc=t;\n  rankdir=LR;\n"
		"  node [fontname=\"monospace\", fontsize=10];\n"
		"  edge [fontname=\"monospace\", fontsize=8];\n", title, w->rmap->name);
	list_for_each_entry(mm, &w->mms, mmlist) {
		const char *name = proc_name ? proc_name(mm->id, arg) : NULL;

		if (mm->exited)
			continue;
		fprintf(out, "  subgraph cluster_%u {\n    label=\"", mm->id);
		if (name)
			fprintf(out, "%s\";\n", name);
		else
			fprintf(out, "P%u\";\n", mm->id);
		for (vma = vma_first(mm); vma; vma = vma_next(vma))
			print_vma(w, &ctx, vma);
		fprintf(out, "  }\n");
	}
	print_anon_vmas(&ctx);
	for (size_t i = 0; i < ctx.anon_vmas.nr; i++) {
		struct anon_vma *av = ctx.anon_vmas.p[i];

		fprintf(out, "  a%zu [shape=ellipse, label=\"anon_vma a%zu\\nrefcount %ld, "
			"children %lu\\nactive VMAs %lu, folios %ld\"];\n", i, i,
			refcount_read(&av->refcount), av->num_children, av->num_active_vmas,
			ctx.anon_vmas.count[DOT_FOLIOS][i]);
	}
	if (fclose(ctx.edge_out))
		err = -ENOMEM;
	else if (ctx.edges)
		fputs(ctx.edges, out);
	fprintf(out, "}\n");
	free(ctx.edges);
	ptr_set_free(&ctx.vmas);
	ptr_set_free(&ctx.anon_vmas);
	return err;
}
