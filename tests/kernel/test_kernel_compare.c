/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `anonrmap compare` over every scenario in the repository and in
 * ../shared/scenarios: the classic simulator must print what the live
 * kernel prints, line for line.
 *
 * Skipped (77) where the kernel cannot be observed (compare exits 4), or
 * when the anonrmap binary or its compare command is not built.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

extern char **environ;

#define BIN ANONRMAP_BIN_DIR "/anonrmap"

struct file_list {
	char **v;
	size_t n, cap;
};

static struct file_list files;
/* compare exited 4: this machine cannot observe its kernel. */
static bool unobservable;

static void add_file(const char *path)
{
	if (files.n == files.cap) {
		files.cap = files.cap ? 2 * files.cap : 64;
		files.v = realloc(files.v, files.cap * sizeof(*files.v));
		if (!files.v)
			abort();
	}
	files.v[files.n] = strdup(path);
	if (!files.v[files.n])
		abort();
	files.n++;
}

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t len = strlen(path);

	(void)st;
	(void)ftw;
	if (type == FTW_F && len > 4 && !strcmp(path + len - 4, ".scn"))
		add_file(path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs the binary with @argv, stdout into *out; returns the wait status. */
static int run(char *const argv[], char **out)
{
	posix_spawn_file_actions_t fa;
	size_t len = 0;
	FILE *m = open_memstream(out, &len);
	char buf[4096];
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	if (!m || pipe(pipefd))
		abort();
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	posix_spawn_file_actions_addclose(&fa, pipefd[1]);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ))
		abort();
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	while ((n = read(pipefd[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			fwrite(buf, 1, (size_t)n, m);
	close(pipefd[0]);
	fclose(m);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			abort();
	return status;
}

static const char *last_line(const char *text)
{
	size_t len = strlen(text);
	const char *p;

	while (len && text[len - 1] == '\n')
		len--;
	for (p = text + len; p > text && p[-1] != '\n'; p--)
		;
	return p;
}

static void test_compare_all(void **state)
{
	char **argv = calloc(files.n + 3, sizeof(*argv)), *out = NULL;
	unsigned int passed, failed;
	int status;
	size_t i;

	(void)state;
	assert_non_null(argv);
	argv[0] = BIN;
	argv[1] = "compare";
	for (i = 0; i < files.n; i++)
		argv[2 + i] = files.v[i];
	status = run(argv, &out);
	free(argv);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 4) {
		unobservable = true;
		free(out);
		skip();
	}
	if (WEXITSTATUS(status) != 0)
		fprintf(stderr, "%s", out);
	assert_int_equal(sscanf(last_line(out), "%u passed, %u failed", &passed, &failed), 2);
	assert_int_equal(failed, 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(passed > 0);
	free(out);
}

/* Whether `anonrmap compare` exists in this build, and works at all. */
static bool have_compare(void)
{
	char *argv[] = { BIN, "compare", "--help", NULL }, *out = NULL;
	int status;

	if (access(BIN, X_OK))
		return false;
	status = run(argv, &out);
	free(out);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_all),
	};
	char pattern[4096];
	glob_t g;
	size_t i;
	int ret;

	if (!have_compare()) {
		fprintf(stderr, "skipped: %s compare is not available\n", BIN);
		return 77;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "skipped: the kernel runner needs root\n");
		return 77;
	}
	snprintf(pattern, sizeof(pattern), "%s/scenarios/*.scn", ANONRMAP_SHARED_DIR);
	if (!glob(pattern, 0, NULL, &g)) {
		for (i = 0; i < g.gl_pathc; i++)
			add_file(g.gl_pathv[i]);
		globfree(&g);
	}
	nftw(ANONRMAP_SOURCE_DIR "/tests/scenarios", collect, 16, FTW_PHYS);
	if (!files.n) {
		fprintf(stderr, "skipped: no scenarios found\n");
		return 77;
	}
	qsort(files.v, files.n, sizeof(*files.v), cmp_str);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	for (i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	return unobservable ? 77 : ret;
}
