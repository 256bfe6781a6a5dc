// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel configuration options every simulator command takes, parsed in
 * one place so that `replay`, `fuzz` and `bench` spell them as
 * `anonrmap kernel --show-config` prints them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <anonrmap/config.h>

#include "cli/commands.h"

static const char *const names[] = {
	"zero-page", "thp", "huge-zero-page", "mthp", "max-map-count",
};

const char cli_config_help[] =
	"Kernel configuration (defaults: upstream Linux 6.18; pass\n"
	"$(anonrmap kernel --show-config) to simulate this host):\n"
	"  --zero-page on|off      read faults map the shared zero page (on)\n"
	"  --thp always|madvise|never\n"
	"                          transparent_hugepage/enabled (always)\n"
	"  --huge-zero-page on|off transparent_hugepage/use_zero_page (on)\n"
	"  --mthp SIZE=MODE[,...]  hugepages-<SIZE>/enabled, SIZE 16K..2048K, MODE\n"
	"                          always|inherit|madvise|never (all never, 2048K inherit)\n"
	"  --max-map-count N       vm.max_map_count (65530)\n";

int cli_config_option(const char *cmd, int argc, char **argv, int *i, struct anonrmap_config *cfg)
{
	const char *a = argv[*i], *value;
	char err[256];

	if (strncmp(a, "--", 2))
		return 0;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		size_t n = strlen(names[k]);

		if (strncmp(a + 2, names[k], n) || (a[2 + n] && a[2 + n] != '='))
			continue;
		if (a[2 + n] == '=') {
			value = a + 3 + n;
		} else if (*i + 1 < argc) {
			value = argv[++*i];
		} else {
			fprintf(stderr, "anonrmap %s: %s needs a value\n", cmd, a);
			return -1;
		}
		if (anonrmap_config_set(cfg, names[k], value, err, sizeof(err))) {
			fprintf(stderr, "anonrmap %s: %s\n", cmd, err);
			return -1;
		}
		return 1;
	}
	return 0;
}

int cli_parse_uint(const char *cmd, const char *opt, const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || !*s || *end || s[0] == '-') {
		fprintf(stderr, "anonrmap %s: %s needs a non-negative number, not '%s'\n", cmd, opt, s);
		return -1;
	}
	return 0;
}
