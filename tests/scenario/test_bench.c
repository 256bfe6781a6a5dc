// SPDX-License-Identifier: GPL-2.0-only
/*
 * `anonrmap bench` as a user sees it: the scenario it writes for the
 * kernel must be the workload it measured, every registered design must
 * be a column, and bad options must be refused with a message. Figures
 * and timings are not tested: the benchmark prints them, it does not
 * assert them.
 */
#include <math.h>
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
#include "mm/anon_rmap.h"

#define BIN ANONRMAP_BIN_DIR "/anonrmap"

static char dir[] = "/tmp/anonrmap-test-bench-XXXXXX";

/* Runs @cmd through the shell; its stdout in a malloc'd string, exit status in *rc. */
static char *run(const char *cmd, int *rc)
{
	FILE *p = popen(cmd, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	char buf[4096];
	int st;

	assert_non_null(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		if (len + n + 1 > cap) {
			cap = 2 * (len + n + 1);
			text = realloc(text, cap);
			assert_non_null(text);
		}
		memcpy(text + len, buf, n);
		len += n;
	}
	st = pclose(p);
	*rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (!text)
		text = calloc(1, 1);
	text[len] = '\0';
	return text;
}

/* From the bench's CSV: live count of @object at @phase in @design, or -1. */
static long csv_live(const char *csv, const char *phase, const char *design, const char *object)
{
	char key[128];
	const char *line;

	snprintf(key, sizeof(key), ",%s,%s,%s,", phase, design, object);
	line = strstr(csv, key);
	if (!line)
		return -1;
	/* object_bytes, then live */
	line = strchr(line + strlen(key), ',');
	return line ? strtol(line + 1, NULL, 10) : -1;
}

/* From replay's observation: "count NAME N" in the block labelled @phase, or -1. */
static long obs_count(const char *obs, const char *phase, const char *name)
{
	char key[128];
	const char *block, *end, *line;

	snprintf(key, sizeof(key), "observe %s\n", phase);
	block = strstr(obs, key);
	if (!block)
		return -1;
	end = strstr(block, "\nend\n");
	snprintf(key, sizeof(key), "\ncount %s ", name);
	line = strstr(block, key);
	if (!line || (end && line > end))
		return -1;
	return strtol(line + strlen(key), NULL, 10);
}

/*
 * The file --emit-scenario writes, replayed by the simulator, must count
 * at every phase what the bench counted in the same design: otherwise the
 * kernel check of that file would say nothing about the benchmark's table.
 */
static void test_emitted_scenario_is_the_workload(void **state)
{
	static const char *const objects[][2] = {
		{ "vm_area_struct", "vmas" },
		{ "anon_vma_chain", "anon_vma_chain" },
		{ "anon_vma", "anon_vma" },
	};

	(void)state;
	for (unsigned int i = 0; i < bench_nr_workloads; i++) {
		const struct bench_workload *w = bench_workloads[i];
		char cmd[1024], path[512];
		char *csv, *obs;
		int rc;

		snprintf(path, sizeof(path), "%s/%s.scn", dir, w->name);
		snprintf(cmd, sizeof(cmd), "%s bench --workload %s --scale small --zero-page off "
			 "--mode classic --reps 1 --format csv", BIN, w->name);
		csv = run(cmd, &rc);
		assert_int_equal(rc, 0);
		snprintf(cmd, sizeof(cmd), "%s bench --workload %s --scale small --zero-page off "
			 "--emit-scenario '%s'", BIN, w->name, path);
		free(run(cmd, &rc));
		assert_int_equal(rc, 0);
		snprintf(cmd, sizeof(cmd), "%s replay --zero-page off '%s'", BIN, path);
		obs = run(cmd, &rc);
		assert_int_equal(rc, 0);
		for (unsigned int ph = 0; ph < w->nr_phases; ph++)
			for (int k = 0; k < 3; k++) {
				long b = csv_live(csv, w->phases[ph].label, "classic", objects[k][0]);
				long r = obs_count(obs, w->phases[ph].label, objects[k][1]);

				if (b != r)
					fprintf(stderr, "%s, %s, %s: bench %ld, replay %ld\n", w->name,
						w->phases[ph].label, objects[k][0], b, r);
				assert_true(b > 0);
				assert_int_equal(b, r);
			}
		free(csv);
		free(obs);
		unlink(path);
	}
}

/* A design added to the registry must show up without touching the bench. */
static void test_every_registered_design_is_a_column(void **state)
{
	char cmd[512], key[128];
	char *csv;
	int rc;

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s bench --workload fork-tree --scale small --reps 1 "
		 "--format csv", BIN);
	csv = run(cmd, &rc);
	/* rc may be 1 for a design under examination that breaks; classic must not */
	for (size_t d = 0; anon_rmap_nth(d); d++) {
		snprintf(key, sizeof(key), ",tree,%s,anon_vma,", anon_rmap_nth(d)->name);
		assert_non_null(strstr(csv, key));
	}
	assert_non_null(strstr(csv, "workload,phase,design,object,"));
	free(csv);
	snprintf(cmd, sizeof(cmd), "%s bench --workload fork-tree --scale small --reps 1 "
		 "--mode classic --format json", BIN);
	csv = run(cmd, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(csv, "\"schema\": \"" "anonrmap-bench/1" "\""));
	assert_non_null(strstr(csv, "\"design\": \"classic\""));
	assert_null(strstr(csv, "\"design\": \"lazy\""));
	free(csv);
}

#define PIPELINE ANONRMAP_SOURCE_DIR "/workloads/pipeline.scn.gz"

static const char *const caches[] = { "vm_area_struct", "anon_vma_chain", "anon_vma", "folio" };

/* The start of @design's result in the bench's JSON, or NULL. */
static const char *json_result(const char *json, const char *design)
{
	char key[128];

	snprintf(key, sizeof(key), "{\"design\": \"%s\"", design);
	return strstr(json, key);
}

/* "FIELD": N of @object at @phase in the result at @res, or -1. */
static double json_field(const char *res, const char *phase, const char *object,
			 const char *field)
{
	char key[128];
	const char *p;

	snprintf(key, sizeof(key), "\"%s\": {\"mms\"", phase);
	p = res ? strstr(res, key) : NULL;
	snprintf(key, sizeof(key), "\"%s\": {", object);
	p = p ? strstr(p, key) : NULL;
	snprintf(key, sizeof(key), "\"%s\": ", field);
	p = p ? strstr(p, key) : NULL;
	return p ? strtod(p + strlen(key), NULL) : -1;
}

/* active_objs of @cache in `replay --slabinfo` output, or -1. */
static long slabinfo_active(const char *slabinfo, const char *cache)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\n%s ", cache);
	p = strstr(slabinfo, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* The classic peak KB cell of @cache in `record --report`'s table, or -1. */
static double report_peak_kb(const char *table, const char *cache)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "| %s | ", cache);
	p = strstr(table, key);
	return p ? strtod(p + strlen(key), NULL) : -1;
}

/*
 * A recorded workload through the bench must count what the replay counts
 * on its own: at the end, the world `replay --slabinfo` leaves; at the
 * peak, what `record --report` prints. Both are other commands reading the
 * same file. Classic must come through a real program without a finding.
 */
static void test_recorded_workload_counts_what_replay_counts(void **state)
{
	char cmd[1024];
	char *json, *slab, *table;
	const char *classic;
	int rc;

	(void)state;
	snprintf(cmd, sizeof(cmd), "%s bench --workload pipeline --format json --reps 2 2>/dev/null",
		 BIN);
	json = run(cmd, &rc);
	/* a design under examination may break (exit 1); classic is checked below */
	assert_true(rc == 0 || rc == 1);
	snprintf(cmd, sizeof(cmd), "%s replay --slabinfo '%s'", BIN, PIPELINE);
	slab = run(cmd, &rc);
	assert_int_equal(rc, 0);
	snprintf(cmd, sizeof(cmd), "%s record --report '%s' 2>/dev/null", BIN, PIPELINE);
	table = run(cmd, &rc);
	assert_int_equal(rc, 0);

	assert_non_null(strstr(json, "\"phases\": [\"peak\", \"end\"]"));
	classic = json_result(json, "classic");
	assert_non_null(classic);
	for (int c = 0; c < 4; c++) {
		double end = json_field(classic, "end", caches[c], "live");
		double peak = json_field(classic, "peak", caches[c], "live");
		double kb = json_field(classic, "peak", caches[c], "live_kb");
		double bytes = json_field(classic, "peak", caches[c], "object_bytes");

		if (end != slabinfo_active(slab, caches[c]) ||
		    fabs(kb - report_peak_kb(table, caches[c])) > 0.051)
			fprintf(stderr, "%s: bench end %.0f peak %.2f KB; slabinfo %ld, report %.1f KB\n",
				caches[c], end, kb, slabinfo_active(slab, caches[c]),
				report_peak_kb(table, caches[c]));
		assert_true(end >= 0);
		assert_true(end == slabinfo_active(slab, caches[c]));
		assert_true(peak > 0 && peak >= end);
		assert_true(fabs(kb - report_peak_kb(table, caches[c])) <= 0.051);
		assert_true(fabs(kb - peak * bytes / 1024) < 0.006);
	}
	/* every registered design, with its findings by class */
	for (size_t d = 0; anon_rmap_nth(d); d++) {
		const char *res = json_result(json, anon_rmap_nth(d)->name);
		const char *next = res ? strstr(res + 1, "{\"design\": ") : NULL;
		const char *f = res ? strstr(res, "\"findings\": {\"checks\": ") : NULL;

		assert_non_null(f);
		assert_true(!next || f < next);
		assert_true(strtol(f + strlen("\"findings\": {\"checks\": "), NULL, 10) > 1);
	}
	for (const char *p = strstr(classic, "\"lines\": "), *next = strstr(classic + 1,
	     "{\"design\": "); p && (!next || p < next); p = strstr(p + 1, "\"lines\": "))
		assert_int_equal(strtol(p + strlen("\"lines\": "), NULL, 10), 0);
	free(json);
	free(slab);
	free(table);
}

/* --recording FILE is the same workload as its name, named after the file. */
static void test_recording_option_names_the_file(void **state)
{
	char cmd[1024], path[512];
	char *named, *given;
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/pipe.scn.gz", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", PIPELINE, path);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s bench --workload pipeline --mode classic --reps 1 "
		 "--format csv", BIN);
	named = run(cmd, &rc);
	assert_int_equal(rc, 0);
	snprintf(cmd, sizeof(cmd), "%s bench --recording '%s' --mode classic --reps 1 "
		 "--format csv", BIN, path);
	given = run(cmd, &rc);
	assert_int_equal(rc, 0);
	for (int c = 0; c < 4; c++) {
		long a = csv_live(named, "peak", "classic", caches[c]);

		assert_true(a > 0);
		assert_int_equal(a, csv_live(given, "peak", "classic", caches[c]));
	}
	assert_non_null(strstr(given, "\npipe,peak,classic,"));
	unlink(path);
	free(named);
	free(given);
}

/* Each bad command line exits 2 and names what is wrong, and runs nothing. */
static void test_bad_options_are_refused(void **state)
{
	static const char *const cases[][2] = {
		{ "--scale huge", "--scale" },
		{ "--workload nosuch", "nosuch" },
		{ "--mode nosuch", "nosuch" },
		{ "--format xml", "--format" },
		{ "--workload android --depth 3", "--depth" },
		{ "--workload fork-tree --depth 99", "--depth" },
		{ "--workload android --apps x", "--apps" },
		{ "--reps 0", "--reps" },
		{ "--zero-page maybe", "--zero-page" },
		{ "--emit-scenario /dev/null", "--emit-scenario" },
		{ "--seed", "--seed" },
		{ "--recording /nonexistent.scn.gz", "/nonexistent.scn.gz" },
		{ "--workload pipeline --emit-scenario /dev/null", "recording" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[512];
		char *out;
		int rc;

		snprintf(cmd, sizeof(cmd), "%s bench %s 2>&1", BIN, cases[i][0]);
		out = run(cmd, &rc);
		if (rc != 2 || !strstr(out, cases[i][1]))
			fprintf(stderr, "'%s' gave %d:\n%s", cases[i][0], rc, out);
		assert_int_equal(rc, 2);
		assert_non_null(strstr(out, cases[i][1]));
		assert_null(strstr(out, "Object"));
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emitted_scenario_is_the_workload),
		cmocka_unit_test(test_every_registered_design_is_a_column),
		cmocka_unit_test(test_recorded_workload_counts_what_replay_counts),
		cmocka_unit_test(test_recording_option_names_the_file),
		cmocka_unit_test(test_bad_options_are_refused),
	};
	int rc;

	if (access(BIN, X_OK)) {
		fprintf(stderr, "%s not built: skipping\n", BIN);
		return 77;
	}
	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return rc;
}
