#!/usr/bin/env bash
# `npm run test:mutation [-- scope …]`: Stryker's mutation score of the unit tests, one scope at a
# time (propagation, otlp, config, kafkajs-headers: stryker.config.mjs), all of them by default;
# then the score per folder and the mutants that survived (scripts/mutation-summary.js).
# Stryker needs Node 22 or newer: it runs on the newest build test/infra/node/ installs, and is
# installed on first use into test/mutation/ (not among hoptrace's own dependencies, where
# `npm install` on Node 20 would warn about its engines on every first run of the demo). It
# mutates the compiled JavaScript in dist/ (the unit tests run against it, so no build per mutant),
# which also counts TypeScript's emitted helpers. Reports: reports/mutation/<scope>.json; the
# summary and the survivors that matter are kept in test/MUTATION.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
newest=$(bash test/infra/node/install.sh | sort -n | tail -n 1 | cut -d' ' -f2)
export PATH="$(dirname "$newest"):$PATH"
stryker=test/mutation/node_modules/@stryker-mutator/core/bin/stryker.js
if [ ! -f "$stryker" ]; then
  echo "mutation: installing Stryker into test/mutation (first run only; ~30 s)..." >&2
  npm ci --prefix test/mutation --no-audit --no-fund --loglevel=error
fi
scopes=("$@")
[ ${#scopes[@]} -gt 0 ] || scopes=(propagation otlp config kafkajs-headers)
for scope in "${scopes[@]}"; do
  started=$SECONDS
  echo "mutation: $scope..." >&2
  MUTATION_SCOPE="$scope" node "$stryker" run stryker.config.mjs
  echo "mutation: $scope done ($((SECONDS - started)) s)" >&2
done
node scripts/mutation-summary.js "${scopes[@]}"
