// SPDX-License-Identifier: GPL-2.0-only
/*
 * A benchmark target that writes the calls out as a scenario
 * (../shared/scenario-format.md) instead of running them, so that
 * `anonrmap compare` can run the workload on the live kernel and check
 * the classic column against what Linux allocates. Every call "succeeds"
 * here; a refusal shows in the observation of whoever runs the file.
 */
#include <errno.h>

#include "bench/target_emit.h"

#define OUT(t) (((struct emit_target *)(t))->out)

static const char *prot(int p, char buf[4])
{
	scn_prot_string(p, buf);
	return buf;
}

static int emit_file(struct bench_target *t, int file, uint64_t len)
{
	fprintf(OUT(t), "file F%d 0x%llx\n", file, (unsigned long long)len);
	return 0;
}

static int emit_mmap(struct bench_target *t, int p, uint64_t addr, uint64_t len, int pr,
		     int file, uint64_t off)
{
	char b[4];

	fprintf(OUT(t), "mmap P%d 0x%llx 0x%llx %s", p, (unsigned long long)addr,
		(unsigned long long)len, prot(pr, b));
	if (file >= 0)
		fprintf(OUT(t), " F%d 0x%llx", file, (unsigned long long)off);
	fputc('\n', OUT(t));
	return 0;
}

static int emit_munmap(struct bench_target *t, int p, uint64_t addr, uint64_t len)
{
	fprintf(OUT(t), "munmap P%d 0x%llx 0x%llx\n", p, (unsigned long long)addr,
		(unsigned long long)len);
	return 0;
}

static int emit_mprotect(struct bench_target *t, int p, uint64_t addr, uint64_t len, int pr)
{
	char b[4];

	fprintf(OUT(t), "mprotect P%d 0x%llx 0x%llx %s\n", p, (unsigned long long)addr,
		(unsigned long long)len, prot(pr, b));
	return 0;
}

static int emit_mremap(struct bench_target *t, int p, uint64_t addr, uint64_t old_len,
		       uint64_t new_len, bool fixed, uint64_t new_addr)
{
	fprintf(OUT(t), "mremap P%d 0x%llx 0x%llx 0x%llx", p, (unsigned long long)addr,
		(unsigned long long)old_len, (unsigned long long)new_len);
	if (fixed)
		fprintf(OUT(t), " 0x%llx", (unsigned long long)new_addr);
	fputc('\n', OUT(t));
	return 0;
}

static int emit_madvise(struct bench_target *t, int p, uint64_t addr, uint64_t len,
			enum scn_advice advice)
{
	fprintf(OUT(t), "madvise P%d 0x%llx 0x%llx %s\n", p, (unsigned long long)addr,
		(unsigned long long)len, scn_advice_name(advice));
	return 0;
}

static int emit_touch(struct bench_target *t, int p, uint64_t addr, uint64_t len, bool write)
{
	fprintf(OUT(t), "touch P%d 0x%llx 0x%llx %c\n", p, (unsigned long long)addr,
		(unsigned long long)len, write ? 'w' : 'r');
	return 0;
}

static int emit_fork(struct bench_target *t, int p, int child)
{
	fprintf(OUT(t), "fork P%d P%d\n", p, child);
	return 0;
}

static int emit_exit(struct bench_target *t, int p)
{
	fprintf(OUT(t), "exit P%d\n", p);
	return 0;
}

static int emit_phase(struct bench_target *t, unsigned int phase)
{
	struct emit_target *e = (struct emit_target *)t;

	fprintf(e->out, "observe %s\n", e->w->phases[phase].label);
	return ferror(e->out) ? -EIO : 0;
}

static const struct bench_target_ops emit_ops = {
	.file = emit_file,
	.mmap = emit_mmap,
	.munmap = emit_munmap,
	.mprotect = emit_mprotect,
	.mremap = emit_mremap,
	.madvise = emit_madvise,
	.touch = emit_touch,
	.fork = emit_fork,
	.exit = emit_exit,
	.phase = emit_phase,
};

void emit_target_init(struct emit_target *e, const struct bench_workload *w, FILE *out)
{
	*e = (struct emit_target){ .t = { .ops = &emit_ops, .nr_procs = 1 }, .w = w, .out = out };
}
