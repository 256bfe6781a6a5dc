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

/* The settings the recorder wrote in the header: "# anonrmap-record: zero-page=on". */
bool scenario_recorded_zero_page(const char *path)
{
	gzFile gz = gzopen(path, "rb");
	char line[512];
	bool on = false;

	if (!gz)
		return false;
	for (int i = 0; i < 16 && gzgets(gz, line, sizeof(line)); i++)
		if (strstr(line, "# anonrmap-record: zero-page=on"))
			on = true;
	gzclose(gz);
	return on;
}
