#!/usr/bin/env bash
# Per-stage benchmarks of the reference job (processing/bench_test.go), the
# pure-Go build (image/jpeg, full-size decode: "before") against the default
# build (libjpeg-turbo, shrink-on-load: "after"), in interleaved rounds on one
# core each (-cpu 1), so that whatever else runs on the machine weighs on both
# alike. Prints every round, then the median of each benchmark per build.
#
#   scripts/bench-compare-stages.sh [ROUNDS]     (make bench-stages)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
GO=${GO:-go}
dir=build/bench-stages
mkdir -p "$dir"
$GO test -c -o "$dir/purego.test" -tags picpool_purego ./processing/
$GO test -c -o "$dir/turbo.test" ./processing/
: >"$dir/results.txt"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
for r in $(seq 1 "$rounds"); do
  order="purego turbo"
  [ $((r % 2)) = 0 ] && order="turbo purego"
  for b in $order; do
    echo "== round $r, $b; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd processing && "../$dir/$b.test" -test.run '^$' -test.bench . -test.cpu 1 -test.benchtime 3x) |
      grep '^Benchmark' | sed "s/^/$b /" | tee -a "$dir/results.txt"
  done
done
echo
echo "medians over $rounds rounds (ms per op; MP/s of the stage's input):"
awk '{ printf "%s %s\t%.1f\n", $1, $2, $4 / 1e6 }' "$dir/results.txt" | sort -t$'\t' -k1,1 -k2,2g |
  awk -F'\t' '{ if (!($1 in n)) order[++keys] = $1; v[$1, ++n[$1]] = $2 }
    END { for (i = 1; i <= keys; i++) { k = order[i]; m = n[k]
          med = (m % 2) ? v[k, (m + 1) / 2] : (v[k, m / 2] + v[k, m / 2 + 1]) / 2
          printf "%-45s %9.1f ms\n", k, med } }'
