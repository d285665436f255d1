#!/usr/bin/env bash
# The web UI's performance over a big store (issue 19): first page, host filter p50, 1 MiB body detail,
# heap bound. Usage: bench/scripts/ui-perf.sh [STORE_DIR] [FLOWS] [RUNS]
#   STORE_DIR  built with FLOWS fixture flows when it does not exist yet (default /tmp/traffic-ui-perf/store, 1000000)
# Needs chromium + chromium-driver (Debian), as the browser tests do. The UI server runs with -Xmx256m:
# it must not load the store into memory.
set -euo pipefail
cd "$(dirname "$0")/../.."
STORE=${1:-/tmp/traffic-ui-perf/store}
FLOWS=${2:-1000000}
RUNS=${3:-11}
mvn -B -q -o -pl traffic-ui -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/ui-perf.classpath -Dmdep.includeScope=test >/dev/null
CP="traffic-ui/target/test-classes:traffic-ui/target/classes:$(cat traffic-ui/target/ui-perf.classpath)"
if [ ! -d "$STORE" ]; then
  echo "building a $FLOWS-flow store at $STORE (once; minutes)"
  java -Xmx1g -cp "$CP" dev.traffic.ui.FixtureStore "$STORE" "$FLOWS"
fi
echo "store: $STORE ($(du -sh "$STORE" | cut -f1)), machine: $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx256m -XX:+UseSerialGC -cp "$CP" dev.traffic.ui.UiBench "$STORE" "$RUNS"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
