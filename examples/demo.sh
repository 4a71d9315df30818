#!/usr/bin/env bash
# The README's first command. Installs and builds what a fresh clone lacks, then runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
[ -f dist/hoptrace.js ] || npm run build
[ -d examples/node_modules ] || npm ci --prefix examples --no-audit --no-fund
exec node examples/demo.js "$@"
