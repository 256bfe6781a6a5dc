// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <anonrmap/config.h>

#include "scenario/truth.h"

int truth_parse_config(const char *line, struct anonrmap_config *cfg, char *why, size_t len)
{
	char buf[1024], *save = NULL, *name, *value;
	char err[256];

	if (strlen(line) >= sizeof(buf)) {
		snprintf(why, len, "configuration line too long");
		return -EINVAL;
	}
	strcpy(buf, line);
	anonrmap_config_init(cfg);
	for (name = strtok_r(buf, " \t\n", &save); name; name = strtok_r(NULL, " \t\n", &save)) {
		if (strncmp(name, "--", 2)) {
			snprintf(why, len, "'%s' is not an option", name);
			return -EINVAL;
		}
		value = strtok_r(NULL, " \t\n", &save);
		if (anonrmap_config_set(cfg, name + 2, value, err, sizeof(err))) {
			snprintf(why, len, "%s", err);
			return -EINVAL;
		}
	}
	return 0;
}

int truth_dir_config(const char *dir, struct anonrmap_config *cfg, char *why, size_t len)
{
	char path[4200], line[1024], msg[256];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, TRUTH_CONFIG_FILE);
	f = fopen(path, "r");
	if (!f) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -ENOENT;
	}
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		snprintf(why, len, "%s:1: empty", path);
		return -EINVAL;
	}
	fclose(f);
	err = truth_parse_config(line, cfg, msg, sizeof(msg));
	if (err)
		snprintf(why, len, "%s:1: %s", path, msg);
	return err;
}

int truth_scenario_path(const char *obs_path, char *out, size_t len)
{
	static const char suffix[] = ".kernel.obs";
	size_t n = strlen(obs_path), s = sizeof(suffix) - 1;
	const char *slash;

	if (n <= s || strcmp(obs_path + n - s, suffix))
		return -ENOENT;
	snprintf(out, len, "%.*s.scn", (int)(n - s), obs_path);
	if (!access(out, R_OK))
		return 0;
	/* NAME.scn one directory up: dir/sub/NAME.kernel.obs -> dir/NAME.scn */
	slash = memrchr(obs_path, '/', n);
	if (!slash || slash == obs_path)
		return -ENOENT;
	{
		const char *up = memrchr(obs_path, '/', (size_t)(slash - obs_path));
		size_t head = up ? (size_t)(up - obs_path + 1) : 0;

		snprintf(out, len, "%.*s%.*s.scn", (int)head, obs_path,
			 (int)(n - s - (size_t)(slash - obs_path) - 1), slash + 1);
	}
	return access(out, R_OK) ? -ENOENT : 0;
}
