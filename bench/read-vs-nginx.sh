#!/usr/bin/env bash
# Read benchmark: the DES retriever serving the packed dataset against nginx serving the same files
# unpacked from disk, random reads with wrk at concurrency 1, 8 and 64, same machine, same sitting.
#
# Usage: bench/read-vs-nginx.sh [--duration S (10)] [--warmup S (30)] [--urls N (20000)] [--jfr] [--retriever-jar JAR] [--ceiling]
#   --retriever-jar  serve this retriever jar instead of bin/des serve's (an older build, for a
#           before/after comparison in one sitting)
#   --warmup  load on each server at 8 connections before anything is measured: the JVM's compilers
#           are still busy after 10 s on this 2-core machine when other work shares it
#   --ceiling  also measure ReadCeilingServer (bench module): plain Netty serving the unpacked files
#           with one pread of a file kept open and nothing else, the ceiling of a Java read path here
#           (--urls 10000 or fewer: it keeps every file open, and the open-file limit is 20,000)
#   --accept-zstd  every request says Accept-Encoding: zstd (as browsers do): nginx ignores it, the
#           retriever then sends a compressed file's stored zstd frame as it is (Content-Encoding: zstd)
#   --jfr   record the retriever with JFR (settings=profile) into bench/out/read-vs-nginx-<date>.jfr;
#           bench/jfr-hot.sh FILE --thread des-front shows where the event loops that answer reads spend their time
# Needs: the dataset (bench/pack-vs-tar.sh makes it), the built jars (./mvnw -B -q -DskipTests install),
# nginx and wrk (apt-get install -y nginx-light wrk; installed here when run as root).
# Results: bench/out/read-vs-nginx-<date>.md (also printed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=10
WARMUP=30
NURLS=20000
JFR=0
CEILING=0
ACCEPT=identity
RETRIEVER_JAR=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --urls) NURLS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --jfr) JFR=1; shift ;;
    --retriever-jar) RETRIEVER_JAR=$(realpath "$2"); shift 2 ;;
    --ceiling) CEILING=1; shift ;;
    --accept-zstd) ACCEPT=zstd; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

DATA=$ROOT/bench/data/dataset-100k
OUT=$ROOT/bench/out
WORK=$OUT/work-read
STORE=$WORK/store
STAMP=$(date -u +%Y-%m-%d_%H%M)
REPORT=$OUT/read-vs-nginx-$STAMP.md
NGINX_PORT=18080
DES_PORT=18000
CEILING_PORT=18001
mkdir -p "$WORK"

if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq && apt-get install -y -qq nginx-light wrk; else
    echo "need nginx and wrk: apt-get install -y nginx-light wrk" >&2; exit 1; fi
fi
[[ -d $DATA ]] || { echo "no dataset at $DATA: run bench/pack-vs-tar.sh --tar-only first" >&2; exit 1; }
[[ -f $ROOT/cli/target/des.jar ]] || { echo "build first: ./mvnw -B -q -DskipTests install" >&2; exit 1; }

if [[ ! -f $STORE/_des/archive.json ]]; then
  echo "+ bin/des pack $DATA --store $STORE --no-progress"
  "$ROOT/bin/des" pack "$DATA" --store "$STORE" --no-progress | tail -1
fi

# The same random files for both servers: uid (relative path) and created_at (mtime, UTC).
echo "+ picking $NURLS random files"
( cd "$DATA" && find . -type f -printf '%P\t%TY-%Tm-%TdT%TH:%TM:%TSZ\n' ) \
  | sed -E 's/\.[0-9]+Z$/Z/' | shuf -n "$NURLS" --random-source=<(yes) > "$WORK/files.tsv"
awk -F'\t' '{print "/" $1}' "$WORK/files.tsv" > "$WORK/nginx.urls"
awk -F'\t' '{print "/files/" $1 "?created_at=" $2}' "$WORK/files.tsv" > "$WORK/des.urls"
cat > "$WORK/random.lua" <<'LUA'
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  if args[2] == "zstd" then wrk.headers["Accept-Encoding"] = "zstd" end
  math.randomseed(42 + (id or 0))
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
LUA

cat > "$WORK/nginx.conf" <<NGINX
worker_processes 2;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  default_type application/octet-stream;
  server { listen 127.0.0.1:$NGINX_PORT; root $DATA; }
}
NGINX

cleanup() {
  [[ -n ${NGINX_PID:-} ]] && kill "$NGINX_PID" 2>/dev/null || true
  [[ -n ${DES_PID:-} ]] && kill "$DES_PID" 2>/dev/null || true
  [[ -n ${CEILING_PID:-} ]] && kill "$CEILING_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
nginx -c "$WORK/nginx.conf" -p "$WORK" & NGINX_PID=$!
DES_OPTS="-Xmx512m -XX:+UseParallelGC ${DES_EXTRA_OPTS:-}" # as bin/des serve runs it; DES_EXTRA_OPTS: e.g. -Ddes.retriever.open-files=0 for a before/after
if [[ $JFR -eq 1 ]]; then DES_OPTS="$DES_OPTS -XX:StartFlightRecording=filename=$OUT/read-vs-nginx-$STAMP.jfr,settings=profile"; fi
if [[ -n $RETRIEVER_JAR ]]; then
  # shellcheck disable=SC2086
  java $DES_OPTS -jar "$RETRIEVER_JAR" --des.retriever.store="$STORE" --server.port=$DES_PORT > "$WORK/retriever.log" 2>&1 & DES_PID=$!
else
  JAVA_OPTS=$DES_OPTS "$ROOT/bin/des" serve --store "$STORE" --port $DES_PORT > "$WORK/retriever.log" 2>&1 & DES_PID=$!
fi
if [[ $CEILING -eq 1 ]]; then
  [[ -f $ROOT/bench/target/des-bench.jar ]] || { echo "build first: ./mvnw -B -q -DskipTests install" >&2; exit 1; }
  java -Xmx512m -cp "$ROOT/bench/target/des-bench.jar" io.des.bench.ReadCeilingServer "$DATA" $CEILING_PORT > "$WORK/ceiling.log" 2>&1 & CEILING_PID=$!
fi
for i in $(seq 1 120); do
  curl -sf -o /dev/null "http://127.0.0.1:$DES_PORT/health" && curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT$(head -1 "$WORK/nginx.urls")" && break
  sleep 0.5
done
# Both answer the same file the same way before anything is measured.
first=$(head -1 "$WORK/files.tsv" | cut -f1)
cmp <(curl -sf "http://127.0.0.1:$NGINX_PORT/$first") <(curl -sf "http://127.0.0.1:$DES_PORT$(head -1 "$WORK/des.urls")") \
  || { echo "nginx and des disagree on $first" >&2; exit 1; }

run() { # name port urls connections [seconds]
  local threads=2; [[ $4 -eq 1 ]] && threads=1
  wrk -t$threads -c$4 -d${5:-$DURATION}s --latency -s "$WORK/random.lua" "http://127.0.0.1:$2" -- "$3" "$ACCEPT" > "$WORK/wrk-$1-$4.txt" 2>&1
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk-$1-$4.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk-$1-$4.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk-$1-$4.txt")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' "$WORK/wrk-$1-$4.txt" | tr '\n' ' ')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$4" "$rps" "$p50" "$p99" "${errors:-none}"
}

echo "+ warm-up: $WARMUP s of each at 8 connections"
run warmup-nginx $NGINX_PORT "$WORK/nginx.urls" 8 "$WARMUP" > /dev/null
run warmup-des $DES_PORT "$WORK/des.urls" 8 "$WARMUP" > /dev/null
if [[ $CEILING -eq 1 ]]; then
  cmp <(curl -sf "http://127.0.0.1:$NGINX_PORT/$first") <(curl -sf "http://127.0.0.1:$CEILING_PORT/$first") \
    || { echo "nginx and the ceiling server disagree on $first" >&2; exit 1; }
  run warmup-ceiling $CEILING_PORT "$WORK/nginx.urls" 8 "$WARMUP" > /dev/null
fi

{
  echo "# read-vs-nginx, $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "nproc $(nproc); $(java -version 2>&1 | head -1); $(nginx -v 2>&1); wrk $(wrk --version 2>&1 | head -1 | awk '{print $2}'); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$NURLS random files of $DATA; wrk ${DURATION} s per cell after $WARMUP s of warm-up each; nginx: 2 workers, sendfile; des: ${RETRIEVER_JAR:-bin/des serve}, $DES_OPTS; Accept-Encoding: $ACCEPT."
  echo
  echo "| server | connections | requests/s | p50 | p99 | errors |"
  echo "|---|---|---|---|---|---|"
  for c in 1 8 64; do
    run nginx $NGINX_PORT "$WORK/nginx.urls" $c
    run des $DES_PORT "$WORK/des.urls" $c
    if [[ $CEILING -eq 1 ]]; then run ceiling $CEILING_PORT "$WORK/nginx.urls" $c; fi
  done
  echo
  echo "Retriever RSS after the runs: $(( $(awk '/VmRSS/ {print $2}' /proc/$DES_PID/status) / 1024 )) MiB"
} | tee "$REPORT"
echo "Report: $REPORT"
if [[ $JFR -eq 1 ]]; then echo "JFR: $OUT/read-vs-nginx-$STAMP.jfr (written when the retriever stops)"; fi
