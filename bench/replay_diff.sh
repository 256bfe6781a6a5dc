#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Replays the same scenarios with two anonrmap binaries, names every one whose
# output differs and fails if any does, so that a performance change to the
# model can be shown not to change what it computes.
#   bench/replay_diff.sh OLD_BIN NEW_BIN [SEEDS]
# Scenarios: ../shared/scenarios, tests/scenarios (recursively), the recorded
# workloads but make (workloads/*.scn.gz), and the
# generated seeds 1..SEEDS (default 300), plain, --huge, large and with
# mTHP (--large-folios), each in every design, zero page on and off, THP
# madvise and always, with --check; the exit status and stderr (object
# addresses masked) are compared too.
set -u
old=$1 new=$2 seeds=${3:-300}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
modes=$("$new" replay --help | sed -n 's/.*rmap design: \(.*\) (default.*/\1/p' | tr -d ,)
[ -n "$modes" ] || { echo "replay_diff: cannot read the designs from $new replay --help" >&2; exit 2; }
fail=0 n=0

one() { # FILE ARGS...
	f=$1; shift
	"$old" replay "$@" "$f" >"$tmp/o.out" 2>"$tmp/o.err"; echo "rc $?" >>"$tmp/o.out"
	"$new" replay "$@" "$f" >"$tmp/n.out" 2>"$tmp/n.err"; echo "rc $?" >>"$tmp/n.out"
	n=$((n + 1))
	# checker messages name objects by address, which ASLR moves
	sed -i 's/0x[0-9a-f]*/0xADDR/g' "$tmp/o.err" "$tmp/n.err"
	if ! cmp -s "$tmp/o.out" "$tmp/n.out" || ! cmp -s "$tmp/o.err" "$tmp/n.err"; then
		echo "DIFF: replay $* $f" >&2
		diff "$tmp/o.out" "$tmp/n.out" | head -5 >&2
		fail=$((fail + 1))
	fi
}

variants() { # FILE
	for m in $modes; do for z in on off; do for t in madvise always; do
		one "$1" --mode "$m" --zero-page "$z" --thp "$t" --check
	done; done; done
}

for f in "$here"/../shared/scenarios/*.scn $(find "$here/tests/scenarios" -name '*.scn' | sort); do
	[ -f "$f" ] && variants "$f"
done
# recorded real programs (docs/record.md), but the build, which takes minutes
for f in "$here"/workloads/*.scn.gz; do
	case $f in */make.scn.gz) continue ;; esac
	[ -f "$f" ] && for m in $modes; do one "$f" --mode "$m" --check; done
done
s=1
while [ "$s" -le "$seeds" ]; do
	"$new" gen "$s" >"$tmp/g.scn"
	"$new" gen --huge --migrate "$s" >"$tmp/h.scn"
	"$new" gen --ops 300 --procs 8 --pages 2048 --huge --migrate "$s" >"$tmp/b.scn"
	"$new" gen --ops 200 --large-folios --huge "$s" >"$tmp/l.scn"
	variants "$tmp/g.scn"
	variants "$tmp/h.scn"
	variants "$tmp/b.scn"
	variants "$tmp/l.scn"
	for m in $modes; do
		one "$tmp/l.scn" --mode "$m" --mthp 16K=always,64K=always --huge-zero-page off --check
	done
	s=$((s + 1))
done
echo "replay_diff: $n replays, $fail differ"
[ "$fail" -eq 0 ]
