#!/usr/bin/env bash
# Runs one fuzz target for a while: scripts/fuzz.sh PACKAGE TARGET FUZZTIME
# (called by mk/fuzz.mk for each target).
#
# Go 1.26's fuzz coordinator can report its own -fuzztime deadline as a
# failure: "context deadline exceeded" right at the end, with no input
# written (golang/go#75804, fixed in Go 1.27). A real failure always writes
# the input to PACKAGE/testdata/fuzz/TARGET/. So a run that fails with that
# message and writes nothing is run again (twice at most); any other
# failure, or a written input, fails at once.
set -u
pkg=$1 target=$2 fuzztime=$3
go=${GO:-go}
corpus=$pkg/testdata/fuzz/$target
log=$(mktemp)
trap 'rm -f "$log"' EXIT

listing() { ls -1 "$corpus" 2>/dev/null; }

for try in 1 2 3; do
  before=$(listing)
  "$go" test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "./$pkg/" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] && exit 0
  if [ "$(listing)" != "$before" ]; then
    echo "fuzz.sh: $target failed and wrote its input to $corpus/: check it in with the fix" >&2
    exit "$rc"
  fi
  # The coordinator's message is the line after "--- FAIL: Target".
  if ! grep -A1 -- "^--- FAIL: $target " "$log" | grep -qx '[[:space:]]*context deadline exceeded'; then
    exit "$rc"
  fi
  [ "$try" -lt 3 ] && echo "fuzz.sh: $target: Go's fuzz coordinator reported its own deadline (golang/go#75804), no input written; run $((try + 1)) of 3" >&2
done
echo "fuzz.sh: $target: the deadline report came three times running" >&2
exit 1
