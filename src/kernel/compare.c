/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `anonrmap compare`: each scenario on the live kernel and on the simulator,
 * observations compared line by line. The kernel is the reference for the
 * classic mode, so any difference there is a simulator bug (or a kernel
 * behaviour not modelled yet).
 */
#define _GNU_SOURCE
#include <anonrmap/config.h>

#include "kernel/kernel_runner.h"
#include "kernel/cmd_args.h"
#include "scenario/replay.h"

#include <stdlib.h>
#include <string.h>

static const char compare_usage[] =
	"usage: anonrmap compare [--mode MODE] [--reps N] [--verbose] FILE...\n";

static const char compare_help[] =
	"Run each scenario FILE on the live kernel and on the simulator (in MODE,\n"
	"default classic, with the zero page used as this kernel uses it) and\n"
	"compare the observations. Prints one line per file, PASS, SKIP or the\n"
	"first differing line, and ends with the line \"N passed, M failed\".\n"
	"Files that use migrate are skipped and counted in neither number. When\n"
	"the machine is so busy that the kernel's counts do not come out clear\n"
	"and they differ from the simulator's, the kernel side is run again, up\n"
	"to three times in all.\n"
	"\n"
	"  --mode MODE  the simulator's rmap design (default classic)\n"
	"  --reps N     kernel runs per file for the counts (default 5)\n"
	"  --verbose    progress and count samples on stderr\n"
	"  --help       this text\n"
	"\n"
	"Exit status: 0 no file failed, 1 some file failed, 2 bad usage or a\n"
	"malformed FILE (then nothing runs), 4 the kernel cannot be observed here.\n";

/* Next line of @text at *@pos, without its newline; NULL at the end. */
static const char *next_line(const char *text, size_t len, size_t *pos, size_t *line_len)
{
	const char *start, *nl;

	if (*pos >= len)
		return NULL;
	start = text + *pos;
	nl = memchr(start, '\n', len - *pos);
	*line_len = nl ? (size_t)(nl - start) : len - *pos;
	*pos += *line_len + (nl ? 1 : 0);
	return start;
}

/*
 * Prints the verdict for one file; returns true when the outputs are equal.
 * Long pages lines are cut: the start of the line locates the difference.
 */
static bool compare_outputs(const char *path, const char *k, size_t klen, const char *s,
			    size_t slen)
{
	size_t kpos = 0, spos = 0, kl = 0, sl = 0, lineno = 0;
	const int cut = 200;

	for (;;) {
		const char *kline = next_line(k, klen, &kpos, &kl);
		const char *sline = next_line(s, slen, &spos, &sl);

		lineno++;
		if (!kline && !sline) {
			printf("%s: PASS\n", path);
			return true;
		}
		if (kline && sline && kl == sl && !memcmp(kline, sline, kl))
			continue;
		printf("%s: line %zu: kernel ", path, lineno);
		if (kline)
			printf("'%.*s%s'", kl > (size_t)cut ? cut : (int)kl, kline,
			       kl > (size_t)cut ? "..." : "");
		else
			printf("<end of output>");
		printf(" simulator ");
		if (sline)
			printf("'%.*s%s'", sl > (size_t)cut ? cut : (int)sl, sline,
			       sl > (size_t)cut ? "..." : "");
		else
			printf("<end of output>");
		putchar('\n');
		return false;
	}
}

enum verdict { V_PASS, V_FAIL, V_SKIP };

/* Attempts at the kernel side of a file whose counts will not come out clear. */
#define UNCLEAR_ATTEMPTS 3

static enum verdict compare_one(const struct scenario *scn, const struct kernel_opts *kopts,
				const struct replay_opts *ropts)
{
	char *kout = NULL, *sout = NULL;
	size_t klen = 0, slen = 0;
	enum verdict v = V_FAIL;
	FILE *kf = NULL, *sf = NULL;
	struct kernel_report rep;
	int status, rc, attempt;

	if (scn->uses_migrate) {
		printf("%s: SKIP (uses migrate, which the kernel runner cannot do)\n", scn->path);
		return V_SKIP;
	}
	if (scn->version >= 2) {
		printf("%s: SKIP (format version 2 runs on the simulator only)\n", scn->path);
		return V_SKIP;
	}
	sf = open_memstream(&sout, &slen);
	if (!sf) {
		printf("%s: FAIL (out of memory)\n", scn->path);
		goto out;
	}
	rc = scenario_replay(scn, ropts, sf);
	fflush(sf);
	if (rc < 0) {
		printf("%s: FAIL (the simulator could not run: %s)\n", scn->path, strerror(-rc));
		goto out;
	}
	/*
	 * A kernel observation whose counts never became clear is a guess
	 * made on a busy machine. When it disagrees with the simulator, ask
	 * the kernel again before blaming the simulator; a clear one is
	 * final.
	 */
	for (attempt = 1; attempt <= UNCLEAR_ATTEMPTS; attempt++) {
		if (kf)
			fclose(kf);
		free(kout);
		kout = NULL;
		klen = 0;
		kf = open_memstream(&kout, &klen);
		if (!kf) {
			printf("%s: FAIL (out of memory)\n", scn->path);
			goto out;
		}
		status = kernel_run_scenario_report(scn, kopts, kf, &rep);
		fflush(kf);
		if (status != KERNEL_OK) {
			printf("%s: FAIL (the kernel runner failed, status %d)\n", scn->path, status);
			goto out;
		}
		if (!rep.unclear || attempt == UNCLEAR_ATTEMPTS ||
		    (klen == slen && !memcmp(kout, sout, klen)))
			break;
		fprintf(stderr, "anonrmap: compare: %s: the kernel's counts were not clear and "
			"differ from the simulator's; running it again\n", scn->path);
	}
	v = compare_outputs(scn->path, kout, klen, sout, slen) ? V_PASS : V_FAIL;
out:
	if (kf)
		fclose(kf);
	if (sf)
		fclose(sf);
	free(kout);
	free(sout);
	fflush(stdout);
	return v;
}

int kernel_compare_cmd(int argc, char **argv)
{
	struct kernel_opts kopts = { 0 };
	struct replay_opts ropts = { 0 };
	struct anonrmap_config host;
	char line[512];
	struct scenario *scns;
	struct cmd_args a;
	char err[SCN_LINE_MAX + 256], why[4600];
	int i, parsed = 0, passed = 0, failed = 0, status, zp;
	bool bad = false;

	status = cmd_args_parse(argc, argv, true, &a);
	if (status == CMD_ARGS_HELP) {
		fputs(compare_usage, stdout);
		fputs(compare_help, stdout);
		return KERNEL_OK;
	}
	if (status == CMD_ARGS_BAD || a.nr_files < 1) {
		if (status != CMD_ARGS_BAD)
			fprintf(stderr, "anonrmap: compare: expects at least one FILE\n");
		fputs(compare_usage, stderr);
		return KERNEL_USAGE;
	}
	kopts.reps = a.reps;
	kopts.verbose = a.verbose;
	ropts.mode = a.mode ? a.mode : "classic";

	/* Nothing runs unless every file parses: a typo must not half-pass. */
	scns = calloc((size_t)a.nr_files, sizeof(*scns));
	if (!scns) {
		fprintf(stderr, "anonrmap: compare: out of memory\n");
		return KERNEL_FAILED;
	}
	for (i = 0; i < a.nr_files; i++) {
		if (scenario_parse_file(a.files[i], &scns[parsed], err, sizeof(err))) {
			fprintf(stderr, "anonrmap: %s\n", err);
			bad = true;
			continue;
		}
		parsed++;
	}
	if (bad) {
		status = KERNEL_USAGE;
		goto out;
	}
	if (kernel_observable(why, sizeof(why)) != KERNEL_OK) {
		fprintf(stderr, "anonrmap: compare: %s\n", why);
		status = KERNEL_UNOBSERVABLE;
		goto out;
	}
	zp = kernel_zero_page();
	fprintf(stderr, "anonrmap: %s\n", kernel_zero_page_message(zp));
	if (kernel_host_config(NULL, zp, &host, why, sizeof(why))) {
		fprintf(stderr, "anonrmap: compare: %s\n", why);
		status = KERNEL_UNOBSERVABLE;
		goto out;
	}
	anonrmap_config_format(&host, line, sizeof(line));
	fprintf(stderr, "anonrmap: compare: the simulator runs as this host: %s\n", line);
	ropts.config = &host;

	for (i = 0; i < parsed; i++) {
		switch (compare_one(&scns[i], &kopts, &ropts)) {
		case V_PASS:
			passed++;
			break;
		case V_FAIL:
			failed++;
			break;
		case V_SKIP:
			break;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	fflush(stdout);
	status = failed ? KERNEL_FAILED : KERNEL_OK;
out:
	for (i = 0; i < parsed; i++)
		scenario_free(&scns[i]);
	free(scns);
	return status;
}
