#!/usr/bin/env bash
# Stop the redis-server that start.sh left running. Idempotent: exits 0 when none is.
set -euo pipefail

CACHE="${HOPTRACE_CACHE:-$HOME/.cache/hoptrace}/redis"
PORT="${REDIS_PORT:-16379}"
PIDFILE="$CACHE/redis-$PORT.pid"
ADDR="127.0.0.1:$PORT"

# kill -0 alone is fooled by a zombie, and a container's init may never reap one.
alive() { [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" =~ ^[^ZX]$ ]]; }

pid="$(cat "$PIDFILE" 2>/dev/null || true)"
# Kill only a pid whose command line and directory are our server's: a stale pid file may name a pid
# the system has since given to something else.
if [[ ! "$pid" =~ ^[0-9]+$ ]] ||
   ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "redis-server $ADDR" ||
   [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" != "$(cd "$CACHE" 2>/dev/null && pwd -P)" ]]; then
  rm -f "$PIDFILE"
  echo "redis: not running"
  exit 0
fi

kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 100); do
  alive "$pid" || break
  sleep 0.1
done
if alive "$pid"; then
  echo "redis: pid $pid ignored SIGTERM for 10s, killing"
  kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$PIDFILE"
echo "redis: stopped (pid $pid)"
