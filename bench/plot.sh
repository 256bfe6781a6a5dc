#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Draws the benchmark pictures with gnuplot, PNG and SVG, into OUT_DIR:
#   slab.{png,svg}  slab KB of each object, per design, across workloads
#   walk.{png,svg}  rmap walk cost against AVC count, fork depth, fork breadth
#   fork.{png,svg}  fork + exit CPU time against N VMAs, per design and kernel
# from CSV files:
#   bench/plot.sh SLAB_CSV SPEED_CSV_DIR OUT_DIR
# SLAB_CSV has the columns of `anonrmap bench --format csv` (workload, phase,
# design, object and live_kb are used; the last phase of each workload is
# drawn); SPEED_CSV_DIR is what `anonrmap-speed --csv DIR` wrote.
set -eu
slab=$1 speed=$2 out=$3
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot is missing (apt-get install gnuplot-nox)" >&2; exit 2; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One row per workload and object (last phase), one column per design.
awk -F, '
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
	w = $col["workload"]; p = $col["phase"]; d = $col["design"]; o = $col["object"]
	if (!(w in last)) worder[++nw] = w
	last[w] = p
	if (!(d in seen)) { seen[d] = 1; dorder[++nd] = d }
	if (!((w, o) in oseen)) { oseen[w, o] = 1; objs[w, ++no[w]] = o }
	kb[w, p, o, d] = $col["live_kb"]
}
END {
	printf "object"
	for (j = 1; j <= nd; j++) printf " %s", dorder[j]
	printf "\n"
	for (i = 1; i <= nw; i++) {
		w = worder[i]
		for (k = 1; k <= no[w]; k++) {
			o = objs[w, k]
			if (o == "folio") continue
			printf "\"%s %s\"", w, o
			for (j = 1; j <= nd; j++) {
				v = kb[w, last[w], o, dorder[j]]
				printf " %s", v == "" ? "NaN" : v
			}
			printf "\n"
		}
	}
}' "$slab" >"$tmp/slab.dat"
ndesigns=$(head -1 "$tmp/slab.dat" | awk '{ print NF - 1 }')

# walk.csv: sweep,x,design,avcs,hits,visited,ns_per_walk -> one file per sweep and design
awk -F, -v dir="$tmp" 'NR > 1 { f = dir "/walk-" $1 "-" $3 ".dat"; print $2, $7, $6 > f; d[$3] = 1 }
	END { for (k in d) print k > (dir "/designs") }' "$speed/walk.csv"
# fork.csv: vmas,design,fork_ms,fork_exit_ms,fork_exit_cpu_ms
awk -F, -v dir="$tmp" 'NR > 1 { print $1, $5, $4 > (dir "/fork-" $2 ".dat"); if (!($2 in d)) { d[$2] = 1; print $2 > (dir "/fork-designs") } }' "$speed/fork.csv"

for term in png svg; do
	case $term in
	png) set_term="set terminal pngcairo size 1200,520 font 'sans,10'" ;;
	svg) set_term="set terminal svg size 1200,520 font 'sans,10' dynamic" ;;
	esac
	gnuplot <<GP
$set_term
set output "$out/slab.$term"
set termoption noenhanced
set title "Slab memory per object, last phase of each workload (anonrmap bench)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "KB (live objects x kernel object size)"
set logscale y
set yrange [0.5:*]
set xtics rotate by -30 left noenhanced
set key top right noenhanced
set grid ytics
set bmargin 8
set rmargin 12
plot for [i=2:$((ndesigns + 1))] "$tmp/slab.dat" using i:xtic(1) title columnhead(i)
GP
	walk_plots() { # SWEEP [TITLE-SUFFIX]
		sep=
		for d in $(sort "$tmp/designs"); do
			[ -f "$tmp/walk-$1-$d.dat" ] || continue
			printf '%s"%s/walk-%s-%s.dat" using 1:2 with linespoints title "%s%s"' "$sep" "$tmp" "$1" "$d" "$d" "${2:-}"
			sep=", "
		done
	}
	gnuplot <<GP
$set_term
set output "$out/walk.$term"
set termoption noenhanced
set multiplot layout 1,3 title "Rmap walk: median CPU time per anonrmap_rmap_walk() (anonrmap-speed walk)"
set logscale x 2
set logscale y
set grid
set key top left noenhanced
set ylabel "ns per walk"
set xlabel "AVCs in the anon_vma tree (2 hits per walk)"
plot $(walk_plots avcs " scattered"), $(walk_plots avcs-hot " one folio")
set xlabel "fork depth (hits = depth + 1)"
plot $(walk_plots depth)
set xlabel "fork breadth (hits = breadth + 1)"
plot $(walk_plots breadth)
unset multiplot
GP
	fork_plots() {
		sep=
		for d in $(cat "$tmp/fork-designs"); do
			printf '%s"%s/fork-%s.dat" using 1:2 with linespoints title "%s"' "$sep" "$tmp" "$d" "$d"
			sep=", "
		done
	}
	gnuplot <<GP
$set_term
set output "$out/fork.$term"
set title "Fork + exit of N VMAs of 4 written pages, CPU time: model designs and the live kernel (anonrmap-speed fork)" noenhanced
set logscale xy
set grid
set key top left noenhanced
set xlabel "N VMAs"
set ylabel "CPU ms, median (kernel: parent's fork() + child's exit)" noenhanced
set format x "10^{%T}"
plot $(fork_plots)
GP
done
echo "plot.sh: wrote $out/slab, walk, fork (.png, .svg)" >&2
