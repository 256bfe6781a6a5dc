/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parser for the scenario language (docs/scenario-format.md, versions 1 and 2).
 *
 * The whole file is checked before anything runs, so every rule the
 * simulator and the kernel runner rely on is enforced here once: a consumer
 * may index procs[] and files[] with whatever an op holds, and may trust
 * every range to be page aligned, non-empty and inside the window.
 *
 * Choices for what the format leaves open:
 *
 *  - A line is at most SCN_LINE_MAX bytes, not counting its "\n" nor a "\r"
 *    just before it (or just before the end of the file), so a file saved
 *    with CRLF line ends is read as written. A carriage return anywhere else
 *    outside a comment is an error, because a bare CR splits lines on some
 *    systems and not on others and the line numbers would no longer agree.
 *  - Bytes are checked everywhere, comments included: the rule is about the
 *    file, and a stray byte in a comment is as likely to be corruption.
 *  - '#' starts a comment wherever it stands, also inside a token, so no
 *    token (label included) can contain it.
 *  - Numbers: decimal without leading zeros (so "010" cannot be mistaken
 *    for C octal), or "0x" with hex digits of either case. The K/M/G suffix
 *    is accepted on lengths only, as the format says, not on addresses or
 *    file offsets.
 *  - Every length (file sizes, OLDLEN and NEWLEN included) must be non-zero:
 *    a zero-length call means something different on each syscall and none
 *    of it is what a scenario is about.
 *  - mremap without NEW must still fit in the window after resizing in
 *    place: [OLD, OLD + NEWLEN) is a range the call may map.
 *  - File names follow the rule for process names; the two namespaces are
 *    separate, and a file may be declared once.
 *  - A label is any single token up to SCN_NAME_MAX - 1 bytes (the lexer
 *    already limits tokens to printable ASCII without '#'), and each label
 *    may be used once, so that a differing block names one place.
 *  - A process that exited keeps its name: it can be neither used nor
 *    reused, so every name in every block means one process.
 *  - Version 2 is switched on by `version 2` as the first operation line;
 *    without it a file is version 1 and every version-2 word is an unknown
 *    operation, so a version-1 file means what it always meant. In version
 *    2 the flag words of mmap (fixed, shared, noreserve, stack) cannot name files.
 */
#include "scenario/scenario.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SCN_PAGE_SIZE 4096ULL
/* The longest operation (a version-2 mmap) has 11 tokens; more are only counted. */
#define SCN_MAX_TOKENS 12
/* Tokens are clipped to this many characters in messages. */
#define SCN_CLIP 64

/* Where bytes come from: a stream read byte by byte, or a buffer. */
struct scn_source {
	FILE *fp;
	const char *buf;
	size_t len, pos;
};

/*
 * Maps names to indices into a char[SCN_NAME_MAX] table kept by the caller
 * (which may move when it grows, so it is passed to every call). Open
 * addressing; slot holds index + 1, 0 is empty.
 */
struct name_index {
	int *slot;
	size_t cap;
	size_t used;
};

struct parser {
	struct scn_source src;
	const char *name;
	char *err;
	size_t errlen;
	unsigned int line;

	struct scenario scn;
	size_t ops_cap;
	int procs_cap;
	int files_cap;
	bool *alive;			/* per process index */
	struct name_index proc_idx, file_idx, label_idx;
	char (*labels)[SCN_NAME_MAX];
	unsigned int *label_line;
	int nr_labels, labels_cap;
	size_t ranges_cap;
	bool seen_op;			/* an operation line came before: too late for `version` */
};

struct tokens {
	char *s[SCN_MAX_TOKENS];
	int n;				/* all tokens, even those not stored */
};

static int vfail(struct parser *p, const char *fmt, va_list ap)
{
	size_t off;
	int n;

	if (!p->err || !p->errlen)
		return -1;
	n = snprintf(p->err, p->errlen, "%s:%u: ", p->name, p->line);
	off = n < 0 ? 0 : (size_t)n;
	if (off < p->errlen)
		vsnprintf(p->err + off, p->errlen - off, fmt, ap);
	return -1;
}

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, fmt, ap);
	va_end(ap);
	return -1;
}

/* A token as it appears in a message, shortened when a line is mostly one token. */
static const char *clip(const char *tok, char buf[SCN_CLIP + 4])
{
	size_t n = strlen(tok);

	if (n <= SCN_CLIP)
		return tok;
	memcpy(buf, tok, SCN_CLIP);
	memcpy(buf + SCN_CLIP, "...", 4);
	return buf;
}

/* ---- name index ---- */

static uint64_t hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int ni_find(const struct name_index *ni, char (*names)[SCN_NAME_MAX], const char *s)
{
	size_t i;

	if (!ni->cap)
		return -1;
	for (i = hash_name(s) & (ni->cap - 1); ni->slot[i]; i = (i + 1) & (ni->cap - 1))
		if (!strcmp(names[ni->slot[i] - 1], s))
			return ni->slot[i] - 1;
	return -1;
}

static void ni_put(struct name_index *ni, char (*names)[SCN_NAME_MAX], int idx)
{
	size_t i = hash_name(names[idx]) & (ni->cap - 1);

	while (ni->slot[i])
		i = (i + 1) & (ni->cap - 1);
	ni->slot[i] = idx + 1;
	ni->used++;
}

/* @names[@idx] must not be in the index yet. */
static int ni_add(struct name_index *ni, char (*names)[SCN_NAME_MAX], int idx)
{
	if ((ni->used + 1) * 2 > ni->cap) {
		struct name_index bigger = { .cap = ni->cap ? ni->cap * 2 : 16 };
		size_t i;

		bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
		if (!bigger.slot)
			return -ENOMEM;
		for (i = 0; i < ni->cap; i++)
			if (ni->slot[i])
				ni_put(&bigger, names, ni->slot[i] - 1);
		free(ni->slot);
		*ni = bigger;
	}
	ni_put(ni, names, idx);
	return 0;
}

static void ni_free(struct name_index *ni)
{
	free(ni->slot);
	memset(ni, 0, sizeof(*ni));
}

/*
 * Returns @arr (of *@cap elements of @size) grown to hold at least @need, or
 * NULL with @arr untouched; *@cap is updated only on success.
 */
static void *grow_array(void *arr, size_t size, size_t *cap, size_t need)
{
	size_t ncap = *cap ? *cap : 8;
	void *n;

	if (need <= *cap)
		return arr;
	while (ncap < need)
		ncap *= 2;
	n = realloc(arr, ncap * size);
	if (n)
		*cap = ncap;
	return n;
}

/* ---- lexer ---- */

static int src_getc(struct scn_source *s)
{
	if (s->fp)
		return getc(s->fp);
	if (s->pos >= s->len)
		return EOF;
	return (unsigned char)s->buf[s->pos++];
}

/*
 * Reads the next line into @line (SCN_LINE_MAX + 2 bytes) without its line
 * end and NUL-terminates it. Returns 1 for a line, 0 at the end of input,
 * -1 after writing a message.
 */
static int read_line(struct parser *p, char *line)
{
	bool any = false;
	size_t n = 0;
	int c;

	if (p->line == UINT_MAX)
		return fail(p, "too many lines");
	p->line++;
	for (;;) {
		c = src_getc(&p->src);
		if (c == EOF) {
			if (p->src.fp && ferror(p->src.fp))
				return fail(p, "read error: %s", strerror(errno));
			break;
		}
		any = true;
		if (c == '\n')
			break;
		if (c == 0)
			return fail(p, "NUL byte");
		if ((c < 0x20 || c > 0x7e) && c != '\t' && c != '\r')
			return fail(p, "byte 0x%02x outside printable ASCII", c);
		/* One byte of slack for the '\r' of a CRLF line end. */
		if (n == SCN_LINE_MAX + 1)
			return fail(p, "line longer than %d bytes", SCN_LINE_MAX);
		line[n++] = (char)c;
	}
	if (!any) {
		p->line--;
		return 0;
	}
	if (n && line[n - 1] == '\r')
		n--;
	if (n > SCN_LINE_MAX)
		return fail(p, "line longer than %d bytes", SCN_LINE_MAX);
	line[n] = '\0';
	return 1;
}

static int tokenize(struct parser *p, char *line, struct tokens *t)
{
	char *hash = strchr(line, '#');
	char *s;

	if (hash)
		*hash = '\0';
	if (strchr(line, '\r'))
		return fail(p, "carriage return inside a line (only CRLF line ends are accepted)");
	t->n = 0;
	s = line;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (t->n < SCN_MAX_TOKENS)
			t->s[t->n] = s;
		t->n++;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (!*s)
			break;
		*s++ = '\0';
	}
	return 0;
}

/* ---- values ---- */

static int parse_number(struct parser *p, const char *tok, const char *what,
			bool suffix_ok, uint64_t *out)
{
	size_t n = strlen(tok);
	uint64_t v = 0, mult = 1;
	const char *s = tok;
	unsigned int base = 10;
	char cb[SCN_CLIP + 4];
	size_t i;

	switch (n ? tok[n - 1] : 0) {
	case 'K': mult = 1ULL << 10; break;
	case 'M': mult = 1ULL << 20; break;
	case 'G': mult = 1ULL << 30; break;
	}
	if (mult > 1) {
		if (!suffix_ok)
			return fail(p, "%s '%s': the K/M/G suffix is allowed only on lengths",
				    what, clip(tok, cb));
		n--;
	}
	if (n >= 2 && s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
		n -= 2;
	}
	if (!n)
		return fail(p, "number '%s' is malformed", clip(tok, cb));
	if (base == 10 && n > 1 && s[0] == '0')
		return fail(p, "number '%s' is malformed (leading zero; write hex as 0x...)",
			    clip(tok, cb));
	for (i = 0; i < n; i++) {
		unsigned int d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return fail(p, "number '%s' is malformed", clip(tok, cb));
		if (v > (UINT64_MAX - d) / base)
			return fail(p, "number out of range: '%s'", clip(tok, cb));
		v = v * base + d;
	}
	if (v > UINT64_MAX / mult)
		return fail(p, "number out of range: '%s'", clip(tok, cb));
	*out = v * mult;
	return 0;
}

static int parse_addr(struct parser *p, const char *tok, const char *what, uint64_t *out)
{
	char cb[SCN_CLIP + 4];

	if (parse_number(p, tok, what, false, out))
		return -1;
	if (*out % SCN_PAGE_SIZE)
		return fail(p, "%s %s is not a multiple of 4096", what, clip(tok, cb));
	return 0;
}

static int parse_len(struct parser *p, const char *tok, const char *what, uint64_t *out)
{
	char cb[SCN_CLIP + 4];

	if (parse_number(p, tok, what, true, out))
		return -1;
	if (!*out)
		return fail(p, "%s must be non-zero", what);
	if (*out % SCN_PAGE_SIZE)
		return fail(p, "%s %s is not a multiple of 4096", what, clip(tok, cb));
	return 0;
}

static int check_range(struct parser *p, uint64_t addr, uint64_t len)
{
	if (p->scn.version >= 2) {
		if (addr < SCN_USER_END && len <= SCN_USER_END - addr)
			return 0;
		return fail(p, "range [0x%" PRIx64 ", +0x%" PRIx64 ") leaves the user address "
			    "space [0, 0x%llx)", addr, len, SCN_USER_END);
	}
	if (addr >= SCN_WINDOW_START && addr < SCN_WINDOW_END && len <= SCN_WINDOW_END - addr)
		return 0;
	if (addr + len < addr)	/* print the 65-bit end the sum stands for */
		return fail(p, "range [0x%" PRIx64 ", 0x1%016" PRIx64 ") leaves the scenario window "
			    "[0x%llx, 0x%llx)", addr, addr + len, SCN_WINDOW_START, SCN_WINDOW_END);
	return fail(p, "range [0x%" PRIx64 ", 0x%" PRIx64 ") leaves the scenario window "
		    "[0x%llx, 0x%llx)", addr, addr + len, SCN_WINDOW_START, SCN_WINDOW_END);
}

static int parse_prot(struct parser *p, const char *tok, int *prot)
{
	char cb[SCN_CLIP + 4];

	if (strlen(tok) != 3 || (tok[0] != 'r' && tok[0] != '-') ||
	    (tok[1] != 'w' && tok[1] != '-') || (tok[2] != 'x' && tok[2] != '-'))
		return fail(p, "bad PROT '%s' (three characters: r or -, w or -, x or -)",
			    clip(tok, cb));
	*prot = (tok[0] == 'r' ? SCN_PROT_R : 0) | (tok[1] == 'w' ? SCN_PROT_W : 0) |
		(tok[2] == 'x' ? SCN_PROT_X : 0);
	return 0;
}

static const char *const advice_names[] = {
	[SCN_MADV_DONTNEED] = "dontneed",
	[SCN_MADV_DONTFORK] = "dontfork",
	[SCN_MADV_DOFORK] = "dofork",
	[SCN_MADV_WIPEONFORK] = "wipeonfork",
	[SCN_MADV_KEEPONFORK] = "keeponfork",
	[SCN_MADV_HUGEPAGE] = "hugepage",
	[SCN_MADV_NOHUGEPAGE] = "nohugepage",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static int parse_advice(struct parser *p, const char *tok, enum scn_advice *advice)
{
	char cb[SCN_CLIP + 4];
	size_t i;

	for (i = 0; i < ARRAY_LEN(advice_names); i++) {
		if (!strcmp(tok, advice_names[i])) {
			*advice = (enum scn_advice)i;
			return 0;
		}
	}
	return fail(p, "unknown advice '%s' (dontneed, dontfork, dofork, wipeonfork, "
		    "keeponfork, hugepage or nohugepage)", clip(tok, cb));
}

static int check_ident(struct parser *p, const char *tok, const char *what)
{
	char cb[SCN_CLIP + 4];
	const char *s = tok;

	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		goto bad;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			goto bad;
	if (s - tok >= SCN_NAME_MAX)
		return fail(p, "%s name '%s' is longer than %d characters", what,
			    clip(tok, cb), SCN_NAME_MAX - 1);
	return 0;
bad:
	return fail(p, "bad %s name '%s' (must match [A-Za-z_][A-Za-z0-9_]*)", what,
		    clip(tok, cb));
}

/* ---- tables ---- */

static int oom(struct parser *p)
{
	return fail(p, "out of memory");
}

static int add_proc(struct parser *p, const char *name)
{
	size_t cap = (size_t)p->procs_cap;
	int idx = p->scn.nr_procs;
	void *n;

	n = grow_array(p->scn.procs, sizeof(*p->scn.procs), &cap, (size_t)idx + 1);
	if (!n)
		return oom(p);
	p->scn.procs = n;
	/* alive[] always has the same capacity as procs[]. */
	if (cap != (size_t)p->procs_cap) {
		bool *alive = realloc(p->alive, cap * sizeof(*alive));

		if (!alive)
			return oom(p);
		p->alive = alive;
		p->procs_cap = (int)cap;
	}
	snprintf(p->scn.procs[idx], SCN_NAME_MAX, "%s", name);
	if (ni_add(&p->proc_idx, p->scn.procs, idx))
		return oom(p);
	p->alive[idx] = true;
	p->scn.nr_procs++;
	return idx;
}

static int lookup_proc(struct parser *p, const char *tok, int *idx)
{
	if (check_ident(p, tok, "process"))
		return -1;
	*idx = ni_find(&p->proc_idx, p->scn.procs, tok);
	if (*idx < 0)
		return fail(p, "process '%s' does not exist (never forked)", tok);
	if (!p->alive[*idx])
		return fail(p, "process '%s' does not exist (already exited)", tok);
	return 0;
}

static int lookup_file(struct parser *p, const char *tok, int *idx)
{
	if (check_ident(p, tok, "file"))
		return -1;
	*idx = ni_find(&p->file_idx, p->scn.files, tok);
	if (*idx < 0)
		return fail(p, "file '%s' not declared", tok);
	return 0;
}

/* ---- operations ---- */

struct op_desc {
	const char *name;
	enum scn_opcode op;
	unsigned int nargs;		/* bit n set: n arguments accepted */
	const char *nargs_text;
};

static const struct op_desc op_descs[] = {
	{ "file", SCN_FILE, 1u << 2, "2 arguments" },
	{ "mmap", SCN_MMAP, 1u << 4 | 1u << 6, "4 or 6 arguments" },
	{ "munmap", SCN_MUNMAP, 1u << 3, "3 arguments" },
	{ "mprotect", SCN_MPROTECT, 1u << 4, "4 arguments" },
	{ "mremap", SCN_MREMAP, 1u << 4 | 1u << 5, "4 or 5 arguments" },
	{ "madvise", SCN_MADVISE, 1u << 4, "4 arguments" },
	{ "touch", SCN_TOUCH, 1u << 4, "4 arguments" },
	{ "fork", SCN_FORK, 1u << 2, "2 arguments" },
	{ "exit", SCN_EXIT, 1u << 1, "1 argument" },
	{ "migrate", SCN_MIGRATE, 1u << 3, "3 arguments" },
	{ "observe", SCN_OBSERVE, 1u << 1, "1 argument" },
};

/* Version 2: mmap's arity is checked by parse_mmap2(). */
static const struct op_desc op_descs_v2[] = {
	{ "mmap", SCN_MMAP, 0x7f0, "4 to 10 arguments" },
	{ "brk", SCN_BRK, 1u << 3, "3 arguments" },
	{ "stack", SCN_STACK, 1u << 3, "3 arguments" },
	{ "grow", SCN_GROW, 1u << 2, "2 arguments" },
	{ "special", SCN_SPECIAL, 1u << 5, "5 arguments" },
	{ "exec", SCN_EXEC, 1u << 1, "1 argument" },
	{ "thread", SCN_THREAD, 1u << 2, "2 arguments" },
	{ "vfork", SCN_VFORK, 1u << 2, "2 arguments" },
	{ "expect", SCN_EXPECT, 1u << 5, "5 arguments" },
	{ "file", SCN_FILE, 1u << 2 | 1u << 4, "2 or 4 arguments" },
};

/* P ADDR LEN, shared by every operation on a range of one process. */
static int parse_proc_range(struct parser *p, char **a, struct scn_op *op)
{
	if (lookup_proc(p, a[0], &op->proc) ||
	    parse_addr(p, a[1], "address", &op->addr) ||
	    parse_len(p, a[2], "length", &op->len))
		return -1;
	return check_range(p, op->addr, op->len);
}

static int parse_file_decl(struct parser *p, char **a, struct scn_op *op)
{
	size_t cap = (size_t)p->files_cap;
	int idx = p->scn.nr_files;
	void *n;

	if (check_ident(p, a[0], "file"))
		return -1;
	if (ni_find(&p->file_idx, p->scn.files, a[0]) >= 0)
		return fail(p, "file '%s' already declared", a[0]);
	if (parse_len(p, a[1], "length", &op->len))
		return -1;
	n = grow_array(p->scn.files, sizeof(*p->scn.files), &cap, (size_t)idx + 1);
	if (!n)
		return oom(p);
	p->scn.files = n;
	p->files_cap = (int)cap;
	snprintf(p->scn.files[idx], SCN_NAME_MAX, "%s", a[0]);
	if (ni_add(&p->file_idx, p->scn.files, idx))
		return oom(p);
	p->scn.nr_files++;
	op->file = idx;
	return 0;
}

static int parse_mmap(struct parser *p, char **a, int nargs, struct scn_op *op)
{
	if (parse_proc_range(p, a, op) || parse_prot(p, a[3], &op->prot))
		return -1;
	if (nargs == 6 &&
	    (lookup_file(p, a[4], &op->file) || parse_addr(p, a[5], "offset", &op->off)))
		return -1;
	return 0;
}

static int parse_mremap(struct parser *p, char **a, int nargs, struct scn_op *op)
{
	if (parse_proc_range(p, a, op) ||
	    parse_len(p, a[3], "new length", &op->new_len))
		return -1;
	if (nargs == 5) {
		op->fixed = true;
		if (parse_addr(p, a[4], "new address", &op->new_addr))
			return -1;
		return check_range(p, op->new_addr, op->new_len);
	}
	return check_range(p, op->addr, op->new_len);
}

static int parse_touch(struct parser *p, char **a, struct scn_op *op)
{
	char cb[SCN_CLIP + 4];

	if (parse_proc_range(p, a, op))
		return -1;
	if (strcmp(a[3], "r") && strcmp(a[3], "w"))
		return fail(p, "touch mode must be r or w, got '%s'", clip(a[3], cb));
	op->write = a[3][0] == 'w';
	return 0;
}

static int parse_fork(struct parser *p, char **a, struct scn_op *op)
{
	int prev;

	if (lookup_proc(p, a[0], &op->proc) || check_ident(p, a[1], "process"))
		return -1;
	prev = ni_find(&p->proc_idx, p->scn.procs, a[1]);
	if (prev >= 0)
		return fail(p, "process name '%s' already used%s", a[1],
			    p->alive[prev] ? "" : " (by a process that exited)");
	op->child = add_proc(p, a[1]);
	return op->child < 0 ? -1 : 0;
}

static int parse_observe(struct parser *p, char **a, struct scn_op *op)
{
	size_t cap = (size_t)p->labels_cap;
	char cb[SCN_CLIP + 4];
	int idx = p->nr_labels, prev;
	void *n;

	if (strlen(a[0]) >= SCN_NAME_MAX)
		return fail(p, "label '%s' is longer than %d characters", clip(a[0], cb),
			    SCN_NAME_MAX - 1);
	prev = ni_find(&p->label_idx, p->labels, a[0]);
	if (prev >= 0)
		return fail(p, "label '%s' already used on line %u", a[0], p->label_line[prev]);
	n = grow_array(p->labels, sizeof(*p->labels), &cap, (size_t)idx + 1);
	if (!n)
		return oom(p);
	p->labels = n;
	if (cap != (size_t)p->labels_cap) {
		unsigned int *ll = realloc(p->label_line, cap * sizeof(*ll));

		if (!ll)
			return oom(p);
		p->label_line = ll;
		p->labels_cap = (int)cap;
	}
	snprintf(p->labels[idx], SCN_NAME_MAX, "%s", a[0]);
	if (ni_add(&p->label_idx, p->labels, idx))
		return oom(p);
	p->label_line[idx] = p->line;
	p->nr_labels++;
	snprintf(op->label, sizeof(op->label), "%s", a[0]);
	p->scn.has_observe = true;
	return 0;
}

/* ---- version 2 ---- */

static int parse_version(struct parser *p, struct tokens *t)
{
	uint64_t v;

	if (t->n != 2)
		return fail(p, "version needs 1 argument, got %d", t->n - 1);
	if (parse_number(p, t->s[1], "version", false, &v))
		return -1;
	if (v != 1 && v != 2)
		return fail(p, "unknown format version %s (1 or 2)", t->s[1]);
	p->scn.version = (int)v;
	p->seen_op = true;
	return 0;
}

/* MAJ:MIN INO, as /proc/PID/maps prints them: hex device numbers, decimal inode. */
static int parse_file_identity(struct parser *p, char **a, struct scn_op *op)
{
	char cb[SCN_CLIP + 4], *colon = strchr(a[0], ':'), *end;
	unsigned long maj, min;

	if (!colon || colon == a[0] || !colon[1])
		return fail(p, "device '%s' is not MAJOR:MINOR", clip(a[0], cb));
	maj = strtoul(a[0], &end, 16);
	if (end != colon)
		return fail(p, "device '%s' is not MAJOR:MINOR", clip(a[0], cb));
	min = strtoul(colon + 1, &end, 16);
	if (*end || maj > 0xfff || min > 0xfffff)
		return fail(p, "device '%s' is not MAJOR:MINOR", clip(a[0], cb));
	op->dev = (uint64_t)maj << 20 | min;
	return parse_number(p, a[1], "inode", false, &op->ino);
}

static const char *const map_flag_names[] = { "fixed", "shared", "noreserve", "stack" };

static int map_flag(const char *tok)
{
	for (size_t i = 0; i < ARRAY_LEN(map_flag_names); i++)
		if (!strcmp(tok, map_flag_names[i]))
			return 1 << i;
	return 0;
}

/* mmap P ADDR LEN PROT [F OFF] [fixed] [shared] [noreserve] [stack] */
static int parse_mmap2(struct parser *p, char **a, int nargs, struct scn_op *op)
{
	char cb[SCN_CLIP + 4];
	int i = 4;

	if (parse_proc_range(p, a, op) || parse_prot(p, a[3], &op->prot))
		return -1;
	if (i < nargs && !map_flag(a[i])) {
		if (ni_find(&p->file_idx, p->scn.files, a[i]) < 0)
			return fail(p, "'%s' is neither a declared file nor an mmap flag (fixed, "
				    "shared, noreserve, stack)", clip(a[i], cb));
		if (i + 1 >= nargs)
			return fail(p, "mmap of file '%s' needs an offset", clip(a[i], cb));
		if (lookup_file(p, a[i], &op->file) ||
		    parse_addr(p, a[i + 1], "offset", &op->off))
			return -1;
		i += 2;
	}
	for (; i < nargs; i++) {
		int f = map_flag(a[i]);

		if (!f)
			return fail(p, "unknown mmap flag '%s' (fixed, shared, noreserve or stack)",
				    clip(a[i], cb));
		if (op->map_flags & f)
			return fail(p, "mmap flag '%s' given twice", a[i]);
		op->map_flags |= f;
	}
	return 0;
}

/* thread P T, vfork P C: a new name for a task that shares P's mm. */
static int parse_new_task(struct parser *p, char **a, struct scn_op *op)
{
	return parse_fork(p, a, op);
}

/* PAGES: "-" or comma-separated page indices and ranges "i-j", ascending. */
static int parse_pages(struct parser *p, const char *tok, struct scn_op *op)
{
	uint64_t npages = op->len / SCN_PAGE_SIZE, next = 0;
	char cb[SCN_CLIP + 4];
	const char *s = tok;

	op->ranges_at = p->scn.nr_ranges;
	if (!strcmp(tok, "-"))
		return 0;
	for (;;) {
		struct scn_prange r;
		char *end;
		unsigned long long v;
		void *n;

		if (*s < '0' || *s > '9')
			goto bad;
		v = strtoull(s, &end, 10);
		r.first = r.last = (uint32_t)v;
		if (*end == '-') {
			s = end + 1;
			if (*s < '0' || *s > '9')
				goto bad;
			v = strtoull(s, &end, 10);
			r.last = (uint32_t)v;
		}
		if (v >= npages || r.last < r.first || r.first < next)
			return fail(p, "pages '%s': out of order or past the VMA's %" PRIu64
				    " pages", clip(tok, cb), npages);
		next = (uint64_t)r.last + 1;
		n = grow_array(p->scn.ranges, sizeof(r), &p->ranges_cap, p->scn.nr_ranges + 1);
		if (!n)
			return oom(p);
		p->scn.ranges = n;
		p->scn.ranges[p->scn.nr_ranges++] = r;
		op->nr_ranges++;
		if (!*end)
			return 0;
		if (*end != ',')
			goto bad;
		s = end + 1;
	}
bad:
	return fail(p, "pages '%s' malformed (\"-\" or a list like 0-3,7)", clip(tok, cb));
}

/* expect P ADDR LEN PROT4 PAGES */
static int parse_expect(struct parser *p, char **a, struct scn_op *op)
{
	char prot[4], cb[SCN_CLIP + 4];
	size_t n = strlen(a[3]);

	if (parse_proc_range(p, a, op))
		return -1;
	if (n != 4 || (a[3][3] != 'p' && a[3][3] != 's'))
		return fail(p, "bad PROT '%s' (four characters as in /proc/PID/maps, "
			    "ending in p or s)", clip(a[3], cb));
	memcpy(prot, a[3], 3);
	prot[3] = '\0';
	if (parse_prot(p, prot, &op->prot))
		return -1;
	op->shared = a[3][3] == 's';
	return parse_pages(p, a[4], op);
}

static int parse_op_v2(struct parser *p, char **a, struct scn_op *op)
{
	switch (op->op) {
	case SCN_BRK:
		if (lookup_proc(p, a[0], &op->proc) ||
		    parse_addr(p, a[1], "old break", &op->addr) ||
		    parse_addr(p, a[2], "new break", &op->new_addr) ||
		    check_range(p, op->addr, 0) || check_range(p, op->new_addr, 0))
			return -1;
		return 0;
	case SCN_STACK:
		return parse_proc_range(p, a, op);
	case SCN_GROW:
		if (lookup_proc(p, a[0], &op->proc) || parse_addr(p, a[1], "address", &op->addr))
			return -1;
		return check_range(p, op->addr, SCN_PAGE_SIZE);
	case SCN_SPECIAL:
		if (parse_proc_range(p, a, op) || parse_prot(p, a[3], &op->prot) ||
		    check_ident(p, a[4], "special mapping"))
			return -1;
		snprintf(op->label, sizeof(op->label), "%s", a[4]);
		return 0;
	case SCN_EXEC:
		return lookup_proc(p, a[0], &op->proc);
	case SCN_THREAD:
	case SCN_VFORK:
		return parse_new_task(p, a, op);
	case SCN_EXPECT:
		return parse_expect(p, a, op);
	default:
		return fail(p, "internal error: operation %d", (int)op->op);
	}
}

static int parse_op(struct parser *p, struct tokens *t)
{
	const struct op_desc *d = NULL;
	char cb[SCN_CLIP + 4];
	struct scn_op op;
	int nargs = t->n - 1;
	char **a = t->s + 1;
	size_t i;
	int r = 0;
	void *n;

	if (!strcmp(t->s[0], "version")) {
		if (p->seen_op)
			return fail(p, "version must be the first operation line");
		return parse_version(p, t);
	}
	p->seen_op = true;
	for (i = 0; i < ARRAY_LEN(op_descs); i++)
		if (!strcmp(t->s[0], op_descs[i].name))
			d = &op_descs[i];
	for (i = 0; p->scn.version >= 2 && i < ARRAY_LEN(op_descs_v2); i++)
		if (!strcmp(t->s[0], op_descs_v2[i].name))
			d = &op_descs_v2[i];
	if (!d)
		return fail(p, "unknown operation '%s'", clip(t->s[0], cb));
	if (nargs >= 32 || !(d->nargs & (1u << nargs)))
		return fail(p, "%s needs %s, got %d", d->name, d->nargs_text, nargs);

	memset(&op, 0, sizeof(op));
	op.op = d->op;
	op.line = p->line;
	op.proc = -1;
	op.child = -1;
	op.file = -1;

	switch (d->op) {
	case SCN_FILE:
		r = parse_file_decl(p, a, &op);
		if (!r && nargs == 4)
			r = parse_file_identity(p, a + 2, &op);
		break;
	case SCN_MMAP:
		r = p->scn.version >= 2 ? parse_mmap2(p, a, nargs, &op) :
					  parse_mmap(p, a, nargs, &op);
		break;
	case SCN_MUNMAP:
	case SCN_MIGRATE:
		r = parse_proc_range(p, a, &op);
		break;
	case SCN_MPROTECT:
		r = parse_proc_range(p, a, &op) || parse_prot(p, a[3], &op.prot) ? -1 : 0;
		break;
	case SCN_MREMAP:
		r = parse_mremap(p, a, nargs, &op);
		break;
	case SCN_MADVISE:
		r = parse_proc_range(p, a, &op) || parse_advice(p, a[3], &op.advice) ? -1 : 0;
		break;
	case SCN_TOUCH:
		r = parse_touch(p, a, &op);
		break;
	case SCN_FORK:
		r = parse_fork(p, a, &op);
		break;
	case SCN_EXIT:
		r = lookup_proc(p, a[0], &op.proc);
		if (!r)
			p->alive[op.proc] = false;
		break;
	case SCN_OBSERVE:
		r = parse_observe(p, a, &op);
		break;
	default:
		r = parse_op_v2(p, a, &op);
		break;
	}
	if (r)
		return -1;
	if (d->op == SCN_MIGRATE)
		p->scn.uses_migrate = true;

	n = grow_array(p->scn.ops, sizeof(op), &p->ops_cap, p->scn.nr_ops + 1);
	if (!n)
		return oom(p);
	p->scn.ops = n;
	p->scn.ops[p->scn.nr_ops++] = op;
	return 0;
}

static void parser_release(struct parser *p)
{
	free(p->alive);
	free(p->labels);
	free(p->label_line);
	ni_free(&p->proc_idx);
	ni_free(&p->file_idx);
	ni_free(&p->label_idx);
}

static int parse(struct parser *p, struct scenario *out)
{
	char line[SCN_LINE_MAX + 2];
	struct tokens t;
	int r;

	memset(out, 0, sizeof(*out));
	p->scn.version = 1;
	if (add_proc(p, "P0") < 0)
		goto fail;
	while ((r = read_line(p, line)) > 0) {
		if (tokenize(p, line, &t))
			goto fail;
		if (t.n && parse_op(p, &t))
			goto fail;
	}
	if (r < 0)
		goto fail;
	/* Consumers may index these without checking for an empty table. */
	if (!p->scn.ops && !(p->scn.ops = calloc(1, sizeof(*p->scn.ops))))
		goto nomem;
	if (!p->scn.files && !(p->scn.files = calloc(1, sizeof(*p->scn.files))))
		goto nomem;
	p->scn.path = strdup(p->name);
	if (!p->scn.path)
		goto nomem;
	parser_release(p);
	*out = p->scn;
	return 0;
nomem:
	oom(p);
fail:
	parser_release(p);
	scenario_free(&p->scn);
	return -1;
}

int scenario_parse_file(const char *path, struct scenario *scn, char *err, size_t errlen)
{
	struct parser p = { .name = path, .err = err, .errlen = errlen };
	int r;

	memset(scn, 0, sizeof(*scn));
	p.src.fp = fopen(path, "rb");
	if (!p.src.fp) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	r = parse(&p, scn);
	fclose(p.src.fp);
	return r;
}

int scenario_parse_buffer(const char *name, const char *buf, size_t len,
			  struct scenario *scn, char *err, size_t errlen)
{
	struct parser p = {
		.name = name ? name : "<buffer>",
		.err = err,
		.errlen = errlen,
		.src = { .buf = buf, .len = buf ? len : 0 },
	};

	return parse(&p, scn);
}

void scenario_free(struct scenario *scn)
{
	if (!scn)
		return;
	free(scn->path);
	free(scn->ops);
	free(scn->procs);
	free(scn->files);
	free(scn->ranges);
	memset(scn, 0, sizeof(*scn));
}

static bool in_skeleton(enum scn_opcode op)
{
	return op == SCN_FORK || op == SCN_EXIT || op == SCN_OBSERVE;
}

int scenario_skeleton(const struct scenario *scn, struct scenario *skel)
{
	struct scenario s = {
		.nr_procs = scn->nr_procs,
		.nr_files = scn->nr_files,
		/*
		 * Unchanged even though it follows from the ops: a scenario
		 * without observe lines prints its `end` block, and so must
		 * its skeleton for the two runs to be subtracted.
		 */
		.has_observe = scn->has_observe,
		.version = scn->version,
	};
	size_t i, n = 0;

	for (i = 0; i < scn->nr_ops; i++)
		n += in_skeleton(scn->ops[i].op);
	s.path = strdup(scn->path ? scn->path : "");
	s.ops = calloc(n ? n : 1, sizeof(*s.ops));
	s.procs = calloc(s.nr_procs ? (size_t)s.nr_procs : 1, sizeof(*s.procs));
	s.files = calloc(s.nr_files ? (size_t)s.nr_files : 1, sizeof(*s.files));
	if (!s.path || !s.ops || !s.procs || !s.files) {
		scenario_free(&s);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < scn->nr_ops; i++)
		if (in_skeleton(scn->ops[i].op))
			s.ops[s.nr_ops++] = scn->ops[i];
	if (s.nr_procs)
		memcpy(s.procs, scn->procs, (size_t)s.nr_procs * sizeof(*s.procs));
	if (s.nr_files)
		memcpy(s.files, scn->files, (size_t)s.nr_files * sizeof(*s.files));
	*skel = s;
	return 0;
}

const char *scn_advice_name(enum scn_advice advice)
{
	if ((size_t)advice < ARRAY_LEN(advice_names))
		return advice_names[advice];
	return "?";
}

const char *scn_op_name(enum scn_opcode op)
{
	for (size_t i = 0; i < ARRAY_LEN(op_descs_v2); i++)
		if (op_descs_v2[i].op == op)
			return op_descs_v2[i].name;
	for (size_t i = 0; i < ARRAY_LEN(op_descs); i++)
		if (op_descs[i].op == op)
			return op_descs[i].name;
	return "?";
}

void scn_prot_string(int prot, char out[4])
{
	out[0] = prot & SCN_PROT_R ? 'r' : '-';
	out[1] = prot & SCN_PROT_W ? 'w' : '-';
	out[2] = prot & SCN_PROT_X ? 'x' : '-';
	out[3] = '\0';
}
