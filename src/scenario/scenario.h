/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scenario language (docs/scenario-format.md: version 1, the shared
 * one, and version 2, which adds what recorded programs need).
 *
 * A scenario is parsed completely before anything runs: the simulator and
 * the live-kernel runner both consume the same struct scenario, so the two
 * can never disagree about what a file means.
 */
#ifndef ANONRMAP_SCENARIO_H
#define ANONRMAP_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SCN_WINDOW_START 0x100000000000ULL
#define SCN_WINDOW_END 0x200000000000ULL
/* Version 2 ranges may lie anywhere below x86-64's 47-bit TASK_SIZE. */
#define SCN_USER_END 0x800000000000ULL
#define SCN_NAME_MAX 64
#define SCN_LINE_MAX 4096

enum scn_opcode {
	SCN_FILE,	/* file F LEN */
	SCN_MMAP,	/* mmap P ADDR LEN PROT [F OFF] */
	SCN_MUNMAP,	/* munmap P ADDR LEN */
	SCN_MPROTECT,	/* mprotect P ADDR LEN PROT */
	SCN_MREMAP,	/* mremap P OLD OLDLEN NEWLEN [NEW] */
	SCN_MADVISE,	/* madvise P ADDR LEN ADVICE */
	SCN_TOUCH,	/* touch P ADDR LEN r|w */
	SCN_FORK,	/* fork P C */
	SCN_EXIT,	/* exit P */
	SCN_MIGRATE,	/* migrate P ADDR LEN */
	SCN_OBSERVE,	/* observe LABEL */
	/* version 2 only */
	SCN_BRK,	/* brk P OLD NEW */
	SCN_STACK,	/* stack P ADDR LEN */
	SCN_GROW,	/* grow P ADDR */
	SCN_SPECIAL,	/* special P ADDR LEN PROT NAME */
	SCN_EXEC,	/* exec P */
	SCN_THREAD,	/* thread P T: T shares P's mm (clone with CLONE_VM) */
	SCN_VFORK,	/* vfork P C: C shares P's mm until it execs or exits */
	SCN_EXPECT,	/* expect P ADDR LEN PROT4 PAGES */
};

/* SCN_MMAP flags (version 2) */
#define SCN_MAP_FIXED 0x1
#define SCN_MAP_SHARED 0x2
#define SCN_MAP_NORESERVE 0x4
#define SCN_MAP_STACK 0x8

/* Pages [first, last] of an expected VMA, numbered from its start. */
struct scn_prange {
	uint32_t first, last;
};

enum scn_advice {
	SCN_MADV_DONTNEED,
	SCN_MADV_DONTFORK,
	SCN_MADV_DOFORK,
	SCN_MADV_WIPEONFORK,
	SCN_MADV_KEEPONFORK,
	SCN_MADV_HUGEPAGE,
	SCN_MADV_NOHUGEPAGE,
};

/* PROT bits, numerically equal to PROT_READ/PROT_WRITE/PROT_EXEC. */
#define SCN_PROT_R 0x1
#define SCN_PROT_W 0x2
#define SCN_PROT_X 0x4

/*
 * One operation. Processes and files are referred to by index: processes in
 * order of creation (P0 is 0, each fork's child the next index), files in
 * order of declaration. The parser has already checked that each process
 * named is alive at that point of the file and each file was declared.
 */
struct scn_op {
	enum scn_opcode op;
	unsigned int line;	/* 1-based line number in the file */
	int proc;		/* acting process (not for SCN_FILE/OBSERVE) */
	int child;		/* SCN_FORK: index of the new process */
	int file;		/* SCN_FILE: index declared; SCN_MMAP: -1 if anon */
	uint64_t addr;		/* ADDR or OLD */
	uint64_t len;		/* LEN or OLDLEN; SCN_FILE: file length */
	uint64_t new_len;	/* SCN_MREMAP */
	uint64_t new_addr;	/* SCN_MREMAP with NEW */
	bool fixed;		/* SCN_MREMAP: NEW given (MREMAP_MAYMOVE|MREMAP_FIXED) */
	uint64_t off;		/* SCN_MMAP of a file: byte offset */
	int prot;		/* SCN_PROT_* bits */
	bool write;		/* SCN_TOUCH */
	enum scn_advice advice;	/* SCN_MADVISE */
	char label[SCN_NAME_MAX]; /* SCN_OBSERVE; SCN_SPECIAL: its NAME */
	int map_flags;		/* SCN_MMAP: SCN_MAP_* */
	bool shared;		/* SCN_EXPECT: PROT4 ends in 's' */
	uint64_t dev, ino;	/* SCN_FILE (version 2): device and inode, 0 if not given */
	size_t ranges_at;	/* SCN_EXPECT: its present anonymous pages are */
	uint32_t nr_ranges;	/*   scenario.ranges[ranges_at .. + nr_ranges) */
};

struct scenario {
	char *path;		/* as given, for messages */
	struct scn_op *ops;
	size_t nr_ops;
	/* process names by index, in creation order; nr_procs counts all ever created */
	char (*procs)[SCN_NAME_MAX];
	int nr_procs;
	char (*files)[SCN_NAME_MAX];
	int nr_files;
	bool has_observe;
	bool uses_migrate;
	int version;		/* 1, or 2 after a `version 2` line */
	struct scn_prange *ranges;	/* of SCN_EXPECT lines */
	size_t nr_ranges;
};

/*
 * Parse @path. On success returns 0 and fills @scn. On a malformed file
 * returns -1 and writes one message "PATH:LINE: reason" (no trailing
 * newline) into @err; nothing is allocated in @scn then.
 */
int scenario_parse_file(const char *path, struct scenario *scn, char *err, size_t errlen);
/* The same for text already in memory; @name stands for the path in messages. */
int scenario_parse_buffer(const char *name, const char *buf, size_t len,
			  struct scenario *scn, char *err, size_t errlen);
void scenario_free(struct scenario *scn);

/*
 * The skeleton of a scenario: only its fork, exit and observe lines (plus the
 * process and file tables, unchanged). The live-kernel runner subtracts the
 * skeleton's object counts from the scenario's.
 */
int scenario_skeleton(const struct scenario *scn, struct scenario *skel);

const char *scn_advice_name(enum scn_advice advice);
/* The word that starts an operation's line ("mmap"). */
const char *scn_op_name(enum scn_opcode op);
/* "rw-" style, three characters plus NUL. */
void scn_prot_string(int prot, char out[4]);

/*
 * Observation blocks: both the simulator and the kernel runner fill one of
 * these per `observe` line and hand it to obs_print(), so that page numbering
 * (the aN/fN counter shared across processes) is written exactly once.
 */
enum obs_page_kind {
	OBS_NONE,	/* "-" */
	OBS_ZERO,	/* "z" */
	OBS_ANON,	/* "aN" */
	OBS_FILE,	/* "fN" */
};

struct obs_page {
	enum obs_page_kind kind;
	/*
	 * Identity of the physical page: any value that is equal for the same
	 * page and different for different pages within one block (a PFN in
	 * the kernel runner, a struct page address in the simulator).
	 */
	uint64_t id;
};

struct obs_vma {
	uint64_t start, end;
	char prot[5];		/* as /proc/PID/maps: "rw-p" */
	struct obs_page *pages;	/* (end - start) / 4096 entries */
};

struct obs_proc {
	char name[SCN_NAME_MAX];
	struct obs_vma *vmas;
	size_t nr_vmas;
};

struct obs_fail {
	unsigned int line;
	int err;		/* positive errno */
};

struct obs_block {
	char label[SCN_NAME_MAX];
	struct obs_fail *fails;
	size_t nr_fails;
	struct obs_proc *procs;	/* live processes, creation order */
	size_t nr_procs;
	long count_anon_vma;
	long count_anon_vma_chain;
};

/* Print @b in canonical form; "count vmas" is derived from the VMA lists. */
void obs_print(FILE *out, const struct obs_block *b);
/* Free what obs_* helpers allocated inside @b (pages, vmas, procs, fails). */
void obs_block_release(struct obs_block *b);
/* Symbolic name of a positive errno ("EEXIST"), or "E<number>" if unknown. */
const char *obs_errno_name(int err);

#endif
