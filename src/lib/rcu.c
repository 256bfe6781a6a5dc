// SPDX-License-Identifier: GPL-2.0-only
#include "lib/rcu.h"

#include <urcu/urcu-memb.h>

static __thread int rcu_registered;

static void rcu_register_once(void)
{
	if (!rcu_registered) {
		urcu_memb_register_thread();
		rcu_registered = 1;
	}
}

void rcu_read_lock(void)
{
	rcu_register_once();
	urcu_memb_read_lock();
}

void rcu_read_unlock(void)
{
	urcu_memb_read_unlock();
}

void synchronize_rcu(void)
{
	urcu_memb_synchronize_rcu();
}
