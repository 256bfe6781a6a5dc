/* SPDX-License-Identifier: GPL-2.0-only */
/* Option parsing shared by `anonrmap kernel` and `anonrmap compare`. */
#ifndef ANONRMAP_KERNEL_CMD_ARGS_H
#define ANONRMAP_KERNEL_CMD_ARGS_H

#include <stdbool.h>

enum {
	CMD_ARGS_OK = 0,
	CMD_ARGS_HELP = 1,
	CMD_ARGS_BAD = 2,	/* a message is on stderr already */
};

struct cmd_args {
	unsigned int reps;	/* 0: default */
	bool verbose;
	bool show_config;	/* --show-config */
	const char *mode;	/* only with allow_mode */
	char **files;		/* points into argv */
	int nr_files;
};

/* argv[0] is the subcommand's name; it is used in messages. */
int cmd_args_parse(int argc, char **argv, bool allow_mode, struct cmd_args *a);

#endif
