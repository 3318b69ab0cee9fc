# The interleaved repetitions of the side-by-side benchmarks
# (bench-compare.sh, bench-colour.sh), which source this file.
#
# bench_interleave NAME REPS OUT TOOL...
#   Runs REPS+1 rounds, round 0 a warm-up, each of every TOOL once, the
#   order turned by one place each round so that no tool always runs after
#   the same one. A run is "run_TOOL DIR" in a new bash (so run_TOOL must be
#   exported), through the command in the array bench_wrap when it is set,
#   into DIR = OUT/TOOL (with - for _), emptied first; its output is thrown
#   away and its standard error kept for the message if it fails. It must
#   write 8 JPEGs. Then the caller's bench_record TOOL ROUND SECONDS LOAD
#   prints or keeps the figures (LOAD: the load average before the run),
#   and after each round bench_round ROUND, if the caller defines it.
#   NAME starts the error messages; temporary files go into $work.

# name is how a tool is shown: run_picpool_base is "picpool-base".
name() { echo "${1//_/-}"; }

bench_interleave() {
  local bench=$1 reps=$2 out=$3
  shift 3
  local tools=("$@") n=$# rep i tool dir load start end secs count
  for rep in $(seq 0 "$reps"); do
    for i in $(seq 0 $((n - 1))); do
      tool=${tools[$(((i + rep) % n))]}
      dir="$out/$(name "$tool")"
      rm -rf "$dir" && mkdir -p "$dir"
      load=$(cut -d' ' -f1 /proc/loadavg)
      start=$(date +%s.%N)
      "${bench_wrap[@]}" bash -c "run_$tool '$dir'" >/dev/null 2>"$work/stderr.txt" ||
        { echo "$bench: $tool failed:" >&2; cat "$work/stderr.txt" >&2; exit 1; }
      end=$(date +%s.%N)
      secs=$(awk "BEGIN { print $end - $start }")
      count=$(find "$dir" -name '*.jpg' | wc -l)
      [ "$count" = 8 ] || { echo "$bench: $tool wrote $count images, not 8" >&2; exit 1; }
      bench_record "$tool" "$rep" "$secs" "$load"
    done
    if declare -F bench_round >/dev/null; then bench_round "$rep"; fi
  done
}
