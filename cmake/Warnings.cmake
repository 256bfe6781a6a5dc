# SPDX-License-Identifier: GPL-2.0-only
add_library(anonrmap_warnings INTERFACE)
target_compile_options(anonrmap_warnings INTERFACE -Wall -Wextra
  -Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wmissing-prototypes)
if(ANONRMAP_WERROR)
  target_compile_options(anonrmap_warnings INTERFACE -Werror)
endif()
