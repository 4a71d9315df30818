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

command -v go >/dev/null || { echo "build.sh: go not found on PATH" >&2; exit 1; }

cd "$here"
version="$(awk '$1 == "github.com/jaegertracing/jaeger" { print $2 }' go.mod)"
stamp="jaeger $version $(go env GOVERSION) $(cat go.mod go.sum | sha256sum | cut -c1-16)"

if [[ -x "$out/jaeger" && -f "$out/jaeger.stamp" && "$(cat "$out/jaeger.stamp")" == "$stamp" ]]; then
  echo "jaeger: up to date ($stamp) at $out/jaeger"
  exit 0
fi

mkdir -p "$out"
echo "jaeger: building $stamp -> $out/jaeger (cold caches: ~1.3 GB download, ~7 min on 2 cores)"
go mod download github.com/jaegertracing/jaeger
# Module tags are v1.x; the binary reports its v2.x release name, listed beside it in the changelog.
src="$(go list -m -f '{{.Dir}}' github.com/jaegertracing/jaeger)"
v2_version="$(awk -v v="$version" '$1 == v && $2 == "/" { print $3; exit }' "$src/CHANGELOG.md")"
: "${v2_version:=$version}"
start=$SECONDS
go build -trimpath \
  -ldflags "-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$v2_version" \
  -o "$out/jaeger.tmp" github.com/jaegertracing/jaeger/cmd/jaeger
mv -f "$out/jaeger.tmp" "$out/jaeger"
echo "$stamp" > "$out/jaeger.stamp"
echo "jaeger: built in $(( SECONDS - start ))s, $(du -h "$out/jaeger" | cut -f1)"
