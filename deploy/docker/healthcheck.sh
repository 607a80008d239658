#!/usr/bin/env bash
# citysafe-healthcheck PORT [PATH]: exit 0 when http://127.0.0.1:PORT/PATH (default /health)
# answers 200, else 1. bash's /dev/tcp only: the slim runtime image has no curl or wget.
# Used by the runtime image's HEALTHCHECK (`citysafe serve`, 8080) and by the compose file
# for `citysafe ingest --metrics 0.0.0.0:9108`.
set -euo pipefail
port=${1:?usage: citysafe-healthcheck PORT [PATH]}
path=${2:-/health}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
read -r -t 5 status <&3 || exit 1
[[ $status == HTTP/1.[01]\ 200* ]]
