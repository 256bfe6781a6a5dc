/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ANONRMAP_CLI_COMMANDS_H
#define ANONRMAP_CLI_COMMANDS_H

#include <stdio.h>

struct command {
	const char *name;
	const char *summary;
	/* argv[0] is the subcommand name; returns the exit status */
	int (*run)(int argc, char **argv);
};

struct anonrmap_config;

/*
 * If argv[*i] is a kernel configuration option (--zero-page, --thp,
 * --huge-zero-page, --mthp, --max-map-count; "--opt value" or "--opt=value"),
 * apply it to @cfg, step *i past its value and return 1; 0 if it is not one;
 * -1, with a message naming @cmd, for a bad value.
 */
int cli_config_option(const char *cmd, int argc, char **argv, int *i, struct anonrmap_config *cfg);
extern const char cli_config_help[];
/* @s as a number (decimal, 0x hex or 0 octal); -1, with a message naming @cmd and @opt, if not. */
int cli_parse_uint(const char *cmd, const char *opt, const char *s, unsigned long long *v);

int cmd_replay(int argc, char **argv);
int cmd_dot(int argc, char **argv);

int cmd_help(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_stress(int argc, char **argv);
/* src/bench/cmd_bench.c */
int cmd_bench(int argc, char **argv);

#endif
