/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The recorded workload library (the .scn.gz files in workloads/, recorded on the live
 * kernel by workloads/record-all.sh): the classic replay must give back at
 * least 99 % of the VMAs and present anonymous pages the kernel showed at
 * every exec and exit, so must cowctx, and every design must replay the
 * whole recording.
 * What the checker finds in each design is printed (docs/findings.md says
 * what it means); a finding in lazy is a result, not a failure here.
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "mm/anon_rmap.h"
#include "record/report.h"

static double pct(unsigned long a, unsigned long b)
{
	return b ? 100.0 * (double)a / (double)b : 100.0;
}

/*
 * @mode must reproduce the recordings as Linux does: classic is Linux's
 * own design, and cowctx claims to change nothing users see.
 */
static void reproduces_recordings(const char *mode)
{
	glob_t g;

	assert_int_equal(glob(ANONRMAP_SOURCE_DIR "/workloads/*.scn.gz", 0, NULL, &g), 0);
	/* make, pool, git, pipeline, server */
	assert_true(g.gl_pathc >= 5);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct design_run run;

		assert_int_equal(record_replay(g.gl_pathv[i], mode, true, false, &run, stderr), 0);
		printf("%s: %s: vmas %.2f%%, pages %.2f%%, events %.2f%%, %lu checkpoints\n",
		       g.gl_pathv[i], mode, pct(run.st.vmas_matched, run.st.vmas),
		       pct(run.st.pages_matched, run.st.pages),
		       pct(run.st.events_matched, run.st.events), run.st.checkpoints);
		assert_true(run.st.checkpoints > 0);
		assert_true(run.st.pages > 0);
		assert_true(pct(run.st.vmas_matched, run.st.vmas) >= 99.0);
		assert_true(pct(run.st.pages_matched, run.st.pages) >= 99.0);
		/* the checker must stay silent */
		for (int c = 0; c < NR_FINDING_CLASSES; c++)
			if (run.violations[c])
				fail_msg("%s: %s: %s", g.gl_pathv[i], mode, run.first[c]);
	}
	globfree(&g);
}

static void test_classic_reproduces_recordings(void **state)
{
	(void)state;
	reproduces_recordings("classic");
}

static void test_cowctx_reproduces_recordings(void **state)
{
	(void)state;
	reproduces_recordings("cowctx");
}

static void test_every_design_replays_them(void **state)
{
	/* lazy's layout differences are finding 6, listed line by line: not wanted here */
	FILE *quiet = fopen("/dev/null", "w");
	const struct anon_rmap_ops *ops;
	glob_t g;

	(void)state;
	assert_non_null(quiet);
	assert_int_equal(glob(ANONRMAP_SOURCE_DIR "/workloads/*.scn.gz", 0, NULL, &g), 0);
	for (size_t d = 1; (ops = anon_rmap_nth(d)); d++) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct design_run run;

			assert_int_equal(record_replay(g.gl_pathv[i], ops->name, true, false, &run,
						       quiet), 0);
			printf("%s: %s:", g.gl_pathv[i], ops->name);
			for (int c = 0; c < NR_FINDING_CLASSES; c++)
				printf(" [%s: %lu of %lu checks]",
				       finding_class_name((enum finding_class)c), run.checks_with[c],
				       run.checks);
			printf("\n");
			/* the whole recording ran: every event was tried */
			assert_true(run.st.events > 0);
			assert_true(run.st.checkpoints > 0);
		}
	}
	globfree(&g);
	fclose(quiet);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classic_reproduces_recordings),
		cmocka_unit_test(test_cowctx_reproduces_recordings),
		cmocka_unit_test(test_every_design_replays_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
