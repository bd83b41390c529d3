#!/usr/bin/env bash
# Cluster goodput: CALLERS concurrent callers spread over 3 gateway replicas sharing one principal's quota through
# Redis, against a simulated BC with shrunken limits; and, for comparison, one gateway alone (local mode).
#
# BC's limits scaled in time: RATE requests per WINDOW_S-second sliding window (BC: 6,000 per 5 minutes), RUNNING
# running (BC: 5), LATENCY_MS per request. Each run lasts DURATION seconds with its own app registration. The quota
# over a run of t seconds is RATE x (1 + t / WINDOW_S): a sliding window lets a full window through at once, then
# RATE per window; the steady-state share counts BC's executions over whole windows from one window after the
# start (before the senders stop), against RATE per window. DURATION must be at least 3 windows. Prints a markdown table. Loopback only; every process it started stops at exit.
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-30}
CALLERS=${CALLERS:-300}
WINDOW_S=${WINDOW_S:-5}
RATE=${RATE:-200}
RUNNING=${RUNNING:-5}
LATENCY_MS=${LATENCY_MS:-20}

need hey hey
need curl curl
need jq jq
need redis-server redis-server
build

REDIS=$(free_port)
redis-server --port "$REDIS" --bind 127.0.0.1 --save '' --appendonly no > "$RESULTS/redis-$REDIS.log" 2>&1 &
PIDS+=($!)

SIM=$(free_port)
start_simulator "$SIM" --max-running "$RUNNING" --max-queued 95 --rate-limit "$RATE" \
  --rate-window-ms "$((WINDOW_S * 1000))" --latency-ms "$LATENCY_MS"
register_app "$SIM" 33333333-0000-4000-8000-000000000001 bench-secret-cluster
register_app "$SIM" 33333333-0000-4000-8000-000000000002 bench-secret-single

limits() {
  echo "-Dgateway.connections.bc.limits.max-running=$RUNNING -Dgateway.connections.bc.limits.rate-limit=$RATE" \
       "-Dgateway.connections.bc.limits.rate-window=${WINDOW_S}s -Dgateway.throttle.max-queued=1000" \
       "-Dgateway.throttle.default-deadline=120s"
}
GWS=()
for i in 1 2 3; do
  port=$(free_port)
  # shellcheck disable=SC2046
  start_gateway "$port" "cluster-gateway-$i" $(connection_flags bc "$SIM" 33333333-0000-4000-8000-000000000001 bench-secret-cluster) \
    $(limits) -Dgateway.cluster.enabled=true -Dgateway.cluster.redis.hosts="redis://127.0.0.1:$REDIS" \
    -Dgateway.cluster.replica-id="gateway-$i" -Dgateway.cluster.expected-replicas=3
  GWS+=("$port")
done
SINGLE=$(free_port)
# shellcheck disable=SC2046
start_gateway "$SINGLE" single-gateway $(connection_flags bc "$SIM" 33333333-0000-4000-8000-000000000002 bench-secret-single) $(limits)

run() { # run <label> <client id> <port...>
  local label=$1 client=$2; shift 2
  local n=$# per=$(( CALLERS / $# )) before after
  for port in "$@"; do curl -s -o /dev/null "http://127.0.0.1:$port/bc/bc/api/v2.0/companies?\$select=id"; done
  sleep "$WINDOW_S"   # the warm-up requests leave the window
  before=$(curl -sf "http://127.0.0.1:$SIM/_sim/stats")
  local start; start=$(date +%s.%N)
  local hp=()
  for port in "$@"; do
    hey -z "${DURATION}s" -c "$per" -t 120 "http://127.0.0.1:$port/bc/bc/api/v2.0/companies?\$select=id" \
      > "$RESULTS/hey-$label-$port.txt" 2>&1 &
    hp+=($!)
  done
  # Steady state: BC's executions from one window after the start until a second before the senders stop,
  # against RATE per window (the first window's burst and the final drain are left out).
  sleep $(( WINDOW_S + 1 ))
  local s1 t1 s2 t2
  s1=$(curl -sf "http://127.0.0.1:$SIM/_sim/stats" | jq .bcExecuted); t1=$(date +%s.%N)
  sleep $(( (DURATION - WINDOW_S - 2) / WINDOW_S * WINDOW_S ))   # whole windows: the window replays its pattern
  s2=$(curl -sf "http://127.0.0.1:$SIM/_sim/stats" | jq .bcExecuted); t2=$(date +%s.%N)
  local steady; steady=$(awk -v a="$((s2 - s1))" -v r="$RATE" -v t1="$t1" -v t2="$t2" -v w="$WINDOW_S" \
    'BEGIN{printf "%.1f%%", 100*a/(r*(t2-t1)/w)}')
  wait "${hp[@]}"
  local elapsed; elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{print e-s}')
  after=$(curl -sf "http://127.0.0.1:$SIM/_sim/stats")
  local ok=0 total=0 f
  for port in "$@"; do
    f="$RESULTS/hey-$label-$port.txt"
    ok=$(( ok + $(awk '/^[ \t]*\[2[0-9][0-9]\][ \t]+[0-9]+ responses/{s+=$2} END{print s+0}' "$f") ))
    total=$(( total + $(awk '/^[ \t]*\[[0-9]+\][ \t]+[0-9]+ responses/{s+=$2} END{print s+0}' "$f") ))
  done
  local bc429=$(( $(jq .bc429 <<<"$after") - $(jq .bc429 <<<"$before") ))
  local maxrun; maxrun=$(jq -r --arg c "$client" '.bcMaxRunningByClient[$c] // 0' <<<"$after")
  local maxq; maxq=$(jq -r --arg c "$client" '.bcMaxQueuedByClient[$c] // 0' <<<"$after")
  local share; share=$(awk -v a="$ok" -v r="$RATE" -v t="$elapsed" -v w="$WINDOW_S" 'BEGIN{printf "%.1f%%", 100*a/(r*(1+t/w))}')
  printf '| %s | %d | %s | %.1f | %s | %s | %s | %s | %s | %s |\n' "$label" "$n" "$ok" "$elapsed" "$steady" "$share" "$maxrun" "$maxq" "$bc429" "$(( total - ok ))"
}

echo
echo "cluster goodput: $CALLERS callers for ${DURATION}s; BC window ${WINDOW_S}s x $RATE, $RUNNING running, ${LATENCY_MS} ms"
echo
echo "| path | replicas | 2xx | seconds | steady-state share of the quota | share of the quota over the run | BC max running | BC max queued | BC 429s | caller non-2xx |"
echo "|---|---|---|---|---|---|---|---|---|---|"
run cluster 33333333-0000-4000-8000-000000000001 "${GWS[@]}"
run single 33333333-0000-4000-8000-000000000002 "$SINGLE"
