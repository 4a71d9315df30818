#!/usr/bin/env bash
# Start one redis-server on loopback for hoptrace's tests (the OpenTelemetry ioredis instrumentation
# test). Debian's package, installed with apt-get the first time; no persistence. Idempotent: a
# server we already started is reused. Progress goes to stderr; stdout's last line is the address,
# so callers can do: ADDR=$(test/infra/redis/start.sh | tail -n1)
set -euo pipefail

CACHE="${HOPTRACE_CACHE:-$HOME/.cache/hoptrace}/redis"
HOST=127.0.0.1
PORT="${REDIS_PORT:-16379}"
# Per port, so that a server on another REDIS_PORT leaves this one's files alone.
PIDFILE="$CACHE/redis-$PORT.pid"
LOG="$CACHE/redis-$PORT.log"
TIMEOUT="${REDIS_START_TIMEOUT:-20}"
ADDR="$HOST:$PORT"

say() { echo "redis: $*" >&2; }

fail() {
  say "$1"
  if [[ -n "${2:-}" && -s "$LOG" ]]; then
    say "last 40 lines of $LOG:"
    tail -n 40 "$LOG" >&2
  fi
  exit 1
}

# redis-server sets its command line to "<binary> <host>:<port>", and runs in its --dir; a pid file
# can outlive the server and the pid be reused, so check both before trusting (or killing) it.
our_pid() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "redis-server $ADDR" || return 1
  [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$(cd "$CACHE" && pwd -P)" ]] || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

# An open port is not yet a server that answers: ask it. redis-cli comes with the package
# (redis-tools); without it, speak the protocol's inline PING over bash's /dev/tcp.
pong() {
  if command -v redis-cli >/dev/null; then
    [[ "$(timeout 2 redis-cli -h "$HOST" -p "$PORT" ping 2>/dev/null)" == PONG ]]
  else
    timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$PORT && printf 'PING\r\n' >&3 && read -r line <&3 && [[ \$line == +PONG* ]]" 2>/dev/null
  fi
}

wait_ready() {
  local deadline=$((SECONDS + TIMEOUT))
  until pong; do
    our_pid >/dev/null || fail "redis-server exited during startup" logs
    ((SECONDS < deadline)) || fail "redis-server not answering PING after ${TIMEOUT}s" logs
    sleep 0.1
  done
}

mkdir -p "$CACHE"

if pid="$(our_pid)"; then
  wait_ready
  say "already running (pid $pid)"
  echo "$ADDR"
  exit 0
fi
rm -f "$PIDFILE"
port_open && fail "port $ADDR is in use by another process"

if ! command -v redis-server >/dev/null; then
  command -v apt-get >/dev/null || fail "redis-server is not installed, and there is no apt-get to install it with"
  sudo=()
  [[ "$(id -u)" == 0 ]] || sudo=(sudo -n)
  say "installing Debian's redis-server with apt-get (first run only; log: $CACHE/apt.log)..."
  if ! { "${sudo[@]}" apt-get update &&
         "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server; } >"$CACHE/apt.log" 2>&1; then
    tail -n 20 "$CACHE/apt.log" >&2
    fail "apt-get could not install redis-server (see above; installing needs root or passwordless sudo)"
  fi
  command -v redis-server >/dev/null || fail "apt-get installed redis-server, but it is not on PATH ($PATH)"
  say "redis-server installed"
fi

say "starting redis-server on $ADDR"
rm -f "$LOG"
# Daemonized: it outlives this script and, its stdio on /dev/null, holds none of the caller's pipes.
redis-server --bind "$HOST" --port "$PORT" --protected-mode yes --save '' --appendonly no \
  --dir "$CACHE" --daemonize yes --pidfile "$PIDFILE" --logfile "$LOG" </dev/null >/dev/null 2>&1 ||
  fail "redis-server did not start" logs
# The daemon writes its pid file just after forking.
for _ in $(seq 50); do [[ -s "$PIDFILE" ]] && break; sleep 0.1; done
wait_ready
say "ready (pid $(cat "$PIDFILE")) after ${SECONDS}s"
echo "$ADDR"
