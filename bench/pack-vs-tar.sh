#!/usr/bin/env bash
# End-to-end packing benchmark: `des pack` against `tar | zstd -3 -T2` on the same dataset, in the
# same sitting, runs alternating. See bench/README.md.
#
# Usage: bench/pack-vs-tar.sh [--files N] [--seed S] [--runs N] [--small-heap] [--tar-only]
#   --files N     dataset size (default 100000, in bench/data/dataset-100k; generated once)
#   --seed S      generator seed (default 42)
#   --runs N      runs per tool, alternating (default 3); the table shows the median
#   --small-heap  also run `des pack` once with JAVA_OPTS=-Xmx64m and record its peak RSS
#   --small-heap-args "ARGS"  extra des pack options for that run only (e.g. "--batch-files 10000")
#   --tar-only    skip des (for a baseline when the CLI is not built)
#   --des-only    skip tar | zstd
#   --durable-baseline  also run `tar | zstd; sync` (the baseline made as durable as des makes its store)
# Results: bench/out/pack-vs-tar-<date>.md (also printed).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

FILES=100000
SEED=42
RUNS=3
SMALL_HEAP=0
SMALL_HEAP_ARGS=""
RUN_TAR=1
RUN_DES=1
RUN_TAR_SYNC=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) FILES=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --small-heap) SMALL_HEAP=1; shift ;;
    --tar-only) RUN_DES=0; shift ;;
    --des-only) RUN_TAR=0; shift ;;
    --durable-baseline) RUN_TAR_SYNC=1; shift ;;
    --small-heap-args) SMALL_HEAP_ARGS=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

OUT=$ROOT/bench/out
WORK=$OUT/work
STAMP=$(date -u +%Y-%m-%d_%H%M)
REPORT=$OUT/pack-vs-tar-$STAMP.md
LOG=$OUT/pack-vs-tar-$STAMP.log
mkdir -p "$OUT" "$WORK"

# ------------------------------------------------------------------ tools
if [[ ! -x /usr/bin/time ]] || ! command -v zstd >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && apt-get install -y -qq time zstd
  else
    echo "need /usr/bin/time and zstd: apt-get install -y time zstd" >&2
    exit 1
  fi
fi

DES=${DES_BIN:-$ROOT/bin/des}   # DES_BIN overrides the launcher
if [[ $RUN_DES -eq 1 && ! -x $DES ]]; then
  echo "note: $DES not found (build the CLI: ./mvnw -B -q -DskipTests install); running tar | zstd only" >&2
  RUN_DES=0
  DES_MISSING=1
fi
if [[ $SMALL_HEAP -eq 1 && ! -x $DES ]]; then
  SMALL_HEAP=0
fi

# ------------------------------------------------------------------ dataset (once)
# shellcheck source=bench/dataset.sh
source "$ROOT/bench/dataset.sh"
ensure_dataset "$FILES" "$SEED"

# ------------------------------------------------------------------ machine facts
{
  echo "# pack-vs-tar, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "## Machine"
  echo
  echo '```'
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB total, " $7 " GiB available"}')"
  echo "kernel: $(uname -r)"
  echo "filesystem: $(df -T "$DATA" | awk 'NR == 2 {print $2 " on " $1}')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java -version:"
  java -version 2>&1 | sed 's/^/  /'
  echo "zstd --version: $(zstd --version)"
  echo "tar --version: $(tar --version | head -1)"
  echo "git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') ($(git -C "$ROOT" rev-parse --abbrev-ref HEAD 2>/dev/null || echo '?'))"
  echo '```'
  echo
  echo "## Dataset"
  echo
  echo "\`$DATA\`: $INPUT_FILES files, $INPUT_BYTES bytes ($(awk -v b="$INPUT_BYTES" 'BEGIN {printf "%.1f", b / 1e6}') MB), seed $SEED."
  if [[ -f $ROOT/bench/data/$NAME.summary.txt ]]; then
    echo
    echo '```'
    cat "$ROOT/bench/data/$NAME.summary.txt"
    echo '```'
  fi
  echo
} > "$REPORT"
cat "$REPORT"

# ------------------------------------------------------------------ warm the page cache
# Through a pipe: GNU tar does not read file contents when its archive is /dev/null itself.
WARM="tar cf - -C $DATA . | cat > /dev/null"
echo "+ $WARM"
WARM_S=$( { /usr/bin/time -f '%e' bash -c "$WARM" ; } 2>&1 | tail -1)
echo "warm-up read: $WARM_S s"

# ------------------------------------------------------------------ runs
TAR_OUT=$WORK/dataset.tar.zst
STORE=$WORK/store
TAR_CMD="tar cf - -C $DATA . | zstd -3 -T2 -q -o $TAR_OUT"
DES_CMD="$DES pack $DATA --store $STORE --no-progress"
RESULTS=$OUT/pack-vs-tar-$STAMP.tsv   # tool run wall_s rss_kib out_bytes exit load1
: > "$RESULTS"
COMMANDS=()

# A run's output is moved aside, not deleted, before the next run, and all of it is deleted at the
# end. On an ext4 without a journal (this machine's disk) the kernel skips, when it allocates an
# inode, every inode freed in the last 1-6 minutes, looking each one up: right after the previous
# store's ~7,000 files were deleted, creating the next store's files took a tenth of des pack's CPU
# samples (0.4% otherwise). A real pack does not start by deleting thousands of files; tar writes one.
TRASH=$WORK/trash
discard() {
  if [[ -e $1 ]]; then
    mkdir -p "$TRASH"
    mv "$1" "$TRASH/$(date +%s%N)"
  fi
}

if [[ -d $TRASH ]]; then # left by an interrupted run
  rm -rf "$TRASH"
  sync
  echo "deleted the outputs an earlier run left in $TRASH; waiting 60 s (see above)"
  sleep 60
fi

# run TOOL N: one timed run; appends a line to $RESULTS
run() {
  local tool=$1 n=$2 cmd env_desc="" tfile=$WORK/time.txt rc=0 out_bytes=0 load
  case "$tool" in
    tar) discard "$TAR_OUT"; cmd=$TAR_CMD ;;
    tar-sync) discard "$TAR_OUT"; cmd="$TAR_CMD && sync" ;;
    des) discard "$STORE"; cmd=$DES_CMD ;;
    des-64m) discard "$STORE"; cmd="$DES_CMD${SMALL_HEAP_ARGS:+ $SMALL_HEAP_ARGS}"; env_desc="JAVA_OPTS=-Xmx64m " ;;
  esac
  sync
  load=$(cut -d' ' -f1 /proc/loadavg)
  echo "+ [$tool run $n] ${env_desc}/usr/bin/time -f '%e %M' bash -c '$cmd'" | tee -a "$LOG"
  COMMANDS+=("${env_desc}/usr/bin/time -f '%e %M' bash -c 'set -o pipefail; $cmd'")
  if [[ $tool == des-64m ]]; then
    JAVA_OPTS=-Xmx64m /usr/bin/time -f '%e %M' -o "$tfile" bash -c "set -o pipefail; $cmd" >>"$LOG" 2>&1 || rc=$?
  else
    /usr/bin/time -f '%e %M' -o "$tfile" bash -c "set -o pipefail; $cmd" >>"$LOG" 2>&1 || rc=$?
  fi
  # /usr/bin/time prefixes "Command exited with non-zero status N" on failure.
  read -r wall rss < <(tail -1 "$tfile")
  case "$tool" in
    tar|tar-sync) [[ -f $TAR_OUT ]] && out_bytes=$(stat -c %s "$TAR_OUT") ;;
    # The bytes of every file in the store (shards, catalogs, BigFiles), not its folders' own
    # sizes: du -sb would add 4 KiB per folder (7.4 MB for this dataset's 1,803 folders), and a
    # tar's folders cost nothing in its output either.
    *) [[ -d $STORE ]] && out_bytes=$(find "$STORE" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}') ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$n" "$wall" "$rss" "$out_bytes" "$rc" "$load" >> "$RESULTS"
  printf '  %s run %s: %s s, peak RSS %s MiB, output %s bytes, exit %s, load %s\n' \
    "$tool" "$n" "$wall" "$((rss / 1024))" "$out_bytes" "$rc" "$load"
}

for n in $(seq 1 "$RUNS"); do
  if [[ $RUN_TAR -eq 1 ]]; then run tar "$n"; fi
  if [[ $RUN_TAR_SYNC -eq 1 ]]; then run tar-sync "$n"; fi
  if [[ $RUN_DES -eq 1 ]]; then run des "$n"; fi
done
if [[ $SMALL_HEAP -eq 1 ]]; then
  run des-64m 1
fi
rm -rf "$STORE" "$TAR_OUT" "$TRASH"

# ------------------------------------------------------------------ report
table=$(awk -F'\t' -v files="$INPUT_FILES" -v bytes="$INPUT_BYTES" '
  function median(arr, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (arr[j] < arr[i]) { t = arr[i]; arr[i] = arr[j]; arr[j] = t }
    return (n % 2) ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
  }
  {
    tool = $1; wall = $3; rss = $4; out = $5; rc = $6
    label = (tool == "tar") ? "tar \\| zstd -3 -T2" : (tool == "tar-sync") ? "tar \\| zstd -3 -T2; sync" : (tool == "des") ? "des pack" : "des pack, -Xmx64m"
    ok = (rc == 0 && wall > 0 && out > 0)
    runs = runs sprintf("| %s | %s | %.2f | %s | %s | %s | %s | %s | %s |\n", label, $2, wall,
      ok ? sprintf("%.0f", files / wall) : "-", ok ? sprintf("%.1f", bytes / 1e6 / wall) : "-",
      out, ok ? sprintf("%.2f", bytes / out) : "-", sprintf("%.0f", rss / 1024), rc)
    if (ok) {
      k = ++count[tool]; W[tool, k] = wall; R[tool, k] = rss; O[tool, k] = out
    } else {
      failed[tool]++
    }
    if (!(tool in seen)) { seen[tool] = 1; order[++tools] = tool; labels[tool] = label }
  }
  END {
    print "## Runs\n"
    print "| tool | run | wall s | files/s | MB/s | output bytes | ratio | peak RSS MiB | exit |"
    print "|---|---|---|---|---|---|---|---|---|"
    printf "%s\n", runs
    print "## Median per tool\n"
    print "| tool | runs ok | wall s | files/s | MB/s | output bytes | ratio | peak RSS MiB |"
    print "|---|---|---|---|---|---|---|---|"
    for (t = 1; t <= tools; t++) {
      tool = order[t]; n = count[tool] + 0
      if (n == 0) { printf "| %s | 0 of %d | - | - | - | - | - | - |\n", labels[tool], failed[tool]; continue }
      for (i = 1; i <= n; i++) { w[i] = W[tool, i]; r[i] = R[tool, i]; o[i] = O[tool, i] }
      mw = median(w, n); mr = median(r, n); mo = median(o, n)
      MW[tool] = mw; MO[tool] = mo
      printf "| %s | %d of %d | %.2f | %.0f | %.1f | %d | %.2f | %.0f |\n", labels[tool], n, n + failed[tool],
        mw, files / mw, bytes / 1e6 / mw, mo, bytes / mo, mr / 1024
    }
    print ""
    if (("des" in MW) && ("tar" in MW)) {
      print "## DES / baseline\n"
      print "| throughput ratio (des MB/s / tar MB/s) | size ratio (des output / tar output) |"
      print "|---|---|"
      printf "| %.2f | %.3f |\n\n", MW["tar"] / MW["des"], MO["des"] / MO["tar"]
      if ("tar-sync" in MW) {
        printf "Against the durable baseline (\`tar | zstd; sync\`, %.2f s): throughput ratio %.2f.\n\n", MW["tar-sync"], MW["tar-sync"] / MW["des"]
      }
      print "Throughput ratio > 1: des is faster. Size ratio > 1: the des store is larger."
      print ""
    }
  }' "$RESULTS")

{
  echo "$table"
  echo "## Commands"
  echo
  echo '```'
  echo "$WARM    # page cache warm-up, ${WARM_S} s, before the runs"
  for c in "${COMMANDS[@]}"; do echo "$c"; done
  echo '```'
  echo
  echo "## Notes"
  echo
  echo "- Input bytes are the sum of file sizes ($INPUT_BYTES); MB = 10^6 bytes; ratio = input bytes / output bytes."
  echo "- Output: size of the .tar.zst file; for des, the bytes of every file in the store (shards, catalogs, BigFiles; not the folders themselves)."
  echo "- Peak RSS is /usr/bin/time's %M: the largest single process (java for des; tar or zstd for the pipeline), not a sum."
  echo "- Both tools read from the page cache (warmed once before the runs); outputs go to the same disk."
  echo "  des makes its shards durable (fsync) before they appear; tar | zstd does not sync its output."
  echo "- The machine has $(nproc) cores shared with other builds: the load average before each run is in the last column of $RESULTS; repeat before trusting small differences."
  if [[ ${DES_MISSING:-0} -eq 1 ]]; then
    echo "- des was not run: bin/des was missing (build with ./mvnw -B -q -DskipTests install)."
  fi
  if [[ $RUN_TAR -eq 0 ]]; then echo "- tar | zstd was skipped (--des-only)."; fi
  if awk -F'\t' '$1 == "des-64m" && $6 != 0 {found = 1} END {exit !found}' "$RESULTS"; then
    why=$(sed -n '/\[des-64m run/,$p' "$LOG" | grep -m1 -E 'Error|Exception|^des:' || true)
    echo "- The -Xmx64m run failed: \`${why:-see the log}\`"
  fi
  echo "- Raw timings: $RESULTS (tool, run, wall s, RSS KiB, output bytes, exit, load1); command output: $LOG."
} >> "$REPORT"

echo
echo "$table"
echo "Report: $REPORT"
