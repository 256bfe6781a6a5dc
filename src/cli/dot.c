// SPDX-License-Identifier: GPL-2.0-only
/*
 * anonrmap dot: the rmap topology of a scenario at one observe point, as a
 * Graphviz graph, so that a reader sees the chains each fork builds in each
 * design. PNG and SVG go through Graphviz's own `dot`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <anonrmap/world.h>

#include "cli/commands.h"
#include "mm/anon_rmap.h"
#include "mm/dot.h"
#include "record/load.h"
#include "scenario/replay.h"
#include "scenario/scenario.h"

static void dot_usage(FILE *f)
{
	fprintf(f,
		"usage: anonrmap dot [--at LABEL] [--mode MODE] [KERNEL CONFIGURATION]\n"
		"                    [-T dot|png|svg] [-o OUT] FILE\n\n"
		"Run the scenario FILE on the simulator up to its observe line LABEL (by\n"
		"default to the end) and draw the address spaces (clusters), their VMAs\n"
		"(boxes), the anon_vma_chains (edges 'avc') to the anon_vmas (ellipses),\n"
		"each anon_vma's parent and root, how many folios name each object, and\n"
		"the design's own per-VMA state (bold: classic 'anon_vma'; lazy\n"
		"'anon_vma', 'TREE_VMA' or 'PARENT').\n\n"
		"  --at LABEL     stop at 'observe LABEL'\n"
		"  -T FORMAT      dot (default, unless OUT ends in .png or .svg), png or svg;\n"
		"                 png and svg need Graphviz's dot program (package graphviz)\n"
		"  -o OUT         write there instead of standard output\n"
		"  --mode MODE    rmap design: %s (default classic)\n\n"
		"%s\n"
		"Exit status: 0 success, 1 simulator or Graphviz failure, 2 usage error or\n"
		"malformed scenario.\n", anon_rmap_names(), cli_config_help);
}

struct dot_job {
	struct replay *replay;
	const char *title;
	const char *format;	/* "dot", "png" or "svg" */
	const char *out;	/* NULL: stdout */
};

static const char *job_proc_name(unsigned int id, void *arg)
{
	return replay_mm_name(((struct dot_job *)arg)->replay, id);
}

static int write_graph(struct replay *r, void *arg)
{
	struct anonrmap_world *world = replay_world(r);
	struct dot_job *job = arg;
	FILE *f;
	int err, status;

	job->replay = r;
	if (!strcmp(job->format, "dot")) {
		f = job->out ? fopen(job->out, "w") : stdout;
		if (!f)
			return -errno;
		err = world_dot((struct world *)world, job->title, job_proc_name, job, f);
		if (job->out && fclose(f) && !err)
			err = -errno;
		return err;
	}
	{
		char cmd[4096];

		snprintf(cmd, sizeof(cmd), "dot -T%s%s%s", job->format, job->out ? " -o " : "",
			 job->out ? job->out : "");
		fflush(stdout);
		f = popen(cmd, "w");
	}
	if (!f)
		return -errno;
	err = world_dot((struct world *)world, job->title, job_proc_name, job, f);
	status = pclose(f);
	if (!err && (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status))) {
		fprintf(stderr, "anonrmap dot: Graphviz 'dot -T%s' failed%s\n", job->format,
			WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
			" (not installed? apt-get install graphviz, or use -T dot)" : "");
		return 1;
	}
	return err;
}

static const char *format_of(const char *out)
{
	size_t n = out ? strlen(out) : 0;

	if (n > 4 && !strcmp(out + n - 4, ".png"))
		return "png";
	if (n > 4 && !strcmp(out + n - 4, ".svg"))
		return "svg";
	return "dot";
}

int cmd_dot(int argc, char **argv)
{
	struct anonrmap_config cfg;
	struct replay_opts opts = { .mode = "classic", .config = &cfg, .at_stop = write_graph };
	struct dot_job job = { .format = NULL };
	const char *path = NULL;
	char err[512], title[600];
	struct scenario scn;
	int ret;

	anonrmap_config_init(&cfg);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int m = cli_config_option("dot", argc, argv, &i, &cfg);

		if (m < 0)
			return 2;
		if (m > 0)
			continue;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			dot_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--at") || !strcmp(a, "-T") || !strcmp(a, "-o") ||
			   !strcmp(a, "--mode")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "anonrmap dot: %s needs a value\n", a);
				return 2;
			}
			if (!strcmp(a, "--mode") && !anon_rmap_lookup(argv[i + 1])) {
				fprintf(stderr, "anonrmap dot: unknown mode '%s' (known: %s)\n",
					argv[i + 1], anon_rmap_names());
				return 2;
			}
			if (!strcmp(a, "--mode"))
				opts.mode = argv[++i];
			else if (!strcmp(a, "--at"))
				opts.stop_at = argv[++i];
			else if (!strcmp(a, "-o"))
				job.out = argv[++i];
			else
				job.format = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "anonrmap dot: unknown option '%s'\n", a);
			dot_usage(stderr);
			return 2;
		} else if (path) {
			fprintf(stderr, "anonrmap dot: one FILE only\n");
			return 2;
		} else {
			path = a;
		}
	}
	if (!path) {
		dot_usage(stderr);
		return 2;
	}
	if (!job.format)
		job.format = format_of(job.out);
	if (strcmp(job.format, "dot") && strcmp(job.format, "png") && strcmp(job.format, "svg")) {
		fprintf(stderr, "anonrmap dot: -T takes dot, png or svg, not '%s'\n", job.format);
		return 2;
	}
	if (scenario_load(path, &scn, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (opts.stop_at) {
		size_t i;

		for (i = 0; i < scn.nr_ops; i++)
			if (scn.ops[i].op == SCN_OBSERVE && !strcmp(scn.ops[i].label, opts.stop_at))
				break;
		if (i == scn.nr_ops) {
			fprintf(stderr, "%s: no 'observe %s' line\n", path, opts.stop_at);
			scenario_free(&scn);
			return 2;
		}
	}
	snprintf(title, sizeof(title), "%s at %s", path, opts.stop_at ? opts.stop_at : "end");
	job.title = title;
	opts.stop_arg = &job;
	ret = scenario_replay(&scn, &opts, stdout);
	scenario_free(&scn);
	if (ret < 0) {
		fprintf(stderr, "anonrmap dot: %s\n", strerror(-ret));
		return 1;
	}
	return ret ? 1 : 0;
}
