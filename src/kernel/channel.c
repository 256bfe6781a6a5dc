// SPDX-License-Identifier: GPL-2.0-only
/* Talking to the worker processes over their pipes: commands, replies, deaths. */
#define _GNU_SOURCE
#include "kernel/run.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int kr_send_cmd(struct runner *r, int idx, const struct kw_cmd *c)
{
	const char *p = (const char *)c;
	size_t left = sizeof(*c);

	while (left) {
		ssize_t n = write(r->ch.cmd[idx][1], p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

static void report_death(struct runner *r, pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		fprintf(r->diag, "anonrmap: kernel: %s: worker %d killed by signal %d\n",
			r->scn->path, (int)pid, WTERMSIG(status));
	else
		fprintf(r->diag, "anonrmap: kernel: %s: worker %d exited with status %d\n",
			r->scn->path, (int)pid, WEXITSTATUS(status));
}

/* Forget @pid wherever it is recorded, once it has been reaped. */
static void forget(struct runner *r, pid_t pid)
{
	int i;

	for (i = 0; r->pids && i < r->scn->nr_procs; i++)
		if (r->pids[i] == pid)
			r->pids[i] = 0;
	if (r->zygote_pid == pid)
		r->zygote_pid = 0;
}

/*
 * Nobody else holds the reply pipe's read end, but every worker holds its
 * write end, so a dead worker shows up as silence, not as EOF: poll and
 * check on the worker between waits.
 */
static int recv_reply(struct runner *r, int idx, pid_t pid, struct kw_reply *rep)
{
	struct pollfd pfd = { .fd = r->ch.rep[idx][0], .events = POLLIN };
	char *p = (char *)rep;
	size_t left = sizeof(*rep);
	int waited = 0, status;

	while (left) {
		int n = poll(&pfd, 1, 1000);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			if (waitpid(pid, &status, WNOHANG) == pid) {
				report_death(r, pid, status);
				forget(r, pid);
				return -ECHILD;
			}
			waited += 1000;
			if (waited >= REPLY_TIMEOUT_MS) {
				fprintf(r->diag, "anonrmap: kernel: %s: worker %d does not answer\n",
					r->scn->path, (int)pid);
				return -ETIMEDOUT;
			}
			continue;
		}
		{
			ssize_t got = read(pfd.fd, p, left);

			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				return got < 0 ? -errno : -EPIPE;
			p += got;
			left -= (size_t)got;
		}
	}
	return 0;
}

int kr_reap(struct runner *r, pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	forget(r, pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		report_death(r, pid, status);
		return -ECHILD;
	}
	return 0;
}

int kr_command(struct runner *r, int idx, pid_t pid, const struct kw_cmd *c,
		   struct kw_reply *rep)
{
	int err = kr_send_cmd(r, idx, c);

	if (err)
		return err;
	return recv_reply(r, idx, pid, rep);
}

int kr_stop_worker(struct runner *r, int idx, pid_t pid)
{
	struct kw_cmd c = { .op = KW_EXIT };
	int err = kr_send_cmd(r, idx, &c);

	if (err) {
		kill(pid, SIGKILL);
		kr_reap(r, pid);
		return err;
	}
	return kr_reap(r, pid);
}

/* On an error path: nothing of the run may survive into the next one. */
void kr_kill_workers(struct runner *r)
{
	int i;

	for (i = 0; i < r->scn->nr_procs; i++) {
		pid_t pid = r->pids[i];

		if (pid) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			r->pids[i] = 0;
		}
	}
}

