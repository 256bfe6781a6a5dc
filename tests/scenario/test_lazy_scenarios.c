// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lazy design (ANON_VMA_LAZY v1 as posted) against classic, scenario by
 * scenario, with the checker after every operation:
 *  - the shared kernel scenarios print the same VMAs, pages and failures in
 *    both designs (only the anon_vma and anon_vma_chain counts may differ),
 *    and the lazy checker stays silent except where the series is known to
 *    break, which must then be reported;
 *  - each .scn file in tests/scenarios/lazy is the smallest scenario showing one flaw of the
 *    series: classic stays clean, lazy reports what its "# expect:" line
 *    says, or ("# expect-layout-differs") prints a different layout.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <anonrmap/world.h>

#include "scenario/replay.h"
#include "scenario/scenario.h"

struct run {
	char *obs, *diag;
	size_t obs_len, diag_len;
	int ret;
};

static void replay(const char *path, const char *mode, struct run *r)
{
	struct scenario scn;
	char err[512];
	FILE *out, *diag;
	struct anonrmap_config cfg;

	/* the configuration these files' kernel observations were recorded in */
	anonrmap_config_init(&cfg);
	cfg.zero_page = false;
	cfg.thp = ANONRMAP_THP_MADVISE;
	memset(r, 0, sizeof(*r));
	if (scenario_parse_file(path, &scn, err, sizeof(err)))
		fail_msg("%s", err);
	out = open_memstream(&r->obs, &r->obs_len);
	diag = open_memstream(&r->diag, &r->diag_len);
	r->ret = scenario_replay(&scn, &(struct replay_opts){ .mode = mode, .config = &cfg,
							       .check = true, .diag = diag }, out);
	fclose(out);
	fclose(diag);
	scenario_free(&scn);
	assert_true(r->ret >= 0);
}

/* The observation without the two counts the designs are allowed to differ in. */
static void drop_counts(char *obs)
{
	char *src = obs, *dst = obs;

	while (*src) {
		char *eol = strchr(src, '\n');
		size_t len = eol ? (size_t)(eol - src + 1) : strlen(src);

		if (strncmp(src, "count anon_vma ", 15) && strncmp(src, "count anon_vma_chain ", 21)) {
			memmove(dst, src, len);
			dst += len;
		}
		src += len;
	}
	*dst = '\0';
}

static void run_free(struct run *r)
{
	free(r->obs);
	free(r->diag);
}

/* Shared scenarios and what the lazy checker must say about them. */
static const struct {
	const char *name;
	const char *expect;	/* NULL: no violation */
} shared[] = {
	{ "01-fault-fork-cow.scn", NULL },
	{ "02-zero-page.scn", NULL },
	/* patch 14: restoring the protection removes the lazy root it keeps */
	{ "03-split-merge.scn", "in the tree but removed by a merge" },
	{ "04-neighbour-reuse.scn", NULL },
	{ "05-file-private.scn", NULL },
	{ "06-fork-chain-reuse.scn", NULL },
	{ "07-mremap.scn", NULL },
	{ "08-errors.scn", NULL },
	{ "09-dontfork-wipeonfork.scn", NULL },
	{ "10-dontneed.scn", NULL },
};

static void test_shared_scenarios(void **state)
{
	int seen = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		char path[4096];
		struct run c, l;
		FILE *f;

		snprintf(path, sizeof(path), "%s/scenarios/%s", ANONRMAP_SHARED_DIR, shared[i].name);
		f = fopen(path, "r");
		if (!f)
			fail_msg("%s missing (CI provides ../shared beside the checkout)", path);
		fclose(f);
		seen++;
		replay(path, "classic", &c);
		replay(path, "lazy", &l);
		assert_int_equal(c.ret, 0);
		if (shared[i].expect) {
			assert_true(l.ret > 0);
			if (!strstr(l.diag, shared[i].expect))
				fail_msg("%s: lazy did not report \"%s\":\n%s", path,
					 shared[i].expect, l.diag);
		} else if (l.ret) {
			fail_msg("%s: lazy violations:\n%s", path, l.diag);
		}
		drop_counts(c.obs);
		drop_counts(l.obs);
		if (strcmp(c.obs, l.obs))
			fail_msg("%s: layouts differ\n--- classic\n%s--- lazy\n%s", path, c.obs, l.obs);
		run_free(&c);
		run_free(&l);
	}
	assert_int_equal(seen, sizeof(shared) / sizeof(shared[0]));
}

static int scn_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".scn");
}

/* The text after "# expect: " in the file, or "" for expect-layout-differs. */
static char *expectation(const char *path)
{
	char line[4096], *want = NULL;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (!want && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "# expect: ", 10))
			want = strdup(line + 10);
		else if (!strcmp(line, "# expect-layout-differs"))
			want = strdup("");
	}
	fclose(f);
	if (!want)
		fail_msg("%s: no \"# expect\" line", path);
	return want;
}

static void test_findings(void **state)
{
	const char *dir = ANONRMAP_SOURCE_DIR "/tests/scenarios/lazy";
	struct dirent **names;
	int n = scandir(dir, &names, scn_filter, alphasort);

	(void)state;
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		char path[4096], *want;
		struct run c, l;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		want = expectation(path);
		replay(path, "classic", &c);
		replay(path, "lazy", &l);
		if (c.ret)
			fail_msg("%s: classic violations:\n%s", path, c.diag);
		drop_counts(c.obs);
		drop_counts(l.obs);
		if (*want) {
			if (!l.ret || !strstr(l.diag, want))
				fail_msg("%s: lazy did not report \"%s\":\n%s", path, want, l.diag);
		} else {
			assert_int_equal(l.ret, 0);
			assert_true(strcmp(c.obs, l.obs) != 0);
		}
		free(want);
		run_free(&c);
		run_free(&l);
	}
	free(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_scenarios),
		cmocka_unit_test(test_findings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
