#!/usr/bin/env bash
# Builds the Java peers of the interop tests (hoptrace.peer.Peer) once and keeps the result outside
# the clone, in "$HOPTRACE_CACHE/java/<stamp>" (default cache: ~/.cache/hoptrace), where <stamp> is
# a hash of this script, pom.xml and src/: an edit builds anew, anything else is a cache hit that
# runs no Maven at all. The folder holds:
#   classes/                         the compiled peer (and its simplelogger.properties)
#   lib/                             every runtime dependency (dependency:copy-dependencies)
#   opentelemetry-javaagent.jar      the OpenTelemetry Java agent (dependency:copy)
#   versions                         what was built against, one `name=version` a line
# Progress goes to stderr; stdout's last line is that folder, so callers can do:
#   PEERS=$(test/infra/java/build.sh | tail -n1)
#   java -cp "$PEERS/classes:$PEERS/lib/*" hoptrace.peer.Peer --stack opentracing ...
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${HOPTRACE_CACHE:-$HOME/.cache/hoptrace}/java"

say() { echo "java-peers: $*" >&2; }
fail() { say "$1"; exit 1; }

command -v java >/dev/null || fail "java is not installed (Java 17 or newer is needed: apt-get install openjdk-17-jdk-headless)"
command -v javac >/dev/null || fail "javac is not installed: java alone is a runtime, the peers need a JDK 17+ (apt-get install openjdk-17-jdk-headless)"
command -v mvn >/dev/null || fail "mvn is not installed (apt-get install maven)"
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[[ "${java_major%%.*}" =~ ^[0-9]+$ && "${java_major%%.*}" -ge 17 ]] \
  || fail "java is version ${java_major:-unknown}; the peers need 17 or newer"

# Paths relative to $HERE, sorted, so the stamp is the same in every clone.
stamp="$(cd "$HERE" && find build.sh pom.xml src -type f -print0 | LC_ALL=C sort -z \
  | xargs -0 sha256sum | sha256sum | cut -c1-16)"
OUT="$CACHE/$stamp"

if [[ -f "$OUT/.complete" ]]; then
  touch "$OUT/.complete"  # last used: see the clean-up below
  say "cached: $OUT"
  echo "$OUT"
  exit 0
fi

mkdir -p "$CACHE"
TMP="$(mktemp -d "$CACHE/.build-$stamp.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
LOG="$CACHE/build-$stamp.log"
say "building with Maven into $OUT (first run only; ~150 MB of jars, 1-3 min; log: $LOG)..."
started=$SECONDS
if ! mvn -q -B -Dstyle.color=never -f "$HERE/pom.xml" "-Dhoptrace.out=$TMP" \
    compile dependency:copy-dependencies@lib dependency:copy@agent >"$LOG" 2>&1; then
  say "maven failed; its output ($LOG):"
  cat "$LOG" >&2
  fail "could not build the Java peers"
fi
mv "$TMP/maven/classes" "$TMP/classes"
rm -rf "$TMP/maven"
[[ -f "$TMP/opentelemetry-javaagent.jar" && -n "$(ls "$TMP/lib")" && -f "$TMP/classes/hoptrace/peer/Peer.class" ]] \
  || fail "maven succeeded but left no peer classes, lib/ or agent jar in $TMP (log: $LOG)"
{
  echo "opentelemetry-javaagent=$(sed -n 's:.*<otel.agent.version>\(.*\)</otel.agent.version>.*:\1:p' "$HERE/pom.xml")"
  # zstd-jni-1.5.6-4.jar -> zstd-jni=1.5.6-4: the version starts at the first "-<digit>".
  (cd "$TMP/lib" && ls -- *.jar) | sed -E 's/-([0-9][^-]*(-[0-9A-Za-z.]+)?)\.jar$/=\1/'
} >"$TMP/versions"
touch "$TMP/.complete"
# Another build of the same stamp may have finished first: keep that one.
if ! mv -T "$TMP" "$OUT" 2>/dev/null; then
  [[ -f "$OUT/.complete" ]] || fail "could not move the build into $OUT"
fi
say "built in $((SECONDS - started)) s: $OUT"
# Each edit leaves a build (~45 MB) behind; drop those no clone has used for a week.
for old in "$CACHE"/*/; do
  old="${old%/}"
  [[ "$old" != "$OUT" && -n "$(find "$old/.complete" -mtime +7 2>/dev/null)" ]] || continue
  say "removing an old build unused for a week: $old"
  rm -rf "$old" "$CACHE/build-$(basename "$old").log"
done
echo "$OUT"
