// SPDX-License-Identifier: GPL-2.0-only
/* The kernel runner's skeleton of a scenario: only what builds processes and observes. */
#include "scenario/parser.h"

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

