/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libanonrmap umbrella header. Each part can also be included alone:
 * world.h (worlds, address spaces, files), ops.h (system calls and faults),
 * inspect.h (VMAs, pages, rmap walks, slab counters, checker, observation),
 * fault.h (allocation failure injection), rmap.h (reclaim, ageing and
 * migration from any thread).
 */
#ifndef ANONRMAP_ANONRMAP_H
#define ANONRMAP_ANONRMAP_H

#include <anonrmap/world.h>
#include <anonrmap/ops.h>
#include <anonrmap/inspect.h>
#include <anonrmap/rmap.h>
#include <anonrmap/config.h>
#include <anonrmap/fault.h>
#include <anonrmap/process.h>

#define ANONRMAP_VERSION "0.1.0"

#endif
