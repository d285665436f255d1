#!/usr/bin/env bash
# Paired harness run of two traffic builds on this machine: A B A B ... (ROUNDS pairs), each a
# fresh `traffic proxy` pinned to core 1 (fresh data dir, default flags: BoringSSL, journal + index,
# inline detection) measured by ../shared/bench/harness/run.sh with SKIP (default: keep-alive and
# new-host only). Prints each run's keep-alive and new-host medians and the B/A ratio per pair, so
# the spread between pairs shows the noise. Needs the harness set up (setup.sh: nginx on loopback).
#   bench/scripts/paired-harness.sh A.jar B.jar [ROUNDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
harness="${HARNESS_DIR:-$here/../../../shared/bench/harness}"
a="$1"; b="$2"; rounds="${3:-2}"
port="${PORT:-19190}"
export SKIP="${SKIP:-flows,64k,newconn,large}"
out="$(mktemp -d /tmp/paired-harness.XXXXXX)"
run_one() { # label jar
  local label="$1" jar="$2" data pid
  data="$(mktemp -d "$out/data.XXXXXX")"
  taskset -c 1 java -jar "$jar" proxy --listen "127.0.0.1:$port" --data-dir "$data" \
      --upstream-ca /tmp/bench/upstream/certs/upstream-bundle.pem > "$data/proxy.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do # wait for the listener (deadline 60 s)
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    kill -0 "$pid" 2>/dev/null || { cat "$data/proxy.log"; exit 1; }
    sleep 0.1
  done
  PROXY_PID="$pid" "$harness/run.sh" "127.0.0.1:$port" "$data/ca/ca.pem" "$label" > "$out/$label.txt" 2>> "$out/harness.log" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
metric() { awk -v m="$2" '$2==m {print $3}' "$out/$1.txt"; }
for r in $(seq 1 "$rounds"); do
  run_one "A$r" "$a"
  run_one "B$r" "$b"
  for m in https_ka_c1_rps https_ka_c16_rps https_ka_c1_proxy_cpu https_ka_c16_proxy_cpu https_newhost_first_req_p50 https_newhost_minus_revisit_p50; do
    va="$(metric "A$r" "$m")"; vb="$(metric "B$r" "$m")"
    ratio="$(awk -v x="$va" -v y="$vb" 'BEGIN { if (x+0 > 0 && y+0 > 0) printf "%.3f", y/x; else print "n/a" }')"
    printf 'pair %s %-30s A=%s B=%s B/A=%s\n' "$r" "$m" "${va:-n/a}" "${vb:-n/a}" "$ratio"
  done
  grep -h host_other_cpu_median "$out/A$r.txt" "$out/B$r.txt" | sed "s/^/pair $r /" || true
done
echo "tables: $out"
