/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Observation blocks: the printed text must match the kernel runner's
 * reference files byte for byte, so blocks are built here from page
 * identities chosen by hand and compared with those files and with text
 * written from the format description.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <cmocka.h>

/*
 * ../shared is beside the checkout in CI and on our machines. Without it
 * these tests would test nothing, so they fail rather than skip.
 */
static void need_shared(void)
{
	if (access(ANONRMAP_SHARED_DIR "/scenarios", R_OK))
		fail_msg("%s/scenarios missing: put ../shared beside the checkout",
			 ANONRMAP_SHARED_DIR);
}

#include "scenario/scenario.h"

#define W0 0x100000000000ULL

static struct obs_proc *add_proc(struct obs_block *b, const char *name)
{
	struct obs_proc *p;

	b->procs = realloc(b->procs, (b->nr_procs + 1) * sizeof(*b->procs));
	assert_non_null(b->procs);
	p = &b->procs[b->nr_procs++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

static struct obs_vma *add_vma(struct obs_proc *p, uint64_t start, size_t nr_pages,
			       const char *prot)
{
	struct obs_vma *v;

	p->vmas = realloc(p->vmas, (p->nr_vmas + 1) * sizeof(*p->vmas));
	assert_non_null(p->vmas);
	v = &p->vmas[p->nr_vmas++];
	memset(v, 0, sizeof(*v));
	v->start = start;
	v->end = start + nr_pages * 4096;
	snprintf(v->prot, sizeof(v->prot), "%s", prot);
	v->pages = calloc(nr_pages ? nr_pages : 1, sizeof(*v->pages));
	assert_non_null(v->pages);
	return v;
}

/*
 * Fills @v from "-", "z", "a<id>", "f<id>" tokens, where <id> is the page's
 * identity (a PFN, say), not the number it will be printed with.
 */
static void set_pages(struct obs_vma *v, const char *spec)
{
	size_t n = (size_t)((v->end - v->start) / 4096), i = 0;
	const char *s = spec;
	char *end;

	while (*s) {
		struct obs_page *pg;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		assert_true(i < n);
		pg = &v->pages[i++];
		switch (*s++) {
		case '-':
			pg->kind = OBS_NONE;
			continue;
		case 'z':
			pg->kind = OBS_ZERO;
			continue;
		case 'a':
			pg->kind = OBS_ANON;
			break;
		case 'f':
			pg->kind = OBS_FILE;
			break;
		default:
			fail_msg("bad page spec '%s'", spec);
		}
		pg->id = strtoull(s, &end, 0);
		assert_true(end != s);
		s = end;
	}
	assert_int_equal(i, n);
}

static void add_fail(struct obs_block *b, unsigned int line, int err)
{
	b->fails = realloc(b->fails, (b->nr_fails + 1) * sizeof(*b->fails));
	assert_non_null(b->fails);
	b->fails[b->nr_fails].line = line;
	b->fails[b->nr_fails].err = err;
	b->nr_fails++;
}

static void init_block(struct obs_block *b, const char *label, long av, long avc)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->label, sizeof(b->label), "%s", label);
	b->count_anon_vma = av;
	b->count_anon_vma_chain = avc;
}

/* Prints every block in @blocks into one string; the caller frees it. */
static char *print_blocks(struct obs_block *blocks, size_t n)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	for (i = 0; i < n; i++)
		obs_print(f, &blocks[i]);
	assert_int_equal(fclose(f), 0);
	return text;
}

static char *read_shared(const char *name)
{
	need_shared();
	char path[512];
	char *text;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/scenarios/%s", ANONRMAP_SHARED_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	text = calloc(1, 1 << 20);
	assert_non_null(text);
	len = fread(text, 1, (1 << 20) - 1, f);
	text[len] = '\0';
	fclose(f);
	return text;
}

/* The block labelled @label in a .kernel.obs text, "observe" to "end\n". */
static char *extract_block(const char *text, const char *label)
{
	char head[128];
	const char *start, *end;
	char *block;

	snprintf(head, sizeof(head), "observe %s\n", label);
	start = strstr(text, head);
	assert_non_null(start);
	end = strstr(start, "\nend\n");
	assert_non_null(end);
	end += 5;
	block = strndup(start, (size_t)(end - start));
	assert_non_null(block);
	return block;
}

static void assert_prints(struct obs_block *b, const char *expected)
{
	char *text = print_blocks(b, 1);

	assert_string_equal(text, expected);
	free(text);
}

/* Sixteen anonymous pages with PFN-like identities. */
static void p0_pages(char *spec, size_t size)
{
	size_t off = 0;
	int i;

	for (i = 0; i < 16; i++)
		off += (size_t)snprintf(spec + off, size - off, "a%#x ", 0x8a000 + i * 0x13);
}

/*
 * 06-fork-chain-reuse.scn, both blocks. In "reuse" P0, B and C still share
 * all sixteen pages; in "cow_in_chain" B copied page 1 and C copied page 0.
 */
static void test_fork_chain_reuse_file(void **state)
{
	struct obs_block b[2];
	struct obs_proc *p;
	char spec[512], copy[512];
	char *want, *got;
	const char *names[] = { "P0", "B", "C" };
	int i;

	(void)state;
	p0_pages(spec, sizeof(spec));

	init_block(&b[0], "reuse", 3, 7);
	for (i = 0; i < 3; i++) {
		p = add_proc(&b[0], names[i]);
		set_pages(add_vma(p, W0, 16, "rw-p"), spec);
	}

	init_block(&b[1], "cow_in_chain", 3, 7);
	set_pages(add_vma(add_proc(&b[1], "P0"), W0, 16, "rw-p"), spec);
	snprintf(copy, sizeof(copy), "a%#x a0x77777 %s", 0x8a000, strchr(strchr(spec, ' ') + 1, ' ') + 1);
	set_pages(add_vma(add_proc(&b[1], "B"), W0, 16, "rw-p"), copy);
	snprintf(copy, sizeof(copy), "a0x12345 %s", strchr(spec, ' ') + 1);
	set_pages(add_vma(add_proc(&b[1], "C"), W0, 16, "rw-p"), copy);

	want = read_shared("06-fork-chain-reuse.kernel.obs");
	got = print_blocks(b, 2);
	assert_string_equal(got, want);
	free(got);

	/* Block by block too, which is how the runner prints them. */
	got = extract_block(want, "cow_in_chain");
	assert_prints(&b[1], got);
	free(got);
	free(want);
	obs_block_release(&b[0]);
	obs_block_release(&b[1]);
}

/* 05-file-private "child_cow": file and anonymous pages share one counter. */
static void test_file_private_block(void **state)
{
	struct obs_block b;
	char *file, *want;

	(void)state;
	init_block(&b, "child_cow", 2, 3);
	set_pages(add_vma(add_proc(&b, "P0"), 0x100000100000ULL, 8, "rw-p"),
		  "f0x500 f0x501 a0x9000 f0x503 f0x504 f0x505 f0x506 f0x507");
	set_pages(add_vma(add_proc(&b, "C"), 0x100000100000ULL, 8, "rw-p"),
		  "f0x500 f0x501 a0x9000 f0x503 a0x9001 f0x505 f0x506 f0x507");
	file = read_shared("05-file-private.kernel.obs");
	want = extract_block(file, "child_cow");
	assert_prints(&b, want);
	free(want);
	free(file);
	obs_block_release(&b);
}

/* 08-errors: fail lines, a VMA with no pages, zero counts. */
static void test_errors_block(void **state)
{
	struct obs_block b;
	char *file, *want;

	(void)state;
	init_block(&b, "errors", 0, 0);
	add_fail(&b, 3, EEXIST);
	add_fail(&b, 4, ENOMEM);
	add_fail(&b, 6, EFAULT);
	set_pages(add_vma(add_proc(&b, "P0"), W0, 4, "rw-p"), "- - - -");
	file = read_shared("08-errors.kernel.obs");
	want = extract_block(file, "errors");
	assert_prints(&b, want);
	free(want);
	free(file);
	obs_block_release(&b);
}

/* 07-mremap "refused": several VMAs per process, numbering across them. */
static void test_mremap_block(void **state)
{
	struct obs_block b;
	struct obs_proc *p;
	char *file, *want;

	(void)state;
	init_block(&b, "refused", 2, 5);
	p = add_proc(&b, "P0");
	set_pages(add_vma(p, W0, 32, "rw-p"),
		  "a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 "
		  "- - - - - - - - - - - - - - - -");
	set_pages(add_vma(p, 0x100000300000ULL, 4, "rw-p"), "- - - -");
	p = add_proc(&b, "C");
	set_pages(add_vma(p, 0x100000004000ULL, 4, "rw-p"), "a1 a2 a3 a4");
	set_pages(add_vma(p, 0x100000008000ULL, 8, "rw-p"), "a9 a10 a11 a12 a13 a14 a15 a16");
	file = read_shared("07-mremap.kernel.obs");
	want = extract_block(file, "refused");
	assert_prints(&b, want);
	free(want);
	free(file);
	obs_block_release(&b);
}

static void test_numbering_rules(void **state)
{
	struct obs_block b;
	struct obs_proc *p;

	(void)state;
	init_block(&b, "numbers", 4, 5);
	p = add_proc(&b, "A");
	/* One counter for both kinds, and the same page keeps its number. */
	set_pages(add_vma(p, W0, 5, "r--p"), "f100 a200 f100 a300 f400");
	/* Zero-page and absent tokens take no number; identities are kind + id. */
	set_pages(add_vma(p, W0 + 0x10000, 6, "rw-p"), "z - a100 z a200 f300");
	p = add_proc(&b, "B");
	/* First appearance counts across processes, not within one. */
	set_pages(add_vma(p, W0, 4, "r-xp"), "a999 f400 a1 a200");
	add_proc(&b, "D");	/* alive but no VMA inside the window */
	assert_prints(&b,
		      "observe numbers\n"
		      "proc A\n"
		      "vma 100000000000-100000005000 r--p\n"
		      "pages 100000000000 f1 a2 f1 a3 f4\n"
		      "vma 100000010000-100000016000 rw-p\n"
		      "pages 100000010000 z - a5 z a2 f6\n"
		      "proc B\n"
		      "vma 100000000000-100000004000 r-xp\n"
		      "pages 100000000000 a7 f4 a8 a2\n"
		      "proc D\n"
		      "count anon_vma 4\n"
		      "count anon_vma_chain 5\n"
		      "count vmas 3\n"
		      "end\n");

	/* Numbers are per block: the same block prints the same twice. */
	{
		char *first = print_blocks(&b, 1), *second = print_blocks(&b, 1);

		assert_string_equal(first, second);
		free(first);
		free(second);
	}
	obs_block_release(&b);
	assert_null(b.procs);
	assert_int_equal(b.nr_procs, 0);
	obs_block_release(&b);
}

static void test_empty_block(void **state)
{
	struct obs_block b;

	(void)state;
	init_block(&b, "end", 0, 0);
	assert_prints(&b,
		      "observe end\n"
		      "count anon_vma 0\n"
		      "count anon_vma_chain 0\n"
		      "count vmas 0\n"
		      "end\n");
	/* The kernel runner's counts are differences and may come out negative. */
	add_fail(&b, 12, EINVAL);
	b.count_anon_vma = -1;
	b.count_anon_vma_chain = -2;
	assert_prints(&b,
		      "observe end\n"
		      "fail 12 EINVAL\n"
		      "count anon_vma -1\n"
		      "count anon_vma_chain -2\n"
		      "count vmas 0\n"
		      "end\n");
	obs_block_release(&b);
	assert_null(b.fails);
	assert_int_equal(b.nr_fails, 0);
}

/*
 * 2 x 150000 pages: P0 holds distinct pages in scattered identity order, C
 * shares them in reverse order and has new pages in every fourth slot. The
 * expected text follows from the rules without a second implementation of
 * them, and a quadratic numbering would not finish in time.
 */
static void test_large_block(void **state)
{
	enum { N = 150000 };
	struct obs_block b;
	struct obs_vma *v0, *v1;
	char *got, *want, *w;
	uint32_t next = N;
	size_t i;

	(void)state;
	init_block(&b, "large", 2, 3);
	v0 = add_vma(add_proc(&b, "P0"), W0, N, "rw-p");
	v1 = add_vma(add_proc(&b, "C"), W0, N, "rw-p");
	for (i = 0; i < N; i++) {
		v0->pages[i].kind = i % 3 ? OBS_ANON : OBS_FILE;
		/* A bijection on 64-bit values: distinct, far from sorted. */
		v0->pages[i].id = (i + 1) * 0x9e3779b97f4a7c15ULL;
	}
	for (i = 0; i < N; i++) {
		if (i % 4 == 3) {
			v1->pages[i].kind = OBS_ANON;
			v1->pages[i].id = ~(uint64_t)i;
		} else {
			v1->pages[i] = v0->pages[N - 1 - i];
		}
	}

	want = malloc((size_t)N * 2 * 10 + 1024);
	assert_non_null(want);
	w = want;
	w += sprintf(w, "observe large\nproc P0\nvma %llx-%llx rw-p\npages %llx",
		     W0, W0 + N * 4096ULL, W0);
	for (i = 0; i < N; i++)
		w += sprintf(w, " %c%zu", i % 3 ? 'a' : 'f', i + 1);
	w += sprintf(w, "\nproc C\nvma %llx-%llx rw-p\npages %llx", W0, W0 + N * 4096ULL, W0);
	for (i = 0; i < N; i++) {
		size_t j = N - 1 - i;

		if (i % 4 == 3)
			w += sprintf(w, " a%u", ++next);
		else
			w += sprintf(w, " %c%zu", j % 3 ? 'a' : 'f', j + 1);
	}
	sprintf(w, "\ncount anon_vma 2\ncount anon_vma_chain 3\ncount vmas 2\nend\n");

	got = print_blocks(&b, 1);
	assert_string_equal(got, want);
	free(got);
	free(want);
	obs_block_release(&b);
}

static void test_errno_names(void **state)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" }, { EIO, "EIO" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { EINVAL, "EINVAL" },
		{ ENOSPC, "ENOSPC" }, { EAGAIN, "EAGAIN" }, { ENODEV, "ENODEV" },
		{ EOVERFLOW, "EOVERFLOW" }, { ENOSYS, "ENOSYS" }, { EBADF, "EBADF" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(obs_errno_name(names[i].err), names[i].name);
	assert_string_equal(obs_errno_name(9999), "E9999");
	assert_string_equal(obs_errno_name(0), "E0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_chain_reuse_file),
		cmocka_unit_test(test_file_private_block),
		cmocka_unit_test(test_errors_block),
		cmocka_unit_test(test_mremap_block),
		cmocka_unit_test(test_numbering_rules),
		cmocka_unit_test(test_empty_block),
		cmocka_unit_test(test_large_block),
		cmocka_unit_test(test_errno_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
