#!/usr/bin/env bash
# `bash scripts/check-prerequisites.sh demo|test`: what `npm run demo` or `npm test` needs on this
# machine, checked before either starts anything, so that a fresh machine hears at once what is
# missing and how to install it, not after minutes of downloads. Prints one line per missing tool
# and exits 1 when one is missing; silent when all is there. The README's "Run it" lists the same.
#
# Debian packages that the scripts install themselves the first time (redis-server for the tests,
# the -dev libraries of @confluentinc/kafka-javascript's build) count as present when apt-get can
# run as root (or through passwordless sudo).
set -uo pipefail

for_what="${1:-test}"
missing=()
need() { missing+=("$1: $2"); }

version_at_least() { # version_at_least <have> <want>: dotted numbers
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

# Node and npm: hoptrace itself.
if command -v node >/dev/null; then
  node_version=$(node -p 'process.versions.node')
  version_at_least "$node_version" 20.0.0 || need "Node.js $node_version" "Node.js 20 or newer is needed (https://nodejs.org, or your distribution's nodejs package)"
else
  need "node" "Node.js 20 or newer is needed (https://nodejs.org, or: apt-get install nodejs npm)"
fi
command -v npm >/dev/null || need "npm" "apt-get install npm (or Node.js from https://nodejs.org, which includes it)"

# Kafka (unless the user points at their own broker): a JVM to run it, Maven to fetch its jars.
if [ -z "${KAFKA_BROKERS:-}" ] || [ "$for_what" = test ]; then
  if command -v java >/dev/null; then
    java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
    [ "${java_major:-0}" -ge 17 ] 2>/dev/null || need "Java ${java_major:-?}" "Java 17 or newer is needed: apt-get install openjdk-17-jdk-headless"
  else
    need "java" "apt-get install openjdk-17-jdk-headless (Java 17 or newer runs the Kafka broker and the Java peers)"
  fi
  command -v mvn >/dev/null || need "mvn" "apt-get install maven (fetches Kafka's jars and builds the Java peers)"
fi

# Jaeger (unless the user points at their own): built from source with the Go toolchain.
if [ -z "${JAEGER_QUERY_URL:-}" ] || [ -z "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ] || [ "$for_what" = test ]; then
  jaeger_go=$(awk '$1 == "go" { print $2; exit }' "$(dirname "$0")/../test/infra/jaeger/go.mod")
  if command -v go >/dev/null; then
    go_version=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
    version_at_least "${go_version:-0}" "$jaeger_go" || need "Go ${go_version:-?}" "Go $jaeger_go or newer builds Jaeger (https://go.dev/dl, or a newer golang package)"
  else
    need "go" "Go $jaeger_go or newer builds Jaeger (https://go.dev/dl; apt-get install golang-go if your distribution's is that new)"
  fi
fi

if [ "$for_what" = test ]; then
  can_apt=false
  if command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then can_apt=true; fi
  # The OpenTelemetry instrumentations test runs a real Redis; test/infra/redis installs it with apt-get.
  command -v redis-server >/dev/null || $can_apt || need "redis-server" "apt-get install redis-server (or run the tests as root, which installs it)"
  # The browser test reads the Jaeger UI in Debian's headless Chromium (test/infra/chromium/install.sh).
  command -v chromium-headless-shell >/dev/null || $can_apt || need "chromium-headless-shell" "apt-get install chromium-headless-shell (or run the tests as root, which installs it)"
  # @confluentinc/kafka-javascript is built from source (test/infra/confluent-kafka/install.sh).
  for tool in gcc g++ make python3; do
    command -v "$tool" >/dev/null || $can_apt || need "$tool" "apt-get install build-essential python3 (builds librdkafka and the Confluent client's addon)"
  done
  if command -v dpkg-query >/dev/null; then
    for pkg in libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev; do
      dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || $can_apt ||
        need "$pkg" "apt-get install libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev"
    done
  fi
fi

[ ${#missing[@]} -eq 0 ] && exit 0
echo "hoptrace: \`$( [ "$for_what" = demo ] && echo "npm run demo" || echo "npm test")\` needs what this machine lacks:" >&2
printf '%s\n' "${missing[@]}" | awk '!seen[$0]++ { print "  - " $0 }' >&2
exit 1
