#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run each libFuzzer target for a bounded time, starting from the checked-in
# corpus (and, for the replayer, every scenario file), and fail on the first
# crash, leak, sanitizer report or undocumented violation.
#
# usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]   (targets: replay ops)
set -eu

build=$1
seconds=$2
shift 2
[ $# -gt 0 ] || set -- replay ops
src=$(cd "$(dirname "$0")/.." && pwd)
status=0

for t in "$@"; do
	bin=$build/bin/fuzz_$t
	[ -x "$bin" ] || { echo "fuzz/run.sh: $bin not built (make fuzz builds it)" >&2; exit 2; }
	# New units go to the first directory, so the checked-in corpus stays as it is.
	work=$build/corpus/$t
	mkdir -p "$work" "$build/artifacts"
	seeds=$src/fuzz/corpus/$t
	opts="-max_len=1200"
	if [ "$t" = replay ]; then
		# A missing seed directory would quietly weaken the run.
		for d in "$src/../shared/scenarios" "$src/tests/scenarios" "$src/tests/scenarios/lazy"; do
			[ -d "$d" ] || { echo "fuzz/run.sh: seed directory $d missing" >&2; exit 2; }
			seeds="$seeds $d"
		done
		opts="-max_len=4096 -dict=$src/fuzz/scenario.dict"
	fi
	log=$build/fuzz-$t.log
	echo "fuzz_$t: ${seconds}s (log: $log)" >&2
	# $opts and $seeds are word lists on purpose.
	# shellcheck disable=SC2086
	# A fixed seed (FUZZ_SEED to change it) makes a CI run explore the same
	# inputs each time, so it does not pass or fail by chance.
	if "$bin" $opts -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
		"$work" $seeds >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
		echo "fuzz_$t: clean, $runs executions, $rate/s" >&2
	else
		grep -v '^    #' "$log" | tail -25 >&2
		echo "fuzz_$t: FAILED; reproduce with: $bin $build/artifacts/$t-*" >&2
		status=1
	fi
done
exit $status
