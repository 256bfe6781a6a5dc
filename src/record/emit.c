// SPDX-License-Identifier: GPL-2.0-only
/* Writing recorded events as scenario lines (docs/scenario-format.md, version 2). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "record/emit.h"

#define PAGE 4096ULL
/* expect lines stay well under the format's 4096-byte line limit */
#define EXPECT_LINE_MAX 3000

int emit_init(struct emit *e)
{
	memset(e, 0, sizeof(*e));
	e->body = tmpfile();
	return e->body ? 0 : -errno;
}

void emit_release(struct emit *e)
{
	if (e->body)
		fclose(e->body);
	free(e->files);
	memset(e, 0, sizeof(*e));
}

void emit_line(struct emit *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vfprintf(e->body, fmt, ap) < 0 && !e->err)
		e->err = -EIO;
	va_end(ap);
	fputc('\n', e->body);
	e->lines++;
}

int emit_file(struct emit *e, uint32_t dev, uint64_t ino, uint64_t len)
{
	size_t i;

	len = (len + PAGE - 1) & ~(PAGE - 1);
	for (i = 0; i < e->nr_files; i++)
		if (e->files[i].dev == dev && e->files[i].ino == ino)
			break;
	if (i == e->nr_files) {
		if (e->nr_files == e->cap_files) {
			size_t cap = e->cap_files ? 2 * e->cap_files : 64;
			struct rec_file *f = realloc(e->files, cap * sizeof(*f));

			if (!f)
				return -ENOMEM;
			e->files = f;
			e->cap_files = cap;
		}
		e->files[e->nr_files++] = (struct rec_file){ dev, ino, PAGE };
	}
	if (e->files[i].len < len)
		e->files[i].len = len;
	return (int)i;
}

static bool skipped(uint64_t addr, const struct range *skip, int n)
{
	for (int i = 0; i < n; i++)
		if (addr >= skip[i].start && addr < skip[i].end)
			return true;
	return false;
}

/* A run of pages that all need the same line. */
struct run {
	uint64_t start, end;
	char what;		/* 'w', 'r', 'd' (dontneed) or 0 */
};

static void flush(struct emit *e, const char *task, struct run *r)
{
	if (!r->what)
		return;
	if (r->what == 'd')
		emit_line(e, "madvise %s 0x%" PRIx64 " 0x%" PRIx64 " dontneed", task, r->start,
			  r->end - r->start);
	else {
		emit_line(e, "touch %s 0x%" PRIx64 " 0x%" PRIx64 " %c", task, r->start,
			  r->end - r->start, r->what);
		e->touches++;
		e->pages_touched += (r->end - r->start) / PAGE;
	}
	r->what = 0;
}

static void add(struct emit *e, const char *task, struct run *r, uint64_t addr, char what)
{
	if (r->what == what && r->end == addr) {
		r->end += PAGE;
		return;
	}
	flush(e, task, r);
	*r = (struct run){ addr, addr + PAGE, what };
}

/*
 * What made a page what it is now: a write fault when it became anonymous
 * or changed page (copy on write), a read fault when it became a page-cache
 * or zero page. A private page that went away without an operation of the
 * process (MADV_FREE reclaimed, say) is dropped with dontneed.
 */
static char change(uint64_t was, uint64_t now)
{
	if (now == was)
		return 0;
	if (!now)
		return PG_KIND(was) == PG_ANON ? 'd' : 0;
	if (PG_KIND(now) == PG_ANON)
		return 'w';
	return was ? 0 : 'r';
}

void emit_diff(struct emit *e, const char *task, const struct snapshot *old,
	       const struct snapshot *cur, const struct range *skip, int nr_skip)
{
	const struct snap_vma *ostack = NULL;

	for (size_t i = 0; old && i < old->n; i++)
		if (old->v[i].kind == SNAP_STACK)
			ostack = &old->v[i];
	for (size_t i = 0; i < cur->n; i++) {
		const struct snap_vma *v = &cur->v[i];
		struct run drops = { 0 }, faults = { 0 };

		if (v->kind == SNAP_STACK && ostack && v->end == ostack->end &&
		    v->start < ostack->start && !skipped(v->start, skip, nr_skip))
			emit_line(e, "grow %s 0x%" PRIx64, task, v->start);
		/* shared memory has no anonymous pages: its faults do not matter here */
		if (!v->pages || v->perm[3] == 's')
			continue;
		for (uint64_t a = v->start; a < v->end; a += PAGE) {
			uint64_t now = v->pages[(a - v->start) / PAGE];
			uint64_t was = old ? snapshot_page(old, a) : 0;
			char c;

			if (skipped(a, skip, nr_skip))
				continue;
			c = change(was, now);
			if (c == 'd')
				add(e, task, &drops, a, 'd');
			else if (c)
				add(e, task, &faults, a, c);
		}
		flush(e, task, &drops);
		flush(e, task, &faults);
	}
	/* anonymous pages of VMAs that are no longer there need no line: the VMA went */
}

static void pages_list(const struct snap_vma *v, char *buf, size_t cap, size_t *pos,
		       uint64_t *from)
{
	size_t n = (v->end - v->start) / PAGE;
	uint64_t i = *from;

	*pos = 0;
	buf[0] = '\0';
	while (i < n) {
		uint64_t j;
		int w;

		if (!v->pages || PG_KIND(v->pages[i]) != PG_ANON || !v->pages[i]) {
			i++;
			continue;
		}
		for (j = i; j + 1 < n && v->pages[j + 1] && PG_KIND(v->pages[j + 1]) == PG_ANON; j++)
			;
		if (*pos > EXPECT_LINE_MAX)
			break;
		w = j == i ? snprintf(buf + *pos, cap - *pos, "%s%" PRIu64, *pos ? "," : "", i)
			   : snprintf(buf + *pos, cap - *pos, "%s%" PRIu64 "-%" PRIu64,
				      *pos ? "," : "", i, j);
		*pos += (size_t)w;
		i = j + 1;
	}
	*from = i;
}

void emit_expect(struct emit *e, const char *task, const struct snapshot *s)
{
	char buf[EXPECT_LINE_MAX + 128];

	for (size_t i = 0; i < s->n; i++) {
		const struct snap_vma *v = &s->v[i];
		uint64_t from = 0, n = (v->end - v->start) / PAGE;
		size_t pos;

		do {
			pages_list(v, buf, sizeof(buf), &pos, &from);
			emit_line(e, "expect %s 0x%" PRIx64 " 0x%" PRIx64 " %s %s", task, v->start,
				  v->end - v->start, v->perm, pos ? buf : "-");
		} while (from < n && pos);
	}
}

void emit_layout(struct emit *e, const char *task, pid_t pid, const struct snapshot *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct snap_vma *v = &s->v[i];
		uint64_t len = v->end - v->start;
		char prot[4];
		int f;

		memcpy(prot, v->perm, 3);
		prot[3] = '\0';
		switch (v->kind) {
		case SNAP_STACK:
			emit_line(e, "stack %s 0x%" PRIx64 " 0x%" PRIx64, task, v->start, len);
			break;
		case SNAP_SPECIAL:
			emit_line(e, "special %s 0x%" PRIx64 " 0x%" PRIx64 " %s %s", task, v->start,
				  len, prot, v->special[0] ? v->special : "special");
			break;
		case SNAP_FILE:
			f = emit_file(e, v->dev, v->ino, mapped_file_size(pid, v->start, v->end));
			if (f < 0) {
				e->err = f;
				return;
			}
			emit_file(e, v->dev, v->ino, v->off + len);
			emit_line(e, "mmap %s 0x%" PRIx64 " 0x%" PRIx64 " %s f%d 0x%" PRIx64 "%s",
				  task, v->start, len, prot, f, v->off,
				  v->perm[3] == 's' ? " shared" : "");
			break;
		case SNAP_ANON:
		case SNAP_HEAP:
			emit_line(e, "mmap %s 0x%" PRIx64 " 0x%" PRIx64 " %s%s", task, v->start, len,
				  prot, v->perm[3] == 's' ? " shared" : "");
			break;
		}
	}
	emit_diff(e, task, NULL, s, NULL, 0);
}

int emit_finish(struct emit *e, FILE *out, const char *header)
{
	char buf[65536];
	size_t n;

	if (e->err)
		return e->err;
	if (fflush(e->body) || fseek(e->body, 0, SEEK_SET))
		return -errno;
	fprintf(out, "version 2\n%s", header);
	for (size_t i = 0; i < e->nr_files; i++)
		fprintf(out, "file f%zu 0x%" PRIx64 " %x:%x %" PRIu64 "\n", i, e->files[i].len,
			e->files[i].dev >> 20, e->files[i].dev & 0xfffff, e->files[i].ino);
	while ((n = fread(buf, 1, sizeof(buf), e->body)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			return -EIO;
	return ferror(e->body) || fflush(out) ? -EIO : 0;
}
