#!/bin/bash
# Docker HEALTHCHECK: GET /healthz on the admin listener (default 127.0.0.1:8081) with bash's
# /dev/tcp, so the image needs no curl. Exit 0 only on an HTTP 200.
set -eu
addr="${TRAFFIC_ADMIN:-127.0.0.1:8081}"
exec 3<>"/dev/tcp/${addr%:*}/${addr##*:}"
printf 'GET /healthz HTTP/1.0\r\nHost: %s\r\n\r\n' "$addr" >&3
read -r _ status _ <&3
[ "$status" = 200 ]
