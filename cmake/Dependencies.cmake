# SPDX-License-Identifier: GPL-2.0-only
# Every dependency comes from a Debian package and is found through
# pkg-config, so a fresh machine needs nothing but apt-get.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
# The membarrier flavour needs no per-thread signal set-up and no
# quiescent-state calls, which suits a library embedded in test programs.
pkg_check_modules(URCU REQUIRED IMPORTED_TARGET liburcu-memb)
if(ANONRMAP_TESTS)
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()
# Recorded workloads are kept gzip-compressed in the repository; only the
# recorder library (not the installed libanonrmap) reads them.
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
