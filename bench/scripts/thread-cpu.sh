#!/bin/bash
# Where a running proxy's CPU goes under keep-alive load, per thread and user/kernel.
#   bench/scripts/thread-cpu.sh PID [SECONDS] [CONNECTIONS] [URL]
# Drives the benchmark harness's client (../shared/bench/harness, after its setup.sh) through the
# proxy on 127.0.0.1:19190 (PROXY=host:port to change) on core 0, for SECONDS (default 30) at
# CONNECTIONS (default 16) keep-alive connections to URL (default https://bench.test:19443/small),
# then prints each thread group's CPU per request from /proc/PID/task/*/stat (user and kernel time,
# 10 ms ticks) and the whole process's (which also counts threads that ended meanwhile, such as
# Lucene merge threads).
set -eu
pid=$1; secs=${2:-30}; conns=${3:-16}; url=${4:-https://bench.test:19443/small}
proxy=${PROXY:-127.0.0.1:19190}
build=${BENCH_BUILD:-/tmp/bench/build}
ca=${BENCH_CA:-/tmp/bench/upstream/certs/upstream-bundle.pem}
[ -f "$build/BenchClient.class" ] || { echo "no $build/BenchClient.class: run ../shared/bench/harness/setup.sh first" >&2; exit 2; }
snap() {
  for t in /proc/"$pid"/task/*; do
    # thread names group: traffic-io-1-1, C2_CompilerThre..., Lucene_Merge_Thread_#3 -> one group each
    echo "$(tr ' ' _ < "$t"/comm | sed 's/_#[0-9]*$//') $(awk '{print $14, $15}' "$t"/stat)"
  done | awk '{u[$1]+=$2; s[$1]+=$3} END {for (k in u) print k, u[k], s[k]}' | sort
}
before=$(mktemp); after=$(mktemp); out=$(mktemp)
trap 'rm -f "$before" "$after" "$out"' EXIT
snap > "$before"; p0=$(awk '{print $14+$15}' /proc/"$pid"/stat)
taskset -c 0 java -cp "$build" BenchClient load --proxy "$proxy" --ca "$ca" --insecure --url "$url" \
    --c "$conns" --warmup 0 --duration "$secs" --proxy-pid "$pid" > "$out"
snap > "$after"; p1=$(awk '{print $14+$15}' /proc/"$pid"/stat)
head -1 "$out"
req=$(grep -o 'requests=[0-9]*' "$out" | head -1 | cut -d= -f2)
[ "${req:-0}" -gt 0 ] || { echo "no requests completed" >&2; cat "$out" >&2; exit 1; }
join "$before" "$after" | awk -v n="$req" '{
    du = ($4 - $2) * 10; ds = ($5 - $3) * 10
    if (du + ds > 0) printf "%-24s %7.1f us/request (user %6.1f, kernel %6.1f)\n", $1, (du + ds) * 1000 / n, du * 1000 / n, ds * 1000 / n
    tu += du; ts += ds
  } END { printf "%-24s %7.1f us/request (user %6.1f, kernel %6.1f)\n", "threads alive throughout", (tu + ts) * 1000 / n, tu * 1000 / n, ts * 1000 / n }'
awk -v a="$p0" -v b="$p1" -v n="$req" 'BEGIN { printf "%-24s %7.1f us/request over %d requests\n", "whole process", (b - a) * 10 * 1000 / n, n }'
