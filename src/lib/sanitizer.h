/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which sanitizer this file is built under, asked one way: gcc defines
 * __SANITIZE_*__, clang answers __has_feature(). Under ASan the poisoning
 * calls are ASan's; elsewhere they compile to nothing.
 */
#ifndef ANONRMAP_SANITIZER_H
#define ANONRMAP_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__)
#define ANONRMAP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ANONRMAP_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define ANONRMAP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ANONRMAP_TSAN 1
#endif
#endif

#ifdef ANONRMAP_ASAN
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

#endif
