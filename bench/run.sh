#!/usr/bin/env bash
# `npm run bench [-- --quick] [--majors 24,26]`: installs the benchmark's own dependencies (the agents compared
# against) when missing, makes sure hoptrace is built, and runs bench/run.js (Node 24 and 26 unless
# --majors says) against the broker
# `npm run kafka:start` runs (or KAFKA_BROKERS). `npm run bench -- --startup [--quick]`: start-up
# on every supported Node major instead (bench/startup.js; needs no broker). `-- --floor`: against
# the propagation floor, sampling off, 10 % and 100 %, per Node major (bench/floor.js; the broker).
# `-- --alloc [--check]`: bytes allocated per operation per Node major, and CI's guard over them
# (bench/alloc.js; no broker). `-- --hotpath`: time per operation of the same in-process loops, per
# Node major, against the floor (bench/hotpath.js; no broker; `--split`: recording apart from export). `-- --memory`: RSS of the express app
# with and without hoptrace per Node major, the young generation as V8 sizes it and pinned
# (bench/memory.js; no broker). `-- --compile-memory`: where that RSS comes from: V8's heap, its
# malloc peak, its compilers' zones (bench/compile-memory.js; no broker). `-- --http-via`: HTTP through Node's channels against patching, per
# Node major that has the channels (bench/http-via.js; no broker).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/hoptrace.js ] || npm run build
[ -d bench/node_modules ] || npm ci --prefix bench --no-audit --no-fund --loglevel=error
command -v taskset >/dev/null || { echo "bench: taskset (util-linux) is needed to pin processes to cores" >&2; exit 1; }
for arg in "$@"; do
  [ "$arg" = --startup ] && exec node bench/startup.js "$@"
  [ "$arg" = --alloc ] && exec node bench/alloc.js "$@"
  [ "$arg" = --floor ] && exec node bench/floor.js "$@"
  [ "$arg" = --hotpath ] && exec node bench/hotpath.js "$@"
  [ "$arg" = --memory ] && exec node bench/memory.js "$@"
  [ "$arg" = --compile-memory ] && exec node bench/compile-memory.js "$@"
  [ "$arg" = --http-via ] && exec node bench/http-via.js "$@"
done
exec node bench/run.js "$@"
