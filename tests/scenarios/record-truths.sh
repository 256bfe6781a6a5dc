#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Record kernel observations on this host: record-truths.sh SET FILE.scn...
# writes SET/NAME.kernel.obs for each scenario, and SET/kernel-config with
# this host's configuration, so the simulator test replays them under the
# configuration they were recorded in. Needs root; run it with nothing else
# loading the machine (the runner's counts are system-wide), and put any
# sysfs setting you changed by hand back afterwards.
set -euo pipefail
bin=${ANONRMAP:-$(dirname "$0")/../../build/bin/anonrmap}
set_dir=$1
shift
mkdir -p "$set_dir"
config=$("$bin" kernel --show-config)
if [ -f "$set_dir/kernel-config" ] && [ "$(cat "$set_dir/kernel-config")" != "$config" ]; then
	echo "record-truths: $set_dir was recorded under another configuration:" >&2
	echo "  $(cat "$set_dir/kernel-config")" >&2
	echo "this host: $config" >&2
	exit 1
fi
echo "$config" > "$set_dir/kernel-config"
for scn in "$@"; do
	name=$(basename "$scn" .scn)
	echo "record-truths: $name" >&2
	flock "${ANONRMAP_LIVE_LOCK:-/tmp/anonrmap-live.lock}" "$bin" kernel "$scn" > "$set_dir/$name.kernel.obs.new"
	mv "$set_dir/$name.kernel.obs.new" "$set_dir/$name.kernel.obs"
	if ! "$bin" replay $config "$scn" | cmp -s - "$set_dir/$name.kernel.obs"; then
		echo "record-truths: $name: the simulator disagrees with this recording" >&2
	fi
done
