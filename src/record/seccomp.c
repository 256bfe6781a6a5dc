// SPDX-License-Identifier: GPL-2.0-only
/*
 * The traced command's first steps: PTRACE_TRACEME, a stop for the tracer
 * to set its options, and a seccomp filter that hands only the memory
 * system calls to the tracer (SECCOMP_RET_TRACE). The filter is inherited
 * by every child and kept across exec, so the tracer stops on the few
 * calls that change a mm instead of on every system call, which is what
 * keeps `make` under the recorder a few times slower instead of hundreds.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "record/tracer.h"

static const unsigned int traced_nrs[] = {
	SYS_mmap, SYS_munmap, SYS_mprotect, SYS_pkey_mprotect, SYS_mremap, SYS_madvise,
	SYS_brk, SYS_execve, SYS_execveat,
};

#define NR_TRACED (sizeof(traced_nrs) / sizeof(traced_nrs[0]))

static int install_filter(void)
{
	struct sock_filter f[4 + NR_TRACED + 2];
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	unsigned int i, k = 0;

	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	for (i = 0; i < NR_TRACED; i++)
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, traced_nrs[i],
						      (unsigned char)(NR_TRACED - i), 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

void tracee_start(char **argv, int errfd)
{
	const char *what = "ptrace(PTRACE_TRACEME)";

	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		goto fail;
	raise(SIGSTOP);
	what = "seccomp filter";
	if (install_filter())
		goto fail;
	what = "exec";
	execvp(argv[0], argv);
fail:
	dprintf(errfd, "%s: %s", what, strerror(errno));
	_exit(127);
}
