#!/usr/bin/env bash
# Builds the bench module and runs its JMH benchmarks; output goes to bench/out/jmh-<date>.txt
# (and .json). See bench/README.md.
#
# Usage: bench/jmh.sh [--no-build] [JMH arguments...]
#   bench/jmh.sh                          all benchmarks, their own short defaults
#   bench/jmh.sh CodecBenchmark           benchmarks whose name matches a regex
#   bench/jmh.sh -p codec=zstd-3 Codec    one parameter value
#   bench/jmh.sh -l                       list the benchmarks
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=1
if [[ ${1:-} == --no-build ]]; then
  BUILD=0
  shift
fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,10p' "$0"
  exit 0
fi

JAR=$ROOT/bench/target/des-bench.jar
if [[ $BUILD -eq 1 ]]; then
  echo "+ ./mvnw -B -q -pl bench -am package -DskipTests"
  ./mvnw -B -q -pl bench -am package -DskipTests
fi
if [[ ! -f $JAR ]]; then
  echo "missing $JAR: build it with ./mvnw -B -q -pl bench -am package -DskipTests" >&2
  exit 1
fi

mkdir -p "$ROOT/bench/out"
STAMP=$(date -u +%Y-%m-%d_%H%M)
TXT=$ROOT/bench/out/jmh-$STAMP.txt
JSON=$ROOT/bench/out/jmh-$STAMP.json

{
  echo "# JMH, $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "# nproc: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $(java -version 2>&1 | head -1)"
  echo "# java -jar $JAR -rf json -rff $JSON $*"
} | tee "$TXT"

# Listing (-l, -lp, -h) needs no result file.
if [[ " $* " == *" -l "* || " $* " == *" -lp "* ]]; then
  java -jar "$JAR" "$@" 2>&1 | tee -a "$TXT"
else
  java -jar "$JAR" -rf json -rff "$JSON" "$@" 2>&1 | tee -a "$TXT"
fi
echo "Saved: $TXT"
