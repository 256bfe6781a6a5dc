/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct rw_semaphore with the kernel's calls. It is built on a mutex and a
 * condition variable rather than pthread_rwlock_t because munmap needs
 * downgrade_write(), which pthreads lacks: dropping the write lock and then
 * taking a read lock would let a writer in between. A waiting writer holds
 * off new readers, as the kernel's rwsem does, so a reader that takes the
 * same rwsem twice can deadlock here just as it can there.
 */
#ifndef ANONRMAP_RWSEM_H
#define ANONRMAP_RWSEM_H

#include <pthread.h>
#include <stdbool.h>

#include "lib/lockdep.h"

struct rw_semaphore {
	pthread_mutex_t wait_lock;
	pthread_cond_t wait;
	int readers;		/* holders for reading */
	bool writer;		/* held for writing */
	int writers_waiting;
	struct lockdep_map dep_map;
};

void init_rwsem(struct rw_semaphore *sem, const struct lock_class_key *key);
void destroy_rwsem(struct rw_semaphore *sem);
void down_read(struct rw_semaphore *sem);
void down_read_nested(struct rw_semaphore *sem, unsigned int subclass);
bool down_read_trylock(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
void down_write_nested(struct rw_semaphore *sem, unsigned int subclass);
bool down_write_trylock(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);
void downgrade_write(struct rw_semaphore *sem);
/* Held by anyone, for any mode: a racy hint, as in the kernel. */
bool rwsem_is_locked(struct rw_semaphore *sem);

#endif
