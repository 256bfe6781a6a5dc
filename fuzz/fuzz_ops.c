// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: fuzzer bytes decoded into calls of the public API
 * (include/anonrmap/ops.h) in one design, with three oracles after every
 * call: the checker; the errno, which must be one the kernel can return for
 * that call on these arguments; and the effect a successful call promises
 * (a mapped range is mapped with its protection, an unmapped range is gone,
 * a touched page is present, a written one writable and anonymous).
 *
 * Input: one configuration byte (design, zero page, THP setting, a file),
 * then six bytes per operation. Addresses fall in a 64-page busy window,
 * where VMAs keep meeting, or in four 2 MiB slots where THPs can form.
 *
 * With ANONRMAP_FUZZ_TRACE set in the environment, each call is also
 * printed to stderr as a scenario line, so a crash becomes a file for
 * `anonrmap replay --check`.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anonrmap/anonrmap.h>

#include "fuzz_common.h"

#define BASE 0x100000000000ULL
#define HUGE_BASE (BASE + (64ULL << 20))
#define PAGE 4096ULL
#define MAX_PROCS 6
#define FILE_PAGES 16

struct fuzz {
	const char *mode;
	struct anonrmap_world *world;
	struct anonrmap_file *file;
	struct anonrmap_mm *live[MAX_PROCS];
	unsigned int nr_live;
	char what[160];		/* the call being judged, for failure messages */
	bool trace;
	/*
	 * A documented flaw was shown: the lazy world is now corrupt (a freed
	 * VMA still in the tree, say), and whatever follows is its echo, so
	 * the input ends there.
	 */
	bool tainted;
};

static const char *const advice_names[] = { "dontneed", "dontfork", "dofork", "wipeonfork",
					    "keeponfork", "hugepage", "nohugepage" };

__attribute__((format(printf, 2, 3)))
static void trace(const struct fuzz *f, const char *fmt, ...)
{
	va_list ap;

	if (!f->trace)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static const char *prot_str(int prot)
{
	static const char *const s[] = { "---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx" };

	return s[prot & 7];
}

static unsigned int pid(struct anonrmap_mm *mm)
{
	return anonrmap_mm_id(mm);
}

#define PNAME(mm) (pid(mm) ? "C" : "P"), pid(mm)

static void report(const char *violation, void *arg)
{
	struct fuzz *f = arg;

	if (!violation_is_documented(f->mode, violation))
		fprintf(stderr, "after %s\n", f->what);
	fuzz_judge_violation(f->mode, violation);
	f->tainted = true;
}

static void expect(struct fuzz *f, bool ok, const char *why)
{
	char msg[256];

	if (ok)
		return;
	snprintf(msg, sizeof(msg), "%s: %s", f->what, why);
	fuzz_fail(f->mode, msg);
}

static uint64_t decode_addr(uint8_t b)
{
	if (b & 0x80)	/* a 2 MiB slot, at an aligned or a 256 KiB-misaligned spot */
		return HUGE_BASE + ((b >> 3) & 3) * (2ULL << 20) + (b & 7) * 64 * PAGE;
	return BASE + (b & 0x3f) * PAGE;
}

static uint64_t decode_len(uint8_t b)
{
	if (b & 0x80)
		return (1 + (b & 3)) * (2ULL << 20);
	return (1 + (b & 0x1f)) * PAGE;
}

static int decode_prot(uint8_t b)
{
	static const int prots[] = { 3, 3, 1, 0, 7, 3, 1, 2 };

	return prots[b & 7];
}

struct range_view {
	uint64_t start, end, covered;
	int prot;
	bool same_prot, intersects;
};

static int view_vma(const struct anonrmap_vma_info *v, void *arg)
{
	struct range_view *r = arg;
	uint64_t s = v->start > r->start ? v->start : r->start;
	uint64_t e = v->end < r->end ? v->end : r->end;

	if (s >= e)
		return 0;
	r->intersects = true;
	r->covered += e - s;
	if (v->prot != r->prot)
		r->same_prot = false;
	return 0;
}

static struct range_view view(struct anonrmap_mm *mm, uint64_t start, uint64_t len, int prot)
{
	struct range_view r = { start, start + len, 0, prot, true, false };

	anonrmap_vma_foreach(mm, view_vma, &r);
	return r;
}

/* What a successful touch promises, page by page. */
static void check_touched(struct fuzz *f, struct anonrmap_mm *mm, uint64_t addr, uint64_t len,
			  bool write)
{
	for (uint64_t a = addr; a < addr + len; a += PAGE) {
		struct anonrmap_page_info pi;

		expect(f, !anonrmap_page(mm, a, &pi), "anonrmap_page failed on a touched page");
		expect(f, pi.kind != ANONRMAP_PAGE_NONE, "a touched page is not mapped");
		if (write) {
			expect(f, pi.writable, "a written page is not writable");
			expect(f, pi.kind == ANONRMAP_PAGE_ANON, "a written page is not anonymous");
		}
	}
}

static void do_mmap_op(struct fuzz *f, struct anonrmap_mm *mm, const uint8_t *b)
{
	uint64_t addr = decode_addr(b[2]), len = decode_len(b[3]);
	int prot = decode_prot(b[4]);
	bool file = f->file && (b[4] & 0x80);
	uint64_t off = file ? (b[5] & 0xf) * PAGE : 0;
	bool busy = view(mm, addr, len, prot).intersects;
	int ret;

	trace(f, "mmap %s%u 0x%llx %lluK %s", PNAME(mm), (unsigned long long)addr,
	      (unsigned long long)len / 1024, prot_str(prot));
	trace(f, file ? " lib 0x%llx\n" : "\n", (unsigned long long)off);
	ret = anonrmap_mmap(mm, addr, len, prot, file ? f->file : NULL, off);

	expect(f, ret == (busy ? -EEXIST : 0), "mmap: wrong result for the range's state");
	if (!ret) {
		struct range_view r = view(mm, addr, len, prot);

		expect(f, r.covered == len && r.same_prot, "mmap: range not mapped as asked");
	}
}

static void do_mprotect_op(struct fuzz *f, struct anonrmap_mm *mm, const uint8_t *b)
{
	uint64_t addr = decode_addr(b[2]), len = decode_len(b[3]);
	int prot = decode_prot(b[4]);
	bool full = view(mm, addr, len, prot).covered == len;
	int ret;

	trace(f, "mprotect %s%u 0x%llx %lluK %s\n", PNAME(mm), (unsigned long long)addr,
	      (unsigned long long)len / 1024, prot_str(prot));
	ret = anonrmap_mprotect(mm, addr, len, prot);

	/* -ENOMEM exactly when part of the range is a hole */
	expect(f, ret == (full ? 0 : -ENOMEM), "mprotect: wrong result for the range's state");
	if (!ret)
		expect(f, view(mm, addr, len, prot).same_prot, "mprotect: protection not applied");
}

static void do_madvise_op(struct fuzz *f, struct anonrmap_mm *mm, const uint8_t *b)
{
	uint64_t addr = decode_addr(b[2]), len = decode_len(b[3]);
	int ret;

	trace(f, "madvise %s%u 0x%llx %lluK %s\n", PNAME(mm), (unsigned long long)addr,
	      (unsigned long long)len / 1024, advice_names[b[4] % 7]);
	ret = anonrmap_madvise(mm, addr, len, (enum anonrmap_advice)(b[4] % 7));

	/* -EINVAL: wipeonfork on a file mapping */
	expect(f, !ret || ret == -ENOMEM || ret == -EINVAL, "madvise: unexpected errno");
	if (ret == -ENOMEM)
		expect(f, view(mm, addr, len, 0).covered < len, "madvise: -ENOMEM on a mapped range");
}

/*
 * What a successful mremap leaves, Linux 6.18's rules: a move of the same
 * size may carry several VMAs, each to its offset, leaving whatever the
 * destination holds between them (so at least what moved); a resizing move
 * needs one VMA for what it keeps and fills the whole new range. In place,
 * a shrink only unmaps the tail, a grow fills the new range.
 */
static void do_mremap_op(struct fuzz *f, struct anonrmap_mm *mm, const uint8_t *b)
{
	uint64_t addr = decode_addr(b[2]), len = decode_len(b[3]);
	uint64_t new_len = b[4] & 0x40 ? decode_len(b[4]) : len;
	bool fixed = b[5] & 1;
	uint64_t to = decode_addr(b[5]), moved = new_len;
	int ret;

	if (fixed && new_len == len)
		moved = view(mm, addr, len, 0).covered;	/* a lower bound, see above */
	trace(f, "mremap %s%u 0x%llx %lluK %lluK", PNAME(mm), (unsigned long long)addr,
	      (unsigned long long)len / 1024, (unsigned long long)new_len / 1024);
	trace(f, fixed ? " 0x%llx\n" : "\n", (unsigned long long)to);
	if (fixed)
		ret = anonrmap_mremap(mm, addr, len, new_len,
				      ANONRMAP_MREMAP_MAYMOVE | ANONRMAP_MREMAP_FIXED, to);
	else
		ret = anonrmap_mremap(mm, addr, len, new_len, 0, 0);
	expect(f, !ret || ret == -EFAULT || ret == -ENOMEM || ret == -EINVAL,
	       "mremap: unexpected errno");
	if (ret)
		return;
	if (fixed) {
		expect(f, view(mm, to, new_len, 0).covered >= moved,
		       "mremap: the new range does not hold what was moved");
		expect(f, !view(mm, addr, len, 0).intersects, "mremap: the old range is still mapped");
	} else if (new_len < len) {
		expect(f, !view(mm, addr + new_len, len - new_len, 0).intersects,
		       "mremap: a shrink left its tail mapped");
	} else if (new_len > len) {
		expect(f, view(mm, addr, new_len, 0).covered == new_len,
		       "mremap: a grow did not map the new range");
	}
}

static void do_fork_op(struct fuzz *f, struct anonrmap_mm *mm)
{
	struct anonrmap_mm *child;

	if (f->nr_live == MAX_PROCS)
		return;
	expect(f, anonrmap_fork(mm, &child) == 0, "fork failed");
	f->live[f->nr_live++] = child;
	trace(f, "fork %s%u C%u\n", PNAME(mm), pid(child));
}

static void do_exit_op(struct fuzz *f, unsigned int i)
{
	if (f->nr_live == 1)
		return;
	trace(f, "exit %s%u\n", PNAME(f->live[i]));
	expect(f, anonrmap_exit(f->live[i]) == 0, "exit failed");
	expect(f, anonrmap_exit(f->live[i]) == -ESRCH, "an exited process still runs calls");
	memmove(&f->live[i], &f->live[i + 1], (f->nr_live - i - 1) * sizeof(f->live[0]));
	f->nr_live--;
}

static void run_op(struct fuzz *f, const uint8_t *b)
{
	unsigned int i = b[1] % f->nr_live;
	struct anonrmap_mm *mm = f->live[i];
	uint64_t addr = decode_addr(b[2]), len = decode_len(b[3]);
	int ret;

	snprintf(f->what, sizeof(f->what), "op %u on P%u: %02x %02x %02x %02x", b[0] % 10,
		 anonrmap_mm_id(mm), b[2], b[3], b[4], b[5]);
	switch (b[0] % 10) {
	case 0:
	case 1:
		do_mmap_op(f, mm, b);
		break;
	case 2:
		trace(f, "munmap %s%u 0x%llx %lluK\n", PNAME(mm), (unsigned long long)addr,
		      (unsigned long long)len / 1024);
		expect(f, anonrmap_munmap(mm, addr, len) == 0, "munmap failed");
		expect(f, !view(mm, addr, len, 0).intersects, "munmap left a mapping");
		break;
	case 3:
		do_mprotect_op(f, mm, b);
		break;
	case 4:
		do_mremap_op(f, mm, b);
		break;
	case 5:
		do_madvise_op(f, mm, b);
		break;
	case 6:
		trace(f, "touch %s%u 0x%llx %lluK %c\n", PNAME(mm), (unsigned long long)addr,
		      (unsigned long long)len / 1024, b[4] & 1 ? 'w' : 'r');
		ret = anonrmap_touch(mm, addr, len, b[4] & 1);
		expect(f, !ret || ret == -EFAULT, "touch: unexpected errno");
		if (!ret)
			check_touched(f, mm, addr, len, b[4] & 1);
		break;
	case 7:
		do_fork_op(f, mm);
		break;
	case 8:
		do_exit_op(f, i);
		break;
	case 9:
		trace(f, "migrate %s%u 0x%llx %lluK\n", PNAME(mm), (unsigned long long)addr,
		      (unsigned long long)len / 1024);
		ret = anonrmap_migrate(mm, addr, len);
		/* lazy loses folios to walks (finding 1), so migration can fail there */
		expect(f, !ret || (ret == -EAGAIN && strcmp(f->mode, "classic")),
		       "migrate failed");
		break;
	}
	anonrmap_check(f->world, report, f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const modes[] = { "classic", "lazy" };
	struct anonrmap_config cfg;
	struct fuzz f = { 0 };

	if (size < 1)
		return 0;
	anonrmap_config_init(&cfg);
	f.trace = getenv("ANONRMAP_FUZZ_TRACE");
	f.mode = cfg.mode = modes[data[0] & 1];
	cfg.zero_page = data[0] & 2;
	cfg.thp = (enum anonrmap_thp)(((data[0] >> 2) & 3) % 3);
	if (anonrmap_world_create(&cfg, &f.world, &f.live[0]))
		abort();
	/* a walk's race check is judged as the checker's reports are */
	anonrmap_world_set_race_report(f.world, report, &f);
	f.nr_live = 1;
	trace(&f, "# anonrmap replay --check --mode %s --zero-page %s --thp %s\n", f.mode,
	      cfg.zero_page ? "on" : "off",
	      (const char *[]){ "madvise", "never", "always" }[cfg.thp]);
	if ((data[0] & 0x10) && anonrmap_file_create(f.world, FILE_PAGES * PAGE, &f.file))
		abort();
	if (f.file)
		trace(&f, "file lib %lluK\n", FILE_PAGES * PAGE / 1024);
	for (size_t off = 1; off + 6 <= size && !f.tainted; off += 6)
		run_op(&f, data + off);
	anonrmap_world_destroy(f.world);
	return 0;
}
