/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Version-2 operations replayed against expect lines that state what Linux
 * does (each test says which rule): exec replaces the mm, threads and vfork
 * children share it, brk and stack growth extend VMAs in place, shared and
 * special mappings never carry anonymous pages nor merge with private ones,
 * MAP_FIXED replaces. A replay that cannot reproduce a line must say so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenario/replay.h"

struct result {
	struct recording_stats st;
	char diag[4096];
	int status;
};

static void run(const char *text, struct result *res)
{
	struct replay_opts opts = { .check_at_expect = true };
	struct scenario scn;
	char err[256] = "";
	FILE *diag, *out;

	memset(res, 0, sizeof(*res));
	if (scenario_parse_buffer("v2.scn", text, strlen(text), &scn, err, sizeof(err)))
		fail_msg("parse: %s", err);
	diag = fmemopen(res->diag, sizeof(res->diag) - 1, "w");
	out = fopen("/dev/null", "w");
	assert_non_null(diag);
	assert_non_null(out);
	opts.diag = diag;
	opts.stats = &res->st;
	res->status = scenario_replay(&scn, &opts, out);
	fclose(diag);
	fclose(out);
	scenario_free(&scn);
}

/* Every expect line matched, nothing more in the replay, checker clean. */
static void assert_reproduced(const struct result *r)
{
	if (r->st.vmas_matched != r->st.vmas || r->st.pages_matched != r->st.pages ||
	    r->st.vmas_extra || r->st.pages_extra || r->st.events_matched != r->st.events ||
	    r->status)
		fail_msg("vmas %lu/%lu +%lu, pages %lu/%lu +%lu, events %lu/%lu, status %d:\n%s",
			 r->st.vmas_matched, r->st.vmas, r->st.vmas_extra, r->st.pages_matched,
			 r->st.pages, r->st.pages_extra, r->st.events_matched, r->st.events,
			 r->status, r->diag);
}

/* exec gives the task a new mm: the old mapping and its pages are gone. */
static void test_exec_replaces_mm(void **state)
{
	struct result r;

	(void)state;
	run("version 2\n"
	    "mmap P0 0x400000 8K rw-\n"
	    "touch P0 0x400000 8K w\n"
	    "exec P0\n"
	    "mmap P0 0x7f0000000000 4K rw-\n"
	    "expect P0 0x7f0000000000 4K rw-p -\n", &r);
	assert_reproduced(&r);
	assert_int_equal(r.st.vmas, 1);
}

/* A thread runs in its creator's mm; its exit leaves the mm alone. */
static void test_thread_shares_mm(void **state)
{
	struct result r;

	(void)state;
	run("version 2\n"
	    "thread P0 T1\n"
	    "mmap T1 0x7f0000000000 8K rw-\n"
	    "touch T1 0x7f0000000000 4K w\n"
	    "exit T1\n"
	    "expect P0 0x7f0000000000 8K rw-p 0\n", &r);
	assert_reproduced(&r);
}

/* A vfork child that execs leaves its parent's mm as it was. */
static void test_vfork_exec_keeps_parent(void **state)
{
	struct result r;

	(void)state;
	run("version 2\n"
	    "mmap P0 0x7f0000000000 4K rw-\n"
	    "touch P0 0x7f0000000000 4K w\n"
	    "vfork P0 C\n"
	    "exec C\n"
	    "mmap C 0x7f0000100000 4K r--\n"
	    "expect C 0x7f0000100000 4K r--p -\n"
	    "exit C\n"
	    "expect P0 0x7f0000000000 4K rw-p 0\n", &r);
	assert_reproduced(&r);
	assert_int_equal(r.st.checkpoints, 2);
}

/* do_brk_flags() extends the heap VMA; a lower break unmaps its tail. */
static void test_brk_grows_in_place(void **state)
{
	struct result r;

	(void)state;
	run("version 2\n"
	    "brk P0 0x5000000 0x5002000\n"
	    "touch P0 0x5000000 4K w\n"
	    "brk P0 0x5002000 0x5004000\n"
	    "expect P0 0x5000000 16K rw-p 0\n"
	    "brk P0 0x5004000 0x5001000\n"
	    "expect P0 0x5000000 4K rw-p 0\n", &r);
	assert_reproduced(&r);
	assert_int_equal(r.st.checkpoints, 2);
}

/*
 * expand_downwards() moves the stack's start and keeps one VMA; an
 * anonymous mapping just below does not merge with it (VM_GROWSDOWN).
 */
static void test_stack_grows_down(void **state)
{
	struct result r;

	(void)state;
	run("version 2\n"
	    "stack P0 0x7ffff0000000 32K\n"
	    "touch P0 0x7ffff0007000 4K w\n"
	    "grow P0 0x7fffeffff000\n"
	    "touch P0 0x7fffeffff000 4K w\n"
	    "mmap P0 0x7fffefffe000 4K rw-\n"
	    "expect P0 0x7fffefffe000 4K rw-p -\n"
	    "expect P0 0x7fffeffff000 36K rw-p 0,8\n", &r);
	assert_reproduced(&r);
}

/* MAP_SHARED memory is written in place: no anonymous page, even after fork. */
static void test_shared_mapping_has_no_anon(void **state)
{
	struct result r;

	(void)state;
	run("version 2\n"
	    "mmap P0 0x7f0000000000 8K rw- shared\n"
	    "touch P0 0x7f0000000000 8K w\n"
	    "fork P0 C\n"
	    "touch C 0x7f0000000000 8K w\n"
	    "expect C 0x7f0000000000 8K rw-s -\n"
	    "expect P0 0x7f0000000000 8K rw-s -\n", &r);
	assert_reproduced(&r);
}

/* vdso is never merged with a neighbour of the same protection. */
static void test_special_mapping_stays_apart(void **state)
{
	struct result r;

	(void)state;
	run("version 2\n"
	    "special P0 0x7fff00000000 8K r-x vdso\n"
	    "mmap P0 0x7fff00002000 4K r-x\n"
	    "expect P0 0x7fff00000000 8K r-xp -\n"
	    "expect P0 0x7fff00002000 4K r-xp -\n", &r);
	assert_reproduced(&r);
}

/* MAP_FIXED over a faulted range: the middle is replaced, its page gone. */
static void test_map_fixed_replaces(void **state)
{
	struct result r;

	(void)state;
	run("version 2\n"
	    "mmap P0 0x7f0000000000 16K rw-\n"
	    "touch P0 0x7f0000000000 16K w\n"
	    "mmap P0 0x7f0000001000 4K r-- fixed\n"
	    "expect P0 0x7f0000000000 4K rw-p 0\n"
	    "expect P0 0x7f0000001000 4K r--p -\n"
	    "expect P0 0x7f0000002000 8K rw-p 0-1\n", &r);
	assert_reproduced(&r);
}

/*
 * MAP_STACK is VM_NOHUGEPAGE (calc_vm_flag_bits()): a thread stack mapped
 * below a faulted anonymous VMA stays apart, where a plain mapping merges.
 */
static void test_map_stack_stays_apart(void **state)
{
	struct result r;

	(void)state;
	run("version 2\n"
	    "mmap P0 0x7f0000100000 1M rw-\n"
	    "touch P0 0x7f0000100000 4K w\n"
	    "mmap P0 0x7f0000000000 1M rw- stack\n"
	    "mmap P0 0x7f0000200000 1M rw-\n"
	    "expect P0 0x7f0000000000 1M rw-p -\n"
	    "expect P0 0x7f0000100000 2M rw-p 0\n", &r);
	assert_reproduced(&r);
}

/* What the replay cannot reproduce is counted and named by line. */
static void test_mismatch_is_named(void **state)
{
	struct result r;

	(void)state;
	run("version 2\n"
	    "mmap P0 0x7f0000000000 8K rw-\n"
	    "touch P0 0x7f0000000000 4K w\n"
	    "grow P0 0x7effffff0000\n"
	    "expect P0 0x7f0000000000 8K rw-p 0-1\n", &r);
	assert_int_equal(r.st.vmas_matched, 1);
	assert_int_equal(r.st.pages, 2);
	assert_int_equal(r.st.pages_matched, 1);
	assert_int_equal(r.st.events, 3);
	assert_int_equal(r.st.events_matched, 2);
	assert_non_null(strstr(r.diag, "v2.scn:4: grow not reproduced"));
	assert_non_null(strstr(r.diag, "v2.scn:5: 1 anonymous pages"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_replaces_mm),
		cmocka_unit_test(test_thread_shares_mm),
		cmocka_unit_test(test_vfork_exec_keeps_parent),
		cmocka_unit_test(test_brk_grows_in_place),
		cmocka_unit_test(test_stack_grows_down),
		cmocka_unit_test(test_shared_mapping_has_no_anon),
		cmocka_unit_test(test_special_mapping_stays_apart),
		cmocka_unit_test(test_map_fixed_replaces),
		cmocka_unit_test(test_map_stack_stays_apart),
		cmocka_unit_test(test_mismatch_is_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
