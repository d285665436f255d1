#!/bin/bash
# Fleet shipping benchmark (issue 20): a real single-node OpenSearch on the same cores as the proxy.
#   bench/scripts/ship-bench.sh [FLOWS] [LAG_SECONDS] [RATE]
# 1. throughput: the proxy records FLOWS (default 100000) plain-HTTP flows through hey, stops, then
#    `traffic ship --exit-when-caught-up` ships them all; prints flows/s and the shipper's CPU per flow.
# 2. lag: `traffic proxy --ship` while hey sends RATE (default 500) requests/s for LAG_SECONDS
#    (default 60); samples traffic_ship_lag_seconds on /metrics every 100 ms (p50/p99/max) and prints
#    the shipper thread's CPU per flow beside the rest of the proxy process's.
# Needs: a built cli (mvn -B -o -q -pl cli -am -DskipTests package), hey, nginx, util-linux (setpriv)
# and root (OpenSearch runs as the unprivileged user traffic-os, created if missing). Everything
# listens on 127.0.0.1 and is stopped by its own pid.
set -eu
flows=${1:-100000}; lagsecs=${2:-60}; rate=${3:-500}
here=$(cd "$(dirname "$0")/../.." && pwd)
jar=${TRAFFIC_JAR:-$here/cli/target/traffic.jar}
[ -f "$jar" ] || { echo "no $jar: mvn -B -o -q -pl cli -am -DskipTests package" >&2; exit 2; }
command -v hey >/dev/null && command -v nginx >/dev/null || { echo "needs hey and nginx (apt-get install hey nginx)" >&2; exit 2; }
work=$(mktemp -d /tmp/ship-bench.XXXXXX); chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14+$15}' /proc/"$1"/stat; }
metric() { curl -s "http://$admin/metrics" | awk -v m="$1" '$1==m {print $2}'; }

# --- OpenSearch (integ-test distribution from Maven Central) ---
zip=~/.m2/repository/org/opensearch/distribution/integ-test-zip/opensearch/2.19.3/opensearch-2.19.3.zip
[ -f "$zip" ] || mvn -B -q dependency:get -Dartifact=org.opensearch.distribution.integ-test-zip:opensearch:2.19.3:zip
unzip -q "$zip" -d "$work"
id traffic-os >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin traffic-os
chown -R traffic-os "$work/opensearch-2.19.3"
osport=$(port); tport=$(port)
(cd "$work/opensearch-2.19.3" && JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64} OPENSEARCH_JAVA_OPTS="-Xms512m -Xmx512m" \
  exec setpriv --reuid=traffic-os --regid="$(id -g traffic-os)" --clear-groups bin/opensearch -Ehttp.port="$osport" \
  -Etransport.port="$tport" -Enetwork.host=127.0.0.1 -Ediscovery.type=single-node \
  -Ecluster.routing.allocation.disk.threshold_enabled=false > "$work/opensearch.log" 2>&1) &
pids+=($!)
os=http://127.0.0.1:$osport
for i in $(seq 1 900); do curl -sf "$os/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null && break; sleep 0.2; done
curl -sf "$os" >/dev/null || { echo "OpenSearch did not start:"; tail -20 "$work/opensearch.log"; exit 1; }

# --- upstream: nginx, 200-byte /small ---
up=$(port); mkdir -p "$work/nginx/html"; head -c 200 /dev/zero | tr '\0' 'x' > "$work/nginx/html/small"
cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 1; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log; daemon off;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$up; root $work/nginx/html; } }
NGINX
nginx -c "$work/nginx/nginx.conf" & pids+=($!)
for i in $(seq 1 100); do curl -sf "http://127.0.0.1:$up/small" >/dev/null && break; sleep 0.1; done

start_proxy() { # args: DATA_DIR, extra proxy options
  local dir=$1; shift
  pport=$(port); aport=$(port); admin=127.0.0.1:$aport
  java -jar "$jar" proxy --data-dir "$dir" --listen "127.0.0.1:$pport" --admin "$admin" "$@" > "$work/proxy.log" 2>&1 &
  proxy=$!; pids+=($proxy)
  for i in $(seq 1 300); do curl -sf "http://$admin/readyz" >/dev/null && return; sleep 0.1; done
  echo "proxy did not start:"; tail -20 "$work/proxy.log"; exit 1
}

if [ "${SKIP_THROUGHPUT:-}" != 1 ]; then
echo "# $(date -u +%FT%TZ) $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine)"
# --- 1. throughput ---
start_proxy "$work/data"
hey -n "$flows" -c 16 -x "http://127.0.0.1:$pport" "http://127.0.0.1:$up/small" > "$work/hey1.txt"
kill -TERM "$proxy"; wait "$proxy" 2>/dev/null || true
t0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$work/ship.time" java -jar "$jar" ship --data-dir "$work/data" --to "$os" --index-prefix benchtp \
    --cursor "$work/tp.cursor" --exit-when-caught-up > "$work/ship.log" 2>&1
t1=$(date +%s.%N)
curl -s -XPOST "$os/benchtp-flows-*/_refresh" >/dev/null
n=$(curl -s "$os/benchtp-flows-*/_count" | sed 's/.*"count":\([0-9]*\).*/\1/')
awk -v n="$n" -v a="$t0" -v b="$t1" -v cpu="$(cat "$work/ship.time")" 'BEGIN { split(cpu, c, " ");
  printf "throughput: %d flows shipped in %.1f s = %.0f flows/s (whole `traffic ship` process incl. JVM start; CPU %.1f us/flow)\n",
    n, b - a, n / (b - a), (c[1] + c[2]) * 1e6 / n }'

fi
# --- 2. lag at a steady recording rate, shipper in the proxy ---
echo "# lag phase $(date -u +%FT%TZ), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
start_proxy "$work/data2" --ship "$os" --ship-index-prefix benchlag --sandbox-id bench
c0=$(cpu_ticks "$proxy"); s0=$(metric traffic_ship_cpu_seconds_total); f0=$(metric traffic_ship_shipped_total)
( while kill -0 "$proxy" 2>/dev/null; do metric traffic_ship_lag_seconds; sleep 0.1; done ) > "$work/lag.txt" & sampler=$!; pids+=($sampler)
per=$((rate / 10))
hey -z "${lagsecs}s" -c 10 -q "$per" -x "http://127.0.0.1:$pport" "http://127.0.0.1:$up/small" > "$work/hey2.txt"
# until the shipper caught up with what was recorded
for i in $(seq 1 300); do [ "$(metric traffic_ship_lag_flows)" = "0.0" ] && break; sleep 0.1; done
c1=$(cpu_ticks "$proxy"); s1=$(metric traffic_ship_cpu_seconds_total); f1=$(metric traffic_ship_shipped_total)
kill "$sampler" 2>/dev/null || true
rps=$(awk '/Requests\/sec/ {print $2}' "$work/hey2.txt")
recorded=$(awk '/^ *\[[0-9]+\]/ {n += $2} END {print n}' "$work/hey2.txt")
sort -g "$work/lag.txt" | awk -v rps="$rps" '{v[NR]=$1} END { printf "lag while recording %s flows/s: p50 %.2f s, p99 %.2f s, max %.2f s (%d samples, 100 ms apart)\n",
  rps, v[int(NR*0.5)+1], v[int(NR*0.99)+1], v[NR], NR }'
awk -v c0="$c0" -v c1="$c1" -v s0="$s0" -v s1="$s1" -v f0="$f0" -v f1="$f1" -v r="$recorded" 'BEGIN { n = f1 - f0;
  ship = (s1 - s0) * 1e6; rest = (c1 - c0) * 10 * 1000 - ship;
  printf "CPU per flow: shipper thread %.1f us (%d flows shipped), rest of the proxy process %.1f us (%d flows recorded)\n", ship / n, n, rest / r, r }'
