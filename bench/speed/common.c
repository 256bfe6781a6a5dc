// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mm/anon_rmap.h"
#include "speed.h"

static const char *only;

void speed_only_design(const char *name)
{
	only = name;
}

/* Asked of the registry, so that a design added later is benchmarked too. */
unsigned int speed_nr_designs(void)
{
	unsigned int n = 0;

	if (only)
		return 1;
	while (anon_rmap_nth(n))
		n++;
	return n;
}

const char *speed_design(unsigned int i)
{
	return only ? only : anon_rmap_nth(i)->name;
}

double speed_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double speed_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double speed_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void speed_die(const char *what, int err)
{
	fprintf(stderr, "anonrmap-speed: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

struct anonrmap_world *speed_world(const char *mode, struct anonrmap_mm **p0)
{
	struct anonrmap_config cfg;
	struct anonrmap_world *w;
	int err;

	anonrmap_config_init(&cfg);
	cfg.mode = mode;
	/* base pages, as the live-kernel side asks for with MADV_NOHUGEPAGE */
	cfg.thp = ANONRMAP_THP_NEVER;
	err = anonrmap_world_create(&cfg, &w, p0);
	if (err)
		speed_die(mode, err);
	return w;
}

void speed_progress(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "anonrmap-speed: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

FILE *speed_csv(const struct speed_opts *o, const char *name, const char *header)
{
	char path[4096];
	FILE *f;

	if (!o->csv_dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s.csv", o->csv_dir, name);
	f = fopen(path, "w");
	if (!f)
		speed_die(path, errno);
	fprintf(f, "%s\n", header);
	return f;
}

int speed_run_self(const struct speed_opts *o, char *const args[], char *buf, size_t len)
{
	char *argv[16] = { (char *)o->self };
	int fds[2], status;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	for (int i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	if (pipe(fds))
		speed_die("pipe", errno);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		speed_die("fork", errno);
	if (!pid) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(o->self, argv);
		_exit(127);
	}
	close(fds[1]);
	while (got + 1 < len && (r = read(fds[0], buf + got, len - 1 - got)) > 0)
		got += r;
	buf[got] = 0;
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0)
		speed_die("waitpid", errno);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

struct goal {
	char goal[96], measured[96], target[64];
	int met;
};

static struct goal goals[16];
static unsigned int nr_goals;

void speed_goal(const char *goal, const char *measured, const char *target, int met)
{
	struct goal *g;

	if (nr_goals == sizeof(goals) / sizeof(goals[0]))
		return;
	g = &goals[nr_goals++];
	snprintf(g->goal, sizeof(g->goal), "%s", goal);
	snprintf(g->measured, sizeof(g->measured), "%s", measured);
	snprintf(g->target, sizeof(g->target), "%s", target);
	g->met = met;
}

int speed_print_goals(void)
{
	int missed = 0;

	if (!nr_goals)
		return 0;
	printf("\nGoals (issue 11), measured in this run:\n");
	printf("%-46s | %-28s | %-9s | %s\n", "goal", "measured", "target", "met");
	for (unsigned int i = 0; i < nr_goals; i++) {
		const struct goal *g = &goals[i];

		printf("%-46s | %-28s | %-9s | %s\n", g->goal, g->measured, g->target,
		       g->met < 0 ? "n/a" : g->met ? "yes" : "NO");
		missed += g->met == 0;
	}
	return missed;
}

/*
 * Only one process may time or count on the live kernel at once, or each
 * sees the other's allocations: the same lock as `flock /tmp/anonrmap-live.lock`.
 */
int speed_live_lock(void)
{
	int fd = open("/tmp/anonrmap-live.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666);

	if (fd < 0)
		speed_die("/tmp/anonrmap-live.lock", errno);
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		speed_progress("waiting for /tmp/anonrmap-live.lock");
		if (flock(fd, LOCK_EX))
			speed_die("flock /tmp/anonrmap-live.lock", errno);
	}
	return fd;
}

void speed_live_unlock(int fd)
{
	flock(fd, LOCK_UN);
	close(fd);
}
