// SPDX-License-Identifier: GPL-2.0-only
/*
 * The recorder's tracer: one ptrace loop over every task the command
 * starts. Memory system calls stop at entry (seccomp) and exit; fork,
 * vfork, clone, exec and exit stop through the PTRACE_O_TRACE* options.
 * Between two stops of an mm the pages that appeared or changed are read
 * from pagemap and written as touches, in front of the call that follows:
 * page faults themselves are not seen (see docs/record.md for why this is
 * enough for the anon rmap, and what it loses).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <linux/sched.h>

#include <anonrmap/config.h>

#include "kernel/kernel_runner.h"
#include "record/emit.h"
#include "record/record.h"
#include "record/snapshot.h"
#include "record/tracer.h"

#define PAGE 4096ULL
#define PAGE_UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))
#define IS_ERR_RET(r) ((unsigned long long)(r) > -4096ULL)

/* A recorded mm: the tasks in it and what the recorder last saw of it. */
struct rmm {
	unsigned int users;
	struct snapshot snap;
	uint64_t brk;		/* page-aligned end of the heap */
};

struct task {
	pid_t tid;
	char name[24];
	struct rmm *mm;
	bool started;		/* its first SIGSTOP was swallowed */
	bool in_syscall;	/* between the seccomp stop and the syscall-exit stop */
	bool exec_seen;
	bool exited;		/* PTRACE_EVENT_EXIT written */
	bool real;		/* has exec'd the command (P0 before exec is the recorder's fork) */
	long nr;
	unsigned long long args[6];
	struct snapshot pre_exec;
};

struct tracer {
	const struct record_opts *o;
	struct emit e;
	struct task **tasks;	/* live */
	size_t nr_tasks, cap_tasks;
	pid_t *early;		/* stopped before their parent's event */
	size_t nr_early, cap_early;
	unsigned long serial;	/* task names */
	unsigned long seen, syscalls;
	uint64_t zero_pfn;
	bool noreserve;		/* MAP_NORESERVE is honoured (overcommit not 2) */
	int errfd;
	time_t start;
};

static volatile sig_atomic_t tick, expired;

static void on_alarm(int sig)
{
	(void)sig;
	tick = 1;
}

static struct task *find_task(struct tracer *tr, pid_t tid)
{
	for (size_t i = 0; i < tr->nr_tasks; i++)
		if (tr->tasks[i]->tid == tid)
			return tr->tasks[i];
	return NULL;
}

static struct task *new_task(struct tracer *tr, pid_t tid, struct rmm *mm)
{
	struct task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (tr->nr_tasks == tr->cap_tasks) {
		size_t cap = tr->cap_tasks ? 2 * tr->cap_tasks : 64;
		struct task **n = realloc(tr->tasks, cap * sizeof(*n));

		if (!n) {
			free(t);
			return NULL;
		}
		tr->tasks = n;
		tr->cap_tasks = cap;
	}
	t->tid = tid;
	t->mm = mm;
	if (tr->serial)
		snprintf(t->name, sizeof(t->name), "T%lu", tr->serial);
	else
		snprintf(t->name, sizeof(t->name), "P0");
	tr->serial++;
	tr->seen++;
	tr->tasks[tr->nr_tasks++] = t;
	return t;
}

static void mm_put(struct rmm *mm)
{
	if (mm && !--mm->users) {
		snapshot_free(&mm->snap);
		free(mm);
	}
}

static void drop_task(struct tracer *tr, struct task *t)
{
	for (size_t i = 0; i < tr->nr_tasks; i++) {
		if (tr->tasks[i] == t) {
			tr->tasks[i] = tr->tasks[--tr->nr_tasks];
			break;
		}
	}
	snapshot_free(&t->pre_exec);
	if (!t->exited)
		mm_put(t->mm);
	free(t);
}

static bool take_early(struct tracer *tr, pid_t tid)
{
	for (size_t i = 0; i < tr->nr_early; i++) {
		if (tr->early[i] == tid) {
			tr->early[i] = tr->early[--tr->nr_early];
			return true;
		}
	}
	return false;
}

static void resume(struct task *t, int sig)
{
	ptrace(t->in_syscall ? PTRACE_SYSCALL : PTRACE_CONT, t->tid, NULL,
	       (void *)(uintptr_t)sig);
}

/* Read the mm again; what changed since the last read becomes touch lines. */
static void sync_mm(struct tracer *tr, struct task *t, const struct range *skip, int nr_skip)
{
	struct snapshot cur;

	if (!t->real || snapshot_read(t->tid, tr->zero_pfn, &cur))
		return;
	emit_diff(&tr->e, t->name, &t->mm->snap, &cur, skip, nr_skip);
	snapshot_free(&t->mm->snap);
	t->mm->snap = cur;
}

static bool is_mm_call(long nr)
{
	return nr == SYS_mmap || nr == SYS_munmap || nr == SYS_mprotect ||
	       nr == SYS_pkey_mprotect || nr == SYS_mremap || nr == SYS_madvise || nr == SYS_brk;
}

static void on_enter(struct tracer *tr, struct task *t)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, t->tid, NULL, &regs))
		return;
	t->in_syscall = true;
	t->exec_seen = false;
	t->nr = (long)regs.orig_rax;
	t->args[0] = regs.rdi;
	t->args[1] = regs.rsi;
	t->args[2] = regs.rdx;
	t->args[3] = regs.r10;
	t->args[4] = regs.r8;
	t->args[5] = regs.r9;
	tr->syscalls++;
	sync_mm(tr, t, NULL, 0);
	if ((t->nr == SYS_execve || t->nr == SYS_execveat) && t->real && t->mm->users == 1) {
		snapshot_free(&t->pre_exec);
		snapshot_read(t->tid, tr->zero_pfn, &t->pre_exec);
	}
}

static const char *advice_word(unsigned long long a)
{
	switch (a) {
	case 4: return "dontneed";
	case 10: return "dontfork";
	case 11: return "dofork";
	case 14: return "hugepage";
	case 15: return "nohugepage";
	case 18: return "wipeonfork";
	case 19: return "keeponfork";
	default: return NULL;
	}
}

static void emit_mmap(struct tracer *tr, struct task *t, uint64_t addr, uint64_t len)
{
	unsigned long long prot = t->args[2] & 7, flags = t->args[3];
	const struct snap_vma *v = snapshot_find(&t->mm->snap, addr);
	bool shared = (flags & 3) == 1 || (flags & 3) == 3;
	char extra[64];
	int f;

	snprintf(extra, sizeof(extra), "%s%s%s%s", flags & 0x10 ? " fixed" : "",
		 shared ? " shared" : "",
		 (flags & 0x4000) && tr->noreserve && !shared ? " noreserve" : "",
		 flags & 0x20000 ? " stack" : "");
	if (v && v->kind == SNAP_FILE) {
		uint64_t off = v->off + (addr - v->start);

		f = emit_file(&tr->e, v->dev, v->ino,
			      mapped_file_size(t->tid, v->start, v->end));
		if (f >= 0)
			emit_file(&tr->e, v->dev, v->ino, off + len);
		emit_line(&tr->e, "mmap %s 0x%" PRIx64 " 0x%" PRIx64 " %c%c%c f%d 0x%" PRIx64 "%s",
			  t->name, addr, len, prot & 1 ? 'r' : '-', prot & 2 ? 'w' : '-',
			  prot & 4 ? 'x' : '-', f, off, extra);
	} else {
		emit_line(&tr->e, "mmap %s 0x%" PRIx64 " 0x%" PRIx64 " %c%c%c%s", t->name, addr, len,
			  prot & 1 ? 'r' : '-', prot & 2 ? 'w' : '-', prot & 4 ? 'x' : '-', extra);
	}
}

/* Pages a call faulted in itself (MAP_POPULATE, say): touches after its line. */
static void emit_populated(struct tracer *tr, struct task *t, uint64_t start, uint64_t end)
{
	struct snapshot part = { 0 };
	const struct snap_vma *v;

	for (uint64_t a = start; a < end; a = v ? v->end : a + PAGE) {
		v = snapshot_find(&t->mm->snap, a);
		if (!v)
			continue;
		part.v = (struct snap_vma *)v;
		part.n = 1;
		emit_diff(&tr->e, t->name, NULL, &part,
			  (struct range[]){ { 0, start }, { end, UINT64_MAX } }, 2);
	}
}

static void on_exit_call(struct tracer *tr, struct task *t)
{
	struct user_regs_struct regs;
	unsigned long long *a = t->args, ret;
	struct range skip[2];
	int nr_skip = 0;
	char prot[4];

	t->in_syscall = false;
	if (t->nr == SYS_execve || t->nr == SYS_execveat) {
		snapshot_free(&t->pre_exec);
		return;
	}
	if (!is_mm_call(t->nr) || !t->real || ptrace(PTRACE_GETREGS, t->tid, NULL, &regs))
		return;
	ret = regs.rax;
	if (IS_ERR_RET(ret) && t->nr != SYS_brk)
		return;
	prot[0] = a[2] & 1 ? 'r' : '-';
	prot[1] = a[2] & 2 ? 'w' : '-';
	prot[2] = a[2] & 4 ? 'x' : '-';
	prot[3] = '\0';
	switch (t->nr) {
	case SYS_mmap:
		skip[nr_skip++] = (struct range){ ret, ret + PAGE_UP(a[1]) };
		break;
	case SYS_munmap:
	case SYS_madvise:
		skip[nr_skip++] = (struct range){ a[0], a[0] + PAGE_UP(a[1]) };
		break;
	case SYS_mremap:
		skip[nr_skip++] = (struct range){ a[0], a[0] + PAGE_UP(a[1]) };
		skip[nr_skip++] = (struct range){ ret, ret + PAGE_UP(a[2]) };
		break;
	case SYS_brk:
		if (PAGE_UP(ret) != t->mm->brk)
			skip[nr_skip++] = (struct range){
				PAGE_UP(ret) < t->mm->brk ? PAGE_UP(ret) : t->mm->brk,
				PAGE_UP(ret) < t->mm->brk ? t->mm->brk : PAGE_UP(ret) };
		break;
	}
	/* faults of other threads meanwhile, and the new layout */
	sync_mm(tr, t, skip, nr_skip);
	switch (t->nr) {
	case SYS_mmap:
		emit_mmap(tr, t, ret, PAGE_UP(a[1]));
		emit_populated(tr, t, ret, ret + PAGE_UP(a[1]));
		break;
	case SYS_munmap:
		emit_line(&tr->e, "munmap %s 0x%llx 0x%llx", t->name, a[0], PAGE_UP(a[1]));
		break;
	case SYS_mprotect:
	case SYS_pkey_mprotect:
		emit_line(&tr->e, "mprotect %s 0x%llx 0x%llx %s", t->name, a[0], PAGE_UP(a[1]), prot);
		break;
	case SYS_mremap:
		if (!a[1] || (a[3] & 4))
			emit_line(&tr->e, "# %s: mremap 0x%llx with old length 0 or DONTUNMAP not modelled",
				  t->name, a[0]);
		else if (ret == a[0])
			emit_line(&tr->e, "mremap %s 0x%llx 0x%llx 0x%llx", t->name, a[0],
				  PAGE_UP(a[1]), PAGE_UP(a[2]));
		else
			emit_line(&tr->e, "mremap %s 0x%llx 0x%llx 0x%llx 0x%llx", t->name, a[0],
				  PAGE_UP(a[1]), PAGE_UP(a[2]), ret);
		break;
	case SYS_madvise:
		if (advice_word(a[2]))
			emit_line(&tr->e, "madvise %s 0x%llx 0x%llx %s", t->name, a[0], PAGE_UP(a[1]),
				  advice_word(a[2]));
		else
			emit_line(&tr->e, "# %s: madvise 0x%llx 0x%llx advice %llu not modelled",
				  t->name, a[0], PAGE_UP(a[1]), a[2]);
		break;
	case SYS_brk:
		if (t->mm->brk && PAGE_UP(ret) != t->mm->brk)
			emit_line(&tr->e, "brk %s 0x%" PRIx64 " 0x%llx", t->name, t->mm->brk,
				  PAGE_UP(ret));
		t->mm->brk = PAGE_UP(ret);
		break;
	}
}

/* mm->start_brk: field 47 of /proc/PID/stat; after exec the break is there. */
static uint64_t start_brk(pid_t pid)
{
	char path[64], buf[2048], *p;
	unsigned long long v = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	for (int field = 2; p && field < 47; field++)
		p = strchr(p + 1, ' ');
	if (p)
		v = strtoull(p + 1, NULL, 10);
	return PAGE_UP(v);
}

/* Returns the task that exec'd, which is not @t after a thread's exec. */
static struct task *on_exec(struct tracer *tr, struct task *t)
{
	unsigned long former = 0;
	struct rmm *mm;

	ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &former);
	if ((pid_t)former != t->tid) {
		/* a thread exec'd: it takes over the leader's id, the leader is gone */
		struct task *th = find_task(tr, (pid_t)former);

		if (th) {
			th->in_syscall = t->in_syscall;
			emit_line(&tr->e, "exit %s", t->name);
			t->exited = true;
			mm_put(t->mm);
			th->tid = t->tid;
			t->tid = -1;
			drop_task(tr, t);
			t = th;
		}
	}
	if (t->real && t->mm->users == 1 && t->pre_exec.n)
		emit_expect(&tr->e, t->name, &t->pre_exec);
	snapshot_free(&t->pre_exec);
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return t;
	mm->users = 1;
	emit_line(&tr->e, "exec %s", t->name);
	mm_put(t->mm);
	t->mm = mm;
	t->real = true;
	t->exec_seen = true;
	if (!snapshot_read(t->tid, tr->zero_pfn, &mm->snap))
		emit_layout(&tr->e, t->name, t->tid, &mm->snap);
	mm->brk = start_brk(t->tid);
	return t;
}

static unsigned long long clone_flags(struct task *t)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, t->tid, NULL, &regs))
		return 0;
	switch (regs.orig_rax) {
	case SYS_clone:
		return regs.rdi;
	case SYS_clone3: {
		long v;

		errno = 0;
		v = ptrace(PTRACE_PEEKDATA, t->tid, (void *)regs.rdi, NULL);
		return errno ? 0 : (unsigned long long)v;
	}
	case SYS_vfork:
		return CLONE_VM | CLONE_VFORK;
	default:
		return 0;
	}
}

static void on_clone(struct tracer *tr, struct task *t, int event)
{
	unsigned long msg = 0;
	unsigned long long flags = clone_flags(t);
	struct task *c;
	struct rmm *mm;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &msg))
		return;
	if (event == PTRACE_EVENT_VFORK)
		flags |= CLONE_VFORK;
	sync_mm(tr, t, NULL, 0);
	if (flags & CLONE_VM) {
		mm = t->mm;
		mm->users++;
	} else {
		mm = calloc(1, sizeof(*mm));
		if (!mm)
			return;
		mm->users = 1;
		mm->brk = t->mm->brk;
	}
	c = new_task(tr, (pid_t)msg, mm);
	if (!c) {
		mm_put(mm);
		return;
	}
	c->real = t->real;
	if (t->real)
		emit_line(&tr->e, "%s %s %s",
			  !(flags & CLONE_VM) ? "fork" : flags & CLONE_VFORK ? "vfork" : "thread",
			  t->name, c->name);
	if (!(flags & CLONE_VM) && c->real)
		snapshot_read(c->tid, tr->zero_pfn, &mm->snap);
	if (take_early(tr, c->tid)) {
		c->started = true;
		resume(c, 0);
	}
}

static void on_exit_event(struct tracer *tr, struct task *t)
{
	if (t->real) {
		sync_mm(tr, t, NULL, 0);
		if (t->mm->users == 1)
			emit_expect(&tr->e, t->name, &t->mm->snap);
		emit_line(&tr->e, "exit %s", t->name);
	}
	t->exited = true;
	mm_put(t->mm);
	t->mm = NULL;
}

static void progress(struct tracer *tr)
{
	fprintf(stderr, "anonrmap: record: %lds, %zu tasks running, %lu seen, %lu calls, %lu lines\n",
		(long)(time(NULL) - tr->start), tr->nr_tasks, tr->seen, tr->syscalls, tr->e.lines);
}

static void kill_all(struct tracer *tr)
{
	for (size_t i = 0; i < tr->nr_tasks; i++)
		kill(tr->tasks[i]->tid, SIGKILL);
}

static void on_stop(struct tracer *tr, struct task *t, int status)
{
	int sig = WSTOPSIG(status), event = status >> 16;

	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		on_enter(tr, t);
		resume(t, 0);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_clone(tr, t, event);
		resume(t, 0);
		return;
	case PTRACE_EVENT_EXEC:
		resume(on_exec(tr, t), 0);
		return;
	case PTRACE_EVENT_EXIT:
		on_exit_event(tr, t);
		resume(t, 0);
		return;
	default:
		break;
	}
	if (sig == (SIGTRAP | 0x80)) {
		if (t->in_syscall)
			on_exit_call(tr, t);
		resume(t, 0);
		return;
	}
	if (!t->started && sig == SIGSTOP) {
		t->started = true;
		resume(t, 0);
		return;
	}
	/*
	 * A group stop (someone sent SIGSTOP) has no siginfo. Passing the
	 * signal on would stop the task again forever; letting it run keeps
	 * the recording going at the price of job control.
	 */
	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
		siginfo_t si;

		if (ptrace(PTRACE_GETSIGINFO, t->tid, NULL, &si) && errno == EINVAL) {
			resume(t, 0);
			return;
		}
	}
	resume(t, sig);
}

static int trace_loop(struct tracer *tr)
{
	while (tr->nr_tasks) {
		struct task *t;
		int status;
		pid_t pid;

		if (tick) {
			tick = 0;
			progress(tr);
			if (tr->o->timeout && time(NULL) - tr->start >= tr->o->timeout && !expired) {
				fprintf(stderr, "anonrmap: record: %us are up: killing the traced tasks\n",
					tr->o->timeout);
				expired = 1;
				kill_all(tr);
			}
			if (tr->o->max_lines && tr->e.lines > tr->o->max_lines && !expired) {
				fprintf(stderr, "anonrmap: record: more than %lu lines: killing the "
					"traced tasks\n", tr->o->max_lines);
				expired = 1;
				kill_all(tr);
			}
		}
		pid = waitpid(-1, &status, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		t = find_task(tr, pid);
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (t && !t->exited && t->real)
				emit_line(&tr->e, "exit %s", t->name);
			if (t)
				drop_task(tr, t);
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (!t) {
			/* a new child's first stop, before its parent's event */
			if (tr->nr_early == tr->cap_early) {
				size_t cap = tr->cap_early ? 2 * tr->cap_early : 16;
				pid_t *n = realloc(tr->early, cap * sizeof(*n));

				if (!n) {
					ptrace(PTRACE_CONT, pid, NULL, NULL);
					continue;
				}
				tr->early = n;
				tr->cap_early = cap;
			}
			tr->early[tr->nr_early++] = pid;
			continue;
		}
		on_stop(tr, t, status);
	}
	return expired ? 1 : 0;
}

const char *record_unavailable(void)
{
#ifndef __x86_64__
	return "recording is implemented for x86-64 only";
#else
	if (geteuid() != 0)
		return "record needs root: pagemap shows page frame numbers, which tell a "
		       "copied page from the page it was copied from, only to CAP_SYS_ADMIN";
	FILE *f;

	if (access("/proc/self/pagemap", R_OK))
		return "/proc/self/pagemap is not readable";
	/* Yama's mode 3 forbids every ptrace attach, PTRACE_TRACEME included */
	f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	if (f) {
		int scope = fgetc(f);

		fclose(f);
		if (scope == '3')
			return "ptrace is disabled on this machine (kernel.yama.ptrace_scope = 3)";
	}
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0)
		return "the kernel has no seccomp, which the recorder's filter needs";
	return NULL;
#endif
}

static void header(struct tracer *tr, char **argv, char *buf, size_t cap)
{
	char thp[128] = "unknown", config[512] = "", why[256];
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
	struct anonrmap_config cfg;
	size_t pos;

	/* the simulator of this host: what --check and --report replay with */
	anonrmap_config_init(&cfg);
	if (!kernel_host_config(NULL, tr->zero_pfn ? 1 : 0, &cfg, why, sizeof(why)))
		anonrmap_config_format(&cfg, config, sizeof(config));

	if (f) {
		if (fgets(thp, sizeof(thp), f))
			thp[strcspn(thp, "\n")] = '\0';
		fclose(f);
	}
	pos = (size_t)snprintf(buf, cap, "# recorded by anonrmap record\n# command:");
	for (int i = 0; argv[i] && pos < cap - 80; i++)
		pos += (size_t)snprintf(buf + pos, cap - pos, " %.60s", argv[i]);
	for (size_t i = 0; i < pos; i++)
		if ((buf[i] < 0x20 || buf[i] > 0x7e) && buf[i] != '\n')
			buf[i] = '?';
	snprintf(buf + pos, cap - pos,
		 "\n# anonrmap-record config: %s\n# transparent_hugepage/enabled: %s\n"
		 "# tasks %lu, memory calls %lu, touches %lu (%lu pages)\n",
		 config, thp, tr->seen, tr->syscalls, tr->e.touches,
		 tr->e.pages_touched);
}

int record_run(const struct record_opts *o, char **argv)
{
	struct tracer tr = { .o = o, .start = time(NULL) };
	struct itimerval it = { { 2, 0 }, { 2, 0 } };
	struct sigaction sa = { .sa_handler = on_alarm };
	int pipefd[2], status, err, rc = 1;
	char why[512] = "", hdr[2048];
	struct task *root;
	ssize_t n;
	pid_t pid;
	FILE *f;

	if (record_unavailable()) {
		fprintf(stderr, "anonrmap: record: %s\n", record_unavailable());
		return 1;
	}
	tr.zero_pfn = zero_pfn_probe();
	f = fopen("/proc/sys/vm/overcommit_memory", "re");
	tr.noreserve = !f || fgetc(f) != '2';
	if (f)
		fclose(f);
	if (emit_init(&tr.e) || pipe2(pipefd, O_CLOEXEC)) {
		fprintf(stderr, "anonrmap: record: %s\n", strerror(errno));
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "anonrmap: record: fork: %s\n", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(pipefd[0]);
		tracee_start(argv, pipefd[1]);
	}
	close(pipefd[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		n = read(pipefd[0], why, sizeof(why) - 1);
		why[n > 0 ? n : 0] = '\0';
		fprintf(stderr, "anonrmap: record: cannot trace %s: %s\n", argv[0],
			why[0] ? why : "the child did not stop");
		goto out;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(uintptr_t)(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
				       PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
				       PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT |
				       PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL))) {
		fprintf(stderr, "anonrmap: record: ptrace(PTRACE_SETOPTIONS): %s\n", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		goto out;
	}
	root = new_task(&tr, pid, calloc(1, sizeof(struct rmm)));
	if (!root || !root->mm) {
		kill(pid, SIGKILL);
		goto out;
	}
	root->mm->users = 1;
	root->started = true;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	rc = trace_loop(&tr);
	setitimer(ITIMER_REAL, &(struct itimerval){ 0 }, NULL);
	n = read(pipefd[0], why, sizeof(why) - 1);
	if (n > 0) {
		why[n] = '\0';
		fprintf(stderr, "anonrmap: record: %s: %s\n", argv[0], why);
		rc = 1;
		goto out;
	}
	progress(&tr);
	header(&tr, argv, hdr, sizeof(hdr));
	err = emit_finish(&tr.e, o->out, hdr);
	if (err) {
		fprintf(stderr, "anonrmap: record: writing %s: %s\n", o->out_name, strerror(-err));
		rc = 1;
	}
out:
	close(pipefd[0]);
	while (tr.nr_tasks)
		drop_task(&tr, tr.tasks[0]);
	free(tr.tasks);
	free(tr.early);
	emit_release(&tr.e);
	return rc;
}
