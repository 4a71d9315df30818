#!/usr/bin/env bash
# Installs @confluentinc/kafka-javascript, the version pinned in test/fixtures/confluent-kafka/package.json,
# into that folder for one Node (argument 1, default: the `node` on PATH), and prints as its last line
# the folder to put in LD_LIBRARY_PATH when running it. Progress goes to stderr. Any failure exits
# non-zero with the reason: the tests that need the package never skip.
#
# The package is a native addon over librdkafka. No prebuilt binary is reachable from these machines,
# and the package's own fallback build of librdkafka downloads zlib, OpenSSL, zstd and curl from sites
# they cannot reach; Debian's librdkafka-dev (2.0.2) is too old for the addon. So, as in
# shared/notes/infra.md:
#   1. Debian's -dev packages of librdkafka's dependencies (apt-get, first time only);
#   2. librdkafka built from the package's own deps/librdkafka into the cache (outside the clone,
#      shared by every clone and run: ~4 min on 2 cores, once per librdkafka version);
#   3. the addon built against it (BUILD_LIBRDKAFKA=0) once per Node ABI (1-2 min), the .node file cached too;
#   4. the fixture installed from its lockfile with install scripts off, the cached addon copied in.
# With everything cached, a run costs about a second, plus `npm ci` of a few small packages (~3 s)
# when node_modules is missing.
set -euo pipefail
cd "$(dirname "$0")/../../.."

say() { echo "confluent-kafka: $*" >&2; }
fail() { echo "confluent-kafka: FAILED: $*" >&2; exit 1; }

FIXTURE=test/fixtures/confluent-kafka
PACKAGE=@confluentinc/kafka-javascript
CACHE="${HOPTRACE_CACHE:-$HOME/.cache/hoptrace}"
NODE_BIN=$(command -v "${1:-node}") || fail "no node at ${1:-node}"
VERSION=$(node -p "require('./$FIXTURE/package.json').dependencies['$PACKAGE']")
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "$FIXTURE/package.json must pin an exact version of $PACKAGE (has '$VERSION')"
ABI=$("$NODE_BIN" -p process.versions.modules)
NODE_PREFIX=$("$NODE_BIN" -p "require('path').resolve(process.execPath, '../..')")
[ -f "$NODE_PREFIX/include/node/node.h" ] || fail "no Node headers at $NODE_PREFIX/include/node (node-gyp cannot download them here)"

# 1. Build dependencies. librdkafka-dev must not be installed: its old headers would win over ours.
if dpkg-query -W -f='${Status}' librdkafka-dev 2>/dev/null | grep -q 'install ok installed'; then
  fail "Debian's librdkafka-dev is installed; its 2.0 headers break the addon's build (apt-get remove librdkafka-dev)"
fi
missing=()
for pkg in build-essential python3 libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  apt-get update -qq >&2 || fail 'apt-get update'
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 || fail "apt-get install ${missing[*]}"
fi

# The package's tarball (for its deps/librdkafka), from the npm registry, kept in the cache.
mkdir -p "$CACHE/confluent-kafka-javascript"
TARBALL="$CACHE/confluent-kafka-javascript/confluentinc-kafka-javascript-$VERSION.tgz"
if [ ! -f "$TARBALL" ]; then
  say "npm pack $PACKAGE@$VERSION"
  npm pack "$PACKAGE@$VERSION" --pack-destination "$CACHE/confluent-kafka-javascript" --silent >&2 || fail "npm pack $PACKAGE@$VERSION"
fi
# The librdkafka version it bundles, read from the tarball once (unpacking it costs a second).
if [ ! -f "$TARBALL.librdkafka" ]; then
  tar -xzOf "$TARBALL" package/package.json | node -e "process.stdout.write(JSON.parse(require('fs').readFileSync(0)).librdkafka)" >"$TARBALL.librdkafka.tmp"
  mv "$TARBALL.librdkafka.tmp" "$TARBALL.librdkafka"
fi
LIBRDKAFKA_VERSION=$(cat "$TARBALL.librdkafka")
[[ $LIBRDKAFKA_VERSION =~ ^[0-9.]+$ ]] || fail "no librdkafka version in $PACKAGE@$VERSION's package.json"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 2. librdkafka (C and C++ libraries), into its own folder; `.complete` marks a finished install.
LIBRDKAFKA="$CACHE/librdkafka-$LIBRDKAFKA_VERSION"
if [ ! -f "$LIBRDKAFKA/.complete" ]; then
  say "building librdkafka $LIBRDKAFKA_VERSION into $LIBRDKAFKA (a few minutes, once)"
  started=$(date +%s)
  rm -rf "$LIBRDKAFKA"
  tar -xzf "$TARBALL" -C "$work" package/deps/librdkafka
  (
    cd "$work/package/deps/librdkafka"
    ./configure --prefix="$LIBRDKAFKA" >"$work/librdkafka.log" 2>&1
    make -j"$(nproc)" -C src >>"$work/librdkafka.log" 2>&1
    make -C src install >>"$work/librdkafka.log" 2>&1
    make -j"$(nproc)" -C src-cpp >>"$work/librdkafka.log" 2>&1
    make -C src-cpp install >>"$work/librdkafka.log" 2>&1
  ) || { tail -n 40 "$work/librdkafka.log" >&2; fail "librdkafka $LIBRDKAFKA_VERSION did not build (log above)"; }
  touch "$LIBRDKAFKA/.complete"
  say "librdkafka built in $(($(date +%s) - started)) s"
fi
build_env=(BUILD_LIBRDKAFKA=0 "CPATH=$LIBRDKAFKA/include/librdkafka:$LIBRDKAFKA/include" "LIBRARY_PATH=$LIBRDKAFKA/lib"
  "npm_config_nodedir=$NODE_PREFIX" npm_config_build_from_source=true "PATH=$(dirname "$NODE_BIN"):$PATH")

# 3. The addon for this Node ABI. 4. The fixture, from its lockfile.
ADDON_CACHE="$CACHE/confluent-kafka-javascript/$VERSION-librdkafka-$LIBRDKAFKA_VERSION-node-abi$ABI.node"
INSTALLED="$FIXTURE/node_modules/$PACKAGE"
ADDON="$INSTALLED/build/Release/confluent-kafka-javascript.node"
installed_version() { node -p "try { require('./$INSTALLED/package.json').version } catch { '' }"; }
if [ ! -f "$ADDON_CACHE" ]; then
  say "building the addon for Node ABI $ABI ($("$NODE_BIN" --version)) against librdkafka $LIBRDKAFKA_VERSION"
  started=$(date +%s)
  env "${build_env[@]}" npm ci --prefix "$FIXTURE" --no-audit --no-fund --loglevel=error >"$work/addon.log" 2>&1 ||
    { tail -n 40 "$work/addon.log" >&2; fail "the addon did not build (log above)"; }
  [ -f "$ADDON" ] || fail "the build left no $ADDON"
  cp "$ADDON" "$ADDON_CACHE.tmp" && mv "$ADDON_CACHE.tmp" "$ADDON_CACHE"
  say "addon built in $(($(date +%s) - started)) s"
elif [ "$(installed_version)" != "$VERSION" ]; then
  say "npm ci in $FIXTURE (the addon from the cache)"
  npm ci --prefix "$FIXTURE" --ignore-scripts --no-audit --no-fund --loglevel=error >&2 || fail "npm ci in $FIXTURE"
fi
if ! cmp -s "$ADDON_CACHE" "$ADDON"; then
  mkdir -p "$(dirname "$ADDON")"
  cp "$ADDON_CACHE" "$ADDON"
fi

# It must load, on this Node, with this librdkafka.
LD_LIBRARY_PATH="$LIBRDKAFKA/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$NODE_BIN" -e "
  const { KafkaJS, librdkafkaVersion } = require('./$INSTALLED');
  if (typeof KafkaJS.Kafka !== 'function') throw new Error('no KafkaJS.Kafka');
  if (librdkafkaVersion !== '$LIBRDKAFKA_VERSION') throw new Error('loaded librdkafka ' + librdkafkaVersion);
" >&2 || fail "$PACKAGE@$VERSION does not load on $("$NODE_BIN" --version) with LD_LIBRARY_PATH=$LIBRDKAFKA/lib"
echo "$LIBRDKAFKA/lib"
