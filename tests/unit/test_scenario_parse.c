/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scenario parser: every shared example parses, every rule of the format
 * rejects with the right line, and the skeleton is what the kernel runner
 * subtracts.
 */
#include <glob.h>
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

#define W0 "0x100000000000"

static int parse_text(const char *text, size_t len, struct scenario *scn, char *err, size_t errlen)
{
	return scenario_parse_buffer("t.scn", text, len ? len : strlen(text), scn, err, errlen);
}

static void parse_ok(const char *text, struct scenario *scn)
{
	char err[256] = "";

	if (parse_text(text, 0, scn, err, sizeof(err)))
		fail_msg("unexpected parse error: %s", err);
}

static bool scenario_is_zero(const struct scenario *scn)
{
	static const struct scenario zero;

	return !memcmp(scn, &zero, sizeof(zero));
}

static void test_shared_scenarios_parse(void **state)
{
	need_shared();
	glob_t g;
	size_t i;

	(void)state;
	assert_int_equal(glob(ANONRMAP_SHARED_DIR "/scenarios/*.scn", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 10);
	for (i = 0; i < g.gl_pathc; i++) {
		struct scenario scn;
		char err[512] = "";

		if (scenario_parse_file(g.gl_pathv[i], &scn, err, sizeof(err)))
			fail_msg("%s does not parse: %s", g.gl_pathv[i], err);
		assert_string_equal(scn.path, g.gl_pathv[i]);
		assert_true(scn.nr_ops > 0);
		assert_true(scn.has_observe);
		assert_false(scn.uses_migrate);
		assert_string_equal(scn.procs[0], "P0");
		scenario_free(&scn);
		assert_true(scenario_is_zero(&scn));
	}
	globfree(&g);
}

/* What the file means, field by field, for two of the shared examples. */
static void test_shared_scenario_contents(void **state)
{
	need_shared();
	struct scenario scn;
	char err[512] = "";
	const struct scn_op *op;

	(void)state;
	if (scenario_parse_file(ANONRMAP_SHARED_DIR "/scenarios/05-file-private.scn",
				&scn, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(scn.nr_ops, 8);
	assert_int_equal(scn.nr_files, 1);
	assert_string_equal(scn.files[0], "lib");
	op = &scn.ops[0];
	assert_int_equal(op->op, SCN_FILE);
	assert_int_equal(op->line, 3);
	assert_int_equal(op->file, 0);
	assert_int_equal(op->len, 64 * 1024);
	op = &scn.ops[1];
	assert_int_equal(op->op, SCN_MMAP);
	assert_int_equal(op->line, 4);
	assert_int_equal(op->proc, 0);
	assert_int_equal(op->file, 0);
	assert_int_equal(op->addr, 0x100000100000ULL);
	assert_int_equal(op->len, 32 * 1024);
	assert_int_equal(op->prot, SCN_PROT_R | SCN_PROT_W);
	assert_int_equal(op->off, 0);
	assert_false(scn.ops[2].write);
	assert_true(scn.ops[3].write);
	assert_int_equal(scn.ops[4].op, SCN_OBSERVE);
	assert_string_equal(scn.ops[4].label, "file");
	assert_int_equal(scn.ops[5].op, SCN_FORK);
	assert_int_equal(scn.ops[5].proc, 0);
	assert_int_equal(scn.ops[5].child, 1);
	assert_int_equal(scn.ops[6].proc, 1);
	assert_int_equal(scn.ops[7].op, SCN_OBSERVE);
	scenario_free(&scn);

	if (scenario_parse_file(ANONRMAP_SHARED_DIR "/scenarios/07-mremap.scn",
				&scn, err, sizeof(err)))
		fail_msg("%s", err);
	op = &scn.ops[3];
	assert_int_equal(op->op, SCN_MREMAP);
	assert_int_equal(op->proc, 1);
	assert_int_equal(op->addr, 0x100000000000ULL);
	assert_int_equal(op->len, 16384);
	assert_int_equal(op->new_len, 16384);
	assert_true(op->fixed);
	assert_int_equal(op->new_addr, 0x100000200000ULL);
	op = &scn.ops[5];
	assert_int_equal(op->op, SCN_MREMAP);
	assert_false(op->fixed);
	assert_int_equal(op->new_len, 128 * 1024);
	scenario_free(&scn);
}

struct bad_case {
	const char *text;
	size_t len;		/* 0: strlen(text); set for text with a NUL byte */
	unsigned int line;
	const char *reason;	/* must appear in the message */
};

static const struct bad_case bad_cases[] = {
	{ "mmapp P0 " W0 " 4K rw-\n", 0, 1, "unknown operation 'mmapp'" },
	{ "MMAP P0 " W0 " 4K rw-\n", 0, 1, "unknown operation 'MMAP'" },
	{ "# comment\n\n   \t\nmmapp P0\n", 0, 4, "unknown operation 'mmapp'" },
	{ "mmap P0 0x100000001001 4K rw-\n", 0, 1, "address 0x100000001001 is not a multiple of 4096" },
	{ "mmap P0 " W0 " 4097 rw-\n", 0, 1, "length 4097 is not a multiple of 4096" },
	{ "mmap P0 0x1fffffffe000 16K rw-\n", 0, 1,
	  "range [0x1fffffffe000, 0x200000002000) leaves the scenario window" },
	{ "mmap P0 0xff000 4K rw-\n", 0, 1, "range [0xff000, 0x100000) leaves the scenario window" },
	{ "mmap P0 0x200000000000 4K rw-\n", 0, 1, "leaves the scenario window" },
	{ "munmap P0 0x1ffffffff000 0xfffffffffffff000\n", 0, 1,
	  "range [0x1ffffffff000, 0x100001fffffffe000) leaves the scenario window" },
	{ "touch C " W0 " 4K w\n", 0, 1, "process 'C' does not exist (never forked)" },
	{ "fork P0 C\nexit C\ntouch C " W0 " 4K w\n", 0, 3,
	  "process 'C' does not exist (already exited)" },
	{ "exit P0\nobserve x\nfork P0 C\n", 0, 3, "process 'P0' does not exist" },
	{ "exit Q\n", 0, 1, "process 'Q' does not exist" },
	{ "fork P0 C1\nfork P0 C1\n", 0, 2, "process name 'C1' already used" },
	{ "fork P0 A\nexit A\nfork P0 A\n", 0, 3, "process name 'A' already used" },
	{ "fork P0 P0\n", 0, 1, "process name 'P0' already used" },
	{ "fork P0 1C\n", 0, 1, "bad process name '1C'" },
	{ "fork P0 C-1\n", 0, 1, "bad process name 'C-1'" },
	{ "fork P0 a234567890123456789012345678901234567890123456789012345678901234\n", 0, 1,
	  "longer than 63 characters" },
	{ "mmap P0 " W0 " 4K rw- lib 0\n", 0, 1, "file 'lib' not declared" },
	{ "mmap P0 " W0 " 4K rw- lib 0\nfile lib 4K\n", 0, 1, "file 'lib' not declared" },
	{ "file lib 64K\nfile lib 4K\n", 0, 2, "file 'lib' already declared" },
	{ "file lib 0\n", 0, 1, "length must be non-zero" },
	{ "file lib.so 4K\n", 0, 1, "bad file name 'lib.so'" },
	{ "file lib\n", 0, 1, "file needs 2 arguments, got 1" },
	{ "mmap P0 " W0 " 4K\n", 0, 1, "mmap needs 4 or 6 arguments, got 3" },
	{ "file lib 4K\nmmap P0 " W0 " 4K rw- lib\n", 0, 2, "mmap needs 4 or 6 arguments, got 5" },
	{ "munmap P0 " W0 "\n", 0, 1, "munmap needs 3 arguments, got 2" },
	{ "mremap P0 " W0 " 4K\n", 0, 1, "mremap needs 4 or 5 arguments, got 3" },
	{ "migrate P0 " W0 " 4K 4K\n", 0, 1, "migrate needs 3 arguments, got 4" },
	{ "observe a b\n", 0, 1, "observe needs 1 argument, got 2" },
	{ "exit\n", 0, 1, "exit needs 1 argument, got 0" },
	{ "mprotect P0 " W0 " 4K rwz\n", 0, 1, "bad PROT 'rwz'" },
	{ "mprotect P0 " W0 " 4K rw\n", 0, 1, "bad PROT 'rw'" },
	{ "mprotect P0 " W0 " 4K wr-\n", 0, 1, "bad PROT 'wr-'" },
	{ "munmap P0 " W0 " 0\n", 0, 1, "length must be non-zero" },
	{ "munmap P0 " W0 " 0K\n", 0, 1, "length must be non-zero" },
	{ "munmap P0 0x 4K\n", 0, 1, "number '0x' is malformed" },
	{ "munmap P0 " W0 " K\n", 0, 1, "number 'K' is malformed" },
	{ "munmap P0 " W0 " 4k\n", 0, 1, "number '4k' is malformed" },
	{ "munmap P0 " W0 " -4K\n", 0, 1, "number '-4K' is malformed" },
	{ "munmap P0 0X100000000000 4K\n", 0, 1, "number '0X100000000000' is malformed" },
	{ "munmap P0 " W0 " 04096\n", 0, 1, "number '04096' is malformed" },
	{ "munmap P0 0x10000000000g 4K\n", 0, 1, "number '0x10000000000g' is malformed" },
	{ "munmap P0 " W0 " 99999999999999999999\n", 0, 1, "number out of range" },
	{ "munmap P0 0x10000000000000000 4K\n", 0, 1, "number out of range" },
	{ "munmap P0 " W0 " 0x4000000000000000K\n", 0, 1, "number out of range" },
	{ "munmap P0 " W0 " 17179869184G\n", 0, 1, "number out of range" },
	{ "munmap P0 0x100000000000K 4K\n", 0, 1, "suffix is allowed only on lengths" },
	{ "file lib 8K\nmmap P0 " W0 " 4K rw- lib 4K\n", 0, 2, "suffix is allowed only on lengths" },
	{ "file lib 8K\nmmap P0 " W0 " 4K rw- lib 100\n", 0, 2, "offset 100 is not a multiple of 4096" },
	{ "mremap P0 " W0 " 4K 0\n", 0, 1, "new length must be non-zero" },
	{ "mremap P0 " W0 " 4K 8K 0x1ffffffff000\n", 0, 1,
	  "range [0x1ffffffff000, 0x200000001000) leaves the scenario window" },
	{ "mremap P0 0x1ffffffff000 4K 8K\n", 0, 1,
	  "range [0x1ffffffff000, 0x200000001000) leaves the scenario window" },
	{ "mremap P0 " W0 " 4K 8K 0x100000000800\n", 0, 1,
	  "new address 0x100000000800 is not a multiple of 4096" },
	{ "madvise P0 " W0 " 4K nofork\n", 0, 1, "unknown advice 'nofork'" },
	{ "madvise P0 " W0 " 4K DONTNEED\n", 0, 1, "unknown advice 'DONTNEED'" },
	{ "touch P0 " W0 " 4K x\n", 0, 1, "touch mode must be r or w" },
	{ "touch P0 " W0 " 4K rw\n", 0, 1, "touch mode must be r or w" },
	{ "observe a\nobserve b\nobserve a\n", 0, 3, "label 'a' already used on line 1" },
	{ "observe a234567890123456789012345678901234567890123456789012345678901234\n", 0, 1,
	  "label 'a234567890123456789012345678901234567890123456789012345678901234' "
	  "is longer than 63 characters" },
	{ "observe a\nobs\0erve b\n", 21, 2, "NUL byte" },
	{ "observe a\n# caf\xc3\xa9\n", 0, 2, "byte 0xc3 outside printable ASCII" },
	{ "observe \x80x\n", 0, 1, "byte 0x80 outside printable ASCII" },
	{ "observe a\x01\n", 0, 1, "byte 0x01 outside printable ASCII" },
	{ "observe a\x7f\n", 0, 1, "byte 0x7f outside printable ASCII" },
	{ "observe a\fb\n", 0, 1, "byte 0x0c outside printable ASCII" },
	{ "observe a\rb\n", 0, 1, "carriage return inside a line" },
	{ "observe a\r\r\n", 0, 1, "carriage return inside a line" },
	{ "observe a\r\nobserve b\r\nbogus x\r\n", 0, 3, "unknown operation 'bogus'" },
};

static void test_malformed_rejected(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct scenario scn;
		char err[512] = "";
		char prefix[32];

		memset(&scn, 0xa5, sizeof(scn));
		if (!parse_text(c->text, c->len, &scn, err, sizeof(err)))
			fail_msg("case %zu accepted: %s", i, c->text);
		snprintf(prefix, sizeof(prefix), "t.scn:%u: ", c->line);
		if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, c->reason))
			fail_msg("case %zu: got \"%s\", want \"%s%s\"", i, err, prefix, c->reason);
		/* One message, no line end: callers print it as they like. */
		assert_null(strchr(err, '\n'));
		assert_true(scenario_is_zero(&scn));
	}
	assert_true(i >= 30);
}

/* A buffer of @n copies of @c after @head, as the lexer sees long lines. */
static char *repeat(const char *head, char c, size_t n, const char *tail)
{
	size_t hl = strlen(head), tl = strlen(tail);
	char *s = malloc(hl + n + tl + 1);

	assert_non_null(s);
	memcpy(s, head, hl);
	memset(s + hl, c, n);
	memcpy(s + hl + n, tail, tl + 1);
	return s;
}

static void test_line_length(void **state)
{
	struct scenario scn;
	char err[256];
	char *s;

	(void)state;
	/* Exactly SCN_LINE_MAX bytes: accepted, with LF, CRLF or no line end. */
	s = repeat("observe a\n#", 'x', SCN_LINE_MAX - 1, "\nobserve b\n");
	assert_int_equal(parse_text(s, 0, &scn, err, sizeof(err)), 0);
	assert_int_equal(scn.nr_ops, 2);
	assert_int_equal(scn.ops[1].line, 3);
	scenario_free(&scn);
	free(s);
	s = repeat("observe a\n#", 'x', SCN_LINE_MAX - 1, "\r\n");
	assert_int_equal(parse_text(s, 0, &scn, err, sizeof(err)), 0);
	scenario_free(&scn);
	free(s);
	s = repeat("observe a\n#", 'x', SCN_LINE_MAX - 1, "");
	assert_int_equal(parse_text(s, 0, &scn, err, sizeof(err)), 0);
	scenario_free(&scn);
	free(s);

	/* One more: rejected, however the line ends. */
	s = repeat("observe a\n#", 'x', SCN_LINE_MAX, "\n");
	assert_int_equal(parse_text(s, 0, &scn, err, sizeof(err)), -1);
	assert_string_equal(err, "t.scn:2: line longer than 4096 bytes");
	free(s);
	s = repeat("observe a\n#", 'x', SCN_LINE_MAX, "\r\n");
	assert_int_equal(parse_text(s, 0, &scn, err, sizeof(err)), -1);
	assert_string_equal(err, "t.scn:2: line longer than 4096 bytes");
	free(s);
	s = repeat("observe a\n#", 'x', SCN_LINE_MAX, "");
	assert_int_equal(parse_text(s, 0, &scn, err, sizeof(err)), -1);
	assert_string_equal(err, "t.scn:2: line longer than 4096 bytes");
	free(s);

	/* A token that fills a line is clipped in the message, not echoed whole. */
	s = repeat("observe a\nmmap", 'p', 4000, " P0\n");
	assert_int_equal(parse_text(s, 0, &scn, err, sizeof(err)), -1);
	assert_true(strstr(err, "t.scn:2: unknown operation 'mmapppp") == err);
	assert_true(strlen(err) < 120);
	free(s);

	/* Megabytes without a line end stop at the limit. */
	s = repeat("", 'x', 8 << 20, "");
	assert_int_equal(parse_text(s, 0, &scn, err, sizeof(err)), -1);
	assert_string_equal(err, "t.scn:1: line longer than 4096 bytes");
	free(s);
}

static void test_empty_and_comment_only(void **state)
{
	static const char *const texts[] = {
		"", "\n", "# only a comment", "# one\n\n   \n\t# two\r\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct scenario scn;

		parse_ok(texts[i], &scn);
		assert_int_equal(scn.nr_ops, 0);
		assert_non_null(scn.ops);
		assert_int_equal(scn.nr_procs, 1);
		assert_string_equal(scn.procs[0], "P0");
		assert_int_equal(scn.nr_files, 0);
		assert_false(scn.has_observe);
		assert_false(scn.uses_migrate);
		assert_string_equal(scn.path, "t.scn");
		scenario_free(&scn);
	}
}

static void test_comments_and_whitespace(void **state)
{
	struct scenario scn;

	(void)state;
	parse_ok("  mmap\tP0   " W0 "\t16K rw- # trailing comment\n"
		 "touch P0 " W0 " 4K w#no space before it\n"
		 "observe x#y\n"
		 "observe a.b-c:1\n"
		 "\tfork P0 C # fork\r\n"
		 "exit C", &scn);
	assert_int_equal(scn.nr_ops, 6);
	assert_int_equal(scn.ops[0].op, SCN_MMAP);
	assert_int_equal(scn.ops[0].len, 16384);
	assert_int_equal(scn.ops[0].file, -1);
	assert_true(scn.ops[1].write);
	assert_string_equal(scn.ops[2].label, "x");
	assert_int_equal(scn.ops[2].proc, -1);
	assert_string_equal(scn.ops[3].label, "a.b-c:1");
	assert_int_equal(scn.ops[4].line, 5);
	assert_int_equal(scn.ops[5].op, SCN_EXIT);
	assert_int_equal(scn.ops[5].line, 6);
	assert_int_equal(scn.ops[5].proc, 1);
	scenario_free(&scn);
}

static void test_numbers(void **state)
{
	struct scenario scn;

	(void)state;
	parse_ok("munmap P0 17592186044416 4096\n"		/* decimal address */
		 "munmap P0 0x10000000F000 0x1000\n"	/* upper-case hex digits */
		 "munmap P0 0x10000000f000 0x4K\n"		/* hex with a suffix */
		 "munmap P0 " W0 " 1M\n"
		 "munmap P0 " W0 " 1G\n"
		 "munmap P0 " W0 " 4096K\n"
		 "munmap P0 0x0000100000000000 8K\n"
		 "file f 0x1000M\n"
		 "mmap P0 " W0 " 4K r-x f 0x1000\n"
		 "mmap P0 " W0 " 4K --- f 8192\n", &scn);
	assert_int_equal(scn.ops[0].addr, 0x100000000000ULL);
	assert_int_equal(scn.ops[0].len, 4096);
	assert_int_equal(scn.ops[1].addr, 0x10000000f000ULL);
	assert_int_equal(scn.ops[2].len, 4096);
	assert_int_equal(scn.ops[3].len, 1ULL << 20);
	assert_int_equal(scn.ops[4].len, 1ULL << 30);
	assert_int_equal(scn.ops[5].len, 4ULL << 20);
	assert_int_equal(scn.ops[6].addr, 0x100000000000ULL);
	assert_int_equal(scn.ops[7].len, 1ULL << 32);
	assert_int_equal(scn.ops[8].off, 4096);
	assert_int_equal(scn.ops[8].prot, SCN_PROT_R | SCN_PROT_X);
	assert_int_equal(scn.ops[9].off, 8192);
	assert_int_equal(scn.ops[9].prot, 0);
	scenario_free(&scn);
}

static void test_window_bounds(void **state)
{
	struct scenario scn;
	char err[256];

	(void)state;
	/* Ranges ending exactly at the window end, or filling it. */
	parse_ok("mmap P0 0x1ffffffff000 4K rw-\n"
		 "munmap P0 " W0 " 0x100000000000\n"
		 "munmap P0 " W0 " 16384G\n"
		 "mremap P0 0x1ffffffff000 4K 4K\n"
		 "mremap P0 " W0 " 4K 8K 0x1fffffffe000\n"
		 "mremap P0 0x1fffffffe000 8K 4K\n", &scn);
	assert_int_equal(scn.ops[1].len, 0x100000000000ULL);
	assert_int_equal(scn.ops[2].len, 0x100000000000ULL);
	assert_true(scn.ops[4].fixed);
	assert_int_equal(scn.ops[4].new_addr, 0x1fffffffe000ULL);
	assert_int_equal(scn.ops[4].new_len, 8192);
	scenario_free(&scn);

	/* And one page past it. */
	assert_int_equal(parse_text("mmap P0 0x1ffffffff000 8K rw-\n", 0, &scn, err, sizeof(err)), -1);
	assert_string_equal(err, "t.scn:1: range [0x1ffffffff000, 0x200000001000) leaves the "
			    "scenario window [0x100000000000, 0x200000000000)");
	assert_int_equal(parse_text("munmap P0 " W0 " 0x100000001000\n", 0, &scn, err,
				    sizeof(err)), -1);
	assert_int_equal(parse_text("munmap P0 0xfffffffff000 4K\n", 0, &scn, err, sizeof(err)), -1);
	assert_true(strstr(err, "leaves the scenario window") != NULL);
}

static void test_process_table(void **state)
{
	struct scenario scn;

	(void)state;
	parse_ok("fork P0 A\nfork A B\nexit A\nfork B _c9\nexit P0\ntouch _c9 " W0 " 4K r\n",
		 &scn);
	assert_int_equal(scn.nr_procs, 4);
	assert_string_equal(scn.procs[0], "P0");
	assert_string_equal(scn.procs[1], "A");
	assert_string_equal(scn.procs[2], "B");
	assert_string_equal(scn.procs[3], "_c9");
	assert_int_equal(scn.ops[1].proc, 1);
	assert_int_equal(scn.ops[1].child, 2);
	assert_int_equal(scn.ops[3].proc, 2);
	assert_int_equal(scn.ops[3].child, 3);
	assert_int_equal(scn.ops[4].proc, 0);
	assert_int_equal(scn.ops[5].proc, 3);
	assert_int_equal(scn.ops[5].child, -1);
	scenario_free(&scn);
}

static void test_advice_and_prot(void **state)
{
	static const char *const names[] = {
		"dontneed", "dontfork", "dofork", "wipeonfork", "keeponfork", "hugepage",
		"nohugepage",
	};
	char text[256], prot[4];
	struct scenario scn;
	size_t i;
	int p;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(text, sizeof(text), "madvise P0 " W0 " 4K %s\n", names[i]);
		parse_ok(text, &scn);
		assert_string_equal(scn_advice_name(scn.ops[0].advice), names[i]);
		scenario_free(&scn);
	}
	for (p = 0; p < 8; p++) {
		scn_prot_string(p, prot);
		snprintf(text, sizeof(text), "mprotect P0 " W0 " 4K %s\n", prot);
		parse_ok(text, &scn);
		assert_int_equal(scn.ops[0].prot, p);
		scenario_free(&scn);
	}
	scn_prot_string(SCN_PROT_R | SCN_PROT_W, prot);
	assert_string_equal(prot, "rw-");
	scn_prot_string(0, prot);
	assert_string_equal(prot, "---");
}

static void test_migrate_flag(void **state)
{
	struct scenario scn;

	(void)state;
	parse_ok("mmap P0 " W0 " 4K rw-\nmigrate P0 " W0 " 4K\n", &scn);
	assert_true(scn.uses_migrate);
	assert_int_equal(scn.ops[1].op, SCN_MIGRATE);
	scenario_free(&scn);
}

static void test_skeleton(void **state)
{
	need_shared();
	struct scenario scn, skel;
	char err[512] = "";
	size_t i;

	(void)state;
	if (scenario_parse_file(ANONRMAP_SHARED_DIR "/scenarios/05-file-private.scn",
				&scn, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(scenario_skeleton(&scn, &skel), 0);
	assert_string_equal(skel.path, scn.path);
	assert_int_equal(skel.nr_ops, 3);
	assert_int_equal(skel.ops[0].op, SCN_OBSERVE);
	assert_int_equal(skel.ops[0].line, 7);
	assert_string_equal(skel.ops[0].label, "file");
	assert_int_equal(skel.ops[1].op, SCN_FORK);
	assert_int_equal(skel.ops[1].line, 8);
	assert_int_equal(skel.ops[1].child, 1);
	assert_int_equal(skel.ops[2].op, SCN_OBSERVE);
	assert_int_equal(skel.ops[2].line, 10);
	assert_int_equal(skel.nr_procs, scn.nr_procs);
	for (i = 0; i < (size_t)scn.nr_procs; i++)
		assert_string_equal(skel.procs[i], scn.procs[i]);
	assert_int_equal(skel.nr_files, 1);
	assert_string_equal(skel.files[0], "lib");
	assert_true(skel.has_observe);
	scenario_free(&skel);
	scenario_free(&scn);

	/* Without observe lines the skeleton must still print the `end` block. */
	parse_ok("mmap P0 " W0 " 8K rw-\ntouch P0 " W0 " 8K w\nfork P0 C\n"
		 "migrate C " W0 " 4K\nexit C\nmunmap P0 " W0 " 4K\n", &scn);
	assert_false(scn.has_observe);
	assert_true(scn.uses_migrate);
	assert_int_equal(scenario_skeleton(&scn, &skel), 0);
	assert_int_equal(skel.nr_ops, 2);
	assert_int_equal(skel.ops[0].op, SCN_FORK);
	assert_int_equal(skel.ops[0].line, 3);
	assert_int_equal(skel.ops[1].op, SCN_EXIT);
	assert_int_equal(skel.ops[1].line, 5);
	assert_false(skel.has_observe);
	assert_false(skel.uses_migrate);
	assert_int_equal(skel.nr_procs, 2);
	scenario_free(&skel);
	scenario_free(&scn);

	/* Nothing to keep: an empty op list, still indexable tables. */
	parse_ok("file f 4K\nmmap P0 " W0 " 4K rw- f 0\n", &scn);
	assert_int_equal(scenario_skeleton(&scn, &skel), 0);
	assert_int_equal(skel.nr_ops, 0);
	assert_non_null(skel.ops);
	assert_int_equal(skel.nr_files, 1);
	assert_string_equal(skel.files[0], "f");
	scenario_free(&skel);
	scenario_free(&scn);
}

static void test_file_and_buffer_agree(void **state)
{
	need_shared();
	const char *path = ANONRMAP_SHARED_DIR "/scenarios/09-dontfork-wipeonfork.scn";
	struct scenario a, b;
	char err[512] = "";
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;

	(void)state;
	f = fopen(path, "rb");
	assert_non_null(f);
	text = malloc(1 << 16);
	assert_non_null(text);
	len = fread(text, 1, 1 << 16, f);
	fclose(f);
	assert_int_equal(scenario_parse_file(path, &a, err, sizeof(err)), 0);
	assert_int_equal(scenario_parse_buffer(path, text, len, &b, err, sizeof(err)), 0);
	assert_int_equal(a.nr_ops, b.nr_ops);
	for (i = 0; i < a.nr_ops; i++) {
		assert_int_equal(a.ops[i].op, b.ops[i].op);
		assert_int_equal(a.ops[i].line, b.ops[i].line);
		assert_int_equal(a.ops[i].proc, b.ops[i].proc);
		assert_int_equal(a.ops[i].addr, b.ops[i].addr);
		assert_int_equal(a.ops[i].len, b.ops[i].len);
		assert_string_equal(a.ops[i].label, b.ops[i].label);
	}
	/* The touch with a comment after it (line 6). */
	assert_int_equal(a.ops[3].line, 6);
	assert_int_equal(a.ops[3].len, 48 * 1024);
	assert_int_equal(a.ops[6].advice, SCN_MADV_DONTFORK);
	assert_int_equal(a.ops[7].advice, SCN_MADV_WIPEONFORK);
	scenario_free(&a);
	scenario_free(&b);
	free(text);
}

static void test_missing_file(void **state)
{
	struct scenario scn;
	char err[512] = "";

	(void)state;
	assert_int_equal(scenario_parse_file("/nonexistent/x.scn", &scn, err, sizeof(err)), -1);
	assert_true(strstr(err, "/nonexistent/x.scn: ") == err);
	assert_true(scenario_is_zero(&scn));
	/* A directory opens but cannot be read. */
	assert_int_equal(scenario_parse_file("/", &scn, err, sizeof(err)), -1);
	assert_true(strstr(err, "/:") == err);
	assert_true(scenario_is_zero(&scn));
}

/* A small err buffer truncates the message but never overflows. */
static void test_small_err_buffer(void **state)
{
	struct scenario scn;
	char err[12];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(scenario_parse_buffer("t.scn", "bogus\n", 6, &scn, err, 8), -1);
	assert_string_equal(err, "t.scn:1");
	assert_int_equal(err[8], 'x');
	assert_int_equal(scenario_parse_buffer("t.scn", "bogus\n", 6, &scn, NULL, 0), -1);
}

/* Many processes and labels: names are looked up by hash, not by scanning. */
static void test_many_names(void **state)
{
	enum { N = 20000 };
	struct scenario scn;
	char err[256];
	char *text, *s;
	int i;

	(void)state;
	text = malloc((size_t)N * 64);
	assert_non_null(text);
	s = text;
	for (i = 1; i < N; i++)
		s += sprintf(s, "fork P%d P%d\nobserve l%d\n", i - 1, i, i);
	s += sprintf(s, "exit P%d\n", N / 2);
	if (parse_text(text, (size_t)(s - text), &scn, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(scn.nr_procs, N);
	assert_string_equal(scn.procs[N - 1], "P19999");
	assert_int_equal(scn.ops[scn.nr_ops - 1].proc, N / 2);
	scenario_free(&scn);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_scenarios_parse),
		cmocka_unit_test(test_shared_scenario_contents),
		cmocka_unit_test(test_malformed_rejected),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_empty_and_comment_only),
		cmocka_unit_test(test_comments_and_whitespace),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_window_bounds),
		cmocka_unit_test(test_process_table),
		cmocka_unit_test(test_advice_and_prot),
		cmocka_unit_test(test_migrate_flag),
		cmocka_unit_test(test_skeleton),
		cmocka_unit_test(test_file_and_buffer_agree),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_small_err_buffer),
		cmocka_unit_test(test_many_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
