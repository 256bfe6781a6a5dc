/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Recorded kernel observations ("truths") and the configuration each was
 * recorded under. A directory of NAME.kernel.obs files is one truth set; a
 * file `kernel-config` in it holds the line `anonrmap kernel --show-config`
 * printed on the host that recorded them. NAME.scn sits beside the
 * observation or, for a set that re-records another set's scenarios under a
 * second configuration, in the directory above (docs/kernel-runner.md).
 */
#ifndef ANONRMAP_TRUTH_H
#define ANONRMAP_TRUTH_H

#include <stddef.h>

struct anonrmap_config;

#define TRUTH_CONFIG_FILE "kernel-config"

/*
 * Parse a line of options ("--zero-page on --thp madvise ...") into @cfg,
 * starting from upstream's defaults. Returns 0, or -EINVAL with the reason.
 */
int truth_parse_config(const char *line, struct anonrmap_config *cfg, char *why, size_t len);

/* Read @dir/kernel-config. Returns 0, -ENOENT if there is none, or -EINVAL. */
int truth_dir_config(const char *dir, struct anonrmap_config *cfg, char *why, size_t len);

/* The scenario of the truth at @obs_path; 0, or -ENOENT if neither exists. */
int truth_scenario_path(const char *obs_path, char *out, size_t len);

#endif
