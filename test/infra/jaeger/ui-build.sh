#!/usr/bin/env bash
# Builds the Jaeger UI (a separate JavaScript build: the Jaeger binary built from the Go module proxy
# carries none) once per release, with the project's cached Node 24, into
#   $HOPTRACE_CACHE/jaeger-ui/<version>/
# and prints that folder as its one stdout line (progress goes to stderr). A second run is instant.
#
# The release is the one that matches the Jaeger in go.mod (the UI is tagged like the Go module).
# Its source comes from JAEGER_UI_SRC (a source tree, or the tarball of one), else from
# ../shared/vendor/ beside the project (or beside the repository this clone was made from).
# Exit status 3 (after one line on how to get it): no source to build from; 1: the build failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cache_root="${HOPTRACE_CACHE:-$HOME/.cache/hoptrace}"

say() { echo "jaeger-ui: $*" >&2; }

version="$(awk '$1 == "github.com/jaegertracing/jaeger" { sub(/^v/, "", $2); print $2 }' "$here/go.mod")"
out="$cache_root/jaeger-ui/$version"

if [[ -f "$out/.built" && -f "$out/index.html" ]]; then
  say "up to date: v$version at $out"
  echo "$out"
  exit 0
fi

# Where the source may be, first found wins.
find_source() {
  if [[ -n "${JAEGER_UI_SRC:-}" ]]; then
    [[ -e "$JAEGER_UI_SRC" ]] || { say "JAEGER_UI_SRC=$JAEGER_UI_SRC does not exist"; return 1; }
    echo "$JAEGER_UI_SRC"
    return 0
  fi
  local name="jaeger-ui-v$version-src.tar.gz" origin
  [[ -f "$root/../shared/vendor/$name" ]] && { realpath "$root/../shared/vendor/$name"; return 0; }
  # A clean clone of a local repository (as CI makes) looks beside the repository it came from.
  origin="$(git -C "$root" config --get remote.origin.url 2>/dev/null || true)"
  origin="${origin#file://}"
  if [[ "$origin" == /* && -f "$origin/../shared/vendor/$name" ]]; then
    realpath "$origin/../shared/vendor/$name"
    return 0
  fi
  return 1
}

if ! src="$(find_source)"; then
  say "no UI source for v$version, so Jaeger serves its API without the UI. To get it: download the source of"
  say "  jaeger-ui v$version (github.com/jaegertracing/jaeger-ui, tag v$version) and set JAEGER_UI_SRC to its folder or tarball."
  exit 3
fi

started=$SECONDS
# The UI asks for Node >= 24 (its package.json's engines); the project's cached official builds have one.
node24="$(bash "$root/test/infra/node/install.sh" | awk '$1 == 24 { print $2 }')"
[[ -x "$node24" ]] || { say "no Node 24 build from test/infra/node/install.sh"; exit 1; }

work="$cache_root/jaeger-ui/build-$version"
log="$cache_root/jaeger-ui/build-$version.log"
rm -rf "$work" && mkdir -p "$work"
: >"$log"
failed() {
  say "$1 failed after $(( SECONDS - started )) s; last 40 lines of $log:"
  tail -n 40 "$log" >&2
  exit 1
}

if [[ -d "$src" ]]; then
  say "building v$version from $src (first run only: ~20 s to install its packages, ~1 min to build on 2 cores; log: $log)"
  cp -a "$src/." "$work/"
else
  say "building v$version from $src (first run only: ~20 s to install its packages, ~1 min to build on 2 cores; log: $log)"
  tar xzf "$src" -C "$work" --strip-components=1 || failed "unpacking $src"
fi
[[ -f "$work/packages/jaeger-ui/package.json" ]] || failed "finding packages/jaeger-ui in $src"

# npm is a script run by the first `node` on PATH: Node 24 for everything below.
export PATH="$(dirname "$node24"):$PATH"
cd "$work"
say "installing its packages with node $(node --version) (npm ci --ignore-scripts)"
step=$SECONDS
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >>"$log" 2>&1 || failed "npm ci"
say "packages installed in $(( SECONDS - step )) s; building (vite)"
step=$SECONDS
npm run build >>"$log" 2>&1 || failed "npm run build"
built="$work/packages/jaeger-ui/build"
[[ -f "$built/index.html" ]] || failed "the build (no index.html in $built)"
say "built in $(( SECONDS - step )) s"

# Keep only the build; the 1,400 installed packages are not needed to serve it.
rm -rf "$out.tmp" && mv "$built" "$out.tmp"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "v$version from $src, node $(node --version), $(date -u +%FT%TZ)" >"$out/.built"
cd "$cache_root" && rm -rf "$work"
say "ready in $(( SECONDS - started )) s at $out"
echo "$out"
