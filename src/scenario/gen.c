// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generator keeps every operation inside a small part of the window so
 * that VMAs keep meeting their neighbours: merges, splits, neighbour reuse
 * and moves next to faulted memory are where rmap designs go wrong, and a
 * sparse address space would almost never exercise them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <anonrmap/world.h>

#include "scenario/gen.h"
#include "scenario/predict.h"
#include "scenario/replay.h"
#include "scenario/scenario.h"

#define GEN_BASE SCN_WINDOW_START
/* THP needs whole aligned 2 MiB ranges, kept apart from the busy pages */
#define GEN_HUGE_BASE (SCN_WINDOW_START + (64ULL << 20))
#define GEN_HUGE_SLOTS 4
/* mTHP blocks are 16 KiB to 1 MiB: a few 1 MiB slots hold regions of them */
#define GEN_LARGE_BASE (SCN_WINDOW_START + (32ULL << 20))
#define GEN_LARGE_SLOTS 8

struct gen {
	uint64_t state;
	const struct gen_opts *o;
	FILE *out;
	char live[64][16];
	unsigned int nr_live, next_name;
	bool file_declared;
};

/* splitmix64: tiny, seedable, and good enough to spread operations */
static uint64_t next_rand(struct gen *g)
{
	uint64_t z = (g->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int pick(struct gen *g, unsigned int n)
{
	return (unsigned int)(next_rand(g) % n);
}

static const char *any_proc(struct gen *g)
{
	return g->live[pick(g, g->nr_live)];
}

static uint64_t any_addr(struct gen *g)
{
	if (g->o->large && !pick(g, 3))
		return GEN_LARGE_BASE + (uint64_t)pick(g, GEN_LARGE_SLOTS * 256) * 4096;
	if (g->o->huge && !pick(g, 4))
		return GEN_HUGE_BASE + (uint64_t)pick(g, GEN_HUGE_SLOTS * 512) * 4096;
	return GEN_BASE + (uint64_t)pick(g, g->o->pages) * 4096;
}

static unsigned int any_len(struct gen *g)
{
	/* mostly small, sometimes spanning several VMAs */
	return 1 + (pick(g, 4) ? pick(g, 8) : pick(g, 32));
}

static const char *any_prot(struct gen *g)
{
	static const char *const prots[] = { "rw-", "rw-", "rw-", "r--", "---", "rwx" };

	return prots[pick(g, sizeof(prots) / sizeof(prots[0]))];
}

static void gen_mmap(struct gen *g)
{
	uint64_t addr = any_addr(g);
	unsigned int len = any_len(g);

	const char *proc, *prot;
	unsigned int off, size;

	if (g->o->large && !pick(g, 3)) {
		/* 64 KiB to 512 KiB where large folios of any size fit, sometimes off by a page */
		addr = GEN_LARGE_BASE + (uint64_t)pick(g, GEN_LARGE_SLOTS) * (1ULL << 20);
		addr += pick(g, 4) ? 0 : 4096 * (1 + pick(g, 15));
		size = 64U << pick(g, 4);
		proc = any_proc(g);
		fprintf(g->out, "mmap %s 0x%llx %uK rw-\n", proc, (unsigned long long)addr, size);
		return;
	}
	if (g->o->huge && !pick(g, 3)) {
		/* a whole-THP-sized region, sometimes off by a page */
		addr = GEN_HUGE_BASE + (uint64_t)pick(g, GEN_HUGE_SLOTS) * (2ULL << 20);
		addr += pick(g, 4) ? 0 : 4096;
		size = 2 + 2 * pick(g, 2);
		proc = any_proc(g);
		fprintf(g->out, "mmap %s 0x%llx %uM rw-\n", proc, (unsigned long long)addr, size);
		return;
	}

	if (g->file_declared && !pick(g, 4)) {
		off = pick(g, 16) * 4096;
		prot = any_prot(g);
		proc = any_proc(g);
		fprintf(g->out, "mmap %s 0x%llx %uK %s lib 0x%x\n", proc,
			(unsigned long long)addr, len * 4, prot, off);
	} else {
		prot = any_prot(g);
		proc = any_proc(g);
		fprintf(g->out, "mmap %s 0x%llx %uK %s\n", proc, (unsigned long long)addr, len * 4,
			prot);
	}
}

/*
 * "OP PROC ADDR LEN [TAIL]" on a random range. The draws are made one per
 * statement, last argument first, which is the order gcc evaluated the
 * arguments of the fprintf() this replaces: a seed gives the same file
 * whatever compiler built the generator (C leaves argument order open).
 */
static void gen_simple(struct gen *g, const char *op, const char *tail)
{
	unsigned int len = any_len(g);
	uint64_t addr = any_addr(g);
	const char *proc = any_proc(g);

	fprintf(g->out, "%s %s 0x%llx %uK%s%s\n", op, proc, (unsigned long long)addr, len * 4,
		tail ? " " : "", tail ? tail : "");
}

static void gen_mremap(struct gen *g)
{
	uint64_t addr = any_addr(g);
	unsigned int old_len = any_len(g), new_len = pick(g, 2) ? old_len : any_len(g);

	if (g->o->huge && !pick(g, 5)) {
		/*
		 * A whole huge slot to another, aligned or a page off: a THP or
		 * the huge zero page travels with its PMD or is split, and a
		 * VMA moved off alignment keeps faulting THPs where no page
		 * table followed it.
		 */
		unsigned int from = pick(g, GEN_HUGE_SLOTS), to = pick(g, GEN_HUGE_SLOTS);
		unsigned int off = pick(g, 2) ? 0 : 4096;
		const char *proc = any_proc(g);

		fprintf(g->out, "mremap %s 0x%llx 2M 2M 0x%llx\n", proc,
			(unsigned long long)(GEN_HUGE_BASE + (uint64_t)from * (2ULL << 20)),
			(unsigned long long)(GEN_HUGE_BASE + (uint64_t)to * (2ULL << 20) + off));
		return;
	}
	if (pick(g, 3)) {
		uint64_t to = any_addr(g);

		/* the kernel refuses overlapping ranges; keep that case rare */
		if ((to < addr + old_len * 4096ULL && addr < to + new_len * 4096ULL) && pick(g, 4))
			to = GEN_BASE + (uint64_t)(g->o->pages + pick(g, g->o->pages)) * 4096;
		const char *proc = any_proc(g);

		fprintf(g->out, "mremap %s 0x%llx %uK %uK 0x%llx\n", proc,
			(unsigned long long)addr, old_len * 4, new_len * 4, (unsigned long long)to);
	} else {
		const char *proc = any_proc(g);

		fprintf(g->out, "mremap %s 0x%llx %uK %uK\n", proc,
			(unsigned long long)addr, old_len * 4, new_len * 4);
	}
}

static void gen_fork_or_exit(struct gen *g)
{
	if (g->nr_live < g->o->max_procs && (g->nr_live < 2 || pick(g, 3))) {
		const char *parent = any_proc(g);

		snprintf(g->live[g->nr_live], sizeof(g->live[0]), "C%u", ++g->next_name);
		fprintf(g->out, "fork %s %s\n", parent, g->live[g->nr_live]);
		g->nr_live++;
	} else if (g->nr_live > 1) {
		unsigned int i = pick(g, g->nr_live);

		fprintf(g->out, "exit %s\n", g->live[i]);
		memmove(g->live[i], g->live[i + 1], (g->nr_live - i - 1) * sizeof(g->live[0]));
		g->nr_live--;
	}
}

/*
 * Sequences aimed at the rules that otherwise rest on one or two
 * hand-written scenarios each, so the generated corpus guards them too.
 * Each takes a fresh spot of the busy window; if something is mapped
 * there already, the sequence still runs and meets that instead.
 */

/* fork @parent if a process slot is free; the child's name, or NULL */
static const char *gen_fork_child(struct gen *g, const char *parent)
{
	if (g->nr_live >= g->o->max_procs)
		return NULL;
	snprintf(g->live[g->nr_live], sizeof(g->live[0]), "C%u", ++g->next_name);
	fprintf(g->out, "fork %s %s\n", parent, g->live[g->nr_live]);
	return g->live[g->nr_live++];
}

static void gen_range_op(struct gen *g, const char *op, const char *p, uint64_t addr,
			 uint64_t pages, const char *tail)
{
	fprintf(g->out, "%s %s 0x%llx %lluK%s\n", op, p, (unsigned long long)addr,
		(unsigned long long)pages * 4, tail);
}

/*
 * A range between two faulted neighbours with different anon_vmas: filled
 * by mmap, or restored by mprotect. Linux merges it with one side only
 * (both would need one anon_vma).
 */
static void rule_merge_two_anon_vmas(struct gen *g)
{
	const char *p = any_proc(g);
	uint64_t a = any_addr(g), n = 1 + pick(g, 4), pg = 4096;

	if (pick(g, 2)) {
		gen_range_op(g, "mmap", p, a, n, " rw-");
		gen_range_op(g, "touch", p, a, n, " w");
		gen_range_op(g, "mmap", p, a + 2 * n * pg, n, " rw-");
		gen_range_op(g, "touch", p, a + 2 * n * pg, n, " w");
		gen_range_op(g, "mmap", p, a + n * pg, n, " rw-");
	} else {
		gen_range_op(g, "mmap", p, a, 3 * n, " rw-");
		gen_range_op(g, "mprotect", p, a + n * pg, n, " r--");
		gen_range_op(g, "touch", p, a, n, " w");
		gen_range_op(g, "touch", p, a + 2 * n * pg, n, " w");
		gen_range_op(g, "mprotect", p, a + n * pg, n, " rw-");
	}
	gen_range_op(g, "touch", p, a, 3 * n, pick(g, 2) ? " w" : " r");
}

/* mprotect away and back in the middle of a VMA whose neighbours were forked. */
static void rule_mprotect_restore_forked(struct gen *g)
{
	const char *p = any_proc(g), *c, *q;
	uint64_t a = any_addr(g), n = 1 + pick(g, 4), pg = 4096;

	gen_range_op(g, "mmap", p, a, 3 * n, " rw-");
	gen_range_op(g, "touch", p, a, 3 * n, " w");
	c = gen_fork_child(g, p);
	q = c && pick(g, 3) ? c : p;
	gen_range_op(g, "mprotect", q, a + n * pg, n, " r--");
	if (pick(g, 2))
		gen_range_op(g, "touch", q, a + n * pg, n, " r");
	gen_range_op(g, "mprotect", q, a + n * pg, n, " rw-");
	gen_range_op(g, "touch", q, a, 3 * n, " w");
}

/*
 * A 4 MiB VMA moved so that its address and its page offset disagree
 * modulo 2 MiB (from misaligned to aligned, or the reverse), then advised
 * and faulted: Linux asks an anonymous VMA for no aligned pgoff, so a THP
 * forms wherever an aligned 2 MiB of it has no page table yet. Touches stay
 * short: a fault either maps a THP at once or one page.
 */
static void rule_thp_misaligned_pgoff(struct gen *g)
{
	const char *p = any_proc(g);
	uint64_t off = 4096ULL * (1 + pick(g, 8)), from = GEN_HUGE_BASE, to = GEN_HUGE_BASE + (4ULL << 20);

	if (pick(g, 2))
		from += off;
	else
		to += off;
	fprintf(g->out, "mmap %s 0x%llx 4M rw-\n", p, (unsigned long long)from);
	if (pick(g, 2))
		fprintf(g->out, "touch %s 0x%llx 4K w\n", p, (unsigned long long)from);
	fprintf(g->out, "mremap %s 0x%llx 4M 4M 0x%llx\n", p, (unsigned long long)from,
		(unsigned long long)to);
	fprintf(g->out, "madvise %s 0x%llx 4M hugepage\n", p, (unsigned long long)to);
	fprintf(g->out, "touch %s 0x%llx 4K %c\n", p,
		(unsigned long long)((to + (2ULL << 20) - 1) & ~((2ULL << 20) - 1)),
		pick(g, 3) ? 'w' : 'r');
	{
		/* last argument first, as gcc drew them (see gen_simple()) */
		uint64_t pages = 1 + pick(g, 8), at = to + pick(g, 1016) * 4096ULL;

		gen_range_op(g, "touch", p, at, pages, " w");
	}
}

/*
 * A THP, then MADV_DONTNEED of its head or tail only: Linux splits the PMD
 * and zaps just those pages; the rest stays mapped, now by PTEs.
 */
static void rule_thp_partial_zap(struct gen *g)
{
	const char *p = any_proc(g), *c = NULL;
	uint64_t h = GEN_HUGE_BASE + pick(g, GEN_HUGE_SLOTS) * (2ULL << 20);
	uint64_t n = 1 + pick(g, 32), at = pick(g, 2) ? h : h + (2ULL << 20) - n * 4096;

	fprintf(g->out, "mmap %s 0x%llx 2M rw-\n", p, (unsigned long long)h);
	fprintf(g->out, "madvise %s 0x%llx 2M hugepage\n", p, (unsigned long long)h);
	fprintf(g->out, "touch %s 0x%llx 4K %c\n", p, (unsigned long long)h, pick(g, 4) ? 'w' : 'r');
	if (pick(g, 2))
		c = gen_fork_child(g, p);
	gen_range_op(g, "madvise", p, at, n, " dontneed");
	gen_range_op(g, "touch", p, at, n, pick(g, 2) ? " w" : " r");
	{
		/* last argument first, as gcc drew them (see gen_simple()) */
		uint64_t page = h + pick(g, 512) * 4096ULL;
		const char *who = c && pick(g, 2) ? c : p;

		gen_range_op(g, "touch", who, page, 1, " w");
	}
}

/* Read faults in a private file mapping (fault-around), then fork and CoW. */
static void rule_fork_after_file_reads(struct gen *g)
{
	const char *p = any_proc(g), *c;
	uint64_t a = any_addr(g), n = 1 + pick(g, 8);
	bool rw = pick(g, 3);

	fprintf(g->out, "mmap %s 0x%llx %lluK %s lib 0x%x\n", p, (unsigned long long)a,
		(unsigned long long)n * 4, rw ? "rw-" : "r--", pick(g, 8) * 4096);
	gen_range_op(g, "touch", p, a, n, " r");
	c = gen_fork_child(g, p);
	if (c && rw)
		gen_range_op(g, "touch", c, a + pick(g, n) * 4096, 1, " w");
	gen_range_op(g, "touch", rw && pick(g, 2) ? p : c ? c : p, a, n, rw ? " w" : " r");
}

static void gen_rule(struct gen *g)
{
	switch (pick(g, 4)) {
	case 0:
		rule_merge_two_anon_vmas(g);
		break;
	case 1:
		rule_mprotect_restore_forked(g);
		break;
	case 2:
		if (g->o->huge) {
			if (pick(g, 2))
				rule_thp_misaligned_pgoff(g);
			else
				rule_thp_partial_zap(g);
			break;
		}
		/* fall through */
	default:
		if (g->file_declared)
			rule_fork_after_file_reads(g);
		else
			rule_merge_two_anon_vmas(g);
		break;
	}
}

void gen_opts_default(struct gen_opts *o)
{
	o->ops = 60;
	o->max_procs = 5;
	o->pages = 128;
	o->migrate = false;
	o->huge = false;
	o->large = false;
	o->rules = true;
}

void scenario_generate(uint64_t seed, const struct gen_opts *o, FILE *out)
{
	static const char *const advice[] = { "dontneed", "dontfork", "dofork", "wipeonfork",
					      "keeponfork", "hugepage", "nohugepage" };
	struct gen g = { .state = seed, .o = o, .out = out, .nr_live = 1 };

	strcpy(g.live[0], "P0");
	fprintf(out, "# generated: anonrmap gen %llu --ops %u --procs %u --pages %u%s%s%s\n",
		(unsigned long long)seed, o->ops, o->max_procs, o->pages,
		o->migrate ? " --migrate" : "", o->huge ? " --huge" : "",
		o->large ? " --large-folios" : "");
	if (pick(&g, 2)) {
		fprintf(out, "file lib 64K\n");
		g.file_declared = true;
	}
	for (unsigned int i = 0; i < o->ops; i++) {
		unsigned int r = pick(&g, 100);

		if (o->rules && r >= 90) {	/* one operation in ten is a rule sequence */
			gen_rule(&g);
			continue;
		}
		if (o->rules)
			r = r * 100 / 90;

		if (r < 22)
			gen_mmap(&g);
		else if (r < 45)
			gen_simple(&g, "touch", pick(&g, 3) ? "w" : "r");
		else if (r < 55)
			gen_simple(&g, "mprotect", any_prot(&g));
		else if (r < 63)
			gen_simple(&g, "munmap", NULL);
		else if (r < 73)
			gen_mremap(&g);
		else if (r < 81 && o->huge && !pick(&g, 2)) {
			uint64_t slot = GEN_HUGE_BASE + (uint64_t)pick(&g, GEN_HUGE_SLOTS) * (2ULL << 20);

			fprintf(out, "madvise %s 0x%llx 2M hugepage\n", any_proc(&g),
				(unsigned long long)slot);
		} else if (r < 81)
			gen_simple(&g, "madvise", advice[pick(&g, 7)]);
		else if (r < 95)
			gen_fork_or_exit(&g);
		else if (o->migrate && r < 98)
			gen_simple(&g, "migrate", NULL);
		else
			fprintf(out, "observe step%u\n", i);
	}
	fprintf(out, "observe end\n");
}

void gen_seed_config(uint64_t seed, struct anonrmap_config *cfg)
{
	anonrmap_config_init(cfg);
	cfg->thp = ANONRMAP_THP_MADVISE;
	cfg->zero_page = seed & 1;
}

struct seed_check {
	const struct scenario *scn;
	const int *predict;
	FILE *diag;
	int wrong;
};

/* An operation the page-level state says must succeed (or fail) did not. */
static void check_result(size_t i, int err, void *arg)
{
	struct seed_check *c = arg;
	int want = c->predict[i];

	if (want == PREDICT_ANY || err == want)
		return;
	c->wrong++;
	fprintf(c->diag, "%s:%u: unexpected result: %s, but the state says %s\n", c->scn->path,
		c->scn->ops[i].line, err ? obs_errno_name(-err) : "success",
		want ? obs_errno_name(-want) : "success");
}

int scenario_replay_seed(uint64_t seed, const struct gen_opts *o, const char *mode,
			 const struct anonrmap_config *cfg, FILE *diag)
{
	struct anonrmap_config def;
	char *text = NULL, err[512], name[32];
	size_t len = 0;
	struct scenario scn;
	FILE *f = open_memstream(&text, &len), *sink;
	struct seed_check c = { .scn = &scn, .diag = diag };
	int *predict, ret;

	if (!f)
		return -ENOMEM;
	scenario_generate(seed, o, f);
	fclose(f);
	snprintf(name, sizeof(name), "seed-%llu", (unsigned long long)seed);
	if (scenario_parse_buffer(name, text, len, &scn, err, sizeof(err))) {
		fprintf(diag, "generator wrote an invalid file: %s\n", err);
		free(text);
		return -EINVAL;
	}
	if (!cfg) {
		gen_seed_config(seed, &def);
		cfg = &def;
	}
	predict = calloc(scn.nr_ops ? scn.nr_ops : 1, sizeof(*predict));
	/* the busy window, and the spare window beyond it that moves go to */
	ret = predict ? scenario_predict(&scn, 2 * o->pages + 64, predict) : -ENOMEM;
	c.predict = predict;
	sink = fopen("/dev/null", "w");
	if (!ret)
		ret = sink ? scenario_replay(&scn, &(struct replay_opts){ .mode = mode,
				.config = cfg, .check = true, .diag = diag,
				.on_result = check_result, .on_result_arg = &c }, sink) : -errno;
	if (ret >= 0)
		ret += c.wrong;
	if (sink)
		fclose(sink);
	free(predict);
	scenario_free(&scn);
	free(text);
	return ret;
}
