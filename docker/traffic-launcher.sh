#!/bin/sh
# /usr/local/bin/traffic in the image: runs the shaded jar on the jlink-ed JRE. exec, so the JVM
# replaces this shell and receives SIGTERM itself (graceful shutdown).
# traffic.jsa: the class-data-sharing archive made at image build (Dockerfile stage cds); a
# mismatched one is ignored (-Xshare:auto), its warning not shown.
# -XX:-UsePerfData: no hsperfdata file; java.io.tmpdir is the writable /tmp (read-only rootfs).
exec /opt/java/bin/java -XX:SharedArchiveFile=/opt/traffic/traffic.jsa -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off \
  -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=75 \
  -Djava.io.tmpdir=/tmp ${TRAFFIC_JAVA_OPTS:-} -jar /opt/traffic/traffic.jar "$@"
