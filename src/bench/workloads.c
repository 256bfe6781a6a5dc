// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"

extern const struct bench_workload bench_android, bench_prefork, bench_fork_chain,
	bench_fork_tree, bench_random;

/* A new workload is one file and one line here. */
const struct bench_workload *const bench_workloads[] = {
	&bench_android, &bench_prefork, &bench_fork_chain, &bench_fork_tree, &bench_random,
};
const unsigned int bench_nr_workloads = sizeof(bench_workloads) / sizeof(bench_workloads[0]);

const struct bench_cache bench_caches[NR_BENCH_CACHES] = {
	[BC_VMA] = { ANONRMAP_CACHE_VMA, "vm_area_struct" },
	[BC_AVC] = { ANONRMAP_CACHE_ANON_VMA_CHAIN, "anon_vma_chain" },
	[BC_ANON_VMA] = { ANONRMAP_CACHE_ANON_VMA, "anon_vma" },
	[BC_FOLIO] = { ANONRMAP_CACHE_FOLIO, "folio" },
};

const struct bench_workload *bench_workload_find(const char *name)
{
	for (unsigned int i = 0; i < bench_nr_workloads; i++)
		if (!strcmp(bench_workloads[i]->name, name))
			return bench_workloads[i];
	return NULL;
}

int bench_param_index(const struct bench_workload *w, const char *name)
{
	for (unsigned int i = 0; i < w->nr_params; i++)
		if (!strcmp(w->params[i].name, name))
			return (int)i;
	return -1;
}

int bench_fail(struct bench_target *t, int rc, const char *call, const char *file, int line)
{
	const char *base = strrchr(file, '/');

	if (!t->err[0])
		snprintf(t->err, sizeof(t->err), "%s failed: %s (%s:%d)", call, strerror(-rc),
			 base ? base + 1 : file, line);
	return rc;
}
