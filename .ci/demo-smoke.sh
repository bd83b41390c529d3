#!/usr/bin/env bash
# Starts the packaged gateway in demo mode (embedded simulator) on a free loopback port and runs the README's
# walkthrough requests against it. Bounded: gives up after 60 s of start-up; always stops the gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v curl >/dev/null || { apt-get update -q && apt-get install -y -q curl; }
command -v jq >/dev/null || { apt-get update -q && apt-get install -y -q jq; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port 2>/dev/null || echo 18080)
# Health is on the management interface, its own port (9000 by default; a free one here).
MPORT=$(free_port 2>/dev/null || echo 19000)
LOG=target/demo-smoke.log
# The README's command (no host: the demo profile itself listens on loopback), on a free port.
java -Dquarkus.profile=demo -Dquarkus.http.port="$PORT" -Dquarkus.management.port="$MPORT" \
  -jar target/quarkus-app/quarkus-run.jar >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT

GW="http://127.0.0.1:$PORT/bc/demo/api/v2.0"
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "http://127.0.0.1:$MPORT/q/health/live" 2>/dev/null && break
  curl -s -o /dev/null "$GW/companies" 2>/dev/null && break
  sleep 0.5
done

fail() { echo "demo smoke: $*"; echo "--- gateway log ---"; tail -50 "$LOG"; exit 1; }

COMPANY=$(curl -sf "$GW/companies" | jq -r '.value[0].id') || fail "list companies"
[ -n "$COMPANY" ] && [ "$COMPANY" != null ] || fail "no company"
CREATED=$(curl -sf -X POST "$GW/companies($COMPANY)/customers" -H 'Content-Type: application/json' \
  -d '{"displayName":"Smoke Test Customer","type":"Company"}') || fail "create customer"
ID=$(jq -r .id <<<"$CREATED"); ETAG=$(jq -r '.["@odata.etag"]' <<<"$CREATED")
FOUND=$(curl -sf -G "$GW/companies($COMPANY)/customers" --data-urlencode "\$filter=displayName eq 'Smoke Test Customer'" \
  | jq '.value | length') || fail "filter"
[ "$FOUND" = 1 ] || fail "filter found $FOUND"
NEW_ETAG=$(curl -sf -X PATCH "$GW/companies($COMPANY)/customers($ID)" -H 'Content-Type: application/json' \
  -H "If-Match: $ETAG" -d '{"displayName":"Smoke Test Renamed"}' | jq -r '.["@odata.etag"]') || fail "rename"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$GW/companies($COMPANY)/customers($ID)" -H "If-Match: $NEW_ETAG")
[ "$STATUS" = 204 ] || fail "delete answered $STATUS"
# Health answers on the management port only: callers of the gateway's port cannot reach it.
curl -sf -o /dev/null "http://127.0.0.1:$MPORT/q/health/ready" || fail "readiness on the management port"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/q/health/ready")
[ "$STATUS" = 404 ] || fail "health on the gateway's port answered $STATUS"
echo "demo smoke: 1 passed, 0 failed"
