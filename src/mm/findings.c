// SPDX-License-Identifier: GPL-2.0-only
#include "mm/findings.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Substrings of the checker's messages, with the finding each stands for. */
static const char *const lazy_known[] = {
	"but an rmap walk from it does not find it",	/* findings 1-4 */
	"has left the address space",			/* findings 1, 2 */
	"has been unlinked, so its folios resolve to nothing",	/* finding 1 */
	"refcount",					/* finding 5 */
	"mapping names a VMA of mm",			/* finding 4 */
	"mapping names a freed VMA",			/* finding 4 */
	"vm_area_struct leak",				/* finding 3 */
	"in the tree but removed by a merge",		/* finding 3 */
	"while still in the tree",			/* finding 3 */
	"names a freed lazy root VMA",			/* finding 3 */
	"tree holds a VMA that is gone",		/* finding 3 in a fork child */
	"anon_vma_chain leak",				/* finding 3 in a fork child */
	"anon_vma leak",				/* finding 5 */
	"which has no anon_vma lock to split it under",	/* finding 10 */
	"vma_end_read() without a read lock",		/* finding 14 */
	"wait for ever for a read lock nothing ends",	/* finding 14 */
	"is in its tree but not in its parent's",	/* finding 16 */
	"its parent anon_vma",				/* finding 16 */
	"which has exited",				/* findings 11, 13: a walk outlives exit */
	"handed a freed VMA",				/* finding 12 */
	NULL,
};

bool violation_is_documented(const char *mode, const char *violation)
{
	if (!mode || strcmp(mode, "lazy"))
		return false;
	for (const char *const *k = lazy_known; *k; k++)
		if (strstr(violation, *k))
			return true;
	return false;
}

int findings_judge_diag(const char *mode, const char *diag,
			void (*bad)(const char *line, void *arg), void *arg)
{
	static const char tag[] = ": invariant violated: ";
	unsigned long first = 0;
	int nr_bad = 0;

	while (diag && *diag) {
		const char *end = strchr(diag, '\n'), *colon = strchr(diag, ':');
		size_t len = end ? (size_t)(end - diag) : strlen(diag);
		char *line = strndup(diag, len), *v;
		unsigned long at = colon && colon < diag + len ? strtoul(colon + 1, NULL, 10) : 0;

		diag += len + (end ? 1 : 0);
		if (!line)
			abort();
		if (!first)
			first = at;
		v = strstr(line, tag);
		if (at && at != first) {
			free(line);
			continue;
		}
		if (!at || !v || !violation_is_documented(mode, v + sizeof(tag) - 1)) {
			nr_bad++;
			if (bad)
				bad(line, arg);
		}
		free(line);
	}
	return nr_bad;
}
