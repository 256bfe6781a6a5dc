// SPDX-License-Identifier: GPL-2.0-only
#include "lib/rwsem.h"

#include <stdlib.h>

#include "lib/preempt.h"

#ifdef ANONRMAP_LOCKDEP
#define dep_acquire(sem, sub, try, read) lock_acquire(&(sem)->dep_map, sub, try, read)
#define dep_release(sem) lock_release(&(sem)->dep_map)
#define dep_downgrade(sem) lock_downgrade(&(sem)->dep_map)
#else
#define dep_acquire(sem, sub, try, read) do { } while (0)
#define dep_release(sem) do { } while (0)
#define dep_downgrade(sem) do { } while (0)
#endif

/*
 * The counts change under wait_lock, as single stores, so that
 * rwsem_is_locked() may read them without it. A reader's count is a full
 * barrier, as the kernel's down_read_trylock() is: anon_vma_free() relies
 * on it being ordered before the walker's re-check of folio_mapped().
 */
static inline void set_readers(struct rw_semaphore *sem, int n)
{
	__atomic_store_n(&sem->readers, n, __ATOMIC_SEQ_CST);
}

static inline void set_writer(struct rw_semaphore *sem, bool w)
{
	__atomic_store_n(&sem->writer, w, __ATOMIC_RELEASE);
}

void init_rwsem(struct rw_semaphore *sem, const struct lock_class_key *key)
{
	if (pthread_mutex_init(&sem->wait_lock, NULL) || pthread_cond_init(&sem->wait, NULL))
		abort();	/* only fails for lack of resources it never needs */
	set_readers(sem, 0);
	set_writer(sem, false);
	sem->writers_waiting = 0;
	lockdep_init_map(&sem->dep_map, key);
}

void destroy_rwsem(struct rw_semaphore *sem)
{
	pthread_cond_destroy(&sem->wait);
	pthread_mutex_destroy(&sem->wait_lock);
}

void down_read_nested(struct rw_semaphore *sem, unsigned int subclass)
{
	preempt_point();
	dep_acquire(sem, subclass, false, true);
	pthread_mutex_lock(&sem->wait_lock);
	while (sem->writer || sem->writers_waiting)
		pthread_cond_wait(&sem->wait, &sem->wait_lock);
	set_readers(sem, sem->readers + 1);
	pthread_mutex_unlock(&sem->wait_lock);
}

void down_read(struct rw_semaphore *sem)
{
	down_read_nested(sem, 0);
}

bool down_read_trylock(struct rw_semaphore *sem)
{
	bool ok;

	preempt_point();
	pthread_mutex_lock(&sem->wait_lock);
	ok = !sem->writer && !sem->writers_waiting;
	if (ok)
		set_readers(sem, sem->readers + 1);
	pthread_mutex_unlock(&sem->wait_lock);
	if (ok)
		dep_acquire(sem, 0, true, true);
	return ok;
}

void up_read(struct rw_semaphore *sem)
{
	dep_release(sem);
	pthread_mutex_lock(&sem->wait_lock);
	set_readers(sem, sem->readers - 1);
	if (sem->readers == 0)
		pthread_cond_broadcast(&sem->wait);
	pthread_mutex_unlock(&sem->wait_lock);
	preempt_point();
}

void down_write_nested(struct rw_semaphore *sem, unsigned int subclass)
{
	preempt_point();
	dep_acquire(sem, subclass, false, false);
	pthread_mutex_lock(&sem->wait_lock);
	sem->writers_waiting++;
	while (sem->writer || sem->readers)
		pthread_cond_wait(&sem->wait, &sem->wait_lock);
	sem->writers_waiting--;
	set_writer(sem, true);
	pthread_mutex_unlock(&sem->wait_lock);
}

void down_write(struct rw_semaphore *sem)
{
	down_write_nested(sem, 0);
}

bool down_write_trylock(struct rw_semaphore *sem)
{
	bool ok;

	preempt_point();
	pthread_mutex_lock(&sem->wait_lock);
	ok = !sem->writer && !sem->readers;
	if (ok)
		set_writer(sem, true);
	pthread_mutex_unlock(&sem->wait_lock);
	if (ok)
		dep_acquire(sem, 0, true, false);
	return ok;
}

void up_write(struct rw_semaphore *sem)
{
	dep_release(sem);
	pthread_mutex_lock(&sem->wait_lock);
	set_writer(sem, false);
	pthread_cond_broadcast(&sem->wait);
	pthread_mutex_unlock(&sem->wait_lock);
	preempt_point();
}

void downgrade_write(struct rw_semaphore *sem)
{
	dep_downgrade(sem);
	pthread_mutex_lock(&sem->wait_lock);
	set_writer(sem, false);
	set_readers(sem, 1);
	pthread_cond_broadcast(&sem->wait);
	pthread_mutex_unlock(&sem->wait_lock);
}

/*
 * Without the wait lock: anon_vma_free() asks this of every anon_vma it
 * frees, and a racy answer is all the kernel's gives too. The loads
 * acquire: a caller that sees the last holder gone must also see all that
 * holder did under the lock before it frees the memory (the kernel gets
 * this from the control dependency to the free's stores).
 */
bool rwsem_is_locked(struct rw_semaphore *sem)
{
	return __atomic_load_n(&sem->writer, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&sem->readers, __ATOMIC_ACQUIRE);
}
