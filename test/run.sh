#!/usr/bin/env bash
# Everything CI runs: build, then every test file under test/: unit, then the fixture tier (real
# processes), then e2e (against the real Jaeger started by `npm run jaeger:start` or .ci/run). Prints one closing line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

npx tsc -p . || { echo "tests: 0 passed, 1 failed (the TypeScript build failed)"; exit 1; }

# Real libraries the fixtures and examples run against, each express major in its own folder so that `require('express')`
# finds the version under test (installed from their lockfiles; skipped when already there).
for fixture in test/fixtures/express4 test/fixtures/express5 examples; do
  [ -d "$fixture/node_modules" ] || npm ci --prefix "$fixture" --no-audit --no-fund --loglevel=error ||
    { echo "tests: 0 passed, 1 failed (npm ci in $fixture failed)"; exit 1; }
done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
for tier in unit integration e2e; do
  npx uvu "test/$tier" '\.test\.js$' 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done

plain=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
total=$(grep -E '^\s*Total:' <<<"$plain" | awk '{s+=$2} END {print s+0}')
passed=$(grep -E '^\s*Passed:' <<<"$plain" | awk '{s+=$2} END {print s+0}')
failed=$((total - passed))
if [ "$total" -eq 0 ]; then
  echo "tests: 0 passed, 1 failed (no test ran)"
  exit 1
fi
[ "$failed" -eq 0 ] || status=1
echo "tests: $passed passed, $failed failed"
exit $status
