// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel configuration as options. Parsing works on a copy, so a bad
 * value in the middle of an --mthp list leaves the caller's config as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anonrmap/config.h>

static const char *const thp_names[] = {
	[ANONRMAP_THP_MADVISE] = "madvise",
	[ANONRMAP_THP_NEVER] = "never",
	[ANONRMAP_THP_ALWAYS] = "always",
};

static const char *const mthp_names[] = {
	[ANONRMAP_MTHP_NEVER] = "never",
	[ANONRMAP_MTHP_ALWAYS] = "always",
	[ANONRMAP_MTHP_MADVISE] = "madvise",
	[ANONRMAP_MTHP_INHERIT] = "inherit",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static int lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

static int on_off(const char *s, bool *v)
{
	if (!strcmp(s, "on"))
		*v = true;
	else if (!strcmp(s, "off"))
		*v = false;
	else
		return -1;
	return 0;
}

/* "64K" -> order 4; -1 for anything that is not an anonymous mTHP size. */
static int size_order(const char *s, size_t len)
{
	char buf[16];
	char *end;
	unsigned long kb;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	kb = strtoul(buf, &end, 10);
	if (end == buf || strcmp(end, "K"))
		return -1;
	for (int order = ANONRMAP_MTHP_MIN_ORDER; order <= ANONRMAP_PMD_ORDER; order++)
		if (kb == 4UL << order)
			return order;
	return -1;
}

static int parse_mthp(struct anonrmap_config *cfg, const char *value, char *err, size_t errlen)
{
	const char *p = value;

	if (!*value) {
		snprintf(err, errlen, "--mthp needs SIZE=MODE[,SIZE=MODE...]");
		return -EINVAL;
	}
	while (*p) {
		const char *comma = strchr(p, ','), *eq = strchr(p, '=');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char mode[16];
		int order, m;

		if (!eq || eq >= p + len) {
			snprintf(err, errlen, "--mthp: '%.*s' is not SIZE=MODE", (int)len, p);
			return -EINVAL;
		}
		order = size_order(p, (size_t)(eq - p));
		if (order < 0) {
			snprintf(err, errlen,
				 "--mthp: '%.*s' is not an anonymous THP size (16K 32K 64K 128K 256K 512K 1024K 2048K)",
				 (int)(eq - p), p);
			return -EINVAL;
		}
		if ((size_t)(p + len - eq - 1) >= sizeof(mode)) {
			snprintf(err, errlen, "--mthp: bad mode in '%.*s'", (int)len, p);
			return -EINVAL;
		}
		memcpy(mode, eq + 1, (size_t)(p + len - eq - 1));
		mode[p + len - eq - 1] = '\0';
		m = lookup(mthp_names, ARRAY_LEN(mthp_names), mode);
		if (m < 0) {
			snprintf(err, errlen, "--mthp: mode '%s' is not always, inherit, madvise or never",
				 mode);
			return -EINVAL;
		}
		cfg->mthp[order] = (enum anonrmap_mthp)m;
		p += len;
		if (*p == ',' && !*++p) {
			snprintf(err, errlen, "--mthp: trailing comma");
			return -EINVAL;
		}
	}
	return 0;
}

int anonrmap_config_set(struct anonrmap_config *cfg, const char *name, const char *value,
			char *err, size_t errlen)
{
	struct anonrmap_config c = *cfg;
	int k;

	if (!value)
		value = "";
	if (!strcmp(name, "zero-page") || !strcmp(name, "huge-zero-page")) {
		bool *v = name[0] == 'z' ? &c.zero_page : &c.huge_zero_page;

		if (on_off(value, v)) {
			snprintf(err, errlen, "--%s takes on or off, not '%s'", name, value);
			return -EINVAL;
		}
	} else if (!strcmp(name, "thp")) {
		k = lookup(thp_names, ARRAY_LEN(thp_names), value);
		if (k < 0) {
			snprintf(err, errlen, "--thp takes always, madvise or never, not '%s'", value);
			return -EINVAL;
		}
		c.thp = (enum anonrmap_thp)k;
	} else if (!strcmp(name, "mthp")) {
		int ret = parse_mthp(&c, value, err, errlen);

		if (ret)
			return ret;
	} else if (!strcmp(name, "max-map-count")) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(value, &end, 10);
		if (errno || end == value || *end || value[0] == '-' || v == 0 || v > 0x7fffffffUL) {
			snprintf(err, errlen, "--max-map-count takes a number from 1 to 2147483647, not '%s'",
				 value);
			return -EINVAL;
		}
		c.max_map_count = v;
	} else {
		snprintf(err, errlen, "unknown kernel setting '%s'", name);
		return -ENOENT;
	}
	*cfg = c;
	return 0;
}

int anonrmap_config_format(const struct anonrmap_config *cfg, char *buf, size_t len)
{
	char mthp[160];
	size_t n = 0;

	for (int order = ANONRMAP_MTHP_MIN_ORDER; order <= ANONRMAP_PMD_ORDER; order++)
		n += (size_t)snprintf(mthp + n, sizeof(mthp) - n, "%s%luK=%s",
				      n ? "," : "", 4UL << order, mthp_names[cfg->mthp[order]]);
	return snprintf(buf, len, "--zero-page %s --thp %s --huge-zero-page %s --mthp %s --max-map-count %lu",
			cfg->zero_page ? "on" : "off", thp_names[cfg->thp],
			cfg->huge_zero_page ? "on" : "off", mthp, cfg->max_map_count);
}

bool anonrmap_config_same_kernel(const struct anonrmap_config *a,
				 const struct anonrmap_config *b)
{
	if (a->zero_page != b->zero_page || a->thp != b->thp ||
	    a->huge_zero_page != b->huge_zero_page || a->max_map_count != b->max_map_count)
		return false;
	for (int order = ANONRMAP_MTHP_MIN_ORDER; order <= ANONRMAP_PMD_ORDER; order++)
		if (a->mthp[order] != b->mthp[order])
			return false;
	return true;
}
