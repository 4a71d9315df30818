#!/usr/bin/env bash
# Starts the local Jaeger (built by build.sh) on 127.0.0.1 and waits until it serves.
# Its one stdout line: the query API base URL, where the UI is too when built (progress goes to stderr).
# Ports follow the env variables of config.yaml.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${HOPTRACE_CACHE:-$HOME/.cache/hoptrace}/jaeger"
bin="$out/jaeger" pidfile="$out/jaeger.pid" log="$out/jaeger.log"
query_url="http://127.0.0.1:${JAEGER_QUERY_HTTP_PORT:-16686}"
otlp_http_port="${JAEGER_OTLP_HTTP_PORT:-4318}"

# A pid counts only while it is still our binary (pids get reused).
our_pid() {
  local pid
  pid="$(cat "$pidfile" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$bin" && echo "$pid"
}
query_ok() { [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$query_url/api/services")" == 200 ]]; }
otlp_ok() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$otlp_http_port" 2>/dev/null; }

if pid="$(our_pid)" && query_ok; then
  echo "jaeger: already running (pid $pid)" >&2
  echo "$query_url"
  exit 0
fi

"$here/build.sh"

# The UI, when its source is at hand (ui-build.sh says how to get it when not): built once, cached.
# Without it Jaeger serves its API and a placeholder page, and everything else works the same.
ui_status=0
ui="$("$here/ui-build.sh")" || ui_status=$?
case "$ui_status" in
  0) export JAEGER_UI_ASSETS="$ui" ;;
  3) export JAEGER_UI_ASSETS="" ;;
  *) echo "jaeger: starting without the UI, whose build failed (above)" >&2; export JAEGER_UI_ASSETS="" ;;
esac

if pid="$(our_pid)"; then
  echo "jaeger: pid $pid is up but not answering yet; waiting for it" >&2
else
  rm -f "$pidfile"
  # Our own instance must own the ports, or the readiness checks would pass against a stranger.
  if query_ok; then
    echo "jaeger: $query_url already answers but is not ours (no live pid in $pidfile)" >&2
    exit 1
  fi
  # Sampling strategies: everything sampled, until a test says otherwise (and puts this back).
  export JAEGER_SAMPLING_STRATEGIES="$out/sampling-strategies.json"
  echo '{"default_strategy": {"type": "probabilistic", "param": 1}}' > "$JAEGER_SAMPLING_STRATEGIES"
  echo "jaeger: starting $bin --config $here/config.yaml${JAEGER_UI_ASSETS:+ with the UI from $JAEGER_UI_ASSETS} (log: $log)" >&2
  setsid nohup "$bin" --config "$here/config.yaml" > "$log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$pidfile"
fi

for _ in $(seq 1 120); do   # ~60 s
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "jaeger: process $pid exited during startup" >&2
    break
  fi
  if query_ok && otlp_ok; then
    echo "jaeger: ready (pid $pid)" >&2
    echo "$query_url"
    exit 0
  fi
  sleep 0.5
done

echo "jaeger: not ready; last 40 lines of $log:" >&2
tail -n 40 "$log" >&2 || true
exit 1
