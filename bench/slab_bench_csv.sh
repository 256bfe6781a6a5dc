#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Until `anonrmap bench --format csv` is on main: turns anonrmap-slab_bench's
# "Design | Object | live | peak | allocs" tables into the same CSV columns
# (workload, phase, design, object, live_kb), for bench/plot.sh.
#   bench/slab_bench_csv.sh SLAB_BENCH [ARGS...] > slab.csv
set -eu
"$@" | awk '
BEGIN { print "workload,phase,design,object,live_kb"
	size["vm_area_struct"] = 192; size["anon_vma_chain"] = 64
	size["anon_vma"] = 104; size["folio"] = 64 }
/^After boot:/ { phase = "boot" }
/^After launching/ { phase = "apps" }
/^(classic|lazy|[a-z_]+) +\| (vm_area_struct|anon_vma_chain|anon_vma|folio) +\| +[0-9]/ {
	n = split($0, f, "|")
	for (i = 1; i <= n; i++) gsub(/ /, "", f[i])
	printf "boot-apps,%s,%s,%s,%.2f\n", phase, f[1], f[2], f[3] * size[f[2]] / 1024
}'
