// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fixed corpus of generated scenarios, replayed in every rmap design with
 * the invariant checker after every operation. The corpus is small enough
 * for CI; `anonrmap fuzz --seeds N` runs the same thing at any scale.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/anon_rmap.h"
#include "mm/findings.h"
#include "scenario/gen.h"
#include "scenario/replay.h"

#define CORPUS_SEEDS 400

static int replay_seed(unsigned long long seed, const struct gen_opts *o, const char *mode)
{
	int ret = scenario_replay_seed(seed, o, mode, NULL, stderr);

	/* a generator that writes invalid files would test nothing */
	assert_int_not_equal(ret, -EINVAL);
	return ret;
}

static void run_corpus(const char *mode, const struct gen_opts *o)
{
	int failed = 0;

	for (unsigned long long s = 1; s <= CORPUS_SEEDS; s++) {
		int ret = replay_seed(s, o, mode);

		if (ret) {
			fprintf(stderr, "%s: seed %llu failed (%d); replay with: anonrmap gen %llu "
				"--ops %u --procs %u --pages %u%s\n", mode, s, ret, s, o->ops,
				o->max_procs, o->pages, o->migrate ? " --migrate" : "");
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

static void test_classic_corpus(void **state)
{
	struct gen_opts o;

	gen_opts_default(&o);
	o.migrate = true;
	run_corpus("classic", &o);
}

/* Dense layouts: few pages, many operations, so VMAs meet all the time. */
static void test_classic_dense_corpus(void **state)
{
	struct gen_opts o;

	gen_opts_default(&o);
	o.ops = 200;
	o.pages = 40;
	o.migrate = true;
	run_corpus("classic", &o);
}

/* Regions where THP forms, split and move: the 2 MiB rules. */
static void test_classic_huge_corpus(void **state)
{
	struct gen_opts o;

	gen_opts_default(&o);
	o.huge = true;
	o.migrate = true;
	run_corpus("classic", &o);
}

/*
 * cowctx is the cow-context PoC completed to keep rmap complete
 * (docs/cowctx.md): it must pass the whole corpus as classic does, with
 * its own rules (cow_context_verify_vma(), coverage, references) on top,
 * large folios and THP included.
 */
static void test_cowctx_corpus(void **state)
{
	struct gen_opts o;

	(void)state;
	gen_opts_default(&o);
	o.migrate = true;
	run_corpus("cowctx", &o);
	o.huge = true;
	o.large = true;
	run_corpus("cowctx", &o);
}

/*
 * The lazy design is known to break (docs/findings.md), so its corpus cannot
 * be required to pass. What it must do: run every seed to the end without
 * the model crashing, show the known flaws on this corpus, and show nothing
 * else: a violation of a kind src/mm/findings.c does not list is a new
 * finding, and this test fails until it is understood and documented. As in
 * the fuzzers, only the first operation of a seed that breaks is judged.
 */
static unsigned long long cur_seed;

static void report_unknown(const char *line, void *arg)
{
	fprintf(stderr, "lazy, seed %llu: unknown violation: %s\n", cur_seed, line);
}

static void test_lazy_corpus_shows_only_known_flaws(void **state)
{
	struct gen_opts o;
	int broken = 0, unknown = 0;

	if (!anon_rmap_lookup("lazy"))
		skip();
	gen_opts_default(&o);
	o.migrate = true;
	for (unsigned long long s = 1; s <= CORPUS_SEEDS; s++) {
		char *diag = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&diag, &len);
		int ret = scenario_replay_seed(s, &o, "lazy", NULL, f);

		fclose(f);
		assert_true(ret >= 0);	/* the model itself must not fail */
		broken += ret > 0;
		cur_seed = s;
		unknown += findings_judge_diag("lazy", diag, report_unknown, NULL);
		free(diag);
	}
	assert_int_equal(unknown, 0);
	/* a corpus that no longer shows the flaws would have lost its teeth */
	assert_true(broken > 0);
}

/* Same seeds give the same file: a failing seed must stay reproducible. */
static void test_generator_is_deterministic(void **state)
{
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	struct gen_opts o;
	FILE *fa = open_memstream(&a, &la), *fb = open_memstream(&b, &lb);

	gen_opts_default(&o);
	scenario_generate(12345, &o, fa);
	scenario_generate(12345, &o, fb);
	fclose(fa);
	fclose(fb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generator_is_deterministic),
		cmocka_unit_test(test_classic_corpus),
		cmocka_unit_test(test_classic_dense_corpus),
		cmocka_unit_test(test_classic_huge_corpus),
		cmocka_unit_test(test_cowctx_corpus),
		cmocka_unit_test(test_lazy_corpus_shows_only_known_flaws),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
