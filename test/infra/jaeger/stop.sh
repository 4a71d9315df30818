#!/usr/bin/env bash
# Stops the Jaeger that start.sh started: only the pid in its pid file, never by name.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${HOPTRACE_CACHE:-$HOME/.cache/hoptrace}/jaeger"
bin="$out/jaeger" pidfile="$out/jaeger.pid"

pid="$(cat "$pidfile" 2>/dev/null || true)"
# Skip a stale pid that now belongs to some other process.
if [[ ! "$pid" =~ ^[0-9]+$ ]] || ! { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$bin"; then
  echo "jaeger: not running"
  rm -f "$pidfile"
  exit 0
fi

echo "jaeger: stopping pid $pid"
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 20); do   # ~10 s
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
if kill -0 "$pid" 2>/dev/null; then
  echo "jaeger: still alive after 10 s, sending KILL"
  kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$pidfile"
echo "jaeger: stopped"
