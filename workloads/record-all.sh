#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Re-record the workload library (docs/record.md): run as root from the
# top of a checkout, after building (make). Each recording holds the
# live-kernel lock while it runs; the results replace workloads/*.scn.gz.
#
#   workloads/record-all.sh [NAME...]     NAME: pipeline pool git make server
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${ANONRMAP:-$top/build/bin/anonrmap}
lock=/tmp/anonrmap-live.lock
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x "$bin" ] || { echo "record-all: build first: $bin is missing" >&2; exit 1; }

record() {
	name=$1
	shift
	echo "record-all: $name: $*" >&2
	flock "$lock" "$bin" record --timeout 900 -o "$tmp/$name.scn" -- "$@"
	gzip -9 -n -c "$tmp/$name.scn" > "$top/workloads/$name.scn.gz"
	"$bin" record --check "$top/workloads/$name.scn.gz"
}

clone() {
	[ -d "$tmp/clone" ] || git clone -q "$top" "$tmp/clone"
}

run() {
	case $1 in
	pipeline)
		record pipeline sh -c 'seq 1 200000 | sort -r | grep 7 | tr 0-9 a-j | sort | uniq -c | wc -l' ;;
	pool)
		record pool python3 "$top/workloads/pool.py" ;;
	server)
		record server python3 "$top/workloads/forkserver.py" ;;
	git)
		clone
		record git sh -c "cd '$tmp/clone' && git log --oneline | wc -l && git status --short &&
			git diff --stat HEAD~5 HEAD | tail -1 && git grep -c anon_vma HEAD -- src | wc -l &&
			git gc -q" ;;
	make)
		# the project's own entry point: package check, configure, build
		clone
		record make make -C "$tmp/clone" -j2 JOBS=2 ;;
	*)
		echo "record-all: unknown workload '$1' (pipeline pool git make server)" >&2
		exit 2 ;;
	esac
}

if [ $# -eq 0 ]; then
	set -- pipeline pool server git make
fi
for w in "$@"; do
	run "$w"
done
