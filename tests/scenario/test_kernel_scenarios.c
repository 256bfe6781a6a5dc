// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every recorded kernel observation, replayed in classic mode under the
 * kernel configuration it was recorded in, must be printed exactly, and the
 * invariant checker must stay silent after every operation. The .kernel.obs
 * files come from the live kernel, never from the simulator; each set of
 * them says its configuration (src/scenario/truth.h), so this test means the
 * same on every host, whatever that host's own configuration.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <anonrmap/config.h>

#include "scenario/replay.h"
#include "scenario/truth.h"
#include "scenario/scenario.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	*len = 0;
	for (;;) {
		if (*len + 4096 > cap) {
			cap = cap ? 2 * cap : 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t n = fread(buf + *len, 1, cap - *len - 1, f);

		if (!n)
			break;
		*len += n;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/* Returns 1 if the observation was compared. */
static int check_one(const char *obs_path, const struct anonrmap_config *cfg)
{
	char scn_path[4096], err[512], *expected, *actual = NULL;
	size_t exp_len = 0, act_len = 0;
	struct scenario scn;
	FILE *out;
	int ret;

	if (truth_scenario_path(obs_path, scn_path, sizeof(scn_path)))
		fail_msg("%s: no scenario beside it or one directory up", obs_path);
	expected = slurp(obs_path, &exp_len);
	assert_non_null(expected);
	if (scenario_parse_file(scn_path, &scn, err, sizeof(err)))
		fail_msg("%s", err);
	out = open_memstream(&actual, &act_len);
	ret = scenario_replay(&scn, &(struct replay_opts){ .mode = "classic", .config = cfg,
							    .check = true, .diag = stderr }, out);
	fclose(out);
	scenario_free(&scn);
	if (ret != 0)
		fail_msg("%s: replay returned %d (invariant violations above)", scn_path, ret);
	if (act_len != exp_len || memcmp(actual, expected, exp_len)) {
		char line[512];

		anonrmap_config_format(cfg, line, sizeof(line));
		fprintf(stderr, "%s: simulator output (%s) differs from the kernel's\n--- kernel\n%s"
			"--- simulator\n%s", scn_path, line, expected, actual);
		fail_msg("%s differs from %s", scn_path, obs_path);
	}
	free(actual);
	free(expected);
	return 1;
}

static int obs_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 11 && !strcmp(d->d_name + n - 11, ".kernel.obs");
}

/* Every observation in @dir under @cfg; how many, or -1 if @dir is missing. */
static int check_dir(const char *dir, const struct anonrmap_config *cfg)
{
	struct dirent **names;
	int n = scandir(dir, &names, obs_filter, alphasort), compared = 0;

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		compared += check_one(path, cfg);
		free(names[i]);
	}
	free(names);
	return compared;
}

/* A set of our own: its configuration from its kernel-config file. */
static int check_own_set(const char *dir)
{
	struct anonrmap_config cfg;
	char why[4600];

	if (truth_dir_config(dir, &cfg, why, sizeof(why)))
		fail_msg("%s", why);
	return check_dir(dir, &cfg);
}

/*
 * ../shared is read-only to us, so its two sets carry no kernel-config;
 * scenario-format.md says what they were recorded under: THP madvise, no
 * mTHP, and the zero page off, or on in zero-page-on/.
 */
static void test_shared_scenarios(void **state)
{
	struct anonrmap_config cfg;
	int n;

	(void)state;
	assert_int_equal(truth_parse_config("--zero-page off --thp madvise", &cfg, NULL, 0), 0);
	n = check_dir(ANONRMAP_SHARED_DIR "/scenarios", &cfg);
	if (n < 0)
		fail_msg("%s is missing: CI lays ../shared beside the checkout",
			 ANONRMAP_SHARED_DIR "/scenarios");
	/* the ten scenarios the project was founded on must all be there */
	assert_true(n >= 10);
	cfg.zero_page = true;
	assert_true(check_dir(ANONRMAP_SHARED_DIR "/scenarios/zero-page-on", &cfg) >= 10);
}

static void test_project_scenarios(void **state)
{
	(void)state;
	assert_true(check_own_set(ANONRMAP_SOURCE_DIR "/tests/scenarios") >= 40);
}

/*
 * The lazy findings are claims about how ANON_VMA_LAZY differs from Linux;
 * classic mode must equal Linux on them, or the claim rests on nothing.
 */
static void test_lazy_finding_scenarios_in_classic(void **state)
{
	(void)state;
	assert_true(check_own_set(ANONRMAP_SOURCE_DIR "/tests/scenarios/lazy") >= 5);
}

/* Sets recorded under other configurations: every subdirectory with a kernel-config. */
static void test_other_configurations(void **state)
{
	static const char *const sets[] = { "zero-page-on", "thp-always", "mthp/64k",
					    "mthp/16k-128k", "cowctx" };
	char dir[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/tests/scenarios/%s", ANONRMAP_SOURCE_DIR, sets[i]);
		if (check_own_set(dir) < 1)
			fail_msg("%s holds no observation", dir);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_scenarios),
		cmocka_unit_test(test_project_scenarios),
		cmocka_unit_test(test_lazy_finding_scenarios_in_classic),
		cmocka_unit_test(test_other_configurations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
