#!/usr/bin/env bash
# The new formats side by side (docs/codecs.md), each tool as its users run
# it over the folder, in interleaved repetitions after a warm-up:
#
#   heic  eight 12-MP HEICs (heif-enc from the reference images, made once
#         and kept in build/bench-formats/heic) to JPEG q85 at 1920 px:
#         PicPool (default workers), its WebAssembly build, its macOS build
#         (WebAssembly HEIC and AVIF), its tarball and Windows build (libheif
#         with libde265, dav1d and aom linked in), vipsthumbnail
#   webp  the reference job (resize to 1920 px, sharpen 0.75) as WebP q80:
#         PicPool, PicPool without the sharpen (vips's work), its
#         WebAssembly build, vipsthumbnail -o %s.webp[Q=80]
#   avif  the reference images at 1920 px as AVIF: PicPool's default
#         (quality 60, speed 9), PicPool at quality 50 (vips's default Q)
#         and speed 6 (avifenc's default), its WebAssembly build, its
#         macOS build, its tarball and Windows build, vipsthumbnail
#         -o %s.avif (its defaults: Q 50, effort 4)
#   aviffull  the reference images at full size (12 MP) as AVIF, where the
#         encoder's memory shows (PicPool writes them as grids of cells,
#         docs/codecs.md): PicPool, PicPool with -avif-one-frame (what the
#         grids save), its tarball and Windows build, its macOS
#         build, vipsthumbnail -o %s.avif[effort=0] (aom speed 9, PicPool's
#         default; effort 4 took 62 s for four images)
#
# Prints a Markdown table per job: images/s, the ratio to vipsthumbnail,
# peak memory (/usr/bin/time -v) and per worker against 2.5x the largest
# decoded input, output size, and quality against a full-precision resize
# of the reference JPEGs, or the JPEGs themselves at full size
# (scripts/bench-compare quality).
#
#   make bench-formats              REPS=3 by default; JOBS="heic webp" for some
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-3}
JOBS=${JOBS:-heic webp avif aviffull}
GO=${GO:-go}
export LANG=C.UTF-8
work=build/bench-formats
ref=build/bench-compare/ref
heic=$work/heic
out=$work/out
mkdir -p "$work" "$heic"
for tool in heif-enc vipsthumbnail /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-formats: $tool is missing (make bench-formats installs it)" >&2; exit 1; }
done

$GO build -o "$work/picpool" .
# Builds without cgo: every codec in WebAssembly (and image/jpeg).
$GO build -tags picpool_purego,nodynamic -o "$work/picpool-wasm" .
# The macOS package's build (packaging/lib/tags.sh): libjpeg-turbo and
# libwebp linked in, HEIC and AVIF in WebAssembly.
# shellcheck source=packaging/lib/tags.sh
. packaging/lib/tags.sh
$GO build -tags "$darwin_tags" -o "$work/picpool-portable" .
# The Linux tarball's (and the Windows app's, for Linux): libheif, libde265,
# dav1d and aom linked in too, built by packaging/thirdparty/ (once).
bash packaging/thirdparty/build.sh linux-amd64 aom dav1d libde265 libheif >/dev/null
(eval "$(bash packaging/thirdparty/build.sh --env linux-amd64)" && $GO build -tags "$tarball_tags" -o "$work/picpool-tarball" .)
$GO run ./scripts/bench-compare gen "$ref"
for i in $(seq 1 8); do
  [ -s "$heic/ref-$i.heic" ] || { echo "heif-enc ref-$i.jpg (once; about a minute each)"; heif-enc -o "$heic/ref-$i.heic" "$ref/ref-$i.jpg" >/dev/null; }
done

# Each tool writes its outputs into the folder given as $1.
pp() { "$work/$1" run -out "$2" -on-exists overwrite -quiet "${@:3}"; }
run_heic_picpool()      { pp picpool "$1" -filters resize=1920x0 -format jpeg -quality 85 "$heic"; }
run_heic_picpool_wasm() { pp picpool-wasm "$1" -filters resize=1920x0 -format jpeg -quality 85 "$heic"; }
run_heic_picpool_portable() { pp picpool-portable "$1" -filters resize=1920x0 -format jpeg -quality 85 "$heic"; }
run_heic_picpool_tarball() { pp picpool-tarball "$1" -filters resize=1920x0 -format jpeg -quality 85 "$heic"; }
run_heic_vipsthumbnail() { vipsthumbnail --size 1920x -o "$(realpath "$1")/%s.jpg[Q=85]" "$heic"/*.heic; }
run_webp_picpool()      { pp picpool "$1" -filters resize=1920x0,sharpen=0.75 -format webp -quality 80 "$ref"; }
run_webp_picpool_nosharpen() { pp picpool "$1" -filters resize=1920x0 -format webp -quality 80 "$ref"; }
run_webp_picpool_wasm() { pp picpool-wasm "$1" -filters resize=1920x0,sharpen=0.75 -format webp -quality 80 "$ref"; }
run_webp_vipsthumbnail() { vipsthumbnail --size 1920x -o "$(realpath "$1")/%s.webp[Q=80]" "$ref"/*.jpg; }
run_avif_picpool()      { pp picpool "$1" -filters resize=1920x0 -format avif "$ref"; }
run_avif_picpool_q50()  { pp picpool "$1" -filters resize=1920x0 -format avif -quality 50 "$ref"; }
run_avif_picpool_q50_speed6() { pp picpool "$1" -filters resize=1920x0 -format avif -quality 50 -avif-speed 6 "$ref"; }
run_avif_picpool_wasm() { pp picpool-wasm "$1" -filters resize=1920x0 -format avif "$ref"; }
run_avif_picpool_portable() { pp picpool-portable "$1" -filters resize=1920x0 -format avif "$ref"; }
run_avif_picpool_tarball() { pp picpool-tarball "$1" -filters resize=1920x0 -format avif "$ref"; }
run_avif_vipsthumbnail() { vipsthumbnail --size 1920x -o "$(realpath "$1")/%s.avif" "$ref"/*.jpg; }
run_aviffull_picpool()  { pp picpool "$1" -format avif "$ref"; }
run_aviffull_picpool_oneframe() { pp picpool "$1" -format avif -avif-one-frame "$ref"; }
run_aviffull_picpool_portable() { pp picpool-portable "$1" -format avif "$ref"; }
run_aviffull_picpool_tarball() { pp picpool-tarball "$1" -format avif "$ref"; }
run_aviffull_vipsthumbnail() { vipsthumbnail --size 4000x -o "$(realpath "$1")/%s.avif[effort=0]" "$ref"/*.jpg; }
export work ref heic
export -f pp
for f in $(compgen -A function run_); do export -f "$f"; done

{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) vCPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "# $($GO version | cut -d' ' -f3), libvips $(vips --version 2>/dev/null | cut -d- -f2)"
  "$work/picpool" --version | sed 's/^/# /'
  "$work/picpool-wasm" --version | sed -n '3,5s/^/# wasm build: /p'
  "$work/picpool-tarball" --version | sed -n '3,4s/^/# tarball build: /p'
} | tee "$work/env.txt"
idle=$( { /usr/bin/time -f %M "$work/picpool" --version >/dev/null; } 2>&1 | tail -1)
# The largest input decoded: 4000x3000 at 4 bytes per pixel (NRGBA).
decoded_kib=$((4000 * 3000 * 4 / 1024))

for job in $JOBS; do
  tools=()
  for f in $(compgen -A function "run_${job}_"); do tools+=("${f#run_"${job}"_}"); done
  : >"$work/$job-runs.tsv"
  for rep in $(seq 0 "$REPS"); do
    n=${#tools[@]}
    for i in $(seq 0 $((n - 1))); do
      tool=${tools[$(((i + rep) % n))]}
      dir="$out/$job/${tool//_/-}"
      rm -rf "$dir" && mkdir -p "$dir"
      start=$(date +%s.%N)
      /usr/bin/time -v -o "$work/time.txt" bash -c "run_${job}_$tool '$dir'" >/dev/null 2>"$work/stderr.txt" ||
        { echo "bench-formats: $job $tool failed:" >&2; cat "$work/stderr.txt" "$work/time.txt" >&2; exit 1; }
      secs=$(awk "BEGIN { print $(date +%s.%N) - $start }")
      rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
      count=$(find "$dir" -name 'ref-*' | wc -l)
      [ "$count" = 8 ] || { echo "bench-formats: $job $tool wrote $count images, not 8" >&2; exit 1; }
      label="${tool//_/-}"
      if [ "$rep" = 0 ]; then
        printf '%-5s %-24s warm-up %7.2f s %7d KiB  load %s\n' "$job" "$label" "$secs" "$rss" "$(cut -d' ' -f1 /proc/loadavg)"
      else
        printf '%s\t%d\t%.3f\t%d\n' "$label" "$rep" "$secs" "$rss" >>"$work/$job-runs.tsv"
        printf '%-5s %-24s rep %d   %7.2f s %7d KiB  load %s\n' "$job" "$label" "$rep" "$secs" "$rss" "$(cut -d' ' -f1 /proc/loadavg)"
      fi
    done
  done
  dirs=()
  for tool in "${tools[@]}"; do dirs+=("$out/$job/${tool//_/-}"); done
  $GO run ./scripts/bench-compare quality "$ref" "${dirs[@]}" >"$work/$job-quality.tsv"
  echo
  echo "## $job (median of $REPS interleaved repetitions after a warm-up; 8 images of 12 MP each)"
  $GO run ./scripts/bench-compare table "$work/$job-runs.tsv" "$work/$job-quality.tsv" vipsthumbnail | tee "$work/$job-table.md"
  awk -F'\t' -v idle="$idle" -v dec="$decoded_kib" -v workers="$(nproc)" '
    $1 ~ /^picpool/ { if ($4 > peak[$1]) peak[$1] = $4 }
    END { for (t in peak) printf "%s: peak %d MiB, per worker (peak - %d MiB idle) / %d = %.0f MiB = %.2fx the largest decoded input (budget 2.5x)\n",
      t, peak[t] / 1024, idle / 1024, workers, (peak[t] - idle) / workers / 1024, (peak[t] - idle) / workers / dec }' "$work/$job-runs.tsv" | sort
done
echo
cat "$work/env.txt"
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
