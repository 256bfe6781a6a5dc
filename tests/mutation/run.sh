#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Mutation testing: apply each deliberate bug of mutants.txt, one at a time,
# to a scratch copy of the tree, rebuild, and see whether the suite notices:
# `ctest -LE kernel`, then the bounded fuzz command (`anonrmap fuzz` over
# the default, dense and huge corpora). Prints one line per mutant and the
# mutation score. The work tree is left untouched.
#
# usage: tests/mutation/run.sh [-j N] [--seeds N] [MUTANT_ID...]
#   MUTATION_DIR  scratch directory (default: a new one under /tmp)
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
here=$src/tests/mutation
jobs=2
seeds=1000
while [ $# -gt 0 ]; do
	case $1 in
	-j) jobs=$2; shift 2 ;;
	--seeds) seeds=$2; shift 2 ;;
	-h|--help) sed -n '3,11p' "$0"; exit 0 ;;
	*) break ;;
	esac
done
ids=("$@")
[ ${#ids[@]} -gt 0 ] || mapfile -t ids < <(python3 "$here/apply.py" "$here/mutants.txt" --list)

work=${MUTATION_DIR:-$(mktemp -d /tmp/anonrmap-mutation.XXXXXX)}
tree=$work/main
mkdir -p "$tree"
# ../shared must sit beside the tree, as beside a checkout
[ -e "$work/shared" ] || ln -s "$(cd "$src/.." && pwd)/shared" "$work/shared"
git -C "$src" ls-files -z | (cd "$src" && xargs -0 tar cf -) | tar xf - -C "$tree"

build() {
	cmake --build "$tree/build" -j"$jobs" >"$work/build.log" 2>&1
}

# ctest's failing tests, comma-separated, or "" when it passed. The first
# failure is enough to call a mutant caught, and stopping there keeps one
# that deadlocks from costing every remaining test its full timeout.
run_ctest() {
	(cd "$tree/build" && timeout 1800 ctest -LE kernel -j"$jobs" --timeout 150 --stop-on-failure >"$work/ctest.log" 2>&1)
	if ! grep -q "tests passed, 0 tests failed" "$work/ctest.log"; then
		grep -E '^[[:space:]]+[0-9]+ - ' "$work/ctest.log" |
			sed -E 's/^[[:space:]]+[0-9]+ - //; s/ \(.*//' | paste -sd, - | grep . || echo "ctest-died"
	fi
}

# the fuzz command over three corpora; prints the first that failed
run_fuzz() {
	local bin=$tree/build/bin/anonrmap
	for opts in "--migrate" "--migrate --huge" "--migrate --ops 200 --pages 40"; do
		# shellcheck disable=SC2086
		if ! timeout 600 "$bin" fuzz --seeds "$seeds" $opts >"$work/fuzz.log" 2>&1; then
			echo "fuzz $opts"
			return
		fi
	done
}

cmake -S "$tree" -B "$tree/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DANONRMAP_WERROR=ON \
	>"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 2; }
build || { cat "$work/build.log"; exit 2; }
base=$(run_ctest)
[ -z "$base" ] || { echo "baseline: ctest fails ($base): fix that first" >&2; exit 2; }
[ -z "$(run_fuzz)" ] || { echo "baseline: fuzz fails: fix that first" >&2; exit 2; }
echo "baseline clean; ${#ids[@]} mutants; scratch tree $tree" >&2

killed=0 total=0 by_ctest=0 by_fuzz=0 invalid=0 survivors=()
for id in "${ids[@]}"; do
	file=$(awk -v id="$id" '$1 == "@@" && $2 == id { print $3 }' "$here/mutants.txt")
	cp "$tree/$file" "$work/orig"
	if ! python3 "$here/apply.py" "$here/mutants.txt" "$tree" "$id"; then
		invalid=$((invalid + 1))
		continue
	fi
	if ! build; then
		echo "$id: INVALID (does not build)"
		invalid=$((invalid + 1))
		cp "$work/orig" "$tree/$file"
		continue
	fi
	total=$((total + 1))
	t=$(run_ctest)
	f=
	# the fuzz command runs where ctest saw nothing (FUZZ_ALWAYS=1: always)
	[ -n "$t" ] && [ -z "${FUZZ_ALWAYS:-}" ] || f=$(run_fuzz)
	[ -n "$t" ] && by_ctest=$((by_ctest + 1))
	[ -n "$f" ] && by_fuzz=$((by_fuzz + 1))
	if [ -n "$t$f" ]; then
		killed=$((killed + 1))
		echo "$id: killed by ${t:+ctest [$t]}${t:+${f:+ and }}${f:+$f}"
	else
		survivors+=("$id")
		echo "$id: SURVIVED"
	fi
	cp "$work/orig" "$tree/$file"
done
build >/dev/null
echo "mutation score: $killed/$total killed ($by_ctest by ctest, $by_fuzz by the fuzz command;" \
	"$invalid invalid)${survivors[*]:+; survivors: ${survivors[*]}}"
[ ${#survivors[@]} -eq 0 ]
