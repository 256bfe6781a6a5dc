/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading a worker's state from /proc: its VMAs from /proc/PID/maps, and for
 * each page the frame it maps from /proc/PID/pagemap, classified by
 * /proc/kpageflags. The controller does all of this, so the workers stay
 * frozen while they are looked at.
 */
#define _GNU_SOURCE
#include "kernel/kernel_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Documented in the kernel's Documentation/admin-guide/mm/pagemap.rst. */
#define PM_PRESENT (1ULL << 63)
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define KPF_ANON_BIT 12
#define KPF_ZERO_PAGE_BIT 24

#define PAGEMAP_CHUNK 512

static int read_whole(const char *path, char **out, size_t *outlen)
{
	size_t cap = 16384, len = 0;
	char *buf = malloc(cap + 1);
	int fd, err = 0;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(buf);
		return err;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

static bool in_window(uint64_t start, uint64_t end)
{
	return start < SCN_WINDOW_END && end > SCN_WINDOW_START;
}

/* Parses "START-END PROT ..." lines; keeps those that meet the window. */
static int parse_maps(char *text, struct obs_proc *proc)
{
	size_t cap = 0;
	char *line, *save = NULL;

	proc->vmas = NULL;
	proc->nr_vmas = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line, *end;
		uint64_t start, stop;
		struct obs_vma *v;

		start = strtoull(p, &end, 16);
		if (*end != '-')
			return -EPROTO;
		stop = strtoull(end + 1, &end, 16);
		if (*end != ' ' || strlen(end + 1) < 4)
			return -EPROTO;
		if (!in_window(start, stop))
			continue;
		if (proc->nr_vmas == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct obs_vma *nv = realloc(proc->vmas, ncap * sizeof(*nv));

			if (!nv)
				return -ENOMEM;
			proc->vmas = nv;
			cap = ncap;
		}
		v = &proc->vmas[proc->nr_vmas++];
		memset(v, 0, sizeof(*v));
		v->start = start;
		v->end = stop;
		memcpy(v->prot, end + 1, 4);
		v->prot[4] = '\0';
	}
	return 0;
}

static int classify(int kpf_fd, uint64_t entry, struct obs_page *pg)
{
	uint64_t pfn = entry & PM_PFN_MASK, flags;
	ssize_t n;

	if (!(entry & PM_PRESENT)) {
		pg->kind = OBS_NONE;
		pg->id = 0;
		return 0;
	}
	/* The kernel hides frame numbers from readers without CAP_SYS_ADMIN. */
	if (!pfn)
		return -EPERM;
	n = pread(kpf_fd, &flags, sizeof(flags), (off_t)(pfn * sizeof(flags)));
	if (n != (ssize_t)sizeof(flags))
		return n < 0 ? -errno : -EIO;
	pg->id = pfn;
	if (flags & (1ULL << KPF_ZERO_PAGE_BIT))
		pg->kind = OBS_ZERO;
	else if (flags & (1ULL << KPF_ANON_BIT))
		pg->kind = OBS_ANON;
	else
		pg->kind = OBS_FILE;
	return 0;
}

static int read_pages(int pm_fd, int kpf_fd, struct obs_vma *v)
{
	uint64_t entries[PAGEMAP_CHUNK];
	size_t nr = (size_t)((v->end - v->start) / KR_PAGE_SIZE), done = 0;

	v->pages = calloc(nr ? nr : 1, sizeof(*v->pages));
	if (!v->pages)
		return -ENOMEM;
	while (done < nr) {
		size_t want = nr - done < PAGEMAP_CHUNK ? nr - done : PAGEMAP_CHUNK, i;
		off_t pos = (off_t)((v->start / KR_PAGE_SIZE + done) * sizeof(uint64_t));
		ssize_t n = pread(pm_fd, entries, want * sizeof(uint64_t), pos);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0 || n % (ssize_t)sizeof(uint64_t))
			return -EIO;
		want = (size_t)n / sizeof(uint64_t);
		for (i = 0; i < want; i++) {
			int err = classify(kpf_fd, entries[i], &v->pages[done + i]);

			if (err)
				return err;
		}
		done += want;
	}
	return 0;
}

static void release_vmas(struct obs_proc *proc)
{
	size_t i;

	for (i = 0; i < proc->nr_vmas; i++)
		free(proc->vmas[i].pages);
	free(proc->vmas);
	proc->vmas = NULL;
	proc->nr_vmas = 0;
}

int procfs_read_proc(pid_t pid, int kpf_fd, struct obs_proc *proc)
{
	char path[64], *text = NULL;
	size_t len, i;
	int pm_fd, err;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	err = read_whole(path, &text, &len);
	if (err)
		return err;
	err = parse_maps(text, proc);
	free(text);
	if (err) {
		release_vmas(proc);
		return err;
	}
	if (!proc->nr_vmas)
		return 0;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	pm_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (pm_fd < 0) {
		err = -errno;
		release_vmas(proc);
		return err;
	}
	for (i = 0; i < proc->nr_vmas && !err; i++)
		err = read_pages(pm_fd, kpf_fd, &proc->vmas[i]);
	/*
	 * Closed before anything else happens: an open pagemap pins the mm
	 * (not its pages), and a later `exit` must free everything.
	 */
	close(pm_fd);
	if (err)
		release_vmas(proc);
	return err;
}

int procfs_check(char *why, size_t len)
{
	int fd;

	if (access("/proc/kpageflags", F_OK)) {
		snprintf(why, len,
			 "/proc/kpageflags is missing (the kernel was built without "
			 "CONFIG_PROC_PAGE_MONITOR), so pages cannot be identified");
		return -1;
	}
	if (geteuid() != 0) {
		snprintf(why, len,
			 "needs root: page frame numbers in /proc/PID/pagemap and "
			 "/proc/kpageflags are only readable with CAP_SYS_ADMIN");
		return -1;
	}
	fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "cannot open /proc/kpageflags: %s", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}
