/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ANONRMAP_RECORD_TRACER_H
#define ANONRMAP_RECORD_TRACER_H

/* In the forked child: become a tracee, filter, exec @argv. Never returns. */
void tracee_start(char **argv, int errfd);

#endif
