#!/usr/bin/env bash
# Fan-out benchmark. Part 1: a 50-company fan-out against BC's 5 running requests per principal, with 100 ms per
# BC call: wall time against the ideal bound (companies / running slots x per-call latency) and the gateway's peak
# RSS. Part 2: 200,000 rows (10 companies x 20,000 customers, every page) through a gateway with -Xmx128m.
# Loopback only; every process stops at exit. Prints a markdown table.
source "$(dirname "$0")/lib.sh"
LATENCY_MS=${LATENCY_MS:-100}
need curl curl
need jq jq
build

hwm_kb() { awk '/VmHWM/{print $2}' "/proc/$1/status"; }

SIM=$(free_port)
start_simulator "$SIM" --companies 50 --customers-per-company 100 --max-running 5 --latency-ms "$LATENCY_MS"
register_app "$SIM" 22222222-0000-4000-8000-000000000001 bench-secret-fanout
GW=$(free_port)
# shellcheck disable=SC2046
start_gateway "$GW" gateway-fanout $(connection_flags bench "$SIM" 22222222-0000-4000-8000-000000000001 bench-secret-fanout) \
  -Dgateway.fanout.concurrency=50
GW_PID=$LAST_PID
URL="http://127.0.0.1:$GW/fanout/bench/companies/customers?\$select=id,number,displayName"
curl -sf -o /dev/null "$URL"   # warm-up: token, company list, connections, JIT
times=()
for i in 1 2 3; do
  t=$(curl -sf -o "$RESULTS/fanout-50.json" -w '%{time_total}' "$URL")
  times+=("$t")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
rows=$(jq '.["@gateway.rows"]' "$RESULTS/fanout-50.json")
failed=$(jq '.["@gateway.failures"] | length' "$RESULTS/fanout-50.json")
ideal=$(awk -v c=50 -v s=5 -v l="$LATENCY_MS" 'BEGIN{printf "%.2f", (c/s)*l/1000}')
rss=$(( $(hwm_kb "$GW_PID") / 1024 ))

echo
echo "| fan-out | rows | failures | wall time (median of 3) | ideal bound | ratio | gateway peak RSS |"
echo "|---|---|---|---|---|---|---|"
printf '| 50 companies, 5 running, %s ms/call | %s | %s | %.2f s | %s s | %.2f | %s MiB |\n' \
  "$LATENCY_MS" "$rows" "$failed" "$median" "$ideal" "$(awk -v a="$median" -v b="$ideal" 'BEGIN{print a/b}')" "$rss"

# Part 2: 200,000 rows through a 128 MB heap.
SIM2=$(free_port)
start_simulator "$SIM2" --companies 10 --customers-per-company 20000 --max-running 5
register_app "$SIM2" 22222222-0000-4000-8000-000000000002 bench-secret-big
GW2=$(free_port)
# shellcheck disable=SC2046
start_gateway "$GW2" gateway-fanout-big $(connection_flags big "$SIM2" 22222222-0000-4000-8000-000000000002 bench-secret-big) -Xmx128m
GW2_PID=$LAST_PID
URL2="http://127.0.0.1:$GW2/fanout/big/companies/customers"
t=$(curl -sf -o "$RESULTS/fanout-200k.json" -w '%{time_total}' "$URL2")
rows=$(jq '.["@gateway.rows"]' "$RESULTS/fanout-200k.json")
unique=$(jq '[.value[].id] | unique | length' "$RESULTS/fanout-200k.json")
failed=$(jq '.["@gateway.failures"] | length' "$RESULTS/fanout-200k.json")
size=$(( $(stat -c %s "$RESULTS/fanout-200k.json") / 1024 / 1024 ))
rss=$(( $(hwm_kb "$GW2_PID") / 1024 ))
printf '| 200,000 rows (10 x 20,000, all pages), gateway -Xmx128m | %s (%s unique ids) | %s | %.2f s | - | - | %s MiB (answer: %s MiB) |\n' \
  "$rows" "$unique" "$failed" "$t" "$rss" "$size"
