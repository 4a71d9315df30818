#!/usr/bin/env bash
# Everything CI runs: build, then every test file under test/: unit, then the fixture tier (real
# processes, the real Kafka broker), then e2e (the real Kafka and Jaeger). Prints one closing line "N passed, N failed".
#
# HOPTRACE_TEST_NODE=<path to node> runs the tests (and so every fixture app) on that Node instead of
# the one on PATH, with the package still built by the one on PATH: a package built on one Node
# major and run on another, as users get it. HOPTRACE_TEST_TIERS="unit integration" picks tiers,
# HOPTRACE_TEST_PATTERN the test files (a regular expression over their names).
set -uo pipefail
cd "$(dirname "$0")/.."

# What the tests need on this machine, named with how to install it before anything is started.
bash scripts/check-prerequisites.sh test || { echo "tests: 0 passed, 1 failed (prerequisites missing: listed above)"; exit 1; }
npm run --silent build || { echo "tests: 0 passed, 1 failed (the build failed)"; exit 1; }

# Real libraries the fixtures and examples run against, each express major in its own folder so that `require('express')`
# finds the version under test, and otel-ioredis an app's own OpenTelemetry instrumentation (installed from their
# lockfiles; skipped when already there).
for fixture in test/fixtures/express4 test/fixtures/express5 test/fixtures/fastify4 test/fixtures/fastify5 test/fixtures/koa2 test/fixtures/koa3 test/fixtures/kafkajs1 test/fixtures/kafkajs1.3 test/fixtures/kafkajs1.4 test/fixtures/otel-ioredis test/fixtures/loggers examples; do
  [ -d "$fixture/node_modules" ] || npm ci --prefix "$fixture" --no-audit --no-fund --loglevel=error ||
    { echo "tests: 0 passed, 1 failed (npm ci in $fixture failed)"; exit 1; }
done
# @confluentinc/kafka-javascript, a native addon: librdkafka and the addon built for the Node that runs the tests
# (the first time on a machine ~6 min, then 1-2 min for each other Node; cached outside the clone: seconds).
bash test/infra/confluent-kafka/install.sh "${HOPTRACE_TEST_NODE:-node}" >/dev/null ||
  { echo "tests: 0 passed, 1 failed (@confluentinc/kafka-javascript could not be installed)"; exit 1; }

# The real services the fixture and e2e tiers use (Kafka, Redis, Jaeger): started here unless
# already running (CI's .ci/run starts them itself), and stopped again at the end if this script
# started them. If one cannot start, the run fails here, with its log.
stop_after=()
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${KAFKA_BROKERS:-}" ] && ! port_open 19092; then
  bash test/infra/kafka/start.sh >/dev/null || { echo "tests: 0 passed, 1 failed (Kafka did not start)"; exit 1; }
  stop_after+=(test/infra/kafka/stop.sh)
fi
if [ -z "${REDIS_URL:-}" ] && ! port_open 16379; then
  bash test/infra/redis/start.sh >/dev/null || { echo "tests: 0 passed, 1 failed (Redis did not start)"; exit 1; }
  stop_after+=(test/infra/redis/stop.sh)
fi
if [ -z "${JAEGER_QUERY_URL:-}" ] && ! port_open 16686; then
  bash test/infra/jaeger/start.sh >/dev/null || { echo "tests: 0 passed, 1 failed (Jaeger did not start)"; exit 1; }
  stop_after+=(test/infra/jaeger/stop.sh)
fi

log=$(mktemp)
cleanup() {
  rm -f "$log"
  for stop in "${stop_after[@]}"; do bash "$stop" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
status=0
test_node="${HOPTRACE_TEST_NODE:-node}"
echo "== tests on node $("$test_node" --version)"
for tier in ${HOPTRACE_TEST_TIERS:-unit integration e2e}; do
  "$test_node" node_modules/uvu/bin.js "test/$tier" "${HOPTRACE_TEST_PATTERN:-\.test\.js$}" 2>&1 | tee -a "$log"
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
# Each failed test again in one line (file, test, the assertion's message), just above the closing
# line, so that a long run's tail names what failed.
awk -v node="$("$test_node" --version)" '
  /\.test\.js$/ { file = $1 }
  /^ +FAIL / { sub(/^ +FAIL +/, ""); name = $0; want = 1; next }
  want && NF { sub(/^ +/, ""); print "== failed: " node " " file " > " name ": " $0; want = 0 }
' <<<"$plain"
echo "tests: $passed passed, $failed failed"
exit $status
