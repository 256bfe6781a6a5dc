// SPDX-License-Identifier: GPL-2.0-only
/*
 * The running kernel's configuration, read the way an administrator reads
 * it: transparent_hugepage/ in sysfs, vm.max_map_count in procfs, and the
 * zero page by experiment (zeropage.c), because no file says whether a
 * patched kernel such as ours with pvm_no_zero_page=1 maps it.
 */
#include "kernel/kernel_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anonrmap/config.h>

#include "kernel/kernel_runner.h"

/* The word in brackets of a sysfs choice file ("always [madvise] never"). */
static int read_choice(const char *path, char *out, size_t len)
{
	char buf[256], *open, *close;
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || (size_t)(close - open - 1) >= len)
		return -EPROTO;
	memcpy(out, open + 1, (size_t)(close - open - 1));
	out[close - open - 1] = '\0';
	return 0;
}

static int read_number(const char *path, unsigned long *v)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%lu", v) == 1;
	fclose(f);
	return ok ? 0 : -EPROTO;
}

static int set(struct anonrmap_config *cfg, const char *name, const char *value,
	       const char *path, char *why, size_t len)
{
	char err[256];

	if (anonrmap_config_set(cfg, name, value, err, sizeof(err))) {
		snprintf(why, len, "%s: %s", path, err);
		return -EPROTO;
	}
	return 0;
}

int kernel_host_config(const char *root, int zero_page, struct anonrmap_config *cfg,
		       char *why, size_t len)
{
	char path[4400], word[32], dir[4096];
	unsigned long v;
	struct dirent *d;
	DIR *hp;
	int err;

	if (!root)
		root = "";
	anonrmap_config_init(cfg);
	cfg->zero_page = zero_page > 0;
	snprintf(dir, sizeof(dir), "%s/sys/kernel/mm/transparent_hugepage", root);
	snprintf(path, sizeof(path), "%s/enabled", dir);
	err = read_choice(path, word, sizeof(word));
	if (err == -ENOENT) {
		/* a kernel without CONFIG_TRANSPARENT_HUGEPAGE */
		cfg->thp = ANONRMAP_THP_NEVER;
		cfg->huge_zero_page = false;
		for (int order = 0; order <= ANONRMAP_PMD_ORDER; order++)
			cfg->mthp[order] = ANONRMAP_MTHP_NEVER;
	} else if (err || set(cfg, "thp", word, path, why, len)) {
		if (err)
			snprintf(why, len, "%s: %s", path, strerror(-err));
		return -EPROTO;
	} else {
		snprintf(path, sizeof(path), "%s/use_zero_page", dir);
		if (read_number(path, &v)) {
			snprintf(why, len, "%s: unreadable", path);
			return -EPROTO;
		}
		cfg->huge_zero_page = v != 0;
		hp = opendir(dir);
		while (hp && (d = readdir(hp))) {
			unsigned long kb;
			char opt[64], unit;

			if (sscanf(d->d_name, "hugepages-%lu%cB", &kb, &unit) != 2 || unit != 'k')
				continue;
			snprintf(path, sizeof(path), "%s/%s/enabled", dir, d->d_name);
			/* hugepages-8kB and larger-than-PMD sizes have no anon control */
			if (read_choice(path, word, sizeof(word)))
				continue;
			snprintf(opt, sizeof(opt), "%luK=%s", kb, word);
			if (set(cfg, "mthp", opt, path, why, len)) {
				closedir(hp);
				return -EPROTO;
			}
		}
		if (hp)
			closedir(hp);
	}
	snprintf(path, sizeof(path), "%s/proc/sys/vm/max_map_count", root);
	if (read_number(path, &v) || v == 0 || v > 0x7fffffffUL) {
		snprintf(why, len, "%s: unreadable", path);
		return -EPROTO;
	}
	cfg->max_map_count = v;
	return 0;
}
