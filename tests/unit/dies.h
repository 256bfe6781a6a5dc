/* SPDX-License-Identifier: GPL-2.0-only */
/* Death tests: the model aborts on its own bugs, so a test forks to watch it. */
#ifndef ANONRMAP_TEST_DIES_H
#define ANONRMAP_TEST_DIES_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run @fn in a child; true if the child died or failed rather than returned. */
static inline bool dies(void (*fn)(void))
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (!pid) {
		/* keep the expected abort's report out of the test log */
		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

#endif
