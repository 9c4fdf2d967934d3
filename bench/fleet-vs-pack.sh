#!/usr/bin/env bash
# End-to-end fleet benchmark: the one-machine fleet (Kafka, Redis, S3Proxy, one coordinator, N
# workers; bin/des fleet up) against single-process `des pack` of the same dataset into the same
# S3Proxy, in the same sitting, runs alternating. Also reports the cost of one checkpoint.
#
# Usage: bench/fleet-vs-pack.sh [--files N] [--seed S] [--runs N] [--workers N] [--warmup N]
#   --files N     dataset size (default 100000, bench/data/dataset-100k; generated once)
#   --runs N      runs per side, alternating (default 2); the table shows the median
#   --workers N   fleet workers (default 2)
#   --warmup W    before the timed runs, untimed in the ratio: "full" (default) packs the whole
#                 dataset once with the fleet (at its own dates; the timed runs are redated), and
#                 reports that cold pass of freshly started JVMs as its own row; N packs only N files
#                 dated 2000-01-01 to 01-07 (as many jobs as a run, far fewer files); 0: none.
#                 The fleet's JVMs and S3Proxy are long-running services, warm in production (a
#                 5,000-file warm-up left the workers' C2 compilers busy through the first timed run,
#                 which then packed at half the rate of the second); `des pack` is a new JVM each run
#                 and pays its JIT in its time.
# The fleet's run time is from the moment the dataset appears in the landing folder (one rename of
# a staged copy) until the landing folder is empty and the ledger has nothing pending or running;
# starting the fleet is not counted. `des pack` is timed as a command.
# Results: bench/out/fleet-vs-pack-<date>.md (also printed).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
FILES=100000
SEED=42
RUNS=2
WORKERS=2
WARMUP=full
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) FILES=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

OUT=$ROOT/bench/out
WORK=$OUT/fleet-work
FLEET_DIR=$WORK/fleet
STAMP=$(date -u +%Y-%m-%d_%H%M)
REPORT=$OUT/fleet-vs-pack-$STAMP.md
LOG=$OUT/fleet-vs-pack-$STAMP.log
mkdir -p "$OUT" "$WORK"
: > "$LOG"

# shellcheck source=bench/dataset.sh
source "$ROOT/bench/dataset.sh"
ensure_dataset "$FILES" "$SEED"

export AWS_ACCESS_KEY_ID=des AWS_SECRET_ACCESS_KEY=des-secret-key AWS_REGION=us-east-1
# A ledger of its own in the (possibly shared) Redis; the apps take it from the environment.
export DES_REDIS_PREFIX="des-bench-$STAMP:"
S3=http://127.0.0.1:8081
COORDINATOR=http://127.0.0.1:8090

"$ROOT/bin/des" fleet down --dir "$FLEET_DIR" --purge >> "$LOG" 2>&1 || true # a fresh archive and ledger
echo "+ bin/des fleet up --dir $FLEET_DIR --workers $WORKERS" | tee -a "$LOG"
"$ROOT/bin/des" fleet up --dir "$FLEET_DIR" --workers "$WORKERS" >> "$LOG" 2>&1
trap '"$ROOT/bin/des" fleet down --dir "$FLEET_DIR" >> "$LOG" 2>&1 || true
  redis-cli -h 127.0.0.1 --scan --pattern "*$DES_REDIS_PREFIX*" | xargs -r -n 500 redis-cli -h 127.0.0.1 del > /dev/null || true' EXIT
LANDING=$FLEET_DIR/landing
mkdir -p "$LANDING/files"

status() { curl -s --max-time 5 "$COORDINATOR/status"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# cpu_snapshot FILE: CPU seconds (user + system) so far of each of the fleet's processes, one
# "<component> <seconds>" line each, from the pids `bin/des fleet up` recorded.
TICKS=$(getconf CLK_TCK)
cpu_snapshot() {
  local f name pid
  : > "$1"
  for f in "$FLEET_DIR"/pids/*.pid; do
    name=$(basename "$f" .pid)
    pid=$(tr -dc '0-9' < "$f")
    [[ -n $pid && -r /proc/$pid/stat ]] || continue
    # Fields 14 and 15 after the command name in parentheses: utime and stime, in clock ticks.
    sed 's/^.*) //' "/proc/$pid/stat" | awk -v n="$name" -v t="$TICKS" '{printf "%s %.2f\n", n, ($12 + $13) / t}' >> "$1"
  done
}

# cpu_delta BEFORE AFTER SIDE RUN: appends "<side> <run> <component> <seconds>" to $CPU for each process
cpu_delta() {
  awk -v side="$3" -v run="$4" 'NR == FNR {b[$1] = $2; next} {printf "%s\t%s\t%s\t%.2f\n", side, run, $1, $2 - b[$1]}' "$1" "$2" >> "$CPU"
}

# run_pack N: des pack of the dataset into a fresh prefix of the fleet's S3Proxy
run_pack() {
  local n=$1 start end
  sync # the previous run's writes (shards, deleted landing files) are flushed before the timer starts
  cpu_snapshot "$WORK/cpu-before"
  start=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$WORK/pack-time" \
    "$ROOT/bin/des" pack "$DATA" --store "s3://des/pack-run-$n" --s3-endpoint "$S3" --no-progress >> "$LOG" 2>&1
  end=$(date +%s.%N)
  cpu_snapshot "$WORK/cpu-after"
  cpu_delta "$WORK/cpu-before" "$WORK/cpu-after" pack "$n"
  awk -v side=pack -v run="$n" '{printf "%s\t%s\tdes-pack\t%.2f\n", side, run, $1 + $2}' "$WORK/pack-time" >> "$CPU"
  awk -v s="$start" -v e="$end" 'BEGIN {printf "%.2f", e - s}'
}

# run_fleet N: stage a copy, rename it into the landing folder, wait until all is packed
run_fleet() {
  local n=$1 start end before
  local stage=$WORK/stage-$n
  rm -rf "$stage"
  cp -a "$DATA" "$stage" # same file system as the landing folder, so the move below is a rename
  # Moved n x 366 days earlier (created_at is the modification time; later could be in the future,
  # which a landing folder leaves alone): each run packs into shard keys of its own, as each des pack
  # run packs into a prefix of its own. Else the second run would find the first run's shards in its
  # keys and read their catalogs and indexes, which des pack never does.
  python3 - "$stage" "$n" <<'PY'
import os, sys
shift = -int(sys.argv[2]) * 366 * 86400
for folder, _, names in os.walk(sys.argv[1]):
    for name in names:
        p = os.path.join(folder, name)
        st = os.stat(p)
        os.utime(p, (st.st_atime, st.st_mtime + shift))
PY
  # The copy's 1.3 GB of dirty pages, and the previous run's writes, go to disk before the timer
  # starts, not during the fleet's run (des pack reads a dataset written long ago).
  sync
  before=$(status | json 'd["files"]["packed"]')
  cpu_snapshot "$WORK/cpu-before"
  start=$(date +%s.%N)
  mv "$stage" "$LANDING/files/run-$STAMP-$n"
  # Done when the folder is empty and the ledger counts every file packed (deleted files alone
  # could be a job's sources deleted before its ledger record says done). Polled every 0.2 s, the
  # cheap check first; /status reads the ledger's counts when asked.
  while [[ -n $(find "$LANDING/files/run-$STAMP-$n" -type f -print -quit) ]]; do sleep 0.2; done
  until [[ $(status | json "d['files']['packed'] - $before") -ge $INPUT_FILES ]]; do sleep 0.2; done
  end=$(date +%s.%N)
  cpu_snapshot "$WORK/cpu-after"
  cpu_delta "$WORK/cpu-before" "$WORK/cpu-after" "$([[ $n -eq 0 ]] && echo cold || echo fleet)" "$n"
  local packed failed
  packed=$(( $(status | json 'd["files"]["packed"]') - before ))
  failed=$(status | json 'd["jobs"]["failed"]')
  echo "  fleet run $n: $packed files packed, failed jobs so far $failed" >> "$LOG"
  awk -v s="$start" -v e="$end" 'BEGIN {printf "%.2f", e - s}'
}

# warm_up: the fleet packs WARMUP files of the dataset, redated so they land in other shard keys
warm_up() {
  local stage=$WORK/stage-warmup before
  rm -rf "$stage"
  mkdir -p "$stage"
  (cd "$DATA" && find . -type f | sort | awk -v n="$WARMUP" 'NR <= n' | xargs -d '\n' cp --parents -t "$stage")
  # Spread over seven days, as the dataset is: as many jobs as a timed run (7 x 256 shard keys), so
  # the JIT compilers of every JVM have seen the job path as often as they will in the run.
  local day
  for day in 1 2 3 4 5 6 7; do
    (cd "$stage" && find . -type f | sort | awk -v d="$day" 'NR % 7 == d % 7' | xargs -r -d '\n' touch -d "2000-01-0${day}T12:00:00Z")
  done
  before=$(status | json 'd["files"]["packed"]')
  mv "$stage" "$LANDING/files/warmup-$STAMP"
  while [[ $(status | json "d['files']['packed'] - $before") -lt $WARMUP ]]; do sleep 1; done
  echo "  warm-up: $WARMUP files packed by the fleet (not timed)" | tee -a "$LOG"
}
RESULTS=$WORK/results.tsv
CPU=$WORK/cpu.tsv
: > "$RESULTS"
: > "$CPU"
if [[ $WARMUP == full ]]; then
  load=$(cut -d' ' -f1 /proc/loadavg)
  t=$(run_fleet 0); echo -e "cold\t0\t$t\t$load" >> "$RESULTS"; echo "  fleet, cold (first pass after start, not in the ratio): $t s (load $load)"
elif [[ $WARMUP -gt 0 ]]; then
  warm_up
fi
for n in $(seq 1 "$RUNS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  t=$(run_pack "$n"); echo -e "pack\t$n\t$t\t$load" >> "$RESULTS"; echo "  des pack run $n: $t s (load $load)"
  load=$(cut -d' ' -f1 /proc/loadavg)
  t=$(run_fleet "$n"); echo -e "fleet\t$n\t$t\t$load" >> "$RESULTS"; echo "  fleet run $n: $t s (load $load)"
done

# The cost of one checkpoint, from the workers' timers.
checkpoints=""
for port in $(seq 8091 $((8090 + WORKERS))); do
  checkpoints+=$(curl -s "http://127.0.0.1:$port/actuator/prometheus" | awk '/^des_worker_checkpoint_seconds_(count|sum) / {print $1, $2}')
  checkpoints+=$'\n'
done
read -r cp_count cp_sum < <(echo "$checkpoints" | awk '$1 ~ /_count$/ {c += $2} $1 ~ /_sum$/ {s += $2} END {printf "%d %.6f\n", c, s}')
failed=$(status | json 'd["jobs"]["failed"]')
jobs_done=$(status | json 'd["jobs"]["done"]')

{
  echo "# fleet-vs-pack, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -1); git $(git rev-parse --short HEAD)."
  echo "Dataset: \`$DATA\`, $INPUT_FILES files, $INPUT_BYTES bytes. Fleet: 1 coordinator, $WORKERS workers, Kafka, S3Proxy (filesystem), Redis, all on this machine; warm-up: $([[ $WARMUP == full ]] && echo "the whole dataset, once (the cold row)" || echo "$WARMUP files") packed by the fleet before the timed runs."
  echo
  echo "| side | run | seconds | files/s | MB/s | load at start |"
  echo "|---|---|---|---|---|---|"
  awk -F'\t' -v files="$INPUT_FILES" -v bytes="$INPUT_BYTES" '{printf "| %s | %s | %.2f | %.0f | %.1f | %s |\n", ($1 == "pack" ? "des pack (one process)" : $1 == "cold" ? "fleet, cold (first pass after start; not in the median)" : "fleet"), $2, $3, files / $3, bytes / 1e6 / $3, $4}' "$RESULTS"
  echo
  awk -F'\t' '
    function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }; return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    { k = ++c[$1]; v[$1, k] = $3 }
    END {
      for (i = 1; i <= c["pack"]; i++) p[i] = v["pack", i]
      for (i = 1; i <= c["fleet"]; i++) f[i] = v["fleet", i]
      mp = median(p, c["pack"]); mf = median(f, c["fleet"])
      printf "Median: des pack %.2f s, fleet %.2f s: the fleet takes %.2fx the time of one process (overhead %+.0f%%).\n", mp, mf, mf / mp, (mf / mp - 1) * 100
    }' "$RESULTS"
  echo
  echo "CPU seconds (user + system) spent during the runs, by process, median over the runs (where the fleet's overhead goes; the other"
  echo "processes are idle during a des pack run but are counted, as they share the cores):"
  echo
  echo "| process | during des pack | during the fleet run |"
  echo "|---|---|---|"
  awk -F'\t' '
    function median(list,   a, n, i, j, t) { n = split(list, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }; return n == 0 ? "" : (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    { v[$3, $1] = v[$3, $1] " " $4; names[$3] = 1; tot[$1, $2] += $4 }
    END {
      for (n in names) printf "| %s | %s | %s |\n", n, median(v[n, "pack"]), median(v[n, "fleet"])
      for (k in tot) { split(k, p, SUBSEP); all[p[1]] = all[p[1]] " " tot[k] }
      printf "| **all** | %s | %s |\n", median(all["pack"]), median(all["fleet"])
    }' "$CPU" | sort
  echo
  if [[ $cp_count -gt 0 ]]; then
    echo "Checkpoints: $cp_count saved by the workers, $(awk -v c="$cp_count" -v s="$cp_sum" 'BEGIN {printf "%.2f", s / c * 1000}') ms each on average (Redis round trip with the state, des_worker_checkpoint_seconds). Jobs done: $jobs_done, failed: $failed."
  else
    echo "Checkpoints: none saved (every job was a first run smaller than one upload part, which saves none); the cost of one by its size: \`bench/jmh.sh CheckpointBenchmark\`. Jobs done: $jobs_done, failed: $failed."
  fi
  echo
  echo "Reproduce: \`bench/fleet-vs-pack.sh --files $FILES --runs $RUNS --workers $WORKERS --warmup $WARMUP\` (log: \`$LOG\`)."
} | tee "$REPORT"
