// SPDX-License-Identifier: GPL-2.0-only
/* Tokens to values: numbers, addresses, lengths, ranges inside the window, protections, advice; and the names printed back. */
#include "scenario/parser.h"

/* ---- values ---- */

int scn_parse_number(struct parser *p, const char *tok, const char *what,
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
			return scn_fail(p, "%s '%s': the K/M/G suffix is allowed only on lengths",
				    what, scn_clip(tok, cb));
		n--;
	}
	if (n >= 2 && s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
		n -= 2;
	}
	if (!n)
		return scn_fail(p, "number '%s' is malformed", scn_clip(tok, cb));
	if (base == 10 && n > 1 && s[0] == '0')
		return scn_fail(p, "number '%s' is malformed (leading zero; write hex as 0x...)",
			    scn_clip(tok, cb));
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
			return scn_fail(p, "number '%s' is malformed", scn_clip(tok, cb));
		if (v > (UINT64_MAX - d) / base)
			return scn_fail(p, "number out of range: '%s'", scn_clip(tok, cb));
		v = v * base + d;
	}
	if (v > UINT64_MAX / mult)
		return scn_fail(p, "number out of range: '%s'", scn_clip(tok, cb));
	*out = v * mult;
	return 0;
}

int scn_parse_addr(struct parser *p, const char *tok, const char *what, uint64_t *out)
{
	char cb[SCN_CLIP + 4];

	if (scn_parse_number(p, tok, what, false, out))
		return -1;
	if (*out % SCN_PAGE_SIZE)
		return scn_fail(p, "%s %s is not a multiple of 4096", what, scn_clip(tok, cb));
	return 0;
}

int scn_parse_len(struct parser *p, const char *tok, const char *what, uint64_t *out)
{
	char cb[SCN_CLIP + 4];

	if (scn_parse_number(p, tok, what, true, out))
		return -1;
	if (!*out)
		return scn_fail(p, "%s must be non-zero", what);
	if (*out % SCN_PAGE_SIZE)
		return scn_fail(p, "%s %s is not a multiple of 4096", what, scn_clip(tok, cb));
	return 0;
}

int scn_check_range(struct parser *p, uint64_t addr, uint64_t len)
{
	if (p->scn.version >= 2) {
		if (addr < SCN_USER_END && len <= SCN_USER_END - addr)
			return 0;
		return scn_fail(p, "range [0x%" PRIx64 ", +0x%" PRIx64 ") leaves the user address "
			    "space [0, 0x%llx)", addr, len, SCN_USER_END);
	}
	if (addr >= SCN_WINDOW_START && addr < SCN_WINDOW_END && len <= SCN_WINDOW_END - addr)
		return 0;
	if (addr + len < addr)	/* print the 65-bit end the sum stands for */
		return scn_fail(p, "range [0x%" PRIx64 ", 0x1%016" PRIx64 ") leaves the scenario window "
			    "[0x%llx, 0x%llx)", addr, addr + len, SCN_WINDOW_START, SCN_WINDOW_END);
	return scn_fail(p, "range [0x%" PRIx64 ", 0x%" PRIx64 ") leaves the scenario window "
		    "[0x%llx, 0x%llx)", addr, addr + len, SCN_WINDOW_START, SCN_WINDOW_END);
}

int scn_parse_prot(struct parser *p, const char *tok, int *prot)
{
	char cb[SCN_CLIP + 4];

	if (strlen(tok) != 3 || (tok[0] != 'r' && tok[0] != '-') ||
	    (tok[1] != 'w' && tok[1] != '-') || (tok[2] != 'x' && tok[2] != '-'))
		return scn_fail(p, "bad PROT '%s' (three characters: r or -, w or -, x or -)",
			    scn_clip(tok, cb));
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


int scn_parse_advice(struct parser *p, const char *tok, enum scn_advice *advice)
{
	char cb[SCN_CLIP + 4];
	size_t i;

	for (i = 0; i < ARRAY_LEN(advice_names); i++) {
		if (!strcmp(tok, advice_names[i])) {
			*advice = (enum scn_advice)i;
			return 0;
		}
	}
	return scn_fail(p, "unknown advice '%s' (dontneed, dontfork, dofork, wipeonfork, "
		    "keeponfork, hugepage or nohugepage)", scn_clip(tok, cb));
}

int scn_check_ident(struct parser *p, const char *tok, const char *what)
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
		return scn_fail(p, "%s name '%s' is longer than %d characters", what,
			    scn_clip(tok, cb), SCN_NAME_MAX - 1);
	return 0;
bad:
	return scn_fail(p, "bad %s name '%s' (must match [A-Za-z_][A-Za-z0-9_]*)", what,
		    scn_clip(tok, cb));
}

/* ---- tables ---- */

int scn_oom(struct parser *p)
{
	return scn_fail(p, "out of memory");
}

int scn_add_proc(struct parser *p, const char *name)
{
	size_t cap = (size_t)p->procs_cap;
	int idx = p->scn.nr_procs;
	void *n;

	n = scn_grow_array(p->scn.procs, sizeof(*p->scn.procs), &cap, (size_t)idx + 1);
	if (!n)
		return scn_oom(p);
	p->scn.procs = n;
	/* alive[] always has the same capacity as procs[]. */
	if (cap != (size_t)p->procs_cap) {
		bool *alive = realloc(p->alive, cap * sizeof(*alive));

		if (!alive)
			return scn_oom(p);
		p->alive = alive;
		p->procs_cap = (int)cap;
	}
	snprintf(p->scn.procs[idx], SCN_NAME_MAX, "%s", name);
	if (scn_ni_add(&p->proc_idx, p->scn.procs, idx))
		return scn_oom(p);
	p->alive[idx] = true;
	p->scn.nr_procs++;
	return idx;
}

int scn_lookup_proc(struct parser *p, const char *tok, int *idx)
{
	if (scn_check_ident(p, tok, "process"))
		return -1;
	*idx = scn_ni_find(&p->proc_idx, p->scn.procs, tok);
	if (*idx < 0)
		return scn_fail(p, "process '%s' does not exist (never forked)", tok);
	if (!p->alive[*idx])
		return scn_fail(p, "process '%s' does not exist (already exited)", tok);
	return 0;
}

int scn_lookup_file(struct parser *p, const char *tok, int *idx)
{
	if (scn_check_ident(p, tok, "file"))
		return -1;
	*idx = scn_ni_find(&p->file_idx, p->scn.files, tok);
	if (*idx < 0)
		return scn_fail(p, "file '%s' not declared", tok);
	return 0;
}

const char *scn_advice_name(enum scn_advice advice)
{
	if ((size_t)advice < ARRAY_LEN(advice_names))
		return advice_names[advice];
	return "?";
}


void scn_prot_string(int prot, char out[4])
{
	out[0] = prot & SCN_PROT_R ? 'r' : '-';
	out[1] = prot & SCN_PROT_W ? 'w' : '-';
	out[2] = prot & SCN_PROT_X ? 'x' : '-';
	out[3] = '\0';
}

