/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Printing observation blocks in the canonical form that the simulator and
 * the kernel runner must agree on byte for byte.
 *
 * Page numbers are handed out here and nowhere else: a page's identity
 * (PFN, struct page address) means nothing across runs, only the order in
 * which distinct pages first appear does.
 */
#include "scenario/scenario.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define OBS_PAGE_SIZE 4096

/*
 * Open-addressing table from page identity to its number. A block can hold
 * hundreds of thousands of pages, so a linear search per page is out.
 */
struct page_slot {
	uint64_t id;
	uint32_t kind;
	uint32_t nr;			/* 0: empty slot */
};

struct page_numbers {
	struct page_slot *slot;
	size_t mask;
	uint32_t next;
};

static bool numbered(enum obs_page_kind kind)
{
	return kind == OBS_ANON || kind == OBS_FILE;
}

static uint64_t page_hash(uint64_t id, uint32_t kind)
{
	/* splitmix64 finaliser: PFNs and pointers are clustered, spread them. */
	uint64_t x = id + (uint64_t)kind * 0x9e3779b97f4a7c15ULL;

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint32_t page_number(struct page_numbers *pn, const struct obs_page *pg)
{
	uint32_t kind = (uint32_t)pg->kind;
	size_t i;

	for (i = page_hash(pg->id, kind) & pn->mask; pn->slot[i].nr; i = (i + 1) & pn->mask)
		if (pn->slot[i].id == pg->id && pn->slot[i].kind == kind)
			return pn->slot[i].nr;
	pn->slot[i].id = pg->id;
	pn->slot[i].kind = kind;
	pn->slot[i].nr = ++pn->next;
	return pn->slot[i].nr;
}

static size_t vma_pages(const struct obs_vma *v)
{
	return v->end > v->start ? (size_t)((v->end - v->start) / OBS_PAGE_SIZE) : 0;
}

/* Sizes the table for at most twice as many slots as numbered pages. */
static int page_numbers_init(struct page_numbers *pn, const struct obs_block *b)
{
	size_t total = 0, cap = 16, i, j, k;

	memset(pn, 0, sizeof(*pn));
	for (i = 0; i < b->nr_procs; i++) {
		for (j = 0; j < b->procs[i].nr_vmas; j++) {
			const struct obs_vma *v = &b->procs[i].vmas[j];
			size_t n = vma_pages(v);

			for (k = 0; k < n; k++)
				total += numbered(v->pages[k].kind);
		}
	}
	if (!total)
		return 0;
	while (cap < total * 2)
		cap *= 2;
	pn->slot = calloc(cap, sizeof(*pn->slot));
	if (!pn->slot)
		return -ENOMEM;
	pn->mask = cap - 1;
	return 0;
}

/*
 * Pages lines can be megabytes long; building each token by hand and writing
 * in chunks keeps printf out of the inner loop.
 */
struct line_buf {
	FILE *out;
	size_t len;
	char buf[8192];
};

static void lb_flush(struct line_buf *lb)
{
	fwrite(lb->buf, 1, lb->len, lb->out);
	lb->len = 0;
}

static void lb_token(struct line_buf *lb, char prefix, uint32_t nr)
{
	char digits[10];
	int n = 0;

	if (lb->len + 1 + 1 + sizeof(digits) > sizeof(lb->buf))
		lb_flush(lb);
	lb->buf[lb->len++] = ' ';
	lb->buf[lb->len++] = prefix;
	if (!nr)
		return;
	do {
		digits[n++] = (char)('0' + nr % 10);
		nr /= 10;
	} while (nr);
	while (n)
		lb->buf[lb->len++] = digits[--n];
}

static void print_pages(FILE *out, struct line_buf *lb, struct page_numbers *pn,
			const struct obs_vma *v)
{
	size_t n = vma_pages(v), k;

	fprintf(out, "pages %" PRIx64, v->start);
	lb->out = out;
	lb->len = 0;
	for (k = 0; k < n; k++) {
		const struct obs_page *pg = &v->pages[k];

		switch (pg->kind) {
		case OBS_NONE:
			lb_token(lb, '-', 0);
			break;
		case OBS_ZERO:
			lb_token(lb, 'z', 0);
			break;
		case OBS_ANON:
			lb_token(lb, 'a', page_number(pn, pg));
			break;
		case OBS_FILE:
			lb_token(lb, 'f', page_number(pn, pg));
			break;
		default:
			/* Visible in any diff rather than passing for a real state. */
			lb_token(lb, '?', 0);
			break;
		}
	}
	lb_flush(lb);
	fputc('\n', out);
}

void obs_print(FILE *out, const struct obs_block *b)
{
	struct page_numbers pn;
	struct line_buf lb;
	size_t i, j, nr_vmas = 0;

	if (page_numbers_init(&pn, b)) {
		/*
		 * A block printed with wrong numbers would be read as a kernel
		 * or simulator difference; better no block at all.
		 */
		fprintf(stderr, "obs_print: out of memory\n");
		abort();
	}

	fprintf(out, "observe %s\n", b->label);
	for (i = 0; i < b->nr_fails; i++)
		fprintf(out, "fail %u %s\n", b->fails[i].line, obs_errno_name(b->fails[i].err));
	for (i = 0; i < b->nr_procs; i++) {
		const struct obs_proc *p = &b->procs[i];

		fprintf(out, "proc %s\n", p->name);
		for (j = 0; j < p->nr_vmas; j++) {
			const struct obs_vma *v = &p->vmas[j];

			fprintf(out, "vma %" PRIx64 "-%" PRIx64 " %.4s\n", v->start, v->end, v->prot);
			print_pages(out, &lb, &pn, v);
		}
		nr_vmas += p->nr_vmas;
	}
	fprintf(out, "count anon_vma %ld\n", b->count_anon_vma);
	fprintf(out, "count anon_vma_chain %ld\n", b->count_anon_vma_chain);
	fprintf(out, "count vmas %zu\n", nr_vmas);
	fputs("end\n", out);

	free(pn.slot);
}

void obs_block_release(struct obs_block *b)
{
	size_t i, j;

	if (!b)
		return;
	for (i = 0; i < b->nr_procs; i++) {
		for (j = 0; j < b->procs[i].nr_vmas; j++)
			free(b->procs[i].vmas[j].pages);
		free(b->procs[i].vmas);
	}
	free(b->procs);
	free(b->fails);
	b->procs = NULL;
	b->nr_procs = 0;
	b->fails = NULL;
	b->nr_fails = 0;
}

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" },
	{ ENOENT, "ENOENT" },
	{ ESRCH, "ESRCH" },
	{ EINTR, "EINTR" },
	{ EIO, "EIO" },
	{ ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" },
	{ ENOEXEC, "ENOEXEC" },
	{ EBADF, "EBADF" },
	{ ECHILD, "ECHILD" },
	{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },
	{ EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },
	{ EXDEV, "EXDEV" },
	{ ENODEV, "ENODEV" },
	{ ENOTDIR, "ENOTDIR" },
	{ EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" },
	{ EMFILE, "EMFILE" },
	{ ENOTTY, "ENOTTY" },
	{ ETXTBSY, "ETXTBSY" },
	{ EFBIG, "EFBIG" },
	{ ENOSPC, "ENOSPC" },
	{ ESPIPE, "ESPIPE" },
	{ EROFS, "EROFS" },
	{ EMLINK, "EMLINK" },
	{ EPIPE, "EPIPE" },
	{ EDOM, "EDOM" },
	{ ERANGE, "ERANGE" },
	{ EDEADLK, "EDEADLK" },
	{ ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENOLCK, "ENOLCK" },
	{ ENOSYS, "ENOSYS" },
	{ ENOTEMPTY, "ENOTEMPTY" },
	{ ELOOP, "ELOOP" },
	{ EOVERFLOW, "EOVERFLOW" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
#ifdef EHWPOISON
	{ EHWPOISON, "EHWPOISON" },
#endif
};

const char *obs_errno_name(int err)
{
	/* Only for errnos outside the table, which no scenario should produce. */
	static _Thread_local char unknown[16];
	size_t i;

	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	snprintf(unknown, sizeof(unknown), "E%d", err);
	return unknown;
}
