// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page-level shadow behind scenario_predict(). Each process has one byte
 * per tracked page: unmapped, unknown, or mapped with its protection, whether
 * it maps a file (and lies within the file's size) and whether it is
 * MADV_DONTFORK. The rules are Linux 6.18's, as seen from user space:
 *  - mmap with MAP_FIXED_NOREPLACE fails with EEXIST on any mapped page;
 *  - munmap always succeeds;
 *  - mprotect fails with ENOMEM when the range starts in a hole (nothing
 *    changes) or meets one later (the part before the hole is changed);
 *  - madvise applies to every mapped page and then fails with ENOMEM if
 *    there was a hole; wipeonfork/keeponfork on a file mapping is EINVAL;
 *  - a touch succeeds up to the first page it may not access, which ends
 *    it with EFAULT (no mapping, PROT forbids it, or beyond the file's end);
 *  - fork copies every mapping but the dontfork ones; fork and exit succeed.
 * mremap's result depends on VMA boundaries, which a page map does not
 * know, so it is never predicted and makes its ranges unknown.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/predict.h"

#define PG_UNMAPPED 0x00
#define PG_MAPPED 0x80
#define PG_PROT 0x07
#define PG_FILE 0x08
#define PG_PAST_EOF 0x10
#define PG_DONTFORK 0x20
#define PG_UNKNOWN 0xff

#define HUGE_OFF (64ULL << 20)
#define HUGE_PAGES 4096ULL	/* 16 MiB */

struct shadow {
	unsigned int busy;	/* tracked pages at the window start */
	size_t per_proc;	/* busy + HUGE_PAGES */
	uint8_t *pages;		/* per_proc bytes per process index */
	uint64_t *file_pages;	/* per declared file */
	/* a version 2 operation (threads, vfork, exec, brk...) was met: the
	 * page map no longer describes the processes, so nothing more is said */
	bool gave_up;
};

/* The byte for page @addr of process @proc, or NULL where nothing is tracked. */
static uint8_t *slot(struct shadow *s, int proc, uint64_t addr)
{
	uint64_t pg = (addr - SCN_WINDOW_START) >> 12;
	uint8_t *base = s->pages + (size_t)proc * s->per_proc;

	if (addr < SCN_WINDOW_START)
		return NULL;
	if (pg < s->busy)
		return base + pg;
	if (pg >= HUGE_OFF >> 12 && pg < (HUGE_OFF >> 12) + HUGE_PAGES)
		return base + s->busy + (pg - (HUGE_OFF >> 12));
	return NULL;
}

/* Are all pages of the range tracked and known? */
static bool known(struct shadow *s, int proc, uint64_t addr, uint64_t len)
{
	for (uint64_t a = addr; a < addr + len; a += 4096) {
		uint8_t *p = slot(s, proc, a);

		if (!p || *p == PG_UNKNOWN)
			return false;
	}
	return true;
}

/* Set every tracked page of the range to @v (untracked pages stay untracked). */
static void set_range(struct shadow *s, int proc, uint64_t addr, uint64_t len, uint8_t v)
{
	for (uint64_t a = addr; a < addr + len; a += 4096) {
		uint8_t *p = slot(s, proc, a);

		if (p)
			*p = v;
	}
}

static int predict_mmap(struct shadow *s, const struct scn_op *op)
{
	bool busy = false, sure = known(s, op->proc, op->addr, op->len);

	for (uint64_t a = op->addr; a < op->addr + op->len; a += 4096) {
		uint8_t *p = slot(s, op->proc, a);

		busy |= p && *p != PG_UNMAPPED && *p != PG_UNKNOWN;
	}
	if (busy)
		return -EEXIST;	/* one known mapped page is enough */
	if (!sure) {
		/* it may or may not have been mapped: unknown either way */
		set_range(s, op->proc, op->addr, op->len, PG_UNKNOWN);
		return PREDICT_ANY;
	}
	for (uint64_t i = 0; i < op->len >> 12; i++) {
		uint8_t v = PG_MAPPED | (uint8_t)op->prot;

		if (op->file >= 0) {
			v |= PG_FILE;
			if ((op->off >> 12) + i >= s->file_pages[op->file])
				v |= PG_PAST_EOF;
		}
		*slot(s, op->proc, op->addr + (i << 12)) = v;
	}
	return 0;
}

static int predict_mprotect(struct shadow *s, const struct scn_op *op)
{
	if (!known(s, op->proc, op->addr, op->len)) {
		set_range(s, op->proc, op->addr, op->len, PG_UNKNOWN);
		return PREDICT_ANY;
	}
	for (uint64_t a = op->addr; a < op->addr + op->len; a += 4096) {
		uint8_t *p = slot(s, op->proc, a);

		if (*p == PG_UNMAPPED)
			return -ENOMEM;
		*p = (uint8_t)((*p & ~PG_PROT) | op->prot);
	}
	return 0;
}

static int predict_madvise(struct shadow *s, const struct scn_op *op)
{
	bool hole = false, file = false, sure = known(s, op->proc, op->addr, op->len);
	bool wipe = op->advice == SCN_MADV_WIPEONFORK || op->advice == SCN_MADV_KEEPONFORK;

	for (uint64_t a = op->addr; a < op->addr + op->len; a += 4096) {
		uint8_t *p = slot(s, op->proc, a);

		if (!p || *p == PG_UNKNOWN)
			continue;
		hole |= *p == PG_UNMAPPED;
		file |= *p != PG_UNMAPPED && (*p & PG_FILE);
		if (*p == PG_UNMAPPED)
			continue;
		if (op->advice == SCN_MADV_DONTFORK)
			*p |= PG_DONTFORK;
		else if (op->advice == SCN_MADV_DOFORK)
			*p &= (uint8_t)~PG_DONTFORK;
	}
	if (!sure || (wipe && file))
		return PREDICT_ANY;
	return hole ? -ENOMEM : 0;
}

static int predict_touch(struct shadow *s, const struct scn_op *op)
{
	for (uint64_t a = op->addr; a < op->addr + op->len; a += 4096) {
		uint8_t *p = slot(s, op->proc, a);
		int prot;

		if (!p || *p == PG_UNKNOWN)
			return PREDICT_ANY;
		prot = *p & PG_PROT;
		if (*p == PG_UNMAPPED || (*p & PG_PAST_EOF) ||
		    !(prot & (op->write ? SCN_PROT_W : SCN_PROT_R)))
			return -EFAULT;
	}
	return 0;
}

static void do_fork(struct shadow *s, const struct scn_op *op)
{
	uint8_t *from = s->pages + (size_t)op->proc * s->per_proc;
	uint8_t *to = s->pages + (size_t)op->child * s->per_proc;

	for (size_t i = 0; i < s->per_proc; i++)
		to[i] = from[i] != PG_UNKNOWN && (from[i] & PG_DONTFORK) ? PG_UNMAPPED : from[i];
}

static int predict_one(struct shadow *s, const struct scn_op *op)
{
	if (s->gave_up)
		return PREDICT_ANY;
	switch (op->op) {
	case SCN_FILE:
		s->file_pages[op->file] = op->len >> 12;
		return 0;
	case SCN_MMAP:
		return predict_mmap(s, op);
	case SCN_MUNMAP:
		set_range(s, op->proc, op->addr, op->len, PG_UNMAPPED);
		return 0;
	case SCN_MPROTECT:
		return predict_mprotect(s, op);
	case SCN_MADVISE:
		return predict_madvise(s, op);
	case SCN_TOUCH:
		return predict_touch(s, op);
	case SCN_MREMAP:
		set_range(s, op->proc, op->addr,
			  op->new_len > op->len && !op->fixed ? op->new_len : op->len, PG_UNKNOWN);
		if (op->fixed)
			set_range(s, op->proc, op->new_addr, op->new_len, PG_UNKNOWN);
		return PREDICT_ANY;
	case SCN_FORK:
		do_fork(s, op);
		return 0;
	case SCN_EXIT:
		return 0;
	case SCN_MIGRATE:
	case SCN_OBSERVE:
		return PREDICT_ANY;
	default:
		s->gave_up = true;
		return PREDICT_ANY;
	}
}

int scenario_predict(const struct scenario *scn, unsigned int busy_pages, int *predict)
{
	struct shadow s = { .busy = busy_pages, .per_proc = busy_pages + HUGE_PAGES };

	s.pages = calloc(scn->nr_procs ? scn->nr_procs : 1, s.per_proc);
	s.file_pages = calloc(scn->nr_files ? scn->nr_files : 1, sizeof(*s.file_pages));
	if (!s.pages || !s.file_pages) {
		free(s.pages);
		free(s.file_pages);
		return -ENOMEM;
	}
	for (size_t i = 0; i < scn->nr_ops; i++)
		predict[i] = predict_one(&s, &scn->ops[i]);
	free(s.pages);
	free(s.file_pages);
	return 0;
}
