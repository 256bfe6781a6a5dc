/* SPDX-License-Identifier: GPL-2.0-only */
/* READ_ONCE()/WRITE_ONCE() for fields a lockless reader looks at. */
#ifndef ANONRMAP_COMPILER_H
#define ANONRMAP_COMPILER_H

#include <urcu/system.h>

#define READ_ONCE(x) CMM_LOAD_SHARED(x)
#define WRITE_ONCE(x, v) CMM_STORE_SHARED(x, v)

#endif
