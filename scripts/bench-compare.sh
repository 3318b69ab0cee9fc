#!/usr/bin/env bash
# The reference job, side by side: eight 12-megapixel JPEGs (4000x3000,
# quality 90, photo-like) resized to 1920 px wide, written as JPEG quality 85,
# by PicPool with its default settings (one worker per core), by PicPool's
# pure-Go build (image/jpeg, no shrink-on-load: what it was before), by
# ImageMagick's mogrify and by libvips' vipsthumbnail, in interleaved
# repetitions after a warm-up. Prints a Markdown table: images/s, MP/s, the
# ratios to mogrify and vipsthumbnail, peak memory (/usr/bin/time -v), output
# size, and quality against a full-precision reference resize.
#
#   make bench-compare            (installs ImageMagick, libvips-tools, time)
#   REPS=5 scripts/bench-compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh
REPS=${REPS:-3}
GO=${GO:-go}
work=build/bench-compare
src=$work/ref
out=$work/out
mkdir -p "$work"
for tool in mogrify vipsthumbnail /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-compare: $tool is missing (make bench-compare installs it)" >&2; exit 1; }
done

$GO build -o "$work/picpool" .
$GO build -tags picpool_purego -o "$work/picpool-purego" .
$GO run ./scripts/bench-compare gen "$src"

chain="resize=1920x0,sharpen=0.75"
# Each tool writes its outputs into the folder given as $1.
run_picpool()           { "$work/picpool" run -out "$1" -filters "$chain" -format jpeg -quality 85 -on-exists overwrite -quiet "$src"; }
run_picpool_purego()    { "$work/picpool-purego" run -out "$1" -filters "$chain" -format jpeg -quality 85 -on-exists overwrite -quiet "$src"; }
run_picpool_nosharpen() { "$work/picpool" run -out "$1" -filters resize=1920x0 -format jpeg -quality 85 -on-exists overwrite -quiet "$src"; }
run_mogrify()           { mogrify -path "$1" -resize 1920x -unsharp 0x0.75 -quality 85 "$src"/*.jpg; }
run_vipsthumbnail()     { vipsthumbnail --size 1920x -o "$(realpath "$1")/%s.jpg[Q=85]" "$src"/*.jpg; }
tools=(picpool picpool_purego picpool_nosharpen mogrify vipsthumbnail)
export work src chain
for tool in "${tools[@]}"; do export -f "run_$tool"; done

{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) vCPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "# $($GO version | cut -d' ' -f3), PicPool JPEG codec: $(dpkg-query -W -f='libjpeg-turbo ${Version}' libturbojpeg0 2>/dev/null || echo '?')"
  echo "# $(mogrify -version | head -1 | cut -d' ' -f2-4), libvips $(vips --version 2>/dev/null | cut -d- -f2)"
} | tee "$work/env.txt"

: >"$work/runs.tsv"
: >"$work/load.txt"
# Each run under /usr/bin/time, for its peak memory; its figures join the
# run's messages when it fails.
timed() { /usr/bin/time -v -o "$work/time.txt" "$@" || { cat "$work/time.txt" >&2; return 1; }; }
bench_wrap=(timed)
bench_record() {
  local tool=$1 rep=$2 secs=$3 load=$4 rss
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
  if [ "$rep" = 0 ]; then
    printf '%-20s warm-up %6.2f s  %6d KiB  load %s\n' "$(name "$tool")" "$secs" "$rss" "$load"
  else
    printf '%s\t%d\t%.3f\t%d\n' "$(name "$tool")" "$rep" "$secs" "$rss" >>"$work/runs.tsv"
    printf '%-20s rep %d   %6.2f s  %6d KiB  load %s\n' "$(name "$tool")" "$rep" "$secs" "$rss" "$load"
  fi
}
# What else was running: the busiest processes at the end of each round.
bench_round() { { echo "round $1, load $(cut -d' ' -f1-3 /proc/loadavg):"; ps -eo pcpu,etime,comm --sort=-pcpu | sed -n '2,6p'; } >>"$work/load.txt"; }
bench_interleave bench-compare "$REPS" "$out" "${tools[@]}"

echo
echo "quality against a full-precision Lanczos-3 resize of each input (Go, float32), means over the 8 images:"
dirs=()
for tool in "${tools[@]}"; do dirs+=("$out/$(name "$tool")"); done
$GO run ./scripts/bench-compare quality "$src" "${dirs[@]}" | tee "$work/quality.tsv"
echo
echo "other processes (busiest, per round):"
cat "$work/load.txt"
echo
cat "$work/env.txt"
echo "# median of $REPS interleaved repetitions after a warm-up; 8 images of 12 MP each"
$GO run ./scripts/bench-compare table "$work/runs.tsv" "$work/quality.tsv" | tee "$work/table.md"
