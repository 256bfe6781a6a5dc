/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ANONRMAP_RECORD_LOAD_H
#define ANONRMAP_RECORD_LOAD_H

#include <stdbool.h>

#include <anonrmap/world.h>

#include "scenario/scenario.h"

/* scenario_parse_file() for plain and gzip-compressed files. */
int scenario_load(const char *path, struct scenario *scn, char *err, size_t errlen);
struct anonrmap_config;
/*
 * The kernel configuration a recording was made under, from its header;
 * what the header does not say keeps anonrmap_config_init()'s value.
 */
void scenario_recorded_config(const char *path, struct anonrmap_config *cfg);

#endif
