#!/usr/bin/env bash
# http-get.sh <path> [port]: GET http://127.0.0.1:<port><path>; exit 0 on 2xx. The port defaults to the management
# interface's (health, metrics), which is where the health checks call. Pure bash (/dev/tcp): the JRE image
# has no curl, and the health check must not depend on one.
set -u
path=${1:-/q/health/live} port=${2:-${QUARKUS_MANAGEMENT_PORT:-9000}}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS=' ' read -r -t 5 _ status _ <&3 || exit 1
exec 3<&-
[[ $status == 2* ]]
