/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The version-2 grammar: gated by its version line so that version-1 files
 * keep their meaning, whole user address space, mmap flags, file identity,
 * tasks sharing an mm, and expect lines with their page lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "scenario/scenario.h"

static void parse_ok(const char *text, struct scenario *scn)
{
	char err[256] = "";

	if (scenario_parse_buffer("t.scn", text, strlen(text), scn, err, sizeof(err)))
		fail_msg("unexpected parse error: %s", err);
}

static void parse_err(const char *text, const char *msg)
{
	struct scenario scn;
	char err[256] = "";

	if (!scenario_parse_buffer("t.scn", text, strlen(text), &scn, err, sizeof(err))) {
		scenario_free(&scn);
		fail_msg("parsed, expected: %s", msg);
	}
	if (strcmp(err, msg))
		fail_msg("got '%s', expected '%s'", err, msg);
}

static void test_v1_keeps_its_words(void **state)
{
	struct scenario scn;

	(void)state;
	parse_ok("mmap P0 0x100000000000 4K rw-\n", &scn);
	assert_int_equal(scn.version, 1);
	scenario_free(&scn);
	parse_err("exec P0\n", "t.scn:1: unknown operation 'exec'");
	parse_err("mmap P0 0x100000000000 4K rw- shared\n", "t.scn:1: mmap needs 4 or 6 arguments, got 5");
	parse_err("mmap P0 0x1000 4K rw-\n",
		  "t.scn:1: range [0x1000, 0x2000) leaves the scenario window "
		  "[0x100000000000, 0x200000000000)");
}

static void test_version_line(void **state)
{
	struct scenario scn;

	(void)state;
	parse_ok("# comment first\n\nversion 2\nmmap P0 0x1000 4K rw-\n", &scn);
	assert_int_equal(scn.version, 2);
	assert_int_equal(scn.ops[0].addr, 0x1000);
	scenario_free(&scn);
	parse_err("mmap P0 0x100000000000 4K rw-\nversion 2\n",
		  "t.scn:2: version must be the first operation line");
	parse_err("version 3\n", "t.scn:1: unknown format version 3 (1 or 2)");
	parse_err("version 2\nmmap P0 0x7ffffffff000 8K rw-\n",
		  "t.scn:2: range [0x7ffffffff000, +0x2000) leaves the user address space "
		  "[0, 0x800000000000)");
}

static void test_mmap_flags_and_files(void **state)
{
	struct scenario scn;

	(void)state;
	parse_ok("version 2\nfile f0 64K fd:01 1234\n"
		 "mmap P0 0x1000 8K r-x f0 0x1000 fixed\n"
		 "mmap P0 0x9000 4K rw- shared noreserve\n"
		 "mmap P0 0xa000 4K rw- noreserve stack\n", &scn);
	assert_int_equal(scn.ops[0].dev, 0xfdULL << 20 | 1);
	assert_int_equal(scn.ops[0].ino, 1234);
	assert_int_equal(scn.ops[1].file, 0);
	assert_int_equal(scn.ops[1].off, 0x1000);
	assert_int_equal(scn.ops[1].map_flags, SCN_MAP_FIXED);
	assert_int_equal(scn.ops[2].file, -1);
	assert_int_equal(scn.ops[2].map_flags, SCN_MAP_SHARED | SCN_MAP_NORESERVE);
	assert_int_equal(scn.ops[3].map_flags, SCN_MAP_NORESERVE | SCN_MAP_STACK);
	scenario_free(&scn);
	parse_err("version 2\nmmap P0 0x1000 4K rw- private\n",
		  "t.scn:2: 'private' is neither a declared file nor an mmap flag (fixed, shared, "
		  "noreserve, stack)");
	parse_err("version 2\nfile f0 4K\nmmap P0 0x1000 4K rw- f0\n",
		  "t.scn:3: mmap of file 'f0' needs an offset");
	parse_err("version 2\nmmap P0 0x1000 4K rw- fixed fixed\n",
		  "t.scn:2: mmap flag 'fixed' given twice");
	parse_err("version 2\nfile f0 4K fd01 3\n", "t.scn:2: device 'fd01' is not MAJOR:MINOR");
}

static void test_tasks(void **state)
{
	struct scenario scn;

	(void)state;
	parse_ok("version 2\nthread P0 T\nvfork T C\nexec C\nexit C\nexit T\n", &scn);
	assert_int_equal(scn.nr_procs, 3);
	assert_int_equal(scn.ops[1].proc, 1);
	assert_int_equal(scn.ops[1].child, 2);
	scenario_free(&scn);
	parse_err("version 2\nthread P0 P0\n", "t.scn:2: process name 'P0' already used");
	parse_err("version 2\nexit P0\nexec P0\n",
		  "t.scn:3: process 'P0' does not exist (already exited)");
}

static void test_expect_pages(void **state)
{
	struct scenario scn;

	(void)state;
	parse_ok("version 2\nexpect P0 0x1000 16K rw-p 0,2-3\nexpect P0 0x9000 4K r--s -\n", &scn);
	assert_int_equal(scn.ops[0].nr_ranges, 2);
	assert_int_equal(scn.ranges[scn.ops[0].ranges_at + 1].first, 2);
	assert_int_equal(scn.ranges[scn.ops[0].ranges_at + 1].last, 3);
	assert_false(scn.ops[0].shared);
	assert_true(scn.ops[1].shared);
	assert_int_equal(scn.ops[1].nr_ranges, 0);
	scenario_free(&scn);
	parse_err("version 2\nexpect P0 0x1000 8K rw-p 2\n",
		  "t.scn:2: pages '2': out of order or past the VMA's 2 pages");
	parse_err("version 2\nexpect P0 0x1000 8K rw-p 1,0\n",
		  "t.scn:2: pages '1,0': out of order or past the VMA's 2 pages");
	parse_err("version 2\nexpect P0 0x1000 8K rw-p 0-\n",
		  "t.scn:2: pages '0-' malformed (\"-\" or a list like 0-3,7)");
	parse_err("version 2\nexpect P0 0x1000 8K rw-x -\n",
		  "t.scn:2: bad PROT 'rw-x' (four characters as in /proc/PID/maps, ending in p or s)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_keeps_its_words),
		cmocka_unit_test(test_version_line),
		cmocka_unit_test(test_mmap_flags_and_files),
		cmocka_unit_test(test_tasks),
		cmocka_unit_test(test_expect_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
