#!/usr/bin/env bash
# Throttle goodput: 300 concurrent callers against BC's limits, through the gateway and through a plain
# pass-through (no admission, no retries, no breaker: the same jar with those switched off).
#
# BC's limits scaled in time: a 10 s sliding window (BC: 5 min) allowing 1,000 requests (BC: 6,000), 5 running,
# 95 queued, 20 ms per request. Each run lasts DURATION seconds (default 30 = 3 windows) with its own app
# registration, so both face a fresh quota. Prints a markdown table. Loopback only; every process stops at exit.
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-30}
CALLERS=${CALLERS:-300}
WINDOW_S=10
RATE=1000

need hey hey
need curl curl
need jq jq
build

SIM=$(free_port)
start_simulator "$SIM" --max-running 5 --max-queued 95 --rate-limit "$RATE" --rate-window-ms "$((WINDOW_S * 1000))" --latency-ms 20
register_app "$SIM" 11111111-0000-4000-8000-000000000001 bench-secret-gateway
register_app "$SIM" 11111111-0000-4000-8000-000000000002 bench-secret-plain

GW=$(free_port)
# shellcheck disable=SC2046
start_gateway "$GW" gateway-throttle $(connection_flags bc "$SIM" 11111111-0000-4000-8000-000000000001 bench-secret-gateway) \
  -Dgateway.connections.bc.limits.rate-limit=$RATE -Dgateway.connections.bc.limits.rate-window=${WINDOW_S}s \
  -Dgateway.throttle.max-queued=1000
PLAIN=$(free_port)
# shellcheck disable=SC2046
start_gateway "$PLAIN" plain-passthrough $(connection_flags bc "$SIM" 11111111-0000-4000-8000-000000000002 bench-secret-plain) \
  -Dgateway.connections.bc.limits.max-running=100000 -Dgateway.connections.bc.limits.rate-limit=100000000 \
  -Dgateway.throttle.max-queued=100000 -Dgateway.throttle.retry.max-attempts=1 \
  -Dgateway.throttle.circuit-breaker.enabled=false

run() { # run <label> <port>
  local label=$1 port=$2 url="http://127.0.0.1:$2/bc/bc/api/v2.0/companies?\$select=id"
  curl -s -o /dev/null "$url"   # token and connection warm-up, outside the measurement
  local before after
  before=$(curl -sf "http://127.0.0.1:$SIM/_sim/stats")
  hey -z "${DURATION}s" -c "$CALLERS" -t 60 "$url" > "$RESULTS/hey-$label.txt" 2>&1 || true
  after=$(curl -sf "http://127.0.0.1:$SIM/_sim/stats")
  local ok429 bc429 executed total errors p50 p99 ok
  ok=$(awk '/^[ \t]*\[2[0-9][0-9]\][ \t]+[0-9]+ responses/{s+=$2} END{print s+0}' "$RESULTS/hey-$label.txt")
  total=$(awk '/^[ \t]*\[[0-9]+\][ \t]+[0-9]+ responses/{s+=$2} END{print s+0}' "$RESULTS/hey-$label.txt")
  errors=$(awk '/Error distribution/{f=1;next} f&&/\[[0-9]+\]/{s+=$1} END{print s+0}' "$RESULTS/hey-$label.txt")
  p50=$(awk '/50% in/{print $3*1000}' "$RESULTS/hey-$label.txt")
  p99=$(awk '/99% in/{print $3*1000}' "$RESULTS/hey-$label.txt")
  bc429=$(( $(jq .bc429 <<<"$after") - $(jq .bc429 <<<"$before") ))
  executed=$(( $(jq .bcExecuted <<<"$after") - $(jq .bcExecuted <<<"$before") ))
  # The quota over the time the run really took (hey's total includes the drain of queued callers).
  local elapsed; elapsed=$(awk '/Total:/{print $2; exit}' "$RESULTS/hey-$label.txt")
  local share; share=$(awk -v a="$ok" -v r="$RATE" -v t="$elapsed" -v w="$WINDOW_S" 'BEGIN{printf "%.1f%%", 100*a/(r*t/w)}')
  local failed=$(( total - ok + errors ))
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$ok" "$share" "$bc429" "$failed" "$errors" "${p50:-?}" "${p99:-?}"
}

echo
echo "throttle goodput: $CALLERS callers for ${DURATION}s; BC window ${WINDOW_S}s x $RATE, 5 running, 95 queued, 20 ms"
echo
echo "| path | 2xx | goodput (share of quota over the run) | BC 429s | caller non-2xx | transport errors | p50 ms | p99 ms |"
echo "|---|---|---|---|---|---|---|---|"
run gateway "$GW"
run plain "$PLAIN"
