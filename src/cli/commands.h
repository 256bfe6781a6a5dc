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

int cmd_replay(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
