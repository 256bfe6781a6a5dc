// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tasks and address spaces are separate in version 2, as in the kernel: a
 * thread (clone with CLONE_VM) or a vfork child runs in its parent's mm,
 * exec gives its task a new mm, and an mm goes away with its last task
 * (mmput()). Version 1 has one task per mm and never gets here.
 */
#include <errno.h>
#include <stdlib.h>

#include "scenario/tasks.h"

static int track(struct tasks *t, struct anonrmap_mm *mm, const char *name)
{
	unsigned int id = anonrmap_mm_id(mm);

	if (id >= t->cap) {
		size_t cap = t->cap ? t->cap : 64;
		unsigned int *u;
		const char **n;

		while (cap <= id)
			cap *= 2;
		u = realloc(t->users, cap * sizeof(*u));
		if (!u)
			return -ENOMEM;
		t->users = u;
		n = realloc(t->mm_name, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		t->mm_name = n;
		for (size_t i = t->cap; i < cap; i++) {
			t->users[i] = 0;
			t->mm_name[i] = "?";
		}
		t->cap = cap;
	}
	t->users[id] = 1;
	t->mm_name[id] = name;
	return 0;
}

int tasks_init(struct tasks *t, const struct scenario *scn, struct anonrmap_world *world,
	       struct anonrmap_mm **procs)
{
	*t = (struct tasks){ .scn = scn, .world = world, .procs = procs };
	return track(t, procs[0], scn->procs[0]);
}

void tasks_release(struct tasks *t)
{
	free(t->users);
	free(t->mm_name);
	t->users = NULL;
	t->mm_name = NULL;
}

bool tasks_handles(const struct tasks *t, const struct scn_op *op)
{
	if (t->scn->version < 2)
		return false;
	switch (op->op) {
	case SCN_MMAP:
		return op->map_flags != 0;
	case SCN_FORK:
	case SCN_EXIT:
	case SCN_BRK:
	case SCN_STACK:
	case SCN_GROW:
	case SCN_SPECIAL:
	case SCN_EXEC:
	case SCN_THREAD:
	case SCN_VFORK:
		return true;
	default:
		return false;
	}
}

/* The task leaves its mm; the last one out tears it down. */
static int mm_leave(struct tasks *t, struct anonrmap_mm *mm)
{
	unsigned int id = anonrmap_mm_id(mm);

	if (id < t->cap && t->users[id] > 1) {
		t->users[id]--;
		return 0;
	}
	if (id < t->cap)
		t->users[id] = 0;
	return anonrmap_exit(mm);
}

static int mmap_flags(struct tasks *t, struct anonrmap_file **files, const struct scn_op *op,
		      struct anonrmap_mm *mm)
{
	struct anonrmap_file *file = op->file >= 0 ? files[op->file] : NULL;
	int flags = (op->map_flags & SCN_MAP_FIXED ? ANONRMAP_MAP_FIXED : 0) |
		    (op->map_flags & SCN_MAP_SHARED ? ANONRMAP_MAP_SHARED : 0) |
		    (op->map_flags & SCN_MAP_NORESERVE ? ANONRMAP_MAP_NORESERVE : 0) |
		    (op->map_flags & SCN_MAP_STACK ? ANONRMAP_MAP_STACK : 0);
	int err;

	/*
	 * MAP_SHARED|MAP_ANONYMOUS is backed by a shmem file of its own
	 * (shmem_zero_setup()), which is what keeps it out of the anon rmap.
	 */
	if ((op->map_flags & SCN_MAP_SHARED) && !file) {
		err = anonrmap_file_create(t->world, op->len, &file);
		if (err)
			return err;
	}
	return anonrmap_mmap_flags(mm, op->addr, op->len, op->prot, file, op->off, flags);
}

int tasks_run(struct tasks *t, struct anonrmap_file **files, const struct scn_op *op)
{
	struct anonrmap_mm *mm = t->procs[op->proc];
	int err;

	switch (op->op) {
	case SCN_MMAP:
		return mmap_flags(t, files, op, mm);
	case SCN_FORK:
		err = anonrmap_fork(mm, &t->procs[op->child]);
		return err ? err : track(t, t->procs[op->child], t->scn->procs[op->child]);
	case SCN_THREAD:
	case SCN_VFORK:
		t->procs[op->child] = mm;
		t->users[anonrmap_mm_id(mm)]++;
		return 0;
	case SCN_EXIT:
		return mm_leave(t, mm);
	case SCN_EXEC:
		err = anonrmap_mm_create(t->world, &t->procs[op->proc]);
		if (err)
			return err;
		err = track(t, t->procs[op->proc], t->scn->procs[op->proc]);
		return err ? err : mm_leave(t, mm);
	case SCN_BRK:
		return anonrmap_brk(mm, op->addr, op->new_addr);
	case SCN_STACK:
		return anonrmap_stack_setup(mm, op->addr, op->addr + op->len);
	case SCN_GROW:
		return anonrmap_stack_grow(mm, op->addr);
	case SCN_SPECIAL:
		return anonrmap_special_mapping(mm, op->addr, op->addr + op->len, op->prot);
	default:
		return -EINVAL;
	}
}

const char *tasks_mm_name(const struct tasks *t, unsigned int id)
{
	return id < t->cap ? t->mm_name[id] : "?";
}
