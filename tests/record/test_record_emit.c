/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How the recorder turns two pagemap snapshots of one mm into scenario
 * lines (emit.c): a page that became anonymous or changed frame is a
 * write, a new page-cache or zero page a read, an anonymous page gone
 * without a call a dontneed, a lower [stack] start a grow; ranges the
 * recorded call changed itself are left alone. Snapshots are built by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "record/emit.h"

#define A(pfn) ((uint64_t)(pfn) << 2 | PG_ANON)
#define F(pfn) ((uint64_t)(pfn) << 2 | PG_FILE)
#define Z ((uint64_t)1 << 2 | PG_ZERO)

static struct snap_vma vma(uint64_t start, int npages, enum snap_kind kind, const char *perm,
			   const uint64_t *pages)
{
	struct snap_vma v = { .start = start, .end = start + 4096ULL * npages, .kind = kind };

	snprintf(v.perm, sizeof(v.perm), "%s", perm);
	v.pages = calloc((size_t)npages, sizeof(*v.pages));
	memcpy(v.pages, pages, (size_t)npages * sizeof(*v.pages));
	return v;
}

/* The snapshots here live on the stack; only their page arrays are allocated. */
static void release(struct snapshot *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].pages);
}

static char *body(struct emit *e)
{
	static char buf[4096];
	size_t n;

	fflush(e->body);
	rewind(e->body);
	n = fread(buf, 1, sizeof(buf) - 1, e->body);
	buf[n] = '\0';
	return buf;
}

static void test_faults_from_differences(void **state)
{
	uint64_t was[6] = { 0, A(10), A(11), F(20), A(12), 0 };
	uint64_t now[6] = { A(13), A(10), A(14), F(20), 0, F(21) };
	uint64_t zero_was[2] = { 0, 0 }, zero_now[2] = { Z, Z };
	struct snap_vma ov[2] = { vma(0x10000, 6, SNAP_ANON, "rw-p", was),
				  vma(0x20000, 2, SNAP_ANON, "r--p", zero_was) };
	struct snap_vma nv[2] = { vma(0x10000, 6, SNAP_ANON, "rw-p", now),
				  vma(0x20000, 2, SNAP_ANON, "r--p", zero_now) };
	struct snapshot old = { ov, 2 }, cur = { nv, 2 };
	struct emit e;

	(void)state;
	assert_int_equal(emit_init(&e), 0);
	emit_diff(&e, "P0", &old, &cur, NULL, 0);
	/* page 0 new and page 2 copied on write are writes; 4 went; 5 was read */
	assert_string_equal(body(&e),
			    "touch P0 0x10000 0x1000 w\n"
			    "touch P0 0x12000 0x1000 w\n"
			    "madvise P0 0x14000 0x1000 dontneed\n"
			    "touch P0 0x15000 0x1000 r\n"
			    "touch P0 0x20000 0x2000 r\n");
	emit_release(&e);
	release(&old);
	release(&cur);
}

static void test_skip_and_shared(void **state)
{
	uint64_t none[4] = { 0 }, all[4] = { A(1), A(2), A(3), A(4) };
	struct snap_vma ov[2] = { vma(0x10000, 4, SNAP_ANON, "rw-p", none),
				  vma(0x20000, 4, SNAP_FILE, "rw-s", none) };
	struct snap_vma nv[2] = { vma(0x10000, 4, SNAP_ANON, "rw-p", all),
				  vma(0x20000, 4, SNAP_FILE, "rw-s", all) };
	struct snapshot old = { ov, 2 }, cur = { nv, 2 };
	struct range skip = { 0x11000, 0x13000 };
	struct emit e;

	(void)state;
	assert_int_equal(emit_init(&e), 0);
	emit_diff(&e, "P0", &old, &cur, &skip, 1);
	/* the call's own range is not repeated; a shared mapping has no anon pages */
	assert_string_equal(body(&e), "touch P0 0x10000 0x1000 w\ntouch P0 0x13000 0x1000 w\n");
	emit_release(&e);
	release(&old);
	release(&cur);
}

static void test_stack_growth(void **state)
{
	uint64_t was[2] = { 0, A(1) }, now[4] = { A(2), 0, 0, A(1) };
	struct snap_vma ov[1] = { vma(0x7ff000002000, 2, SNAP_STACK, "rw-p", was) };
	struct snap_vma nv[1] = { vma(0x7ff000000000, 4, SNAP_STACK, "rw-p", now) };
	struct snapshot old = { ov, 1 }, cur = { nv, 1 };
	struct emit e;

	(void)state;
	assert_int_equal(emit_init(&e), 0);
	emit_diff(&e, "T1", &old, &cur, NULL, 0);
	assert_string_equal(body(&e), "grow T1 0x7ff000000000\ntouch T1 0x7ff000000000 0x1000 w\n");
	emit_release(&e);
	release(&old);
	release(&cur);
}

static void test_expect_lines(void **state)
{
	uint64_t pages[5] = { A(1), A(2), 0, F(3), A(4) };
	struct snap_vma v[2] = { vma(0x10000, 5, SNAP_FILE, "rw-p", pages),
				 vma(0x20000, 1, SNAP_SPECIAL, "r-xp", pages + 2) };
	struct snapshot s = { v, 2 };
	struct emit e;

	(void)state;
	assert_int_equal(emit_init(&e), 0);
	emit_expect(&e, "P0", &s);
	/* only anonymous pages are expected: page 3 is the page cache's */
	assert_string_equal(body(&e), "expect P0 0x10000 0x5000 rw-p 0-1,4\n"
				      "expect P0 0x20000 0x1000 r-xp -\n");
	emit_release(&e);
	release(&s);
}

static void test_file_table(void **state)
{
	struct emit e;

	(void)state;
	assert_int_equal(emit_init(&e), 0);
	assert_int_equal(emit_file(&e, 0xfd00001, 42, 100), 0);
	assert_int_equal(emit_file(&e, 0xfd00001, 43, 8192), 1);
	/* the same device and inode is the same file; its length only grows */
	assert_int_equal(emit_file(&e, 0xfd00001, 42, 3 * 4096 + 1), 0);
	assert_int_equal(emit_file(&e, 0xfd00001, 42, 4096), 0);
	assert_int_equal(e.files[0].len, 4 * 4096);
	assert_int_equal(e.files[1].len, 8192);
	emit_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_faults_from_differences),
		cmocka_unit_test(test_skip_and_shared),
		cmocka_unit_test(test_stack_growth),
		cmocka_unit_test(test_expect_lines),
		cmocka_unit_test(test_file_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
