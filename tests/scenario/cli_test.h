/* SPDX-License-Identifier: GPL-2.0-only */
/* For tests that run the anonrmap command on a scenario they write. */
#ifndef ANONRMAP_TESTS_CLI_TEST_H
#define ANONRMAP_TESTS_CLI_TEST_H

#include <stdio.h>
#include <stdlib.h>

/* @path is a mkstemp() template, replaced by the file's name. */
static inline void write_scenario(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#endif
