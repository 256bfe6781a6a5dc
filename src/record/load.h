/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ANONRMAP_RECORD_LOAD_H
#define ANONRMAP_RECORD_LOAD_H

#include <stdbool.h>

#include "scenario/scenario.h"

/* scenario_parse_file() for plain and gzip-compressed files. */
int scenario_load(const char *path, struct scenario *scn, char *err, size_t errlen);
/* Did the recording run with the zero page mapped on read faults? */
bool scenario_recorded_zero_page(const char *path);

#endif
