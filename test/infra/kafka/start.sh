#!/usr/bin/env bash
# Start a single-node KRaft Kafka broker on loopback for hoptrace's tests.
# Idempotent: a broker we already started is reused as is. Each fresh start
# begins from newly formatted storage, so tests always see an empty cluster,
# unless KAFKA_KEEP_DATA=1 asks to restart on the storage left by the last run.
# Progress goes to stderr; stdout's last line is the bootstrap address, so
# callers can do: BOOTSTRAP=$(test/infra/kafka/start.sh | tail -n1)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
CACHE="${HOPTRACE_CACHE:-$HOME/.cache/hoptrace}/kafka"
LIBS="$CACHE/libs"
PIDFILE="$CACHE/kafka.pid"
PROPS="$CACHE/server.properties"
LOG="$CACHE/server.log"
HOST=127.0.0.1
PORT="${KAFKA_PORT:-19092}"
CPORT="${KAFKA_CONTROLLER_PORT:-19093}"
TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
ADDR="$HOST:$PORT"

say() { echo "kafka: $*" >&2; }

# kill -0 alone is fooled by a zombie (the broker is our child until we exit,
# and a container's init may never reap it).
alive() { [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" =~ ^[^ZX]$ ]]; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# A pid file can outlive its broker and the pid be reused, so check the
# command line too before trusting (or killing) it.
our_pid() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $PROPS" || return 1
  echo "$pid"
}

# The broker's logs are shown only for failures of the broker itself ($2).
fail() {
  say "$1"
  [[ -n "${2:-}" ]] || exit 1
  if [[ -s "$LOG" ]]; then
    say "last 40 lines of $LOG:"
    tail -n 40 "$LOG" >&2
  fi
  if [[ -s "$CACHE/console.log" ]]; then
    say "last 40 lines of $CACHE/console.log:"
    tail -n 40 "$CACHE/console.log" >&2
  fi
  exit 1
}

# "Kafka Server started" is logged only once the broker is unfenced and
# serving, which the open port alone does not prove.
wait_ready() {
  local pid="$1" deadline=$((SECONDS + TIMEOUT))
  until grep -q "Kafka Server started" "$LOG" 2>/dev/null && port_open "$PORT"; do
    if ! alive "$pid"; then
      rm -f "$PIDFILE"
      fail "broker exited during startup" logs
    fi
    if ((SECONDS >= deadline)); then
      "$HERE/stop.sh" >&2 || true
      fail "broker not ready after ${TIMEOUT}s" logs
    fi
    sleep 0.2
  done
}

mkdir -p "$CACHE"

if pid="$(our_pid)"; then
  # Ours and alive: either ready, or still starting from a concurrent call.
  wait_ready "$pid"
  say "already running (pid $pid)"
  echo "$ADDR"
  exit 0
fi
rm -f "$PIDFILE"

for p in "$PORT" "$CPORT"; do
  port_open "$p" && fail "port $HOST:$p is in use by another process"
done

# The stamp ties the jars to the pom, so bumping a version re-downloads.
stamp="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
if [[ "$(cat "$LIBS/.pom-sha256" 2>/dev/null)" != "$stamp" ]]; then
  say "downloading Kafka jars with Maven into $LIBS (first run only; ~60 MB, ~1 min; log: $CACHE/mvn.log)..."
  downloading_since=$SECONDS
  rm -rf "$LIBS" "$LIBS.tmp"
  if ! mvn -q -B -Dstyle.color=never -f "$HERE/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$LIBS.tmp" >"$CACHE/mvn.log" 2>&1; then
    cat "$CACHE/mvn.log" >&2
    fail "maven could not fetch the Kafka jars"
  fi
  echo "$stamp" >"$LIBS.tmp/.pom-sha256"
  mv "$LIBS.tmp" "$LIBS"
  say "Kafka jars downloaded in $((SECONDS - downloading_since)) s"
fi

cat >"$PROPS" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$CPORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT
advertised.listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$CACHE/data
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
# One node: every internal topic must make do with one replica, and few
# partitions make the first group/transaction coordinator lookup quick.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1
# Tests should not wait 3 s for a consumer group's first join.
group.initial.rebalance.delay.ms=0
EOF

JAVA_OPTS=(-Xmx512m -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true
  "-Dlog4j2.configurationFile=$HERE/log4j2.properties"
  "-Dkafka.logs.dir=$CACHE")

# Tests want an empty cluster every start. Formatting costs a JVM launch
# (2-3 s on this machine), so format once per config and copy the pristine
# result; the stamp covers the jars too, as the format depends on the version.
fstamp="$(cat "$PROPS" "$LIBS/.pom-sha256" | sha256sum | cut -d' ' -f1)"
if [[ "$(cat "$CACHE/formatted/.stamp" 2>/dev/null)" != "$fstamp" ]]; then
  rm -rf "$CACHE/data" "$CACHE/formatted" "$CACHE/formatted.tmp"
  # The cluster id is base64url("hoptrace-test-ka"): any fixed 16 bytes do.
  if ! java "${JAVA_OPTS[@]}" -cp "$LIBS/*" \
      kafka.tools.StorageTool format --config "$PROPS" \
      --cluster-id aG9wdHJhY2UtdGVzdC1rYQ --standalone >"$CACHE/format.log" 2>&1; then
    cat "$CACHE/format.log" >&2
    fail "formatting storage failed"
  fi
  cp -a "$CACHE/data" "$CACHE/formatted.tmp"
  echo "$fstamp" >"$CACHE/formatted.tmp/.stamp"
  mv "$CACHE/formatted.tmp" "$CACHE/formatted"
fi
rm -rf "$LOG" "$CACHE/console.log"
# KAFKA_KEEP_DATA=1: a restart rather than a fresh start, for tests that stop the broker under a
# running app: storage left by the previous run (topics, committed offsets) is kept when there is
# some. It is always formatted for the current config, as the block above deletes it on a change.
if [[ "${KAFKA_KEEP_DATA:-}" == 1 && -f "$CACHE/data/meta.properties" ]]; then
  say "keeping the data of the previous run (KAFKA_KEEP_DATA=1)"
else
  rm -rf "$CACHE/data"
  cp -a "$CACHE/formatted" "$CACHE/data"
  rm "$CACHE/data/.stamp"
fi

say "starting broker on $ADDR"
# setsid + closed stdio: the broker must outlive this script and must not hold
# the caller's pipes open (a test runner reading our stdout would hang).
( exec setsid java "${JAVA_OPTS[@]}" -cp "$LIBS/*" kafka.Kafka "$PROPS" \
    </dev/null >"$CACHE/console.log" 2>&1 ) &
pid=$!
echo "$pid" >"$PIDFILE"

wait_ready "$pid"
say "ready (pid $pid) after ${SECONDS}s"
echo "$ADDR"
