/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writing a recording as a version-2 scenario. Operations go to a body
 * file while the programs run; the file declarations, whose lengths are
 * known only at the end, are written in front of it by emit_finish().
 */
#ifndef ANONRMAP_RECORD_EMIT_H
#define ANONRMAP_RECORD_EMIT_H

#include <stdio.h>

#include "record/snapshot.h"

struct rec_file {
	uint32_t dev;
	uint64_t ino;
	uint64_t len;
};

struct emit {
	FILE *body;
	struct rec_file *files;
	size_t nr_files, cap_files;
	unsigned long lines;
	unsigned long touches, pages_touched;
	int err;			/* first write error */
};

/* An address range an operation changes itself, so a diff must not repeat it. */
struct range {
	uint64_t start, end;
};

int emit_init(struct emit *e);
void emit_release(struct emit *e);
__attribute__((format(printf, 2, 3)))
void emit_line(struct emit *e, const char *fmt, ...);
/* The name of the file with @dev and @ino; its length grows to cover @len. */
int emit_file(struct emit *e, uint32_t dev, uint64_t ino, uint64_t len);
/*
 * Faults and lost pages between two snapshots of one mm, as touch and
 * madvise-dontneed lines, and the stack growing down as a grow line. Pages
 * inside @skip are what the operation being recorded did itself.
 */
void emit_diff(struct emit *e, const char *task, const struct snapshot *old,
	       const struct snapshot *cur, const struct range *skip, int nr_skip);
/* The expect lines of a checkpoint: every VMA and its anonymous pages. */
void emit_expect(struct emit *e, const char *task, const struct snapshot *s);
/* The mm as exec leaves it, as mmap/stack/special lines, then its pages. */
void emit_layout(struct emit *e, const char *task, pid_t pid, const struct snapshot *s);
/* Header, file declarations and body to @out. */
int emit_finish(struct emit *e, FILE *out, const char *header);

#endif
