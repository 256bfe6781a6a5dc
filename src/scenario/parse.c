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
#include "scenario/parser.h"

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
	if (scn_lookup_proc(p, a[0], &op->proc) ||
	    scn_parse_addr(p, a[1], "address", &op->addr) ||
	    scn_parse_len(p, a[2], "length", &op->len))
		return -1;
	return scn_check_range(p, op->addr, op->len);
}

static int parse_file_decl(struct parser *p, char **a, struct scn_op *op)
{
	size_t cap = (size_t)p->files_cap;
	int idx = p->scn.nr_files;
	void *n;

	if (scn_check_ident(p, a[0], "file"))
		return -1;
	if (scn_ni_find(&p->file_idx, p->scn.files, a[0]) >= 0)
		return scn_fail(p, "file '%s' already declared", a[0]);
	if (scn_parse_len(p, a[1], "length", &op->len))
		return -1;
	n = scn_grow_array(p->scn.files, sizeof(*p->scn.files), &cap, (size_t)idx + 1);
	if (!n)
		return scn_oom(p);
	p->scn.files = n;
	p->files_cap = (int)cap;
	snprintf(p->scn.files[idx], SCN_NAME_MAX, "%s", a[0]);
	if (scn_ni_add(&p->file_idx, p->scn.files, idx))
		return scn_oom(p);
	p->scn.nr_files++;
	op->file = idx;
	return 0;
}

static int parse_mmap(struct parser *p, char **a, int nargs, struct scn_op *op)
{
	if (parse_proc_range(p, a, op) || scn_parse_prot(p, a[3], &op->prot))
		return -1;
	if (nargs == 6 &&
	    (scn_lookup_file(p, a[4], &op->file) || scn_parse_addr(p, a[5], "offset", &op->off)))
		return -1;
	return 0;
}

static int parse_mremap(struct parser *p, char **a, int nargs, struct scn_op *op)
{
	if (parse_proc_range(p, a, op) ||
	    scn_parse_len(p, a[3], "new length", &op->new_len))
		return -1;
	if (nargs == 5) {
		op->fixed = true;
		if (scn_parse_addr(p, a[4], "new address", &op->new_addr))
			return -1;
		return scn_check_range(p, op->new_addr, op->new_len);
	}
	return scn_check_range(p, op->addr, op->new_len);
}

static int parse_touch(struct parser *p, char **a, struct scn_op *op)
{
	char cb[SCN_CLIP + 4];

	if (parse_proc_range(p, a, op))
		return -1;
	if (strcmp(a[3], "r") && strcmp(a[3], "w"))
		return scn_fail(p, "touch mode must be r or w, got '%s'", scn_clip(a[3], cb));
	op->write = a[3][0] == 'w';
	return 0;
}

static int parse_fork(struct parser *p, char **a, struct scn_op *op)
{
	int prev;

	if (scn_lookup_proc(p, a[0], &op->proc) || scn_check_ident(p, a[1], "process"))
		return -1;
	prev = scn_ni_find(&p->proc_idx, p->scn.procs, a[1]);
	if (prev >= 0)
		return scn_fail(p, "process name '%s' already used%s", a[1],
			    p->alive[prev] ? "" : " (by a process that exited)");
	op->child = scn_add_proc(p, a[1]);
	return op->child < 0 ? -1 : 0;
}

static int parse_observe(struct parser *p, char **a, struct scn_op *op)
{
	size_t cap = (size_t)p->labels_cap;
	char cb[SCN_CLIP + 4];
	int idx = p->nr_labels, prev;
	void *n;

	if (strlen(a[0]) >= SCN_NAME_MAX)
		return scn_fail(p, "label '%s' is longer than %d characters", scn_clip(a[0], cb),
			    SCN_NAME_MAX - 1);
	prev = scn_ni_find(&p->label_idx, p->labels, a[0]);
	if (prev >= 0)
		return scn_fail(p, "label '%s' already used on line %u", a[0], p->label_line[prev]);
	n = scn_grow_array(p->labels, sizeof(*p->labels), &cap, (size_t)idx + 1);
	if (!n)
		return scn_oom(p);
	p->labels = n;
	if (cap != (size_t)p->labels_cap) {
		unsigned int *ll = realloc(p->label_line, cap * sizeof(*ll));

		if (!ll)
			return scn_oom(p);
		p->label_line = ll;
		p->labels_cap = (int)cap;
	}
	snprintf(p->labels[idx], SCN_NAME_MAX, "%s", a[0]);
	if (scn_ni_add(&p->label_idx, p->labels, idx))
		return scn_oom(p);
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
		return scn_fail(p, "version needs 1 argument, got %d", t->n - 1);
	if (scn_parse_number(p, t->s[1], "version", false, &v))
		return -1;
	if (v != 1 && v != 2)
		return scn_fail(p, "unknown format version %s (1 or 2)", t->s[1]);
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
		return scn_fail(p, "device '%s' is not MAJOR:MINOR", scn_clip(a[0], cb));
	maj = strtoul(a[0], &end, 16);
	if (end != colon)
		return scn_fail(p, "device '%s' is not MAJOR:MINOR", scn_clip(a[0], cb));
	min = strtoul(colon + 1, &end, 16);
	if (*end || maj > 0xfff || min > 0xfffff)
		return scn_fail(p, "device '%s' is not MAJOR:MINOR", scn_clip(a[0], cb));
	op->dev = (uint64_t)maj << 20 | min;
	return scn_parse_number(p, a[1], "inode", false, &op->ino);
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

	if (parse_proc_range(p, a, op) || scn_parse_prot(p, a[3], &op->prot))
		return -1;
	if (i < nargs && !map_flag(a[i])) {
		if (scn_ni_find(&p->file_idx, p->scn.files, a[i]) < 0)
			return scn_fail(p, "'%s' is neither a declared file nor an mmap flag (fixed, "
				    "shared, noreserve, stack)", scn_clip(a[i], cb));
		if (i + 1 >= nargs)
			return scn_fail(p, "mmap of file '%s' needs an offset", scn_clip(a[i], cb));
		if (scn_lookup_file(p, a[i], &op->file) ||
		    scn_parse_addr(p, a[i + 1], "offset", &op->off))
			return -1;
		i += 2;
	}
	for (; i < nargs; i++) {
		int f = map_flag(a[i]);

		if (!f)
			return scn_fail(p, "unknown mmap flag '%s' (fixed, shared, noreserve or stack)",
				    scn_clip(a[i], cb));
		if (op->map_flags & f)
			return scn_fail(p, "mmap flag '%s' given twice", a[i]);
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
			return scn_fail(p, "pages '%s': out of order or past the VMA's %" PRIu64
				    " pages", scn_clip(tok, cb), npages);
		next = (uint64_t)r.last + 1;
		n = scn_grow_array(p->scn.ranges, sizeof(r), &p->ranges_cap, p->scn.nr_ranges + 1);
		if (!n)
			return scn_oom(p);
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
	return scn_fail(p, "pages '%s' malformed (\"-\" or a list like 0-3,7)", scn_clip(tok, cb));
}

/* expect P ADDR LEN PROT4 PAGES */
static int parse_expect(struct parser *p, char **a, struct scn_op *op)
{
	char prot[4], cb[SCN_CLIP + 4];
	size_t n = strlen(a[3]);

	if (parse_proc_range(p, a, op))
		return -1;
	if (n != 4 || (a[3][3] != 'p' && a[3][3] != 's'))
		return scn_fail(p, "bad PROT '%s' (four characters as in /proc/PID/maps, "
			    "ending in p or s)", scn_clip(a[3], cb));
	memcpy(prot, a[3], 3);
	prot[3] = '\0';
	if (scn_parse_prot(p, prot, &op->prot))
		return -1;
	op->shared = a[3][3] == 's';
	return parse_pages(p, a[4], op);
}

static int parse_op_v2(struct parser *p, char **a, struct scn_op *op)
{
	switch (op->op) {
	case SCN_BRK:
		if (scn_lookup_proc(p, a[0], &op->proc) ||
		    scn_parse_addr(p, a[1], "old break", &op->addr) ||
		    scn_parse_addr(p, a[2], "new break", &op->new_addr) ||
		    scn_check_range(p, op->addr, 0) || scn_check_range(p, op->new_addr, 0))
			return -1;
		return 0;
	case SCN_STACK:
		return parse_proc_range(p, a, op);
	case SCN_GROW:
		if (scn_lookup_proc(p, a[0], &op->proc) || scn_parse_addr(p, a[1], "address", &op->addr))
			return -1;
		return scn_check_range(p, op->addr, SCN_PAGE_SIZE);
	case SCN_SPECIAL:
		if (parse_proc_range(p, a, op) || scn_parse_prot(p, a[3], &op->prot) ||
		    scn_check_ident(p, a[4], "special mapping"))
			return -1;
		snprintf(op->label, sizeof(op->label), "%s", a[4]);
		return 0;
	case SCN_EXEC:
		return scn_lookup_proc(p, a[0], &op->proc);
	case SCN_THREAD:
	case SCN_VFORK:
		return parse_new_task(p, a, op);
	case SCN_EXPECT:
		return parse_expect(p, a, op);
	default:
		return scn_fail(p, "internal error: operation %d", (int)op->op);
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
			return scn_fail(p, "version must be the first operation line");
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
		return scn_fail(p, "unknown operation '%s'", scn_clip(t->s[0], cb));
	if (nargs >= 32 || !(d->nargs & (1u << nargs)))
		return scn_fail(p, "%s needs %s, got %d", d->name, d->nargs_text, nargs);

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
		r = parse_proc_range(p, a, &op) || scn_parse_prot(p, a[3], &op.prot) ? -1 : 0;
		break;
	case SCN_MREMAP:
		r = parse_mremap(p, a, nargs, &op);
		break;
	case SCN_MADVISE:
		r = parse_proc_range(p, a, &op) || scn_parse_advice(p, a[3], &op.advice) ? -1 : 0;
		break;
	case SCN_TOUCH:
		r = parse_touch(p, a, &op);
		break;
	case SCN_FORK:
		r = parse_fork(p, a, &op);
		break;
	case SCN_EXIT:
		r = scn_lookup_proc(p, a[0], &op.proc);
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

	n = scn_grow_array(p->scn.ops, sizeof(op), &p->ops_cap, p->scn.nr_ops + 1);
	if (!n)
		return scn_oom(p);
	p->scn.ops = n;
	p->scn.ops[p->scn.nr_ops++] = op;
	return 0;
}

static void parser_release(struct parser *p)
{
	free(p->alive);
	free(p->labels);
	free(p->label_line);
	scn_ni_free(&p->proc_idx);
	scn_ni_free(&p->file_idx);
	scn_ni_free(&p->label_idx);
}

static int parse(struct parser *p, struct scenario *out)
{
	char line[SCN_LINE_MAX + 2];
	struct tokens t;
	int r;

	memset(out, 0, sizeof(*out));
	p->scn.version = 1;
	if (scn_add_proc(p, "P0") < 0)
		goto fail;
	while ((r = scn_read_line(p, line)) > 0) {
		if (scn_tokenize(p, line, &t))
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
	scn_oom(p);
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
