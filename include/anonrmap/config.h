/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libanonrmap: the kernel configuration of a world as text.
 *
 * One spelling serves the command line (`anonrmap replay --thp madvise`),
 * `anonrmap kernel --show-config`, and the `kernel-config` file beside each
 * set of recorded kernel observations, so a configuration read off a host
 * can be handed to the simulator unchanged.
 */
#ifndef ANONRMAP_PUBLIC_CONFIG_H
#define ANONRMAP_PUBLIC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <anonrmap/world.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Set one setting by its option name without the dashes: "zero-page"
 * (on|off), "thp" (always|madvise|never), "huge-zero-page" (on|off),
 * "mthp" (SIZE=MODE[,SIZE=MODE...], SIZE one of 16K 32K 64K 128K 256K
 * 512K 1024K 2048K, MODE always|inherit|madvise|never; sizes not named keep
 * their value) or "max-map-count" (1 to 2^31-1).
 * Returns 0; -ENOENT for an unknown name; -EINVAL for a bad value, with a
 * sentence in @err. @cfg is unchanged on error.
 */
int anonrmap_config_set(struct anonrmap_config *cfg, const char *name, const char *value,
			char *err, size_t errlen);

/*
 * Write every kernel setting of @cfg as options, in the order above:
 * "--zero-page on --thp madvise --huge-zero-page on --mthp 16K=never,...
 * --max-map-count 65530". Returns the length it needed, as snprintf does.
 */
int anonrmap_config_format(const struct anonrmap_config *cfg, char *buf, size_t len);

/* Do @a and @b describe the same kernel (the design and sizes aside)? */
bool anonrmap_config_same_kernel(const struct anonrmap_config *a,
				 const struct anonrmap_config *b);

#ifdef __cplusplus
}
#endif
#endif
