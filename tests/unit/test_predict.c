// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_predict(): what each operation must return, from the page-level
 * state alone, by Linux's rules for these calls. A wrong prediction would
 * either hide a model bug or fail good seeds, so each rule is pinned here.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "scenario/predict.h"
#include "scenario/scenario.h"

#define W "0x1000000"

static void predict_file(const char *text, const int *want, size_t n)
{
	struct scenario scn;
	char err[256];
	int got[64];

	assert_int_equal(scenario_parse_buffer("t.scn", text, strlen(text), &scn, err, sizeof(err)), 0);
	assert_int_equal(scn.nr_ops, n);
	assert_int_equal(scenario_predict(&scn, 256, got), 0);
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("line %u: predicted %d, want %d", scn.ops[i].line, got[i], want[i]);
	scenario_free(&scn);
}

static void test_touch_and_mmap(void **state)
{
	static const int want[] = { 0, 0, 0, -EFAULT, -EFAULT, -EEXIST, 0, -EFAULT };

	predict_file("mmap P0 " W "00000 8K rw-\n"
		    "touch P0 " W "00000 8K w\n"
		    "mmap P0 " W "02000 4K r--\n"
		    "touch P0 " W "00000 12K w\n"	/* ends in the r-- page */
		    "touch P0 " W "00000 16K r\n"	/* ends past the mappings */
		    "mmap P0 " W "01000 8K rw-\n"	/* MAP_FIXED_NOREPLACE */
		    "munmap P0 " W "00000 4K\n"
		    "touch P0 " W "00000 4K r\n", want, 8);
}

static void test_mprotect_and_madvise_holes(void **state)
{
	static const int want[] = { 0, 0, -ENOMEM, -ENOMEM, 0, -ENOMEM, 0 };

	predict_file("mmap P0 " W "00000 4K rw-\n"
		    "mmap P0 " W "02000 4K rw-\n"
		    "mprotect P0 " W "01000 8K r--\n"	/* starts in the hole */
		    "mprotect P0 " W "00000 12K r--\n"	/* meets it: first page changed */
		    "touch P0 " W "00000 4K r\n"
		    "madvise P0 " W "00000 12K dontneed\n"
		    "touch P0 " W "02000 4K w\n", want, 7);
}

static void test_files_fork_and_mremap(void **state)
{
	static const int want[] = { 0, 0, 0, -EFAULT, 0, 0, -EFAULT, 0, PREDICT_ANY, PREDICT_ANY, 0 };

	predict_file("file lib 8K\n"
		    "mmap P0 " W "00000 12K rw- lib 0\n"
		    "touch P0 " W "00000 8K w\n"
		    "touch P0 " W "00000 12K r\n"	/* past the end of the file */
		    "madvise P0 " W "00000 4K dontfork\n"
		    "fork P0 C\n"
		    "touch C " W "00000 4K r\n"	/* not copied to the child */
		    "touch C " W "01000 4K w\n"
		    "mremap C " W "01000 4K 4K " W "40000\n"
		    "touch C " W "40000 4K w\n"	/* after a move: not predicted */
		    "munmap C " W "40000 4K\n", want, 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_touch_and_mmap),
		cmocka_unit_test(test_mprotect_and_madvise_holes),
		cmocka_unit_test(test_files_fork_and_mremap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
