#!/usr/bin/env bash
# The reference job (scripts/bench-compare.sh: eight 12-megapixel JPEGs
# resized to 1920 px wide, sharpened 0.75, written as JPEG quality 85, one
# worker per core) run by the packaged Windows build under Wine and by the
# packaged Linux build, side by side in one run: interleaved repetitions
# (the order alternates) after one uncounted warm-up each, the median of
# each. Prints a Markdown table (build/bench-wine/table.md).
#
#   make bench-wine          (builds both packages first)
#   REPS=7 scripts/bench-wine.sh
#   FORMAT=webp scripts/bench-wine.sh   the same job written as WebP quality 80
#                                       (libwebp in both packages: packaging.md)
#   EXE=path/to/other.exe scripts/bench-wine.sh   another Windows build
#
# Two times per run: the whole command, Wine's start included (a wineserver
# is kept running, as Windows is), and the batch's own wall time from its
# JSON report (-report: from the first file started to the last written),
# which leaves out what starting a process costs (under Wine about 0.3 s,
# on Windows itself a few milliseconds). Starting picpool.exe --version
# under Wine is timed alone too. And the CPU time each run used (user +
# system, /usr/bin/time; for Wine with its wineserver's share), which other
# programs on the machine disturb less than wall times.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
REPS=${REPS:-5}
GO=${GO:-go}
version=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' FyneApp.toml | head -n 1)
exe=${EXE:-build/dist/PicPool-$version-windows-amd64.exe}
FORMAT=${FORMAT:-jpeg}
case $FORMAT in
jpeg) quality=85 ext=jpg ;;
webp) quality=80 ext=webp ;;
*) echo "bench-wine: FORMAT is jpeg or webp" >&2; exit 2 ;;
esac
tarball=build/dist/PicPool-$version-linux-$($GO env GOARCH).tar.xz
work=$root/build/bench-wine
src=$work/ref
chain="resize=1920x0,sharpen=0.75"
for f in "$exe" "$tarball"; do [ -f "$f" ] || { echo "bench-wine: $f is missing: run make package" >&2; exit 1; }; done

fail() { echo "bench-wine: $*" >&2; exit 1; }
cleanup() { [ -z "${WINEPREFIX:-}" ] || wineserver -k 2>/dev/null || true; }
trap cleanup EXIT
mkdir -p "$work"
rm -rf "$work/linux" && mkdir -p "$work/linux"
tar -xJf "$tarball" -C "$work/linux"
linux_bin=$(find "$work/linux" -path '*/bin/picpool' -type f)
cp "$exe" "$work/picpool.exe"
$GO run ./scripts/bench-compare gen "$src"
# shellcheck source=packaging/lib/wine.sh
. "$root/packaging/lib/wine.sh"
wine_prefix "$work" >/dev/null
wineserver -p # persistent: each run starts a process, not a Wine session
# The wineserver of this prefix (its environment names it), for its CPU time.
server=''
for p in $(ps -eo pid=,comm= | awk '$2 ~ /^wineserver/ { print $1 }'); do
	tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "WINEPREFIX=$WINEPREFIX" && server=$p
done
[ -n "$server" ] || fail "no wineserver for $WINEPREFIX"
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$server/stat"; }

winsrc=$(winpath "$src")
args=(-filters "$chain" -format "$FORMAT" -quality "$quality" -on-exists overwrite -quiet)
run() { # build outdir: measure the reference job
	case $1 in
	linux) measure "$linux_bin" run -out "$2" -report "$2.json" "${args[@]}" "$src" ;;
	windows) measure wine "$work/picpool.exe" run -out "$(winpath "$2")" -report "$(winpath "$2.json")" "${args[@]}" "$winsrc" ;;
	esac
}
# batch_secs REPORT: the batch's wall time in the JSON report, in seconds.
batch_secs() { sed -n 's/.*"wall_ms": *\([0-9.]*\).*/\1/p' "$1" | head -n 1 | awk '{ printf "%.3f", $1 / 1000 }'; }

measure() { # command... : wall seconds and CPU seconds (with the wineserver's)
	local s0 s1
	s0=$(server_cpu)
	/usr/bin/time -f '%e %U %S' -o "$work/time.txt" "$@" >"$work/out.log" 2>&1 || fail "$* failed: $(tr -d '\r' <"$work/out.log")"
	s1=$(server_cpu)
	awk -v a="$s0" -v b="$s1" '{ printf "%.3f %.3f\n", $1, $2 + $3 + b - a }' "$work/time.txt"
}

{
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) vCPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
	echo "# $(wine --version) (Debian $(dpkg-query -W -f='${Version}' wine 2>/dev/null)), PicPool $version; the job: $chain, $FORMAT quality $quality"
	echo "# Linux:   $(LANG=en_US.UTF-8 "$linux_bin" --version | paste -sd '|' - | sed 's/|/ | /g')"
	echo "# Windows: $(wine "$work/picpool.exe" --version | tr -d '\r' | paste -sd '|' - | sed 's/|/ | /g')"
} | tee "$work/env.txt"

: >"$work/runs.tsv"
for rep in $(seq 0 "$REPS"); do
	if [ $((rep % 2)) = 0 ]; then order="linux windows"; else order="windows linux"; fi
	for b in $order; do
		dir=$work/out-$b
		rm -rf "$dir" && mkdir -p "$dir"
		load=$(cut -d' ' -f1 /proc/loadavg)
		rm -f "$dir.json"
		read -r s cpu < <(run "$b" "$dir")
		n=$(find "$dir" -name "*.$ext" | wc -l)
		[ "$n" = 8 ] || fail "$b wrote $n images, not 8"
		bs=$(batch_secs "$dir.json")
		[ -n "$bs" ] || fail "$b: no wall_ms in $dir.json"
		if [ "$rep" = 0 ]; then
			printf '%-8s warm-up %6.2f s (batch %5.2f s, CPU %5.2f s)  load %s\n' "$b" "$s" "$bs" "$cpu" "$load"
		else
			printf '%s\t%s\t%s\t%s\t%s\n' "$b" "$s" "$bs" "$cpu" "$rep" >>"$work/runs.tsv"
			printf '%-8s rep %d   %6.2f s (batch %5.2f s, CPU %5.2f s)  load %s\n' "$b" "$rep" "$s" "$bs" "$cpu" "$load"
		fi
	done
done
for _ in 1 2 3 4 5; do measure wine "$work/picpool.exe" --version; done >"$work/start.txt"
start=$(cut -d' ' -f1 "$work/start.txt" | sort -n | sed -n 3p) start_cpu=$(cut -d' ' -f2 "$work/start.txt" | sort -n | sed -n 3p)

median() { # build column
	awk -v b="$1" -v c="$2" '$1 == b { print $c }' "$work/runs.tsv" | sort -n |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# paired COLUMN: the median over repetitions of Linux's value over Windows'
# (a speed ratio), each repetition's two runs being next to each other in
# time: what the machine's speed does from one minute to the next (on a
# shared VM, CPU time itself drifts by 20%) cancels out of each ratio.
paired() {
	awk -v c="$1" '{ v[$5, $1] = $c; reps[$5] = 1 } END { for (r in reps) print v[r, "linux"] / v[r, "windows"] }' "$work/runs.tsv" | sort -n |
		awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
all() { awk -v b="$1" '$1 == b { printf "%s%.2f/%.2f/%.2f", sep, $2, $3, $4; sep = ", " }' "$work/runs.tsv"; }
{
	echo
	echo "| build | command: median s | images/s | vs Linux | batch: median s | images/s | vs Linux | CPU: median s | vs Linux | runs (command/batch/CPU s) |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
	awk -v l="$(median linux 2)" -v w="$(median windows 2)" -v lb="$(median linux 3)" -v wb="$(median windows 3)" \
		-v lc="$(median linux 4)" -v wc="$(median windows 4)" -v rl="$(all linux)" -v rw="$(all windows)" 'BEGIN {
		printf "| Linux (tarball/.deb binary) | %.2f | %.2f | 1.00x | %.2f | %.2f | 1.00x | %.2f | 1.00x | %s |\n", l, 8 / l, lb, 8 / lb, lc, rl
		printf "| Windows .exe under Wine | %.2f | %.2f | **%.2fx** | %.2f | %.2f | **%.2fx** | %.2f | **%.2fx** | %s |\n", w, 8 / w, l / w, wb, 8 / wb, lb / wb, wc, lc / wc, rw
	}'
	echo
	echo "Median of $REPS interleaved repetitions after a warm-up; 8 images of 12 MP (96 MP) each run;"
	echo "paired, the median of each repetition's own ratio (its two runs side by side): command **$(paired 2)x**, batch **$(paired 3)x**, CPU **$(paired 4)x**;"
	echo "CPU: user + system seconds of the run (under Wine with its wineserver's), lower is better."
	echo "Starting a program under Wine (picpool.exe --version, median of 5): $start s, $start_cpu s of CPU."
	echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$work/table.md"
