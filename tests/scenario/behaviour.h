/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every behaviour test shares: one world driven through the public
 * API, with the checker run after every operation so a test fails at the
 * operation that broke an invariant, not at its end.
 */
#ifndef ANONRMAP_TESTS_BEHAVIOUR_H
#define ANONRMAP_TESTS_BEHAVIOUR_H

#include <stdio.h>

#include <anonrmap/anonrmap.h>

#define PG 4096ULL
#define A 0x100000000000ULL	/* start of the scenario window */
#define RW (ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE)

static struct anonrmap_world *world;

static inline void report(const char *violation, void *arg)
{
	(void)arg;
	fprintf(stderr, "invariant violated: %s\n", violation);
}

#define OP(call)                                                         \
	do {                                                             \
		assert_int_equal((call), 0);                             \
		assert_int_equal(anonrmap_check(world, report, NULL), 0); \
	} while (0)

/* A world as on the project's machines (no zero page); returns P0. */
static inline struct anonrmap_mm *start(void)
{
	struct anonrmap_config cfg;
	struct anonrmap_mm *p0;

	anonrmap_config_init(&cfg);
	cfg.zero_page = false;
	assert_int_equal(anonrmap_world_create(&cfg, &world, &p0), 0);
	return p0;
}

static inline void finish(void)
{
	assert_int_equal(anonrmap_check(world, report, NULL), 0);
	anonrmap_world_destroy(world);
	world = NULL;
}

#endif
