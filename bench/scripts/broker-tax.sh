#!/usr/bin/env bash
# broker-tax.sh - what one configured credential costs the proxy per keep-alive request (issue 17: <= 5%).
#
#   bench/scripts/broker-tax.sh [ROUNDS]      (default 3; DURATION, REPS, CONCURRENCY as for the harness's run.sh)
#
# Needs the benchmark harness (../shared/bench/harness/setup.sh: nginx on 127.0.0.1:19443, bench.test).
# Two proxies of the same build, both pinned to core 1 as the harness pins proxies:
#   none   --policy with no credentials
#   broker --policy with one credential for the upstream host bench.test, injected as a header on
#          every request (and its real value rewritten back out of every response: the worst case,
#          every request brokered)
# The harness's keep-alive HTTPS test runs against each in turn, ROUNDS times, the order
# alternating; prints each round's proxy CPU per request and req/s, then the median ratio
# broker/none. Writes only under /tmp/broker-tax.
set -euo pipefail
ROUNDS="${1:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
harness="${HARNESS:-$root/../shared/bench/harness}"
[ -x "$harness/run.sh" ] || harness=/work/shared/bench/harness
jar="$root/cli/target/traffic.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -o -DskipTests -pl cli -am package)
work=/tmp/broker-tax
rm -rf "$work"; mkdir -p "$work"
bundle=/tmp/bench/upstream/certs/upstream-bundle.pem
printf 'bench-real-token-0123456789\n' > "$work/token"
cat > "$work/none.yaml" <<'YAML'
secrets: []
YAML
cat > "$work/broker.yaml" <<YAML
secrets: []
credentials:
  - name: bench
    valueFrom: {file: $work/token}
    placeholder: traffic-placeholder-bench
    hosts: [bench.test]
    inject: {header: Authorization, format: "Bearer {value}"}
YAML
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start() { # name port
  taskset -c 1 java -jar "$jar" proxy --listen "127.0.0.1:$2" --admin off --data-dir "$work/$1" \
    --upstream-ca "$bundle" --policy "$work/$1.yaml" >"$work/$1.out" 2>"$work/$1.err" &
  pids+=($!)
  for _ in $(seq 1 300); do grep -q "listening on" "$work/$1.out" 2>/dev/null && return; sleep 0.1; done
  echo "proxy $1 did not start: $(cat "$work/$1.err")" >&2; exit 1
}
start none 19291
start broker 19292
export SKIP="${SKIP:-flows,64k,newconn,hosts,large}" CONCURRENCY="${CONCURRENCY:-16}" DURATION="${DURATION:-5}" REPS="${REPS:-3}"
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order="none broker"; else order="broker none"; fi
  for v in $order; do
    port=19291; [ "$v" = broker ] && port=19292
    "$harness/run.sh" "127.0.0.1:$port" "$work/$v/ca/ca.pem" "tax-$v" > "$work/round$r-$v.txt" 2>>"$work/run.log"
    cpu=$(awk '$2=="https_ka_c16_proxy_cpu"{print $3}' "$work/round$r-$v.txt")
    rps=$(awk '$2=="https_ka_c16_rps"{print $3}' "$work/round$r-$v.txt")
    other=$(awk '$2=="host_other_cpu_median"{print $3}' "$work/round$r-$v.txt")
    echo "round $r $v https_ka_c16_proxy_cpu_us=$cpu rps=$rps host_other_cpu_median=$other"
  done
done | tee "$work/summary.txt"
python3 - "$work/summary.txt" <<'PY'
import re, statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.startswith("round")]
by = {}
for r in rows:
    by.setdefault(r[1], {})[r[2]] = float(r[3].split("=")[1])
ratios = [v["broker"] / v["none"] for v in by.values() if "broker" in v and "none" in v]
print("per-round CPU/request ratio broker/none:", " ".join(f"{x:.3f}" for x in ratios))
print(f"median ratio {statistics.median(ratios):.3f} ({(statistics.median(ratios) - 1) * 100:+.1f}%)")
PY
