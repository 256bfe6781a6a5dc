// SPDX-License-Identifier: GPL-2.0-only
/* What every run needs and what is torn down after: files, channels, the zygote, the real-time priority and the lock that makes runners take turns. */
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

/*
 * The controller allocates while it measures (the arrays of measurements
 * grow between one step's reading and the next step). A large malloc()
 * would get its own mmap(), and that VMA its own anon_vma on first touch,
 * counted in whatever step comes next. With the threshold at its maximum,
 * every allocation comes from the brk heap, whose single VMA has had its
 * anon_vma since the first malloc.
 */
void kr_set_up_malloc(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
}

int kr_make_files(struct runner *r)
{
	static char fill[65536];
	size_t i;
	int f;

	memset(fill, FILE_FILL_BYTE, sizeof(fill));
	r->file_fds = calloc(r->scn->nr_files ? (size_t)r->scn->nr_files : 1, sizeof(int));
	if (!r->file_fds)
		return -ENOMEM;
	for (f = 0; f < r->scn->nr_files; f++)
		r->file_fds[f] = -1;
	for (i = 0; i < r->scn->nr_ops; i++) {
		const struct scn_op *op = &r->scn->ops[i];
		uint64_t done = 0;
		int fd;

		if (op->op != SCN_FILE)
			continue;
		fd = memfd_create(r->scn->files[op->file], MFD_CLOEXEC);
		if (fd < 0)
			return -errno;
		r->file_fds[op->file] = fd;
		/* Written, not truncated: every page must sit in the page cache. */
		while (done < op->len) {
			size_t want = op->len - done < sizeof(fill) ? (size_t)(op->len - done) : sizeof(fill);
			ssize_t n = write(fd, fill, want);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return n < 0 ? -errno : -EIO;
			done += (uint64_t)n;
		}
	}
	return 0;
}

void kr_close_files(struct runner *r)
{
	int f;

	if (!r->file_fds)
		return;
	for (f = 0; f < r->scn->nr_files; f++)
		if (r->file_fds[f] >= 0)
			close(r->file_fds[f]);
	free(r->file_fds);
	r->file_fds = NULL;
}

int kr_make_channels(struct runner *r)
{
	int i, n = r->scn->nr_procs + 1;

	r->ch.cmd = calloc((size_t)n, sizeof(*r->ch.cmd));
	r->ch.rep = calloc((size_t)n, sizeof(*r->ch.rep));
	if (!r->ch.cmd || !r->ch.rep)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		r->ch.cmd[i][0] = r->ch.cmd[i][1] = -1;
		r->ch.rep[i][0] = r->ch.rep[i][1] = -1;
	}
	for (i = 0; i < n; i++) {
		if (pipe2(r->ch.cmd[i], O_CLOEXEC) || pipe2(r->ch.rep[i], O_CLOEXEC))
			return -errno;
		r->ch.nr = i + 1;
	}
	r->zygote = n - 1;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void kr_close_channels(struct runner *r)
{
	int i;

	for (i = 0; i < r->ch.nr; i++) {
		close_fd(&r->ch.cmd[i][0]);
		close_fd(&r->ch.cmd[i][1]);
		close_fd(&r->ch.rep[i][0]);
		close_fd(&r->ch.rep[i][1]);
	}
	free(r->ch.cmd);
	free(r->ch.rep);
	memset(&r->ch, 0, sizeof(r->ch));
}

/*
 * The zygote is forked once, before any run, and never changes: every P0 is
 * cloned from it, so every run starts from the same process image whatever
 * the controller has allocated in between.
 */
int kr_start_zygote(struct runner *r)
{
	pid_t pid;
	int i;

	r->controller = getpid();
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		for (i = 0; i < r->ch.nr; i++) {
			close(r->ch.cmd[i][1]);
			close(r->ch.rep[i][0]);
		}
		close(r->kpf_fd);
		worker_prefault();
		worker_main(&r->ch, r->zygote, r->controller);
	}
	r->zygote_pid = pid;
	/* The worker ends are the workers' business now. */
	for (i = 0; i < r->ch.nr; i++) {
		close_fd(&r->ch.cmd[i][0]);
		close_fd(&r->ch.rep[i][1]);
	}
	return 0;
}

void kr_stop_zygote(struct runner *r)
{
	if (r->zygote_pid)
		kr_stop_worker(r, r->zygote, r->zygote_pid);
}

/*
 * A step is measured from one slab reading to the next, and whatever other
 * processes allocate meanwhile is counted with it. On a loaded machine the
 * worker that performs a step may wait milliseconds for a CPU while a
 * compiler forks and maps; as a real-time task it runs at once, and the
 * step's window shrinks to the step itself. The zygote and the workers
 * inherit the policy. Lowest real-time priority: nothing here spins, and
 * the kernel's RT throttling bounds the harm of a bug anyway.
 */
bool kr_go_realtime(struct sched_param *old_param, int *old_policy)
{
	struct sched_param rt = { .sched_priority = sched_get_priority_min(SCHED_FIFO) };

	*old_policy = sched_getscheduler(0);
	if (*old_policy < 0 || sched_getparam(0, old_param))
		return false;
	return sched_setscheduler(0, SCHED_FIFO, &rt) == 0;
}

/*
 * Two runners on one machine would count each other's objects; a lock file
 * makes concurrent invocations (ctest -j) take turns. Without one the runner
 * still works, only noisier.
 */
int kr_take_lock(void)
{
	static const char *const paths[] = { "/run/lock/anonrmap-kernel.lock",
					     "/tmp/anonrmap-kernel.lock" };
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = open(paths[i], O_RDWR | O_CREAT | O_CLOEXEC, 0666);

		if (fd < 0)
			continue;
		while (flock(fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				close(fd);
				fd = -1;
				break;
			}
		}
		if (fd >= 0)
			return fd;
	}
	return -1;
}

/* ---- repetitions ---- */

