// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: scenario text through the parser, and whatever parses
 * through the replayer in every design with the checker after every
 * operation. The parser must never crash or accept-then-misbehave; a
 * rejected file must say FILE:LINE. Seeded with every scenario file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anonrmap/world.h>

#include "fuzz_common.h"
#include "scenario/replay.h"
#include "scenario/scenario.h"

/*
 * Pages a scenario may touch, fork-copy or migrate in one run: enough for
 * every hand-written scenario (the largest THP ones touch a few 2 MiB
 * regions), small enough that one input runs in milliseconds.
 */
#define FUZZ_PAGE_BUDGET (16 * 512)

static int too_costly(const struct scenario *scn)
{
	uint64_t pages = 0;

	for (size_t i = 0; i < scn->nr_ops; i++) {
		const struct scn_op *op = &scn->ops[i];

		if (op->op == SCN_TOUCH || op->op == SCN_MIGRATE)
			pages += op->len >> 12;
		else if (op->op == SCN_FILE && op->len > (64ULL << 20))
			return 1;
	}
	return pages > FUZZ_PAGE_BUDGET;
}

static void fail_line(const char *line, void *arg)
{
	fuzz_fail(arg, line);
}

static void replay_in(const struct scenario *scn, const char *mode,
		      const struct anonrmap_config *cfg)
{
	char *diag = NULL, *obs = NULL;
	size_t dlen = 0, olen = 0;
	FILE *d = open_memstream(&diag, &dlen), *o = open_memstream(&obs, &olen);
	int ret;

	if (!d || !o)
		abort();
	ret = scenario_replay(scn, &(struct replay_opts){ .mode = mode, .config = cfg,
			.check = true, .diag = d }, o);
	fclose(d);
	fclose(o);
	if (ret < 0)
		fuzz_fail(mode, "the replayer failed to run a scenario that parsed");
	/* only the first operation that breaks is judged: see findings.h */
	findings_judge_diag(mode, diag, fail_line, (void *)mode);
	free(diag);
	free(obs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const modes[] = { "classic", "lazy" };
	struct scenario scn;
	char err[512];

	if (scenario_parse_buffer("fuzz.scn", (const char *)data, size, &scn, err, sizeof(err))) {
		/* a rejection names the file and a line: "fuzz.scn:N: ..." */
		if (strncmp(err, "fuzz.scn:", 9) || err[9] < '0' || err[9] > '9')
			fuzz_fail("parser", err);
		return 0;
	}
	if (!too_costly(&scn)) {
		/* the kernel configuration must not matter: vary it with the input */
		struct anonrmap_config cfg;

		anonrmap_config_init(&cfg);
		cfg.zero_page = size & 1;
		cfg.thp = (enum anonrmap_thp)((size >> 1) % 3);
		cfg.huge_zero_page = cfg.zero_page && (size & 8);
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
			replay_in(&scn, modes[m], &cfg);
	}
	scenario_free(&scn);
	return 0;
}
