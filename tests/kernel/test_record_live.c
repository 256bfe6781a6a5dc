/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `anonrmap record` on the live kernel: a small shell pipeline (fork, exec,
 * pipes, exit) is recorded and the classic replay of it must reproduce at
 * least 99 % of what the kernel showed. Skipped without root or ptrace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "record/record.h"
#include "record/report.h"

static void test_record_pipeline(void **state)
{
	char path[] = "/tmp/anonrmap-record-test-XXXXXX";
	char *argv[] = { "sh", "-c", "echo a b c | tr a-z A-Z | wc -c > /dev/null", NULL };
	struct record_opts o = { .timeout = 60, .max_lines = 1000000, .out_name = path };
	struct design_run run;
	int fd = mkstemp(path);

	(void)state;
	if (record_unavailable()) {
		fprintf(stderr, "skipped: %s\n", record_unavailable());
		close(fd);
		unlink(path);
		skip();
	}
	assert_true(fd >= 0);
	o.out = fdopen(fd, "w");
	assert_non_null(o.out);
	assert_int_equal(record_run(&o, argv), 0);
	fclose(o.out);
	assert_int_equal(record_replay(path, "classic", true, false, &run, stderr), 0);
	unlink(path);
	/* sh, tr and wc each exec and exit: at least 3 exec and 3 exit checkpoints */
	assert_true(run.st.checkpoints >= 6);
	assert_true(run.st.vmas_matched * 100 >= run.st.vmas * 99);
	assert_true(run.st.pages_matched * 100 >= run.st.pages * 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_pipeline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
