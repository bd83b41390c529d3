#!/usr/bin/env bash
# Screenshots of the operator's status page (/q/gateway/status.html) under load, for docs/operations.md.
#
# Starts the packaged gateway in demo mode (embedded simulator, connection "demo", BC's real limits) plus a connection
# "payroll" whose secret is wrong (so a token failure shows), then drives a bounded loopback load with hey at a fixed
# rate in phases: steady reads (4 callers at 10 req/s each), BC 429s forced through the simulator's control API (Retry-After: 2), a
# short overload (200 req/s offered against 4 running slots and a queue of 10) that makes the gateway answer its own
# 429s while BC also fails 40 requests with 500 (the circuit opens), steady again. Then headless Chromium
# screenshots the page at 1440 and 360 px into docs/. Loopback only; every phase is bounded in time (PHASE seconds, default 40; the overload PHASE/2); all processes stop at exit.
source "$(dirname "$0")/lib.sh"
PHASE=${PHASE:-40}
OUT=${OUT:-$ROOT/docs}

need hey hey
need curl curl
need chromium chromium
build

PORT=$(free_port)
MGMT=$(free_port)
TENANT=3f6b2a10-8c4e-4f1a-9d2b-5e7c1a0b9d42
java -Xmx256m -Dquarkus.profile=demo -Dquarkus.http.port="$PORT" -Dquarkus.management.port="$MGMT" \
  -Dgateway.throttle.max-queued=10 -Dgateway.connections.demo.limits.max-running=4 \
  -Dgateway.connections.payroll.tenant-id=$TENANT -Dgateway.connections.payroll.client-id=6a1e5c3b-2f47-4d8e-b1a9-0c3d5e7f9a21 \
  -Dgateway.connections.payroll.client-secret=wrong-on-purpose -Dgateway.connections.payroll.environment=production \
  -Dgateway.connections.payroll.base-url="http://127.0.0.1:$PORT/sim" \
  -Dgateway.connections.payroll.token-url="http://127.0.0.1:$PORT/sim/$TENANT/oauth2/v2.0/token" \
  -jar "$ROOT/target/quarkus-app/quarkus-run.jar" > "$RESULTS/status-screenshot.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$PORT/bc/demo/api/v2.0/companies"
GW="http://127.0.0.1:$PORT/bc/demo/api/v2.0/companies"
SIM="http://127.0.0.1:$PORT/sim/_sim"
put() { curl -sf --max-time 10 -X "$1" "$SIM/$2" -H 'Content-Type: application/json' -d "$3" >/dev/null; }

# BC answers in 15-60 ms, so that the p95 line has something to show; forced 429s say Retry-After: 2.
put PUT settings '{"latencyMillis":15,"retryAfterOn429":2}'

echo "phase 1: steady reads (${PHASE}s)"
steady() { hey -z "${1}s" -c 4 -q 10 -t 10 "$GW" > "$RESULTS/status-screenshot-$2.txt"; }
steady "$PHASE" phase1

echo "phase 2: BC answers 429 now and then (${PHASE}s)"
steady "$PHASE" phase2 &
LOAD=$!
for _ in $(seq 1 $((PHASE / 5))); do
  put POST faults/force '{"status":429,"count":3}'
  curl -s --max-time 5 -o /dev/null "http://127.0.0.1:$PORT/bc/payroll/api/v2.0/companies" || true
  sleep 5
done
wait $LOAD

echo "phase 3: overload, the gateway answers its own 429s ($((PHASE / 2))s)"
put PUT settings '{"latencyMillis":60}'
# BC fails 40 requests with 500 at the start: the circuit opens; its half-open probes use up the rest.
put POST faults/force '{"status":500,"count":40}'
hey -z "$((PHASE / 2))s" -c 40 -q 5 -t 10 "$GW" > "$RESULTS/status-screenshot-phase3.txt"

echo "phase 4: steady again, screenshots while it runs"
put PUT settings '{"latencyMillis":15}'
steady "$PHASE" phase4 &
LOAD=$!
sleep $((PHASE / 2))
# The status page lives on the management interface when routes are there, else on the main port.
PAGE="http://127.0.0.1:$MGMT/q/gateway/status.html"
curl -sf --max-time 5 -o /dev/null "$PAGE" || PAGE="http://127.0.0.1:$PORT/q/gateway/status.html"
for size in 1440,1000 360,1900; do
  width=${size%,*}
  profile=$(mktemp -d)
  # --virtual-time-budget lets the page's first poll finish before the picture is taken.
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$profile" \
    --window-size="$size" --virtual-time-budget=3000 --screenshot="$OUT/status-page-$width.png" "$PAGE" 2>/dev/null
  rm -rf "$profile"
  echo "wrote $OUT/status-page-$width.png"
done
wait $LOAD
for f in "$RESULTS"/status-screenshot-phase*.txt; do
  echo "$(basename "$f" .txt): $(grep -h "Requests/sec" "$f" | tr -s ' \t' ' ') |$(grep -hE '^ *\[[0-9]{3}\]' "$f" | tr -s ' \t' ' ' | tr '\n' ' ')"
done
