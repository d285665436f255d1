#!/usr/bin/env bash
# rules-cost.sh - what 50 request rules that match nothing cost the proxy, paired in one run.
# NOT YET WORKING (2026-12-08): hey gets "remote error: tls: internal error" through the proxy (curl works),
# so every window counts 0 requests and the ratio printed is meaningless. Fix the client before using it.
#
#   bench/scripts/rules-cost.sh [ROUNDS=3] [DURATION=8] [WARM=15] [CONC=16]
#
# Two proxies side by side, both pinned to core 1 (the clients and nginx to core 0, as the harness
# does), both recording to their own store, detection off (its cost would only add noise here):
#   none   - no --policy: no RULES stage at all
#   rules  - --policy with 50 rules none of which matches (20 on other hosts, 10 on this host with
#            other paths, 10 DELETE/PUT rules, 5 query and 5 header rules: most of them evaluate
#            more than the host), so every request walks all 50 and records "no rule matched".
# Load: keep-alive HTTPS GET /small through the proxy (hey, c$CONC). ROUNDS windows of DURATION s
# per variant, order alternating. Prints req/s and proxy CPU per request (utime+stime from
# /proc/PID/stat over the window, divided by the requests hey completed) per round, the medians,
# and rules/none. Needs the harness's nginx (../shared/bench/harness/setup.sh) and hey.
set -euo pipefail
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-8}; WARM=${WARM:-15}; CONC=${CONC:-16}
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/cli/target/traffic.jar"
work=/tmp/rules-cost; rm -rf "$work"; mkdir -p "$work"
bundle=/tmp/bench/upstream/certs/upstream-bundle.pem
url=https://bench.test:19443/small
[ -f "$jar" ] || { echo "build first: mvn -B -o -q -DskipTests -pl cli -am package" >&2; exit 2; }
curl -sk -o /dev/null "$url" || { echo "nginx of the harness is not up (setup.sh)" >&2; exit 2; }

policy="$work/rules50.yaml"
{
  echo "rules:"
  for i in $(seq 1 20); do echo "  - {name: other-host-$i, host: \"svc$i.other.example\", action: block}"; done
  for i in $(seq 1 10); do echo "  - {name: other-path-$i, host: bench.test, path: \"/api/v$i/**\", action: block}"; done
  for i in $(seq 1 5); do echo "  - {name: no-delete-$i, host: \"*.test\", methods: [DELETE], path: \"/x$i/*\", action: block}"; done
  for i in $(seq 1 5); do echo "  - {name: no-put-$i, methods: [PUT, PATCH], action: flag}"; done
  for i in $(seq 1 5); do echo "  - {name: query-$i, host: \"*.test\", query: {force$i: \"true\"}, action: block}"; done
  for i in $(seq 1 5); do echo "  - {name: header-$i, host: \"*.test\", headers: {X-Admin-$i: \"*\"}, action: block}"; done
} > "$policy"
java -jar "$jar" policy check "$policy" >/dev/null

start() { # name port extra...
  local name=$1 port=$2; shift 2
  taskset -c 1 java -jar "$jar" proxy --listen 127.0.0.1:$port --data-dir "$work/$name" --admin 127.0.0.1:0 \
    --upstream-ca "$bundle" --no-detect "$@" >"$work/$name.log" 2>&1 &
  echo $! > "$work/$name.pid"
  for _ in $(seq 1 200); do grep -q "listening on" "$work/$name.log" 2>/dev/null && return 0; sleep 0.1; done
  echo "proxy $name did not start" >&2; cat "$work/$name.log" >&2; exit 1
}
stop() { for n in none rules; do [ -f "$work/$n.pid" ] && kill "$(cat "$work/$n.pid")" 2>/dev/null || true; done; }
trap stop EXIT
start none 19311
start rules 19312 --policy "$policy"
ca() { echo "$work/$1/ca/ca.pem"; }

cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
window() { # name port seconds -> "reqs cpu_ticks"
  local pid; pid=$(cat "$work/$1.pid"); local c0; c0=$(cpu "$pid")
  local out; out=$(taskset -c 0 hey -z "${3}s" -c "$CONC" -x "http://127.0.0.1:$2" "$url" 2>&1)
  local c1; c1=$(cpu "$pid")
  local n; n=$(echo "$out" | awk '/\[200\]/{print $2}')
  echo "${n:-0} $((c1 - c0))"
}
tck=$(getconf CLK_TCK)
for v in "none 19311" "rules 19312"; do set -- $v; window "$1" "$2" "$WARM" >/dev/null; done
: > "$work/rounds.tsv"
for r in $(seq 1 "$ROUNDS"); do
  order=("none 19311" "rules 19312"); [ $((r % 2)) -eq 0 ] && order=("rules 19312" "none 19311")
  for v in "${order[@]}"; do
    set -- $v
    read -r n t < <(window "$1" "$2" "$DURATION")
    us=$(python3 -c "print(f'{$t/$tck*1e6/max($n,1):.1f}')")
    rps=$(python3 -c "print(f'{$n/$DURATION:.0f}')")
    printf "%s\t%s\t%s\t%s\n" "$r" "$1" "$rps" "$us" | tee -a "$work/rounds.tsv"
  done
done
python3 - "$work/rounds.tsv" <<'PY'
import sys, statistics
rows=[l.split() for l in open(sys.argv[1])]
by={}
for r,v,rps,us in rows: by.setdefault(v,[]).append((float(rps),float(us)))
med={v:(statistics.median(x[0] for x in xs), statistics.median(x[1] for x in xs)) for v,xs in by.items()}
for v,(rps,us) in med.items(): print(f"{v:6s} median {rps:8.0f} req/s  {us:7.1f} us CPU/request  (rounds: {', '.join(f'{x[1]:.1f}' for x in by[v])})")
pairs=[b[1]/a[1] for a,b in zip(by['none'],by['rules'])]
print(f"rules/none CPU per request: median {statistics.median(pairs):.3f} (per round: {', '.join(f'{p:.3f}' for p in pairs)})")
PY
grep -c '"decisions"' /dev/null >/dev/null || true
