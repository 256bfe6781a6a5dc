#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# One bounded stress run, judged by its output as well as its exit status,
# so that a run that passes by doing nothing, or fails for the wrong reason,
# does not pass the test.
#
#   run.sh clean BINARY ARGS...
#     exit 0, the summary says clean, and the walkers found mappings: a run
#     whose walkers never reached a mapped folio has tested nothing.
#   run.sh race REGEX BINARY ARGS...
#     exit 1 because of a race report whose text matches REGEX (grep -E),
#     with no crash, no unexpected errno and within the time limit.
set -u
expect=$1; shift
regex=
if [ "$expect" = race ]; then regex=$1; shift; fi
bin=$1; shift
out=$(mktemp); trap 'rm -f "$out"' EXIT
# twice the run's own --seconds bound and more: a hang is a failure
timeout 120 "$bin" stress --quiet "$@" >"$out" 2>&1
rc=$?
cat "$out"
fail() { echo "run.sh: FAIL: $*" >&2; exit 1; }
[ $rc -ne 124 ] || fail "timed out"
grep -q 'crash: signal' "$out" && fail "the run crashed"
walked=$(sed -n 's/^rmap walks handed out \([0-9]*\) .*/\1/p' "$out")
[ -n "$walked" ] || fail "no summary (exit status $rc)"
case $expect in
clean)
	[ $rc -eq 0 ] || fail "exit status $rc, expected 0"
	grep -qx clean "$out" || fail "summary does not say clean"
	[ "$walked" -gt 0 ] || fail "the walkers never found a mapping"
	;;
race)
	[ $rc -eq 1 ] || fail "exit status $rc, expected 1 (a race report)"
	grep -q '^race reports: [1-9]' "$out" || fail "no race report"
	grep -q 'unexpected results: 0,' "$out" || fail "unexpected results besides the races"
	grep -E "race: .*$regex" "$out" >/dev/null || fail "no race report matches '$regex'"
	;;
*)
	fail "unknown expectation '$expect'"
	;;
esac
echo "run.sh: as expected ($expect)"
