#!/usr/bin/env bash
# A real Slurm cluster on this machine, running PicPool as a job array.
#
#   bash scripts/slurm-test.sh        (root, or sudo; `make test-slurm` builds
#                                       build/picpool and runs it)
#
# Installs slurmctld, slurmd, slurm-client and munge when missing (Debian's
# packages), starts munge and both daemons in the foreground without systemd,
# with a throw-away slurm.conf under a temporary folder (given through
# SLURM_CONF, on free ports: nothing is written to /etc/slurm, and a cluster
# another program runs is left alone), waits until the node is idle, then:
#
#   1. plans the batch once (`picpool plan -assign size`: the shared photos,
#      with a name clash under -flat) and submits docs/cluster/
#      picpool-array.sbatch as it is but for the numbers (`--array=0-3`,
#      `-shards 4`, one CPU a task, no memory request: this node has none
#      configured): `picpool run -plan PLAN -shards 4 -resume` per task;
#   2. cancels index 2 (scancel: SIGTERM, as preemption or a time limit
#      sends) once its journal holds its first output, and checks what it
#      left: no temporary file, its journal, its clean stop;
#   3. runs docs/cluster/picpool-merge.sbatch after the array: the merge
#      must fail (exit 3) and name shard 2 as unfinished;
#   4. resubmits index 2 alone, which resumes from its first attempt's
#      journal and does only the rest, then the merge again: complete, every
#      input done once;
#   5. checks that the output folder equals one local `picpool run` over
#      the inputs byte for byte (but for the shards' reports), that no
#      journal is left, that each task ran one worker (SLURM_CPUS_PER_TASK=1)
#      and that no task printed toolkit noise.
#
# Every daemon it started is stopped by PID at the end, pass or fail.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "$(id -u)" != 0 ]; then
	exec sudo -E bash "$0" "$@"
fi
picpool=${PICPOOL:-$root/build/picpool}
photos=${PHOTOS:-$root/../shared/testdata/photos}
filters=${FILTERS:-blur=4,resize=800x0}
[ -x "$picpool" ] || { echo "slurm-test: $picpool is missing: make build" >&2; exit 1; }
[ -d "$photos" ] || { echo "slurm-test: $photos is missing" >&2; exit 1; }

t0=$(date +%s%N)
note() { local ms=$((($(date +%s%N) - t0) / 1000000)); printf 'slurm-test: %4d.%01ds %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$*"; }
fail() { echo "slurm-test: FAIL: $*" >&2; exit 1; }

missing=""
for p in slurmctld slurmd slurm-client munge; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	note "installing:$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
note "packages ready"

D=$(mktemp -d /tmp/picpool-slurm.XXXXXX)
chmod 755 "$D"
PIDS=()
MUNGE_PID=""
JOBS=()
cleanup() {
	status=$?
	set +e
	[ ${#JOBS[@]} -gt 0 ] && scancel "${JOBS[@]}" 2>/dev/null
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
	if [ -n "$MUNGE_PID" ]; then
		kill "$MUNGE_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$MUNGE_PID" 2>/dev/null || break; sleep 0.1; done
	fi
	if [ $status != 0 ]; then
		for f in "$D"/slurmctld.out "$D"/slurmd.out "$D"/logs/*; do
			[ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
		done
	fi
	rm -rf "$D"
	note "daemons stopped (status $status)"
}
trap cleanup EXIT

# munge: reuse one that answers, else start one (with a key when the
# package's post-install did not make it).
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
	if [ ! -s /etc/munge/munge.key ]; then
		install -d -o munge -g munge -m 0700 /etc/munge
		if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key; else dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null; fi
		chown munge:munge /etc/munge/munge.key
		chmod 0400 /etc/munge/munge.key
	fi
	install -d -o munge -g munge -m 0755 /run/munge
	install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
	runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
	for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
	MUNGE_PID=$(cat /run/munge/munged.pid)
	munge -n | unmunge >/dev/null || fail "munge does not answer"
fi

# Two free TCP ports for the controller and the node daemon.
free_port() {
	local p
	for _ in $(seq 200); do
		p=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
	fail "no free port"
}
ctld_port=$(free_port)
slurmd_port=$(free_port)
[ "$ctld_port" != "$slurmd_port" ] || slurmd_port=$((ctld_port + 1))

host=$(hostname -s)
mkdir -p "$D/state" "$D/spool" "$D/logs" "$D/in" "$D/out"
cat >"$D/slurm.conf" <<CONF
ClusterName=picpooltest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
KillWait=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=picpool Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$D/slurm.conf
slurmctld -D -i >"$D/slurmctld.out" 2>&1 & PIDS+=($!)
slurmd -D >"$D/slurmd.out" 2>&1 & PIDS+=($!)
for _ in $(seq 300); do
	[ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ] && break
	sleep 0.1
done
[ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ] || fail "the node did not come up"
note "cluster up: node $host idle, $(nproc) CPUs, controller on port $ctld_port"

# 1. One input folder: the photos, and one of them again in a sub-folder
#    (the same name under -flat: numbered over the whole batch).
mkdir -p "$D/in/more"
cp "$photos"/*.jpg "$D/in/"
cp "$photos/Landscape_3.jpg" "$D/in/more/"
inputs=$(find "$D/in" -name '*.jpg' | wc -l)
LANG=C.UTF-8 "$picpool" plan -out "$D/out" -flat -filters "$filters" -assign size "$D/in" >"$D/plan.jsonl" 2>"$D/plan.log" ||
	fail "plan: $(cat "$D/plan.log")"
note "planned $inputs inputs: $(tail -1 "$D/plan.log")"

# The job files of docs/cluster, but for the numbers this node can give.
sed -e 's/^#SBATCH --array=.*/#SBATCH --array=0-3/' -e 's/^#SBATCH --cpus-per-task=.*/#SBATCH --cpus-per-task=1/' \
	-e '/^#SBATCH --mem/d' -e "s|^#SBATCH --output=.*|#SBATCH --output=$D/logs/%A_%a.out|" \
	-e 's/-shards [0-9]*/-shards 4/' docs/cluster/picpool-array.sbatch >"$D/array.sbatch"
sed -e '/^#SBATCH --mem/d' -e "s|^#SBATCH --output=.*|#SBATCH --output=$D/logs/merge-%j.out|" \
	docs/cluster/picpool-merge.sbatch >"$D/merge.sbatch"
grep -q -- '-shards 4 -resume' "$D/array.sbatch" || fail "docs/cluster/picpool-array.sbatch no longer runs picpool run -plan … -shards N -resume"
export PATH="$(dirname "$picpool"):$PATH" PLAN="$D/plan.jsonl" LANG=C.UTF-8
[ "$(command -v picpool)" = "$picpool" ] || fail "the job files' picpool is $(command -v picpool), not $picpool"

# Waits until none of the given jobs is in the queue.
wait_jobs() {
	for _ in $(seq 1200); do
		[ -z "$(squeue -h -j "$(IFS=,; echo "$*")" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	fail "jobs $* still queued after 2 minutes"
}
# Counts the outputs shard 2's journals hold.
journalled() { cat "$D/out/".picpool-journal.shard-2-of-4.*.jsonl 2>/dev/null | grep -c '"event":"file"' || true; }

job=$(sbatch --parsable --chdir="$D" --export=ALL "$D/array.sbatch")
JOBS+=("$job")
note "submitted array job $job (0-3)"
for _ in $(seq 1200); do
	[ "$(journalled)" -gt 0 ] && break
	sleep 0.05
done
[ "$(journalled)" -gt 0 ] || fail "index 2 wrote nothing"

# 2. Cancel index 2 mid-shard.
scancel "${job}_2"
note "cancelled ${job}_2 after its first output"
wait_jobs "$job"
note "array $job ended"
done_before=$(journalled)
share=$(grep -h '^shard  2/4:' "$D/logs/${job}_2.out" | sed 's/^shard  2\/4: \([0-9]*\) of.*/\1/')
[ -n "$share" ] || fail "index 2 did not say its share: $(cat "$D/logs/${job}_2.out")"
[ "$done_before" -lt "$share" ] || fail "index 2 finished its $share inputs before it was cancelled: give it more work"
find "$D/out" -name '.picpool-*.tmp' | grep -q . && fail "temporary files left: $(find "$D/out" -name '.picpool-*.tmp')"
grep -q "canceled: finished files are complete" "$D/logs/${job}_2.out" || fail "index 2 did not stop cleanly: $(cat "$D/logs/${job}_2.out")"
note "index 2 stopped cleanly (SIGTERM) with $done_before of its $share inputs done, no partial file, and its journal"

# Submits the merge job and waits for it; sets $merge to its ID.
run_merge() {
	merge=$(sbatch --parsable --chdir="$D" --export=ALL "$D/merge.sbatch")
	JOBS+=("$merge")
	wait_jobs "$merge"
}

# 3. The merge after the array names shard 2.
run_merge
grep -q "unfinished shards (inputs not processed): 2$" "$D/logs/merge-$merge.out" ||
	fail "the merge did not name shard 2: $(cat "$D/logs/merge-$merge.out")"
grep -q '"unfinished": \[' "$D/report.json" || fail "the merged report does not list the unfinished shard"
note "merge job $merge: incomplete, names shard 2"

# 4. Resubmit index 2 alone: it resumes. Then the merge again.
job2=$(sbatch --parsable --chdir="$D" --export=ALL --array=2 "$D/array.sbatch")
JOBS+=("$job2")
wait_jobs "$job2"
log2b="$D/logs/${job2}_2.out"
grep -q "resumed: $done_before of the skipped inputs were done by an earlier run" "$log2b" ||
	fail "the resubmitted index did not resume the $done_before files: $(cat "$log2b")"
note "resubmitted index 2 as job $job2: it skipped the $done_before file(s) done before and did the rest"
run_merge
grep -q "merged 5 reports of 4 shards: processed $inputs, skipped 0, failed 0, not processed 0 of $inputs" "$D/logs/merge-$merge.out" ||
	fail "the second merge: $(cat "$D/logs/merge-$merge.out")"
grep -q "\"done\": $inputs," "$D/report.json" || fail "the merged report: $(head -15 "$D/report.json")"
note "merge job $merge: complete, $inputs inputs done once each (5 reports: 4 shards and the resumed attempt)"

# 5. The output folder equals one local run, byte for byte.
"$picpool" run -quiet -flat -filters "$filters" -out "$D/ref" "$D/in" >/dev/null 2>"$D/ref.log" || fail "local run: $(cat "$D/ref.log")"
(cd "$D/ref" && find . -type f | sort) >"$D/ref.list"
(cd "$D/out" && find . -type f -not -name '.picpool-report.*' | sort) >"$D/out.list"
diff -u "$D/ref.list" "$D/out.list" || fail "the array's files differ from the local run's (or a journal is left)"
while read -r f; do
	cmp -s "$D/ref/$f" "$D/out/$f" || fail "$f differs from the local run's"
done <"$D/ref.list"
note "$(wc -l <"$D/ref.list") outputs equal a local run's byte for byte; no journal left"
for log in "$D"/logs/[0-9]*.out; do
	grep -q "1 worker" "$log" || fail "$(basename "$log") did not run one worker: $(head -3 "$log")"
	grep -qi "fyne\|locale" "$log" && fail "$(basename "$log") printed toolkit noise: $(cat "$log")"
done
grep -h "^start" "$D"/logs/[0-9]*.out | sort -u | sed 's/^/slurm-test:          /'
note "PASS"
