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
#     exit 1 with a race report whose text matches REGEX (grep -E) and no
#     unexpected result. The run may end with its summary, or with the
#     crash or the hang that followed the report (a walker that locked a
#     freed anon_vma goes on to walk it, or unlocks another family's lock),
#     which stress prints with the reports made before it; never by the
#     timeout here, which would mean stress's own watchdog failed.
set -u
expect=$1; shift
regex=
if [ "$expect" = race ]; then regex=$1; shift; fi
bin=$1; shift
out=$(mktemp); trap 'rm -f "$out"' EXIT
# far beyond the run's --seconds and stress's 10 s grace for a hang
timeout 170 "$bin" stress --quiet "$@" >"$out" 2>&1
rc=$?
cat "$out"
fail() { echo "run.sh: FAIL: $*" >&2; exit 1; }
[ $rc -ne 124 ] || fail "killed by the timeout: stress did not end by itself"
case $expect in
clean)
	grep -q 'crash: signal' "$out" && fail "the run crashed"
	grep -q '^  hang: ' "$out" && fail "the run hung"
	walked=$(sed -n 's/^rmap walks handed out \([0-9]*\) .*/\1/p' "$out")
	[ -n "$walked" ] || fail "no summary (exit status $rc)"
	[ $rc -eq 0 ] || fail "exit status $rc, expected 0"
	grep -qx clean "$out" || fail "summary does not say clean"
	[ "$walked" -gt 0 ] || fail "the walkers never found a mapping"
	;;
race)
	[ $rc -eq 1 ] || fail "exit status $rc, expected 1 (a race report)"
	grep -E "^  race: .*$regex" "$out" >/dev/null || fail "no race report matches '$regex'"
	grep -Eq '^race reports: [1-9][0-9]*, unexpected results: 0,' "$out" ||
		fail "no race counted, or unexpected results besides the races"
	;;
*)
	fail "unknown expectation '$expect'"
	;;
esac
echo "run.sh: as expected ($expect)"
