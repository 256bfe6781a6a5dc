/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RCU on liburcu's memb flavour. memb needs no quiescent-state calls from
 * readers (qsbr does) and no signal (the bp flavour's per-section cost is
 * higher), and it lets any thread of a test program become a reader
 * without knowing the library uses RCU: a thread registers on its first
 * read-side section and unregisters when it exits.
 */
#ifndef ANONRMAP_RCU_H
#define ANONRMAP_RCU_H

#include <urcu/call-rcu.h>
#include <urcu/pointer.h>

void rcu_read_lock(void);
void rcu_read_unlock(void);
void synchronize_rcu(void);
/* Run @func on @head after a grace period, from liburcu's call_rcu thread. */
void anonrmap_call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
/* Wait for every callback queued so far (rcu_barrier()). */
void rcu_barrier(void);

#endif
