#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# How each slab cost grows with the size of a workload: runs `anonrmap bench`
# at several sizes and prints, per size and design, the live objects at the
# workload's last phase and the chains and anon_vmas per VMA, as CSV.
# docs/bench.md quotes its output. Usage: scripts/bench-growth.sh [BINARY]
set -eu
B=${1:-build/bin/anonrmap}

# row LABEL PHASE BENCH-ARGS...: one line per design
row() {
	label=$1 phase=$2
	shift 2
	"$B" bench --no-check --reps 1 --format csv "$@" 2>/dev/null | awk -F, -v l="$label" -v ph="$phase" '
		NR > 1 && $2 == ph { v[$3 "," $4] = $6; d[$3] = 1 }
		END {
			for (k in d)
				printf "%s,%s,%d,%d,%d,%.3f,%.3f\n", l, k, v[k ",vm_area_struct"],
				       v[k ",anon_vma_chain"], v[k ",anon_vma"],
				       v[k ",anon_vma_chain"] / v[k ",vm_area_struct"],
				       v[k ",anon_vma"] / v[k ",vm_area_struct"]
		}' | sort
}

echo "point,design,vmas,anon_vma_chains,anon_vmas,chains_per_vma,anon_vmas_per_vma"
for s in 1 2 4 8 16 32; do row "android --scale $s" apps --workload android --scale $s; done
for f in 0 10 41 100; do row "android --fork-percent $f" apps --workload android --fork-percent $f; done
for d in 4 8 16 32 64; do row "fork-chain --depth $d" chain --workload fork-chain --depth $d; done
for b in 2 3 4 5 6; do row "fork-tree --breadth $b" tree --workload fork-tree --breadth $b; done
for d in 1 2 3 4 5; do row "fork-tree --depth $d" tree --workload fork-tree --depth $d; done
for n in 4 16 64 256; do row "prefork-server --workers $n" workers --workload prefork-server --workers $n; done
for n in 100 400 1600 6400; do row "random --seeds $n" end --workload random --seeds $n; done
