// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every benchmark workload, written out at --scale small, must compare
 * equal with the live kernel: then the classic column of `anonrmap bench`
 * is what Linux allocates for that workload, not what the model believes.
 *
 * Skipped (77) where the kernel cannot be observed (compare exits 4).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/bench.h"

#define BIN ANONRMAP_BIN_DIR "/anonrmap"

static char dir[] = "/tmp/anonrmap-test-bench-compare-XXXXXX";
static bool unobservable;

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_workloads_compare_equal(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < bench_nr_workloads && !unobservable; i++) {
		const char *name = bench_workloads[i]->name;
		char cmd[1024], path[512];
		int rc;

		snprintf(path, sizeof(path), "%s/%s.scn", dir, name);
		snprintf(cmd, sizeof(cmd), "%s bench --workload %s --scale small --emit-scenario '%s'",
			 BIN, name, path);
		assert_int_equal(sh(cmd), 0);
		snprintf(cmd, sizeof(cmd), "%s compare '%s'", BIN, path);
		rc = sh(cmd);
		if (rc == 4) {
			unobservable = true;
			break;
		}
		if (rc)
			fprintf(stderr, "%s: anonrmap compare exited %d\n", name, rc);
		assert_int_equal(rc, 0);
		unlink(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workloads_compare_equal),
	};
	int rc;

	if (access(BIN, X_OK) || !mkdtemp(dir))
		return 77;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return unobservable ? 77 : rc;
}
