/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RCU read-side sections for the lockless folio -> anon_vma lookups, on
 * liburcu's membarrier flavour. Threads register themselves on first use so
 * that test programs need not know the library uses RCU.
 */
#ifndef ANONRMAP_RCU_H
#define ANONRMAP_RCU_H

void rcu_read_lock(void);
void rcu_read_unlock(void);
void synchronize_rcu(void);

#endif
