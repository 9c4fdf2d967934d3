#!/usr/bin/env bash
# The DES fleet on one machine, without Docker: a Kafka broker (KRaft), Redis, S3Proxy, the
# coordinator(s), the workers and the retriever, as plain processes on 127.0.0.1 with their
# pidfiles, logs and data in one run directory. Run through `bin/des fleet up|status|down`.
# See docs/fleet-local.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_hint="build it first with: ./mvnw -B -q -DskipTests install"

KAFKA_VERSION=4.1.2
S3PROXY_VERSION=4.1.0
BUCKET=des
STORE="s3://$BUCKET/archive"
N_BITS=8
S3_KEY=des
S3_SECRET=des-secret-key
S3_REGION=us-east-1
HOST=127.0.0.1
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
INFRA_TIMEOUT=${DES_FLEET_INFRA_TIMEOUT:-120}
APP_TIMEOUT=${DES_FLEET_APP_TIMEOUT:-180}
STOP_GRACE=${DES_FLEET_STOP_GRACE:-15}

# Settings: a flag wins over DES_FLEET_<KEY>, which wins over (status and down only) what the last
# `up` recorded in <run dir>/fleet.conf, which wins over these defaults.
declare -A DEFAULTS=(
  [KAFKA_PORT]=9092 [KAFKA_CONTROLLER_PORT]=9093 [REDIS_PORT]=6379 [S3_PORT]=8081
  [RETRIEVER_PORT]=8000 [COORDINATOR_PORTS]="8090,8089" [WORKER_PORT]=8091
  [COORDINATORS]=1 [WORKERS]=2 [ONLY]=all [SOURCE]=""
)
declare -A FLAGS=() RECORDED=() CFG=()
ACTION=""
RUN=""
PURGE=no

die() { echo "des fleet: $*" >&2; exit 1; }
say() { echo "$@"; }

usage() {
  cat <<'EOF'
Usage: bin/des fleet up|status|down [options]   (bin/des fleet ACTION --help for its options)

Runs the DES fleet on this machine as plain processes on 127.0.0.1, without Docker:
  kafka          Kafka 4.1.2 broker, KRaft combined mode   9092 (controller 9093)
  redis          redis-server (an answering one is reused)  6379
  s3proxy        S3Proxy 4.1.0, bucket "des"                8081  key des / secret des-secret-key
  coordinator-N  des-coordinator (1, at most 2)             8090, 8089
  worker-N       des-worker (2 by default)                  8091, 8092, ...
  retriever      des-retriever                              8000
Everything lives in the run directory: <checkout>/.fleet, or --dir DIR, or DES_FLEET_DIR.

  up       start what is not running yet (idempotent), wait until healthy, print a summary
  status   what runs, where, and whether it is healthy; exit 0 when all is up, 1 otherwise
  down     stop what up started (apps first, then infra); --purge also deletes the data

See docs/fleet-local.md.
EOF
}

usage_up() {
  cat <<'EOF'
Usage: bin/des fleet up [options]

Starts what is not running yet from the run directory (a running component is reused), waits
until each is ready (Kafka: "Kafka Server started" and its port; apps: /actuator/health 200),
and prints a summary. Downloads the Kafka and S3Proxy jars with ./mvnw when missing.

  --dir DIR                  run directory (DES_FLEET_DIR; default <checkout>/.fleet)
  --only LIST                components to start, comma-separated: all (default), infra, apps,
                             kafka, redis, s3, coordinator, worker, retriever (DES_FLEET_ONLY)
  --coordinators N           1 or 2 (DES_FLEET_COORDINATORS; default 1)
  --workers N                (DES_FLEET_WORKERS; default 2)
  --source DIR               the coordinator's landing folder (DES_FLEET_SOURCE;
                             default <run dir>/landing)
  --kafka-port P             broker port (DES_FLEET_KAFKA_PORT; default 9092)
  --kafka-controller-port P  KRaft controller port (DES_FLEET_KAFKA_CONTROLLER_PORT; default 9093)
  --redis-port P             (DES_FLEET_REDIS_PORT; default 6379)
  --s3-port P                S3Proxy port (DES_FLEET_S3_PORT; default 8081)
  --coordinator-ports A,B    (DES_FLEET_COORDINATOR_PORTS; default 8090,8089)
  --worker-port P            first worker's port, the next ones follow (DES_FLEET_WORKER_PORT; default 8091)
  --retriever-port P         (DES_FLEET_RETRIEVER_PORT; default 8000)

Timeouts in seconds: DES_FLEET_INFRA_TIMEOUT (120), DES_FLEET_APP_TIMEOUT (180).
Extra JVM options for every Java process: DES_FLEET_JAVA_OPTS (each already has -Xmx256m).
EOF
}

usage_status() {
  cat <<'EOF'
Usage: bin/des fleet status [--dir DIR] [--only LIST]

For each component of the last `up`: running or not, pid, address, health (apps: their
/actuator/health), then the coordinator's GET /status and the retriever's address.
Exit 0 when everything is up and healthy, 1 otherwise.
EOF
}

usage_down() {
  cat <<'EOF'
Usage: bin/des fleet down [--dir DIR] [--only LIST] [--purge]

Stops what `up` started from the run directory, by pidfile: SIGTERM, then SIGKILL after
DES_FLEET_STOP_GRACE seconds (15); apps first, then S3Proxy, Kafka and Redis. A Redis that the
fleet did not start is never stopped. The data stays unless --purge is given: it then deletes
Kafka's, S3Proxy's and Redis's data, the default landing folder, the logs and the pidfiles
(the downloaded jars in <run dir>/lib stay; delete the run directory to drop them too).
EOF
}

# ---------------------------------------------------------------- settings

parse_args() {
  [[ $# -gt 0 ]] || { usage; exit 2; }
  case "$1" in
    up|status|down) ACTION=$1; shift ;;
    -h|--help|help) usage; exit 0 ;;
    *) echo "des fleet: unknown action '$1'" >&2; usage >&2; exit 2 ;;
  esac
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -h|--help) "usage_$ACTION"; exit 0 ;;
      --dir) need_value "$@"; RUN=$2; shift 2 ;;
      --only) need_value "$@"; FLAGS[ONLY]=$2; shift 2 ;;
      --purge) [[ $ACTION == down ]] || bad_option "$1"; PURGE=yes; shift ;;
      --coordinators|--workers|--source|--kafka-port|--kafka-controller-port|--redis-port|--s3-port|--coordinator-ports|--worker-port|--retriever-port)
        [[ $ACTION == up ]] || bad_option "$1"
        need_value "$@"
        local key=${1#--}
        key=${key//-/_}
        FLAGS[${key^^}]=$2
        shift 2 ;;
      *) bad_option "$1" ;;
    esac
  done
}

need_value() { [[ $# -ge 2 && -n $2 ]] || { echo "des fleet $ACTION: $1 needs a value" >&2; exit 2; }; }
bad_option() { echo "des fleet $ACTION: unknown option $1 (see bin/des fleet $ACTION --help)" >&2; exit 2; }

resolve_run_dir() {
  RUN=${RUN:-${DES_FLEET_DIR:-$here/.fleet}}
  if [[ $ACTION == up ]]; then
    mkdir -p "$RUN"
  fi
  if [[ -d $RUN ]]; then
    RUN="$(cd "$RUN" && pwd)"
  fi
  LIB="$RUN/lib"
  LOGS="$RUN/logs"
  PIDS="$RUN/pids"
  CONF="$RUN/fleet.conf"
}

load_recorded() {
  [[ $ACTION != up && -f $CONF ]] || return 0
  local k v
  while IFS='=' read -r k v; do
    [[ -n ${DEFAULTS[$k]+x} ]] && RECORDED[$k]=$v
  done <"$CONF"
}

resolve_config() {
  local k env_name
  for k in "${!DEFAULTS[@]}"; do
    env_name="DES_FLEET_$k"
    if [[ -n ${FLAGS[$k]+x} ]]; then
      CFG[$k]=${FLAGS[$k]}
    elif [[ -n ${!env_name:-} ]]; then
      CFG[$k]=${!env_name}
    elif [[ -n ${RECORDED[$k]+x} ]]; then
      CFG[$k]=${RECORDED[$k]}
    else
      CFG[$k]=${DEFAULTS[$k]}
    fi
  done
  validate_config
}

validate_config() {
  local k p
  for k in KAFKA_PORT KAFKA_CONTROLLER_PORT REDIS_PORT S3_PORT RETRIEVER_PORT WORKER_PORT WORKERS COORDINATORS; do
    [[ ${CFG[$k]} =~ ^[0-9]+$ ]] || die "$k must be a number, not '${CFG[$k]}'"
  done
  ((CFG[COORDINATORS] >= 1 && CFG[COORDINATORS] <= 2)) || die "--coordinators must be 1 or 2, not ${CFG[COORDINATORS]}"
  IFS=',' read -r -a COORD_PORTS <<<"${CFG[COORDINATOR_PORTS]}"
  ((${#COORD_PORTS[@]} >= CFG[COORDINATORS])) || die "--coordinator-ports lists ${#COORD_PORTS[@]} port(s) for ${CFG[COORDINATORS]} coordinators"
  for p in "${COORD_PORTS[@]}"; do
    [[ $p =~ ^[0-9]+$ ]] || die "--coordinator-ports must be numbers separated by commas, not '${CFG[COORDINATOR_PORTS]}'"
  done
  local token
  for token in ${CFG[ONLY]//,/ }; do
    case "$token" in
      all|infra|apps|kafka|redis|s3|s3proxy|coordinator|coordinators|worker|workers|retriever) ;;
      *) die "unknown component '$token' in --only (all, infra, apps, kafka, redis, s3, coordinator, worker, retriever)" ;;
    esac
  done
  if [[ -n ${CFG[SOURCE]} && -d ${CFG[SOURCE]} ]]; then
    CFG[SOURCE]="$(cd "${CFG[SOURCE]}" && pwd)"
  fi
  LANDING=${CFG[SOURCE]:-$RUN/landing}
}

record_config() {
  local k
  for k in "${!CFG[@]}"; do
    printf '%s=%s\n' "$k" "${CFG[$k]}"
  done | sort >"$CONF"
}

# ---------------------------------------------------------------- components

# The components the selection names, in start order.
selected_components() {
  local want=",${CFG[ONLY]},"
  local i
  has() { local t; for t in "$@"; do [[ $want == *",$t,"* ]] && return 0; done; return 1; }
  has all infra kafka && echo kafka
  has all infra redis && echo redis
  has all infra s3 s3proxy && echo s3proxy
  if has all apps coordinator coordinators; then
    for ((i = 1; i <= CFG[COORDINATORS]; i++)); do echo "coordinator-$i"; done
  fi
  if has all apps worker workers; then
    for ((i = 1; i <= CFG[WORKERS]; i++)); do echo "worker-$i"; done
  fi
  has all apps retriever && echo retriever
  return 0
}

# Components with a pidfile in the run directory, whatever the selection.
pidfile_components() {
  local f
  [[ -d $PIDS ]] || return 0
  for f in "$PIDS"/*.pid; do
    [[ -e $f ]] && basename "$f" .pid
  done
  return 0
}

is_app() { [[ $1 == coordinator-* || $1 == worker-* || $1 == retriever ]]; }

port_of() {
  case "$1" in
    kafka) echo "${CFG[KAFKA_PORT]}" ;;
    redis) echo "${CFG[REDIS_PORT]}" ;;
    s3proxy) echo "${CFG[S3_PORT]}" ;;
    retriever) echo "${CFG[RETRIEVER_PORT]}" ;;
    coordinator-*) echo "${COORD_PORTS[$((${1#coordinator-} - 1))]}" ;;
    worker-*) echo $((CFG[WORKER_PORT] + ${1#worker-} - 1)) ;;
    *) die "no port for $1" ;;
  esac
}

# The port a running component was started on (it may differ from the settings).
running_port_of() {
  if [[ -f $PIDS/$1.port ]]; then cat "$PIDS/$1.port"; else port_of "$1"; fi
}

address_of() {
  local port
  port=$(running_port_of "$1")
  case "$1" in
    kafka|redis) echo "$HOST:$port" ;;
    *) echo "http://$HOST:$port" ;;
  esac
}

port_setting_of() {
  case "$1" in
    kafka) echo "--kafka-port P or DES_FLEET_KAFKA_PORT=P" ;;
    kafka-controller) echo "--kafka-controller-port P or DES_FLEET_KAFKA_CONTROLLER_PORT=P" ;;
    redis) echo "--redis-port P or DES_FLEET_REDIS_PORT=P" ;;
    s3proxy) echo "--s3-port P or DES_FLEET_S3_PORT=P" ;;
    retriever) echo "--retriever-port P or DES_FLEET_RETRIEVER_PORT=P" ;;
    coordinator-*) echo "--coordinator-ports A,B or DES_FLEET_COORDINATOR_PORTS=A,B" ;;
    worker-*) echo "--worker-port P or DES_FLEET_WORKER_PORT=P (the first worker's; the next ones follow)" ;;
  esac
}

# ---------------------------------------------------------------- processes

pid_of() { [[ -f $PIDS/$1.pid ]] && tr -dc '0-9' <"$PIDS/$1.pid"; }

cmdline_of() {
  if [[ -r /proc/$1/cmdline ]]; then tr '\0' ' ' <"/proc/$1/cmdline"; else ps -o args= -p "$1" 2>/dev/null || true; fi
}

# True when the component's pidfile names a live process that is that component of this run
# directory (a pid reused by an unrelated process does not count).
is_running() {
  local pid cmd
  pid=$(pid_of "$1") || return 1
  [[ -n $pid ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmd=$(cmdline_of "$pid")
  if [[ $1 == redis ]]; then
    [[ $cmd == *redis-server* && $cmd == *":$(running_port_of redis)"* ]]
  else
    [[ $cmd == *"-Ddes.fleet.component=$1 "* && $cmd == *"-Ddes.fleet.dir=$RUN "* ]]
  fi
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

who_listens() {
  local line
  line=$(ss -ltnpH "sport = :$1" 2>/dev/null | head -1 || true)
  if [[ $line =~ users:\(\(\"([^\"]+)\",pid=([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]} (pid ${BASH_REMATCH[2]})"
  else
    echo "another process"
  fi
}

redis_answers() { [[ $(redis-cli -h "$HOST" -p "$1" ping 2>/dev/null || true) == PONG ]]; }

http_code() { curl -s -m "${2:-2}" -o /dev/null -w '%{http_code}' "$1" 2>/dev/null || true; }

# A signed request to S3Proxy (curl 7.75+ signs with --aws-sigv4; S3Proxy wants the payload header).
s3_code() {
  curl -s -m 3 -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_KEY:$S3_SECRET" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@" 2>/dev/null || true
}

curl_signs() { curl --help all 2>/dev/null | grep -q -- --aws-sigv4; }

# Starts a command in its own session, detached from the terminal, with its log and pidfile.
spawn() {
  local name=$1 port=$2
  shift 2
  local log="$LOGS/$name.log"
  [[ -f $log ]] && mv -f "$log" "$log.prev"
  if command -v setsid >/dev/null; then
    setsid "$@" </dev/null >"$log" 2>&1 &
  else
    nohup "$@" </dev/null >"$log" 2>&1 &
  fi
  echo $! >"$PIDS/$name.pid"
  echo "$port" >"$PIDS/$name.port"
}

java_opts() {
  local name=$1
  # -Ddes.fleet.* mark the process as this component of this run directory (see is_running).
  printf '%s\n' -Xmx256m "-Ddes.fleet.component=$name" "-Ddes.fleet.dir=$RUN"
  local opt
  # shellcheck disable=SC2086 # split on purpose: several options in one variable
  for opt in ${DES_FLEET_JAVA_OPTS:-}; do printf '%s\n' "$opt"; done
}

log_tail() {
  local log="$LOGS/$1.log"
  echo "---- last 30 lines of $log" >&2
  if [[ -f $log ]]; then tail -n 30 "$log" >&2; else echo "(no log)" >&2; fi
  echo "----" >&2
}

# ---------------------------------------------------------------- readiness

is_ready() {
  local name=$1 port
  port=$(running_port_of "$name")
  case "$name" in
    redis) redis_answers "$port" ;;
    kafka) grep -q "Kafka Server started" "$LOGS/kafka.log" 2>/dev/null && port_open "$port" ;;
    s3proxy)
      [[ $(http_code "http://$HOST:$port/") != 000 ]] || return 1
      curl_signs || return 0
      [[ $(s3_code -I "http://$HOST:$port/$BUCKET") == 200 ]] ;;
    *) [[ $(http_code "http://$HOST:$port/actuator/health") == 200 ]] ;;
  esac
}

# Waits until every named component is ready, printing a dot a second; on a deadline or an exit
# prints that component's log tail and fails.
wait_ready() {
  local timeout=$1
  shift
  local pending=("$@") start=$SECONDS name still
  printf 'waiting for %s ' "${pending[*]}"
  while ((${#pending[@]})); do
    still=()
    for name in "${pending[@]}"; do
      if is_ready "$name"; then
        printf ' %s up (%d s)' "$name" $((SECONDS - start))
      elif [[ -f $PIDS/$name.pid ]] && ! is_running "$name"; then
        echo
        echo "des fleet: $name exited while starting" >&2
        log_tail "$name"
        die "see $LOGS/$name.log; bin/des fleet down stops what did start"
      elif ((SECONDS - start >= timeout)); then
        echo
        echo "des fleet: $name is not ready after $timeout s" >&2
        log_tail "$name"
        die "see $LOGS/$name.log; bin/des fleet down stops what did start"
      else
        still+=("$name")
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    if ((${#pending[@]})); then
      printf '.'
      sleep 1
    fi
  done
  echo
}

# ---------------------------------------------------------------- downloads

mvnw() { (cd "$here" && ./mvnw -B -q -f deploy/local/kafka/pom.xml "$@"); }

kafka_libs() { echo "$LIB/kafka-$KAFKA_VERSION"; }
s3proxy_jar() { echo "$LIB/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"; }

fetch_kafka() {
  local dir
  dir=$(kafka_libs)
  [[ -d $dir ]] && return 0
  say "fetching Kafka $KAFKA_VERSION jars into $dir (./mvnw dependency:copy-dependencies)"
  rm -rf "$dir.tmp"
  mvnw dependency:copy-dependencies -DincludeScope=runtime -Dkafka.version="$KAFKA_VERSION" \
    -DoutputDirectory="$dir.tmp" || die "could not fetch the Kafka jars (Maven Central must be reachable, or the jars in ~/.m2)"
  mv "$dir.tmp" "$dir"
}

fetch_s3proxy() {
  local jar
  jar=$(s3proxy_jar)
  [[ -f $jar ]] && return 0
  say "fetching S3Proxy $S3PROXY_VERSION into $LIB (./mvnw dependency:copy)"
  rm -rf "$LIB/s3proxy.tmp"
  mvnw dependency:copy -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" \
    -DoutputDirectory="$LIB/s3proxy.tmp" || die "could not fetch S3Proxy (Maven Central must be reachable, or the jar in ~/.m2)"
  mv "$LIB/s3proxy.tmp/$(basename "$jar")" "$jar"
  rm -rf "$LIB/s3proxy.tmp"
}

app_jar() {
  local module=$1 f
  for f in "$here/$module/target/des-$module-"*.jar; do
    case "$f" in
      *-sources.jar|*-javadoc.jar|*-tests.jar|*"*"*) ;;
      *) [[ -f $f ]] && { echo "$f"; return 0; } ;;
    esac
  done
  return 1
}

module_of() {
  case "$1" in
    coordinator-*) echo coordinator ;;
    worker-*) echo worker ;;
    *) echo "$1" ;;
  esac
}

# ---------------------------------------------------------------- starting

start_redis() {
  local port=${CFG[REDIS_PORT]}
  mkdir -p "$RUN/redis"
  redis-server --daemonize yes --bind "$HOST" --port "$port" --save "" --appendonly no \
    --dir "$RUN/redis" --logfile "$LOGS/redis.log" --pidfile "$PIDS/redis.pid" >/dev/null
  echo "$port" >"$PIDS/redis.port"
}

start_kafka() {
  local kdir="$RUN/kafka" cp
  cp="$(kafka_libs)/*"
  mkdir -p "$kdir/data"
  cat >"$kdir/server.properties" <<EOF
# Written by deploy/local/fleet.sh at each start: one broker and controller (KRaft combined mode).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:${CFG[KAFKA_CONTROLLER_PORT]}
listeners=PLAINTEXT://$HOST:${CFG[KAFKA_PORT]},CONTROLLER://$HOST:${CFG[KAFKA_CONTROLLER_PORT]}
controller.listener.names=CONTROLLER
log.dirs=$kdir/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# The log cleaner's dedupe buffer is 128 MiB by default, half the broker's 256 MiB heap: a start
# with other allocations in flight ran out of heap (OutOfMemoryError in LogCleaner's startup).
# The compacted topics here (consumer offsets) are small.
log.cleaner.dedupe.buffer.size=16777216
EOF
  cat >"$kdir/log4j2.properties" <<'EOF'
status = warn
# Kafka logs its whole shutdown only when Log4j's own shutdown hook does not stop logging first.
shutdownHook = disable
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = STDOUT
EOF
  local -a jvm
  mapfile -t jvm < <(java_opts kafka)
  if [[ ! -f $kdir/data/meta.properties ]]; then
    # Format once: formatting again with another cluster id fails.
    [[ -s $kdir/cluster.id ]] || "$JAVA" -Xmx256m -cp "$cp" kafka.tools.StorageTool random-uuid >"$kdir/cluster.id"
    say "formatting Kafka storage in $kdir/data (cluster id $(cat "$kdir/cluster.id"))"
    "$JAVA" -Xmx256m "-Dlog4j2.configurationFile=$kdir/log4j2.properties" -cp "$cp" kafka.tools.StorageTool format \
      -t "$(cat "$kdir/cluster.id")" -c "$kdir/server.properties" >"$LOGS/kafka-format.log" 2>&1 \
      || { tail -n 30 "$LOGS/kafka-format.log" >&2; die "formatting Kafka storage failed; see $LOGS/kafka-format.log"; }
  fi
  spawn kafka "${CFG[KAFKA_PORT]}" "$JAVA" -Xms128m "${jvm[@]}" -Djava.awt.headless=true \
    "-Dlog4j2.configurationFile=$kdir/log4j2.properties" -cp "$cp" kafka.Kafka "$kdir/server.properties"
}

start_s3proxy() {
  local sdir="$RUN/s3proxy"
  # The filesystem provider maps a bucket to a folder: this folder is the bucket.
  mkdir -p "$sdir" "$RUN/s3/$BUCKET"
  cat >"$sdir/s3proxy.conf" <<EOF
# Written by deploy/local/fleet.sh at each start.
s3proxy.endpoint=http://$HOST:${CFG[S3_PORT]}
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_KEY
s3proxy.credential=$S3_SECRET
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$RUN/s3
jclouds.identity=$S3_KEY
jclouds.credential=$S3_SECRET
EOF
  local -a jvm
  mapfile -t jvm < <(java_opts s3proxy)
  spawn s3proxy "${CFG[S3_PORT]}" "$JAVA" "${jvm[@]}" -jar "$(s3proxy_jar)" --properties "$sdir/s3proxy.conf"
}

start_app() {
  local name=$1 port jar
  port=$(port_of "$name")
  jar=$(app_jar "$(module_of "$name")")
  local -a jvm args
  mapfile -t jvm < <(java_opts "$name")
  if [[ $name == retriever ]]; then
    args=("--server.port=$port" "--des.retriever.store=$STORE"
      "--des.retriever.s3-endpoint=http://$HOST:${CFG[S3_PORT]}" "--des.retriever.n-bits=$N_BITS")
  else
    args=("--server.port=$port" "--spring.kafka.bootstrap-servers=$HOST:${CFG[KAFKA_PORT]}"
      "--des.store=$STORE" "--des.s3-endpoint=http://$HOST:${CFG[S3_PORT]}"
      "--des.redis.address=redis://$HOST:${CFG[REDIS_PORT]}" "--des.n-bits=$N_BITS")
    case "$name" in
      coordinator-*) args+=("--des.coordinator.landing=$LANDING") ;;
      worker-*)
        args+=("--des.worker.id=$name")
        # One machine cannot scale out, and one job at a time leaves a worker waiting on round trips:
        # each worker takes several jobs at once, together one per partition of the jobs topic (6)
        # (docs/performance.md). SPRING_KAFKA_LISTENER_CONCURRENCY in the environment overrides it.
        if [[ -z ${SPRING_KAFKA_LISTENER_CONCURRENCY:-} ]]; then
          args+=("--spring.kafka.listener.concurrency=$((CFG[WORKERS] >= 6 ? 1 : 6 / CFG[WORKERS]))")
        fi
        ;;
    esac
  fi
  spawn "$name" "$port" env "AWS_ACCESS_KEY_ID=$S3_KEY" "AWS_SECRET_ACCESS_KEY=$S3_SECRET" "AWS_REGION=$S3_REGION" \
    "$JAVA" "${jvm[@]}" -jar "$jar" "${args[@]}"
}

# ---------------------------------------------------------------- up

check_prerequisites() {
  local -a components=("$@") missing=()
  local name
  command -v "$JAVA" >/dev/null || die "java is missing (a JDK 17+ is needed; Debian: apt-get install -y openjdk-17-jdk-headless)"
  command -v curl >/dev/null || die "curl is missing; install it with: apt-get install -y curl"
  for name in "${components[@]}"; do
    if [[ $name == redis ]] && ! command -v redis-cli >/dev/null; then
      die "redis-cli and redis-server are missing (needed to start or reuse Redis on $HOST:${CFG[REDIS_PORT]}); install them with: apt-get install -y redis-server"
    fi
    if [[ $name == redis ]] && ! is_running redis && ! redis_answers "${CFG[REDIS_PORT]}" && ! command -v redis-server >/dev/null; then
      die "redis-server is missing and no Redis answers on $HOST:${CFG[REDIS_PORT]}; install it with: apt-get install -y redis-server"
    fi
    if is_app "$name" && ! is_running "$name" && ! app_jar "$(module_of "$name")" >/dev/null; then
      missing+=("$(module_of "$name")")
    fi
  done
  if ((${#missing[@]})); then
    local m
    for m in $(printf '%s\n' "${missing[@]}" | sort -u); do
      echo "des fleet: the $m jar is missing ($m/target/des-$m-*.jar)" >&2
    done
    die "$build_hint (or leave them out: --only infra,retriever)"
  fi
  if [[ -n ${CFG[SOURCE]} && ! -d ${CFG[SOURCE]} ]]; then
    die "--source ${CFG[SOURCE]} is not a folder"
  fi
}

# Fails, naming every port and the setting to change, when a port the fleet needs is taken by a
# process that is not the fleet's own.
check_ports() {
  local -a problems=()
  local name port seen=" " p
  for name in "$@"; do
    port=$(port_of "$name")
    if is_running "$name"; then
      p=$(running_port_of "$name")
      [[ $p == "$port" ]] || problems+=("$name already runs from $RUN on port $p, not $port: run bin/des fleet down first, or keep port $p")
      continue
    fi
    [[ $seen == *" $port "* ]] && problems+=("port $port is set for two components (one is $name): $(port_setting_of "$name")")
    seen+="$port "
    if [[ $name == redis ]]; then
      if port_open "$port" && ! redis_answers "$port"; then
        problems+=("port $port ($name) is taken by $(who_listens "$port"), which does not answer a Redis ping: $(port_setting_of redis)")
      fi
      continue
    fi
    if port_open "$port"; then
      problems+=("port $port ($name) is taken by $(who_listens "$port"): stop it or choose another port: $(port_setting_of "$name")")
    fi
    if [[ $name == kafka ]]; then
      p=${CFG[KAFKA_CONTROLLER_PORT]}
      [[ $seen == *" $p "* ]] && problems+=("port $p is set twice (the Kafka controller's): $(port_setting_of kafka-controller)")
      seen+="$p "
      port_open "$p" && problems+=("port $p (kafka controller) is taken by $(who_listens "$p"): stop it or choose another port: $(port_setting_of kafka-controller)")
    fi
  done
  if ((${#problems[@]})); then
    printf 'des fleet: %s\n' "${problems[@]}" >&2
    exit 1
  fi
}

# Starts the named components that are not running; then waits for all of them.
start_group() {
  local timeout=$1
  shift
  local name
  for name in "$@"; do
    if is_running "$name"; then
      say "$name: running already (pid $(pid_of "$name")), reused"
      continue
    fi
    case "$name" in
      redis)
        if redis_answers "${CFG[REDIS_PORT]}"; then
          say "redis: $HOST:${CFG[REDIS_PORT]} answers already; reused (not started by the fleet, so down leaves it)"
          rm -f "$PIDS/redis.pid" "$PIDS/redis.port"
          continue
        fi
        say "redis: starting on $HOST:${CFG[REDIS_PORT]}"
        start_redis ;;
      kafka) say "kafka: starting on $HOST:${CFG[KAFKA_PORT]} (controller ${CFG[KAFKA_CONTROLLER_PORT]})"; start_kafka ;;
      s3proxy) say "s3proxy: starting on http://$HOST:${CFG[S3_PORT]}"; start_s3proxy ;;
      *) say "$name: starting on http://$HOST:$(port_of "$name")"; start_app "$name" ;;
    esac
  done
  wait_ready "$timeout" "$@"
}

summary() {
  local name pid log
  echo
  printf '%-15s %-8s %-24s %s\n' component pid address log
  for name in "$@"; do
    pid=$(pid_of "$name" 2>/dev/null || true)
    log="$LOGS/$name.log"
    if [[ $name == redis && -z $pid ]]; then
      pid=-
      log="(not started by the fleet: reused, left running by down)"
    fi
    printf '%-15s %-8s %-24s %s\n' "$name" "${pid:--}" "$(address_of "$name")" "$log"
  done
  echo
  if printf '%s\n' "$@" | grep -qx retriever; then
    echo "retriever: $(address_of retriever)   e.g.  curl -o out.bin '$(address_of retriever)/files/<uid>?created_at=2024-05-17T12:00:00Z'"
  fi
  if printf '%s\n' "$@" | grep -q '^coordinator-'; then
    echo "landing folder (files plus a manifest, JSON or CSV): $LANDING"
    echo "coordinator status: curl $(address_of coordinator-1)/status"
  fi
  if printf '%s\n' "$@" | grep -qx s3proxy; then
    echo "S3: $(address_of s3proxy), bucket $BUCKET (archive $STORE), access key $S3_KEY, secret $S3_SECRET, region $S3_REGION"
  fi
  echo "status: bin/des fleet status    stop: bin/des fleet down    (run dir $RUN)"
}

cmd_up() {
  local -a components infra=() coords=() rest=()
  mapfile -t components < <(selected_components)
  ((${#components[@]})) || die "--only ${CFG[ONLY]} selects nothing"
  check_prerequisites "${components[@]}"
  mkdir -p "$LIB" "$LOGS" "$PIDS"
  if [[ -z ${CFG[SOURCE]} ]] && printf '%s\n' "${components[@]}" | grep -q '^coordinator-'; then
    mkdir -p "$LANDING"
  fi
  check_ports "${components[@]}"
  local name
  for name in "${components[@]}"; do
    case "$name" in
      kafka) fetch_kafka; infra+=("$name") ;;
      s3proxy) fetch_s3proxy; infra+=("$name") ;;
      redis) infra+=("$name") ;;
      coordinator-*) coords+=("$name") ;;
      *) rest+=("$name") ;;
    esac
  done
  record_config
  # Infra first; then the coordinators, as the apps' topics and leader come from them; then the rest.
  ((${#infra[@]} == 0)) || start_group "$INFRA_TIMEOUT" "${infra[@]}"
  ((${#coords[@]} == 0)) || start_group "$APP_TIMEOUT" "${coords[@]}"
  ((${#rest[@]} == 0)) || start_group "$APP_TIMEOUT" "${rest[@]}"
  summary "${components[@]}"
}

# ---------------------------------------------------------------- status

# Prints one status line; returns 1 when the component is not up and healthy.
status_line() {
  local name=$1 state pid health ok=0 port code body
  port=$(running_port_of "$name")
  pid=$(pid_of "$name" 2>/dev/null || true)
  if is_running "$name"; then
    state=running
  elif [[ $name == redis ]] && redis_answers "$port"; then
    state=reused
    pid=-
  else
    state=stopped
    pid=-
    ok=1
  fi
  case "$name" in
    redis) if redis_answers "$port"; then health=PONG; else health="no answer"; ok=1; fi ;;
    kafka) if port_open "$port"; then health="port open"; else health="port closed"; ok=1; fi ;;
    s3proxy)
      code=$(http_code "http://$HOST:$port/")
      if [[ $code == 000 ]]; then
        health="no answer"; ok=1
      elif curl_signs; then
        code=$(s3_code -I "http://$HOST:$port/$BUCKET")
        if [[ $code == 200 ]]; then health="bucket $BUCKET ok"; else health="bucket $BUCKET: HTTP $code"; ok=1; fi
      else
        health="answers (HTTP $code)"
      fi ;;
    *)
      body=$(curl -s -m 3 -w ' %{http_code}' "http://$HOST:$port/actuator/health" 2>/dev/null || true)
      code=${body##* }
      body=${body% *}
      if [[ $code == 200 ]]; then
        health="health 200 $(health_status "$body")"
      else
        if [[ ${code:-000} == 000 ]]; then health="no answer"; else health="health $code"; fi
        ok=1
      fi ;;
  esac
  printf '%-15s %-8s %-8s %-24s %s\n' "$name" "$state" "${pid:--}" "$(address_of "$name")" "$health"
  return "$ok"
}

health_status() {
  if [[ $1 =~ \"status\":\"([A-Z_]+)\" ]]; then echo "${BASH_REMATCH[1]}"; fi
}

compact_json() {
  if command -v jq >/dev/null; then jq -c . 2>/dev/null || cat; else tr -s ' \n\t' ' '; fi
}

cmd_status() {
  [[ -d $RUN ]] || { echo "des fleet: no fleet in $RUN (bin/des fleet up starts one)"; exit 1; }
  local -a components
  mapfile -t components < <(selected_components)
  local name rc=0 extra
  printf '%-15s %-8s %-8s %-24s %s\n' component state pid address health
  for name in "${components[@]}"; do
    status_line "$name" || rc=1
  done
  for extra in $(pidfile_components); do
    printf '%s\n' "${components[@]}" | grep -qx "$extra" && continue
    if is_running "$extra"; then
      printf '%-15s %-8s %-8s %-24s %s\n' "$extra" running "$(pid_of "$extra")" "$(address_of "$extra")" "(not in the last up's selection; down stops it)"
    fi
  done
  if printf '%s\n' "${components[@]}" | grep -q '^coordinator-'; then
    local url body
    url="$(address_of coordinator-1)/status"
    body=$(curl -s -f -m 3 "$url" 2>/dev/null || true)
    echo
    if [[ -n $body ]]; then echo "coordinator $url: $(printf '%s' "$body" | compact_json)"; else echo "coordinator $url: no answer"; fi
  fi
  if printf '%s\n' "${components[@]}" | grep -qx retriever; then
    echo "retriever: $(address_of retriever)"
  fi
  if ((rc == 0)); then echo "all up"; else echo "not all up"; fi
  return "$rc"
}

# ---------------------------------------------------------------- down

# SIGTERM to each running component of the group, SIGKILL to those still there after the grace.
stop_group() {
  local -a running=()
  local name pid start
  for name in "$@"; do
    if is_running "$name"; then
      pid=$(pid_of "$name")
      say "$name: stopping (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      running+=("$name:$pid")
    elif [[ -f $PIDS/$name.pid ]]; then
      say "$name: was not running"
    fi
  done
  start=$SECONDS
  local entry left
  while ((${#running[@]})); do
    left=()
    for entry in "${running[@]}"; do
      kill -0 "${entry#*:}" 2>/dev/null && left+=("$entry")
    done
    running=("${left[@]+"${left[@]}"}")
    ((${#running[@]})) || break
    if ((SECONDS - start >= STOP_GRACE)); then
      for entry in "${running[@]}"; do
        say "${entry%%:*}: still there after $STOP_GRACE s, SIGKILL"
        kill -KILL "${entry#*:}" 2>/dev/null || true
      done
      sleep 1
      break
    fi
    sleep 0.5
  done
  for name in "$@"; do
    if ! is_running "$name"; then rm -f "$PIDS/$name.pid" "$PIDS/$name.port"; fi
  done
}

purge() {
  local name
  for name in $(pidfile_components); do
    is_running "$name" && die "$name is still running; not purging"
  done
  # The default landing folder is the fleet's; one given with --source elsewhere is the user's.
  rm -rf "$RUN/kafka" "$RUN/s3proxy" "$RUN/s3" "$RUN/redis" "$RUN/landing" "$LOGS" "$PIDS" "$CONF"
  say "purged the data in $RUN (the downloaded jars in $LIB stay)"
}

cmd_down() {
  [[ -d $RUN ]] || { say "no fleet in $RUN: nothing to stop"; return 0; }
  local -a all chosen apps=() infra=()
  mapfile -t all < <(pidfile_components)
  mapfile -t chosen < <(selected_components)
  local name
  for name in "${all[@]+"${all[@]}"}"; do
    # --only narrows what stops; without it, everything up started goes, whatever its selection.
    if [[ -n ${FLAGS[ONLY]+x} ]] && ! printf '%s\n' "${chosen[@]+"${chosen[@]}"}" | grep -qx "$name"; then
      continue
    fi
    if is_app "$name"; then apps+=("$name"); else infra+=("$name"); fi
  done
  if ((${#apps[@]} + ${#infra[@]} == 0)); then
    say "nothing started by the fleet runs from $RUN"
  fi
  ((${#apps[@]} == 0)) || stop_group "${apps[@]}"
  ((${#infra[@]} == 0)) || stop_group "${infra[@]}"
  if printf '%s\n' "${chosen[@]+"${chosen[@]}"}" | grep -qx redis && [[ ! -f $PIDS/redis.pid ]] && redis_answers "${CFG[REDIS_PORT]}"; then
    say "redis: $HOST:${CFG[REDIS_PORT]} was not started by the fleet; left running"
  fi
  [[ $PURGE == no ]] || purge
}

main() {
  parse_args "$@"
  resolve_run_dir
  load_recorded
  resolve_config
  "cmd_$ACTION"
}

main "$@"
