/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Does a read fault on untouched private anonymous memory map the shared
 * zero page? Upstream Linux does; some kernels do not (this project's
 * machines boot with a patch, `pvm_no_zero_page=1`, that allocates a private
 * page instead, and mm_forbids_zeropage() architectures never map it). The
 * answer decides which simulator setting the kernel is compared with, so it
 * is measured rather than guessed from the kernel version.
 */
#define _GNU_SOURCE
#include "kernel/kernel_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
	ZP_ZERO = 10,
	ZP_PRIVATE = 11,
	ZP_UNKNOWN = 12,
};

/* In a throwaway child, so the caller's address space gains nothing. */
static __attribute__((noreturn)) void probe(void)
{
	uint64_t entry = 0, flags = 0;
	volatile char *p;
	int pm, kpf;

	p = mmap(NULL, KR_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(ZP_UNKNOWN);
	(void)*p;
	pm = open("/proc/self/pagemap", O_RDONLY);
	kpf = open("/proc/kpageflags", O_RDONLY);
	if (pm < 0 || kpf < 0)
		_exit(ZP_UNKNOWN);
	if (pread(pm, &entry, sizeof(entry), (off_t)((uintptr_t)p / KR_PAGE_SIZE * 8)) != 8)
		_exit(ZP_UNKNOWN);
	if (!(entry & (1ULL << 63)) || !(entry & ((1ULL << 55) - 1)))
		_exit(ZP_UNKNOWN);
	if (pread(kpf, &flags, sizeof(flags), (off_t)((entry & ((1ULL << 55) - 1)) * 8)) != 8)
		_exit(ZP_UNKNOWN);
	if (flags & (1ULL << 24))
		_exit(ZP_ZERO);
	if (flags & (1ULL << 12))
		_exit(ZP_PRIVATE);
	_exit(ZP_UNKNOWN);
}

int zeropage_detect(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	int status, ret;
	pid_t pid;

	/* An inherited SIG_IGN would let the child be reaped behind our back. */
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &old);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		probe();
	if (pid < 0) {
		ret = -errno;
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ret = -errno;
			goto out;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == ZP_ZERO)
		ret = 1;
	else if (WIFEXITED(status) && WEXITSTATUS(status) == ZP_PRIVATE)
		ret = 0;
	else
		ret = -EPROTO;
out:
	sigaction(SIGCHLD, &old, NULL);
	return ret;
}
