#!/usr/bin/env bash
# Credential pool throughput: the same BC limits per principal (1 running request, 50 ms each), one connection
# with a single app registration and one with a pool of three. 60 concurrent callers for DURATION seconds each.
# Prints requests/s for both and their ratio (BC's per-principal limits make ~3x the ideal). Loopback only.
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-15}
need hey hey
need curl curl
need jq jq
build

SIM=$(free_port)
start_simulator "$SIM" --max-running 1 --latency-ms 50
for i in 1 2 3 4; do register_app "$SIM" 33333333-0000-4000-8000-00000000000$i "bench-secret-$i"; done
GW=$(free_port)
# shellcheck disable=SC2046
start_gateway "$GW" gateway-pool \
  $(connection_flags single "$SIM" 33333333-0000-4000-8000-000000000001 bench-secret-1) \
  $(connection_flags pooled "$SIM" 33333333-0000-4000-8000-000000000002 bench-secret-2) \
  -Dgateway.connections.pooled.pool.b.client-id=33333333-0000-4000-8000-000000000003 \
  -Dgateway.connections.pooled.pool.b.client-secret=bench-secret-3 \
  -Dgateway.connections.pooled.pool.c.client-id=33333333-0000-4000-8000-000000000004 \
  -Dgateway.connections.pooled.pool.c.client-secret=bench-secret-4 \
  -Dgateway.connections.single.limits.max-running=1 -Dgateway.connections.pooled.limits.max-running=1

rate() { # rate <connection>
  local url="http://127.0.0.1:$GW/bc/$1/api/v2.0/companies?\$select=id"
  curl -s -o /dev/null "$url"
  hey -z "${DURATION}s" -c 60 -t 60 "$url" > "$RESULTS/hey-pool-$1.txt" 2>&1 || true
  awk '/Requests\/sec/{print $2}' "$RESULTS/hey-pool-$1.txt"
}
single=$(rate single)
pooled=$(rate pooled)
echo
echo "| connection | principals | requests/s | BC limit per principal |"
echo "|---|---|---|---|"
echo "| single | 1 | $single | 1 running, 50 ms |"
echo "| pooled | 3 | $pooled | 1 running, 50 ms |"
echo
awk -v a="$pooled" -v b="$single" 'BEGIN{printf "pool / single throughput: %.2fx\n", a/b}'
