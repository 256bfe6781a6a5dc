/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * anonrmap dot: the graph of a small fork chain must have one box per VMA,
 * one ellipse per anon_vma, one 'avc' edge per anon_vma_chain and the
 * anon_vma family, as counted by hand from the kernel's rules (classic) and
 * as the observation's own counts say (every design); every edge must join
 * declared nodes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scenario/cli_test.h"

#include "mm/anon_rmap.h"

#define CHAIN "mmap P0 0x100000000000 16K rw-\n" \
	      "touch P0 0x100000000000 8K w\n"   \
	      "fork P0 C1\n"                     \
	      "observe one\n"                    \
	      "fork C1 C2\n"                     \
	      "observe two\n"

struct graph {
	int boxes, ellipses, avc, parent, root, design_edges, clusters;
	char nodes[64][16];
	int nr_nodes;
	bool dangling;
};

static bool declared(const struct graph *g, const char *n)
{
	for (int i = 0; i < g->nr_nodes; i++)
		if (!strcmp(g->nodes[i], n))
			return true;
	return false;
}

static FILE *run(const char *fmt, const char *mode, const char *path, const char *extra)
{
	char cmd[1024];
	FILE *p;

	snprintf(cmd, sizeof(cmd), fmt, ANONRMAP_BIN_DIR, mode, extra, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	return p;
}

/* Nodes are declared before edges; an edge to an unknown name is dangling. */
static void parse(FILE *p, struct graph *g)
{
	char line[1024], a[16], b[16];

	memset(g, 0, sizeof(*g));
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, "subgraph cluster_"))
			g->clusters++;
		if (sscanf(line, " %15s -> %15s", a, b) == 2) {
			if (!declared(g, a) || !declared(g, b))
				g->dangling = true;
			if (strstr(line, "label=\"avc\""))
				g->avc++;
			else if (strstr(line, "label=\"parent\""))
				g->parent++;
			else if (strstr(line, "label=\"root\""))
				g->root++;
			else
				g->design_edges++;
		} else if (sscanf(line, " %15s [shape=", a) == 1 && g->nr_nodes < 64) {
			strcpy(g->nodes[g->nr_nodes++], a);
			g->boxes += !!strstr(line, "shape=box");
			g->ellipses += !!strstr(line, "shape=ellipse");
		}
	}
	assert_int_equal(pclose(p), 0);
}

/* The "count" lines of the observation at @label, from `anonrmap replay`. */
static void counts(const char *mode, const char *path, const char *label, long out[3])
{
	FILE *p = run("%s/anonrmap replay --mode %s %s %s", mode, path, "");
	char line[1024], want[80];
	bool in = false;

	snprintf(want, sizeof(want), "observe %s\n", label);
	while (fgets(line, sizeof(line), p)) {
		if (!strcmp(line, want))
			in = true;
		else if (!strcmp(line, "end\n"))
			in = false;
		if (in) {
			sscanf(line, "count anon_vma %ld", &out[0]);
			sscanf(line, "count anon_vma_chain %ld", &out[1]);
			sscanf(line, "count vmas %ld", &out[2]);
		}
	}
	assert_int_equal(pclose(p), 0);
}

/*
 * Kernel rules: P0's VMA gets anon_vma a0; each fork gives the child's VMA
 * a new anon_vma whose parent is the forking VMA's, an AVC to it and one to
 * every anon_vma the parent VMA is linked to. After two forks: 3 VMAs,
 * 3 anon_vmas, 1 + 2 + 3 AVCs, two parent links, and C2's root (a0) is not
 * its parent (a1).
 */
static void test_classic_by_hand(void **state)
{
	char path[] = "/tmp/anonrmap-dot-XXXXXX";
	struct graph g;

	write_scenario(path, CHAIN);
	parse(run("%s/anonrmap dot --mode %s %s %s", "classic", path, "--at two"), &g);
	assert_false(g.dangling);
	assert_int_equal(g.clusters, 3);
	assert_int_equal(g.boxes, 3);
	assert_int_equal(g.ellipses, 3);
	assert_int_equal(g.avc, 6);
	assert_int_equal(g.parent, 2);
	assert_int_equal(g.root, 1);
	/* each VMA names the anon_vma its new folios go to */
	assert_int_equal(g.design_edges, 3);
	parse(run("%s/anonrmap dot --mode %s %s %s", "classic", path, "--at one"), &g);
	assert_int_equal(g.boxes, 2);
	assert_int_equal(g.ellipses, 2);
	assert_int_equal(g.avc, 3);
	assert_int_equal(g.parent, 1);
	assert_int_equal(g.root, 0);
	unlink(path);
}

/* Every design: the graph holds what the observation counts. */
static void test_every_design_matches_observation(void **state)
{
	char path[] = "/tmp/anonrmap-dot-XXXXXX";
	static const char *const labels[] = { "one", "two" };

	write_scenario(path, CHAIN);
	for (unsigned int d = 0; anon_rmap_nth(d); d++) {
		const char *mode = anon_rmap_nth(d)->name;

		for (int l = 0; l < 2; l++) {
			char at[32];
			long c[3] = { -1, -1, -1 };
			struct graph g;

			snprintf(at, sizeof(at), "--at %s", labels[l]);
			parse(run("%s/anonrmap dot --mode %s %s %s", mode, path, at), &g);
			counts(mode, path, labels[l], c);
			assert_false(g.dangling);
			assert_int_equal(g.ellipses, c[0]);
			assert_int_equal(g.avc, c[1]);
			assert_int_equal(g.boxes, c[2]);
		}
	}
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classic_by_hand),
		cmocka_unit_test(test_every_design_matches_observation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
