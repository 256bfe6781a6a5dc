/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Option parsing for the runner's subcommands, by hand rather than with
 * getopt: getopt keeps global state that a test calling both commands in
 * one process would have to reset.
 */
#include "kernel/cmd_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Above this a run takes minutes and says nothing more. */
#define REPS_MAX 1000

static int parse_reps(const char *cmd, const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > REPS_MAX || s[0] == '-') {
		fprintf(stderr, "anonrmap: %s: --reps wants a number from 1 to %d, not '%s'\n", cmd,
			REPS_MAX, s);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

/*
 * Matches "--NAME VALUE" and "--NAME=VALUE"; on a match *value is set and
 * *i advanced past what was consumed. Returns 1 on a match, 0 on none, -1
 * when the value is missing.
 */
static int option_value(int argc, char **argv, int *i, const char *name, const char **value)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);

	if (strncmp(arg, name, n))
		return 0;
	if (arg[n] == '=') {
		*value = arg + n + 1;
		return 1;
	}
	if (arg[n])
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "anonrmap: %s: %s needs a value\n", argv[0], name);
		return -1;
	}
	*value = argv[++*i];
	return 1;
}

int cmd_args_parse(int argc, char **argv, bool allow_mode, struct cmd_args *a)
{
	const char *cmd = argc > 0 ? argv[0] : "?";
	int i, m;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *value;

		if (!strcmp(arg, "--")) {
			i++;
			break;
		}
		if (arg[0] != '-' || !arg[1])
			break;
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return CMD_ARGS_HELP;
		if (!strcmp(arg, "--verbose") || !strcmp(arg, "-v")) {
			a->verbose = true;
			continue;
		}
		if (!strcmp(arg, "--show-config")) {
			a->show_config = true;
			continue;
		}
		m = option_value(argc, argv, &i, "--reps", &value);
		if (m < 0 || (m > 0 && parse_reps(cmd, value, &a->reps)))
			return CMD_ARGS_BAD;
		if (m > 0)
			continue;
		if (allow_mode) {
			m = option_value(argc, argv, &i, "--mode", &value);
			if (m < 0)
				return CMD_ARGS_BAD;
			if (m > 0) {
				if (!*value) {
					fprintf(stderr, "anonrmap: %s: --mode needs a value\n", cmd);
					return CMD_ARGS_BAD;
				}
				a->mode = value;
				continue;
			}
		}
		fprintf(stderr, "anonrmap: %s: unknown option '%s'\n", cmd, arg);
		return CMD_ARGS_BAD;
	}
	a->files = argv + i;
	a->nr_files = argc - i;
	return CMD_ARGS_OK;
}
