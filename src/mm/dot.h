/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The world's rmap topology as a Graphviz graph (anonrmap dot): address
 * spaces and their VMAs, the anon_vma_chains linking VMAs to anon_vmas, the
 * anon_vma family (parent, root), how many folios name each object, and
 * whatever each design's own per-VMA state points at (the dot_vma hook).
 */
#ifndef ANONRMAP_MM_DOT_H
#define ANONRMAP_MM_DOT_H

#include <stdio.h>

#include "mm/world.h"

struct dot_ctx;

/* Node names, stable within one graph: v<N> for a VMA, a<N> for an anon_vma. */
const char *dot_vma_node(struct dot_ctx *ctx, const struct vm_area_struct *vma);
const char *dot_anon_vma_node(struct dot_ctx *ctx, const struct anon_vma *anon_vma);
/* One edge; @label names the link, @style is a Graphviz style ("bold", "dashed"). */
void dot_edge(struct dot_ctx *ctx, const char *from, const char *to, const char *label,
	      const char *style);

/*
 * Write the graph of every live address space of @w; @proc_name gives the
 * name of address space @id (NULL: P<id>). Returns 0 or -ENOMEM.
 */
int world_dot(struct world *w, const char *title,
	      const char *(*proc_name)(unsigned int id, void *arg), void *arg, FILE *out);

#endif
