#!/usr/bin/env bash
# What colour management costs, side by side in one run: the reference job of
# scripts/bench-compare.sh (eight 12-megapixel JPEGs resized to 1920 px wide,
# sharpen 0.75, JPEG quality 85, one worker per core) by this build and by
# BASE (default: the last commit before colour management), on the sRGB
# reference images (untagged: nothing to convert) and on an Adobe RGB (1998)
# copy of them (made with lcms2's jpgicc, the profile embedded), which this
# build converts to sRGB and BASE does not; and libvips' vipsthumbnail on the
# copy with --export-profile srgb (the same conversion; like in
# bench-compare, vipsthumbnail does not sharpen) and without. Interleaved
# repetitions after a warm-up; prints the medians and the two ratios the
# colour work is held to:
#   picpool / picpool-base, reference images           at least 0.95
#   picpool-adobe / vipsthumbnail-srgb, Adobe RGB copy  at least 1.3
#
#   make bench-colour             (installs libvips-tools, liblcms2-utils, colord-data)
#   REPS=7 BASE=main scripts/bench-colour.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh
REPS=${REPS:-5}
GO=${GO:-go}
BASE=${BASE:-e7fa674}
work=build/bench-colour
ref=$work/ref
adobe=$work/adobe
out=$work/out
profile=/usr/share/color/icc/colord/AdobeRGB1998.icc
for tool in vipsthumbnail jpgicc; do
  command -v "$tool" >/dev/null || { echo "bench-colour: $tool is missing (make bench-colour installs it)" >&2; exit 1; }
done
[ -f "$profile" ] || { echo "bench-colour: $profile is missing (make bench-colour installs colord-data)" >&2; exit 1; }
mkdir -p "$work" "$adobe"

$GO build -o "$work/picpool" .
rm -rf "$work/base-src" && mkdir -p "$work/base-src"
git archive "$BASE" | tar -x -C "$work/base-src"
(cd "$work/base-src" && $GO build -o ../picpool-base .)
$GO run ./scripts/bench-compare gen "$ref"
for f in "$ref"/*.jpg; do
  [ -s "$adobe/$(basename "$f")" ] || jpgicc -t1 -q90 -e -o"$profile" "$f" "$adobe/$(basename "$f")" >/dev/null 2>&1 ||
    { echo "bench-colour: jpgicc failed on $f" >&2; exit 1; }
done

chain="resize=1920x0,sharpen=0.75"
# Each run writes its outputs into the folder given as $1.
pp()                      { "$1" run -out "$2" -filters "$chain" -format jpeg -quality 85 -on-exists overwrite -quiet "$3"; }
run_picpool_base()        { pp "$work/picpool-base" "$1" "$ref"; }
run_picpool()             { pp "$work/picpool" "$1" "$ref"; }
run_picpool_base_adobe()  { pp "$work/picpool-base" "$1" "$adobe"; }
run_picpool_adobe()       { pp "$work/picpool" "$1" "$adobe"; }
run_vipsthumbnail_srgb()  { vipsthumbnail --size 1920x --export-profile srgb -o "$(realpath "$1")/%s.jpg[Q=85]" "$adobe"/*.jpg; }
run_vipsthumbnail_adobe() { vipsthumbnail --size 1920x -o "$(realpath "$1")/%s.jpg[Q=85]" "$adobe"/*.jpg; }
tools=(picpool_base picpool picpool_base_adobe picpool_adobe vipsthumbnail_srgb vipsthumbnail_adobe)
export work ref adobe chain
export -f pp
for tool in "${tools[@]}"; do export -f "run_$tool"; done

{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) vCPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "# picpool: $("$work/picpool" --version | tr '\n' ' ')"
  echo "# picpool-base: $BASE ($(git log -1 --format=%s "$BASE" | cut -c1-60)); libvips $(vips --version 2>/dev/null | cut -d- -f2)"
} | tee "$work/env.txt"

: >"$work/runs.tsv"
bench_record() {
  local tool=$1 rep=$2 secs=$3 load=$4
  if [ "$rep" = 0 ]; then
    printf '%-22s warm-up %6.2f s  load %s\n' "$(name "$tool")" "$secs" "$load"
  else
    printf '%s\t%.3f\n' "$(name "$tool")" "$secs" >>"$work/runs.tsv"
    printf '%-22s rep %d   %6.2f s  load %s\n' "$(name "$tool")" "$rep" "$secs" "$load"
  fi
}
bench_interleave bench-colour "$REPS" "$out" "${tools[@]}"

echo
echo "what the outputs say about their colours (exiftool, first image):"
for tool in "${tools[@]}"; do
  f=$(find "$out/$(name "$tool")" -name '*.jpg' | sort | head -1)
  printf '%-22s %s\n' "$(name "$tool")" "$(exiftool -s3 -ProfileDescription "$f" 2>/dev/null || true)"
done
echo
cat "$work/env.txt"
echo "# median of $REPS interleaved repetitions after a warm-up; 8 images of 12 MP each; load average $(cut -d' ' -f1-3 /proc/loadavg)"
median() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$work/runs.tsv" | sort -n |
  awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
{
  echo "| pipeline | images/s | runs (s) |"
  echo "| --- | ---: | --- |"
  for tool in "${tools[@]}"; do
    k=$(name "$tool")
    printf '| %s | %.2f | %s |\n' "$k" "$(awk "BEGIN { print 8 / $(median "$k") }")" \
      "$(awk -F'\t' -v k="$k" '$1 == k { printf "%s ", $2 }' "$work/runs.tsv")"
  done
  echo
  awk "BEGIN { printf \"picpool / picpool-base on the reference images: %.3f (at least 0.95)\n\", $(median picpool-base) / $(median picpool) }"
  awk "BEGIN { printf \"picpool-adobe / vipsthumbnail-srgb on the Adobe RGB copy: %.2fx (at least 1.3)\n\", $(median vipsthumbnail-srgb) / $(median picpool-adobe) }"
} | tee "$work/table.md"
