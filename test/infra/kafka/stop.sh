#!/usr/bin/env bash
# Stop the broker that start.sh left running. Idempotent: exits 0 when none is.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
CACHE="${HOPTRACE_CACHE:-$HOME/.cache/hoptrace}/kafka"
PIDFILE="$CACHE/kafka.pid"

# kill -0 alone is fooled by a zombie, and a container's init may never reap one.
alive() { [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" =~ ^[^ZX]$ ]]; }

pid="$(cat "$PIDFILE" 2>/dev/null || true)"
# Kill only a pid whose command line is our broker: a stale pid file may name
# a pid the system has since given to something else.
if [[ ! "$pid" =~ ^[0-9]+$ ]] ||
   ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $CACHE/server.properties"; then
  rm -f "$PIDFILE"
  echo "kafka: not running"
  exit 0
fi

kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 150); do
  alive "$pid" || break
  sleep 0.1
done
if alive "$pid"; then
  echo "kafka: pid $pid ignored SIGTERM for 15s, killing"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    alive "$pid" || break
    sleep 0.1
  done
fi
rm -f "$PIDFILE"
echo "kafka: stopped (pid $pid)"
