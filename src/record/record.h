/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `anonrmap record`: run a command under ptrace and write its memory
 * management history as a version-2 scenario (docs/record.md).
 */
#ifndef ANONRMAP_RECORD_H
#define ANONRMAP_RECORD_H

#include <stdbool.h>
#include <stdio.h>

struct record_opts {
	FILE *out;		/* the scenario */
	const char *out_name;	/* for messages */
	unsigned int timeout;	/* seconds; then every traced task is killed */
	unsigned long max_lines;	/* bound on the scenario's size */
};

/* Why recording cannot work here, or NULL: root, ptrace, seccomp, x86-64. */
const char *record_unavailable(void);
/* Runs @argv; returns 0, or 1 after printing why it failed. */
int record_run(const struct record_opts *o, char **argv);

#endif
