/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * anonrmap replay --slabinfo: the output must parse as /proc/slabinfo 2.1
 * does (the header, then name and 13 numbers with ':' separators), and its
 * active_objs must be the objects the scenario leaves, counted by hand from
 * the kernel's rules, and on the shared scenario from the live kernel's own
 * observation.
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

#define HEADER2 "# name            <active_objs> <num_objs> <objsize> <objperslab> " \
		"<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : " \
		"slabdata <active_slabs> <num_slabs> <sharedavail>\n"

struct slab_line {
	char name[64];
	unsigned long active, num, objsize, per, pages, limit, batch, shared;
	unsigned long active_slabs, num_slabs, avail;
};

struct slabinfo {
	struct slab_line lines[16];
	int nr;
};

/* Run the CLI on @path; every line after the header must parse. */
static void run_slabinfo(const char *path, const char *mode, struct slabinfo *si)
{
	char cmd[1024], line[1024];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s/anonrmap replay --slabinfo --mode %s %s", ANONRMAP_BIN_DIR,
		 mode, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	assert_string_equal(line, "slabinfo - version: 2.1\n");
	assert_non_null(fgets(line, sizeof(line), p));
	assert_string_equal(line, HEADER2);
	si->nr = 0;
	while (fgets(line, sizeof(line), p)) {
		struct slab_line *l = &si->lines[si->nr];
		int end = 0;

		assert_true(si->nr < 16);
		assert_int_equal(sscanf(line, "%63s %lu %lu %lu %lu %lu : tunables %lu %lu %lu"
					" : slabdata %lu %lu %lu%n", l->name, &l->active, &l->num,
					&l->objsize, &l->per, &l->pages, &l->limit, &l->batch,
					&l->shared, &l->active_slabs, &l->num_slabs, &l->avail, &end),
				 12);
		assert_string_equal(line + end, "\n");
		/* what slabinfo readers rely on: whole slabs hold every object */
		assert_true(l->num >= l->active);
		assert_int_equal(l->num, l->num_slabs * l->per);
		assert_true(l->per * l->objsize <= 4096 * l->pages);
		assert_true((l->per + 1) * l->objsize > 4096 * l->pages);
		si->nr++;
	}
	assert_int_equal(pclose(p), 0);
}

static const struct slab_line *find(const struct slabinfo *si, const char *name)
{
	for (int i = 0; i < si->nr; i++)
		if (!strcmp(si->lines[i].name, name))
			return &si->lines[i];
	fail_msg("no %s line", name);
	return NULL;
}

/*
 * Three VMAs with gaps, two written (two pages each), then a fork. By the
 * kernel's rules: each written VMA gets its own anon_vma and one AVC; the
 * fork copies all three VMAs, and for each of the two with an anon_vma
 * makes a new anon_vma with two AVCs (one to the parent's, one to its own).
 */
static void test_counts_by_hand(void **state)
{
	char path[] = "/tmp/anonrmap-slabinfo-XXXXXX";
	struct slabinfo si;

	write_scenario(path, "mmap P0 0x100000000000 16K rw-\n"
			 "mmap P0 0x100000010000 16K rw-\n"
			 "mmap P0 0x100000020000 16K rw-\n"
			 "touch P0 0x100000000000 8K w\n"
			 "touch P0 0x100000020000 8K w\n"
			 "fork P0 C1\n");
	run_slabinfo(path, "classic", &si);
	assert_int_equal(find(&si, "vm_area_struct")->active, 6);
	assert_int_equal(find(&si, "anon_vma")->active, 4);
	assert_int_equal(find(&si, "anon_vma_chain")->active, 6);
	assert_int_equal(find(&si, "folio")->active, 4);
	/* the kernel's object sizes, as the simulator is configured by default */
	assert_int_equal(find(&si, "vm_area_struct")->objsize, 192);
	assert_int_equal(find(&si, "anon_vma")->objsize, 104);
	assert_int_equal(find(&si, "anon_vma_chain")->objsize, 64);
	/* any design: the same VMAs and pages, whatever its rmap objects */
	run_slabinfo(path, "lazy", &si);
	assert_int_equal(find(&si, "vm_area_struct")->active, 6);
	assert_int_equal(find(&si, "folio")->active, 4);
	unlink(path);
}

/* The shared scenario ends where the live kernel counted 1, 1 and 1. */
static void test_counts_from_kernel(void **state)
{
	const char *path = ANONRMAP_SHARED_DIR "/scenarios/01-fault-fork-cow.scn";
	struct slabinfo si;

	if (access(path, R_OK))
		skip();
	run_slabinfo(path, "classic", &si);
	assert_int_equal(find(&si, "anon_vma")->active, 1);
	assert_int_equal(find(&si, "anon_vma_chain")->active, 1);
	assert_int_equal(find(&si, "vm_area_struct")->active, 1);
	/* pages a1 a2 of P0 are left */
	assert_int_equal(find(&si, "folio")->active, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_by_hand),
		cmocka_unit_test(test_counts_from_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
