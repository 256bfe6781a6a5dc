// SPDX-License-Identifier: GPL-2.0-only
/* What the three printers share: which column is the reference, and Change. */
#include <string.h>

#include "bench/report.h"
#include "mm/anon_rmap.h"

const struct bench_result *report_baseline(const struct bench_report *rep)
{
	const char *ref = anon_rmap_nth(0)->name;

	for (unsigned int d = 0; d < rep->nr_designs; d++)
		if (rep->res[d].ran && !strcmp(rep->res[d].design, ref))
			return &rep->res[d];
	return NULL;
}

bool report_change(double before, double after, double *pct)
{
	if (before == 0)
		return false;
	*pct = (after - before) / before * 100.0;
	return true;
}
