// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading a scenario that may be gzip-compressed (recorded workloads are
 * kept as .scn.gz). zlib's gzread reads plain files unchanged, so one path
 * serves both.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <anonrmap/config.h>

#include "record/load.h"

int scenario_load(const char *path, struct scenario *scn, char *err, size_t errlen)
{
	size_t len = 0, cap = 1 << 20;
	char *buf = malloc(cap);
	gzFile gz = gzopen(path, "rb");
	int n, r;

	if (!gz || !buf) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(gz ? ENOMEM : errno));
		free(buf);
		if (gz)
			gzclose(gz);
		return -1;
	}
	while ((n = gzread(gz, buf + len, (unsigned int)(cap - len))) > 0) {
		len += (size_t)n;
		if (len == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				snprintf(err, errlen, "%s: out of memory", path);
				free(buf);
				gzclose(gz);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (n < 0) {
		int zerr;

		snprintf(err, errlen, "%s: %s", path, gzerror(gz, &zerr));
		free(buf);
		gzclose(gz);
		return -1;
	}
	gzclose(gz);
	r = scenario_parse_buffer(path, buf, len, scn, err, errlen);
	free(buf);
	return r;
}

/* "--zero-page on --thp madvise ...": the options anonrmap_config_format() writes */
static void parse_options(char *text, struct anonrmap_config *cfg)
{
	char *save = NULL, *name, *value;

	for (name = strtok_r(text, " \n", &save); name; name = strtok_r(NULL, " \n", &save)) {
		char err[128];

		value = strtok_r(NULL, " \n", &save);
		if (!value || strncmp(name, "--", 2))
			break;
		anonrmap_config_set(cfg, name + 2, value, err, sizeof(err));
	}
}

/* The bracketed word of transparent_hugepage/enabled: "always [madvise] never". */
static void parse_thp(const char *text, struct anonrmap_config *cfg)
{
	const char *open = strchr(text, '['), *close = open ? strchr(open, ']') : NULL;
	char mode[16], err[128];

	if (!close || close - open - 1 >= (long)sizeof(mode))
		return;
	memcpy(mode, open + 1, (size_t)(close - open - 1));
	mode[close - open - 1] = '\0';
	anonrmap_config_set(cfg, "thp", mode, err, sizeof(err));
}

void scenario_recorded_config(const char *path, struct anonrmap_config *cfg)
{
	static const char opts[] = "# anonrmap-record config: ";
	static const char thp[] = "# transparent_hugepage/enabled: ";
	gzFile gz = gzopen(path, "rb");
	char line[1024];

	anonrmap_config_init(cfg);
	if (!gz)
		return;
	for (int i = 0; i < 16 && gzgets(gz, line, sizeof(line)); i++) {
		if (!strncmp(line, opts, sizeof(opts) - 1))
			parse_options(line + sizeof(opts) - 1, cfg);
		/* recordings older than the config line */
		else if (strstr(line, "# anonrmap-record: zero-page="))
			cfg->zero_page = !!strstr(line, "zero-page=on");
		else if (!strncmp(line, thp, sizeof(thp) - 1))
			parse_thp(line, cfg);
	}
	gzclose(gz);
}
