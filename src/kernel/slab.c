/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live anon_vma and anon_vma_chain objects, read from SLUB's sysfs files.
 *
 * SLUB's "objects" counts every object of a slab a CPU holds as in use, free
 * or not; writing 1 to "shrink" flushes the per-CPU slabs back to the node
 * lists first, after which the count is what is really allocated.
 * anon_vma_chain is usually merged with other 64-byte caches (fs_struct,
 * epoll), so its count includes theirs: the runner subtracts a skeleton run
 * and takes medians to get rid of them.
 */
#define _GNU_SOURCE
#include "kernel/kernel_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLAB_DIR "/sys/kernel/slab/"

static const char *const caches[] = { "anon_vma", "anon_vma_chain" };

static int shrink(const char *cache)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), SLAB_DIR "%s/shrink", cache);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1)
		err = -errno;
	close(fd);
	return err;
}

static int read_objects(const char *cache, long *out)
{
	char path[128], buf[256], *end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SLAB_DIR "%s/objects", cache);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	/* "390 N0=390": the total comes first, per-node counts after it. */
	*out = strtol(buf, &end, 10);
	if (end == buf)
		return -EPROTO;
	return 0;
}

/*
 * One shrink and one read of each cache: about 80 microseconds here. The
 * caller brackets each operation with two of these, so the shorter this
 * is, the less of the rest of the machine gets into a measurement.
 */
int slab_read_counts(struct slab_counts *c)
{
	long v[2];
	size_t i;
	int err;

	/*
	 * Each read right after its own shrink: an allocation on another CPU
	 * in between hands that CPU a slab whose free objects all count as
	 * in use, tens of objects of error.
	 */
	for (i = 0; i < 2; i++) {
		err = shrink(caches[i]);
		if (!err)
			err = read_objects(caches[i], &v[i]);
		if (err)
			return err;
	}
	c->anon_vma = v[0];
	c->anon_vma_chain = v[1];
	return 0;
}

int slab_check(char *why, size_t len)
{
	char path[128];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), SLAB_DIR "%s/objects", caches[i]);
		if (access(path, R_OK)) {
			snprintf(why, len,
				 "%s is missing (needs SLUB with CONFIG_SYSFS), so "
				 "anon_vma objects cannot be counted",
				 path);
			return -1;
		}
		snprintf(path, sizeof(path), SLAB_DIR "%s/shrink", caches[i]);
		if (access(path, W_OK)) {
			snprintf(why, len, "cannot write %s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}
