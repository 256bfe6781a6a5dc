/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The process that stands for one scenario process on the live kernel.
 *
 * A worker only makes the system calls its commands name and the loads and
 * stores of `touch`. It never calls malloc or stdio and never maps anything
 * of its own: the anon_vma and anon_vma_chain counts are read for the whole
 * machine, and the runner's own process image only cancels out of "scenario
 * run minus skeleton run" if the workers' images are identical in both runs.
 */
#define _GNU_SOURCE
#include "kernel/kernel_internal.h"

#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * SIGSEGV from a touch is delivered here rather than on the worker's stack,
 * so a touch that faults writes its signal frame to pages written already.
 */
static char fault_stack[64 * 1024] __attribute__((aligned(64)));
static sigjmp_buf touch_env;
static volatile sig_atomic_t touch_armed;

static void on_fault(int sig)
{
	struct sigaction dfl;

	if (touch_armed) {
		touch_armed = 0;
		siglongjmp(touch_env, 1);
	}
	/*
	 * A fault outside a touch is a bug in the runner: die of it, so the
	 * controller reports a worker killed by the signal.
	 */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(sig, &dfl, NULL);
}

static __attribute__((noinline)) void prefault_stack(void)
{
	volatile char deep[128 * 1024];
	size_t i;

	for (i = 0; i < sizeof(deep); i += 1024)
		deep[i] = 0;
}

void worker_prefault(void)
{
	volatile char *p = fault_stack;
	size_t i;

	for (i = 0; i < sizeof(fault_stack); i += 1024)
		p[i] = 0;
	memset(&touch_env, 0, sizeof(touch_env));
	touch_armed = 0;
	prefault_stack();
}

static void install_fault_handler(void)
{
	stack_t ss = { .ss_sp = fault_stack, .ss_size = sizeof(fault_stack) };
	struct sigaction sa;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	/*
	 * SA_NODEFER leaves the signal mask alone, so siglongjmp() need not
	 * restore it: no sigprocmask call on every faulting touch.
	 */
	sa.sa_flags = SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Kept out of line so no local of touch() lives across the sigsetjmp. */
static __attribute__((noinline)) void touch_pages(uint64_t addr, uint64_t len, bool write)
{
	uint64_t off;

	for (off = 0; off < len; off += KR_PAGE_SIZE) {
		volatile char *p = (volatile char *)(uintptr_t)(addr + off);

		if (write)
			*p = 0x5a;
		else
			(void)*p;
	}
}

static int touch(uint64_t addr, uint64_t len, bool write)
{
	if (sigsetjmp(touch_env, 0))
		return EFAULT;
	touch_armed = 1;
	touch_pages(addr, len, write);
	touch_armed = 0;
	return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A worker must not outlive the controller, or it would wait forever. */
static void tie_to_controller(pid_t controller)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != controller)
		_exit(1);
}

static int do_mmap(const struct kw_cmd *c)
{
	int flags = MAP_PRIVATE | MAP_FIXED_NOREPLACE | (c->fd < 0 ? MAP_ANONYMOUS : 0);
	void *want = (void *)(uintptr_t)c->addr;
	void *p = mmap(want, c->len, c->prot, flags, c->fd, (off_t)(c->fd < 0 ? 0 : c->off));

	if (p == MAP_FAILED)
		return errno;
	if (p != want) {
		/* Kernels before 4.17 treat the flag as a hint. */
		munmap(p, c->len);
		return EEXIST;
	}
	return 0;
}

static int do_mremap(const struct kw_cmd *c)
{
	void *old = (void *)(uintptr_t)c->addr;
	void *p;

	if (c->fixed)
		p = mremap(old, c->len, c->new_len, MREMAP_MAYMOVE | MREMAP_FIXED,
			   (void *)(uintptr_t)c->new_addr);
	else
		p = mremap(old, c->len, c->new_len, 0);
	return p == MAP_FAILED ? errno : 0;
}

/*
 * clone() rather than fork(): CLONE_PARENT makes the controller the parent,
 * so it reaps every exit itself whichever worker forked the process; the
 * address space is duplicated exactly as by fork(). No glibc fork handlers
 * run, and nothing in the worker needs them.
 */
static pid_t clone_worker(void)
{
	return (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), 0UL, NULL,
			      NULL, 0UL);
}

void worker_main(const struct kw_channels *ch, int self, pid_t controller)
{
	struct kw_cmd c;
	struct kw_reply r;

	tie_to_controller(controller);
	install_fault_handler();

	for (;;) {
		if (read_full(ch->cmd[self][0], &c, sizeof(c)))
			_exit(1);
		r.err = 0;
		r.pid = 0;
		switch (c.op) {
		case KW_MMAP:
			r.err = do_mmap(&c);
			break;
		case KW_MUNMAP:
			if (munmap((void *)(uintptr_t)c.addr, c.len))
				r.err = errno;
			break;
		case KW_MPROTECT:
			if (mprotect((void *)(uintptr_t)c.addr, c.len, c.prot))
				r.err = errno;
			break;
		case KW_MREMAP:
			r.err = do_mremap(&c);
			break;
		case KW_MADVISE:
			if (madvise((void *)(uintptr_t)c.addr, c.len, c.advice))
				r.err = errno;
			break;
		case KW_TOUCH:
			r.err = touch(c.addr, c.len, c.write);
			break;
		case KW_FORK: {
			pid_t pid = clone_worker();

			if (pid == 0) {
				self = c.child;
				tie_to_controller(controller);
				continue;
			}
			if (pid < 0)
				r.err = errno;
			else
				r.pid = pid;
			break;
		}
		case KW_EXIT:
			_exit(0);
		default:
			r.err = EINVAL;
			break;
		}
		if (write_full(ch->rep[self][1], &r, sizeof(r)))
			_exit(1);
	}
}
