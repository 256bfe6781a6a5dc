/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live-kernel runner on ../shared/scenarios. Where this host's
 * configuration is the one a set of committed observations was recorded
 * under, the runner must print them byte for byte; on any other host it
 * must print what the simulator prints in this host's configuration (the
 * simulator itself is held to every recorded set on every host by
 * test_kernel_scenarios). Also the runner's refusals, which need no kernel
 * access: bad usage, a malformed file, a scenario that uses migrate.
 *
 * Skipped (77) where the kernel cannot be observed: not root, no
 * /proc/kpageflags, no SLUB sysfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <anonrmap/config.h>

#include "kernel/kernel_runner.h"
#include "scenario/replay.h"
#include "scenario/scenario.h"
#include "scenario/truth.h"

/* This host, and the recorded set (if any) whose configuration it has. */
static struct anonrmap_config host;
static const char *matching_set;

static char *simulate(const struct scenario *scn)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(scenario_replay(scn, &(struct replay_opts){ .mode = "classic",
					 .config = &host }, out), 0);
	fclose(out);
	return text;
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r"), *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	assert_non_null(m);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* Runs @scn on the kernel; the observation as printed. */
static char *run_kernel(const struct scenario *scn, int *status, bool *unclear)
{
	struct kernel_opts opts = { .diag = stderr };
	struct kernel_report rep;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	*status = kernel_run_scenario_report(scn, &opts, out, &rep);
	fclose(out);
	if (unclear)
		*unclear = rep.unclear;
	return text;
}

/* The first line where @a and @b differ, for a readable failure. */
static void report_difference(const char *what, const char *want, const char *got)
{
	size_t line = 1;
	const char *w = want, *g = got;

	while (*w && *w == *g) {
		if (*w == '\n')
			line++;
		w++;
		g++;
	}
	fprintf(stderr, "%s: first difference at line %zu\n--- expected\n%s--- runner\n%s", what,
		line, want, got);
}

static void test_shared_scenario(void **state)
{
	const char *path = *state;
	char obs_path[4096], err[SCN_LINE_MAX + 256], *want, *got;
	struct scenario scn;
	int status, attempt;
	bool unclear;

	if (scenario_parse_file(path, &scn, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		fail();
	}
	if (matching_set) {
		const char *base = strrchr(path, '/') + 1;

		snprintf(obs_path, sizeof(obs_path), "%s/%.*s.kernel.obs", matching_set,
			 (int)(strlen(base) - 4), base);
		want = slurp(obs_path);
		assert_non_null(want);
	} else {
		want = simulate(&scn);
	}
	/*
	 * Counts the runner itself calls unclear are a guess made on a busy
	 * machine (other tests, other builds): ask again before failing, as
	 * `anonrmap compare` does. A clear answer is final.
	 */
	for (attempt = 1;; attempt++) {
		got = run_kernel(&scn, &status, &unclear);
		assert_int_equal(status, KERNEL_OK);
		if (!strcmp(want, got) || !unclear || attempt == 3)
			break;
		fprintf(stderr, "%s: unclear counts differ, running again\n", path);
		free(got);
	}
	if (strcmp(want, got))
		report_difference(path, want, got);
	assert_string_equal(want, got);
	free(got);
	free(want);
	scenario_free(&scn);
}

/*
 * Faults end a touch with EFAULT wherever a real program would take SIGSEGV
 * or SIGBUS, and the touch stops at the faulting page.
 */
static void test_touch_faults(void **state)
{
	static const char text[] =
		"file f 8K\n"
		"mmap P0 0x100000000000 16K ---\n"
		"touch P0 0x100000000000 4K r\n"
		"mmap P0 0x100000010000 16K r--\n"
		"touch P0 0x100000010000 8K r\n"
		"touch P0 0x100000010000 4K w\n"
		"mmap P0 0x100000020000 16K rw- f 0\n"
		"touch P0 0x100000020000 16K w\n"
		"observe faults\n";
	static const char *const want_lines[] = {
		"observe faults\n",
		"fail 3 EFAULT\n",
		"fail 6 EFAULT\n",
		"fail 8 EFAULT\n",
		"proc P0\n",
		"vma 100000000000-100000004000 ---p\n",
		"pages 100000000000 - - - -\n",
		"vma 100000010000-100000014000 r--p\n",
		/* Read faults on private anonymous memory: a1 a2, or z z. */
		NULL,
		"vma 100000020000-100000024000 rw-p\n",
		/* Written up to the end of the file, then SIGBUS. */
		NULL,
	};
	struct scenario scn;
	char err[256], *got, *p;
	size_t i;
	int status;

	(void)state;
	assert_int_equal(scenario_parse_buffer("faults", text, sizeof(text) - 1, &scn, err,
					       sizeof(err)), 0);
	got = run_kernel(&scn, &status, NULL);
	assert_int_equal(status, KERNEL_OK);
	p = got;
	for (i = 0; i < sizeof(want_lines) / sizeof(want_lines[0]); i++) {
		char *nl = strchr(p, '\n');

		assert_non_null(nl);
		if (want_lines[i] && strncmp(p, want_lines[i], (size_t)(nl - p + 1))) {
			fprintf(stderr, "line %zu: want %s got %s", i + 1, want_lines[i], got);
			fail();
		}
		if (i == 10)
			assert_true(!strncmp(p, "pages 100000020000 a", 20) &&
				    strstr(p, " - -\n") == nl - 4);
		p = nl + 1;
	}
	free(got);
	scenario_free(&scn);
}

static int run_cmd(const char *arg1, const char *arg2)
{
	char *argv[] = { "kernel", (char *)arg1, (char *)arg2, NULL };
	int argc = 1 + (arg1 != NULL) + (arg2 != NULL);

	return kernel_run_cmd(argc, argv);
}

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/anonrmap-kernel-test-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_usage_errors(void **state)
{
	char *bad;

	(void)state;
	assert_int_equal(run_cmd(NULL, NULL), KERNEL_USAGE);
	assert_int_equal(run_cmd("--reps", NULL), KERNEL_USAGE);
	assert_int_equal(run_cmd("--reps=0", "x.scn"), KERNEL_USAGE);
	assert_int_equal(run_cmd("--frobnicate", "x.scn"), KERNEL_USAGE);
	assert_int_equal(run_cmd("a.scn", "b.scn"), KERNEL_USAGE);
	assert_int_equal(run_cmd("--help", NULL), KERNEL_OK);
	assert_int_equal(run_cmd("/nonexistent/x.scn", NULL), KERNEL_USAGE);
	bad = write_temp("mmap P0 0x100000000000 16K rwz\n");
	assert_int_equal(run_cmd(bad, NULL), KERNEL_USAGE);
	unlink(bad);
	free(bad);
}

/* Refused before the kernel is even looked at, so this needs no root. */
static void test_migrate_refused(void **state)
{
	char *path;

	(void)state;
	path = write_temp("mmap P0 0x100000000000 16K rw-\n"
			  "touch P0 0x100000000000 16K w\n"
			  "migrate P0 0x100000000000 16K\n");
	assert_int_equal(run_cmd(path, NULL), KERNEL_UNSUPPORTED);
	unlink(path);
	free(path);
}

int main(void)
{
	static const struct CMUnitTest plain[] = {
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_migrate_refused),
	};
	struct CMUnitTest *tests;
	char why[4600], pattern[4096];
	glob_t g;
	size_t i, n;
	int failed;

	failed = cmocka_run_group_tests_name("kernel runner refusals", plain, NULL, NULL);
	if (failed)
		return 1;
	if (kernel_observable(why, sizeof(why)) != KERNEL_OK) {
		fprintf(stderr, "skipped: %s\n", why);
		return 77;
	}
	snprintf(pattern, sizeof(pattern), "%s/scenarios/*.scn", ANONRMAP_SHARED_DIR);
	if (glob(pattern, 0, NULL, &g) || !g.gl_pathc) {
		fprintf(stderr, "skipped: no scenarios match %s\n", pattern);
		return 77;
	}
	{
		static const char *const sets[][2] = {
			{ ANONRMAP_SHARED_DIR "/scenarios", "--zero-page off --thp madvise" },
			{ ANONRMAP_SHARED_DIR "/scenarios/zero-page-on", "--zero-page on --thp madvise" },
		};
		struct anonrmap_config set;
		char line[512];
		int zp = kernel_zero_page();

		if (zp < 0 || kernel_host_config(NULL, zp, &host, why, sizeof(why))) {
			fprintf(stderr, "cannot read this host's configuration\n");
			return 1;
		}
		for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
			assert_int_equal(truth_parse_config(sets[i][1], &set, NULL, 0), 0);
			if (anonrmap_config_same_kernel(&host, &set))
				matching_set = sets[i][0];
		}
		anonrmap_config_format(&host, line, sizeof(line));
		fprintf(stderr, "this host: %s\nthe runner is held to %s\n", line,
			matching_set ? matching_set : "the simulator in that configuration");
	}
	n = g.gl_pathc + 1;
	tests = calloc(n, sizeof(*tests));
	assert_non_null(tests);
	for (i = 0; i < g.gl_pathc; i++) {
		tests[i].name = g.gl_pathv[i];
		tests[i].test_func = test_shared_scenario;
		tests[i].initial_state = g.gl_pathv[i];
	}
	tests[i].name = "touch_faults";
	tests[i].test_func = test_touch_faults;
	failed = _cmocka_run_group_tests("kernel runner vs .kernel.obs", tests, n, NULL, NULL);
	free(tests);
	globfree(&g);
	return failed ? 1 : 0;
}
