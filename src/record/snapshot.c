// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/PID/maps and /proc/PID/pagemap (Documentation/admin-guide/mm/
 * pagemap.rst): bit 63 present, bit 61 file-page or shared-anon, bits 0-54
 * the PFN, which only CAP_SYS_ADMIN sees (others read zeros). The PFN is
 * what tells a page copied on write from the page it was copied from.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/snapshot.h"

#define PM_PRESENT (1ULL << 63)
#define PM_FILE (1ULL << 61)
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define CHUNK 4096

void snapshot_free(struct snapshot *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].pages);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int parse_maps_line(const char *line, struct snap_vma *v)
{
	unsigned long long start, end, off, ino;
	unsigned int maj, min;
	char perm[8];
	int pos = 0;
	const char *name;

	memset(v, 0, sizeof(*v));
	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perm, &off, &maj,
		   &min, &ino, &pos) < 7)
		return -1;
	v->start = start;
	v->end = end;
	v->off = off;
	v->ino = ino;
	v->dev = maj << 20 | min;
	snprintf(v->perm, sizeof(v->perm), "%.4s", perm);
	name = line + pos;
	if (ino) {
		v->kind = SNAP_FILE;
	} else if (!strncmp(name, "[stack]", 7)) {
		v->kind = SNAP_STACK;
	} else if (!strncmp(name, "[heap]", 6)) {
		v->kind = SNAP_HEAP;
	} else if (name[0] == '[' && strncmp(name, "[anon", 5)) {
		size_t n = strcspn(name + 1, "]\n");

		v->kind = SNAP_SPECIAL;
		if (n >= sizeof(v->special))
			n = sizeof(v->special) - 1;
		memcpy(v->special, name + 1, n);
		for (size_t i = 0; i < n; i++)
			if (!((v->special[i] >= 'a' && v->special[i] <= 'z') ||
			      (v->special[i] >= 'A' && v->special[i] <= 'Z') ||
			      (v->special[i] >= '0' && v->special[i] <= '9')))
				v->special[i] = '_';
	} else {
		v->kind = SNAP_ANON;
	}
	return 0;
}

static int read_pages(int fd, struct snap_vma *v, uint64_t zero_pfn)
{
	size_t n = (v->end - v->start) >> 12;
	uint64_t buf[CHUNK];

	v->pages = calloc(n ? n : 1, sizeof(*v->pages));
	if (!v->pages)
		return -ENOMEM;
	for (size_t done = 0; done < n;) {
		size_t want = n - done < CHUNK ? n - done : CHUNK;
		ssize_t got = pread(fd, buf, want * 8, (off_t)(((v->start >> 12) + done) * 8));

		if (got <= 0)
			return got < 0 ? -errno : -EIO;
		for (size_t i = 0; i < (size_t)got / 8; i++) {
			uint64_t e = buf[i], pfn = e & PM_PFN_MASK, kind;

			if (!(e & PM_PRESENT))
				continue;
			if (e & PM_FILE)
				kind = PG_FILE;
			else if (zero_pfn && pfn == zero_pfn)
				kind = PG_ZERO;
			else
				kind = PG_ANON;
			v->pages[done + i] = pfn << 2 | kind;
		}
		done += (size_t)got / 8;
	}
	return 0;
}

int snapshot_read(pid_t pid, uint64_t zero_pfn, struct snapshot *s)
{
	char path[64], line[4096 + 256];
	size_t cap = 0;
	FILE *maps;
	int fd, err = 0;

	s->v = NULL;
	s->n = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	maps = fopen(path, "re");
	if (!maps)
		return -errno;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		fclose(maps);
		return err;
	}
	while (fgets(line, sizeof(line), maps)) {
		struct snap_vma v;

		if (parse_maps_line(line, &v))
			continue;
		/* the vsyscall page is no VMA of the mm: maps invents it */
		if (v.kind == SNAP_SPECIAL && !strcmp(v.special, "vsyscall"))
			continue;
		if (s->n == cap) {
			struct snap_vma *nv = realloc(s->v, (cap ? cap * 2 : 64) * sizeof(*nv));

			if (!nv) {
				err = -ENOMEM;
				break;
			}
			s->v = nv;
			cap = cap ? cap * 2 : 64;
		}
		if (strncmp(v.perm, "---", 3) && v.end - v.start <= SNAP_MAX_SCAN &&
		    v.kind != SNAP_SPECIAL) {
			err = read_pages(fd, &v, zero_pfn);
			if (err) {
				free(v.pages);
				break;
			}
		}
		s->v[s->n++] = v;
	}
	close(fd);
	fclose(maps);
	if (err)
		snapshot_free(s);
	return err;
}

const struct snap_vma *snapshot_find(const struct snapshot *s, uint64_t addr)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (addr < s->v[mid].start)
			hi = mid;
		else if (addr >= s->v[mid].end)
			lo = mid + 1;
		else
			return &s->v[mid];
	}
	return NULL;
}

uint64_t snapshot_page(const struct snapshot *s, uint64_t addr)
{
	const struct snap_vma *v = snapshot_find(s, addr);

	return v && v->pages ? v->pages[(addr - v->start) >> 12] : 0;
}

/*
 * Two separate anonymous pages read-faulted: on a kernel that maps the zero
 * page both show its PFN; otherwise each has a page of its own.
 */
uint64_t zero_pfn_probe(void)
{
	volatile char *p = mmap(NULL, 2 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t e[2] = { 0, 0 }, pfn = 0;
	int fd;

	if (p == MAP_FAILED)
		return 0;
	(void)p[0];
	(void)p[4096];
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && pread(fd, e, sizeof(e), (off_t)((uintptr_t)p >> 12) * 8) == sizeof(e) &&
	    (e[0] & PM_PRESENT) && (e[0] & PM_PFN_MASK) &&
	    (e[0] & PM_PFN_MASK) == (e[1] & PM_PFN_MASK))
		pfn = e[0] & PM_PFN_MASK;
	if (fd >= 0)
		close(fd);
	munmap((void *)p, 2 * 4096);
	return pfn;
}

uint64_t mapped_file_size(pid_t pid, uint64_t start, uint64_t end)
{
	char path[96];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, (int)pid, start,
		 end);
	if (stat(path, &st))
		return 0;
	return (uint64_t)st.st_size;
}
