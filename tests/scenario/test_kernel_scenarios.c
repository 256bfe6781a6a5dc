// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every scenario with a kernel observation beside it, replayed in classic
 * mode with the zero page off (as our machines behave), must print exactly
 * what Linux printed, and the invariant checker must stay silent after every
 * operation. The .kernel.obs files come from the live kernel, never from the
 * simulator.
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

#include "scenario/replay.h"
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

/* Returns 1 if the file was compared, 0 if it had no kernel observation. */
static int check_one(const char *scn_path)
{
	char obs_path[4096], err[512], *expected, *actual = NULL;
	size_t exp_len, act_len = 0;
	struct scenario scn;
	FILE *out;
	int ret;

	snprintf(obs_path, sizeof(obs_path), "%.*s.kernel.obs",
		 (int)(strlen(scn_path) - 4), scn_path);
	expected = slurp(obs_path, &exp_len);
	if (!expected)
		return 0;
	if (scenario_parse_file(scn_path, &scn, err, sizeof(err)))
		fail_msg("%s", err);
	out = open_memstream(&actual, &act_len);
	ret = scenario_replay(&scn, &(struct replay_opts){ .mode = "classic", .zero_page = false,
							    .check = true, .diag = stderr }, out);
	fclose(out);
	scenario_free(&scn);
	if (ret != 0)
		fail_msg("%s: replay returned %d (invariant violations above)", scn_path, ret);
	if (act_len != exp_len || memcmp(actual, expected, exp_len)) {
		fprintf(stderr, "%s: simulator output differs from the kernel's\n--- kernel\n%s"
			"--- simulator\n%s", scn_path, expected, actual);
		fail_msg("%s differs from %s", scn_path, obs_path);
	}
	free(actual);
	free(expected);
	return 1;
}

static int scn_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".scn");
}

static int check_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, scn_filter, alphasort), compared = 0;

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		compared += check_one(path);
		free(names[i]);
	}
	free(names);
	return compared;
}

static void test_shared_scenarios(void **state)
{
	int n = check_dir(ANONRMAP_SHARED_DIR "/scenarios");

	if (n < 0)
		skip();	/* ../shared is not beside this checkout */
	/* the ten scenarios the project was founded on must all be there */
	assert_true(n >= 10);
}

static void test_project_scenarios(void **state)
{
	assert_true(check_dir(ANONRMAP_SOURCE_DIR "/tests/scenarios") >= 0);
}

/*
 * The lazy findings are claims about how ANON_VMA_LAZY differs from Linux;
 * classic mode must equal Linux on them, or the claim rests on nothing.
 */
static void test_lazy_finding_scenarios_in_classic(void **state)
{
	assert_true(check_dir(ANONRMAP_SOURCE_DIR "/tests/scenarios/lazy") >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_scenarios),
		cmocka_unit_test(test_project_scenarios),
		cmocka_unit_test(test_lazy_finding_scenarios_in_classic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
