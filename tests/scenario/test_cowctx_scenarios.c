// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cow-context design against the kernel and against classic:
 *  - every recorded kernel observation, replayed in cowctx mode under its
 *    own configuration with the checker after every operation, prints the
 *    kernel's VMAs, pages and errors (the count lines aside), and the
 *    checker, cowctx's own rules included, stays silent: a replacement of
 *    anon_vma must not change what users see;
 *  - each scenario of tests/scenarios/cowctx (docs/cowctx.md "Test plan";
 *    all but 21-23 with a kernel observation, in the first set above)
 *    prints in cowctx exactly what it prints in classic, counts included,
 *    since the design keeps classic's objects, with no violation; and the
 *    proof-of-concept variant reports what its "# expect-poc:" line says
 *    (from reading the PoC, docs/cowctx.md), or nothing for "clean".
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <anonrmap/config.h>

#include "scenario/replay.h"
#include "scenario/scenario.h"
#include "scenario/truth.h"

struct run {
	char *obs, *diag;
	size_t obs_len, diag_len;
	int ret;
};

static void replay(const char *path, const char *mode, const struct anonrmap_config *cfg,
		   struct run *r)
{
	struct scenario scn;
	char err[512];
	FILE *out, *diag;

	memset(r, 0, sizeof(*r));
	if (scenario_parse_file(path, &scn, err, sizeof(err)))
		fail_msg("%s", err);
	out = open_memstream(&r->obs, &r->obs_len);
	diag = open_memstream(&r->diag, &r->diag_len);
	r->ret = scenario_replay(&scn, &(struct replay_opts){ .mode = mode, .config = cfg,
							       .check = true, .diag = diag }, out);
	fclose(out);
	fclose(diag);
	scenario_free(&scn);
	assert_true(r->ret >= 0);
}

static void run_free(struct run *r)
{
	free(r->obs);
	free(r->diag);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	assert_non_null(f);
	m = open_memstream(&buf, &len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

/* The observation without the count lines the designs may differ in. */
static void drop_counts(char *obs)
{
	char *src = obs, *dst = obs;

	while (*src) {
		char *eol = strchr(src, '\n');
		size_t len = eol ? (size_t)(eol - src + 1) : strlen(src);

		if (strncmp(src, "count ", 6)) {
			memmove(dst, src, len);
			dst += len;
		}
		src += len;
	}
	*dst = '\0';
}

static int obs_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 11 && !strcmp(d->d_name + n - 11, ".kernel.obs");
}

/* Every observation in @dir; how many were compared. */
static int check_dir(const char *dir, const struct anonrmap_config *cfg)
{
	struct dirent **names;
	int n = scandir(dir, &names, obs_filter, alphasort);

	if (n < 0)
		fail_msg("%s is missing", dir);
	for (int i = 0; i < n; i++) {
		char obs[4096], scn[4096], *want;
		struct run r;

		snprintf(obs, sizeof(obs), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		if (truth_scenario_path(obs, scn, sizeof(scn)))
			fail_msg("%s: no scenario beside it or one directory up", obs);
		replay(scn, "cowctx", cfg, &r);
		if (r.ret)
			fail_msg("%s: cowctx violations:\n%s", scn, r.diag);
		want = slurp(obs);
		drop_counts(want);
		drop_counts(r.obs);
		if (strcmp(want, r.obs))
			fail_msg("%s: cowctx differs from the kernel\n--- kernel\n%s--- cowctx\n%s",
				 scn, want, r.obs);
		free(want);
		run_free(&r);
	}
	free(names);
	return n;
}

static int check_own_set(const char *rel)
{
	struct anonrmap_config cfg;
	char dir[4096], why[4600];

	snprintf(dir, sizeof(dir), "%s/tests/scenarios%s", ANONRMAP_SOURCE_DIR, rel);
	if (truth_dir_config(dir, &cfg, why, sizeof(why)))
		fail_msg("%s", why);
	return check_dir(dir, &cfg);
}

static void test_kernel_truths(void **state)
{
	static const char *const sets[] = { "/zero-page-on", "/thp-always", "/mthp/64k",
					    "/mthp/16k-128k", "/cowctx" };
	struct anonrmap_config cfg;

	(void)state;
	assert_true(check_own_set("") >= 40);
	assert_true(check_own_set("/lazy") >= 5);
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		assert_true(check_own_set(sets[i]) >= 1);
	/* ../shared: recorded with THP madvise, zero page off, or on in zero-page-on/ */
	assert_int_equal(truth_parse_config("--zero-page off --thp madvise", &cfg, NULL, 0), 0);
	if (check_dir(ANONRMAP_SHARED_DIR "/scenarios", &cfg) < 10)
		fail_msg("%s: fewer than the ten founding scenarios", ANONRMAP_SHARED_DIR);
	cfg.zero_page = true;
	assert_true(check_dir(ANONRMAP_SHARED_DIR "/scenarios/zero-page-on", &cfg) >= 10);
}

static int scn_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".scn");
}

/* The text after "@key " in @path, or NULL. */
static char *header(const char *path, const char *key)
{
	char line[4096], *val = NULL;
	size_t n = strlen(key);
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (!val && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, key, n) && line[n] == ' ')
			val = strdup(line + n + 1);
	}
	fclose(f);
	return val;
}

/*
 * The configuration tests/scenarios/cowctx was recorded in, with the file's
 * "# config:" options after it (22 and 23 need THP and mTHP, which the
 * recording host did not have: they carry no .kernel.obs).
 */
static void file_config(const char *path, struct anonrmap_config *cfg)
{
	char *base = slurp(ANONRMAP_SOURCE_DIR "/tests/scenarios/cowctx/" TRUTH_CONFIG_FILE);
	char *extra = header(path, "# config:"), line[8192], why[4600];

	base[strcspn(base, "\n")] = '\0';
	snprintf(line, sizeof(line), "%s %s", base, extra ? extra : "");
	if (truth_parse_config(line, cfg, why, sizeof(why)))
		fail_msg("%s: %s", path, why);
	free(base);
	free(extra);
}

static void test_plan_scenarios(void **state)
{
	const char *dir = ANONRMAP_SOURCE_DIR "/tests/scenarios/cowctx";
	struct dirent **names;
	int n = scandir(dir, &names, scn_filter, alphasort);

	(void)state;
	assert_true(n >= 23);
	for (int i = 0; i < n; i++) {
		struct anonrmap_config cfg;
		char path[4096], *want;
		struct run c, x, p;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		want = header(path, "# expect-poc:");
		if (!want)
			fail_msg("%s: no \"# expect-poc:\" line", path);
		file_config(path, &cfg);
		replay(path, "classic", &cfg, &c);
		replay(path, "cowctx", &cfg, &x);
		replay(path, "cowctx-poc", &cfg, &p);
		if (c.ret)
			fail_msg("%s: classic violations:\n%s", path, c.diag);
		if (x.ret)
			fail_msg("%s: cowctx violations:\n%s", path, x.diag);
		if (strcmp(c.obs, x.obs))
			fail_msg("%s: cowctx differs from classic\n--- classic\n%s--- cowctx\n%s",
				 path, c.obs, x.obs);
		if (!strcmp(want, "clean")) {
			if (p.ret)
				fail_msg("%s: cowctx-poc violations:\n%s", path, p.diag);
		} else if (!p.ret || !strstr(p.diag, want)) {
			fail_msg("%s: cowctx-poc did not report \"%s\":\n%s", path, want, p.diag);
		}
		free(want);
		run_free(&c);
		run_free(&x);
		run_free(&p);
	}
	free(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_truths),
		cmocka_unit_test(test_plan_scenarios),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
