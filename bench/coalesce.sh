#!/usr/bin/env bash
# Coalesced reads: a dashboard workload, 50 callers polling the same 5 queries for DURATION seconds, against the
# simulator with BC online's limits (5 running, 6,000 per 5 minutes per principal) and LATENCY_MS per request.
# Run twice on one simulator, each gateway with its own app registration (so the windows do not mix): coalescing
# on (the default) and off (gateway.coalesce.enabled=false). Counts the calls BC saw (/_sim/stats), the answers per
# second the callers got, their status mix and the p99 latency over all 50 callers (hey's CSV of every answer).
#
#   bench/coalesce.sh       DURATION=30 CALLERS=50 LATENCY_MS=100 to override
#
# Prints a markdown table and writes it to bench/results/coalesce-<date>.md. Loopback only; every process stops at exit.
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-30}
CALLERS=${CALLERS:-50}
LATENCY_MS=${LATENCY_MS:-100}
TENANT=3f6b2a10-8c4e-4f1a-9d2b-5e7c1a0b9d42
QUERIES=('customers?$top=20' 'items?$top=20' 'vendors?$top=20' 'customers?$select=number,displayName&$top=50'
         'items?$filter=unitPrice%20gt%20100&$top=20')

need hey hey
need curl curl
need jq jq
build
ulimit -n 65536 2>/dev/null || true

SIM=$(free_port)
start_simulator "$SIM" --latency-ms "$LATENCY_MS"
bc_requests() { curl -sf "http://127.0.0.1:$SIM/_sim/stats" | jq .bcRequests; }

# run <label> <extra gateway flags...>: prints "<bc calls> <answers> <2xx> <answers/s> <p50 ms> <p99 ms>"
run() {
  local label=$1; shift
  local client="77777777-0000-4000-8000-00000000000$((${#label} % 10))" secret="bench-secret-coalesce-$label"
  register_app "$SIM" "$client" "$secret"
  local gw; gw=$(free_port)
  # shellcheck disable=SC2046
  start_gateway "$gw" "gateway-coalesce-$label" $(connection_flags dash "$SIM" "$client" "$secret") "$@"
  local pid=$LAST_PID base="http://127.0.0.1:$gw/bc/dash/api/v2.0/companies"
  local company; company=$(curl -sf "$base" | jq -r '.value[0].id')
  for q in "${QUERIES[@]}"; do curl -sf -o /dev/null "$base($company)/$q"; done   # warm-up: token, classes
  local before; before=$(bc_requests)
  local per=$(( CALLERS / ${#QUERIES[@]} )) i=0 hp=()
  for q in "${QUERIES[@]}"; do
    hey -z "${DURATION}s" -c "$per" -t 60 -o csv "$base($company)/$q" > "$RESULTS/hey-coalesce-$label-$i.csv" 2>/dev/null &
    hp+=($!); i=$((i + 1))
  done
  wait "${hp[@]}"
  local calls=$(( $(bc_requests) - before ))
  kill "$pid" 2>/dev/null || true
  # CSV: response-time (s), ..., status-code (7th column); header lines start with "response-time".
  local times="$RESULTS/coalesce-$label-times.txt"
  cat "$RESULTS"/hey-coalesce-"$label"-*.csv | awk -F, '$1 ~ /^[0-9.]+$/ {printf "%.1f %s\n", $1 * 1000, $7}' \
    | sort -n > "$times"
  local n ok p50 p99
  n=$(wc -l < "$times")
  ok=$(awk '$2 >= 200 && $2 < 300' "$times" | wc -l)
  p50=$(sed -n "$(( n * 50 / 100 > 0 ? n * 50 / 100 : 1 ))p" "$times" | cut -d' ' -f1)
  p99=$(sed -n "$(( n * 99 / 100 > 0 ? n * 99 / 100 : 1 ))p" "$times" | cut -d' ' -f1)
  echo "$calls $n $ok $(( n / DURATION )) ${p50:-0} ${p99:-0}"
}

read -r on_calls on_n on_ok on_rps on_p50 on_p99 <<<"$(run on -Dgateway.coalesce.enabled=true)"
read -r off_calls off_n off_ok off_rps off_p50 off_p99 <<<"$(run off -Dgateway.coalesce.enabled=false)"

OUT="$RESULTS/coalesce-$(date -u +%Y-%m-%d).md"
{
  echo "coalesced reads: $CALLERS callers polling the same ${#QUERIES[@]} queries for ${DURATION}s; BC (simulator)" \
       "answers in ${LATENCY_MS} ms, 5 running and 6,000 per 5 minutes per principal;" \
       "$(date -u '+%Y-%m-%d %H:%M UTC'); load $(awk '{print $1, $2, $3}' /proc/loadavg); $(nproc) cores"
  echo
  echo "| coalescing | BC calls | answers | 2xx | answers/s | p50 ms | p99 ms | answers per BC call |"
  echo "|---|---|---|---|---|---|---|---|"
  echo "| on | $on_calls | $on_n | $on_ok | $on_rps | $on_p50 | $on_p99 | $(awk -v a="$on_n" -v c="$on_calls" 'BEGIN{printf "%.1f", a / (c ? c : 1)}') |"
  echo "| off | $off_calls | $off_n | $off_ok | $off_rps | $off_p50 | $off_p99 | $(awk -v a="$off_n" -v c="$off_calls" 'BEGIN{printf "%.1f", a / (c ? c : 1)}') |"
} | tee "$OUT"
