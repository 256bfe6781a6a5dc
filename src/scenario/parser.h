/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parser's pieces, shared by the files that hold them: scn_lex.c reads
 * bytes into lines and tokens and reports errors with FILE:LINE,
 * scn_values.c turns tokens into numbers, ranges, protections and names,
 * scn_name_index.c finds process and file names, parse.c gives each line
 * its meaning, skeleton.c derives the kernel runner's skeleton.
 */
#ifndef ANONRMAP_SCN_PARSER_H
#define ANONRMAP_SCN_PARSER_H

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


int scn_fail(struct parser *p, const char *fmt, ...);
const char *scn_clip(const char *tok, char buf[SCN_CLIP + 4]);
int scn_read_line(struct parser *p, char *line);
int scn_tokenize(struct parser *p, char *line, struct tokens *t);
void scn_ni_free(struct name_index *ni);
void *scn_grow_array(void *arr, size_t size, size_t *cap, size_t need);
int scn_parse_number(struct parser *p, const char *tok, const char *what,
			bool suffix_ok, uint64_t *out);
int scn_parse_addr(struct parser *p, const char *tok, const char *what, uint64_t *out);
int scn_parse_len(struct parser *p, const char *tok, const char *what, uint64_t *out);
int scn_check_range(struct parser *p, uint64_t addr, uint64_t len);
int scn_parse_prot(struct parser *p, const char *tok, int *prot);
int scn_parse_advice(struct parser *p, const char *tok, enum scn_advice *advice);
int scn_check_ident(struct parser *p, const char *tok, const char *what);
int scn_oom(struct parser *p);
int scn_add_proc(struct parser *p, const char *name);
int scn_lookup_proc(struct parser *p, const char *tok, int *idx);
int scn_lookup_file(struct parser *p, const char *tok, int *idx);

int scn_ni_find(const struct name_index *ni, char (*names)[SCN_NAME_MAX], const char *s);
int scn_ni_add(struct name_index *ni, char (*names)[SCN_NAME_MAX], int idx);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
