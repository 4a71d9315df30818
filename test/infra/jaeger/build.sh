#!/usr/bin/env bash
# Builds the Jaeger v2 all-in-one binary from the version pinned in go.mod.
# The Go module and build caches live under the project cache so CI can keep them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cache_root="${HOPTRACE_CACHE:-$HOME/.cache/hoptrace}"
out="$cache_root/jaeger"

export GOMODCACHE="$cache_root/go/mod"
export GOCACHE="$cache_root/go/build"
# Leave the module cache deletable by rm -rf (it is read-only by default).
export GOFLAGS="-modcacherw -buildvcs=false"
# jaeger needs go >= 1.24.6 (see go.mod); a newer local go is fine, so never fetch one.
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

# Progress goes to stderr, so that callers reading start.sh's stdout for the URL still show it.
say() { echo "jaeger: $*" >&2; }

command -v go >/dev/null || { say "go not found on PATH (apt-get install golang-go, or Go from its official archive)"; exit 1; }

cd "$here"
version="$(awk '$1 == "github.com/jaegertracing/jaeger" { print $2 }' go.mod)"
stamp="jaeger $version $(go env GOVERSION) $(cat go.mod go.sum | sha256sum | cut -c1-16)"

if [[ -x "$out/jaeger" && -f "$out/jaeger.stamp" && "$(cat "$out/jaeger.stamp")" == "$stamp" ]]; then
  say "up to date ($stamp) at $out/jaeger"
  exit 0
fi

mkdir -p "$out"
log="$out/build.log"
# Go lists every module it downloads (hundreds of lines): they go to the log, not the terminal.
say "building $stamp -> $out/jaeger (first run only; cold caches: ~1.3 GB download, ~7-15 min on 2 cores; log: $log)"
started=$SECONDS
build_failed() {
  say "build failed after $(( SECONDS - started ))s; last 40 lines of $log:"
  tail -n 40 "$log" >&2
  exit 1
}
go mod download github.com/jaegertracing/jaeger >"$log" 2>&1 || build_failed
# Only the jaeger module itself so far: `go build` fetches its dependencies (most of the download).
say "jaeger source fetched in $(( SECONDS - started ))s; fetching its dependencies and compiling (the long part)"
# Module tags are v1.x; the binary reports its v2.x release name, listed beside it in the changelog.
src="$(go list -m -f '{{.Dir}}' github.com/jaegertracing/jaeger)"
v2_version="$(awk -v v="$version" '$1 == v && $2 == "/" { print $3; exit }' "$src/CHANGELOG.md")"
: "${v2_version:=$version}"
go build -trimpath \
  -ldflags "-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$v2_version" \
  -o "$out/jaeger.tmp" github.com/jaegertracing/jaeger/cmd/jaeger >>"$log" 2>&1 || build_failed
mv -f "$out/jaeger.tmp" "$out/jaeger"
echo "$stamp" > "$out/jaeger.stamp"
say "built in $(( SECONDS - started ))s, $(du -h "$out/jaeger" | cut -f1)"
