// SPDX-License-Identifier: GPL-2.0-only
/*
 * The anonrmap command: one binary, a subcommand per job, so that a kernel
 * developer has one name to remember and `anonrmap help` shows everything.
 */
#include <stdio.h>
#include <string.h>

#include <anonrmap/anonrmap.h>

#include "cli/commands.h"
#include "kernel/kernel_runner.h"

static const struct command commands[] = {
	{ "replay", "run a scenario on the simulator and print its observation", cmd_replay },
	{ "kernel", "run a scenario on the live kernel and print its observation", kernel_run_cmd },
	{ "compare", "run scenarios on the kernel and the simulator, report differences",
	  kernel_compare_cmd },
	{ "record", "record a command's memory history on the live kernel as a scenario",
	  cmd_record },
	{ "dot", "draw the VMA / anon_vma topology at an observe point (Graphviz)", cmd_dot },
	{ "gen", "print the seeded random scenario for a seed", cmd_gen },
	{ "fuzz", "replay many generated scenarios with the invariant checker", cmd_fuzz },
	{ "stress", "mutator threads against rmap walkers on one world, then the checker",
	  cmd_stress },
	{ "bench", "slab cost of each rmap design on workloads up to phone scale", cmd_bench },
	{ "help", "list the subcommands, or show one's help: help SUBCOMMAND", cmd_help },
	{ "version", "print the library version", cmd_version },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

int cmd_version(int argc, char **argv)
{
	printf("anonrmap %s\n", ANONRMAP_VERSION);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: anonrmap SUBCOMMAND [OPTIONS] [ARGS]\n\n"
		   "A userspace model of the Linux anonymous reverse mapping.\n\n"
		   "Subcommands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'anonrmap SUBCOMMAND --help' for its options.\n");
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int cmd_help(int argc, char **argv)
{
	if (argc > 1) {
		const struct command *c = find_command(argv[1]);
		char *sub[] = { argv[1], "--help", NULL };

		if (!c) {
			fprintf(stderr, "anonrmap: unknown subcommand '%s'\n", argv[1]);
			return 2;
		}
		if (c->run != cmd_help)
			return c->run(2, sub);
	}
	usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(1, argv + 1);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "anonrmap: unknown subcommand '%s'\n\n", argv[1]);
		usage(stderr);
		return 2;
	}
	return c->run(argc - 1, argv + 1);
}
