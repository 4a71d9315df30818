#!/usr/bin/env bash
# Debian's chromium-headless-shell for the browser tests (the Jaeger UI rendering a demo trace):
# installed with apt-get the first time, like redis-server. Its one stdout line: the binary's path.
set -euo pipefail

say() { echo "chromium: $*" >&2; }
log="${HOPTRACE_CACHE:-$HOME/.cache/hoptrace}/chromium-apt.log"

find_binary() {
  local candidate
  for candidate in chromium-headless-shell /usr/lib/chromium/chromium-headless-shell /usr/lib/chromium-headless-shell/chromium-headless-shell; do
    command -v "$candidate" 2>/dev/null && return 0
  done
  return 1
}

if ! bin="$(find_binary)"; then
  command -v apt-get >/dev/null || { say "chromium-headless-shell is not installed, and there is no apt-get to install it with"; exit 1; }
  sudo=()
  [[ "$(id -u)" == 0 ]] || sudo=(sudo -n)
  mkdir -p "$(dirname "$log")"
  say "installing Debian's chromium-headless-shell with apt-get (first run only, ~1 min; log: $log)..."
  if ! { "${sudo[@]}" apt-get update &&
         "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium-headless-shell fonts-dejavu-core; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    say "apt-get could not install chromium-headless-shell (see above; installing needs root or passwordless sudo)"
    exit 1
  fi
  bin="$(find_binary)" || { say "apt-get installed chromium-headless-shell, but no binary of that name was found"; exit 1; }
  say "installed: $("$bin" --version 2>/dev/null || echo "$bin")"
fi
echo "$bin"
