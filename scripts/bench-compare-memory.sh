#!/usr/bin/env bash
# Memory over a long batch: the reference job on N images (default 1000:
# hard links to the 8 reference JPEGs of scripts/bench-compare.sh), PicPool
# with its default settings, resident memory sampled twice a second. Prints
# peak memory (/usr/bin/time -v), peak per worker against the 2.5x-the-
# largest-decoded-input budget, and the peak over the first and last tenth
# of the batch (no growth: the two are close).
#
#   make bench-memory            N=1000 by default
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
GO=${GO:-go}
work=build/bench-compare
batch=$work/batch$N
$GO build -o "$work/picpool" .
$GO run ./scripts/bench-compare gen "$work/ref"
rm -rf "$batch" "$work/batch-out" && mkdir -p "$batch"
for i in $(seq 1 "$N"); do ln "$work/ref/ref-$(((i - 1) % 8 + 1)).jpg" "$batch/img-$(printf %04d "$i").jpg"; done
workers=$(nproc)

/usr/bin/time -v -o "$work/memory-time.txt" "$work/picpool" run -out "$work/batch-out" -filters resize=1920x0,sharpen=0.75 \
  -format jpeg -quality 85 -quiet -report "$work/memory-report.json" "$batch" >/dev/null 2>"$work/memory-stderr.txt" &
timer=$!
sleep 0.2
pid=$(pgrep -P "$timer" picpool || true)
: >"$work/memory-samples.tsv"
start=$(date +%s.%N)
while kill -0 "$timer" 2>/dev/null; do
  if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    done_n=$(find "$work/batch-out" -name '*.jpg' 2>/dev/null | wc -l)
    [ -n "$rss" ] && printf '%s\t%s\t%s\n' "$(awk "BEGIN { print $(date +%s.%N) - $start }")" "$done_n" "$rss" >>"$work/memory-samples.tsv"
  fi
  sleep 0.5
done
wait "$timer" || { cat "$work/memory-stderr.txt" >&2; exit 1; }
secs=$(awk "BEGIN { print $(date +%s.%N) - $start }")
peak=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/memory-time.txt")
count=$(find "$work/batch-out" -name '*.jpg' | wc -l)
# The largest input decoded: 4000x3000 at 4 bytes per pixel (NRGBA).
decoded_kib=$((4000 * 3000 * 4 / 1024))
awk -v n="$N" -v done_n="$count" -v secs="$secs" -v peak="$peak" -v workers="$workers" -v dec="$decoded_kib" -F'\t' '
  { t[NR] = $2; r[NR] = $3 }
  END {
    for (i = 1; i <= NR; i++) {
      if (t[i] <= n / 10 && r[i] > first) first = r[i]
      if (t[i] >= n * 9 / 10 && r[i] > last) last = r[i]
    }
    printf "%d of %d images in %.0f s (%.2f images/s), %d workers\n", done_n, n, secs, done_n / secs, workers
    printf "peak resident memory %.0f MiB (/usr/bin/time -v); per worker %.0f MiB = %.2fx the largest decoded input (%.0f MiB as NRGBA; budget 2.5x)\n",
      peak / 1024, peak / 1024 / workers, peak / workers / dec, dec / 1024
    printf "peak over the first tenth of the batch %.0f MiB, over the last tenth %.0f MiB (%+.0f MiB)\n", first / 1024, last / 1024, (last - first) / 1024
  }' "$work/memory-samples.tsv"
