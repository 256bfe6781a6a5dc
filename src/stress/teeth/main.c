// SPDX-License-Identifier: GPL-2.0-only
/*
 * anonrmap-teeth: `anonrmap stress` linked against the library built with
 * ANONRMAP_TEETH_NO_MAPPED_RECHECK, so that a test can show the stress run
 * catches the loss of folio_lock_anon_vma_read()'s folio_mapped() re-check.
 * Not a tool for anything else: it has no other subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "stress")) {
		fprintf(stderr, "usage: anonrmap-teeth stress [OPTIONS] (see anonrmap stress --help)\n"
				"The stress command on a library without folio_lock_anon_vma_read()'s\n"
				"folio_mapped() re-check: a run that finds no race means the stress\n"
				"test has no teeth.\n");
		return 2;
	}
	return cmd_stress(argc - 1, argv + 1);
}
