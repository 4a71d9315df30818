#!/usr/bin/env bash
# The README's first command. Installs and builds what a fresh clone lacks, then runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
# What the demo needs on this machine, named with how to install it before anything is started.
bash scripts/check-prerequisites.sh demo || exit 1
# What a first run does before the demo proper, each step with the time it took.
step() {
  local what=$1 started=$SECONDS
  shift
  echo "demo: $what..." >&2
  "$@"
  echo "demo: $what done ($((SECONDS - started)) s)" >&2
}
[ -d node_modules ] || step "installing hoptrace's dependencies (npm install)" npm install --no-audit --no-fund
[ -f dist/hoptrace.js ] || step "building hoptrace" npm run build
[ -d examples/node_modules ] || step "installing the example services' dependencies" npm ci --prefix examples --no-audit --no-fund
exec node examples/demo.js "$@"
