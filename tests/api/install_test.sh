#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install this build into a scratch prefix, then build and run a consumer
# against it twice: with `pkg-config --cflags --libs anonrmap` and with
# find_package(anonrmap). Both are how users will meet the library, and
# neither is exercised by building inside the source tree.
#
# usage: install_test.sh CMAKE BUILD_DIR C_COMPILER GENERATOR [LDFLAGS]
#
# LDFLAGS are the build's own link flags: an archive built with
# -fsanitize=address calls into the sanitizer runtime, so its consumer must
# link that runtime too, as a user of a sanitized build would.
set -eu

cmake=$1
build=$2
cc=$3
generator=$4
ldflags=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work=$build/api-install
prefix=$work/prefix

if ! command -v pkg-config >/dev/null 2>&1; then
	echo "SKIP: pkg-config not installed"
	exit 77
fi

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Run a step quietly; show its output only when it fails.
step() {
	log=$work/$1.log
	shift
	"$@" >"$log" 2>&1 || { cat "$log" >&2; fail "$*"; }
}

rm -rf "$work"
mkdir -p "$work"

step install "$cmake" --install "$build" --prefix "$prefix"

archive=$(find "$prefix" -name libanonrmap.a)
pc=$(find "$prefix" -name anonrmap.pc)
config=$(find "$prefix" -name anonrmapConfig.cmake)
[ -n "$archive" ] || fail "libanonrmap.a not installed"
[ -n "$pc" ] || fail "anonrmap.pc not installed"
[ -n "$config" ] || fail "anonrmapConfig.cmake not installed"
[ -f "$(dirname "$config")/anonrmapConfigVersion.cmake" ] || fail "no version file"
# Exactly the public headers: internal ones would become API by accident.
(cd "$src/include/anonrmap" && ls) >"$work/headers.want"
(cd "$prefix/include/anonrmap" && ls) >"$work/headers.got" || fail "no headers"
cmp -s "$work/headers.want" "$work/headers.got" ||
	fail "installed headers $(tr '\n' ' ' <"$work/headers.got")differ from include/anonrmap"

PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
version=$(pkg-config --modversion anonrmap) || fail "pkg-config cannot read anonrmap.pc"
flags=$(pkg-config --cflags --libs anonrmap)
echo "pkg-config: $flags"
# $flags is a list of words on purpose.
# shellcheck disable=SC2086
step cc-pkgconfig "$cc" -std=c11 -pedantic-errors -Wall -Wextra -Werror \
	"$here/consumer/consumer.c" -o "$work/consumer-pkgconfig" $flags $ldflags
got=$("$work/consumer-pkgconfig") || fail "consumer built with pkg-config failed"
[ "$got" = "$version" ] || fail "header says $got, anonrmap.pc says $version"
echo "pkg-config consumer: ok ($got)"
unset PKG_CONFIG_PATH

step cmake-configure "$cmake" -S "$here/consumer" -B "$work/cmake" -G "$generator" \
	-DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_EXE_LINKER_FLAGS="$ldflags" \
	-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
	-DANONRMAP_EXPECTED_PREFIX="$prefix" -DANONRMAP_EXPECTED_VERSION="$version"
step cmake-build "$cmake" --build "$work/cmake"
got=$("$work/cmake/consumer") || fail "consumer built with find_package failed"
[ "$got" = "$version" ] || fail "header says $got, the CMake package says $version"
echo "find_package consumer: ok ($got)"
