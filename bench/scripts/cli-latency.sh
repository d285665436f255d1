#!/bin/bash
# How long the reading commands take as a user starts them, on a store of 100,000 agent-like flows.
#   bench/scripts/cli-latency.sh [WORKDIR] [RUNS]
# Builds the CLI through ./traffic (which also makes its class-data-sharing archive), the bench jar,
# then, once per WORKDIR (default /tmp/cli-latency), a store of N=100000 flows (FLOWS=... to change)
# with StoreLoad's agent-like generator (MODE=agent, the default: ~200 KB of bodies per flow, so
# ~20 GB and an hour to build and index here) or its metadata-only one (MODE=small), indexed. Then runs each command RUNS times (default 10)
# after one warm-up run and prints min, p50 and max wall milliseconds per command:
#   tail -n 5 | show ID | search --count host:registry.npmjs.org | search --count body:"runs the tests"
#   | search --count '~d registry.npmjs.org' | stats
# TRAFFIC="./traffic" is the command timed (e.g. TRAFFIC_CDS=0 ./traffic to time without CDS).
set -eu
cd "$(dirname "$0")/../.."
work=${1:-/tmp/cli-latency}; runs=${2:-10}; flows=${FLOWS:-100000}; mode=${MODE:-agent}
traffic=${TRAFFIC:-./traffic}
mkdir -p "$work"
./traffic --version >/dev/null
if [ ! -f bench/target/benchmarks.jar ] || [ -n "$(find bench/src traffic-store/src/main -newer bench/target/benchmarks.jar -name '*.java' -print -quit)" ]; then
  mvn -B -q -o -DskipTests -pl bench -am package >/dev/null
fi
if [ ! -f "$work/.built-$mode-$flows" ]; then
  rm -rf "$work/store"
  java -cp bench/target/benchmarks.jar dev.traffic.bench.store.StoreLoad "$mode" "$work/store" "$flows"
  touch "$work/.built-$mode-$flows"
fi
id=$($traffic search --data-dir "$work" -n 1 -o json host:pypi.org | sed -n 's/^{"id":"\([^"]*\)".*/\1/p' | head -1)
[ -n "$id" ] || { echo "no flow found in $work/store" >&2; exit 1; }
now_ms() { date +%s%N | cut -c1-13; }
measure() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 || { echo "$name: exit $? ($*)" >&2; return 1; }
  local t=()
  for _ in $(seq "$runs"); do
    local a b; a=$(now_ms); "$@" >/dev/null 2>&1; b=$(now_ms); t+=($((b - a)))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk -v n="$name" '{v[NR]=$1} END {printf "%-44s min %5d  p50 %5d  max %5d ms\n", n, v[1], (NR%2 ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2)), v[NR]}'
}
echo "store: $flows $mode flows in $work/store ($(du -sh "$work/store" | cut -f1)); $runs runs each after one warm-up; command: $traffic"
measure "tail -n 5" $traffic tail --data-dir "$work" -n 5
measure "show ID" $traffic show --data-dir "$work" "$id"
measure "search --count host:registry.npmjs.org" $traffic search --data-dir "$work" --count host:registry.npmjs.org
measure "search --count body:\"runs the tests\"" $traffic search --data-dir "$work" --count 'body:"runs the tests"'
measure "search --count '~d registry.npmjs.org'" $traffic search --data-dir "$work" --count '~d registry.npmjs.org'
measure "stats" $traffic stats --data-dir "$work"
