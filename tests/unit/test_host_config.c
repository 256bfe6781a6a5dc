// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading a host's kernel configuration, and the configuration as text.
 * Fake sysfs/procfs trees stand for hosts we may not have: a kernel without
 * THP, one with mTHP sizes switched on, one whose files are damaged. The
 * zero-page decision is forced both ways, and each way must lead the
 * simulator to the observation recorded on a host that decided so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <anonrmap/config.h>

#include "kernel/kernel_runner.h"
#include "scenario/replay.h"
#include "scenario/scenario.h"

static void put(const char *root, const char *rel, const char *text)
{
	char path[4096], *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *fake_root(void)
{
	char *root = strdup("/tmp/anonrmap-sysfs-XXXXXX");

	assert_non_null(mkdtemp(root));
	put(root, "proc/sys/vm/max_map_count", "65530\n");
	return root;
}

static void remove_root(char *root)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(root);
}

static void thp_files(const char *root, const char *enabled, const char *use_zero)
{
	static const char *const sizes[] = { "16", "32", "64", "128", "256", "512", "1024" };
	char rel[256];

	put(root, "sys/kernel/mm/transparent_hugepage/enabled", enabled);
	put(root, "sys/kernel/mm/transparent_hugepage/use_zero_page", use_zero);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(rel, sizeof(rel), "sys/kernel/mm/transparent_hugepage/hugepages-%skB/enabled",
			 sizes[i]);
		put(root, rel, "always inherit madvise [never]\n");
	}
	put(root, "sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled",
	    "always [inherit] madvise never\n");
}

static char *formatted(const char *root, int zp)
{
	struct anonrmap_config cfg;
	char why[4600], *line = malloc(5000);

	assert_non_null(line);
	if (kernel_host_config(root, zp, &cfg, why, sizeof(why))) {
		snprintf(line, 5000, "error: %s", why);
		return line;
	}
	anonrmap_config_format(&cfg, line, 512);
	return line;
}

static void test_host_like_ours(void **state)
{
	char *root = fake_root(), *line;

	(void)state;
	thp_files(root, "always [madvise] never\n", "1\n");
	line = formatted(root, 1);
	assert_string_equal(line, "--zero-page on --thp madvise --huge-zero-page on --mthp "
			    "16K=never,32K=never,64K=never,128K=never,256K=never,512K=never,"
			    "1024K=never,2048K=inherit --max-map-count 65530");
	free(line);
	line = formatted(root, 0);
	assert_non_null(strstr(line, "--zero-page off "));
	free(line);
	remove_root(root);
}

static void test_host_with_mthp(void **state)
{
	char *root = fake_root(), *line;

	(void)state;
	thp_files(root, "[always] madvise never\n", "0\n");
	put(root, "sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled",
	    "[always] inherit madvise never\n");
	put(root, "sys/kernel/mm/transparent_hugepage/hugepages-128kB/enabled",
	    "always inherit [madvise] never\n");
	put(root, "proc/sys/vm/max_map_count", "1000\n");
	line = formatted(root, 1);
	assert_string_equal(line, "--zero-page on --thp always --huge-zero-page off --mthp "
			    "16K=never,32K=never,64K=always,128K=madvise,256K=never,512K=never,"
			    "1024K=never,2048K=inherit --max-map-count 1000");
	free(line);
	remove_root(root);
}

/* No transparent_hugepage directory: a kernel built without THP. */
static void test_host_without_thp(void **state)
{
	char *root = fake_root(), *line;

	(void)state;
	line = formatted(root, 1);
	assert_non_null(strstr(line, "--thp never --huge-zero-page off --mthp 16K=never"));
	assert_non_null(strstr(line, "2048K=never"));
	free(line);
	remove_root(root);
}

static void test_host_damaged(void **state)
{
	char *root = fake_root(), *line;

	(void)state;
	thp_files(root, "always madvise never\n", "1\n");	/* no brackets */
	line = formatted(root, 1);
	assert_true(!strncmp(line, "error: ", 7) && strstr(line, "transparent_hugepage/enabled"));
	free(line);
	thp_files(root, "always [madvise] never\n", "1\n");
	put(root, "proc/sys/vm/max_map_count", "lots\n");
	line = formatted(root, 1);
	assert_true(!strncmp(line, "error: ", 7) && strstr(line, "max_map_count"));
	free(line);
	remove_root(root);
}

/* What --show-config prints must read back as the same configuration. */
static void test_format_round_trip(void **state)
{
	struct anonrmap_config a, b;
	char line[512], err[256], *save = NULL, *name, *copy;

	(void)state;
	anonrmap_config_init(&a);
	assert_int_equal(anonrmap_config_set(&a, "mthp", "16K=always,1024K=madvise,2048K=never",
					     err, sizeof(err)), 0);
	assert_int_equal(anonrmap_config_set(&a, "thp", "never", err, sizeof(err)), 0);
	assert_int_equal(anonrmap_config_set(&a, "zero-page", "off", err, sizeof(err)), 0);
	assert_int_equal(anonrmap_config_set(&a, "max-map-count", "77", err, sizeof(err)), 0);
	anonrmap_config_format(&a, line, sizeof(line));
	anonrmap_config_init(&b);
	assert_false(anonrmap_config_same_kernel(&a, &b));
	copy = strdup(line);
	for (name = strtok_r(copy, " ", &save); name; name = strtok_r(NULL, " ", &save))
		assert_int_equal(anonrmap_config_set(&b, name + 2, strtok_r(NULL, " ", &save), err,
						     sizeof(err)), 0);
	free(copy);
	assert_true(anonrmap_config_same_kernel(&a, &b));
}

/* A bad value names itself and leaves the config as it was. */
static void test_bad_values(void **state)
{
	static const char *const bad[][2] = {
		{ "zero-page", "yes" }, { "thp", "sometimes" }, { "huge-zero-page", "" },
		{ "mthp", "8K=always" }, { "mthp", "64K=maybe" }, { "mthp", "64K" },
		{ "mthp", "16K=always," }, { "mthp", "16K=always,64K=bogus" },
		{ "max-map-count", "0" }, { "max-map-count", "-1" }, { "max-map-count", "9x" },
	};
	struct anonrmap_config cfg, before;
	char err[256];

	(void)state;
	anonrmap_config_init(&cfg);
	before = cfg;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(anonrmap_config_set(&cfg, bad[i][0], bad[i][1], err, sizeof(err)),
				 -EINVAL);
		assert_true(err[0] != '\0');
		assert_true(anonrmap_config_same_kernel(&cfg, &before));
	}
	assert_int_equal(anonrmap_config_set(&cfg, "frobnicate", "1", err, sizeof(err)), -ENOENT);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * The zero-page decision, forced each way on a host like ours, must give a
 * configuration under which the simulator prints the observation Linux
 * printed on a host that decided the same way.
 */
static void test_zero_page_decision_both_ways(void **state)
{
	static const char scn_path[] = ANONRMAP_SHARED_DIR "/scenarios/02-zero-page.scn";
	static const char *const truths[2] = {
		ANONRMAP_SHARED_DIR "/scenarios/02-zero-page.kernel.obs",
		ANONRMAP_SHARED_DIR "/scenarios/zero-page-on/02-zero-page.kernel.obs",
	};
	char *root = fake_root(), why[4600], err[512];
	struct anonrmap_config cfg;
	struct scenario scn;

	(void)state;
	thp_files(root, "always [madvise] never\n", "1\n");
	assert_int_equal(scenario_parse_file(scn_path, &scn, err, sizeof(err)), 0);
	for (int zp = 0; zp <= 1; zp++) {
		char *text = NULL, *want = slurp(truths[zp]);
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);

		assert_int_equal(kernel_host_config(root, zp, &cfg, why, sizeof(why)), 0);
		assert_int_equal(scenario_replay(&scn, &(struct replay_opts){ .config = &cfg }, out), 0);
		fclose(out);
		assert_string_equal(text, want);
		free(text);
		free(want);
	}
	scenario_free(&scn);
	remove_root(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_like_ours),
		cmocka_unit_test(test_host_with_mthp),
		cmocka_unit_test(test_host_without_thp),
		cmocka_unit_test(test_host_damaged),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_zero_page_decision_both_ways),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
