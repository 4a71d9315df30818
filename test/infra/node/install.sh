#!/usr/bin/env bash
# Installs the official Node.js builds listed in package.json (pinned by package-lock.json) into
# the cache outside the clone, once per lockfile, and prints one line per build: `<major> <path to node>`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${HOPTRACE_CACHE:-$HOME/.cache/hoptrace}"
key=$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-16)
dir="$cache/node/$key"
if [ ! -f "$dir/.installed" ]; then
  majors=$(node -e "console.log(Object.keys(require('$here/package.json').dependencies).map((a) => a.replace('node', '')).join(', '))")
  echo "node: installing the official Node builds of majors $majors into $dir (first run only; ~50 MB each, ~1 min)..." >&2
  started=$SECONDS
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$here/package.json" "$here/package-lock.json" "$dir/"
  # The builds are plain binaries in the package; nothing needs to run at install.
  npm ci --prefix "$dir" --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  touch "$dir/.installed"
  echo "node: installed in $((SECONDS - started)) s" >&2
fi
for alias in $(node -e "console.log(Object.keys(require('$here/package.json').dependencies).join(' '))"); do
  bin="$dir/node_modules/$alias/bin/node"
  "$bin" --version >/dev/null || { echo "node: $bin does not run" >&2; exit 1; }
  echo "${alias#node} $bin"
done
